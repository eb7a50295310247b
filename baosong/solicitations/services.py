"""Solicitations (约稿) and reporting priorities (报送要点): the only writers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from baosong.core.actions import Action, record
from baosong.core.audit import audit_record
from baosong.core.errors import Forbidden, ServiceError
from baosong.core.events import event_emit
from baosong.orgs.models import BUSINESS_ROLES, ReportingLine, Role, Unit, User
from baosong.orgs.selectors import roles_in_unit, units_acting_for
from baosong.reports import files
from baosong.reports.models import Report, Submission, SubmissionStatus
from baosong.reports.wordimport import clean_text
from baosong.solicitations import selectors
from baosong.solicitations import workflow as wf
from baosong.solicitations.models import RelayedAnswer, Solicitation, SolicitationTarget
from baosong.workdays.calendar import due_in_workdays, end_of_day


def solicitation_create(
    *,
    by: User,
    unit: Unit,
    title: str,
    kind: str = Solicitation.Kind.SOLICITATION,
    topic: str = "",
    requirements: str = "",
    deadline: dt.datetime | None = None,
    deadline_workdays: int | None = None,
    period_start: dt.date | None = None,
    period_end: dt.date | None = None,
    unit_ids: list[int] | None = None,
    subtree_of: list[int] | None = None,
    attachment_name: str = "",
    attachment: bytes | None = None,
) -> Solicitation:
    """An editor asks chosen units (or whole subtrees of their own unit) for items on a topic. The deadline
    is a time, or ``deadline_workdays``: the end of the Nth working day from today on the issuing unit's
    calendar (it wins over ``deadline`` when both are given)."""
    if Role.EDITOR not in roles_in_unit(by, unit):
        raise Forbidden("只有采编人员可以发布约稿和报送要点。")
    if deadline_workdays is not None:
        deadline = end_of_day(due_in_workdays(deadline_workdays, unit=unit))
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
    targets = _targets(unit, unit_ids, subtree_of)
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
        _ask(sol, targets, wf.SOLICITATION_CREATE, by=by)
    return sol


def _ask(sol: Solicitation, targets: set[int], action: Action, *, by: User, **extra: int) -> None:
    """The notice's rows for the units asked, its audit record and the event that notifies them (in the
    caller's transaction)."""
    SolicitationTarget.objects.bulk_create(
        [SolicitationTarget(solicitation=sol, unit_id=pk) for pk in sorted(targets)], batch_size=2000
    )
    details: dict[str, Any] = {"kind": sol.kind, "targets": len(targets), **extra}
    record(
        action,
        by=by,
        object_type="solicitation",
        unit_id=sol.unit_id,
        object_id=sol.pk,
        details=details,
        payload={**details, "by": by.pk},
    )


def _targets(
    unit: Unit, unit_ids: list[int] | None, subtree_of: list[int] | None, *, reporting: bool = False
) -> set[int]:
    """Units below the issuing unit only (an office asks its own subtree); with ``reporting``, also the
    units whose direct reporting line (直报点) ends at it."""
    below = Unit.objects.filter(path__startswith=unit.path, is_active=True).exclude(pk=unit.pk)
    allowed = below
    if reporting:
        allowed = Unit.objects.filter(
            Q(pk__in=below.values("pk"))
            | Q(pk__in=ReportingLine.objects.filter(target=unit).values("unit_id"), is_active=True)
        )
    targets = set(allowed.filter(pk__in=unit_ids or []).values_list("pk", flat=True))
    if len(targets) != len(set(unit_ids or [])):
        raise ServiceError("约稿对象只能是本单位的下级单位。", "invalid_target")
    for root in below.filter(pk__in=subtree_of or []):
        targets |= set(below.filter(path__startswith=root.path).values_list("pk", flat=True))
    if not targets:
        raise ServiceError("请选择约稿对象单位。", "targets_required")
    return targets


