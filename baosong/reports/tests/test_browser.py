"""Real Chromium: a reporter writes and submits, the reviewer approves, the county editor adopts."""

from __future__ import annotations

import shutil

import pytest

from baosong.reports.models import Report, Submission
from conftest import ARTIFACTS, CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason="Debian chromium is not installed (make setup installs it)"
    ),
]

TITLE = "城关镇开展汛前隐患排查整治"


def _login(browser_context, url: str, actor):  # type: ignore[no-untyped-def]
    page = browser_context.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{url}/accounts/login")
    page.get_by_label("用户名").fill(actor.user.username)
    page.get_by_label("密码").fill(actor.password)
    page.get_by_role("button", name="登 录").click()
    page.wait_for_url(f"{url}/")
    return page


def test_reporter_reviewer_and_editor_in_chromium(live_server, cast, browser_context):
    url = live_server.url
    reporter = _login(browser_context, url, cast.township_reporter)
    reporter.get_by_role("link", name="本单位信息", exact=True).click()
    reporter.get_by_role("link", name="撰写信息").click()
    reporter.get_by_label("标题").fill(TITLE)
    reporter.get_by_label("正文").fill(
        "6月3日，城关镇组织12个村开展汛前隐患排查，发现并整改隐患7处。\n下一步将开展应急演练。"
    )
    reporter.get_by_role("button", name="保存草稿").click()
    reporter.get_by_text("草稿已保存").wait_for()
    reporter.get_by_text("未发现问题").wait_for()  # the live checks ran
    reporter.get_by_role("button", name="提交").click()
    reporter.get_by_text("已提交审核").wait_for()
    reporter.screenshot(path=str(ARTIFACTS / "report-submitted.png"), full_page=True)
    report = Report.objects.get(title=TITLE)
    assert report.status == "in_review"

    reviewer = _login(browser_context, url, cast.township_reviewer)
    reviewer.get_by_role("link", name="待我审核", exact=True).click()
    reviewer.get_by_label("审核意见").fill("同意报送")
    reviewer.get_by_role("button", name="审核通过").click()
    reviewer.get_by_text("已审核通过").wait_for()
    assert Report.objects.get(pk=report.pk).status == "sent"

    editor = _login(browser_context, url, cast.county_editor)
    editor.get_by_role("link", name="收件箱", exact=True).click()
    editor.get_by_role("link", name=TITLE).click()
    editor.get_by_role("button", name="采用", exact=True).click()
    editor.get_by_text("已采用。").wait_for()
    editor.screenshot(path=str(ARTIFACTS / "submission-adopted.png"), full_page=True)
    assert Submission.objects.get(report=report).status == "adopted"

    reporter.goto(f"{url}/reports/{report.pk}/")
    reporter.get_by_text("已采用").first.wait_for()
