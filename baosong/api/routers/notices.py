"""/solicitations — 约稿 and 报送要点: issue, read, and see who answered."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from baosong.api.pagination import PageQuery, paginate
from baosong.api.schemas import BodySchema, ErrorOut, Id, IsoDate, IsoDateTime
from baosong.core.errors import Forbidden, NotFound
from baosong.orgs.models import Role, User
from baosong.orgs.selectors import units_acting_for
from baosong.solicitations import selectors, services
from baosong.solicitations.models import Solicitation

router = Router(tags=["约稿"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


class SolicitationIn(BodySchema):
    title: str = Field(..., min_length=1, max_length=200)
    kind: Solicitation.Kind = Solicitation.Kind.SOLICITATION
    topic: str = Field(default="", max_length=100)
    requirements: str = Field(default="", max_length=20_000)
    deadline: IsoDateTime | None = None
    deadline_workdays: int | None = Field(
        None,
        ge=1,
        le=250,
        description=(
            "或：几个工作日内（截止到从今天起第 N 个工作日的 24 时，按发布单位的工作日历；填写时以它为准）"
        ),
    )
    period_start: IsoDate | None = None
    period_end: IsoDate | None = None
    unit_ids: list[Id] = Field(default_factory=list, max_length=5000)
    subtree_of: list[int] = Field(default_factory=list, max_length=100)
    unit_id: Id | None = Field(None, description="发布单位（默认为本人任采编人员的第一个单位）")


class TargetOut(Schema):
    unit_id: int
    unit_name: str
    read_at: dt.datetime | None
    answers: int
    first_answer_at: dt.datetime | None
    state: str


class SolicitationOut(Schema):
    id: int
    kind: str
    title: str
    topic: str
    requirements: str
    unit_id: int
    unit_name: str
    deadline: dt.datetime | None
    period_start: dt.date | None
    period_end: dt.date | None
    created_at: dt.datetime
    relayed_from_id: int | None = Field(None, description="转发自哪一条上级约稿（转发约稿时）")
    added_requirements: str = Field("", description="转发单位的补充要求（已附在 requirements 之后）")
    targets: list[TargetOut] | None = None


class SolicitationPage(Schema):
    items: list[SolicitationOut]
    count: int


def _out(sol: Solicitation, *, with_targets: bool = False) -> SolicitationOut:
    targets = None
    if with_targets:
        now = timezone.now()
        targets = [
            TargetOut(
                unit_id=t.unit_id,
                unit_name=t.unit.name,
                read_at=t.read_at,
                answers=t.answer_count,
                first_answer_at=t.first_answer_at,
                state=t.state(sol.deadline, now),
            )
            for t in sol.targets.select_related("unit").order_by("unit__path")
        ]
    return SolicitationOut(
        id=sol.pk,
        kind=sol.kind,
        title=sol.title,
        topic=sol.topic,
        requirements=sol.requirements,
        unit_id=sol.unit_id,
        unit_name=sol.unit.name,
        deadline=sol.deadline,
        period_start=sol.period_start,
        period_end=sol.period_end,
        created_at=sol.created_at,
        relayed_from_id=sol.relayed_from_id,
        added_requirements=sol.added_requirements,
        targets=targets,
    )


class RelayIn(BodySchema):
    unit_ids: list[Id] = Field(default_factory=list, max_length=5000, description="转发对象单位")
    subtree_of: list[int] = Field(default_factory=list, max_length=100, description="转发给这些单位及其下级")
    added_requirements: str = Field(default="", max_length=20_000, description="本单位的补充要求")
    title: str = Field(default="", max_length=200, description="标题（默认沿用上级约稿的标题）")
    deadline: IsoDateTime | None = Field(None, description="截止时间，不能晚于上级约稿的截止时间")
    deadline_workdays: int | None = Field(
        None, ge=1, le=250, description="或：几个工作日内（按转发单位的工作日历；填写时以它为准）"
    )
    unit_id: Id | None = Field(None, description="转发单位（默认为本人任采编人员、且被约稿的第一个单位）")


class RelayAnswerOut(Schema):
    report_id: int
    title: str
    status: str = Field(description="信息状态")
    sent_at: dt.datetime | None
    decision: str | None = Field(description="转发单位对该信息的处理状态（收件状态）")
    decided_at: dt.datetime | None
    counted: str | None = Field(description="计为对本约稿的回复：adopted 采用 / forwarded 转报；未计为 null")
    counted_at: dt.datetime | None
    forwarded_submission_id: int | None = Field(description="转报到本约稿发布单位的收件编号")
    forwarded_status: str | None


class RelayTargetOut(Schema):
    unit_id: int
    unit_name: str
    state: str = Field(description="相对转发截止时间：answered / late / missing / pending")
    read_at: dt.datetime | None
    relayed_on_id: int | None = Field(description="该单位再次转发的约稿编号")
    answers: list[RelayAnswerOut]


class RelayOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    title: str
    added_requirements: str
    deadline: dt.datetime | None
    created_at: dt.datetime
    targets: list[RelayTargetOut]


class RelayChainOut(Schema):
    relays: list[RelayOut]


class SolicitationFilter(PageQuery):
    kind: Solicitation.Kind | None = None


@router.get("/solicitations", response={200: SolicitationPage})
def solicitation_list(request: HttpRequest, filters: Query[SolicitationFilter]) -> SolicitationPage:
    items, count = paginate(selectors.solicitation_list(_user(request), kind=filters.kind), filters)
    return SolicitationPage(items=[_out(s) for s in items], count=count)


@router.post("/solicitations", response={201: SolicitationOut, **ERRORS})
def solicitation_create(request: HttpRequest, body: SolicitationIn) -> Status[SolicitationOut]:
    user = _user(request)
    units = units_acting_for(user, Role.EDITOR).order_by("path")
    unit = units.filter(pk=body.unit_id).first() if body.unit_id else units.first()
    if unit is None:
        raise NotFound("您不是该单位的采编人员。")
    sol = services.solicitation_create(
        by=user,
        unit=unit,
        title=body.title,
        kind=body.kind,
        topic=body.topic,
        requirements=body.requirements,
        deadline=body.deadline,
        deadline_workdays=body.deadline_workdays,
        period_start=body.period_start,
        period_end=body.period_end,
        unit_ids=body.unit_ids,
        subtree_of=body.subtree_of,
    )
    return Status(201, _out(sol, with_targets=True))


@router.get("/solicitations/{solicitation_id}", response={200: SolicitationOut, 404: ErrorOut})
def solicitation_read(request: HttpRequest, solicitation_id: Id) -> SolicitationOut:
    sol = selectors.solicitation_for(_user(request), solicitation_id)
    return _out(sol, with_targets=True)


@router.post("/solicitations/{solicitation_id}/read", response={200: SolicitationOut, **ERRORS})
def solicitation_mark_read(request: HttpRequest, solicitation_id: Id) -> SolicitationOut:
    sol = selectors.solicitation_for(_user(request), solicitation_id)
    services.solicitation_mark_read(solicitation=sol, user=_user(request))
    return _out(sol, with_targets=True)


@router.post("/solicitations/{solicitation_id}/relays", response={201: SolicitationOut, **ERRORS})
def solicitation_relay(request: HttpRequest, solicitation_id: Id, body: RelayIn) -> Status[SolicitationOut]:
    user = _user(request)
    parent = selectors.solicitation_for(user, solicitation_id)
    units = selectors.relaying_units(user, parent)
    unit = next((u for u in units if u.pk == body.unit_id), None) if body.unit_id else next(iter(units), None)
    if unit is None:
        raise Forbidden("您不是被约稿单位的采编人员，不能转发。")
    relay = services.solicitation_relay(
        by=user,
        parent=parent,
        unit=unit,
        title=body.title,
        added_requirements=body.added_requirements,
        deadline=body.deadline,
        deadline_workdays=body.deadline_workdays,
        unit_ids=body.unit_ids,
        subtree_of=body.subtree_of,
    )
    return Status(201, _out(relay, with_targets=True))


@router.get("/solicitations/{solicitation_id}/chain", response={200: RelayChainOut, 404: ErrorOut})
def solicitation_chain(request: HttpRequest, solicitation_id: Id) -> RelayChainOut:
    user = _user(request)
    sol = selectors.solicitation_for(user, solicitation_id)
    if not selectors.oversees(user, sol):
        raise NotFound()
    return RelayChainOut(
        relays=[
            RelayOut(
                id=c["relay"].pk,
                unit_id=c["relay"].unit_id,
                unit_name=c["relay"].unit.name,
                title=c["relay"].title,
                added_requirements=c["relay"].added_requirements,
                deadline=c["relay"].deadline,
                created_at=c["relay"].created_at,
                targets=[
                    RelayTargetOut(
                        unit_id=row["target"].unit_id,
                        unit_name=row["target"].unit.name,
                        state=row["state"],
                        read_at=row["target"].read_at,
                        relayed_on_id=row["relayed_on"],
                        answers=[_answer_out(a) for a in row["answers"]],
                    )
                    for row in c["rows"]
                ],
            )
            for c in selectors.relay_chain(sol)
        ]
    )


def _answer_out(a: dict[str, Any]) -> RelayAnswerOut:
    report, decision, counted, copy = a["report"], a["decision"], a["counted"], a["copy"]
    return RelayAnswerOut(
        report_id=report.pk,
        title=report.title,
        status=report.status,
        sent_at=report.sent_at,
        decision=decision.status if decision else None,
        decided_at=decision.decided_at if decision else None,
        counted=counted.decision if counted else None,
        counted_at=counted.counted_at if counted else None,
        forwarded_submission_id=copy.pk if copy else None,
        forwarded_status=copy.status if copy else None,
    )
