"""Real Chromium on a desk and a phone: a citizen checks a downloaded issue at /verify/ (no login), the
security administrator rotates a key; no sideways scrolling, nothing refused by the CSP."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from baosong.editorial import release
from baosong.signing import services
from conftest import ARTIFACTS, CHROMIUM, DESKTOP, PHONE, browser_login, no_sideways_scroll

from .test_signed_releases import signed_issue

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed"),
]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_citizen_checks_a_file_and_the_secadmin_rotates_a_key(
    live_server: Any, cast: Any, browser_context: Any, viewport: dict[str, int], tmp_path: Any
) -> None:
    url, name = live_server.url, f"{viewport['width']}"
    issue = signed_issue(cast, count=1)
    path = tmp_path / "issue.pdf"
    path.write_bytes(services.document_bytes(release.issue_fixed(issue, "pdf")))

    visitor = browser_login(browser_context, url, None, viewport)
    visitor.goto(f"{url}/verify/")
    visitor.get_by_label("选择文件").set_input_files(str(path))
    visitor.get_by_role("button", name="核验文件").click()
    visitor.locator(".verdict").wait_for()
    assert "有效" in visitor.locator(".verdict h2").inner_text()
    no_sideways_scroll(visitor)
    visitor.screenshot(path=str(ARTIFACTS / f"signing-verify-{name}.png"), full_page=True)
    visitor.get_by_label("期号或文件名称").fill(f"{issue.year}年第{issue.number}期")
    visitor.get_by_role("button", name="查询发布记录").click()
    visitor.get_by_text("发布记录（").wait_for()
    no_sideways_scroll(visitor)
    visitor.screenshot(path=str(ARTIFACTS / f"signing-lookup-{name}.png"), full_page=True)

    admin = browser_login(browser_context, url, cast.secadmin, viewport)
    admin.goto(f"{url}/security/signing-keys")
    admin.get_by_label("单位名称、单位代码或密钥标识").fill(cast.county_editor.unit.code)
    admin.get_by_role("button", name="查找").click()
    admin.get_by_role("button", name="轮换密钥").click()
    admin.get_by_text("已为").wait_for()
    assert admin.get_by_text("已停用").count() >= 1
    no_sideways_scroll(admin)
    admin.screenshot(path=str(ARTIFACTS / f"signing-keys-{name}.png"), full_page=True)
