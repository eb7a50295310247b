"""目标责任 and the yearly 评比 (appraisal) of a unit's subtree, read from the rollups.

Targets (``Target``) name a measure (items sent, adoptions, 期数), a period (week, month, year) and a
minimum, for each unit (of a class) or each 信息员 of the subtree. A month is missed when a week or month
target is not reached in it (a week target asks its minimum × the month's weeks that hold a working day,
as the 报送任务数 do); a year target is judged on the whole year. The shortfall is what the targets still
missed, summed over the year.

The rules of ``AppraisalPolicy`` accumulate over the year, as the seed offices write them («每年累计2个月
完不成…不参加…优秀档次评比…累计差10条的…不称职», «年终考评否决»): N months missed → 评优资格取消; a
shortfall of M items → 不称职; K 约稿 not answered by the deadline → the unit's year scored 0. A vetoed
unit or person is listed with the reason and never among the best.

Every figure comes from ``StatsMonthly`` (units' own rows), ``ReporterMonthly`` and ``AuthorYearly``:
a fixed number of queries whatever the number of units and people.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.utils import timezone

from baosong.orgs.models import Membership, Role, Unit
from baosong.scoring.models import (
    ADOPTION_FIELDS,
    AppraisalPolicy,
    AuthorYearly,
    QuotaRule,
    ReporterMonthly,
    StatsMonthly,
    Target,
)
from baosong.scoring.quotas import required
from baosong.scoring.selectors import Period

BEST = 10
INELIGIBLE, UNFIT, ZEROED = "ineligible", "unfit", "zeroed"
VETO_LABELS = {INELIGIBLE: "取消评优资格", UNFIT: "不称职", ZEROED: "年终考评否决"}


def targets_for(root: Unit) -> list[Target]:
    """The targets in force for ``root``'s subtree: those set on it or on a unit above it; for the same
    subject, class, measure and period the nearest unit's wins."""
    lineage = [*root.ancestor_ids(), root.pk]
    depth = {pk: i for i, pk in enumerate(lineage)}
    chosen: dict[tuple[str, str, str, str], Target] = {}
    for t in sorted(Target.objects.filter(unit_id__in=lineage), key=lambda t: depth[t.unit_id]):
        chosen[(t.subject, t.unit_class, t.measure, t.period_kind)] = t
    return sorted(chosen.values(), key=lambda t: (t.subject, t.measure, t.period_kind, t.unit_class))


def policy_for(root: Unit) -> AppraisalPolicy:
    """The 评比规则 of the nearest unit (``root`` or above) that set them, else the defaults (unsaved)."""
    lineage = [*root.ancestor_ids(), root.pk]
    found = {p.unit_id: p for p in AppraisalPolicy.objects.filter(unit_id__in=lineage)}
    for pk in reversed(lineage):
        if pk in found:
            return found[pk]
    return AppraisalPolicy(unit=root)


@dataclass
class Veto:
    kind: str
    reason: str

    @property
    def label(self) -> str:
        return VETO_LABELS[self.kind]


@dataclass
class Standing:
    """One unit's or one reporter's year."""

    key: str  # "u<unit>" or "p<user>-<unit>"
    name: str
    unit_id: int
    unit_name: str
    user_id: int | None
    submitted: int = 0
    adopted: int = 0
    issues: int = 0
    missed_solicitations: int = 0
    points: Decimal = Decimal(0)
    missed_months: list[int] = field(default_factory=list)
    shortfall: int = 0
    expected: int = 0
    vetoes: list[Veto] = field(default_factory=list)
    rank: int | None = None

    @property
    def eligible(self) -> bool:
        return not self.vetoes


@dataclass
class Appraisal:
    root: Unit
    year: int
    judged_months: list[int]
    year_over: bool
    policy: AppraisalPolicy
    targets: list[Target]
    units: list[Standing]
    people: list[Standing]

    @property
    def best_units(self) -> list[Standing]:
        return [s for s in self.units if s.rank is not None][:BEST]

    @property
    def best_people(self) -> list[Standing]:
        return [s for s in self.people if s.rank is not None][:BEST]

    @property
    def vetoes(self) -> list[tuple[Standing, Veto]]:
        return [(s, v) for s in [*self.units, *self.people] for v in s.vetoes]


