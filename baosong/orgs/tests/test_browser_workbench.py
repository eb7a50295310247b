"""Real Chromium, each role's day from the 工作台: log in, read it, follow every link it offers, and do the
role's main action from there. Screenshots (desktop 1366×768 and phone 390×844) go to test-artifacts/day/."""

from __future__ import annotations

import re
import shutil
from typing import Any

import pytest

from baosong.editorial import services as editorial
from baosong.editorial.models import Issue, IssueStatus, Publication
from baosong.orgs.models import LoginState
from baosong.reports import services as reports
from baosong.reports.models import Report, ReportStatus, Submission, SubmissionStatus
from conftest import ARTIFACTS, CHROMIUM, PHONE, no_sideways_scroll
from conftest import browser_login as open_as

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason="Debian chromium is not installed (make setup installs it)"
    ),
]

SHOTS = ARTIFACTS / "day"


def shoot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def follow_every_link(page: Any, url: str) -> int:
    """Every link in the workbench's panels answers a page (not an error), as the person clicking would."""
    hrefs = page.eval_on_selector_all(".wb-card a[href]", "els => els.map(e => e.getAttribute('href'))")
    assert hrefs, "the workbench offers no links"
    for href in dict.fromkeys(hrefs):
        response = page.request.get(f"{url}{href}" if href.startswith("/") else href)
        assert response.status == 200, (href, response.status)
        assert "出错" not in response.text()[:2000], href
    return len(hrefs)


def sent(cast: Any, title: str, **fields: Any) -> Submission:
    reporter, reviewer = cast.township_reporter.user, cast.township_reviewer.user
    report = reports.report_create(
        by=reporter, title=title, body=f"{title}。镇村干部群众200余人参加。", **fields
    )
    report = reports.report_submit(report=report, by=reporter)
    while report.status == ReportStatus.IN_REVIEW:
        report = reports.report_approve(report=report, by=reviewer)
    return Submission.objects.get(report=report, target_unit=cast.county_editor.unit)


def test_reporter_day_from_the_workbench(live_server, cast, browser_context):
    url = live_server.url
    reporter = cast.township_reporter.user
    reports.report_create(by=reporter, title="昨天没写完的草稿", body="草稿")
    page = open_as(browser_context, url, cast.township_reporter)
    page.get_by_role("heading", name="我的信息").wait_for()
    shoot(page, "reporter-workbench")
    follow_every_link(page, url)
    page.get_by_role("link", name="撰写信息").click()
    page.get_by_label("标题").fill("城关镇开展汛前隐患排查整治")
    page.get_by_label("正文").fill(
        "6月3日，城关镇组织12个村开展汛前隐患排查，整改隐患7处。\n下一步将开展应急演练。"
    )
    page.get_by_role("button", name="保存草稿").click()
    page.get_by_text("草稿已保存").wait_for()
    page.get_by_role("button", name="提交").click()
    page.get_by_text("已提交审核").wait_for()
    page.get_by_role("link", name="工作台").first.click()
    assert re.search(r"<b>1</b><span>本单位审核中", page.content())
    phone = open_as(browser_context, url, cast.township_reporter, PHONE)
    phone.get_by_role("heading", name="我的信息").wait_for()
    no_sideways_scroll(phone)
    shoot(phone, "reporter-workbench-phone")


def test_reviewer_day_from_the_workbench(live_server, cast, browser_context):
    url = live_server.url
    reporter = cast.township_reporter.user
    report = reports.report_create(by=reporter, title="城关镇完成秋粮收购", body="收购秋粮1.2万吨。")
    reports.report_submit(report=report, by=reporter)
    page = open_as(browser_context, url, cast.township_reviewer)
    page.get_by_role("heading", name="待我审核").wait_for()
    shoot(page, "reviewer-workbench")
    follow_every_link(page, url)
    page.locator(".wb-card").get_by_role("link", name="城关镇完成秋粮收购").click()
    page.get_by_role("button", name="审核通过").click()
    page.get_by_text("已审核通过").wait_for()
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SENT


