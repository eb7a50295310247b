"""工作台 panels of solicitations: 约稿 and 报送要点 to answer, 约稿 answers due."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from baosong.core.workbench import Viewer, register_panel, remaining
from baosong.orgs.models import Role
from baosong.solicitations.models import Solicitation, SolicitationTarget

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


def register() -> None:
    register_panel(
        "solicitations.asked", order=21, template="solicitations/partials/wb_asked.html", build=asked_panel
    )
    register_panel(
        "solicitations.due", order=32, template="solicitations/partials/wb_solicitations.html",
        build=solicitations_due_panel,
    )  # fmt: skip
