"""/roster — the 信息员 register: entries of the 登记表, their change history, units without a 信息员,
registration rounds and the units' answers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from baosong.api.pagination import PageQuery, paginate
from baosong.api.schemas import ALLOWED, BodySchema, ErrorOut, Id, IsoDateTime
from baosong.core.errors import NotFound, ServiceError
from baosong.orgs.models import Role, User
from baosong.orgs.selectors import units_acting_for
from baosong.roster import selectors, services
from baosong.roster.models import (
    ENTRY_FIELDS,
    EntryStatus,
    RosterChange,
    RosterEntry,
    RosterReturn,
    RosterRound,
)

router = Router(tags=["信息员登记"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


class RosterEntryFields(BodySchema):
    name: str | None = Field(None, max_length=32, description="姓名")
    gender: str | None = Field(None, max_length=8, description="性别：male 男、female 女，或空")
    department: str | None = Field(None, max_length=64, description="科室")
    job_title: str | None = Field(None, max_length=64, description="职务")
    duty: str | None = Field(None, max_length=16, description="专兼职：full_time 专职、part_time 兼职")
    office_phone: str | None = Field(None, max_length=32, description="办公电话")
    mobile: str | None = Field(None, max_length=32, description="手机（11 位）")
    fax: str | None = Field(None, max_length=32, description="传真")
    email: str | None = Field(None, max_length=128, description="电子邮箱")
    note: str | None = Field(None, max_length=200, description="备注")
    user_id: Id | None = Field(None, description="平台账号（本单位的在用账号；可不填）")

    def values(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in ENTRY_FIELDS if getattr(self, f) is not None}


class RosterEntryIn(RosterEntryFields):
    unit_id: Id


class RosterEntryPatch(RosterEntryFields):
    reason: str = Field(default="", max_length=200, description="变更原因")


class RosterRevokeIn(BodySchema):
    reason: str = Field(default="", max_length=200, description="撤销原因，如：工作调动")


class RosterEntryOut(Schema):
    id: int
    unit_id: int
    unit_name: str
    user_id: int | None
    name: str
    gender: str
    department: str
    job_title: str
    duty: str
    office_phone: str
    mobile: str
    fax: str
    email: str
    note: str
    status: str
    updated_at: dt.datetime
    allowed_actions: list[str] = Field(description=ALLOWED)


class RosterEntryPage(Schema):
    items: list[RosterEntryOut]
    count: int


class RosterChangeOut(Schema):
    id: int
    entry_id: int
    entry_name: str
    kind: str = Field(description="added 新增、changed 变更、revoked 撤销")
    changes: dict[str, Any] = Field(description="变更的字段：[原值, 新值]")
    reason: str
    by: str
    at: dt.datetime


class RosterChangePage(Schema):
    items: list[RosterChangeOut]
    count: int


class RosterUnitOut(Schema):
    id: int
    name: str
    level: str


class RosterUnitPage(Schema):
    items: list[RosterUnitOut]
    count: int


class RosterRoundIn(BodySchema):
    title: str = Field(..., min_length=1, max_length=200)
    note: str = Field(default="", max_length=5000)
    scope: RosterRound.Scope = RosterRound.Scope.SUBTREE
    deadline: IsoDateTime | None = None
    deadline_workdays: int | None = Field(
        None, ge=1, le=250, description="或：几个工作日内（按发起单位的工作日历，截止到第 N 个工作日 24 时）"
    )
    unit_id: Id | None = Field(None, description="发起单位（默认为本人任采编人员的第一个单位）")


class RosterReturnOut(Schema):
    unit_id: int
    unit_name: str
    state: str = Field(description="submitted 已按时报送、late 逾期报送、missing 逾期未报、pending 待报送")
    submitted_at: dt.datetime | None
    resubmitted_at: dt.datetime | None
    entry_count: int
    allowed_actions: list[str] = Field(description=ALLOWED)


class RosterRoundOut(Schema):
    id: int
    title: str
    note: str
    scope: str
    unit_id: int
    unit_name: str
    deadline: dt.datetime
    created_at: dt.datetime
    returns: list[RosterReturnOut] | None = None


class RosterRoundPage(Schema):
    items: list[RosterRoundOut]
    count: int


class RosterRemindOut(Schema):
    reminded: int


def _entry_out(e: RosterEntry) -> RosterEntryOut:
    return RosterEntryOut(
        id=e.pk, unit_id=e.unit_id, unit_name=e.unit.name, user_id=e.user_id, name=e.name, gender=e.gender,
        department=e.department, job_title=e.job_title, duty=e.duty, office_phone=e.office_phone,
        mobile=e.mobile, fax=e.fax, email=e.email, note=e.note, status=e.status, updated_at=e.updated_at,
        allowed_actions=["change", "revoke"] if e.status == EntryStatus.ACTIVE else [],
    )  # fmt: skip


def _change_out(c: RosterChange) -> RosterChangeOut:
    return RosterChangeOut(
        id=c.pk, entry_id=c.entry_id, entry_name=c.entry.name, kind=c.kind, changes=c.changes,
        reason=c.reason, by=c.by.full_name, at=c.at,
    )  # fmt: skip


def _return_out(r: RosterReturn, rnd: RosterRound, now: dt.datetime) -> RosterReturnOut:
    return RosterReturnOut(
        unit_id=r.unit_id, unit_name=r.unit.name, state=r.state(rnd.deadline, now),
        submitted_at=r.submitted_at, resubmitted_at=r.resubmitted_at, entry_count=r.entry_count,
        allowed_actions=["submit"],
    )  # fmt: skip


def _round_out(user: User, rnd: RosterRound, *, with_returns: bool = False) -> RosterRoundOut:
    returns = None
    if with_returns:
        now = timezone.now()
        returns = [_return_out(r, rnd, now) for r in selectors.round_returns(user, rnd)]
    return RosterRoundOut(
        id=rnd.pk, title=rnd.title, note=rnd.note, scope=rnd.scope, unit_id=rnd.unit_id,
        unit_name=rnd.unit.name, deadline=rnd.deadline, created_at=rnd.created_at, returns=returns,
    )  # fmt: skip


class RosterEntryFilter(PageQuery):
    unit: Id | None = Field(None, description="只看这个单位")
    status: EntryStatus | None = EntryStatus.ACTIVE
    q: str = Field(default="", max_length=50, description="姓名或单位名称含")


@router.get("/roster/entries", response={200: RosterEntryPage, 404: ErrorOut})
def roster_entry_list(request: HttpRequest, filters: Query[RosterEntryFilter]) -> RosterEntryPage:
    user = _user(request)
    unit = selectors.unit_for(user, filters.unit) if filters.unit else None
    qs = selectors.entry_list(user, unit=unit, status=filters.status, q=filters.q.strip())
    items, count = paginate(qs, filters)
    return RosterEntryPage(items=[_entry_out(e) for e in items], count=count)


@router.post("/roster/entries", response={201: RosterEntryOut, **ERRORS})
def roster_entry_create(request: HttpRequest, body: RosterEntryIn) -> Status[RosterEntryOut]:
    user = _user(request)
    unit = selectors.unit_for(user, body.unit_id)
    entry = services.entry_add(unit=unit, values=body.values(), by=user, user_id=body.user_id)
    return Status(201, _entry_out(selectors.entry_for(user, entry.pk)))


@router.get("/roster/entries/{entry_id}", response={200: RosterEntryOut, 404: ErrorOut})
def roster_entry_read(request: HttpRequest, entry_id: Id) -> RosterEntryOut:
    return _entry_out(selectors.entry_for(_user(request), entry_id))


@router.patch("/roster/entries/{entry_id}", response={200: RosterEntryOut, **ERRORS})
def roster_entry_update(request: HttpRequest, entry_id: Id, body: RosterEntryPatch) -> RosterEntryOut:
    user = _user(request)
    entry = selectors.entry_for(user, entry_id)
    if not body.model_fields_set - {"reason"}:
        raise ServiceError("请至少填写一项要变更的内容。", "nothing_to_change")
    services.entry_change(
        entry=entry, values=body.values(), by=user, reason=body.reason, user_id=body.user_id,
        set_user="user_id" in body.model_fields_set,
    )  # fmt: skip
    return _entry_out(selectors.entry_for(user, entry_id))


@router.post("/roster/entries/{entry_id}/revoke", response={200: RosterEntryOut, **ERRORS})
def roster_entry_revoke(
    request: HttpRequest, entry_id: Id, body: RosterRevokeIn | None = None
) -> RosterEntryOut:
    user = _user(request)
    entry = selectors.entry_for(user, entry_id)
    services.entry_revoke(entry=entry, by=user, reason=(body or RosterRevokeIn()).reason)
    return _entry_out(selectors.entry_for(user, entry_id))


@router.get("/roster/units/{unit_id}/history", response={200: RosterChangePage, 404: ErrorOut})
def roster_unit_history(request: HttpRequest, unit_id: Id, page: Query[PageQuery]) -> RosterChangePage:
    unit = selectors.unit_for(_user(request), unit_id)
    qs = RosterChange.objects.filter(unit=unit).select_related("entry", "by").order_by("-at", "-id")
    items, count = paginate(qs, page)
    return RosterChangePage(items=[_change_out(c) for c in items], count=count)


@router.get("/roster/missing", response={200: RosterUnitPage})
def roster_missing(request: HttpRequest, page: Query[PageQuery]) -> RosterUnitPage:
    items, count = paginate(selectors.units_without_reporter(_user(request)), page)
    return RosterUnitPage(
        items=[RosterUnitOut(id=u.pk, name=u.name, level=u.level) for u in items], count=count
    )


@router.get("/roster/rounds", response={200: RosterRoundPage})
def roster_round_list(request: HttpRequest, page: Query[PageQuery]) -> RosterRoundPage:
    user = _user(request)
    items, count = paginate(selectors.round_list(user), page)
    return RosterRoundPage(items=[_round_out(user, r) for r in items], count=count)


@router.post("/roster/rounds", response={201: RosterRoundOut, **ERRORS})
def roster_round_create(request: HttpRequest, body: RosterRoundIn) -> Status[RosterRoundOut]:
    user = _user(request)
    units = units_acting_for(user, Role.EDITOR).order_by("path")
    unit = units.filter(pk=body.unit_id).first() if body.unit_id else units.first()
    if unit is None:
        raise NotFound("您不是该单位的采编人员。")
    rnd = services.round_open(
        by=user, unit=unit, title=body.title, note=body.note, scope=body.scope, deadline=body.deadline,
        deadline_workdays=body.deadline_workdays,
    )  # fmt: skip
    return Status(201, _round_out(user, selectors.round_for(user, rnd.pk), with_returns=True))


@router.get("/roster/rounds/{round_id}", response={200: RosterRoundOut, 404: ErrorOut})
def roster_round_read(request: HttpRequest, round_id: Id) -> RosterRoundOut:
    user = _user(request)
    return _round_out(user, selectors.round_for(user, round_id), with_returns=True)


@router.post("/roster/rounds/{round_id}/units/{unit_id}/submit", response={200: RosterReturnOut, **ERRORS})
def roster_round_submit(request: HttpRequest, round_id: Id, unit_id: Id) -> RosterReturnOut:
    user = _user(request)
    rnd = selectors.round_for(user, round_id)
    ret = selectors.return_for(user, rnd, unit_id)
    ret = services.round_submit(rnd=rnd, unit=ret.unit, by=user)
    return _return_out(ret, rnd, timezone.now())


@router.post("/roster/rounds/{round_id}/remind", response={200: RosterRemindOut, **ERRORS})
def roster_round_remind(request: HttpRequest, round_id: Id) -> RosterRemindOut:
    user = _user(request)
    rnd = selectors.round_for(user, round_id)
    return RosterRemindOut(reminded=services.round_remind(rnd=rnd, by=user))
