"""工作台 panels of the reporting workflow: the author's desk, the reviewer's queue, the editor's inbox.

Each builder runs a fixed number of queries whatever the number of waiting items (counts are one
aggregate, lists are sliced), so every role's workbench keeps one query budget.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Min, Q

from baosong.core.workbench import Viewer, register_panel, remaining, waited
from baosong.orgs.models import Role
from baosong.reports import selectors
from baosong.reports.models import (
    Report,
    ReportStatus,
    ReviewAction,
    Submission,
    SubmissionStatus,
    VerificationRequest,
    VerificationStatus,
)

LIST_SIZE = 5


@dataclass(frozen=True)
class Returned:
    """An item sent back to its author, by the unit's review or by an upper unit's editor."""

    title: str
    url: str
    by: str
    comment: str
    at: dt.datetime


OPEN = [SubmissionStatus.RECEIVED, SubmissionStatus.CLAIMED]


def author_panel(viewer: Viewer) -> dict[str, Any] | None:
    """信息员: write, drafts, items returned for revision, what happened to my items lately."""
    if not viewer.has(Role.REPORTER):
        return None
    user = viewer.user
    mine = Report.objects.filter(author=user)
    counts = mine.aggregate(
        draft=Count("id", filter=Q(status=ReportStatus.DRAFT)),
        in_review=Count("id", filter=Q(status=ReportStatus.IN_REVIEW)),
        review_returned=Count("id", filter=Q(status=ReportStatus.RETURNED)),
    )
    drafts = list(
        mine.filter(status=ReportStatus.DRAFT)
        .only("id", "title", "updated_at")
        .order_by("-updated_at")[:LIST_SIZE]
    )
    # Returned by a review step in the unit, or by an upper unit's editor (the same submission waits).
    review_returned = list(
        mine.filter(status=ReportStatus.RETURNED)
        .only("id", "title", "updated_at")
        .order_by("-updated_at")[:LIST_SIZE]
    )
    comments = dict(
        ReviewAction.objects.filter(
            report_id__in=[r.pk for r in review_returned], action=ReviewAction.Action.RETURN
        )
        .order_by("report_id", "created_at")
        .values_list("report_id", "comment")
    )
    upper_returned_qs = Submission.objects.filter(
        report__author=user, is_active=True, status=SubmissionStatus.RETURNED
    )
    upper_returned_count = upper_returned_qs.count()
    upper_returned = list(upper_returned_qs.select_related("target_unit").order_by("-decided_at")[:LIST_SIZE])
    returned = [
        Returned(r.title, f"/reports/{r.pk}/", "本单位审核", comments.get(r.pk, ""), r.updated_at)
        for r in review_returned
    ] + [
        Returned(
            s.title, f"/reports/{s.report_id}/", s.target_unit.name, s.comment, s.decided_at or viewer.now
        )
        for s in upper_returned
    ]
    returned.sort(key=lambda row: row.at, reverse=True)
    decisions = list(
        Submission.objects.filter(report__author=user, decided_at__isnull=False)
        .exclude(status=SubmissionStatus.RETURNED)
        .select_related("target_unit")
        .order_by("-decided_at", "-id")[:LIST_SIZE]
    )
    return {
        "counts": {**counts, "returned": counts["review_returned"] + upper_returned_count},
        "drafts": drafts,
        "returned": returned[:LIST_SIZE],
        "decisions": decisions,
    }


def review_panel(viewer: Viewer) -> dict[str, Any] | None:
    """审核人: the items at a review step that is mine, oldest first."""
    if not viewer.has(Role.REVIEWER, Role.CHIEF, Role.LEADER, Role.EDITOR):
        return None
    waiting = selectors.reviews_waiting_for(viewer.user)
    # 转报 waiting for my signature (a 转报签发 chain names a role of mine, here or in another unit).
    forwards = selectors.forward_queue(viewer.user)
    forward_count = forwards.count()
    if not waiting and not forward_count and not viewer.has(Role.REVIEWER):
        return None  # chiefs, leaders and editors see the card only when a chain names them
    oldest = waiting[0].submitted_at if waiting else None
    return {
        "count": len(waiting),
        "items": waiting[:LIST_SIZE],
        "oldest_waited": waited(oldest, viewer.now),
        "forward_count": forward_count,
        "forwards": list(forwards[:LIST_SIZE]) if forward_count else [],
    }


def inbox_panel(viewer: Viewer) -> dict[str, Any] | None:
    """采编人员: what waits to be received or is in hand, urgent first by remaining time."""
    units = viewer.units(Role.EDITOR)
    if not units:
        return None
    open_ = Submission.objects.filter(target_unit_id__in=units, is_active=True, status__in=OPEN)
    urgent = Q(urgency_rank__lt=2)
    counts = open_.aggregate(
        received=Count("id", filter=Q(status=SubmissionStatus.RECEIVED)),
        claimed=Count("id", filter=Q(status=SubmissionStatus.CLAIMED)),
        mine=Count("id", filter=Q(status=SubmissionStatus.CLAIMED, claimed_by=viewer.user)),
        urgent=Count("id", filter=urgent),
        overdue=Count("id", filter=Q(due_at__lt=viewer.now)),
        nearest_urgent=Min("due_at", filter=urgent & Q(due_at__gte=viewer.now)),
    )
    items = (
        []
        if not (counts["received"] or counts["claimed"])
        else list(
            selectors.in_inbox_order(
                open_.select_related("report__source_unit", "claimed_by").only(
                    *("id", "title", "status", "urgency_rank", "received_at", "due_at", "report_id"),
                    *(
                        "report__source_unit_id",
                        "report__source_unit__name",
                        "report__source_unit__short_name",
                    ),
                    *("claimed_by_id", "claimed_by__full_name"),
                )
            )[:LIST_SIZE]
        )
    )
    for sub in items:
        sub.remaining = remaining(sub.due_at, viewer.now)  # type: ignore[attr-defined]
    nearest = counts.pop("nearest_urgent")
    return {
        "counts": counts,
        "items": items,
        "nearest_due": nearest,
        "nearest_text": remaining(nearest, viewer.now),
        "now": viewer.now,
    }


ANSWERED_RECENTLY = dt.timedelta(days=7)


def verify_panel(viewer: Viewer) -> dict[str, Any] | None:
    """核实: for the source unit's 信息员, the requests waiting for their answer (longest waiting first); for
    editors, how many of their unit's requests are still open and the answers of the last week. Shown only
    when there is something: one aggregate, then the lists that have rows."""
    answer_units, ask_units = viewer.units(Role.REPORTER), viewer.units(Role.EDITOR)
    if not answer_units and not ask_units:
        return None
    V = VerificationStatus
    to_answer = Q(source_unit_id__in=answer_units, status=V.OPEN)
    asked_open = Q(asking_unit_id__in=ask_units, status=V.OPEN)
    answered = Q(
        asking_unit_id__in=ask_units, status=V.ANSWERED, answered_at__gte=viewer.now - ANSWERED_RECENTLY
    )
    counts = VerificationRequest.objects.filter(to_answer | asked_open | answered).aggregate(
        to_answer=Count("id", filter=to_answer),
        asked_open=Count("id", filter=asked_open),
        answered=Count("id", filter=answered),
    )
    if not any(counts.values()):
        return None
    rows = VerificationRequest.objects.select_related("report", "asking_unit", "source_unit").only(
        *(
            "id",
            "question",
            "asked_at",
            "answered_at",
            "due_at",
            "submission_id",
            "report_id",
            "report__title",
        ),
        *("asking_unit__name", "asking_unit__short_name", "source_unit__name", "source_unit__short_name"),
    )
    waiting = (
        list(rows.filter(to_answer).order_by("asked_at", "id")[:LIST_SIZE]) if counts["to_answer"] else []
    )
    for v in waiting:
        v.waited = waited(v.asked_at, viewer.now)  # type: ignore[attr-defined]
        v.remaining = remaining(v.due_at, viewer.now)  # type: ignore[attr-defined]
    recent = (
        list(rows.filter(answered).order_by("-answered_at", "-id")[:LIST_SIZE]) if counts["answered"] else []
    )
    for v in recent:
        v.took = waited(v.asked_at, v.answered_at or viewer.now).replace("已等待", "用时")  # type: ignore[attr-defined]
    return {"counts": counts, "waiting": waiting, "answered": recent, "now": viewer.now}


def register() -> None:
    register_panel("reports.verify", order=12, template="reports/partials/wb_verify.html", build=verify_panel)
    register_panel("reports.author", order=10, template="reports/partials/wb_author.html", build=author_panel)
    register_panel("reports.review", order=13, template="reports/partials/wb_review.html", build=review_panel)
    register_panel("reports.inbox", order=11, template="reports/partials/wb_inbox.html", build=inbox_panel)