def test_editor_day_from_the_workbench(live_server, cast, browser_context):
    url = live_server.url
    sent(cast, "城关镇推进农村人居环境整治")
    sent(cast, "城关镇杨家坳村发生山体滑坡", urgency="urgent")
    page = open_as(browser_context, url, cast.county_editor)
    page.get_by_role("heading", name="收件箱").wait_for()
    page.locator(".wb-card .countdown").first.wait_for()
    first = page.locator(".wb-card .wb-list li").first.inner_text()
    assert "山体滑坡" in first  # urgent first
    shoot(page, "editor-workbench")
    follow_every_link(page, url)
    page.locator(".wb-card").get_by_role("link", name="城关镇杨家坳村发生山体滑坡").click()
    page.get_by_role("button", name="采用", exact=True).click()
    page.get_by_text("已采用。").wait_for()
    sub = Submission.objects.get(title="城关镇杨家坳村发生山体滑坡")
    assert sub.status == SubmissionStatus.ADOPTED
    phone = open_as(browser_context, url, cast.county_editor, PHONE)
    phone.get_by_role("heading", name="收件箱").wait_for()
    no_sideways_scroll(phone)
    shoot(phone, "editor-workbench-phone")


def _issue_for_signature(cast: Any) -> Issue:
    editor = cast.county_editor.user
    publication = Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")
    issue = editorial.issue_create(by=editor, publication=publication)
    adopted = reports.submission_adopt(submission=sent(cast, "城关镇开展防汛应急演练"), by=editor)
    editorial.issue_item_add(issue=issue, by=editor, submission_ids=[adopted.pk])
    return editorial.issue_submit(issue=issue, by=editor)


def test_chief_day_from_the_workbench(live_server, cast, browser_context):
    url = live_server.url
    issue = _issue_for_signature(cast)
    page = open_as(browser_context, url, cast.county_chief)
    page.get_by_role("heading", name="待我签发").wait_for()
    shoot(page, "chief-workbench")
    follow_every_link(page, url)
    page.locator(".wb-card").get_by_role("link", name=re.compile("东湖政务信息")).first.click()
    page.get_by_role("button", name="签发", exact=True).click()
    page.get_by_text("已签发").first.wait_for()
    assert Issue.objects.get(pk=issue.pk).status == IssueStatus.SIGNED


def test_leader_day_from_the_workbench(live_server, cast, browser_context):
    url = live_server.url
    issue = _issue_for_signature(cast)
    editorial.issue_sign(issue=issue, by=cast.county_chief.user)
    editorial.issue_distribute(issue=issue, by=cast.county_editor.user)
    page = open_as(browser_context, url, cast.county_leader)
    page.get_by_role("heading", name="待阅刊物").wait_for()
    shoot(page, "leader-workbench")
    follow_every_link(page, url)
    page.locator(".wb-card").get_by_role("link", name=re.compile("东湖政务信息")).first.click()
    page.get_by_role("button", name="提交批示").wait_for()
    page.get_by_label("批示内容").fill("经验做法很好，请在全区推广。")
    page.get_by_role("button", name="提交批示").click()
    page.get_by_text("批示已记录").wait_for()
    page.goto(f"{url}/")
    page.get_by_text("经验做法很好，请在全区推广。").wait_for()
    shoot(page, "leader-workbench-after")


def test_security_administrator_day_from_the_workbench(live_server, cast, browser_context):
    LoginState.objects.create(
        username=cast.township_reporter.user.username, failures=5, locked_at="2026-01-01T08:00Z"
    )
    page = open_as(browser_context, live_server.url, cast.secadmin)
    page.get_by_role("heading", name="账户安全").wait_for()
    shoot(page, "secadmin-workbench")
    follow_every_link(page, live_server.url)
    page.locator(".wb-card").get_by_role("button", name="解除锁定").click()
    page.get_by_text("已解除").wait_for()
    assert not LoginState.objects.filter(locked_at__isnull=False).exists()


def test_audit_administrator_day_from_the_workbench(live_server, cast, browser_context):
    page = open_as(browser_context, live_server.url, cast.auditadmin)
    page.get_by_role("heading", name="审计日志").wait_for()
    follow_every_link(page, live_server.url)
    page.locator(".wb-card").get_by_role("button", name="立即校验").click()
    page.locator("#wb-verify-result").get_by_text(re.compile("完整|通过")).first.wait_for()
    shoot(page, "auditadmin-workbench")


def test_system_administrator_day_from_the_workbench(live_server, cast, browser_context):
    page = open_as(browser_context, live_server.url, cast.sysadmin)
    page.get_by_role("heading", name="单位与账户").wait_for()
    shoot(page, "sysadmin-workbench")
    follow_every_link(page, live_server.url)
    page.locator(".wb-card").get_by_role("link", name="导入单位和用户").click()
    page.get_by_role("heading", name=re.compile("导入")).first.wait_for()
