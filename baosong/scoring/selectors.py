"""Reads of points, scoped to the subtrees of the units where the user edits, signs or leads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet, Sum

from baosong.core.errors import NotFound, ServiceError
from baosong.orgs.models import Role, Unit, User
from baosong.orgs.selectors import units_acting_for
from baosong.scoring.models import LedgerEntry

PERIOD = re.compile(r"^(\d{4})(?:-(\d{2})|-Q([1-4]))?$")


@dataclass(frozen=True)
class Period:
    text: str
    year: int
    months: tuple[int, ...]

    @property
    def label(self) -> str:
        if len(self.months) == 12:
            return f"{self.year}年"
        if len(self.months) == 3:
            return f"{self.year}年第{(self.months[0] - 1) // 3 + 1}季度"
        return f"{self.year}年{self.months[0]}月"


def parse_period(text: str) -> Period:
    """YYYY-MM, YYYY-Qn or YYYY."""
    found = PERIOD.match((text or "").strip())
    if not found:
        raise ServiceError(
            "期间格式应为 YYYY-MM、YYYY-Qn 或 YYYY，如 2026-05、2026-Q2、2026。", "invalid_period"
        )
    year, month, quarter = int(found[1]), found[2], found[3]
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
    if unit_id is None:
        return desks[0]
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or not any(unit.path.startswith(d.path) for d in desks):
        raise NotFound()
    return unit


def ledger_in(root: Unit, period: Period) -> QuerySet[LedgerEntry]:
    return LedgerEntry.objects.filter(
        Q(unit__path__startswith=root.path), year=period.year, month__in=period.months
    )


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
