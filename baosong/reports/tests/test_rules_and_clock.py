from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from baosong.core.models import AuditEvent, DomainEvent
from baosong.reports import services
from baosong.reports.models import DeadlineRule, Report, SensitiveWord, Submission
from baosong.reports.tasks import clock_tick

from .conftest import ITEM

EMERGENCY = {
    "title": "城关镇一仓库发生火情",
    "body": "11月21日8时许，城关镇工业园区一仓库发生火情，无人员伤亡。",
    "category": "emergency",
    "urgency": "very_urgent",
    "elements": {
        "time": "8时许",
        "place": "工业园区",
        "nature": "火灾",
        "scope": "一仓库",
        "casualties": "无",
        "measures": "已扑灭",
        "next_steps": "排查原因",
    },
}


def _send(cast, **fields) -> Report:  # type: ignore[no-untyped-def]
    report = services.report_create(by=cast.township_reporter.user, **{**ITEM, **fields})
    services.report_submit(report=report, by=cast.township_reporter.user)
    services.report_approve(report=report, by=cast.township_reviewer.user)
    return Report.objects.get(pk=report.pk)


def test_an_urgent_item_submitted_four_hours_after_the_event_is_late(cast):
    event = timezone.now().replace(microsecond=0)
    with time_machine.travel(event + dt.timedelta(hours=4), tick=False):
        report = _send(cast, **EMERGENCY, event_time=event)
    assert report.due_at == event + dt.timedelta(hours=3)
    assert report.late is True


def test_an_urgent_item_within_three_hours_is_on_time(cast):
    event = timezone.now().replace(microsecond=0)
    with time_machine.travel(event + dt.timedelta(hours=2), tick=False):
        report = _send(cast, **EMERGENCY, event_time=event)
    assert report.late is False


def test_reminders_fire_once_and_overdue_urgent_items_alarm_once(cast):
    event = timezone.now().replace(microsecond=0)
    with time_machine.travel(event + dt.timedelta(minutes=30), tick=False):
        report = _send(cast, **EMERGENCY, event_time=event)
    sub = Submission.objects.get(report=report)
    with time_machine.travel(event + dt.timedelta(hours=2, minutes=30), tick=False):
        assert clock_tick() == {"reminders": 1, "alarms": 0}
        assert clock_tick() == {"reminders": 0, "alarms": 0}
    with time_machine.travel(event + dt.timedelta(hours=3, minutes=5), tick=False):
        assert clock_tick()["alarms"] == 1
        assert clock_tick()["alarms"] == 0
    assert DomainEvent.objects.filter(event_type="submission.due_soon", object_id=sub.pk).count() == 1
    assert DomainEvent.objects.filter(event_type="submission.overdue", object_id=sub.pk).count() == 1


def test_a_claimed_item_is_not_reminded(cast):
    event = timezone.now().replace(microsecond=0)
    with time_machine.travel(event, tick=False):
        report = _send(cast, **EMERGENCY, event_time=event)
        services.submission_claim(
            submission=Submission.objects.get(report=report), by=cast.county_editor.user
        )
        services.submission_adopt(
            submission=Submission.objects.get(report=report), by=cast.county_editor.user
        )
    with time_machine.travel(event + dt.timedelta(hours=5), tick=False):
        assert clock_tick() == {"reminders": 0, "alarms": 0}


def test_administrator_changes_a_deadline_rule_on_the_rules_page(cast, client_as):
    client = client_as("sysadmin")
    assert "报送时限" in client.get("/manage/rules/").content.decode()
    client.post(
        "/manage/rules/deadline",
        {"category": "emergency", "urgency": "", "kind": "hours_from_event", "amount": "2"},
    )
    assert DeadlineRule.objects.get(category="emergency", urgency="").amount == 2
    assert AuditEvent.objects.filter(event_type="config.deadline_rule").exists()
    response = client.post(
        "/manage/rules/deadline", {"category": "", "urgency": "", "kind": "days", "amount": "x"}, follow=True
    )
    assert "1 到 720" in response.content.decode()


def test_administrator_adds_a_blocking_sensitive_word(cast, client_as):
    client_as("sysadmin").post("/manage/rules/word", {"word": "内部传阅", "blocking": "1"})
    assert SensitiveWord.objects.get(word="内部传阅").blocking
    report = services.report_create(by=cast.township_reporter.user, **{**ITEM, "body": "此件内部传阅。"})
    result = services.report_checks(report=report)
    assert [f["code"] for f in result["blocking"]] == ["sensitive_word"]


def test_business_users_cannot_change_the_rules(client_as):
    assert client_as("county_editor").get("/manage/rules/").status_code == 403


@pytest.mark.parametrize(
    "when", ["0159-10-10T03:21:16Z", "1900-01-01T00:00:00+08:00", "2999-01-01T00:00:00Z"]
)
def test_an_event_time_centuries_away_is_refused_with_a_chinese_error(cast, api, when):
    body = {"title": "城关镇开展防汛演练", "body": "演练。", "event_time": when}
    response = api("township_reporter").post("/api/v1/reports", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid_event_time"
    assert "事件时间" in response.json()["detail"]
