"""三员 on the API: the business routes answer the three administrators 403 ``role_forbidden`` exactly where
the pages answer them 403 — one rule (``orgs.permissions.may_use_business``) decides both."""

from __future__ import annotations

from typing import Any

import pytest

from baosong.core.models import AuditEvent

ADMINS = ["sysadmin", "secadmin", "auditadmin"]
BUSINESS_ROUTES = [
    ("/api/v1/reports", "/reports/"),
    ("/api/v1/inbox", "/inbox/"),
    ("/api/v1/issues", "/issues/"),
    ("/api/v1/instructions", "/instructions/"),
    ("/api/v1/solicitations", "/solicitations/"),
    ("/api/v1/search?q=防汛", "/search/?q=防汛"),
]


@pytest.mark.parametrize("admin", ADMINS)
@pytest.mark.parametrize(("api_url", "page_url"), BUSINESS_ROUTES)
def test_admins_are_refused_on_business_routes_as_on_the_pages(
    client_as: Any, admin: str, api_url: str, page_url: str
) -> None:
    client = client_as(admin)  # the admin's browser session (admins take API tokens with their TOTP)
    page = client.get(page_url)
    assert page.status_code == 403, (page_url, page.status_code)
    denials = AuditEvent.objects.filter(event_type="permission.denied").count()
    response = client.get(api_url)
    assert response.status_code == 403, (api_url, response.content[:200])
    assert response.json()["code"] == "role_forbidden"
    assert "业务接口" in response.json()["detail"]
    assert AuditEvent.objects.filter(event_type="permission.denied").count() == denials + 1


@pytest.mark.parametrize("admin", ADMINS)
def test_admins_keep_their_own_routes(client_as: Any, admin: str) -> None:
    assert client_as(admin).get("/api/v1/me").status_code == 200


def test_a_business_user_is_not_affected(api: Any) -> None:
    assert api("county_editor").get("/api/v1/inbox").status_code == 200


def test_an_over_size_json_body_answers_the_apis_own_413(api: Any, settings: Any) -> None:
    """Django's limit on a request body (DATA_UPLOAD_MAX_MEMORY_SIZE) answers in the API's shape."""
    body = '{"title": "大", "body": "' + "字" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 3 + 10) + '"}'
    response = api("township_reporter").post("/api/v1/reports", body, content_type="application/json")
    assert response.status_code == 413
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "body_too_large"
