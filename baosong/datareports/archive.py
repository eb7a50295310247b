"""The archive of structured reports: every submitted version is kept for the retention period the system
administrator sets (``ArchivePolicy.retention_years``, ten years by default), then removed.

Only whole collections go, never a part of a roll-up chain (a province's version refers to its cities'
versions, theirs to their counties'…): a collection is purged when its period ended, and its last version
was submitted, more than ``retention_years`` ago — a late correction keeps the whole collection for its own
full period. Its versions, its returns and the collection itself are deleted in one transaction with one
audit record naming what went. Run daily by the task worker (``archive_tick``)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from baosong.core.actions import detail_labels, record
from baosong.datareports import workflow as wf
from baosong.datareports.models import ArchivePolicy, Collection, Return, ReturnVersion

PERIODIC_SECONDS = 24 * 3600

detail_labels(types=(wf.ARCHIVE_PURGE.audit or "",), count="版本数", returns="报表数")


def retention_cutoff(today: dt.date, years: int) -> dt.date:
    """The same day ``years`` years before (29 February falls back to the 28th)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def expired_collections(today: dt.date | None = None) -> list[Collection]:
    """Collections whose period ended and whose last version was submitted before the cut-off."""
    today = today or timezone.localdate()
    cutoff = retention_cutoff(today, ArchivePolicy.current().retention_years)
    start_of_cutoff = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    return list(
        Collection.objects.filter(period_end__lt=cutoff)
        .annotate(last=Max("returns__versions__submitted_at"))
        .exclude(last__gte=start_of_cutoff)
        .select_related("form")
        .order_by("period_end", "pk")
    )


def collection_purge(*, collection: Collection) -> int:
    """Delete the collection with its returns and their versions; returns the number of versions."""
    with transaction.atomic():
        locked = Collection.objects.select_for_update().get(pk=collection.pk)
        versions = ReturnVersion.objects.filter(ret__collection=locked)
        count = versions.count()
        returns = Return.objects.filter(collection=locked).count()
        versions.delete()
        Return.objects.filter(collection=locked).delete()
        record(
            wf.ARCHIVE_PURGE,
            by=None,
            object_type="datareport_collection",
            object_id=locked.pk,
            unit_id=locked.root_unit_id,
            details={
                "count": count,
                "returns": returns,
                "title": locked.title,
                "period": locked.period,
                "retention_years": ArchivePolicy.current().retention_years,
            },
        )
        locked.delete()
    return count


def archive_tick() -> int:
    """Purge every collection past the retention period (the periodic task); returns versions deleted."""
    return sum(collection_purge(collection=c) for c in expired_collections())
