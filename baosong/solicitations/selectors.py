"""Reads of solicitations (约稿) and 报送要点, scoped by what the user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from baosong.core.errors import NotFound
from baosong.orgs.models import BUSINESS_ROLES, Role, User
from baosong.orgs.selectors import acting_unit_ids
from baosong.reports.models import Report, Submission
from baosong.solicitations.models import SOLICITATION_STATES, Solicitation, SolicitationTarget


def _unit_ids(user: User, *roles: str) -> list[int]:
    return acting_unit_ids(user, *roles)


def solicitations_visible_to(user: User) -> QuerySet[Solicitation]:
    """Issued by a unit where the user edits, signs or leads, or sent to a unit the user belongs to."""
    desk = _unit_ids(user, Role.EDITOR, Role.CHIEF, Role.LEADER)
    member = _unit_ids(user, *BUSINESS_ROLES)
    targeted = SolicitationTarget.objects.filter(solicitation=OuterRef("pk"), unit_id__in=member)
    return Solicitation.objects.filter(Q(unit_id__in=desk) | Exists(targeted))


def solicitation_for(user: User, pk: int) -> Solicitation:
    found = solicitations_visible_to(user).select_related("unit", "created_by").filter(pk=pk).first()
    if found is None:
        raise NotFound()
    return found


def solicitation_list(user: User, *, kind: str | None = None) -> QuerySet[Solicitation]:
    qs = solicitations_visible_to(user).select_related("unit")
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-created_at", "-id")


def my_targets(user: User, solicitation_ids: list[int]) -> dict[int, SolicitationTarget]:
    """The user's own unit rows of these notices (read and answered state for the list page)."""
    member = _unit_ids(user, *BUSINESS_ROLES)
    rows = SolicitationTarget.objects.filter(solicitation_id__in=solicitation_ids, unit_id__in=member)
    return {t.solicitation_id: t for t in rows}


def open_solicitations_for_reporter(user: User) -> QuerySet[Solicitation]:
    """Notices a reporter's unit was asked and can still answer (the writing page's choices)."""
    units = _unit_ids(user, Role.REPORTER)
    now = timezone.now()
    today = timezone.localdate()
    return (
        Solicitation.objects.filter(targets__unit_id__in=units)
        .filter(
            Q(kind=Solicitation.Kind.SOLICITATION, deadline__gte=now - dt.timedelta(days=30))
            | Q(kind=Solicitation.Kind.PRIORITY) & (Q(period_end__isnull=True) | Q(period_end__gte=today))
        )
        .distinct()
        .order_by("-created_at")[:50]
    )


def solicitation_status(solicitation: Solicitation) -> dict[str, Any]:
    """Per unit: read, answered (with items and their fate), late, missing — and the totals."""
    now = timezone.now()
    targets = list(solicitation.targets.select_related("unit", "read_by").order_by("unit__path"))
    answers: dict[int, list[Report]] = {}
    reports = (
        Report.objects.filter(
            solicitation_id=solicitation.pk, source_unit_id__in=[t.unit_id for t in targets]
        )
        .exclude(status="draft")
        .prefetch_related(Prefetch("submissions", queryset=Submission.objects.select_related("target_unit")))
        .order_by("sent_at", "id")
    )
    for report in reports:
        answers.setdefault(report.source_unit_id, []).append(report)
    rows = [
        {"target": t, "state": t.state(solicitation.deadline, now), "reports": answers.get(t.unit_id, [])}
        for t in targets
    ]
    totals = {s: sum(1 for r in rows if r["state"] == s) for s in SOLICITATION_STATES}
    totals["read"] = sum(1 for t in targets if t.read_at)
    totals["all"] = len(targets)
    return {"rows": rows, "totals": totals}
