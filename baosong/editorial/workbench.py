"""工作台 panels of issues: the editor's issues in hand, the signer's queue, what waits to be read."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min, Q

from baosong.core.workbench import Viewer, register_panel, waited
from baosong.editorial import selectors
from baosong.editorial.models import Issue, IssueStatus
from baosong.orgs.models import Role

LIST_SIZE = 5


def desk_panel(viewer: Viewer) -> dict[str, Any] | None:
    """采编人员: my unit's issues being composed, sent back by the signer, or waiting for signature."""
    units = viewer.units(Role.EDITOR)
    if not units:
        return None
    live = Issue.objects.filter(
        publication__unit_id__in=units, status__in=[IssueStatus.EDITING, IssueStatus.PENDING_SIGNATURE]
    )
    returned = Q(status=IssueStatus.EDITING) & ~Q(return_comment="")
    counts = live.aggregate(
        editing=Count("id", filter=Q(status=IssueStatus.EDITING) & Q(return_comment="")),
        returned=Count("id", filter=returned),
        pending=Count("id", filter=Q(status=IssueStatus.PENDING_SIGNATURE)),
    )
    issues = list(
        live.select_related("publication")
        .annotate(item_count=Count("items"))
        .order_by("status", "-updated_at", "-id")[:LIST_SIZE]  # editing before pending_signature
    )
    return {"counts": counts, "issues": issues}


def signing_panel(viewer: Viewer) -> dict[str, Any] | None:
    """主编 (or the leader a publication names as signer): issues waiting for 签发."""
    if not viewer.has(Role.CHIEF, Role.LEADER):
        return None
    queue = selectors.signing_queue(viewer.user)
    figures = queue.aggregate(n=Count("id", distinct=True), oldest=Min("submitted_at"))
    if not figures["n"] and not viewer.has(Role.CHIEF):
        return None
    signed = list(
        Issue.objects.filter(signed_by=viewer.user)
        .select_related("publication")
        .order_by("-signed_at", "-id")[:3]
    )
    return {
        "count": figures["n"],
        "issues": list(queue[:LIST_SIZE]),
        "oldest_waited": waited(figures["oldest"], viewer.now),
        "signed": signed,
    }


def reading_panel(viewer: Viewer) -> dict[str, Any] | None:
    """领导 and every recipient: distributed issues not yet opened (传阅)."""
    unread = (
        selectors.reading_lines(viewer.user)
        .filter(read_at__isnull=True)
        .exclude(issue__status=IssueStatus.WITHDRAWN)
    )
    count = unread.values("issue_id").distinct().count()
    if not count and not viewer.has(Role.LEADER, Role.CHIEF):
        return None
    lines = list(
        unread.select_related("issue__publication").order_by("-delivered_at", "-id")[: LIST_SIZE * 2]
    )
    seen: set[int] = set()
    issues = []
    for line in lines:
        if line.issue_id not in seen:
            seen.add(line.issue_id)
            issues.append(line)
    return {"count": count, "lines": issues[:LIST_SIZE]}


def register() -> None:
    register_panel(
        "editorial.signing", order=12, template="editorial/partials/wb_signing.html", build=signing_panel
    )
    register_panel(
        "editorial.reading", order=14, template="editorial/partials/wb_reading.html", build=reading_panel
    )
    register_panel("editorial.desk", order=31, template="editorial/partials/wb_desk.html", build=desk_panel)
