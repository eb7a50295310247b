"""Quota completion (任务完成情况) for a period, read from the rollups.

A rule applies to a period as: month rules × the months in it, week rules × its weeks (started weeks,
rounded up) that hold a working day — the 春节 week, all holiday, expects nothing — and year rules only to a
whole year. Expected units are the active units of the rule's class
that existed before the period ended (DHIS2: a closed unit is not expected; one opened during the period
is). A unit completes its quota when it meets every rule that applies to it.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from django.db.models import Q, Sum
from django.utils import timezone

from baosong.orgs.models import Unit
from baosong.scoring.models import CATEGORY_FIELDS, QuotaRule, StatsDaily
from baosong.scoring.selectors import Period, period_days, period_rows
from baosong.workdays.calendar import calendar_for


def required(rule: QuotaRule, period: Period) -> int | None:
    start, end = period_days(period)
    if rule.period_kind == QuotaRule.PeriodKind.MONTH:
        return rule.minimum * len(period.months)
    if rule.period_kind == QuotaRule.PeriodKind.WEEK:
        cal = calendar_for(None, start=start, end=end)
        weeks = math.ceil((end - start).days / 7)
        working = sum(
            1
            for w in range(weeks)
            if any(
                cal.is_workday(day) for i in range(7) if (day := start + dt.timedelta(days=7 * w + i)) < end
            )
        )
        return rule.minimum * working
    return rule.minimum if len(period.months) == 12 else None


@dataclass
class QuotaResult:
    expected: set[int]  # units with at least one applicable rule
    short: set[int]  # of those, units that missed at least one
    paths: dict[int, str]

    def counts_under(self, path: str) -> tuple[int, int]:
        """(units expected, units complete) in the subtree at ``path``."""
        expected = [u for u in self.expected if self.paths[u].startswith(path)]
        return len(expected), sum(1 for u in expected if u not in self.short)


def quota_result_for_rule(root: Unit, period: Period, rule: QuotaRule) -> set[int]:
    """The units of the subtree that missed this one rule in the period."""
    need = required(rule, period)
    if not need:
        return set()
    _, end = period_days(period)
    end_at = dt.datetime.combine(end, dt.time.min, tzinfo=timezone.get_current_timezone())
    scope = Unit.objects.filter(path__startswith=root.path, is_active=True, created_at__lt=end_at)
    if rule.unit_class:
        scope = scope.filter(unit_class=rule.unit_class)
    field = CATEGORY_FIELDS.get(rule.category, "submitted")
    met = (
        period_rows(period)
        .filter(scope=StatsDaily.Scope.OWN, unit__in=scope)
        .values("unit_id")
        .annotate(n=Sum(field))
        .filter(n__gte=need)
        .values_list("unit_id", flat=True)
    )
    return set(scope.values_list("pk", flat=True)) - set(met)


def quota_result(root: Unit, period: Period) -> QuotaResult:
    _, end = period_days(period)
    end_at = dt.datetime.combine(end, dt.time.min, tzinfo=timezone.get_current_timezone())
    rules = [(r, required(r, period)) for r in QuotaRule.objects.all()]
    rules = [(r, n) for r, n in rules if n]
    if not rules:
        return QuotaResult(set(), set(), {})
    live = Unit.objects.filter(path__startswith=root.path, is_active=True, created_at__lt=end_at)
    classes = {r.unit_class for r, _ in rules}
    units = live if "" in classes else live.filter(unit_class__in=classes)
    paths: dict[int, str] = {}
    unit_class: dict[int, str] = {}
    for pk, path, cls in units.values_list("pk", "path", "unit_class"):
        paths[pk], unit_class[pk] = path, cls
    expected, short = set(), set()
    for rule, need in rules:
        scope = {u for u, cls in unit_class.items() if not rule.unit_class or cls == rule.unit_class}
        if not scope:
            continue
        field = CATEGORY_FIELDS.get(rule.category, "submitted")
        met = set(
            period_rows(period)
            .filter(Q(unit__path__startswith=root.path), scope=StatsDaily.Scope.OWN)
            .values("unit_id")
            .annotate(n=Sum(field))
            .filter(n__gte=need)
            .values_list("unit_id", flat=True)
        )
        expected |= scope
        short |= scope - met
    return QuotaResult(expected, short, paths)
