"""The headers every response carries: a Content-Security-Policy with no 'unsafe-inline', a
Permissions-Policy, ``Cache-Control: no-store`` on everything a signed-in user or an API client receives, and
one charset in the API's Content-Type. (That the pages need nothing inline is checked page by page in
test_page_crawl.py and in Chromium in test_browser_csp.py.)"""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from baosong.editorial.tests.conftest import adopted_at_county, distributed_county_issue


def directives(response: Any) -> dict[str, str]:
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: " ".join(part.split()[1:]) for part in policy.split(";") if part.strip()}


def assert_strict(response: Any) -> dict[str, str]:
    d = directives(response)
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert d["default-src"] == "'self'"
    assert d["script-src"] == "'self'"
    assert re.fullmatch(r"'self' 'nonce-[\w-]{16,}'", d["style-src"]), d["style-src"]
    assert d["object-src"] == "'none'"
    assert d["base-uri"] == "'none'"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    return d


def test_anonymous_pages_carry_the_policy_and_public_pages_may_be_cached(db: None) -> None:
    client = Client()
    for path in ("/accounts/login", "/portal/", "/no-such-page/"):
        response = client.get(path)
        assert response.status_code in (200, 404), path
        d = assert_strict(response)
        assert d["frame-ancestors"] == "'none'", path
    assert "no-store" not in Client().get("/portal/").get("Cache-Control", "")


def test_each_response_has_its_own_nonce(client_as: Any) -> None:
    client = client_as("county_editor")
    first, second = (directives(client.get("/"))["style-src"] for _ in range(2))
    assert first != second


def test_signed_in_pages_fragments_downloads_and_the_api_are_never_stored(
    cast: Any, client_as: Any, api: Any
) -> None:
    issue = distributed_county_issue(cast, [adopted_at_county(cast)])
    client = client_as("county_editor")
    for path in ("/", "/inbox/", "/notices/unread", f"/issues/{issue.pk}/document.docx"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert "no-store" in response["Cache-Control"], path
        assert_strict(response)
    # A refusal and a missing page are not stored either.
    assert "no-store" in client.get("/issues/999999/")["Cache-Control"]
    token_client = api("county_editor")
    for path in ("/api/v1/me", "/api/v1/inbox", "/api/v1/reports/999999"):
        response = token_client.get(path)
        assert "no-store" in response["Cache-Control"], path
        assert response["Content-Type"] == "application/json; charset=utf-8", response["Content-Type"]
        assert_strict(response)
    # Not even an answer to a client without a token.
    assert "no-store" in Client().get("/api/v1/me")["Cache-Control"]


def test_only_the_print_previews_may_be_framed_and_only_by_the_site(cast: Any, client_as: Any) -> None:
    issue = distributed_county_issue(cast, [adopted_at_county(cast)])
    client = client_as("county_editor")
    preview = client.get(f"/issues/{issue.pk}/preview")
    assert preview.status_code == 200
    assert directives(preview)["frame-ancestors"] == "'self'"
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    # Its <style> blocks carry this response's nonce, and only they do.
    nonce = re.search(r"'nonce-([^']+)'", preview["Content-Security-Policy"]).group(1)  # type: ignore[union-attr]
    html = preview.content.decode()
    assert len(re.findall(r"<style[\s>]", html)) == html.count(f'<style nonce="{nonce}">') == 2
    page = client.get(f"/issues/{issue.pk}/")
    assert directives(page)["frame-ancestors"] == "'none'"
    assert page["X-Frame-Options"] == "DENY"
