"""Real Chromium: the county editor sees the same-event banner in the inbox, opens the group side by side
and makes one 综合 item of it."""

from __future__ import annotations

import shutil

import pytest

from baosong.editorial.models import IssueItem
from baosong.editorial.tests.test_browser_issue import _login
from baosong.search.tests.conftest import same_fire_from_five
from conftest import ARTIFACTS, CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed"),
]


def test_editor_opens_a_group_from_the_inbox_and_composes_it(
    live_server, cast, browser_context, django_capture_on_commit_callbacks
):
    same_fire_from_five(cast, django_capture_on_commit_callbacks)
    url = live_server.url
    page = _login(browser_context, url, cast.county_editor)
    page.goto(f"{url}/inbox/")
    page.get_by_text("发现 1 组疑似同一事件的信息").wait_for()
    assert page.locator("a.badge-group", has_text="同一事件 ×5").count() >= 5
    page.screenshot(path=str(ARTIFACTS / "grouping-inbox.png"), full_page=True)
    page.get_by_role("link", name="查看全部分组 →").click()
    page.get_by_role("heading", name="疑似同一事件的信息").wait_for()
    page.screenshot(path=str(ARTIFACTS / "grouping-list.png"), full_page=True)
    page.go_back()
    page.get_by_text("发现 1 组疑似同一事件的信息").wait_for()
    page.locator(".group-banner a", has_text="城关镇").first.click()
    page.get_by_role("heading", name="综合为一条信息").wait_for()
    assert page.locator(".side-by-side article").count() == 5
    page.screenshot(path=str(ARTIFACTS / "grouping-side-by-side.png"), full_page=True)
    page.get_by_label("编入").select_option(label="新建一期《东湖政务信息》")
    page.get_by_role("button", name="综合为一条").click()
    page.wait_for_url(f"{url}/issues/*/")
    page.screenshot(path=str(ARTIFACTS / "grouping-issue.png"), full_page=True)
    assert IssueItem.objects.count() == 1
    assert IssueItem.objects.get().sources.count() == 5
