"""Quota completion (任务完成) and reporting rates: inactive units are not expected, a unit created during
the period is; month rules scale with the months of the period, year rules apply to whole years."""

from __future__ import annotations

from typing import Any

from django.utils import timezone

from baosong.core.outbox import deliver
from baosong.editorial.tests.conftest import sent_to_county
from baosong.orgs.models import Unit
from baosong.scoring.models import QuotaRule
from baosong.scoring.quotas import quota_result, required
from baosong.scoring.selectors import dashboard, parse_period

MONTH = timezone.localdate().strftime("%Y-%m")


def townships(cast: Any) -> list[Unit]:
    return list(Unit.objects.filter(parent=cast.county_editor.unit, level="township").order_by("code"))


def test_month_rules_scale_with_the_period_and_year_rules_need_a_whole_year(db):
    rule = QuotaRule(unit_class="二类", period_kind="month", minimum=4)
    assert required(rule, parse_period("2026-05")) == 4
    assert required(rule, parse_period("2026-Q2")) == 12
    assert required(rule, parse_period("2026")) == 48
    yearly = QuotaRule(period_kind="year", category="research", minimum=1)
    assert required(yearly, parse_period("2026-05")) is None and required(yearly, parse_period("2026")) == 1
    weekly = QuotaRule(period_kind="week", minimum=2)
    # February 2026: 28 days, four weeks, but 2/15–2/21 is all 春节 holiday: three weeks are expected.
    assert required(weekly, parse_period("2026-02")) == 6
    assert required(weekly, parse_period("2026-03")) == 10  # five started weeks, each with working days


def test_a_township_meets_its_month_quota_with_four_items(cast):
    QuotaRule.objects.all().delete()
    QuotaRule.objects.create(unit_class="二类", period_kind="month", minimum=4)
    for i in range(4):
        sent_to_county(cast, f"任务信息{i}")
    deliver("scoring")
    result = quota_result(cast.county_editor.unit, parse_period(MONTH))
    towns = townships(cast)
    assert result.expected == {t.pk for t in towns}  # the 二类 units: the four townships
    assert result.short == {t.pk for t in towns[1:]}
    data = dashboard(cast.county_editor.unit, parse_period(MONTH))
    assert (data["total"].quota_met, data["total"].quota_expected) == (1, 4)
    town_row = next(r for r in data["rows"] if r.unit_id == towns[0].pk)
    assert (town_row.quota_met, town_row.quota_rate) == (1, 100.0)


def test_inactive_units_are_not_expected_and_new_ones_are(cast):
    QuotaRule.objects.all().delete()
    QuotaRule.objects.create(unit_class="二类", period_kind="month", minimum=1)
    county = cast.county_editor.unit
    towns = townships(cast)
    Unit.objects.filter(pk=towns[3].pk).update(is_active=False)
    new = Unit.objects.create(
        name="东湖区新区街道",
        code="DEMO-C1-1-9",
        level="township",
        parent=county,
        unit_class="二类",
        path=f"{county.path}999999/",
        depth=county.depth + 1,
    )
    result = quota_result(county, parse_period(MONTH))
    assert towns[3].pk not in result.expected and new.pk in result.expected
    assert len(result.expected) == 4 and result.short == result.expected
    # A unit created after the period is not expected in it.
    last_year = parse_period(str(timezone.localdate().year - 1))
    assert new.pk not in quota_result(county, last_year).expected


def test_a_category_rule_counts_only_that_category(cast):
    QuotaRule.objects.all().delete()
    QuotaRule.objects.create(unit_class="", period_kind="month", category="research", minimum=1)
    sent_to_county(cast, "工作动态一条")
    deliver("scoring")
    assert cast.township_reporter.unit.pk in quota_result(cast.county_editor.unit, parse_period(MONTH)).short
    sent_to_county(cast, "调研报告一篇", category="research")
    deliver("scoring")
    assert (
        cast.township_reporter.unit.pk not in quota_result(cast.county_editor.unit, parse_period(MONTH)).short
    )


def test_the_workbench_shows_the_units_quota_progress(cast, client_as):
    QuotaRule.objects.all().delete()
    QuotaRule.objects.create(unit_class="二类", period_kind="month", minimum=4)
    sent_to_county(cast, "工作台任务信息")
    deliver("scoring")
    html = client_as("township_reporter").get("/").content.decode()
    assert "已报 1 条 / 任务 4 条" in html and "还差 3 条" in html
    assert "报送任务" in html


def test_a_missed_month_quota_with_a_penalty_costs_points_once(cast):
    import datetime as dt
    from decimal import Decimal

    import time_machine

    from baosong.scoring.models import LedgerEntry
    from baosong.scoring.tasks import quota_tick

    QuotaRule.objects.all().delete()
    QuotaRule.objects.create(unit_class="二类", period_kind="month", minimum=1, penalty=Decimal("2"))
    sent_to_county(cast, "本月唯一一条")
    deliver("scoring")
    next_month = (timezone.localdate().replace(day=1) + dt.timedelta(days=32)).replace(day=2)
    with time_machine.travel(dt.datetime.combine(next_month, dt.time(9), tzinfo=dt.UTC), tick=False):
        # Every 二类 unit of the province (24 townships) but the one that reported.
        assert quota_tick() == 23
        assert quota_tick() == 0
        deliver("scoring")
    penalties = LedgerEntry.objects.filter(code="penalty_quota")
    assert penalties.count() == 23 and {e.points for e in penalties} == {Decimal("-2")}
    assert not penalties.filter(unit=cast.township_reporter.unit).exists()
