"""/oversight — 督查: units silent for their threshold, 疑似漏报 alerts, marking an alert handled."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from baosong.api.pagination import PageQuery, paginate
from baosong.api.schemas import BodySchema, ErrorOut, Id
from baosong.core.actions import allowed_actions
from baosong.orgs.models import User
from baosong.orgs.selectors import roles_memo
from baosong.oversight import selectors
from baosong.oversight.models import OmissionAlert
from baosong.oversight.services import alert_handle

router = Router(tags=["督查"])
# Inline, not OmissionAlert.Status: OpenAPI components are keyed by class name, and "Status" is taken.
OmissionStatus = Literal["open", "handled"]
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


class SilentUnitOut(Schema):
    unit_id: int
    unit_name: str
    upper_unit_id: int = Field(description="该单位向之报送的本人所在单位")
    last_sent_at: dt.datetime | None = Field(description="最近一次报出信息的时间；一年内没有则为空")
    weeks: int = Field(description="已连续未报送的整周数")
    threshold: int = Field(description="设定的连续未报送周数")


class SilentUnitPage(Schema):
    items: list[SilentUnitOut]
    count: int


class OmissionAlertOut(Schema):
    id: int
    status: OmissionStatus = Field(description="open 待处理 / handled 已处理")
    status_label: str
    unit_id: int = Field(description="事发地单位（疑似漏报的单位）")
    unit_name: str
    upper_unit_id: int
    title: str = Field(description="事件（最早一条信息的标题）")
    place: str
    event_time: dt.datetime
    due_at: dt.datetime = Field(description="按该类信息的报送时限规则算出的时限")
    reporter_count: int = Field(description="已报送该事件的其他单位数")
    reporter_names: list[str] = Field(description="已报送的单位（仅上级单位的采编人员可见）")
    created_at: dt.datetime
    handled_by: str | None
    handled_at: dt.datetime | None
    note: str
    allowed_actions: list[str]


class OmissionAlertPage(Schema):
    items: list[OmissionAlertOut]
    count: int


class OmissionFilter(PageQuery):
    status: OmissionStatus | None = Field(None, description="open 待处理 / handled 已处理")


class OmissionHandleIn(BodySchema):
    note: str = Field("", max_length=500, description="处理说明")


def _alert_out(a: OmissionAlert, user: User, editor_units: list[int]) -> OmissionAlertOut:
    upper = a.upper_unit_id in editor_units
    return OmissionAlertOut(
        id=a.pk,
        status=a.status,  # type: ignore[arg-type]
        status_label=a.get_status_display(),
        unit_id=a.unit_id,
        unit_name=a.unit.name,
        upper_unit_id=a.upper_unit_id,
        title=a.title,
        place=a.place,
        event_time=a.event_time,
        due_at=a.due_at,
        reporter_count=a.reporter_count,
        reporter_names=list(a.reporter_names) if upper else [],
        created_at=a.created_at,
        handled_by=a.handled_by.full_name if a.handled_by else None,
        handled_at=a.handled_at,
        note=a.note,
        allowed_actions=allowed_actions(a, user),
    )


def _editor_units(user: User) -> list[int]:
    from baosong.orgs.models import Role
    from baosong.orgs.selectors import acting_unit_ids

    return acting_unit_ids(user, Role.EDITOR)


@router.get("/oversight/silent-units", response={200: SilentUnitPage, **ERRORS}, summary="连续未报送的单位")
def silent_unit_list(request: HttpRequest, filters: Query[PageQuery]) -> SilentUnitPage:
    rows = selectors.silent_units(_user(request))
    items, count = paginate(rows, filters, count=len(rows))  # type: ignore[arg-type]
    return SilentUnitPage(
        items=[
            SilentUnitOut(
                unit_id=r.unit.pk,
                unit_name=r.unit.name,
                upper_unit_id=r.upper_id,
                last_sent_at=r.last_sent_at,
                weeks=r.weeks,
                threshold=r.threshold,
            )
            for r in items
        ],
        count=count,
    )


@router.get("/oversight/omissions", response={200: OmissionAlertPage, **ERRORS}, summary="疑似漏报提醒")
def omission_list(request: HttpRequest, filters: Query[OmissionFilter]) -> OmissionAlertPage:
    user = _user(request)
    qs = selectors.omission_alerts(user, status=filters.status or "")
    items, count = paginate(qs, filters)
    editor_units = _editor_units(user)
    with roles_memo():
        return OmissionAlertPage(items=[_alert_out(a, user, editor_units) for a in items], count=count)


@router.get(
    "/oversight/omissions/{omission_id}",
    response={200: OmissionAlertOut, **ERRORS},
    summary="查看疑似漏报提醒",
)
def omission_read(request: HttpRequest, omission_id: Id) -> OmissionAlertOut:
    user = _user(request)
    return _alert_out(selectors.omission_alert(user, omission_id), user, _editor_units(user))


@router.post(
    "/oversight/omissions/{omission_id}/handle",
    response={200: OmissionAlertOut, **ERRORS},
    summary="疑似漏报标记已处理",
)
def omission_handle(
    request: HttpRequest, omission_id: Id, body: OmissionHandleIn | None = None
) -> OmissionAlertOut:
    user = _user(request)
    alert = selectors.omission_alert(user, omission_id)
    alert_handle(alert=alert, by=user, note=body.note if body is not None else "")
    return _alert_out(selectors.omission_alert(user, omission_id), user, _editor_units(user))