def _month_needs(targets: list[Target], year: int) -> dict[tuple[str, int], int]:
    """What one unit of a week or month target asks in each month: (period kind, month) → multiplier."""
    out = {}
    for kind in {t.period_kind for t in targets} - {QuotaRule.PeriodKind.YEAR}:
        for m in range(1, 13):
            period = Period(f"{year}-{m:02d}", year, (m,))
            out[(kind, m)] = required(QuotaRule(period_kind=kind, minimum=1), period) or 0
    return out


def _judge(
    s: Standing,
    monthly: dict[int, dict[str, int]],
    targets: list[Target],
    needs: dict[tuple[str, int], int],
    judged: list[int],
    year_over: bool,
    policy: AppraisalPolicy,
) -> None:
    """Missed months and shortfall of one standing against its targets, then the vetoes they earn."""
    missed: dict[int, list[str]] = defaultdict(list)
    for t in targets:
        if t.period_kind == QuotaRule.PeriodKind.YEAR:
            if year_over:
                done = sum(monthly.get(m, {}).get(t.measure, 0) for m in range(1, 13))
                s.expected += t.minimum
                s.shortfall += max(0, t.minimum - done)
            continue
        for m in judged:
            need = t.minimum * needs.get((t.period_kind, m), 0)
            if not need:
                continue
            done = monthly.get(m, {}).get(t.measure, 0)
            s.expected += need
            if done < need:
                missed[m].append(t.label)
                s.shortfall += need - done
    s.missed_months = sorted(missed)
    if policy.missed_months and len(s.missed_months) >= policy.missed_months:
        labels = sorted({label for m in s.missed_months for label in missed[m]})
        months = "、".join(f"{m}月" for m in s.missed_months)
        s.vetoes.append(
            Veto(
                INELIGIBLE,
                f"{months}未完成“{'”“'.join(labels)}”目标，累计{len(s.missed_months)}个月"
                f"（规则：累计{policy.missed_months}个月完不成不参加优秀档次评比）",
            )
        )
    if policy.shortfall and s.shortfall >= policy.shortfall:
        s.vetoes.append(
            Veto(
                UNFIT,
                f"全年累计差{s.shortfall}条（应完成{s.expected}条）"
                f"（规则：累计差{policy.shortfall}条的作不称职处理）",
            )
        )


def _judged_months(year: int) -> tuple[list[int], bool]:
    """The months of ``year`` already over (a month is judged once it has ended), and whether the year is."""
    today = timezone.localdate()
    if year < today.year:
        return list(range(1, 13)), True
    if year > today.year:
        return [], False
    return list(range(1, today.month)), False