def solicitation_relay(
    *,
    by: User,
    parent: Solicitation,
    unit: Unit,
    added_requirements: str = "",
    title: str = "",
    deadline: dt.datetime | None = None,
    deadline_workdays: int | None = None,
    unit_ids: list[int] | None = None,
    subtree_of: list[int] | None = None,
) -> Solicitation:
    """转发约稿: an editor of a unit the upper notice asked passes it on to units below (or reporting to)
    it, adding its own requirements and an earlier deadline (no later than the upper one; a number of
    working days on the relaying unit's calendar is allowed). A 报送要点 is relayed for its period."""
    if Role.EDITOR not in roles_in_unit(by, unit):
        raise Forbidden("只有采编人员可以转发约稿。")
    if not SolicitationTarget.objects.filter(solicitation=parent, unit=unit).exists():
        raise ServiceError("本单位不是该约稿的对象，不能转发。", "not_a_target")
    if Solicitation.objects.filter(relayed_from=parent, unit=unit).exists():
        raise ServiceError("本单位已转发过该约稿。", "already_relayed", status=409)
    if deadline_workdays is not None:
        deadline = end_of_day(due_in_workdays(deadline_workdays, unit=unit))
    if parent.kind == Solicitation.Kind.SOLICITATION:
        if deadline is None:
            raise ServiceError("转发约稿须设定截止时间（不晚于上级约稿的截止时间）。", "deadline_required")
        if parent.deadline is not None and parent.deadline <= timezone.now():
            raise ServiceError("上级约稿已截止，不能转发。", "parent_closed")
        if parent.deadline is not None and deadline > parent.deadline:
            limit = timezone.localtime(parent.deadline)
            raise ServiceError(
                f"转发的截止时间不能晚于上级约稿的截止时间（{limit:%Y-%m-%d %H:%M}）。",
                "deadline_after_parent",
            )
        if deadline <= timezone.now():
            raise ServiceError("截止时间须晚于现在。", "deadline_in_past")
    else:
        deadline = None  # 报送要点: the upper period holds
    targets = _targets(unit, unit_ids, subtree_of, reporting=True)
    added = clean_text(added_requirements or "")
    requirements = parent.requirements
    if added:
        requirements = f"{requirements}\n\n{unit.name}补充要求：{added}".strip()
    with transaction.atomic():
        try:
            with transaction.atomic():
                sol = Solicitation.objects.create(
                    unit=unit, kind=parent.kind, title=((title or "").strip() or parent.title)[:200],
                    topic=parent.topic, requirements=requirements, added_requirements=added,
                    deadline=deadline, period_start=parent.period_start, period_end=parent.period_end,
                    attachment_name=parent.attachment_name, attachment_stored=parent.attachment_stored,
                    attachment_type=parent.attachment_type, created_by=by, relayed_from=parent,
                )  # fmt: skip
        except IntegrityError as exc:  # a second editor relayed at the same moment
            raise ServiceError("本单位已转发过该约稿。", "already_relayed", status=409) from exc
        _ask(sol, targets, wf.SOLICITATION_RELAY, by=by, relayed_from=parent.pk)
    return sol


def solicitation_record_relayed_answer(*, submission_id: int, at: dt.datetime) -> RelayedAnswer | None:
    """A relaying unit adopted or forwarded an answer to its relay (from ``submission.adopt`` or
    ``submission.forward``): it counts once as that unit's answer to the upper notice, and a forwarded copy
    at the upper unit is tagged to the upper notice. Deeper chains work the same: a township's relay
    answered by a village, forwarded by the township to the county, answers the county's relay there."""
    sub = (
        Submission.objects.select_related("report")
        .filter(pk=submission_id, status__in=[SubmissionStatus.ADOPTED, SubmissionStatus.FORWARDED])
        .first()
    )
    if sub is None or sub.report.solicitation_id is None:
        return None
    relay = selectors.notice_of_unit(sub.report.solicitation_id, sub.target_unit_id)
    if relay is None or relay.relayed_from_id is None:
        return None
    parent = Solicitation.objects.get(pk=relay.relayed_from_id)
    forwarded = (
        Submission.objects.filter(forwarded_from=sub, target_unit_id=parent.unit_id, is_active=True)
        .order_by("pk")
        .first()
    )
    decision = RelayedAnswer.Decision.FORWARDED if sub.forwarded_at else RelayedAnswer.Decision.ADOPTED
    with transaction.atomic():
        target = (
            SolicitationTarget.objects.select_for_update()
            .filter(solicitation=parent, unit_id=relay.unit_id)
            .first()
        )
        if target is None:
            return None
        answer = RelayedAnswer.objects.filter(solicitation=parent, report=sub.report).first()
        if answer is not None:
            # Adopted first, forwarded later (县采用并转报): the same answer, now with its copy above.
            if decision == RelayedAnswer.Decision.FORWARDED and answer.forwarded_id is None:
                answer.decision, answer.forwarded, answer.submission = decision, forwarded, sub
                answer.save(update_fields=["decision", "forwarded", "submission"])
            return answer
        answer = RelayedAnswer.objects.create(
            solicitation=parent, relay=relay, unit_id=relay.unit_id, report=sub.report, submission=sub,
            forwarded=forwarded, decision=decision, counted_at=sub.decided_at or at,
        )  # fmt: skip
        target.answer_count += 1
        if target.first_answer_at is None:
            target.first_answer_at = answer.counted_at
        target.save(update_fields=["answer_count", "first_answer_at"])
    return answer


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
