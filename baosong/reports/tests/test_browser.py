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
    reporter.get_by_role("link", name="撰写信息").first.click()  # the empty list offers it twice
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


def test_choosing_emergency_shows_the_seven_elements_and_the_passed_deadline_at_once(
    live_server, cast, browser_context
):
    import datetime as dt

    from django.utils import timezone

    from baosong.reports.models import DeadlineRule

    DeadlineRule.objects.update_or_create(
        category="emergency", urgency="", defaults={"kind": "hours_from_event", "amount": 3}
    )
    url = live_server.url
    reporter = _login(browser_context, url, cast.township_reporter)
    reporter.goto(f"{url}/reports/new")
    elements = reporter.locator("#elements")
    assert not elements.get_by_label("事件性质").is_visible()
    reporter.get_by_label("类别").select_option(label="突发事件")
    # Before any save: the seven 要素, 时间 and 地点 being the item's event time and place (asked once).
    labels = ["时间", "地点", "事件性质", "影响范围", "伤亡和损失", "已采取措施", "下步打算"]
    for label in labels:
        assert elements.get_by_label(label, exact=True).is_visible(), label
    assert reporter.get_by_label("时间", exact=True).count() == 1
    assert elements.get_by_text("突发事件要素（均为必填）").is_visible()
    reporter.get_by_label("标题").fill("城关镇发生一起山体滑坡")
    reporter.get_by_label("正文").fill("今日凌晨，城关镇某村发生山体滑坡，未造成人员伤亡。")
    event = timezone.localtime() - dt.timedelta(hours=4)
    reporter.get_by_label("时间", exact=True).fill(event.strftime("%Y-%m-%dT%H:%M"))
    checks = reporter.locator("#checks")
    checks.get_by_text("已超过报送时限（事件发生后 3 小时内），报出后将标记为迟报。").wait_for()
    checks.get_by_text("突发事件信息缺少要素：地点、事件性质").wait_for()
    reporter.set_viewport_size({"width": 1366, "height": 768})
    reporter.screenshot(path=str(ARTIFACTS / "report-emergency-new.png"), full_page=True)
    reporter.set_viewport_size({"width": 390, "height": 844})
    reporter.screenshot(path=str(ARTIFACTS / "report-emergency-new-phone.png"), full_page=True)
