"""工作台 panel of instructions: feedback owed, feedback overdue, the leader's own 批示."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from baosong.core.workbench import Viewer, register_panel
from baosong.instructions.models import Instruction, InstructionAssignment
from baosong.orgs.models import BUSINESS_ROLES, Role

LIST_SIZE = 5


def instructions_panel(viewer: Viewer) -> dict[str, Any] | None:
    """批示: feedback my unit owes; feedback overdue on the instructions my unit follows up (editors);
    the leader's own instructions with their feedback state."""
    members = viewer.units(*BUSINESS_ROLES)
    desk = viewer.units(Role.EDITOR)
    is_leader = viewer.has(Role.LEADER)
    if not members:
        return None
    owed_qs = InstructionAssignment.objects.filter(
        unit_id__in=members, instruction__status=Instruction.Status.OPEN, first_feedback_at__isnull=True
    )
    owed_count = owed_qs.count()
    # An empty count needs no list query (most people owe nothing on most days).
    owed = (
        list(
            owed_qs.select_related("instruction__issue__publication", "unit").order_by("due_on", "id")[
                :LIST_SIZE
            ]
        )
        if owed_count
        else []
    )
    overdue_count = 0
    overdue: list[InstructionAssignment] = []
    if desk:
        overdue_qs = InstructionAssignment.objects.filter(
            instruction__unit_id__in=desk,
            instruction__status=Instruction.Status.OPEN,
            first_feedback_at__isnull=True,
            due_on__lt=viewer.today,
        )
        overdue_count = overdue_qs.count()
        if overdue_count:
            overdue = list(
                overdue_qs.select_related("instruction", "unit").order_by("due_on", "id")[:LIST_SIZE]
            )
    mine: list[Instruction] = []
    mine_open = 0
    if is_leader:
        my_qs = Instruction.objects.filter(leader=viewer.user)
        mine_open = my_qs.filter(status=Instruction.Status.OPEN).count()
        mine = list(
            my_qs.select_related("issue__publication")
            .annotate(
                assigned=Count("assignments", distinct=True),
                answered=Count(
                    "assignments", filter=Q(assignments__first_feedback_at__isnull=False), distinct=True
                ),
                late=Count(
                    "assignments",
                    filter=Q(
                        assignments__first_feedback_at__isnull=True, assignments__due_on__lt=viewer.today
                    ),
                    distinct=True,
                ),
            )
            .order_by("status", "-created_at", "-id")[:LIST_SIZE]
        )
    if not (owed_count or overdue_count or is_leader or desk):
        return None
    return {
        "owed_count": owed_count,
        "owed": owed,
        "overdue_count": overdue_count,
        "overdue": overdue,
        "is_desk": bool(desk),
        "is_leader": is_leader,
        "mine": mine,
        "mine_open": mine_open,
        "today": viewer.today,
    }


def register() -> None:
    register_panel(
        "instructions.instructions", order=30, template="instructions/partials/wb_instructions.html",
        build=instructions_panel,
    )  # fmt: skip
