"""约稿: an editor asks the townships for items; read receipts; answered / late / missing per unit with a
frozen clock; reminders and one missed event per unit; scoped access."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from baosong.core.errors import ServiceError
from baosong.core.models import DomainEvent
from baosong.core.outbox import deliver
from baosong.notifications.models import Notification
from baosong.orgs.models import Unit
from baosong.reports import services as report_services
from baosong.solicitations import services
from baosong.solicitations.models import Solicitation, SolicitationTarget

START = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)
DEADLINE = START + dt.timedelta(days=2)


def answer(reporter: Any, reviewer: Any, solicitation: Solicitation, title: str) -> None:
    report = report_services.report_create(
        by=reporter, title=title, body="按约稿要求报送。", solicitation_id=solicitation.pk
    )
    report = report_services.report_submit(report=report, by=reporter)
    while report.status == "in_review":
        report = report_services.report_approve(report=report, by=reviewer)
    deliver("notices")


@pytest.fixture
def notice(cast: Any) -> Solicitation:
    with time_machine.travel(START, tick=False):
        return services.solicitation_create(
            by=cast.county_editor.user,
            unit=cast.county_editor.unit,
            title="关于报送防汛工作信息的约稿通知",
            topic="防汛",
            requirements="请各乡镇于6月3日前报送防汛工作开展情况。",
            deadline=DEADLINE,
            subtree_of=[],
            unit_ids=list(
                Unit.objects.filter(parent=cast.county_editor.unit, level="township").values_list(
                    "pk", flat=True
                )
            ),
        )


def test_the_notice_reaches_each_township_with_a_notification(cast, notice):
    assert notice.targets.count() == 4
    deliver("notices")
    assert Notification.objects.filter(user=cast.township_reporter.user, kind="solicitation").exists()
    assert not Notification.objects.filter(user=cast.outsider_township_reporter.user).exists()


def test_reading_is_recorded_once_per_unit(cast, notice, client_as):
    client = client_as("township_reporter")
    assert client.get(f"/solicitations/{notice.pk}/").status_code == 200
    target = SolicitationTarget.objects.get(solicitation=notice, unit=cast.township_reporter.unit)
    first = target.read_at
    assert first is not None and target.read_by == cast.township_reporter.user
    client_as("township_reviewer").get(f"/solicitations/{notice.pk}/")
    target.refresh_from_db()
    assert target.read_at == first and target.read_by == cast.township_reporter.user


def test_answered_late_and_missing_per_unit_with_a_frozen_clock(cast, notice, client_as, api):
    reporter, reviewer = cast.township_reporter.user, cast.township_reviewer.user
    with time_machine.travel(START + dt.timedelta(days=1), tick=False):
        answer(reporter, reviewer, notice, "城关镇防汛工作扎实推进")
    with time_machine.travel(START + dt.timedelta(days=3), tick=False):
        answer(reporter, reviewer, notice, "城关镇补充报送")  # a second answer changes nothing of the state
        data = api("county_editor").get(f"/api/v1/solicitations/{notice.pk}").json()
        html = client_as("county_editor").get(f"/solicitations/{notice.pk}/").content.decode()
    states = {t["unit_name"]: t["state"] for t in data["targets"]}
    assert states["东湖区城关镇"] == "answered"
    assert sorted(states.values()) == ["answered", "missing", "missing", "missing"]
    town = next(t for t in data["targets"] if t["unit_name"] == "东湖区城关镇")
    assert town["answers"] == 2
    assert "城关镇防汛工作扎实推进" in html and "未报送" in html


def test_a_first_answer_after_the_deadline_is_late(cast, notice, api):
    with time_machine.travel(DEADLINE + dt.timedelta(hours=1), tick=False):
        answer(cast.township_reporter.user, cast.township_reviewer.user, notice, "迟到的报送")
        data = api("county_editor").get(f"/api/v1/solicitations/{notice.pk}").json()
    assert {t["unit_name"]: t["state"] for t in data["targets"]}["东湖区城关镇"] == "late"


def test_reminders_before_the_deadline_and_one_missed_event_per_unit(cast, notice):
    answer(cast.township_reporter.user, cast.township_reviewer.user, notice, "按时报送")
    with time_machine.travel(DEADLINE - dt.timedelta(hours=3), tick=False):
        assert services.solicitations_tick() == {"reminders": 3, "missed": 0}
        assert services.solicitations_tick() == {"reminders": 0, "missed": 0}
    with time_machine.travel(DEADLINE + dt.timedelta(minutes=5), tick=False):
        assert services.solicitations_tick() == {"reminders": 0, "missed": 3}
        assert services.solicitations_tick()["missed"] == 0
    missed = DomainEvent.objects.filter(event_type="solicitation.missed", object_id=notice.pk)
    assert missed.count() == 3
    assert cast.township_reporter.unit.pk not in set(missed.values_list("unit_id", flat=True))


@time_machine.travel(START + dt.timedelta(days=1), tick=False)
def test_the_writing_page_offers_the_open_notices(cast, notice, client_as):
    options = client_as("township_reporter").get("/solicitations/open-options").content.decode()
    assert f'value="{notice.pk}"' in options
    assert (
        f'value="{notice.pk}"'
        not in client_as("outsider_township_reporter").get("/solicitations/open-options").content.decode()
    )
    page = client_as("township_reporter").get(f"/reports/new?solicitation={notice.pk}")
    assert page.status_code == 200


def test_another_county_sees_nothing(cast, notice, client_as, api):
    assert client_as("outsider_editor").get(f"/solicitations/{notice.pk}/").status_code == 404
    assert api("outsider_reporter").get(f"/api/v1/solicitations/{notice.pk}").status_code == 404
    assert api("outsider_reporter").post(f"/api/v1/solicitations/{notice.pk}/read").status_code == 404


def test_only_units_below_may_be_asked_and_a_deadline_is_required(cast):
    editor = cast.county_editor.user
    with pytest.raises(ServiceError) as refused:
        services.solicitation_create(
            by=editor, unit=cast.county_editor.unit, title="越级约稿",
            deadline=timezone.now() + dt.timedelta(days=1), unit_ids=[cast.outsider_editor.unit.pk],
        )  # fmt: skip
    assert refused.value.code == "invalid_target"
    with pytest.raises(ServiceError) as refused:
        services.solicitation_create(
            by=editor, unit=cast.county_editor.unit, title="无截止", unit_ids=[cast.township_reporter.unit.pk]
        )
    assert refused.value.code == "deadline_required"


def test_the_api_issues_a_notice_to_a_subtree(cast, api):
    response = api("city_editor").post(
        "/api/v1/solicitations",
        {
            "title": "关于报送经验做法的约稿",
            "deadline": (timezone.now() + dt.timedelta(days=5)).isoformat(),
            "subtree_of": [cast.county_editor.unit.pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    data = response.json()
    # The county office, its department and its four townships.
    assert len(data["targets"]) == Unit.objects.filter(path__startswith=cast.county_editor.unit.path).count()
    bad = api("city_editor").post(
        "/api/v1/solicitations", {"title": "缺截止时间", "unit_ids": []}, content_type="application/json"
    )
    assert bad.status_code == 400 and bad.json()["detail"]


def test_the_issuer_page_and_form_work(cast, client_as):
    client = client_as("county_editor")
    assert client.get("/solicitations/new").status_code == 200
    deadline = (timezone.localtime() + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        "/solicitations/new",
        {
            "kind": "solicitation",
            "title": "网页发布的约稿",
            "deadline": deadline,
            "units": [cast.township_reporter.unit.pk],
        },
    )
    assert response.status_code == 302
    sol = Solicitation.objects.get(title="网页发布的约稿")
    assert list(sol.targets.values_list("unit_id", flat=True)) == [cast.township_reporter.unit.pk]
    assert client.get("/solicitations/").status_code == 200


def test_a_solicitation_deadline_in_working_days_uses_the_issuing_units_calendar(cast, client_as):
    import time_machine

    from baosong.workdays.models import CalendarDay

    client = client_as("county_editor")
    # The county's own holiday on Tuesday 4/7 pushes "3 working days" from Thursday 4/2 past 清明:
    # Friday 4/3, [4/4–4/6 清明, 4/7 local], Wednesday 4/8, Thursday 4/9.
    CalendarDay.objects.create(
        date=dt.date(2026, 4, 7), kind="holiday", name="地方节日", unit=cast.county_editor.unit
    )
    with time_machine.travel(timezone.make_aware(dt.datetime(2026, 4, 2, 9, 0)), tick=False):
        response = client.post(
            "/solicitations/new",
            {
                "kind": "solicitation",
                "title": "三个工作日内报送",
                "deadline_workdays": "3",
                "units": [cast.township_reporter.unit.pk],
            },
        )
    assert response.status_code == 302
    sol = Solicitation.objects.get(title="三个工作日内报送")
    assert timezone.localtime(sol.deadline).replace(tzinfo=None) == dt.datetime(2026, 4, 9, 23, 59, 59)
    refused = client.post(
        "/solicitations/new",
        {"kind": "solicitation", "title": "工作日数有误", "deadline_workdays": "三", "units": []},
    )
    assert refused.status_code == 400 and "工作日数须为整数" in refused.content.decode()
    assert 'value="工作日数有误"' in refused.content.decode()
