"""The scoring table, computed by hand: one scenario through the real workflow gives exactly the points
the default rules say; recompute_scores rebuilds the same ledger; a rule set effective next month leaves
this month's points alone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from baosong.core.outbox import deliver
from baosong.editorial import services as editorial
from baosong.editorial.models import Publication
from baosong.editorial.tests.conftest import adopted_at_county, sent_to_county
from baosong.instructions import services as instructions
from baosong.reports import services as reports
from baosong.reports.models import Submission
from baosong.scoring.models import LedgerEntry, Rule, RuleSet
from baosong.scoring.selectors import parse_period, scores
from baosong.scoring.services import recompute_scores
from baosong.solicitations import services as solicitations


def print_in_issue(cast: Any, unit_key: str, chief_key: str, subs: list[Submission]) -> Any:
    editor = cast[unit_key].user
    pub = Publication.objects.filter(unit=cast[unit_key].unit, kind="regular").first()
    issue = editorial.issue_create(by=editor, publication=pub)
    editorial.issue_item_add(issue=issue, by=editor, submission_ids=[s.pk for s in subs])
    editorial.issue_submit(issue=issue, by=editor)
    return editorial.issue_sign(issue=issue, by=cast[chief_key].user)


def forward_up(cast: Any, sub: Submission, editor_key: str) -> Submission:
    reports.submission_forward(submission=sub, by=cast[editor_key].user)
    return Submission.objects.get(forwarded_from=sub)


def ledger_rows() -> list[tuple[Any, ...]]:
    return sorted(
        LedgerEntry.objects.values_list(
            "unit_id", "code", "level", "points", "source_event_id", "report_id", "manual"
        )
    )


@pytest.fixture
def scenario(cast: Any) -> dict[str, Any]:
    town, peer = (
        cast.township_reporter.unit,
        cast.township_reporter.unit.parent.children.get(code="DEMO-C1-1-2"),
    )
    # A: adopted at the county, forwarded and adopted at the city and at the province, one national external
    # adoption, one instruction by the county leader.
    a = adopted_at_county(cast, "城关镇推行“一窗通办”")
    # B: 合报 with 新桥镇.
    b = adopted_at_county(cast, "城关镇新桥镇联合开展河道整治", co_unit_ids=[peer.pk])
    county_issue = print_in_issue(cast, "county_editor", "county_chief", [a, b])
    a_city = forward_up(cast, a, "county_editor")
    city_issue = print_in_issue(cast, "city_editor", "city_chief", [a_city])
    a_province = forward_up(cast, a_city, "city_editor")
    print_in_issue(cast, "province_editor", "province_chief", [a_province])
    reports.external_adoption_record(
        report=a.report, by=cast.county_editor.user, unit=cast.county_editor.unit,
        publication_name="国办《昨日要情》", level="national", date=timezone.localdate(),
    )  # fmt: skip
    editorial.issue_distribute(issue=county_issue, by=cast.county_editor.user)
    item = county_issue.items.get(sources__submission=a)
    instructions.instruction_create(by=cast.county_leader.user, item=item, text="很好，请总结推广。")
    # C: an urgent item sent late (its event was six days ago).
    sent_to_county(
        cast, "城关镇突发山体滑坡续报", urgency="urgent", event_time=timezone.now() - dt.timedelta(days=6)
    )
    # D: printed in an issue that is then withdrawn.
    d = adopted_at_county(cast, "撤回期次中的信息")
    withdrawn = print_in_issue(cast, "county_editor", "county_chief", [d])
    editorial.issue_withdraw(issue=withdrawn, by=cast.county_chief.user, reason="数据有误")
    # A solicitation to 新桥镇 that it never answers.
    notice = solicitations.solicitation_create(
        by=cast.county_editor.user, unit=cast.county_editor.unit, title="防汛约稿",
        deadline=timezone.now() + dt.timedelta(hours=1), unit_ids=[peer.pk],
    )  # fmt: skip
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        solicitations.solicitations_tick()
    deliver("scoring")
    return {"town": town, "peer": peer, "notice": notice, "city_issue": city_issue}


def points_of(unit_id: int) -> Decimal:
    return sum((e.points for e in LedgerEntry.objects.filter(unit_id=unit_id)), Decimal(0))


def test_the_scenario_gives_exactly_the_points_the_rules_say(cast, scenario):
    town, peer = scenario["town"], scenario["peer"]
    # 城关镇: submitted A, C, D (1 each) + half of B (0.5)                    =   3.5
    #         A adopted at county 5, city 10, province 30 × 2 (forwarded)      =  75
    #         B adopted at county: half of 5                                   =   2.5
    #         D adopted 5, then reversed −5 with the withdrawn issue            =   0
    #         A external adoption, national                                    =  80
    #         instruction on A by the county leader                            =  10
    #         C: urgent item sent late                                         =  −5
    assert points_of(town.pk) == Decimal("166.00")
    # 新桥镇: half of B submitted 0.5 + half of B adopted 2.5, missed solicitation −3
    assert points_of(peer.pk) == Decimal("0.00")
    by_code = {
        code: sum((e.points for e in LedgerEntry.objects.filter(unit=town, code=code)), Decimal(0))
        for code in ("submitted", "adopted", "external_adoption", "instruction", "penalty_late_urgent")
    }
    assert by_code == {
        "submitted": Decimal("3.5"), "adopted": Decimal("77.5"), "external_adoption": Decimal("80"),
        "instruction": Decimal("10"), "penalty_late_urgent": Decimal("-5"),
    }  # fmt: skip
    assert LedgerEntry.objects.filter(unit=peer, code="penalty_missed_solicitation").get().points == Decimal(
        "-3"
    )
    assert LedgerEntry.objects.filter(points__lt=0, code="adopted").count() == 1


def test_the_ranking_of_the_county_subtree(cast, scenario, api):
    period = timezone.localdate().strftime("%Y-%m")
    rows = scores(cast.county_editor.unit, parse_period(period))
    assert rows[0].unit_name == "东湖区城关镇" and rows[0].points == Decimal("166.00") and rows[0].rank == 1
    data = api("county_editor").get(f"/api/v1/scores?period={period}").json()
    assert data["items"][0] == {
        "unit_id": scenario["town"].pk,
        "unit_name": "东湖区城关镇",
        "points": 166.0,
        "rank": 1,
    }
    assert api("county_editor").get("/api/v1/scores?period=2026-13").status_code == 400
    outside = api("outsider_editor").get(f"/api/v1/scores?period={period}&unit={cast.county_editor.unit.pk}")
    assert outside.status_code == 404


def test_recompute_reproduces_the_ledger_exactly(cast, scenario):
    before = ledger_rows()
    assert before
    today = timezone.localdate()
    call_command(
        "recompute_scores",
        "--from",
        (today - dt.timedelta(days=1)).isoformat(),
        "--to",
        (today + dt.timedelta(days=2)).isoformat(),
    )
    assert ledger_rows() == before


def test_a_rule_set_effective_next_month_leaves_this_month_alone(cast, scenario):
    today = timezone.localdate()
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    new = RuleSet.objects.create(name="明年规则", effective_from=next_month)
    Rule.objects.create(rule_set=new, code="adopted", level="county", points=Decimal("100"))
    before = ledger_rows()
    start = timezone.make_aware(dt.datetime.combine(today.replace(day=1), dt.time.min))
    recompute_scores(start=start, end=start + dt.timedelta(days=40))
    assert ledger_rows() == before
    # An adoption next month is scored with next month's rules.
    with time_machine.travel(timezone.make_aware(dt.datetime.combine(next_month, dt.time(10))), tick=False):
        sub = adopted_at_county(cast, "下月的信息")
        print_in_issue(cast, "county_editor", "county_chief", [sub])
        deliver("scoring")
    assert LedgerEntry.objects.get(report_id=sub.report_id, code="adopted").points == Decimal("100")


def test_a_manual_adjustment_needs_a_reason_and_is_audited(cast, scenario):
    from baosong.core.errors import Forbidden, ServiceError
    from baosong.core.models import AuditEvent
    from baosong.scoring.services import ledger_adjust

    with pytest.raises(ServiceError):
        ledger_adjust(by=cast.county_editor.user, unit=scenario["town"], points=Decimal("5"), reason=" ")
    entry = ledger_adjust(
        by=cast.county_editor.user, unit=scenario["town"], points=Decimal("5"), reason="获市级表彰加分"
    )
    assert AuditEvent.objects.filter(event_type="score.adjust", object_id=str(entry.pk)).exists()
    before = ledger_rows()
    today = timezone.localdate()
    recompute_scores(
        start=timezone.make_aware(dt.datetime.combine(today, dt.time.min)) - dt.timedelta(days=1),
        end=timezone.make_aware(dt.datetime.combine(today, dt.time.min)) + dt.timedelta(days=2),
    )
    assert ledger_rows() == before  # manual rows survive a rebuild
    with pytest.raises(Forbidden):
        ledger_adjust(by=cast.outsider_editor.user, unit=scenario["town"], points=Decimal("5"), reason="越权")


def test_a_non_conforming_flag_costs_the_source_unit_once(cast, client_as):
    sub = adopted_at_county(cast, "格式不规范的信息")
    client = client_as("county_editor")
    client.post(f"/stats/nonconforming/{sub.pk}", {"reason": "未按要求注明信息来源"})
    client.post(f"/stats/nonconforming/{sub.pk}", {"reason": "再次标记"})
    deliver("scoring")
    rows = LedgerEntry.objects.filter(code="penalty_nonconforming")
    assert [(r.unit_id, r.points) for r in rows] == [(cast.township_reporter.unit.pk, Decimal("-2"))]
    assert (
        client_as("outsider_editor").post(f"/stats/nonconforming/{sub.pk}", {"reason": "越权"}).status_code
        == 404
    )


def test_an_item_sent_again_after_a_withdrawal_earns_its_submission_points_once(cast):
    reporter = cast.township_reporter.user
    sub = sent_to_county(cast, "撤回后重报的信息")
    report = reports.report_withdraw(report=sub.report, by=reporter)
    report = reports.report_reopen(report=report, by=reporter)
    report = reports.report_submit(report=report, by=reporter)
    while report.status == "in_review":
        report = reports.report_approve(report=report, by=cast.township_reviewer.user)
    deliver("scoring")
    rows = LedgerEntry.objects.filter(report_id=report.pk, code="submitted")
    assert sum(r.points for r in rows) == Decimal(1)
    before = ledger_rows()
    today = timezone.localdate()
    recompute_scores(
        start=timezone.make_aware(dt.datetime.combine(today, dt.time.min)) - dt.timedelta(days=1),
        end=timezone.make_aware(dt.datetime.combine(today, dt.time.min)) + dt.timedelta(days=2),
    )
    assert ledger_rows() == before
