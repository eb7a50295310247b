"""Instructions (批示) and their follow-up (督办反馈): the only writers."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from baosong.core.actions import Transition, apply, record
from baosong.core.errors import Forbidden, ServiceError
from baosong.core.events import event_emit
from baosong.editorial.models import IssueItem, IssueItemSource, IssueStatus
from baosong.instructions import workflow as wf
from baosong.instructions.models import (
    Instruction,
    InstructionAssignment,
    InstructionFeedback,
    InstructionLevel,
)
from baosong.orgs.models import BUSINESS_ROLES, Role, Unit, User
from baosong.orgs.selectors import roles_in_unit, units_acting_for
from baosong.reports import files
from baosong.reports.wordimport import clean_text
from baosong.workdays.calendar import due_in_workdays

LEADER_LEVEL = {"national": "national", "province": "province", "city": "city"}  # lower levels: 县


def _desk_editor(instruction: Instruction, by: User) -> None:
    if Role.EDITOR not in roles_in_unit(by, instruction.unit):
        raise Forbidden("只有刊物所属单位的采编人员可以督办批示。")


def _assign(
    instruction: Instruction, unit_ids: list[int], due_on: dt.date | None
) -> list[InstructionAssignment]:
    if not unit_ids:
        return []
    if due_on is None:
        raise ServiceError("请填写落实反馈时限。", "due_required")
    if due_on < timezone.localdate(instruction.created_at):
        raise ServiceError("反馈时限不能早于批示登记日期。", "due_in_past")
    units = list(Unit.objects.filter(pk__in=unit_ids, is_active=True))
    if len(units) != len(set(unit_ids)):
        raise ServiceError("所选承办单位不存在或已停用。", "invalid_unit")
    sources = set(
        IssueItemSource.objects.filter(item_id=instruction.item_id).values_list(
            "submission__report__source_unit_id", flat=True
        )
    )
    root = instruction.unit.path
    if any(not u.path.startswith(root) and u.pk not in sources for u in units):
        raise ServiceError("承办单位只能是本单位的下级单位或所批信息的报送单位。", "invalid_unit")
    out = []
    for unit in units:
        assignment, created = InstructionAssignment.objects.get_or_create(
            instruction=instruction, unit=unit, defaults={"due_on": due_on}
        )
        if not created and assignment.due_on != due_on:
            assignment.due_on = due_on
            assignment.save(update_fields=["due_on"])
        out.append(assignment)
    return out


def instruction_create(
    *,
    by: User,
    item: IssueItem,
    text: str,
    leader_name: str = "",
    level: str = "",
    instructed_on: dt.date | None = None,
    unit_ids: list[int] | None = None,
    due_on: dt.date | None = None,
    scan_name: str = "",
    scan: bytes | None = None,
) -> Instruction:
    """A leader instructs in the system, or an editor of the publication's unit records one made on paper
    (leader, level, date, text, scan). Units concerned may be assigned at once or later."""
    text = clean_text(text or "")
    if not text.strip():
        raise ServiceError("请填写批示内容。", "text_required")
    issue = item.issue
    if issue.status not in {IssueStatus.SIGNED, IssueStatus.DISTRIBUTED, IssueStatus.PUBLISHED}:
        raise ServiceError("只能对已签发的刊物作批示。", "issue_not_released", status=409)
    unit = issue.publication.unit
    is_editor = Role.EDITOR in roles_in_unit(by, unit)
    leader_units = units_acting_for(by, Role.LEADER)
    recorded = bool(leader_name.strip()) or not leader_units.exists()
    if recorded:
        if not is_editor:
            raise Forbidden("只有领导本人或刊物所属单位的采编人员可以登记批示。")
        if not leader_name.strip():
            raise ServiceError("请填写批示领导姓名。", "leader_required")
        if level not in InstructionLevel.values:
            raise ServiceError("请选择批示级别（国家、省、市、县）。", "invalid_level")
        if instructed_on is None:
            raise ServiceError("请填写批示日期。", "date_required")
        if instructed_on > timezone.localdate():
            raise ServiceError("批示日期不能晚于今天。", "date_in_future")
    instructed_on = instructed_on or timezone.localdate()
    if unit_ids and not is_editor:
        unit_ids = None  # the leader instructs; the editor decides who follows it up
    stored, kind_type = "", ""
    if scan:
        kind = files.check_upload(size=len(scan), data=scan)
        stored, kind_type = files.store_encrypted(scan), kind.content_type
    with transaction.atomic():
        if recorded:
            instruction = Instruction.objects.create(
                issue=issue,
                item=item,
                unit=unit,
                leader_name=leader_name.strip()[:50],
                level=level,
                instructed_on=instructed_on,
                text=text,
                recorded_by=by,
                scan_name=scan_name[:255] if scan else "",
                scan_stored=stored,
                scan_type=kind_type,
            )
        else:
            leader_unit = leader_units.order_by("depth").first()
            instruction = Instruction.objects.create(
                issue=issue,
                item=item,
                unit=unit,
                leader=by,
                leader_name=by.full_name,
                level=LEADER_LEVEL.get(leader_unit.level if leader_unit else "", InstructionLevel.COUNTY),
                instructed_on=timezone.localdate(),
                text=text,
                recorded_by=by,
                scan_name=scan_name[:255] if scan else "",
                scan_stored=stored,
                scan_type=kind_type,
            )
        assignments = _assign(instruction, list(dict.fromkeys(unit_ids or [])), due_on)
        record(
            wf.CREATE,
            by=by,
            unit_id=unit.pk,
            object_id=instruction.pk,
            details={
                "recorded": recorded,
                "level": instruction.level,
                "units": [a.unit_id for a in assignments],
            },
            payload={
                "level": instruction.level,
                "issue_id": issue.pk,
                "submissions": list(item.sources.values_list("submission_id", flat=True)),
                "assigned": [a.unit_id for a in assignments],
                "by": by.pk,
            },
        )
    return instruction


def instruction_assign(
    *,
    instruction: Instruction,
    by: User,
    unit_ids: list[int],
    due_on: dt.date | None,
    due_workdays: int | None = None,
) -> list[InstructionAssignment]:
    """Route the instruction to the units concerned with a feedback deadline: a date, or ``due_workdays``
    working days from today on the instruction's unit's calendar (it wins over ``due_on``)."""
    if due_workdays is not None:
        due_on = due_in_workdays(due_workdays, unit=instruction.unit)
    with transaction.atomic():
        instruction = Instruction.objects.select_for_update().get(pk=instruction.pk)
        _desk_editor(instruction, by)
        if instruction.status == Instruction.Status.CLOSED:
            raise ServiceError("该批示已办结。", "closed", status=409)
        if not unit_ids:
            raise ServiceError("请选择承办单位。", "units_required")
        assignments = _assign(instruction, list(dict.fromkeys(unit_ids)), due_on)
        record(
            wf.ASSIGN,
            by=by,
            unit_id=instruction.unit_id,
            object_id=instruction.pk,
            details={"units": [a.unit_id for a in assignments], "due_on": str(due_on)},
            payload={"assigned": [a.unit_id for a in assignments], "by": by.pk},
        )
    return assignments


def instruction_feedback(
    *, instruction: Instruction, by: User, text: str, unit_id: int | None = None
) -> InstructionFeedback:
    """落实情况 from an assigned unit; several may follow until the editor closes the instruction."""
    text = clean_text(text or "")
    if not text.strip():
        raise ServiceError("请填写落实情况。", "text_required")
    member_units = set(units_acting_for(by, *BUSINESS_ROLES).values_list("pk", flat=True))
    with transaction.atomic():
        instruction = Instruction.objects.select_for_update().get(pk=instruction.pk)
        if instruction.status == Instruction.Status.CLOSED:
            raise ServiceError("该批示已办结，不能再反馈。", "closed", status=409)
        mine = [a for a in instruction.assignments.select_for_update() if a.unit_id in member_units]
        if unit_id is not None:
            mine = [a for a in mine if a.unit_id == unit_id]
        if not mine:
            raise Forbidden("只有承办单位可以反馈落实情况。")
        assignment = mine[0]
        now = timezone.now()
        if assignment.first_feedback_at is None:
            assignment.first_feedback_at = now
            assignment.late = timezone.localdate(now) > assignment.due_on
        assignment.last_feedback_at = now
        assignment.save()
        feedback = InstructionFeedback.objects.create(assignment=assignment, text=text, by=by, created_at=now)
        record(
            wf.FEEDBACK,
            by=by,
            unit_id=assignment.unit_id,
            object_id=instruction.pk,
            details={"feedback": feedback.pk, "late": assignment.late},
            payload={"feedback_id": feedback.pk, "late": assignment.late, "by": by.pk},
        )
    return feedback


def instruction_close(*, instruction: Instruction, by: User, comment: str = "") -> Instruction:
    def change(i: Instruction, t: Transition) -> None:
        i.closed_at, i.closed_by = timezone.now(), by
        i.close_comment = (comment or "").strip()
        t.details["comment"] = i.close_comment

    return apply(wf.CLOSE, instruction, by, change=change)


def instructions_overdue_tick() -> int:
    """The clock: each assignment past its deadline without feedback raises one overdue event (scoring
    counts it, the notification centre warns both sides)."""
    today = timezone.localdate()
    due = InstructionAssignment.objects.filter(
        instruction__status=Instruction.Status.OPEN,
        first_feedback_at__isnull=True,
        overdue_alarmed_at__isnull=True,
        due_on__lt=today,
    ).select_related("instruction")
    count = 0
    for assignment in due:
        with transaction.atomic():
            if not InstructionAssignment.objects.filter(
                pk=assignment.pk, overdue_alarmed_at__isnull=True
            ).update(overdue_alarmed_at=timezone.now()):
                continue
            event_emit(
                wf.OVERDUE.code,
                object_type="instruction",
                object_id=assignment.instruction_id,
                unit_id=assignment.unit_id,
                payload={"assignment_id": assignment.pk, "due_on": assignment.due_on.isoformat()},
            )
            count += 1
    return count
