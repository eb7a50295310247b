"""Real Chromium under the product's own Content-Security-Policy: the pages that draw charts, frame a print
preview, colour a masthead or send a form on change work and report no violation, and the portal's public
pages too. A violation is what the browser refused to apply or run (``securitypolicyviolation`` events,
collected in every frame)."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from baosong.editorial import services as issue_services
from baosong.editorial.models import IssueTemplate
from baosong.editorial.tests.conftest import adopted_at_county, distributed_county_issue
from conftest import CHROMIUM, DESKTOP, PHONE, browser_login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason="Debian chromium is not installed (make setup installs it)"
    ),
]

COLLECT = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber} ${e.sample}`);
});
"""


def violations(page: Any) -> list[str]:
    found: list[str] = []
    for frame in page.frames:
        found += [f"{frame.url}: {v}" for v in frame.evaluate("() => window.__csp || []")]
    return found


def visit(page: Any, url: str, *, ready: str) -> list[str]:
    page.goto(url)
    page.locator(ready).first.wait_for()
    page.wait_for_load_state("networkidle")
    return violations(page)


def test_pages_work_under_the_content_security_policy(
    live_server: Any, cast: Any, browser_context: Any
) -> None:
    url = live_server.url
    first = adopted_at_county(cast, "城关镇开展防汛应急演练", public_scope="public")
    issue = distributed_county_issue(cast, [first])
    adopted_at_county(cast, "城关镇推进农村人居环境整治")
    editing = issue_services.issue_create(by=cast.county_editor.user, publication=issue.publication)
    found: dict[str, list[str]] = {}

    editor = browser_login(browser_context, url, cast.county_editor, DESKTOP)
    editor.add_init_script(COLLECT)
    found["工作台"] = visit(editor, f"{url}/", ready="main")
    found["收件箱"] = visit(editor, f"{url}/inbox/", ready="main table, main .empty")
    # Charts: ECharts draws and its tooltip shows on hover.
    found["统计"] = visit(editor, f"{url}/stats/", ready="main .chart svg, main .chart canvas")
    editor.locator("main .chart").first.hover()
    found["统计"] += violations(editor)
    # The print preview in its frame, with its nonce'd <style> blocks applied (the masthead is red and large).
    found["组稿"] = visit(editor, f"{url}/issues/{editing.pk}/", ready="iframe#issue-preview")
    preview = editor.frame_locator("iframe#issue-preview").locator(".masthead-name")
    preview.wait_for()
    assert preview.evaluate("e => getComputedStyle(e).color") != "rgb(0, 0, 0)"
    found["组稿"] += violations(editor)
    # 检索: the sort order sends its form on change (no onchange attribute).
    found["检索"] = visit(editor, f"{url}/search/?q=防汛", ready="main")
    sort = editor.locator("input[name=sort][value=date]")
    if sort.count():
        with editor.expect_navigation():
            sort.check()
        assert "sort=date" in editor.url
    found["检索"] += violations(editor)
    editor.set_viewport_size(PHONE)
    found["工作台（手机）"] = visit(editor, f"{url}/", ready="main")

    reporter = browser_login(browser_context, url, cast.township_reporter, DESKTOP)
    reporter.add_init_script(COLLECT)
    found["写信息"] = visit(reporter, f"{url}/reports/new", ready="form")
    found["本单位信息"] = visit(reporter, f"{url}/reports/", ready="main")

    admin = browser_login(browser_context, url, cast.sysadmin, DESKTOP)
    admin.add_init_script(COLLECT)
    template = IssueTemplate.objects.order_by("pk").first()
    assert template is not None
    found["刊物模板"] = visit(admin, f"{url}/manage/templates/", ready="main table")
    swatch = admin.locator(".swatch").first
    assert swatch.evaluate("e => getComputedStyle(e).backgroundColor") not in ("rgba(0, 0, 0, 0)", "")
    found["模板预览"] = visit(admin, f"{url}/manage/templates/{template.pk}/", ready="iframe.preview")

    visitor = browser_login(browser_context, url, None, DESKTOP)
    visitor.add_init_script(COLLECT)
    found["门户首页"] = visit(visitor, f"{url}/portal/", ready="main")
    found["登录"] = visit(visitor, f"{url}/accounts/login", ready="form")

    problems = {page: v for page, v in found.items() if v}
    assert not problems, problems


def test_a_file_over_the_limit_is_refused_when_chosen(
    live_server: Any, cast: Any, browser_context: Any, tmp_path: Any, settings: Any
) -> None:
    """From Word on the 工作台 sends its form as soon as a file is chosen; a file over the limit is refused
    there, with the limit in the message, before any upload (the server would answer 413 unread)."""
    settings.ATTACHMENT_MAX_MB = 1
    big = tmp_path / "汛情报告.docx"
    big.write_bytes(b"PK\x03\x04" + b"\0" * (1024 * 1024 + 10))
    page = browser_login(browser_context, live_server.url, cast.township_reporter, DESKTOP)
    messages: list[str] = []
    page.on("dialog", lambda d: messages.append(d.message))
    page.goto(f"{live_server.url}/")
    page.locator("#wb-docx").set_input_files(str(big))
    page.wait_for_timeout(500)
    assert messages and "1 MB" in messages[0] and "汛情报告.docx" in messages[0], messages
    assert page.url.rstrip("/") == live_server.url.rstrip("/")  # nothing was sent
    assert page.locator("#wb-docx").evaluate("e => e.files.length") == 0
