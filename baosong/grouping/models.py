"""Same-event grouping's one table: the signature of each sent item (see neardup.py)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class EventSignature(models.Model):
    """One sent item's MinHash signature and the facts grouping compares (neardup.py). Derived data:
    written by the ``grouping`` outbox consumer on ``report.sent``, rebuilt by ``rebuild_signatures``."""

    report = models.OneToOneField(
        "reports.Report", on_delete=models.CASCADE, related_name="event_signature", primary_key=True
    )
    minhash = models.BinaryField()  # neardup.NUM_PERM unsigned 32-bit values, big-endian
    features = models.TextField(blank=True)  # the token set, space-separated (word weights, facts)
    place = models.CharField(max_length=200, blank=True)  # neardup.place_of: field, title, first sentence
    event_time = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField()
    source_unit = models.ForeignKey("orgs.Unit", on_delete=models.CASCADE, related_name="+")
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "事件指纹"
        db_table = "search_eventsignature"  # created by the search app before grouping had its own
