"""登记轮次: the county office asks its units to confirm their 信息员 by a deadline; per unit the round shows
submitted / late / missing / pending; reminders before the deadline and once after it."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from baosong.core.errors import ServiceError
from baosong.core.models import AuditEvent
from baosong.core.outbox import deliver
from baosong.notifications.models import Notification
from baosong.orgs.models import Membership, Role, User
from baosong.roster import services
from baosong.roster.models import RosterReturn, RosterRound

from .conftest import ENTRY, township

START = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
DEADLINE = START + dt.timedelta(days=2)


@pytest.fixture
def rnd(cast: Any) -> RosterRound:
    with time_machine.travel(START, tick=False):
        return services.round_open(
            by=cast.county_editor.user,
            unit=cast.county_editor.unit,
            title="2026年信息员基本情况登记",
            deadline=DEADLINE,
            scope=RosterRound.Scope.CHILDREN,
        )


def test_a_unit_submits_on_time_another_late_and_the_rest_are_missing(cast, rnd, client_as, api):
    town = cast.township_reporter.unit
    xinqiao = township(cast, "新桥镇")
    reporter = client_as("township_reporter")
    with time_machine.travel(START + dt.timedelta(days=1), tick=False):
        assert reporter.post(f"/roster/units/{town.pk}/new", ENTRY).status_code == 302
        response = reporter.post(f"/roster/rounds/{rnd.pk}/units/{town.pk}/submit")
        assert response.status_code == 302
    editor = client_as("county_editor")
    with time_machine.travel(DEADLINE + dt.timedelta(hours=5), tick=False):
        # The county office registers 新桥镇's paper form on its behalf, after the deadline.
        values = {**ENTRY, "name": "王强", "mobile": "13905910000"}
        assert editor.post(f"/roster/units/{xinqiao.pk}/new", values).status_code == 302
        assert editor.post(f"/roster/rounds/{rnd.pk}/units/{xinqiao.pk}/submit").status_code == 302
        page = editor.get(f"/roster/rounds/{rnd.pk}/").content.decode()
        body = api("county_editor").get(f"/api/v1/roster/rounds/{rnd.pk}").json()
    states = {r["unit_name"]: r["state"] for r in body["returns"]}
    assert states[town.name] == "submitted"
    assert states[xinqiao.name] == "late"
    assert {states[n] for n in states if n not in (town.name, xinqiao.name)} == {"missing"}
    assert "已按时报送" in page and "逾期报送" in page and "逾期未报" in page
    assert "李梅" in page and "王强" in page  # the entries as each unit confirmed them
    ret = RosterReturn.objects.get(round=rnd, unit=town)
    assert ret.entry_count == 1 and ret.snapshot[0]["mobile"] == ENTRY["mobile"]
    assert AuditEvent.objects.filter(event_type="roster.round_submit", unit_id=town.pk).count() == 1


def test_a_unit_without_an_entry_cannot_submit_and_may_submit_again_after_a_change(cast, rnd, client_as):
    town = cast.township_reporter.unit
    client = client_as("township_reporter")
    response = client.post(f"/roster/rounds/{rnd.pk}/units/{town.pk}/submit", follow=True)
    assert "本单位尚未登记信息员" in response.content.decode()
    assert RosterReturn.objects.get(round=rnd, unit=town).submitted_at is None
    entry = services.entry_add(unit=town, values=ENTRY, by=cast.township_reporter.user)
    first = services.round_submit(rnd=rnd, unit=town, by=cast.township_reporter.user).submitted_at
    services.entry_change(entry=entry, values={"mobile": "13800000001"}, by=cast.township_reporter.user)
    again = services.round_submit(rnd=rnd, unit=town, by=cast.township_reporter.user)
    assert again.submitted_at == first and again.resubmitted_at is not None
    assert again.snapshot[0]["mobile"] == "13800000001"


def test_the_round_reaches_each_unit_and_reminds_the_silent_ones_once(cast, rnd):
    xinqiao = township(cast, "新桥镇")
    clerk = User.objects.create_user("xinqiao_clerk", "Baosong#2026x", full_name="赵敏", primary_unit=xinqiao)
    Membership.objects.create(user=clerk, unit=xinqiao, role=Role.REPORTER)
    deliver("roster")
    reporter = cast.township_reporter.user
    assert Notification.objects.filter(user=reporter, title__contains="请报送信息员登记表").exists()
    assert not Notification.objects.filter(user=cast.outsider_township_reporter.user).exists()
    asked = rnd.returns.count()
    services.entry_add(unit=cast.township_reporter.unit, values=ENTRY, by=reporter)
    services.round_submit(rnd=rnd, unit=cast.township_reporter.unit, by=reporter)
    with time_machine.travel(DEADLINE - dt.timedelta(hours=3), tick=False):
        assert services.roster_tick() == {"reminders": asked - 1, "missed": 0}
        assert services.roster_tick() == {"reminders": 0, "missed": 0}
    with time_machine.travel(DEADLINE + dt.timedelta(minutes=5), tick=False):
        assert services.roster_tick() == {"reminders": 0, "missed": asked - 1}
        assert services.roster_tick()["missed"] == 0
    deliver("roster")
    assert not Notification.objects.filter(user=reporter, title__contains="逾期未报").exists()
    assert Notification.objects.filter(user=clerk, title__contains="请尽快报送").count() == 1
    assert Notification.objects.filter(user=clerk, title__contains="逾期未报", kind="overdue").count() == 1


def test_the_issuer_reminds_the_units_not_yet_submitted(cast, rnd, client_as):
    client = client_as("county_editor")
    response = client.post(f"/roster/rounds/{rnd.pk}/remind", follow=True)
    assert f"已提醒 {rnd.returns.count()} 个未报送的单位" in response.content.decode()
    assert AuditEvent.objects.filter(event_type="roster.round_remind", object_id=str(rnd.pk)).count() == 1
    deliver("roster")
    assert Notification.objects.filter(
        user=cast.township_reporter.user, title__contains="请尽快报送信息员登记表"
    ).exists()
    # A township's reporter is not the issuer: refused.
    assert client_as("township_reporter").post(f"/roster/rounds/{rnd.pk}/remind").status_code == 403


def test_a_deadline_in_working_days_uses_the_issuing_units_calendar(cast, client_as):
    from baosong.workdays.models import CalendarDay

    CalendarDay.objects.create(
        date=dt.date(2026, 4, 7), kind="holiday", name="地方节日", unit=cast.county_editor.unit
    )
    client = client_as("county_editor")
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 4, 2, 9, 0)), tick=False):
        response = client.post(
            "/roster/rounds/new", {"title": "三个工作日内登记", "deadline_workdays": "3", "scope": "subtree"}
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    rnd = RosterRound.objects.get(title="三个工作日内登记")
    # Friday 4/3, [4/4–4/6 清明, 4/7 the county's own holiday], Wednesday 4/8, Thursday 4/9.
    assert timezone.localtime(rnd.deadline).replace(tzinfo=None) == dt.datetime(2026, 4, 9, 23, 59, 59)
    refused = client.post("/roster/rounds/new", {"title": "没有截止时间"})
    assert refused.status_code == 400 and "请设定截止时间或工作日数" in refused.content.decode()


def test_only_an_editor_opens_a_round_and_only_below_their_unit(cast):
    with pytest.raises(ServiceError):
        services.round_open(
            by=cast.township_reporter.user, unit=cast.township_reporter.unit, title="越权",
            deadline=timezone.now() + dt.timedelta(days=1),
        )  # fmt: skip
    with pytest.raises(ServiceError):
        services.round_open(
            by=cast.county_editor.user, unit=cast.outsider_editor.unit, title="越权",
            deadline=timezone.now() + dt.timedelta(days=1),
        )  # fmt: skip


def test_the_round_pages_show_the_units_answers(cast, rnd, client_as):
    editor = client_as("county_editor")
    listing = editor.get("/roster/rounds/").content.decode()
    assert rnd.title in listing and f"0 / {rnd.returns.count()}" in listing
    page = editor.get(f"/roster/rounds/{rnd.pk}/?state=missing").content.decode()
    assert "城关镇" in page and "提醒未报送的单位" in page
    # The township sees the round and only its own row.
    town = client_as("township_reporter").get(f"/roster/rounds/{rnd.pk}/").content.decode()
    assert "城关镇" in town and "新桥镇" not in town and "提醒未报送的单位" not in town
    home = client_as("township_reporter").get("/").content.decode()
    assert "信息员登记待报送" in home and rnd.title in home
