"""Search consumes the domain events after commit (core.outbox): every event that changes indexed content
re-indexes the objects it names, at once (an item or an issue is a few milliseconds). Edits that emit no
event (a draft's autosave, an issue being edited) are caught by the periodic ``catch_up`` job."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from baosong.core.models import DomainEvent
from baosong.editorial.models import Issue, IssueItemSource
from baosong.reports.models import Report, Submission
from baosong.search import indexer
from baosong.search.models import DocKind, SearchState


def _issue_report_ids(issue_id: int) -> list[int]:
    return list(
        IssueItemSource.objects.filter(item__issue_id=issue_id)
        .values_list("submission__report_id", flat=True)
        .distinct()
    )


def on_event(event: DomainEvent) -> None:
    kind, _, _action = event.event_type.partition(".")
    if kind == "report":
        indexer.index(DocKind.ITEM, [event.object_id])
    elif kind == "submission":
        report_id = (event.payload or {}).get("report_id") or (
            Submission.objects.filter(pk=event.object_id).values_list("report_id", flat=True).first()
        )
        if report_id:
            indexer.index(DocKind.ITEM, [report_id])
    elif kind == "issue":
        indexer.index(DocKind.ISSUE, [event.object_id])
        # Signing credits the adoptions and a withdrawal drops them: the items' publication changes.
        indexer.index(DocKind.ITEM, _issue_report_ids(event.object_id))
    elif kind == "bulletin":
        indexer.index(DocKind.BULLETIN, [event.object_id])


def catch_up() -> int:
    """Periodic: index items and issues changed since the last run without an event (drafts, autosave,
    issue editing), and re-read the unit dictionary when the unit table changed."""
    state = SearchState.current()
    stamp = indexer.unit_stamp()
    if stamp != state.unit_stamp:
        indexer.dictionary_bump()
    written = 0
    now = timezone.now()
    if state.items_watermark is None:  # first run: events index from now on; `reindex` covers the past
        SearchState.objects.filter(pk=state.pk).update(items_watermark=now, issues_watermark=now)
    else:
        ids = list(Report.objects.filter(updated_at__gte=state.items_watermark).values_list("pk", flat=True))
        written += indexer.index(DocKind.ITEM, ids)
        issues = list(
            Issue.objects.filter(
                Q(updated_at__gte=state.issues_watermark or state.items_watermark)
            ).values_list("pk", flat=True)
        )
        written += indexer.index(DocKind.ISSUE, issues)
        SearchState.objects.filter(pk=state.pk).update(items_watermark=now, issues_watermark=now)
    return written
