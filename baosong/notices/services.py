"""Notifications: the in-app centre, plus email (per the user's preference) and SMS for urgent items."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from baosong.core.actions import Transition, apply, record
from baosong.core.audit import audit_record
from baosong.core.errors import Forbidden, ServiceError
from baosong.core.events import event_emit
from baosong.core.notify import email_after_commit, sms_after_commit
from baosong.editorial.models import IssueItem, IssueItemSource, IssueStatus
from baosong.notices import workflow as wf
from baosong.notices.models import (
    Instruction,
    InstructionAssignment,
    InstructionFeedback,
    InstructionLevel,
    Notification,
    Solicitation,
    SolicitationTarget,
)
from baosong.orgs.models import BUSINESS_ROLES, Role, Unit, User
from baosong.orgs.selectors import roles_in_unit, units_acting_for
from baosong.reports import files
from baosong.reports.models import Report
from baosong.reports.wordimport import clean_text


def notify(
    *,
    users: Iterable[User],
    kind: str,
    title: str,
    body: str = "",
    url: str = "",
    urgent: bool = False,
    event_id: int | None = None,
) -> list[Notification]:
    created = []
    for user in {u.pk: u for u in users if u.is_active}.values():
        try:
            with transaction.atomic():
                note = Notification.objects.create(
                    user=user,
                    kind=kind,
                    title=title[:200],
                    body=body,
                    url=url,
                    urgent=urgent,
                    source_event_id=event_id,
                )
        except IntegrityError:
            continue  # already told about this event
        created.append(note)
        if user.email and user.email_notifications:
            link = f"{settings.SITE_URL}{url}" if url else settings.SITE_URL
            email_after_commit(to=[user.email], subject=f"【政务信息报送】{title}", body=f"{body}\n\n{link}")
        if urgent and user.mobile:
            sms_after_commit(mobile=user.mobile, text=f"{title}。请及时登录报送平台处理。")
    return created


def notifications_mark_read(*, user: User, ids: list[int] | None = None) -> int:
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())


# ---- instructions (批示) and their follow-up (督办反馈) -------------------------------------------------

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
    *, instruction: Instruction, by: User, unit_ids: list[int], due_on: dt.date | None
) -> list[InstructionAssignment]:
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


# ---- solicitations (约稿) and reporting priorities (报送要点) ---------------------------------------------


def solicitation_create(
    *,
    by: User,
    unit: Unit,
    title: str,
    kind: str = Solicitation.Kind.SOLICITATION,
    topic: str = "",
    requirements: str = "",
    deadline: dt.datetime | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    unit_ids: list[int] | None = None,
    subtree_of: list[int] | None = None,
    attachment_name: str = "",
    attachment: bytes | None = None,
) -> Solicitation:
    """An editor asks chosen units (or whole subtrees of their own unit) for items on a topic."""
    if Role.EDITOR not in roles_in_unit(by, unit):
        raise Forbidden("只有采编人员可以发布约稿和报送要点。")
    title = (title or "").strip()
    if not title:
        raise ServiceError("请填写标题。", "title_required")
    if kind not in Solicitation.Kind.values:
        raise ServiceError("类型无效。", "invalid_kind")
    if kind == Solicitation.Kind.SOLICITATION:
        if deadline is None:
            raise ServiceError("约稿须设定截止时间。", "deadline_required")
        if deadline <= timezone.now():
            raise ServiceError("截止时间须晚于现在。", "deadline_in_past")
    if period_start and period_end and period_end < period_start:
        raise ServiceError("报送要点的结束日期不能早于开始日期。", "invalid_period")
    # Targets: units below the issuing unit only (an office asks its own subtree).
    below = Unit.objects.filter(path__startswith=unit.path, is_active=True).exclude(pk=unit.pk)
    targets = set(below.filter(pk__in=unit_ids or []).values_list("pk", flat=True))
    if len(targets) != len(set(unit_ids or [])):
        raise ServiceError("约稿对象只能是本单位的下级单位。", "invalid_target")
    for root in below.filter(pk__in=subtree_of or []):
        targets |= set(below.filter(path__startswith=root.path).values_list("pk", flat=True))
    if not targets:
        raise ServiceError("请选择约稿对象单位。", "targets_required")
    stored, ctype = "", ""
    if attachment:
        kind_info = files.check_upload(size=len(attachment), data=attachment)
        stored, ctype = files.store_encrypted(attachment), kind_info.content_type
    with transaction.atomic():
        sol = Solicitation.objects.create(
            unit=unit, kind=kind, title=title[:200], topic=(topic or "").strip()[:100],
            requirements=clean_text(requirements or ""), deadline=deadline, period_start=period_start,
            period_end=period_end, attachment_name=attachment_name[:255] if attachment else "",
            attachment_stored=stored, attachment_type=ctype, created_by=by,
        )  # fmt: skip
        SolicitationTarget.objects.bulk_create(
            [SolicitationTarget(solicitation=sol, unit_id=pk) for pk in sorted(targets)], batch_size=2000
        )
        record(
            wf.SOLICITATION_CREATE,
            by=by,
            object_type="solicitation",
            unit_id=unit.pk,
            object_id=sol.pk,
            details={"kind": kind, "targets": len(targets)},
            payload={"kind": kind, "targets": len(targets), "by": by.pk},
        )
    return sol


def solicitation_mark_read(*, solicitation: Solicitation, user: User) -> int:
    """The target unit confirms reading (first opening by any of its members)."""
    member = units_acting_for(user, *BUSINESS_ROLES).values("pk")
    with transaction.atomic():
        count = SolicitationTarget.objects.filter(
            solicitation=solicitation, unit_id__in=member, read_at__isnull=True
        ).update(read_at=timezone.now(), read_by=user)
        if count:
            audit_record(
                wf.SOLICITATION_READ.code,
                user=user,
                unit_id=solicitation.unit_id,
                object_type="solicitation",
                object_id=solicitation.pk,
            )
    return count


def solicitation_record_answer(*, report_id: int, sent_at: dt.datetime) -> SolicitationTarget | None:
    """An item answering a notice was sent: the source unit's target row counts it (from report.sent)."""
    report = Report.objects.filter(pk=report_id, solicitation_id__isnull=False).first()
    if report is None or report.solicitation_id is None:
        return None
    target = (
        SolicitationTarget.objects.select_for_update()
        .filter(solicitation_id=report.solicitation_id, unit_id=report.source_unit_id)
        .first()
    )
    if target is None:
        return None
    target.answer_count += 1
    if target.first_answer_at is None:
        target.first_answer_at = report.sent_at or sent_at
    target.save(update_fields=["answer_count", "first_answer_at"])
    return target


