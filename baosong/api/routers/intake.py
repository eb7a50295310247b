"""/intake — 邮件来稿: the intake mailbox's quarantine, for the mailbox unit's editors and the system
administrators above it. Interfaces over intake selectors and services."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Query, Router, Schema

from baosong.api.pagination import PageQuery, paginate
from baosong.api.schemas import BodySchema, ErrorOut, Id
from baosong.core.actions import allowed_actions
from baosong.core.errors import Forbidden
from baosong.intake import selectors, services
from baosong.intake.models import IntakeMessage, IntakeStatus
from baosong.orgs.models import Role, User
from baosong.orgs.selectors import roles_memo, user_has_role

router = Router(tags=["邮件报送"])
ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


def _user(request: HttpRequest) -> User:
    """The caller. A message out of sight is 404 for anyone (selectors.message_for), whatever their role."""
    user: User = request.auth  # type: ignore[attr-defined]
    return user


class IntakeMessageOut(Schema):
    id: int
    sender: str
    sender_name: str
    subject: str
    transport: str
    status: str
    status_label: str
    reason: str
    received_at: dt.datetime
    mailbox_unit_id: int | None
    unit_id: int | None
    report_id: int | None
    notes: list[str]
    allowed_actions: list[str]


class IntakeMessagePage(Schema):
    items: list[IntakeMessageOut]
    count: int


class IntakeFilter(PageQuery):
    status: IntakeStatus | None = None


class IntakeReleaseIn(BodySchema):
    unit_id: Id
    author_id: Id


def _out(m: IntakeMessage, user: User) -> IntakeMessageOut:
    return IntakeMessageOut(
        id=m.pk,
        sender=m.sender,
        sender_name=m.sender_name,
        subject=m.subject,
        transport=m.transport,
        status=m.status,
        status_label=m.get_status_display(),
        reason=m.reason,
        received_at=m.received_at,
        mailbox_unit_id=m.mailbox_unit_id,
        unit_id=m.unit_id,
        report_id=m.report_id,
        notes=[str(n) for n in m.notes or []],
        allowed_actions=allowed_actions(m, user),
    )


@router.get(
    "/intake/messages",
    response={200: IntakeMessagePage, 403: ErrorOut, 422: ErrorOut},
    summary="邮件来稿列表（默认全部状态，可按状态筛选）",
)
def intake_messages(request: HttpRequest, filters: Query[IntakeFilter]) -> IntakeMessagePage:
    user = _user(request)
    if not user_has_role(user, Role.EDITOR, Role.SYSADMIN):
        raise Forbidden("只有采编人员或系统管理员可以处理邮件来稿。")
    items, count = paginate(selectors.quarantine(user, status=filters.status), filters)
    with roles_memo():
        return IntakeMessagePage(items=[_out(m, user) for m in items], count=count)


@router.get(
    "/intake/messages/{message_id}",
    response={200: IntakeMessageOut, 403: ErrorOut, 404: ErrorOut},
    summary="一封邮件来稿",
)
def intake_message(request: HttpRequest, message_id: Id) -> IntakeMessageOut:
    user = _user(request)
    return _out(selectors.message_for(user, message_id), user)


@router.post(
    "/intake/messages/{message_id}/release",
    response={200: IntakeMessageOut, **ERRORS},
    summary="把隔离的邮件放行到单位（生成其信息员的草稿）",
    description="`unit_id`：邮箱所属单位或其下级的在用单位；`author_id`：该单位的信息员。记入审计日志。",
)
def intake_release(request: HttpRequest, message_id: Id, body: IntakeReleaseIn) -> IntakeMessageOut:
    user = _user(request)
    message = services.intake_release(
        message=selectors.message_for(user, message_id),
        by=user,
        unit_id=body.unit_id,
        author_id=body.author_id,
    )
    return _out(selectors.message_for(user, message.pk), user)


@router.post(
    "/intake/messages/{message_id}/discard",
    response={200: IntakeMessageOut, **ERRORS},
    summary="丢弃隔离的邮件",
)
def intake_discard(request: HttpRequest, message_id: Id) -> IntakeMessageOut:
    user = _user(request)
    services.intake_discard(message=selectors.message_for(user, message_id), by=user)
    return _out(selectors.message_for(user, message_id), user)
