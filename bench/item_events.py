"""The domain events the workflow would have written for seed_items' rows (it writes the rows directly):
report.sent for every sent item, submission.adopt for every adoption. The statistics rollups and the
ledger are built from these events, so the benchmarks write them before rebuilding either.
Needs a configured Django (call after django.setup())."""

from __future__ import annotations


def write_item_events() -> int:
    from baosong.core.models import DomainEvent
    from baosong.reports.models import Report, Submission

    rows = []
    for pk, unit_id, sent_at, late, category, urgency in (
        Report.objects.filter(sent_at__isnull=False)
        .values_list("pk", "source_unit_id", "sent_at", "late", "category", "urgency")
        .iterator(chunk_size=5000)
    ):
        rows.append(
            DomainEvent(
                event_type="report.sent",
                object_type="report",
                object_id=pk,
                unit_id=unit_id,
                created_at=sent_at,
                payload={"targets": [], "urgent": urgency != "normal", "late": late, "category": category},
            )
        )
    for pk, unit_id, decided_at, usage in (
        Submission.objects.filter(status="adopted")
        .values_list("pk", "target_unit_id", "decided_at", "usage")
        .iterator(chunk_size=5000)
    ):
        rows.append(
            DomainEvent(
                event_type="submission.adopt",
                object_type="submission",
                object_id=pk,
                unit_id=unit_id,
                created_at=decided_at,
                payload={"usage": usage or "special_report"},
            )
        )
    rows.sort(key=lambda e: e.created_at)
    DomainEvent.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
