"""Reads of instructions (批示), scoped by what the user may see."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from baosong.core.errors import NotFound
from baosong.editorial.models import IssueItemSource
from baosong.instructions.models import Instruction, InstructionAssignment, InstructionFeedback
from baosong.orgs.models import BUSINESS_ROLES, Role, User
from baosong.orgs.selectors import acting_unit_ids
from baosong.reports.models import Report


def _unit_ids(user: User, *roles: str) -> list[int]:
    return acting_unit_ids(user, *roles)


def instructions_visible_to(user: User) -> QuerySet[Instruction]:
    """The following-up unit's desk (editors, chiefs, leaders), the leader who wrote it, the units it is
    assigned to, and the source units of the instructed item (they see it on their item's trail)."""
    desk = _unit_ids(user, Role.EDITOR, Role.CHIEF, Role.LEADER)
    member = _unit_ids(user, *BUSINESS_ROLES)
    assigned = InstructionAssignment.objects.filter(instruction=OuterRef("pk"), unit_id__in=member)
    sourced = IssueItemSource.objects.filter(
        item=OuterRef("item_id"), submission__report__source_unit_id__in=member
    )
    return Instruction.objects.filter(
        Q(unit_id__in=desk) | Q(leader=user) | Exists(assigned) | Exists(sourced)
    )


def instruction_for(user: User, pk: int) -> Instruction:
    found = (
        instructions_visible_to(user)
        .select_related("issue__publication__unit", "item", "unit", "leader", "recorded_by", "closed_by")
        .prefetch_related(
            Prefetch(
                "assignments",
                queryset=InstructionAssignment.objects.select_related("unit").prefetch_related(
                    Prefetch("feedback", queryset=InstructionFeedback.objects.select_related("by"))
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def instruction_list(
    user: User, *, status: str | None = None, overdue: bool = False
) -> QuerySet[Instruction]:
    qs = instructions_visible_to(user).select_related("issue__publication", "item", "unit")
    if status:
        qs = qs.filter(status=status)
    if overdue:
        qs = qs.filter(Exists(overdue_assignments().filter(instruction=OuterRef("pk"))))
    return qs.prefetch_related(
        Prefetch("assignments", queryset=InstructionAssignment.objects.select_related("unit"))
    ).order_by("-created_at", "-id")


def overdue_assignments() -> QuerySet[InstructionAssignment]:
    """Open instructions whose unit has not answered by the deadline."""
    return InstructionAssignment.objects.filter(
        instruction__status=Instruction.Status.OPEN,
        first_feedback_at__isnull=True,
        due_on__lt=timezone.localdate(),
    )


def assignments_to_answer(user: User) -> QuerySet[InstructionAssignment]:
    return (
        InstructionAssignment.objects.filter(
            unit_id__in=_unit_ids(user, *BUSINESS_ROLES), instruction__status=Instruction.Status.OPEN
        )
        .select_related("instruction__issue__publication", "unit")
        .order_by("due_on")
    )


def instructions_for_report(user: User, report: Report) -> QuerySet[Instruction]:
    return (
        instructions_visible_to(user)
        .filter(item__sources__submission__report=report)
        .select_related("issue__publication")
        .distinct()
        .order_by("created_at")
    )
