"""/solicitations — 约稿 and 报送要点: issue, read, and see who answered."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from baosong.api.pagination import PageQuery, paginate
from baosong.api.schemas import BodySchema, ErrorOut, Id, IsoDate, IsoDateTime
from baosong.core.errors import NotFound
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
        targets=targets,
    )


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
