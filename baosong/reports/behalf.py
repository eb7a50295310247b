"""代为登记: an upper unit's editor registers an item a lower unit sent outside the system (纸质、U盘、传真、
电话、邮件). The item is an ordinary Report of the lower unit, by its named author, sent to the editor's own
unit: it arrives in that inbox as if the unit had submitted it, and the usual events (``report.create``,
``report.register``, ``report.sent``) make scoring and statistics count it to that unit and author."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from baosong.core.actions import Transition, apply, record
from baosong.core.errors import Forbidden, NotFound, ServiceError
from baosong.orgs.models import Role, Unit, User
from baosong.orgs.selectors import roles_in_unit, units_acting_for
from baosong.reports import checks, files, selectors
from baosong.reports import workflow as wf
from baosong.reports.models import Attachment, BehalfRegistration, Channel, Report, ReviewAction, Urgency
from baosong.reports.services import ChecksFailed, _send, _validate_fields
from baosong.reports.timeliness import due_at_for
from baosong.reports.wordimport import clean_text, docx_import

WRITER_MAX = 64


def behalf_desks(user: User) -> QuerySet[Unit]:
    """The units whose inbox this user works as an editor: where registered items arrive."""
    return units_acting_for(user, Role.EDITOR).filter(is_active=True).order_by("path")


def behalf_units(desk: Unit) -> QuerySet[Unit]:
    """The active units that report to ``desk``: its children and the units with a direct line to it."""
    return (
        Unit.objects.filter(Q(parent=desk) | Q(extra_target_lines__target=desk), is_active=True)
        .distinct()
        .order_by("sort_order", "code")
    )


def behalf_authors(unit: Unit) -> QuerySet[User]:
    """Who may be named as the author: active members of the unit with a business role, 信息员 first."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__unit=unit,
            memberships__role__in=[Role.REPORTER, Role.REVIEWER, Role.EDITOR, Role.CHIEF, Role.LEADER],
        )
        .distinct()
        .order_by("full_name", "id")
    )


def _desk_for(by: User, desk_id: int | None) -> Unit:
    desks = behalf_desks(by)
    desk = desks.filter(pk=desk_id).first() if desk_id else desks.first()
    if desk is None:
        if desk_id:
            raise NotFound("您不是该单位的采编人员。")
        raise Forbidden("只有采编人员可以代为登记信息。")
    return desk


def _unit_for(desk: Unit, unit_id: int) -> Unit:
    unit = behalf_units(desk).filter(pk=unit_id).first()
    if unit is None:
        # another county's township is as unknown here as a unit that does not exist
        raise NotFound("报送单位不存在，或不向本单位报送信息。")
    return unit


def _author_for(unit: Unit, author_id: int | None) -> User:
    if not author_id:
        raise ServiceError(
            "请选择署名作者（该单位的人员）；执笔人没有账号时，另填执笔人姓名。", "author_required"
        )
    author = behalf_authors(unit).filter(pk=author_id).first()
    if author is None:
        raise ServiceError("署名作者须是报送单位在用的人员。", "invalid_author")
    return author


