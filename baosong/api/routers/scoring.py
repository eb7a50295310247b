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
from baosong.orgs.models import Unit, User
from baosong.scoring import appraisal, bulletins, selectors, services
from baosong.scoring.models import AppraisalPolicy, LedgerEntry, RuleCode, Target

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


# ---- 目标责任 and the yearly 评比 ----------------------------------------------------------------------


class TargetQuery(Schema):
    unit: Id | None = Field(None, description="默认为本人任采编人员的单位（系统管理员为最上级单位）")


class ScoringTargetOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    subject: str = Field(..., description="unit（单位）或 person（信息员）")
    measure: str = Field(..., description="submitted 报送信息、adopted 被采用信息、issues 编发期数")
    period_kind: str = Field(..., description="week、month 或 year")
    unit_class: str
    minimum: int
    label: str
    inherited: bool = Field(..., description="由上级单位设定")


class AppraisalPolicyOut(Schema):
    unit_id: int | None = Field(..., description="设定规则的单位；为空表示系统默认")
    missed_months: int = Field(..., description="累计未完成目标月数达到此数取消评优资格（0 为不考核）")
    shortfall: int = Field(..., description="全年累计差额条数达到此数作不称职处理（0 为不考核）")
    missed_solicitations: int = Field(..., description="约稿未按时报送次数达到此数年终考评否决（0 为不考核）")


class TargetsOut(Schema):
    unit_id: int
    unit_name: str
    items: list[ScoringTargetOut]
    policy: AppraisalPolicyOut


class TargetIn(Schema):
    unit_id: Id
    subject: str = Field(..., max_length=8, description="unit 或 person")
    measure: str = Field(..., max_length=12, description="submitted、adopted 或 issues（仅单位）")
    period_kind: str = Field(..., max_length=8, description="week、month 或 year")
    minimum: int = Field(..., ge=1, le=100000)
    unit_class: str = Field("", max_length=16, description="考核类别，留空为所有单位")


class AppraisalPolicyIn(Schema):
    unit_id: Id
    missed_months: int = Field(..., ge=0, le=12)
    shortfall: int = Field(..., ge=0, le=100000)
    missed_solicitations: int = Field(..., ge=0, le=1000)


def _target(t: Target, root: Unit) -> ScoringTargetOut:
    return ScoringTargetOut(
        id=t.pk,
        unit_id=t.unit_id,
        unit_name=t.unit.name,
        subject=t.subject,
        measure=t.measure,
        period_kind=t.period_kind,
        unit_class=t.unit_class,
        minimum=t.minimum,
        label=t.label,
        inherited=t.unit_id != root.pk,
    )


def _policy(p: AppraisalPolicy) -> AppraisalPolicyOut:
    return AppraisalPolicyOut(
        unit_id=p.unit_id if p.pk else None,
        missed_months=p.missed_months,
        shortfall=p.shortfall,
        missed_solicitations=p.missed_solicitations,
    )


@router.get("/targets", response={200: TargetsOut, 404: ErrorOut})
def targets(request: HttpRequest, q: Query[TargetQuery]) -> TargetsOut:
    root = selectors.target_root(_user(request), q.unit)
    found = appraisal.targets_for(root)
    units = {u.pk: u for u in Unit.objects.filter(pk__in={t.unit_id for t in found})}
    for t in found:
        t.unit = units[t.unit_id]
    return TargetsOut(
        unit_id=root.pk,
        unit_name=root.name,
        items=[_target(t, root) for t in found],
        policy=_policy(appraisal.policy_for(root)),
    )


@router.post("/targets", response={201: ScoringTargetOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut})
def target_save(request: HttpRequest, body: TargetIn) -> Status:
    user = _user(request)
    root = selectors.target_root(user, body.unit_id)
    saved = services.target_save(
        by=user,
        unit=root,
        subject=body.subject,
        measure=body.measure,
        period_kind=body.period_kind,
        minimum=body.minimum,
        unit_class=body.unit_class,
    )
    return Status(201, _target(saved, root))


@router.delete("/targets/{target_id}", response={204: None, 403: ErrorOut, 404: ErrorOut})
def target_remove(request: HttpRequest, target_id: Id) -> Status:
    user = _user(request)
    found = Target.objects.select_related("unit").filter(pk=target_id).first()
    if found is None:
        raise NotFound()
    selectors.target_root(user, found.unit_id)  # NotFound outside the user's units
    services.target_remove(by=user, target=found)
    return Status(204, None)


@router.put(
    "/appraisal/policy", response={200: AppraisalPolicyOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut}
)
def appraisal_policy_set(request: HttpRequest, body: AppraisalPolicyIn) -> AppraisalPolicyOut:
    user = _user(request)
    root = selectors.target_root(user, body.unit_id)
    saved = services.appraisal_policy_set(
        by=user,
        unit=root,
        missed_months=body.missed_months,
        shortfall=body.shortfall,
        missed_solicitations=body.missed_solicitations,
    )
    return _policy(saved)


class VetoOut(Schema):
    kind: str = Field(..., description="ineligible 取消评优资格、unfit 不称职、zeroed 年终考评否决")
    label: str
    reason: str


class StandingOut(Schema):
    name: str
    unit_id: int
    unit_name: str
    user_id: int | None
    rank: int | None = Field(..., description="有评优资格者的名次；被否决或取消资格的为空")
    points: float
    submitted: int
    adopted: int
    issues: int
    missed_months: list[int]
    shortfall: int
    missed_solicitations: int
    eligible: bool
    vetoes: list[VetoOut]


class AppraisalOut(Schema):
    year: int
    unit_id: int
    unit_name: str
    judged_months: list[int]
    year_over: bool
    units: list[StandingOut]
    people: list[StandingOut]


class VetoListItem(Schema):
    name: str
    unit_id: int
    unit_name: str
    user_id: int | None
    kind: str
    label: str
    reason: str


class VetoesOut(Schema):
    year: int
    unit_id: int
    items: list[VetoListItem]
    count: int


def _appraisal(request: HttpRequest, year: int, unit: int | None) -> appraisal.Appraisal:
    if not selectors.MIN_YEAR <= year <= selectors.MAX_YEAR:
        raise ServiceError(f"年份应在 {selectors.MIN_YEAR} 至 {selectors.MAX_YEAR} 之间。", "invalid_year")
    root = selectors.scoring_root(_user(request), unit)
    return appraisal.appraisal(root, year)


@router.get("/appraisal/{year}", response={200: AppraisalOut, 400: ErrorOut, 404: ErrorOut})
def appraisal_read(request: HttpRequest, year: int, unit: Id | None = None) -> AppraisalOut:
    """评比: the units and reporters of the subtree ranked, with each veto and its reason."""
    return AppraisalOut(**appraisal.as_data(_appraisal(request, year, unit)))


@router.get("/appraisal/{year}/vetoes", response={200: VetoesOut, 400: ErrorOut, 404: ErrorOut})
def appraisal_vetoes(request: HttpRequest, year: int, unit: Id | None = None) -> VetoesOut:
    result = _appraisal(request, year, unit)
    items = [
        VetoListItem(
            name=s.name,
            unit_id=s.unit_id,
            unit_name=s.unit_name,
            user_id=s.user_id,
            kind=v.kind,
            label=v.label,
            reason=v.reason,
        )
        for s, v in result.vetoes
    ]
    return VetoesOut(year=year, unit_id=result.root.pk, items=items, count=len(items))
