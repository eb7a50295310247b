"""Reads of points, scoped to the subtrees of the units where the user edits, signs or leads."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max, QuerySet, Sum, Value
from django.db.models.functions import StrIndex, Substr
from django.db.models.lookups import Exact
from django.utils import timezone

from baosong.core.errors import NotFound, ServiceError
from baosong.core.models import EventDelivery
from baosong.orgs.models import BUSINESS_ROLES, Role, Unit, User
from baosong.orgs.selectors import admin_scope_units, units_acting_for
from baosong.reports.selectors import category_labels, item_categories
from baosong.scoring.models import (
    CATEGORY_FIELDS,
    AuthorMonthly,
    AuthorYearly,
    Bulletin,
    LedgerEntry,
    StatsDaily,
    StatsMonthly,
)

PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})|-Q([1-4]))?$")
# Years a period may name: the calendar arithmetic of a period (its first day, the day after its last) must
# stay within the years a date can hold.
MIN_YEAR, MAX_YEAR = 1900, 2999


@dataclass(frozen=True)
class Period:
    text: str
    year: int
    months: tuple[int, ...]

    @property
    def kind(self) -> str:
        return "year" if len(self.months) == 12 else "quarter" if len(self.months) == 3 else "month"

    @property
    def quarter(self) -> int:
        return (self.months[0] - 1) // 3 + 1

    @property
    def label(self) -> str:
        if self.kind == "year":
            return f"{self.year}年"
        if self.kind == "quarter":
            return f"{self.year}年第{self.quarter}季度"
        return f"{self.year}年{self.months[0]}月"


def parse_period(text: str) -> Period:
    """YYYY-MM, YYYY-Qn or YYYY."""
    found = PERIOD.match((text or "").strip())
    if not found:
        raise ServiceError(
            "期间格式应为 YYYY-MM、YYYY-Qn 或 YYYY，如 2026-05、2026-Q2、2026。", "invalid_period"
        )
    year, month, quarter = int(found[1]), found[2], found[3]
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ServiceError(f"年份应在 {MIN_YEAR} 至 {MAX_YEAR} 之间。", "invalid_period")
    if month:
        if not 1 <= int(month) <= 12:
            raise ServiceError("月份应在 01 至 12 之间。", "invalid_period")
        return Period(text, year, (int(month),))
    if quarter:
        q = int(quarter)
        return Period(text, year, (3 * q - 2, 3 * q - 1, 3 * q))
    return Period(text, year, tuple(range(1, 13)))


def scoring_root(user: User, unit_id: int | None) -> Unit:
    """The unit whose subtree the user may rank: one where they edit, sign or lead, or a unit below it."""
    desks = list(units_acting_for(user, Role.EDITOR, Role.CHIEF, Role.LEADER).order_by("depth"))
    if not desks:
        raise NotFound("您没有查看积分的权限。")
    return _desk_or_below(desks, unit_id)


def _desk_or_below(desks: list[Unit], unit_id: int | None) -> Unit:
    """The first desk unit, or ``unit_id`` if it is one of them or below one; NotFound otherwise."""
    if unit_id is None:
        return desks[0]
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not any(unit.path.startswith(d.path) for d in desks):
        raise NotFound()
    return unit


def may_read_bulletin(user: User, unit: Unit, *, released: bool) -> bool:
    """通报 of ``unit``: its desk and the desks above it read it at any stage (a draft, or the figures of a
    period not compiled yet); people of the units it covers (any business role in its subtree) read it
    once released."""
    desks = units_acting_for(user, Role.EDITOR, Role.CHIEF, Role.LEADER)
    if any(unit.path.startswith(d.path) for d in desks):
        return True
    return released and any(m.path.startswith(unit.path) for m in units_acting_for(user, *BUSINESS_ROLES))


def bulletin_for(user: User, pk: int) -> Bulletin:
    """One bulletin by its id, if the user may read it (:func:`may_read_bulletin`), else NotFound."""
    found = Bulletin.objects.select_related("unit", "released_by").filter(pk=pk).first()
    if found is None or not may_read_bulletin(
        user, found.unit, released=found.status == Bulletin.Status.RELEASED
    ):
        raise NotFound()
    return found


def bulletin_of_period(user: User, unit_id: int | None, period: Period) -> tuple[Unit, Bulletin | None]:
    """A unit's 通报 for a period, by the rule of :func:`may_read_bulletin`: the unit (by default the user's
    top desk unit) and its released bulletin — None when not released yet, which only the desk may read
    (as figures computed now). NotFound otherwise."""
    if unit_id is None:
        unit = scoring_root(user, None)
    else:
        found = Unit.objects.filter(pk=unit_id).first()
        if found is None:
            raise NotFound()
        unit = found
    released = (
        Bulletin.objects.select_related("unit", "released_by")
        .filter(unit=unit, period=period.text, status=Bulletin.Status.RELEASED)
        .first()
    )
    if not may_read_bulletin(user, unit, released=released is not None):
        raise NotFound()
    return unit, released


def may_adjust_scores(user: User, unit: Unit) -> bool:
    """人工调整 is for an editor of the unit or of a unit above it."""
    return any(unit.path.startswith(d.path) for d in units_acting_for(user, Role.EDITOR))


def _in_subtree(qs: QuerySet[LedgerEntry], root: Unit) -> QuerySet[LedgerEntry]:
    """Ledger rows of ``root``'s subtree. The only top-level unit's subtree is every row: no unit test at
    all, so both databases read the period (or walk the time index) and PostgreSQL estimates the rows
    right (a ``substr(path)`` test made it guess 0.5% and sort a month's rows: 22 ms against 1 ms). Another
    top-level unit reads the period's rows and checks each one's unit: with an indexable LIKE on the path
    SQLite walks every unit of the tree and probes the ledger once per unit (59 ms for a year's count)."""
    if root.parent_id is not None:
        return qs.filter(unit__path__startswith=root.path)
    if not Unit.objects.filter(parent__isnull=True, external=False).exclude(pk=root.pk).exists():
        return qs
    return qs.filter(Exact(Substr("unit__path", 1, len(root.path)), root.path))


def ledger_in(root: Unit, period: Period) -> QuerySet[LedgerEntry]:
    return _in_subtree(LedgerEntry.objects.filter(year=period.year, month__in=period.months), root)


LEDGER_COLUMNS = [
    *("occurred_at", "code", "level", "points", "reason", "report_id", "manual"),
    *("unit__name", "unit__short_name", "author__full_name", "created_by__full_name"),
]


def ledger_entries(root: Unit, period: Period, *, code: str = "") -> QuerySet[LedgerEntry]:
    """积分明细: every ledger row of the subtree in the period, newest first (one query per page).

    The period is given as its time range, not as (year, month): a row's year and month are its local
    occurred_at's, so the two select the same rows, but the range lets the database walk the time index
    newest first and stop after a page instead of sorting the whole period (a province's year is a
    million rows at 500,000 items)."""
    start, end = period_days(period)
    tz = timezone.get_current_timezone()
    qs = LedgerEntry.objects.filter(
        occurred_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        occurred_at__lt=dt.datetime.combine(end, dt.time.min, tzinfo=tz),
    )
    qs = _in_subtree(qs, root)
    if code:
        qs = qs.filter(code=code)
    return (
        qs.select_related("unit", "author", "created_by")
        .only(*LEDGER_COLUMNS)
        .order_by("-occurred_at", "-pk")
    )


def ledger_totals(root: Unit, period: Period, *, code: str = "") -> tuple[int, Decimal]:
    """How many ledger rows the subtree has in the period, and their points: from the subtree's month
    rollups (at most twelve rows) unless one rule code is asked for, which the rollups do not split."""
    if code:
        found = ledger_in(root, period).filter(code=code).aggregate(n=Count("pk"), s=Sum("points"))
        return found["n"] or 0, found["s"] or Decimal(0)
    tree = period_rows(period).filter(unit=root, scope=StatsMonthly.Scope.TREE)
    sums = tree.aggregate(n=Sum("ledger_rows"), s=Sum("points_x100"))
    return int(sums["n"] or 0), _points(sums["s"])


@dataclass(frozen=True)
class ScoreRow:
    unit_id: int
    unit_name: str
    points: Decimal
    rank: int


def scores(root: Unit, period: Period) -> list[ScoreRow]:
    """Units of the subtree with points in the period, ranked by points; ties share a rank and are listed
    in the unit tree's order (the 单位管理 sort order), so the list never changes between two reads."""
    totals = (
        ledger_in(root, period)
        .values("unit_id", "unit__name", "unit__path")
        .annotate(points=Sum("points"))
        .order_by("-points", "unit__path")
    )
    rows: list[ScoreRow] = []
    for i, t in enumerate(totals, start=1):
        rank = rows[-1].rank if rows and rows[-1].points == t["points"] else i
        rows.append(ScoreRow(t["unit_id"], t["unit__name"], t["points"], rank))
    return rows


# ---- statistics (dashboards) ---------------------------------------------------------------------------

ADOPTION_LEVELS = [
    ("adopted_national", "国家"),
    ("adopted_province", "省"),
    ("adopted_city", "市"),
    ("adopted_county", "县"),
    ("adopted_township", "乡镇"),
]
SUM_FIELDS = [
    "submitted",
    "on_time",
    *CATEGORY_FIELDS.values(),
    *[f for f, _ in ADOPTION_LEVELS],
    "instructions",
    "solicitation_answered",
    "solicitation_missed",
    "received",
    "receive_seconds",
    "points_x100",
]


def period_days(period: Period) -> tuple[dt.date, dt.date]:
    start = dt.date(period.year, period.months[0], 1)
    last = period.months[-1]
    end = dt.date(period.year + 1, 1, 1) if last == 12 else dt.date(period.year, last + 1, 1)
    return start, end


def period_rows(period: Period) -> QuerySet[StatsMonthly]:
    """The month rollups of a period (a period is whole months): at most twelve rows per unit and scope."""
    start, end = period_days(period)
    return StatsMonthly.objects.filter(month__gte=start, month__lt=end)


@dataclass
class StatsRow:
    unit_id: int
    unit_name: str
    has_children: bool
    counters: dict[str, int]
    expected: int = 0
    reporting: int = 0
    points: Decimal = Decimal(0)
    quota_expected: int = 0
    quota_met: int = 0

    @property
    def quota_rate(self) -> float | None:
        return round(100 * self.quota_met / self.quota_expected, 1) if self.quota_expected else None

    @property
    def adopted(self) -> int:
        return sum(self.counters.get(f, 0) for f, _ in ADOPTION_LEVELS)

    @property
    def adoption_rate(self) -> float | None:
        submitted = self.counters.get("submitted", 0)
        return round(100 * self.adopted / submitted, 1) if submitted else None

    @property
    def on_time_rate(self) -> float | None:
        submitted = self.counters.get("submitted", 0)
        return round(100 * self.counters.get("on_time", 0) / submitted, 1) if submitted else None

    @property
    def receive_hours(self) -> float | None:
        """Average time an item waited at the unit before an editor took it up (接收时效)."""
        received = self.counters.get("received", 0)
        return round(self.counters.get("receive_seconds", 0) / received / 3600, 1) if received else None

    @property
    def reporting_rate(self) -> float | None:
        return round(100 * self.reporting / self.expected, 1) if self.expected else None


def _points(x100: int | None) -> Decimal:
    return Decimal(x100 or 0) / 100


def _sums(qs: QuerySet[StatsMonthly]) -> dict[str, int]:
    found = qs.aggregate(**{f: Sum(f) for f in SUM_FIELDS})
    return {f: int(found[f] or 0) for f in SUM_FIELDS}


def _per_child(qs: QuerySet[Any], path_field: str, root: Unit, aggregate: Any) -> dict[str, Any]:
    """``aggregate`` per child subtree of ``root`` (keys: the child's path), plus "own" (the root's own
    rows) and "root" (everything)."""
    cut = len(root.path)
    child_path = Substr(path_field, 1, cut + StrIndex(Substr(path_field, cut + 1), Value("/")))
    out: dict[str, Any] = {"root": None, "own": None}
    total = None
    for row in qs.annotate(child=child_path).values("child").annotate(v=aggregate).order_by():
        key = "own" if row["child"] == root.path else row["child"]
        out[key] = row["v"]
        if row["v"] is not None:
            total = row["v"] if total is None else total + row["v"]
    out["root"] = total
    return out


def stats_version() -> int:
    """Changes whenever the scoring consumer applies a new event to the rollups: the newest event it has
    taken (one index probe on core_delivery_once)."""
    found = EventDelivery.objects.filter(consumer="scoring").aggregate(v=Max("event_id"))["v"]
    return int(found or 0)


def dashboard(root: Unit, period: Period, *, fresh: bool = False) -> dict[str, Any]:
    """``dashboard_uncached`` shared by everyone who opens the same unit and period: it depends on neither
    the person nor the request, only on the rollups (keyed by ``stats_version``, so an adoption shows at
    once) and on the unit tree and rules (held at most ``STATS_CACHE_SECONDS``). ``fresh``: read now (a
    通报 being released)."""
    seconds = int(settings.STATS_CACHE_SECONDS)
    if fresh or seconds <= 0:
        return dashboard_uncached(root, period, fresh=fresh)
    key = f"stats:dashboard:{root.pk}:{root.path}:{period.text}:{stats_version()}"
    data = cache.get(key)
    if data is None:
        data = dashboard_uncached(root, period)
        cache.set(key, data, seconds)
    # What is built from these numbers alone (the page's rendered tables) may be kept under the same key.
    return {**data, "cache_key": key}


def expected_units(root: Unit, end_at: dt.datetime, *, fresh: bool = False) -> dict[str, Any]:
    """How many active units, created before ``end_at``, are under each child of ``root`` (``_per_child``
    keys). A scan of the subtree's units (30,000 for a province) that no event changes: shared for
    ``STATS_CACHE_SECONDS`` whatever the rollups do."""

    def count() -> dict[str, Any]:
        live = Unit.objects.filter(path__startswith=root.path, is_active=True, created_at__lt=end_at)
        return _per_child(live.values("path"), "path", root, Count("pk"))

    seconds = int(settings.STATS_CACHE_SECONDS)
    if fresh or seconds <= 0:
        return count()
    key = f"stats:expected:{root.pk}:{root.path}:{end_at.isoformat()}"
    found = cache.get(key)
    if found is None:
        found = count()
        cache.set(key, found, seconds)
    return dict(found)


def dashboard_uncached(root: Unit, period: Period, *, fresh: bool = False) -> dict[str, Any]:
    """The numbers of a subtree for a period, read from the rollups: totals, one row per child unit (the
    drill-down), the root's own row, trend, category mix and top authors. A fixed number of queries
    whatever the number of items."""
    start, end = period_days(period)
    end_at = dt.datetime.combine(end, dt.time.min, tzinfo=timezone.get_current_timezone())
    months = period_rows(period)
    children = list(Unit.objects.filter(parent=root).order_by("sort_order", "name"))
    has_children = set(
        Unit.objects.filter(parent__in=children).values_list("parent_id", flat=True).distinct()
    )
    per_child = {
        r["unit_id"]: r
        for r in months.filter(scope=StatsDaily.Scope.TREE, unit__in=children)
        .values("unit_id")
        .annotate(**{f: Sum(f) for f in SUM_FIELDS})
    }
    keys = {c.path: f"u{c.pk}" for c in children}
    reported = months.filter(scope=StatsDaily.Scope.OWN, submitted__gt=0, unit__path__startswith=root.path)
    # One GROUP BY on "which child's subtree is this unit in" (cut from the path) per figure, rather than
    # one filtered aggregate per child.
    expected = expected_units(root, end_at, fresh=fresh)
    reporting = _per_child(reported.values("unit__path"), "unit__path", root, Count("unit", distinct=True))
    expected, reporting = ({keys.get(k, k): v for k, v in d.items()} for d in (expected, reporting))
    from baosong.scoring.quotas import quota_result

    quotas = quota_result(root, period)
    rows = []
    for c in children:
        found = per_child.get(c.pk, {})
        rows.append(
            StatsRow(
                unit_id=c.pk,
                unit_name=c.name,
                has_children=c.pk in has_children,
                counters={f: int(found.get(f) or 0) for f in SUM_FIELDS},
                expected=expected.get(f"u{c.pk}") or 0,
                reporting=reporting.get(f"u{c.pk}") or 0,
                points=_points(found.get("points_x100")),
                quota_expected=quotas.counts_under(c.path)[0],
                quota_met=quotas.counts_under(c.path)[1],
            )
        )
    own_sums = _sums(months.filter(scope=StatsDaily.Scope.OWN, unit=root))
    total_sums = _sums(months.filter(scope=StatsDaily.Scope.TREE, unit=root))
    own = StatsRow(
        unit_id=root.pk,
        unit_name=f"{root.name}（本级）",
        has_children=False,
        counters=own_sums,
        expected=expected.get("own") or 0,
        reporting=reporting.get("own") or 0,
        points=_points(own_sums["points_x100"]),
        quota_expected=int(root.pk in quotas.expected),
        quota_met=int(root.pk in quotas.expected and root.pk not in quotas.short),
    )
    total = StatsRow(
        unit_id=root.pk,
        unit_name=root.name,
        has_children=bool(children),
        counters=total_sums,
        expected=expected.get("root") or 0,
        reporting=reporting.get("root") or 0,
        points=_points(total_sums["points_x100"]),
        quota_expected=quotas.counts_under(root.path)[0],
        quota_met=quotas.counts_under(root.path)[1],
    )
    # The trend of a month by day, of a quarter or a year by month.
    by_month = len(period.months) > 1
    trend_rows: QuerySet[Any] = (
        months.annotate(bucket=F("month"))
        if by_month
        else StatsDaily.objects.filter(day__gte=start, day__lt=end).annotate(bucket=F("day"))
    )
    trend = [
        {
            "label": f"{t['bucket']:%Y-%m}" if by_month else f"{t['bucket']:%m-%d}",
            "submitted": t["s"],
            "adopted": t["a"],
        }
        for t in trend_rows.filter(scope=StatsDaily.Scope.TREE, unit=root)
        .values("bucket")
        .annotate(
            s=Sum("submitted"), a=Sum(sum((F(f) for f, _ in ADOPTION_LEVELS[1:]), F(ADOPTION_LEVELS[0][0])))
        )
        .order_by("bucket")
    ]
    return {
        "root": root,
        "period": period,
        "start": start,
        "end": end,
        "rows": rows,
        "own": own,
        "total": total,
        "trend": trend,
        "authors": top_authors(root, period),
        "categories": category_mix(total.counters),
        "levels": [(label, total.counters[f]) for f, label in ADOPTION_LEVELS],
    }


def category_mix(counters: dict[str, int]) -> list[tuple[str, int]]:
    """(name, items sent) per category in the office's order. The built-in categories have a counter of
    their own; the items of those added later are the rest of ``submitted``, shown as 其他类别."""
    mix = [
        (c.label, counters[CATEGORY_FIELDS[c.code]]) for c in item_categories() if c.code in CATEGORY_FIELDS
    ]
    rest = counters["submitted"] - sum(n for _, n in mix)
    return [*mix, ("其他类别", rest)] if rest > 0 else mix


def quota_categories() -> list[tuple[str, str]]:
    """(code, name) of the categories a quota may count: those with a rollup counter (the built-in ones)."""
    return [(c.code, c.label) for c in item_categories() if c.code in CATEGORY_FIELDS]


def top_authors(root: Unit, period: Period, n: int = 10) -> list[dict[str, Any]]:
    """The reporters with the most points in the subtree, from the year rows for a whole year and the
    month rows otherwise; summed by ids only (grouping by names through joins cost three times as much),
    names for the top ``n``."""
    rows: QuerySet[Any] = (
        AuthorYearly.objects.filter(year=period.year)
        if len(period.months) == 12
        else AuthorMonthly.objects.filter(year=period.year, month__in=period.months)
    )
    top = list(
        rows.filter(unit__path__startswith=root.path)
        .values("author_id", "unit_id")
        .annotate(points=Sum("points"))
        .order_by("-points", "author_id", "unit_id")[:n]
    )
    names = dict(User.objects.filter(pk__in={t["author_id"] for t in top}).values_list("pk", "full_name"))
    units = dict(Unit.objects.filter(pk__in={t["unit_id"] for t in top}).values_list("pk", "name"))
    return [
        {**t, "author__full_name": names.get(t["author_id"], ""), "unit__name": units.get(t["unit_id"], "")}
        for t in top
    ]


@dataclass(frozen=True)
class UnitSummary:
    unit: Unit
    submitted: int
    adopted: int
    points: Decimal
    quotas: list[tuple[str, int, int, int]]  # (rule label, done, required, still missing)


def unit_month_summary(units: list[Unit], period: Period) -> list[UnitSummary]:
    """Each unit's own figures for the period and its progress on each quota rule that applies to it."""
    from baosong.scoring.models import QuotaRule
    from baosong.scoring.quotas import required

    ids = [u.pk for u in units]
    own = {
        r["unit_id"]: r
        for r in period_rows(period)
        .filter(unit_id__in=ids, scope=StatsDaily.Scope.OWN)
        .values("unit_id")
        .annotate(**{f: Sum(f) for f in SUM_FIELDS})
    }
    points = dict(
        LedgerEntry.objects.filter(unit_id__in=ids, year=period.year, month__in=period.months)
        .values("unit_id")
        .annotate(s=Sum("points"))
        .values_list("unit_id", "s")
    )
    rules = list(QuotaRule.objects.all())
    labels = category_labels()
    out = []
    for unit in units:
        counters = own.get(unit.pk, {})
        quotas = []
        for rule in rules:
            need = required(rule, period)
            if need is None or (rule.unit_class and rule.unit_class != unit.unit_class):
                continue
            field = CATEGORY_FIELDS.get(rule.category, "submitted")
            label = f"{rule.get_period_kind_display()}{labels.get(rule.category, '')}信息"
            done = int(counters.get(field) or 0)
            quotas.append((label, done, need, max(0, need - done)))
        out.append(
            UnitSummary(
                unit=unit,
                submitted=int(counters.get("submitted") or 0),
                adopted=sum(int(counters.get(f) or 0) for f, _ in ADOPTION_LEVELS),
                points=points.get(unit.pk) or Decimal(0),
                quotas=quotas,
            )
        )
    return out


def target_root(user: User, unit_id: int | None) -> Unit:
    """The unit whose 目标责任 the user sets: one where they edit, or a unit below it; any unit of a system
    administrator's scope (by default its top one). NotFound otherwise."""
    if user.memberships.filter(role=Role.SYSADMIN).exists():
        # Within the administrator's own scope (a county's administrator: that county's subtree).
        scope = admin_scope_units(user)
        found = (
            scope.filter(pk=unit_id).first()
            if unit_id is not None
            else scope.order_by("depth", "sort_order", "pk").first()
        )
        if found is None:
            raise NotFound()
        return found
    desks = list(units_acting_for(user, Role.EDITOR).order_by("depth"))
    if not desks:
        raise NotFound("您没有设定目标责任的权限。")
    return _desk_or_below(desks, unit_id)