def appraisal(root: Unit, year: int) -> Appraisal:
    """The 评比 of ``root``'s subtree (the units below it and their 信息员) for ``year``."""
    targets = targets_for(root)
    policy = policy_for(root)
    judged, year_over = _judged_months(year)
    needs = _month_needs(targets, year)
    start, end = dt.date(year, 1, 1), dt.date(year + 1, 1, 1)
    end_at = dt.datetime.combine(end, dt.time.min, tzinfo=timezone.get_current_timezone())
    units = list(
        Unit.objects.filter(
            path__startswith=root.path, is_active=True, created_at__lt=end_at, depth__gt=root.depth
        )
        .order_by("path")
        .values_list("pk", "name", "unit_class")
    )
    classes = {pk: cls for pk, _, cls in units}
    names = {pk: name for pk, name, _ in units}

    unit_months: dict[int, dict[int, dict[str, int]]] = defaultdict(dict)
    points: dict[int, int] = defaultdict(int)
    adoption = list(ADOPTION_FIELDS.values())
    for row in StatsMonthly.objects.filter(
        scope=StatsMonthly.Scope.OWN,
        month__gte=start,
        month__lt=end,
        unit__path__startswith=root.path,
    ).values("unit_id", "month", "submitted", "issues", "solicitation_missed", "points_x100", *adoption):
        unit_months[row["unit_id"]][row["month"].month] = {
            "submitted": row["submitted"],
            "adopted": sum(row[f] for f in adoption),
            "issues": row["issues"],
            "missed": row["solicitation_missed"],
        }
        points[row["unit_id"]] += row["points_x100"]

    unit_targets = [t for t in targets if t.subject == Target.Subject.UNIT]
    person_targets = [t for t in targets if t.subject == Target.Subject.PERSON]
    standings = []
    for pk, name, cls in units:
        months = unit_months.get(pk, {})
        s = Standing(
            key=f"u{pk}",
            name=name,
            unit_id=pk,
            unit_name=name,
            user_id=None,
            submitted=sum(c["submitted"] for c in months.values()),
            adopted=sum(c["adopted"] for c in months.values()),
            issues=sum(c["issues"] for c in months.values()),
            missed_solicitations=sum(c["missed"] for c in months.values()),
            points=Decimal(points.get(pk, 0)) / 100,
        )
        mine = [t for t in unit_targets if not t.unit_class or t.unit_class == cls]
        _judge(s, months, mine, needs, judged, year_over, policy)
        if policy.missed_solicitations and s.missed_solicitations >= policy.missed_solicitations:
            s.vetoes.append(
                Veto(
                    ZEROED,
                    f"全年约稿未按时报送{s.missed_solicitations}次，年终考评否决，全年积分计0分"
                    f"（原为{s.points.normalize():f}分；规则：约稿未报{policy.missed_solicitations}次）",
                )
            )
            s.points = Decimal(0)
        standings.append(s)

    # The reporters: every 信息员 of a unit of the subtree (a person in two units is two standings).
    members = list(
        Membership.objects.filter(
            role=Role.REPORTER, unit_id__in=names.keys(), user__is_active=True
        ).values_list("user_id", "unit_id", "user__full_name")
    )
    person_months: dict[tuple[int, int], dict[int, dict[str, int]]] = defaultdict(dict)
    for a, u, m, sub, ad in ReporterMonthly.objects.filter(
        month__gte=start, month__lt=end, unit__path__startswith=root.path
    ).values_list("author_id", "unit_id", "month", "submitted", "adopted"):
        person_months[(a, u)][m.month] = {"submitted": sub, "adopted": ad}
    person_points = {
        (a, u): p
        for a, u, p in AuthorYearly.objects.filter(year=year, unit__path__startswith=root.path).values_list(
            "author_id", "unit_id", "points"
        )
    }
    people = []
    for user_id, unit_id, full_name in sorted(members, key=lambda m: (names[m[1]], m[2], m[0])):
        months = person_months.get((user_id, unit_id), {})
        s = Standing(
            key=f"p{user_id}-{unit_id}",
            name=full_name,
            unit_id=unit_id,
            unit_name=names[unit_id],
            user_id=user_id,
            submitted=sum(c["submitted"] for c in months.values()),
            adopted=sum(c["adopted"] for c in months.values()),
            points=person_points.get((user_id, unit_id)) or Decimal(0),
        )
        mine = [t for t in person_targets if not t.unit_class or t.unit_class == classes.get(unit_id)]
        _judge(s, months, mine, needs, judged, year_over, policy)
        people.append(s)
    _rank(standings)
    _rank(people)
    return Appraisal(root, year, judged, year_over, policy, targets, standings, people)


def _rank(rows: list[Standing]) -> None:
    """Sort by points (then adoptions, items sent, the tree's order); rank the eligible ones only, ties
    sharing a rank."""
    order = {id(s): i for i, s in enumerate(rows)}
    rows.sort(key=lambda s: (not s.eligible, -s.points, -s.adopted, -s.submitted, order[id(s)]))
    last: tuple[Decimal, int] | None = None
    rank = 0
    for i, s in enumerate((s for s in rows if s.eligible), start=1):
        if (s.points, s.adopted) != last:
            rank, last = i, (s.points, s.adopted)
        s.rank = rank


def as_data(a: Appraisal) -> dict[str, Any]:
    """The appraisal as plain data (the API and the export)."""

    def row(s: Standing) -> dict[str, Any]:
        return {
            "name": s.name,
            "unit_id": s.unit_id,
            "unit_name": s.unit_name,
            "user_id": s.user_id,
            "rank": s.rank,
            "points": float(s.points),
            "submitted": s.submitted,
            "adopted": s.adopted,
            "issues": s.issues,
            "missed_months": s.missed_months,
            "shortfall": s.shortfall,
            "missed_solicitations": s.missed_solicitations,
            "eligible": s.eligible,
            "vetoes": [{"kind": v.kind, "label": v.label, "reason": v.reason} for v in s.vetoes],
        }

    return {
        "year": a.year,
        "unit_id": a.root.pk,
        "unit_name": a.root.name,
        "judged_months": a.judged_months,
        "year_over": a.year_over,
        "units": [row(s) for s in a.units],
        "people": [row(s) for s in a.people],
    }
