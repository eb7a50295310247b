"""Real Chromium (Debian's) driven by Playwright, as a person would use the pages."""

from __future__ import annotations

import shutil

import pytest

from conftest import ARTIFACTS, CHROMIUM, otp_now

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason="Debian chromium is not installed (make setup installs it)"
    ),
]


def test_a_demo_reporter_logs_in_and_sees_the_workbench(live_server, cast, page):
    page.goto(f"{live_server.url}/")
    assert "/accounts/login" in page.url
    page.get_by_label("用户名").fill(cast.township_reporter.user.username)
    page.get_by_label("密码").fill(cast.township_reporter.password)
    page.get_by_role("button", name="登 录").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_role("heading", name="工作台").is_visible()
    assert page.get_by_text("东湖区城关镇").first.is_visible()
    page.screenshot(path=str(ARTIFACTS / "workbench-reporter.png"), full_page=True)


def test_system_administrator_logs_in_with_totp_and_expands_the_unit_tree(live_server, cast, page):
    page.goto(f"{live_server.url}/accounts/login")
    page.get_by_label("用户名").fill("sysadmin")
    page.get_by_label("密码").fill(cast.sysadmin.password)
    page.get_by_role("button", name="登 录").click()
    page.get_by_label("动态口令").fill(otp_now(cast.sysadmin.user))
    page.get_by_role("button", name="验 证").click()
    page.wait_for_url(f"{live_server.url}/")
    assert page.get_by_text("在用单位").is_visible()
    page.screenshot(path=str(ARTIFACTS / "workbench-sysadmin.png"), full_page=True)
    page.get_by_role("link", name="单位管理").click()
    page.locator(f"#unit-{cast.sysadmin.unit.pk} > details > summary").click()
    page.locator(f"#unit-{cast.city_editor.unit.pk} > details > summary").click()
    page.get_by_role("link", name="临江市东湖区人民政府办公室").wait_for()
    page.screenshot(path=str(ARTIFACTS / "unit-tree.png"), full_page=True)
