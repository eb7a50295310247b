"""/scores — ledger totals for a unit's subtree and a period."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Field, Query, Router, Schema, Status

from baosong.api.pagination import PageQuery, paginate
from baosong.api.schemas import ErrorOut, Id
from baosong.core.errors import NotFound, ServiceError
from baosong.orgs.models import User
from baosong.scoring import bulletins, selectors, services
from baosong.scoring.models import LedgerEntry, RuleCode

router = Router(tags=["积分统计"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


class ScoreQuery(Schema):
    period: str = Field(..., description="YYYY-MM、YYYY-Qn 或 YYYY")
    unit: Id | None = Field(None, description="默认为本人任采编人员、主编或领导的单位")


class ScoreItem(Schema):
    unit_id: int
    unit_name: str
    points: float
    rank: int


class ScoresOut(Schema):
    period: str
    period_label: str
    unit_id: int
    unit_name: str
    items: list[ScoreItem]
    count: int


@router.get("/scores", response={200: ScoresOut, 400: ErrorOut, 404: ErrorOut})
def scores(request: HttpRequest, q: Query[ScoreQuery]) -> ScoresOut:
    period = selectors.parse_period(q.period)
    root = selectors.scoring_root(_user(request), q.unit)
    rows = selectors.scores(root, period)
    return ScoresOut(
        period=period.text,
        period_label=period.label,
        unit_id=root.pk,
        unit_name=root.name,
        items=[
            ScoreItem(unit_id=r.unit_id, unit_name=r.unit_name, points=float(r.points), rank=r.rank)
            for r in rows
        ],
        count=len(rows),
    )


class LedgerQuery(ScoreQuery, PageQuery):
    code: str = Field("", description="积分类型，如 submitted、adopted、manual；留空为全部")


class LedgerEntryOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    author: str | None
    code: str
    code_label: str
    level: str
    points: float
    occurred_at: dt.datetime
    reason: str
    report_id: int | None
    manual: bool


class LedgerOut(Schema):
    items: list[LedgerEntryOut]
    count: int
    total_points: float


def _entry(e: LedgerEntry) -> LedgerEntryOut:
    return LedgerEntryOut(
        id=e.pk,
        unit_id=e.unit_id,
        unit_name=e.unit.name,
        author=e.author.full_name if e.author else None,
        code=e.code,
        code_label=e.get_code_display(),
        level=e.level,
        points=float(e.points),
        occurred_at=e.occurred_at,
        reason=e.reason,
        report_id=e.report_id,
        manual=e.manual,
    )


@router.get("/scores/ledger", response={200: LedgerOut, 400: ErrorOut, 404: ErrorOut})
def scores_ledger(request: HttpRequest, q: Query[LedgerQuery]) -> LedgerOut:
    """积分明细: the ledger rows of the unit's subtree in the period, newest first."""
    period = selectors.parse_period(q.period)
    root = selectors.scoring_root(_user(request), q.unit)
    if q.code and q.code not in RuleCode.values:
        raise ServiceError("积分类型不存在。", "invalid_code")
    count, total = selectors.ledger_totals(root, period, code=q.code)
    rows, count = paginate(selectors.ledger_entries(root, period, code=q.code), q, count=count)
    return LedgerOut(items=[_entry(e) for e in rows], count=count, total_points=float(total))


class AdjustmentIn(Schema):
    unit_id: Id
    points: Decimal = Field(..., gt=-10000, lt=10000, max_digits=9, decimal_places=2)
    reason: str = Field(..., min_length=1, max_length=300)
    date: dt.date | None = Field(None, description="计入日期，默认今天")


@router.post(
    "/scores/adjustments", response={201: LedgerEntryOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def scores_adjust(request: HttpRequest, body: AdjustmentIn) -> Status:
    """人工调整积分（采编人员，本单位及下级单位；须写明原因）。"""
    unit = selectors.scoring_root(_user(request), body.unit_id)
    entry = services.ledger_adjust(
        by=_user(request), unit=unit, points=body.points, reason=body.reason, day=body.date
    )
    return Status(201, _entry(entry))


class StatsRowOut(Schema):
    unit_id: int
    unit_name: str
    expected_units: int
    reporting_units: int
    reporting_rate: float | None
    submitted: int
    on_time_rate: float | None
    adopted: int
    adopted_by_level: dict[str, int]
    adoption_rate: float | None
    instructions: int
    solicitation_answered: int
    solicitation_missed: int
    received: int
    receive_hours: float | None
    points: float


class StatsOut(Schema):
    period: str
    period_label: str
    unit_id: int
    unit_name: str
    total: StatsRowOut
    own: StatsRowOut
    units: list[StatsRowOut]
    categories: dict[str, int]


def _row(r: selectors.StatsRow) -> StatsRowOut:
    c = r.counters
    return StatsRowOut(
        unit_id=r.unit_id,
        unit_name=r.unit_name,
        expected_units=r.expected,
        reporting_units=r.reporting,
        reporting_rate=r.reporting_rate,
        submitted=c["submitted"],
        on_time_rate=r.on_time_rate,
        adopted=r.adopted,
        adopted_by_level={f.removeprefix("adopted_"): c[f] for f, _ in selectors.ADOPTION_LEVELS},
        adoption_rate=r.adoption_rate,
        instructions=c["instructions"],
        solicitation_answered=c["solicitation_answered"],
        solicitation_missed=c["solicitation_missed"],
        received=c["received"],
        receive_hours=r.receive_hours,
        points=float(r.points),
    )


@router.get("/stats", response={200: StatsOut, 400: ErrorOut, 404: ErrorOut})
def stats(request: HttpRequest, q: Query[ScoreQuery]) -> StatsOut:
    period = selectors.parse_period(q.period)
    root = selectors.scoring_root(_user(request), q.unit)
    data = selectors.dashboard(root, period)
    return StatsOut(
        period=period.text,
        period_label=period.label,
        unit_id=root.pk,
        unit_name=root.name,
        total=_row(data["total"]),
        own=_row(data["own"]),
        units=[_row(r) for r in data["rows"]],
        categories={label: n for label, n in data["categories"]},
    )


@router.get("/bulletins/{period}.{fmt}", response={200: None, 400: ErrorOut, 404: ErrorOut})
def bulletin_file(request: HttpRequest, period: str, fmt: str, unit: Id | None = None) -> HttpResponse:
    """通报 of the unit's subtree: the released one when it exists (its frozen ranking), else computed now."""
    if fmt not in bulletins.FORMATS:
        raise NotFound(bulletins.FORMATS_MESSAGE)
    user = _user(request)
    parsed = selectors.parse_period(period)
    root, released = selectors.bulletin_of_period(user, unit, parsed)
    data = bulletins.bulletin_figures(root, parsed, released)
    file = bulletins.bulletin_download(by=user, unit=root, data=data, fmt=fmt, bulletin=released, via="api")
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = content_disposition_header(True, file.filename) or ""
    return response
