"""转发约稿: the city asks 东湖区, which relays the notice to three townships with its own requirements and an
earlier deadline; their answers, adopted or forwarded by the county, answer the city's notice; the city's
page shows the chain per county; another county sees nothing of it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from baosong.core.errors import ServiceError
from baosong.core.models import AuditEvent
from baosong.core.outbox import deliver
from baosong.notifications.models import Notification
from baosong.orgs.models import Membership, Role, Unit, User
from baosong.reports import services as report_services
from baosong.reports.models import Report, Submission, SubmissionStatus
from baosong.solicitations import selectors, services
from baosong.solicitations.models import RelayedAnswer, Solicitation, SolicitationTarget

START = dt.datetime(2026, 6, 1, 9, 0, tzinfo=dt.UTC)  # a Monday
CITY_DEADLINE = START + dt.timedelta(days=4)
COUNTY_DEADLINE = START + dt.timedelta(days=2)


def person(unit: Unit, role: str = Role.REPORTER) -> User:
    user = User.objects.create_user(
        username=f"relay{unit.pk}{role}{User.objects.count()}",
        password="x",
        full_name="赵六",
        primary_unit=unit,
    )
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


def townships(county: Unit) -> list[Unit]:
    return list(Unit.objects.filter(parent=county, level="township").order_by("sort_order")[:3])


def answer(reporter: User, notice: Solicitation, title: str, reviewer: User | None = None) -> Report:
    report = report_services.report_create(
        by=reporter, title=title, body="按约稿要求报送。", solicitation_id=notice.pk
    )
    report = report_services.report_submit(report=report, by=reporter)
    while report.status == "in_review" and reviewer is not None:
        report = report_services.report_approve(report=report, by=reviewer)
    deliver("notices")
    return report


def city_notice(cast: Any, counties: list[Unit]) -> Solicitation:
    return services.solicitation_create(
        by=cast.city_editor.user,
        unit=cast.city_editor.unit,
        title="关于报送防汛工作信息的约稿通知",
        topic="防汛",
        requirements="请报送防汛工作开展情况，每篇不超过800字。",
        deadline=CITY_DEADLINE,
        unit_ids=[c.pk for c in counties],
    )


def relay(editor: User, parent: Solicitation, unit: Unit, towns: list[Unit]) -> Solicitation:
    return services.solicitation_relay(
        by=editor,
        parent=parent,
        unit=unit,
        added_requirements="请突出本乡镇的具体做法和数据。",
        deadline=COUNTY_DEADLINE,
        unit_ids=[t.pk for t in towns],
    )


@dataclass
class Chain:
    notice: Solicitation
    relay: Solicitation
    forwarded: Report  # 城关镇's, forwarded by the county
    waiting: Report  # 新桥镇's, not yet decided
    silent: Unit  # 杨柳乡


@pytest.fixture
def chain(cast: Any) -> Chain:
    county = cast.county_editor.unit
    towns = townships(county)
    assert towns[0] == cast.township_reporter.unit
    with time_machine.travel(START, tick=False):
        notice = city_notice(cast, [county, cast.outsider_editor.unit])
        relayed = relay(cast.county_editor.user, notice, county, towns)
    with time_machine.travel(START + dt.timedelta(days=1), tick=False):
        first = answer(
            cast.township_reporter.user, relayed, "城关镇防汛工作扎实推进", cast.township_reviewer.user
        )
        second = answer(person(towns[1]), relayed, "新桥镇开展防汛演练")
        sub = Submission.objects.get(report=first, target_unit=county)
        report_services.submission_forward(submission=sub, by=cast.county_editor.user)
        deliver("notices")
    return Chain(notice, relayed, first, second, towns[2])


def test_the_relay_asks_the_townships_with_the_countys_requirements_and_is_audited(cast, chain):
    relayed = chain.relay
    assert relayed.relayed_from == chain.notice and relayed.unit == cast.county_editor.unit
    assert relayed.deadline == COUNTY_DEADLINE
    assert relayed.requirements.startswith("请报送防汛工作开展情况")
    assert relayed.requirements.endswith("请突出本乡镇的具体做法和数据。")
    assert relayed.targets.count() == 3
    audit = AuditEvent.objects.get(event_type="solicitation.relay", object_id=str(relayed.pk))
    assert audit.details["relayed_from"] == chain.notice.pk
    note = Notification.objects.get(user=cast.township_reporter.user, kind="solicitation")
    assert note.title.startswith(f"{cast.county_editor.unit.name}转发约稿")


def test_a_forwarded_answer_answers_the_citys_notice_once(cast, chain):
    county_row = SolicitationTarget.objects.get(solicitation=chain.notice, unit=cast.county_editor.unit)
    assert county_row.answer_count == 1 and county_row.first_answer_at is not None
    counted = RelayedAnswer.objects.get(solicitation=chain.notice)
    assert counted.report == chain.forwarded and counted.decision == "forwarded"
    assert counted.forwarded is not None and counted.forwarded.target_unit == cast.city_editor.unit
    # Replaying the consumer's work counts nothing twice.
    services.solicitation_record_relayed_answer(submission_id=counted.submission_id, at=START)
    county_row.refresh_from_db()
    assert county_row.answer_count == 1
    # The township's own row in the county's relay counts as usual.
    town_row = SolicitationTarget.objects.get(solicitation=chain.relay, unit=cast.township_reporter.unit)
    assert town_row.answer_count == 1


def test_an_adopted_answer_counts_too(cast, chain):
    sub = Submission.objects.get(report=chain.waiting, target_unit=cast.county_editor.unit)
    with time_machine.travel(START + dt.timedelta(days=1, hours=2), tick=False):
        report_services.submission_adopt(submission=sub, by=cast.county_editor.user)
        deliver("notices")
    county_row = SolicitationTarget.objects.get(solicitation=chain.notice, unit=cast.county_editor.unit)
    assert county_row.answer_count == 2
    assert RelayedAnswer.objects.get(report=chain.waiting).decision == "adopted"


def test_the_citys_page_shows_the_chain_and_each_townships_answer(cast, chain, client_as, api):
    with time_machine.travel(START + dt.timedelta(days=1, hours=1), tick=False):
        html = client_as("city_editor").get(f"/solicitations/{chain.notice.pk}/").content.decode()
        data = api("city_editor").get(f"/api/v1/solicitations/{chain.notice.pk}/chain").json()
        notice = api("city_editor").get(f"/api/v1/solicitations/{chain.notice.pk}").json()
    assert "转发落实情况" in html and "请突出本乡镇的具体做法和数据。" in html
    assert "城关镇防汛工作扎实推进" in html and "新桥镇开展防汛演练" in html and chain.silent.name in html
    assert "已转报" in html and "未转报" in html
    (county,) = data["relays"]
    assert county["unit_id"] == cast.county_editor.unit.pk
    assert county["added_requirements"] == "请突出本乡镇的具体做法和数据。"
    rows = {t["unit_name"]: t for t in county["targets"]}
    town = rows[cast.township_reporter.unit.name]
    assert town["state"] == "answered"
    (first,) = town["answers"]
    assert first["title"] == "城关镇防汛工作扎实推进"
    assert first["decision"] == SubmissionStatus.FORWARDED and first["counted"] == "forwarded"
    assert first["forwarded_submission_id"] is not None
    (second,) = rows[chain.waiting.source_unit.name]["answers"]
    assert second["decision"] == SubmissionStatus.RECEIVED and second["counted"] is None
    assert rows[chain.silent.name] | {"answers": []} == rows[chain.silent.name]
    assert rows[chain.silent.name]["state"] == "pending"
    states = {t["unit_name"]: t["state"] for t in notice["targets"]}
    assert states[cast.county_editor.unit.name] == "answered"
    assert states[cast.outsider_editor.unit.name] == "pending"


def test_the_county_sees_its_relay_and_its_townships(cast, chain, client_as, api):
    page = client_as("county_editor").get(f"/solicitations/{chain.notice.pk}/").content.decode()
    assert "本单位已转发给下级" in page
    relay_page = client_as("county_editor").get(f"/solicitations/{chain.relay.pk}/")
    assert relay_page.status_code == 200 and "新桥镇开展防汛演练" in relay_page.content.decode()
    assert api("county_editor").get(f"/api/v1/solicitations/{chain.relay.pk}/chain").status_code == 200
    # The city follows the chain down to the county's relay.
    assert client_as("city_editor").get(f"/solicitations/{chain.relay.pk}/").status_code == 200
    assert api("city_editor").get(f"/api/v1/solicitations/{chain.relay.pk}").status_code == 200


def test_another_county_gets_404_on_the_relay_and_its_answers(cast, chain, client_as, api):
    outsider = client_as("outsider_editor")
    assert outsider.get(f"/solicitations/{chain.relay.pk}/").status_code == 404
    assert outsider.get(f"/solicitations/{chain.relay.pk}/relay").status_code == 404
    assert outsider.get(f"/reports/{chain.forwarded.pk}/").status_code == 404
    assert outsider.get(f"/reports/{chain.waiting.pk}/").status_code == 404
    client = api("outsider_editor")
    assert client.get(f"/api/v1/solicitations/{chain.relay.pk}").status_code == 404
    assert client.get(f"/api/v1/solicitations/{chain.relay.pk}/chain").status_code == 404
    assert client.get(f"/api/v1/reports/{chain.forwarded.pk}").status_code == 404
    # It was asked by the city too, but the city's chain is not its to read.
    assert client.get(f"/api/v1/solicitations/{chain.notice.pk}/chain").status_code == 404
    assert api("township_reporter").get(f"/api/v1/solicitations/{chain.notice.pk}").status_code == 404


def test_a_deadline_later_than_the_citys_is_refused_in_chinese(cast, api):
    county = cast.outsider_editor.unit
    with time_machine.travel(START, tick=False):
        notice = city_notice(cast, [county])
        later = (CITY_DEADLINE + dt.timedelta(hours=1)).isoformat()
        response = api("outsider_editor").post(
            f"/api/v1/solicitations/{notice.pk}/relays",
            {"deadline": later, "unit_ids": [t.pk for t in townships(county)]},
            content_type="application/json",
        )
        assert response.status_code == 400
        assert response.json()["code"] == "deadline_after_parent"
        assert "不能晚于上级约稿的截止时间" in response.json()["detail"]
        # The form keeps what was typed.
        local = timezone.localtime(CITY_DEADLINE + dt.timedelta(minutes=1))
        page = _relay_form(cast, notice, county, "请各乡镇结合实际报送", f"{local:%Y-%m-%dT%H:%M}")
        assert page.status_code == 400
        assert "不能晚于上级约稿的截止时间" in page.content.decode()
        assert "请各乡镇结合实际报送" in page.content.decode()
        ok = api("outsider_editor").post(
            f"/api/v1/solicitations/{notice.pk}/relays",
            {"deadline_workdays": 2, "unit_ids": [townships(county)[0].pk], "added_requirements": "补充"},
            content_type="application/json",
        )
        assert ok.status_code == 201, ok.content
        assert ok.json()["relayed_from_id"] == notice.pk
        again = api("outsider_editor").post(
            f"/api/v1/solicitations/{notice.pk}/relays",
            {"deadline_workdays": 1, "unit_ids": [townships(county)[0].pk]},
            content_type="application/json",
        )
        assert again.status_code == 409 and again.json()["code"] == "already_relayed"


def _relay_form(cast: Any, notice: Solicitation, county: Unit, text: str, deadline: str) -> Any:
    from django.test import Client

    from conftest import login

    client = login(Client(), cast.outsider_editor)
    return client.post(
        f"/solicitations/{notice.pk}/relay",
        {
            "unit": county.pk,
            "added_requirements": text,
            "deadline": deadline,
            "units": [t.pk for t in townships(county)],
        },
    )


def test_only_a_unit_the_notice_asked_may_relay_it_to_units_below_it(cast):
    with time_machine.travel(START, tick=False):
        notice = city_notice(cast, [cast.county_editor.unit])
        with pytest.raises(ServiceError) as refused:
            relay(
                cast.outsider_editor.user,
                notice,
                cast.outsider_editor.unit,
                townships(cast.outsider_editor.unit),
            )
        assert refused.value.status == 403 or refused.value.code == "not_a_target"
        with pytest.raises(ServiceError) as refused:
            relay(
                cast.county_editor.user, notice, cast.county_editor.unit, townships(cast.outsider_editor.unit)
            )
        assert refused.value.code == "invalid_target"


def test_a_township_relays_again_and_the_answer_climbs_two_levels(cast, chain):
    """Any depth: 城关镇 relays the county's relay to a village; the village's answer, forwarded by the
    township, answers the county's relay; forwarded again by the county, it answers the city's notice."""
    town = cast.township_reporter.unit
    village = Unit.objects.create(
        code="RELAY-V1", name="城关镇东村", level="village", parent=town, path="", depth=town.depth + 1
    )
    village.path = f"{town.path}{village.pk}/"
    village.save(update_fields=["path"])
    town_editor = person(town, Role.EDITOR)
    with time_machine.travel(START + dt.timedelta(days=1), tick=False):
        deeper = services.solicitation_relay(
            by=town_editor,
            parent=chain.relay,
            unit=town,
            deadline=COUNTY_DEADLINE - dt.timedelta(hours=12),
            unit_ids=[village.pk],
        )
        report = answer(person(village), deeper, "东村防汛值守到位")
        at_town = Submission.objects.get(report=report, target_unit=town)
        report_services.submission_forward(submission=at_town, by=town_editor)
        deliver("notices")
        at_county = Submission.objects.get(report=report, target_unit=cast.county_editor.unit)
        report_services.submission_forward(submission=at_county, by=cast.county_editor.user)
        deliver("notices")
    town_row = SolicitationTarget.objects.get(solicitation=chain.relay, unit=town)
    assert town_row.answer_count == 2  # its own item and the village's, forwarded
    county_row = SolicitationTarget.objects.get(solicitation=chain.notice, unit=cast.county_editor.unit)
    assert county_row.answer_count == 2
    assert RelayedAnswer.objects.get(solicitation=chain.notice, report=report).relay == chain.relay


def _second_county(cast: Any, notice: Solicitation, county: Unit) -> None:
    editor = person(county, Role.EDITOR)
    towns = list(Unit.objects.filter(parent=county, level="township"))
    relayed = relay(editor, notice, county, towns)
    for town in towns:
        report = answer(person(town), relayed, f"{town.name}报送")
        sub = Submission.objects.get(report=report, target_unit=county)
        report_services.submission_forward(submission=sub, by=editor)
    deliver("notices")


def test_the_chain_reads_in_a_fixed_number_of_queries(cast, chain):
    with CaptureQueriesContext(connection) as small:
        selectors.relay_chain(chain.notice)
    with time_machine.travel(START + dt.timedelta(days=1), tick=False):
        extra = Unit.objects.filter(parent=cast.city_editor.unit, level="county").exclude(
            pk__in=[cast.county_editor.unit.pk, cast.outsider_editor.unit.pk]
        )
        notice = chain.notice
        SolicitationTarget.objects.bulk_create(
            [SolicitationTarget(solicitation=notice, unit=c) for c in extra]
        )
        _second_county(cast, notice, cast.outsider_editor.unit)
        for county in extra:
            _second_county(cast, notice, county)
    with CaptureQueriesContext(connection) as big:
        chain_rows = selectors.relay_chain(notice)
    assert len(chain_rows) == 3
    assert sum(len(c["rows"]) for c in chain_rows) == 3 + 4 + 4
    assert len(big) == len(small) <= 7


def test_a_county_that_answered_through_its_townships_is_not_missed(cast, chain):
    """At the city's deadline the county that forwarded a township's answer counts as answered; the
    county that did nothing is missed; the relay's own silent townships were missed at the county's."""
    with time_machine.travel(CITY_DEADLINE + dt.timedelta(minutes=5), tick=False):
        services.solicitations_tick()
    missed = set(
        SolicitationTarget.objects.filter(missed_at__isnull=False).values_list("solicitation_id", "unit_id")
    )
    assert (chain.notice.pk, cast.outsider_editor.unit.pk) in missed
    assert (chain.notice.pk, cast.county_editor.unit.pk) not in missed
    assert missed & {(chain.relay.pk, u.pk) for u in townships(cast.county_editor.unit)} == {
        (chain.relay.pk, chain.silent.pk)
    }


def test_reporting_priorities_are_relayed_for_their_period(cast):
    county = cast.county_editor.unit
    with time_machine.travel(START, tick=False):
        priorities = services.solicitation_create(
            by=cast.city_editor.user,
            unit=cast.city_editor.unit,
            kind=Solicitation.Kind.PRIORITY,
            title="2026年第三季度信息报送要点",
            requirements="一、防汛救灾；二、安全生产。",
            period_start=dt.date(2026, 7, 1),
            period_end=dt.date(2026, 9, 30),
            unit_ids=[county.pk],
        )
        relayed = services.solicitation_relay(
            by=cast.county_editor.user,
            parent=priorities,
            unit=county,
            added_requirements="三、乡村振兴。",
            unit_ids=[t.pk for t in townships(county)],
        )
    assert relayed.kind == Solicitation.Kind.PRIORITY and relayed.deadline is None
    assert (relayed.period_start, relayed.period_end) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30))
    assert relayed.requirements.endswith("补充要求：三、乡村振兴。")


def test_the_forwarded_copy_in_the_citys_inbox_names_the_citys_notice(cast, chain, client_as):
    copy = RelayedAnswer.objects.get(solicitation=chain.notice).forwarded
    assert copy is not None
    city = client_as("city_editor")
    assert f"/solicitations/answered-by/{copy.pk}" in city.get(f"/inbox/{copy.pk}/").content.decode()
    line = city.get(f"/solicitations/answered-by/{copy.pk}").content.decode()
    assert chain.notice.title in line and f"{cast.county_editor.unit.name}转发约稿后征集" in line
    at_county = Submission.objects.get(report=chain.waiting, target_unit=cast.county_editor.unit)
    line = client_as("county_editor").get(f"/solicitations/answered-by/{at_county.pk}").content.decode()
    assert "响应本单位转发的约稿" in line and f"/solicitations/{chain.relay.pk}/" in line
    assert client_as("outsider_editor").get(f"/solicitations/answered-by/{copy.pk}").status_code == 404
