"""Real Chromium: 转报签发 as the people do it — the county editor asks for the signature at the desk, the
分管领导 signs on a phone from the 工作台, the city's editor then finds the item marked 已签发; and the
县委宣传部 reviewer, on a phone, approves a township's 负面 item sent to them (nothing else of the township
is theirs to open)."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from baosong.orgs.models import ReviewStep, Role
from baosong.reports import services
from baosong.reports.models import ForwardRequest, ForwardStatus, Report, ReportStatus, Submission
from conftest import CHROMIUM, DESKTOP, PHONE, browser_login, no_sideways_scroll

from .conftest import ITEM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not shutil.which(CHROMIUM), reason="Debian chromium is not installed (make setup installs it)"
    ),
]


def _at_county(cast: Any, **fields: Any) -> Submission:
    report = services.report_create(by=cast.township_reporter.user, **{**ITEM, **fields})
    report = services.report_submit(report=report, by=cast.township_reporter.user)
    while report.status == ReportStatus.IN_REVIEW:
        step = report.review_chain[report.review_step]
        reviewer = cast.propaganda_reviewer if step.get("unit_id") else cast.township_reviewer
        report = services.report_approve(report=report, by=reviewer.user)
    return Submission.objects.get(report=report, target_unit=cast.county_editor.unit)


def test_the_editor_asks_the_leader_signs_on_a_phone_and_the_city_sees_it(
    cast: Any, live_server: Any, browser_context: Any, transactional_db: Any
) -> None:
    county = cast.county_editor.unit
    ReviewStep.objects.create(
        unit=county, chain=ReviewStep.Chain.FORWARD, order=0, role=Role.LEADER, label="分管领导签发"
    )
    sub = _at_county(cast)
    url = live_server.url

    desk = browser_login(browser_context, url, cast.county_editor, DESKTOP)
    desk.goto(f"{url}/inbox/{sub.pk}/")
    assert "本单位转报须经签发" in desk.content()
    desk.get_by_role("button", name="提请签发转报").click()
    desk.wait_for_load_state()
    assert "已提请签发" in desk.content() and "转报待签发" in desk.content()
    assert not Submission.objects.filter(forwarded_from=sub).exists()

    phone = browser_login(browser_context, url, cast.county_leader, PHONE)
    assert "条转报待签发" in phone.content()
    phone.get_by_role("link", name=f"转报：{sub.title}").click()
    phone.wait_for_url(lambda u: "/reports/forwards/" in u)
    no_sideways_scroll(phone)
    phone.get_by_label("签发意见").fill("同意报送市政府办公室")
    phone.get_by_role("button", name="签发", exact=True).click()
    phone.wait_for_load_state()
    assert "已签发，信息已报送上级" in phone.content()
    assert ForwardRequest.objects.get(submission=sub).status == ForwardStatus.SIGNED

    copy = Submission.objects.get(forwarded_from=sub)
    city = browser_login(browser_context, url, cast.city_editor, DESKTOP)
    city.goto(f"{url}/inbox/{copy.pk}/")
    assert "经临江市东湖区人民政府办公室签发转报" in city.content()


def test_the_propaganda_reviewer_approves_a_negative_item_on_a_phone(
    cast: Any, live_server: Any, browser_context: Any, transactional_db: Any
) -> None:
    reporter = cast.township_reporter.user
    negative = services.report_create(
        by=reporter, **{**ITEM, "title": "城关镇一处民房失火", "negative": True}
    )
    negative = services.report_submit(report=negative, by=reporter)
    negative = services.report_approve(report=negative, by=cast.township_reviewer.user)
    ordinary = services.report_create(by=reporter, **{**ITEM, "title": "城关镇召开安全生产会议"})
    url = live_server.url

    phone = browser_login(browser_context, url, cast.propaganda_reviewer, PHONE)
    phone.goto(f"{url}/reports/review/")
    no_sideways_scroll(phone)
    assert "城关镇一处民房失火" in phone.content() and "负面/重大" in phone.content()
    phone.get_by_role("button", name="审核通过").click()
    phone.wait_for_load_state()
    assert Report.objects.get(pk=negative.pk).status == ReportStatus.SENT
    assert phone.goto(f"{url}/reports/{ordinary.pk}/").status == 404
