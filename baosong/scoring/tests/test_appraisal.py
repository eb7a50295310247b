"""目标责任 and the yearly 评比: months missed accumulate into 取消评优资格 with the months named, the
shortfall into 不称职, two missed 约稿 zero a unit's year; vetoed ones are never among the best; the page,
its export and the configuration page; a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from baosong.core.models import AuditEvent
from baosong.core.outbox import deliver
from baosong.editorial.tests.conftest import sent_to_county
from baosong.orgs.models import Unit
from baosong.reports.models import Report
from baosong.scoring import rollups, services
from baosong.scoring.appraisal import INELIGIBLE, UNFIT, ZEROED, appraisal
from baosong.scoring.models import QuotaRule, ReporterMonthly, Target
from baosong.scoring.quotas import required
from baosong.scoring.selectors import Period
from baosong.solicitations.services import solicitation_create, solicitations_tick
from conftest import login

YEAR = timezone.localdate().year - 1  # a whole year, every month judged


def weekly_need(month: int) -> int:
    """What a weekly target of 2 asks in a month of YEAR."""
    period = Period(f"{YEAR}-{month:02d}", YEAR, (month,))
    return required(QuotaRule(period_kind="week", minimum=2), period) or 0


def year_of_items(cast: Any, skip: set[int]) -> Report:
    """The township reporter's items of YEAR: each month's weekly target met exactly, except ``skip``
    (real items, sent through the workflow once and copied into the year's months; the rollups are
    rebuilt from them as ``check_rollups --rebuild`` does)."""
    # The demo's units were created today; these existed all of YEAR.
    Unit.objects.filter(path__startswith=cast.county_editor.unit.path).update(
        created_at=dt.datetime(YEAR - 1, 1, 1, tzinfo=dt.UTC)
    )
    first = sent_to_county(cast, "城关镇开展防汛应急演练").report
    copies = []
    for month in range(1, 13):
        if month in skip:
            continue
        for i in range(weekly_need(month)):
            copy = Report.objects.get(pk=first.pk)
            copy.pk = None
            copy.title = f"{YEAR}年{month}月信息{i + 1}"
            copy.sent_at = dt.datetime(YEAR, month, 3 + i, 10, tzinfo=timezone.get_current_timezone())
            copies.append(copy)
    Report.objects.bulk_create(copies)
    rollups.rebuild(dt.date(YEAR, 1, 1), dt.date(YEAR + 1, 1, 1))
    return first


def weekly_target(cast: Any) -> Target:
    return services.target_save(
        by=cast.county_editor.user,
        unit=cast.county_editor.unit,
        subject=Target.Subject.PERSON,
        measure=Target.Measure.SUBMITTED,
        period_kind=QuotaRule.PeriodKind.WEEK,
        minimum=2,
    )


def test_a_reporter_who_missed_february_and_may_is_not_eligible_with_the_months_named(cast, client):
    weekly_target(cast)
    year_of_items(cast, skip={2, 5})
    reporter = cast.township_reporter.user
    assert sum(
        ReporterMonthly.objects.filter(author=reporter, month__year=YEAR).values_list("submitted", flat=True)
    ) == sum(weekly_need(m) for m in range(1, 13) if m not in {2, 5})

    result = appraisal(cast.county_editor.unit, YEAR)
    me = next(s for s in result.people if s.user_id == reporter.pk)
    assert me.missed_months == [2, 5]
    assert me.shortfall == weekly_need(2) + weekly_need(5)
    kinds = {v.kind: v.reason for v in me.vetoes}
    assert kinds[INELIGIBLE].startswith("2月、5月未完成“每周报送信息不少于2条”目标，累计2个月")
    assert kinds[UNFIT].startswith(f"全年累计差{me.shortfall}条")  # more than 10: 不称职 too
    assert me.rank is None and me not in result.best_people

    login(client, cast.county_editor)
    page = client.get(f"/scoring/appraisal/{YEAR}/").content.decode()
    assert "2月、5月未完成“每周报送信息不少于2条”目标，累计2个月" in page
    assert "取消评优资格" in page and reporter.full_name in page


def test_one_missed_month_keeps_the_reporter_eligible_and_among_the_best(cast):
    weekly_target(cast)
    services.appraisal_policy_set(
        by=cast.county_editor.user,
        unit=cast.county_editor.unit,
        missed_months=2,
        shortfall=0,
        missed_solicitations=2,
    )
    year_of_items(cast, skip={5})
    result = appraisal(cast.county_editor.unit, YEAR)
    me = next(s for s in result.people if s.user_id == cast.township_reporter.user.pk)
    assert me.missed_months == [5] and me.eligible
    assert result.best_people[0] is me and me.rank == 1
    # Everyone else sent nothing: twelve months missed each, none of them among the best.
    assert all(s.missed_months == list(range(1, 13)) and not s.eligible for s in result.people if s is not me)


def test_a_unit_with_two_missed_solicitations_scores_zero_for_the_year(cast, client):
    county, editor = cast.county_editor.unit, cast.county_editor.user
    town = cast.township_reporter.unit
    other = Unit.objects.filter(parent=county).exclude(pk=town.pk).order_by("sort_order").first()
    assert other is not None
    services.ledger_adjust(by=editor, unit=town, points=Decimal(40), reason="测试用积分")
    services.ledger_adjust(by=editor, unit=other, points=Decimal(10), reason="测试用积分")
    deadline = timezone.now() + dt.timedelta(hours=1)
    for title in ("约稿一", "约稿二"):
        solicitation_create(by=editor, unit=county, title=title, deadline=deadline, unit_ids=[town.pk])
    solicitations_tick(deadline + dt.timedelta(minutes=1))
    deliver("scoring")

    year = timezone.localdate().year
    result = appraisal(county, year)
    mine = next(s for s in result.units if s.unit_id == town.pk)
    assert mine.missed_solicitations == 2 and mine.points == 0
    veto = next(v for v in mine.vetoes if v.kind == ZEROED)
    # 40 less the default rule set's 3 points per missed 约稿.
    assert veto.reason.startswith("全年约稿未按时报送2次，年终考评否决，全年积分计0分（原为34分")
    assert mine not in result.best_units
    assert result.best_units[0].unit_id == other.pk  # 10 points beat the vetoed 40

    login(client, cast.county_editor)
    response = client.get(f"/scoring/appraisal/{year}/export.xlsx")
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    vetoes = [[c.value for c in row] for row in book["否决清单"].iter_rows(min_row=3)]
    assert [town.name, town.name, "年终考评否决", veto.reason] in vetoes
    assert AuditEvent.objects.filter(event_type="appraisal.export", unit_id=county.pk).exists()


def test_the_appraisal_costs_the_same_queries_for_more_units_and_people(cast, client):
    weekly_target(cast)
    login(client, cast.county_editor)
    year = timezone.localdate().year

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/scoring/appraisal/{year}/").status_code == 200
        return len([q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]])

    few = count()
    county = cast.county_editor.unit
    for i in range(5):
        Unit.objects.create(
            name=f"东湖区新区{i}",
            code=f"DEMO-NEW-{i}",
            level="township",
            parent=county,
            path=f"{county.path}99999{i}/",
            depth=county.depth + 1,
        )
    sent_to_county(cast, "新增一条信息")
    deliver("scoring")
    assert count() == few <= 40


def test_targets_are_set_by_the_units_editor_and_refused_to_others(cast, client):
    county = cast.county_editor.unit
    login(client, cast.county_editor)
    response = client.post(
        "/scoring/targets/",
        {
            "unit": county.pk,
            "action": "target",
            "subject": "unit",
            "measure": "issues",
            "period_kind": "month",
            "minimum": "2",
        },
    )
    assert response.status_code == 302
    target = Target.objects.get(unit=county)
    assert target.label == "每月编发期数不少于2期"
    assert AuditEvent.objects.filter(event_type="target.save", object_id=str(target.pk)).exists()
    page = client.get(f"/scoring/targets/?unit={county.pk}").content.decode()
    assert "每月编发期数不少于2期" in page
    # A reporter's 期数 target, or a bad number, is refused in Chinese.
    client.post(
        "/scoring/targets/",
        {"unit": county.pk, "action": "target", "subject": "person", "measure": "issues",
         "period_kind": "month", "minimum": "2"},
    )  # fmt: skip
    assert Target.objects.filter(unit=county).count() == 1
    # Another county's editor gets 404 for this county's targets.
    other_city = (
        Unit.objects.filter(level="county").exclude(path__startswith=cast.city_editor.unit.path).first()
    )
    assert other_city is not None
    assert client.get(f"/scoring/targets/?unit={other_city.pk}").status_code == 404
    assert client.get(f"/scoring/appraisal/{YEAR}/?unit={other_city.pk}").status_code == 404
    assert client.get("/scoring/appraisal/99999/").status_code == 404


def test_reporter_months_and_issues_follow_the_events_and_a_tampered_row_is_rebuilt(cast):
    from baosong.editorial.tests.conftest import adopted_at_county, distributed_county_issue
    from baosong.scoring.models import StatsMonthly

    sent_to_county(cast, "城关镇开展森林防火巡查")
    adopted = adopted_at_county(cast, "城关镇推进农村人居环境整治")
    distributed_county_issue(cast, [adopted])
    deliver("scoring")
    month = timezone.localdate().replace(day=1)
    row = ReporterMonthly.objects.get(author=cast.township_reporter.user, month=month)
    assert (row.submitted, row.adopted) == (2, 1)
    county = cast.county_editor.unit
    assert StatsMonthly.objects.get(unit=county, scope="own", month=month).issues == 1
    start, end = month, timezone.localdate() + dt.timedelta(days=1)
    assert rollups.compare(start, end) == []
    ReporterMonthly.objects.filter(pk=row.pk).update(submitted=7)
    assert any("报送与采用" in d for d in rollups.compare(start, end))
    rollups.rebuild(start, end)
    assert rollups.compare(start, end) == []
    assert ReporterMonthly.objects.get(author=cast.township_reporter.user, month=month).submitted == 2


def test_the_api_sets_targets_and_policy_and_reads_the_appraisal_and_its_vetoes(cast, api):
    county = cast.county_editor.unit
    client = api("county_editor")
    response = client.post(
        "/api/v1/targets",
        {
            "unit_id": county.pk,
            "subject": "person",
            "measure": "submitted",
            "period_kind": "week",
            "minimum": 2,
        },
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["label"] == "每周报送信息不少于2条"
    target_id = response.json()["id"]
    refused = client.post(
        "/api/v1/targets",
        {
            "unit_id": county.pk,
            "subject": "person",
            "measure": "issues",
            "period_kind": "month",
            "minimum": 1,
        },
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["detail"] == "编发期数只能作为单位的目标。"
    policy = client.put(
        "/api/v1/appraisal/policy",
        {"unit_id": county.pk, "missed_months": 3, "shortfall": 0, "missed_solicitations": 1},
        content_type="application/json",
    )
    assert policy.json() == {
        "unit_id": county.pk,
        "missed_months": 3,
        "shortfall": 0,
        "missed_solicitations": 1,
    }
    listed = client.get("/api/v1/targets").json()
    assert [t["id"] for t in listed["items"]] == [target_id] and listed["policy"]["missed_months"] == 3

    year = timezone.localdate().year
    appraised = client.get(f"/api/v1/appraisal/{year}").json()
    assert appraised["unit_id"] == county.pk and {u["unit_id"] for u in appraised["units"]} >= {
        cast.township_reporter.unit.pk
    }
    vetoes = client.get(f"/api/v1/appraisal/{year}/vetoes").json()
    assert vetoes["count"] == len(vetoes["items"])
    assert client.get("/api/v1/appraisal/99999").status_code == 400
    # A township reporter sets no targets and reads no appraisal.
    reporter = api("township_reporter")
    assert reporter.delete(f"/api/v1/targets/{target_id}").status_code == 404
    assert reporter.get(f"/api/v1/appraisal/{year}").status_code == 404
    assert client.delete(f"/api/v1/targets/{target_id}").status_code == 204
    assert not Target.objects.filter(pk=target_id).exists()


def test_the_administrator_sets_the_extra_rates_and_any_units_targets(cast, client_as):
    from baosong.scoring.models import RemunerationRate

    admin = client_as("sysadmin")
    rates = {f"rate_{lv}": "50" for lv in ("county", "city", "province", "national")}
    admin.post(
        "/manage/scoring/",
        {
            **rates,
            "action": "rates",
            "rate_instruction": "150",
            "rate_external": "30",
            "rate_deduct_late": "5",
        },
    )
    stored = dict(RemunerationRate.objects.values_list("level", "amount"))
    assert (stored["instruction"], stored["external"], stored["deduct_late"]) == (150, 30, 5)
    # Emptied: the external adoptions are paid at their level's rate again.
    admin.post("/manage/scoring/", {**rates, "action": "rates", "rate_external": ""})
    assert not RemunerationRate.objects.filter(level="external").exists()
    page = admin.get("/manage/scoring/").content.decode()
    assert "领导批示（元/次）" in page and "紧急信息迟报扣减（元/条）" in page

    county = cast.county_editor.unit
    assert admin.get(f"/scoring/targets/?unit={county.pk}").status_code == 200
    admin.post(
        "/scoring/targets/",
        {
            "unit": county.pk,
            "action": "policy",
            "missed_months": "3",
            "shortfall": "12",
            "missed_solicitations": "2",
        },
    )
    assert county.appraisal_policy.missed_months == 3


def test_an_upgrade_backfills_the_new_counters_through_the_worker(cast):
    """A database upgraded to 0014 has items but empty reporter months and 期数: migration 0015 writes a
    scoring.backfill event (here written as it does) and the scoring consumer recounts the history."""
    import importlib

    from django.apps import apps as django_apps

    from baosong.core.models import DomainEvent
    from baosong.editorial.tests.conftest import adopted_at_county, distributed_county_issue
    from baosong.scoring.models import StatsDaily, StatsMonthly

    adopted = adopted_at_county(cast, "城关镇推进农村人居环境整治")
    distributed_county_issue(cast, [adopted])
    deliver("scoring")
    month = timezone.localdate().replace(day=1)
    # As the events before 0014 left them.
    ReporterMonthly.objects.all().delete()
    StatsMonthly.objects.update(issues=0)
    StatsDaily.objects.update(issues=0)
    start, end = month, timezone.localdate() + dt.timedelta(days=1)
    assert rollups.compare(start, end) != []
    migration = importlib.import_module("baosong.scoring.migrations.0015_backfill_new_counters")
    migration.ask_for_backfill(django_apps, None)
    assert DomainEvent.objects.filter(event_type="scoring.backfill").count() == 1
    deliver("scoring")
    assert rollups.compare(start, end) == []
    row = ReporterMonthly.objects.get(author=cast.township_reporter.user, month=month)
    assert (row.submitted, row.adopted) == (1, 1)
    assert StatsMonthly.objects.get(unit=cast.county_editor.unit, scope="own", month=month).issues == 1
