"""工作台 panels of notices: 约稿 and 报送要点 to answer, 约稿 answers due, 批示 follow-up."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from baosong.core.workbench import Viewer, register_panel, remaining
from baosong.notices.models import Instruction, InstructionAssignment, Solicitation, SolicitationTarget
from baosong.orgs.models import BUSINESS_ROLES, Role

LIST_SIZE = 5


def asked_panel(viewer: Viewer) -> dict[str, Any] | None:
    """信息员: 约稿 my unit has not answered yet, nearest deadline first, and the 报送要点 in force."""
    units = viewer.units(Role.REPORTER)
    if not units:
        return None
    open_targets = SolicitationTarget.objects.filter(
        unit_id__in=units,
        first_answer_at__isnull=True,
        solicitation__kind=Solicitation.Kind.SOLICITATION,
        solicitation__deadline__gte=viewer.now,
    )
    count = open_targets.values("solicitation_id").distinct().count()
    targets = list(
        open_targets.select_related("solicitation__unit").order_by("solicitation__deadline", "id")[:LIST_SIZE]
    )
    for t in targets:
        t.remaining = remaining(t.solicitation.deadline, viewer.now)  # type: ignore[attr-defined]
    priorities = list(
        Solicitation.objects.filter(kind=Solicitation.Kind.PRIORITY, targets__unit_id__in=units)
        .filter(Q(period_end__isnull=True) | Q(period_end__gte=viewer.today))
        .select_related("unit")
        .distinct()
        .order_by("-created_at")[:3]
    )
    return {"count": count, "targets": targets, "priorities": priorities}


def solicitations_due_panel(viewer: Viewer) -> dict[str, Any] | None:
    """采编人员: my unit's open 约稿, with how many asked units have answered."""
    units = viewer.units(Role.EDITOR)
    if not units:
        return None
    open_ = Solicitation.objects.filter(
        unit_id__in=units, kind=Solicitation.Kind.SOLICITATION, deadline__gte=viewer.now
    )
    count = open_.count()
    rows = list(
        open_.annotate(
            asked=Count("targets", distinct=True),
            answered=Count("targets", filter=Q(targets__first_answer_at__isnull=False), distinct=True),
        ).order_by("deadline", "id")[:LIST_SIZE]
    )
    for s in rows:
        s.remaining = remaining(s.deadline, viewer.now)  # type: ignore[attr-defined]
    return {"count": count, "rows": rows}


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
    owed = list(
        owed_qs.select_related("instruction__issue__publication", "unit").order_by("due_on", "id")[:LIST_SIZE]
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
        overdue = list(overdue_qs.select_related("instruction", "unit").order_by("due_on", "id")[:LIST_SIZE])
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
    register_panel("notices.asked", order=21, template="notices/partials/wb_asked.html", build=asked_panel)
    register_panel(
        "notices.solicitations", order=32, template="notices/partials/wb_solicitations.html",
        build=solicitations_due_panel,
    )  # fmt: skip
    register_panel(
        "notices.instructions", order=30, template="notices/partials/wb_instructions.html",
        build=instructions_panel,
    )  # fmt: skip