def report_register_on_behalf(
    *,
    by: User,
    unit_id: int,
    channel: str,
    author_id: int | None,
    title: str = "",
    body: str = "",
    writer_name: str = "",
    desk_id: int | None = None,
    category: str | None = None,
    urgency: str = Urgency.NORMAL,
    docx: bytes | None = None,
    uploads: Sequence[tuple[str, bytes]] = (),
    **fields: Any,
) -> tuple[Report, list[str]]:
    """Register and send in one transaction: the draft of ``unit`` by ``author``, the registration row,
    the files, then the ``register`` transition (draft → sent, to ``desk`` only). A Word file, when given,
    supplies the title and body the editor left empty. Returns the item and the import notes."""
    desk = _desk_for(by, desk_id)
    unit = _unit_for(desk, unit_id)
    if channel not in Channel.values:
        raise ServiceError("请选择报送渠道（纸质、U盘、传真、电话或邮件）。", "invalid_channel")
    author = _author_for(unit, author_id)
    writer = clean_text(writer_name or "").replace("\n", " ").strip()
    if len(writer) > WRITER_MAX:
        raise ServiceError(f"执笔人姓名不能超过 {WRITER_MAX} 字。", "writer_too_long")
    notes: list[str] = []
    pictures: list[tuple[str, bytes]] = []
    if docx is not None:
        imported = docx_import(docx)
        title = title.strip() or imported.title
        body = body.strip() or imported.body
        notes = list(imported.notes)
        pictures = list(imported.pictures)
    if not (title or "").strip():
        raise ServiceError("请填写标题（或导入 Word 文件）。", "title_required")
    clean = _validate_fields(
        {
            "title": title,
            "body": body,
            "category": category or selectors.default_category(),
            "urgency": urgency,
            **fields,
        }
    )
    for _name, data in uploads:
        files.check_upload(size=len(data), data=data)  # refuse a bad file before anything is written
    with transaction.atomic():
        report = Report.objects.create(source_unit=unit, author=author, **clean)
        report.targets.set([desk])
        result = checks.run_checks(report)
        if result["blocking"]:
            raise ChecksFailed(result)
        record(wf.CREATE, by=by, obj=report, unit_id=unit.pk, payload={})
        BehalfRegistration.objects.create(
            report=report, channel=channel, unit=desk, registered_by=by, writer_name=writer
        )
        for name, data in [*uploads, *pictures]:
            files.attachment_store(report=report, by=by, name=name, size=len(data), data=data)

        def change(r: Report, t: Transition) -> str:
            r.review_chain, r.review_step = [], 0
            r.submitted_at = timezone.now()
            r.updated_at = r.submitted_at
            r.due_at = due_at_for(r)
            ReviewAction.objects.create(
                report=r,
                action=ReviewAction.Action.SUBMIT,
                actor=by,
                comment=f"由{desk.name}{by.full_name}代为登记（渠道：{Channel(channel).label}）",
            )
            t.details["channel"] = channel
            return _send(r, by)

        report = apply(wf.REGISTER, report, by, change=change)
    return report, notes


def registration_of(report: Report) -> BehalfRegistration | None:
    return BehalfRegistration.objects.filter(report=report).select_related("registered_by", "unit").first()


def registrations_by(user: User) -> QuerySet[BehalfRegistration]:
    """The registrations made at the desks this user works (newest first)."""
    return (
        BehalfRegistration.objects.filter(unit__in=behalf_desks(user))
        .select_related("report", "report__source_unit", "report__author", "registered_by", "unit")
        .order_by("-created_at", "-id")
    )


def registration_for(user: User, report_id: int) -> BehalfRegistration:
    found = registrations_by(user).filter(report_id=report_id).first()
    if found is None:
        raise NotFound()
    return found


def author_choices(user: User, unit_id: int, desk_id: int | None = None) -> list[User]:
    """For the form: who may be named as the author of an item of a unit reporting to the user's desk."""
    return list(behalf_authors(_unit_for(_desk_for(user, desk_id), unit_id)))


def registration_attach(*, registration: BehalfRegistration, by: User, name: str, data: bytes) -> Attachment:
    """A scan or file added afterwards by an editor of the registering desk (the paper copy arrives later
    than the phone call)."""
    if Role.EDITOR not in roles_in_unit(by, registration.unit_id):
        raise NotFound()
    return files.attachment_store(report=registration.report, by=by, name=name, size=len(data), data=data)


def behalf_channels(report_ids: list[int]) -> dict[int, str]:
    """For a list page: report id → the channel label of those registered on a unit's behalf."""
    labels = dict(Channel.choices)
    rows = BehalfRegistration.objects.filter(report_id__in=report_ids).values_list("report_id", "channel")
    return {report_id: str(labels.get(channel, channel)) for report_id, channel in rows}
