"""/notifications — the user's notification centre: list, mark one or all read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from baosong.api.pagination import PageQuery, paginate
from baosong.api.schemas import BodySchema, ErrorOut, Id
from baosong.notifications import selectors
from baosong.notifications.models import Notification
from baosong.notifications.services import notifications_mark_read
from baosong.orgs.models import User

router = Router(tags=["通知"])
ERRORS: dict[int, Any] = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


class NotificationOut(Schema):
    id: int
    kind: Notification.Kind
    kind_label: str
    title: str
    body: str
    url: str = Field(description="相关对象在网页上的地址（相对路径）")
    urgent: bool
    created_at: dt.datetime
    read_at: dt.datetime | None


class NotificationPage(Schema):
    items: list[NotificationOut]
    count: int
    unread: int = Field(description="本人未读通知总数")


class NotificationFilter(PageQuery):
    unread: bool = Field(False, description="只列未读通知")


class MarkReadIn(BodySchema):
    ids: list[Id] | None = Field(None, max_length=1000, description="要标为已读的通知；不填则全部标为已读")


class MarkReadOut(Schema):
    count: int = Field(description="本次标为已读的条数")


def _out(n: Notification) -> NotificationOut:
    return NotificationOut(
        id=n.pk,
        kind=Notification.Kind(n.kind),
        kind_label=n.get_kind_display(),
        title=n.title,
        body=n.body,
        url=n.url,
        urgent=n.urgent,
        created_at=n.created_at,
        read_at=n.read_at,
    )


@router.get("/notifications", response={200: NotificationPage}, summary="我的通知")
def notification_list(request: HttpRequest, filters: Query[NotificationFilter]) -> NotificationPage:
    user = _user(request)
    items, count = paginate(selectors.notifications_for(user, unread=filters.unread), filters)
    return NotificationPage(items=[_out(n) for n in items], count=count, unread=selectors.unread_count(user))


@router.post(
    "/notifications/read",
    response={200: MarkReadOut, **ERRORS},
    summary="通知标为已读（全部或所列几条）",
)
def notification_mark_all_read(request: HttpRequest, body: MarkReadIn | None = None) -> MarkReadOut:
    ids = body.ids if body is not None else None
    return MarkReadOut(count=notifications_mark_read(user=_user(request), ids=ids))


@router.post(
    "/notifications/{notification_id}/read",
    response={200: NotificationOut, **ERRORS},
    summary="一条通知标为已读",
)
def notification_mark_read(request: HttpRequest, notification_id: Id) -> NotificationOut:
    user = _user(request)
    note = selectors.notification_for(user, notification_id)
    notifications_mark_read(user=user, ids=[note.pk])
    return _out(selectors.notification_for(user, notification_id))