def solicitations_tick(now: dt.datetime | None = None) -> dict[str, int]:
    """Reminders a day before the deadline; one `solicitation.missed` per unit that did not answer."""
    now = now or timezone.now()
    counts = {"reminders": 0, "missed": 0}
    open_targets = SolicitationTarget.objects.filter(
        solicitation__kind=Solicitation.Kind.SOLICITATION, first_answer_at__isnull=True
    )
    due_soon = open_targets.filter(
        reminded_at__isnull=True,
        solicitation__deadline__gt=now,
        solicitation__deadline__lte=now + dt.timedelta(hours=24),
    )
    missed = open_targets.filter(missed_at__isnull=True, solicitation__deadline__lt=now)
    for qs, field, event_type in (
        (due_soon, "reminded_at", str(wf.SOLICITATION_DUE_SOON.event)),
        (missed, "missed_at", str(wf.SOLICITATION_MISSED.event)),
    ):
        for target in qs.select_related("solicitation")[:5000]:
            with transaction.atomic():
                if not SolicitationTarget.objects.filter(pk=target.pk, **{f"{field}__isnull": True}).update(
                    **{field: now}
                ):
                    continue
                event_emit(
                    event_type,
                    object_type="solicitation",
                    object_id=target.solicitation_id,
                    unit_id=target.unit_id,
                    payload={
                        "target_id": target.pk,
                        "deadline": target.solicitation.deadline.isoformat()
                        if target.solicitation.deadline
                        else None,
                    },
                )
                counts["reminders" if field == "reminded_at" else "missed"] += 1
    return counts
