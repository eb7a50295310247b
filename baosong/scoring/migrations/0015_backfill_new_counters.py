"""0014 added counters (期数 in the daily and monthly statistics, the reporters' monthly table) that the
events before it never filled. On a database with items, ask the scoring consumer to recount the history
once: an outbox event the worker takes after the upgrade (the recount reads the models of its own day, so
it does not run inside this migration). A fresh database has nothing to recount."""

from django.db import migrations
from django.utils import timezone


def ask_for_backfill(apps, schema_editor):  # type: ignore[no-untyped-def]
    Report = apps.get_model("reports", "Report")
    DomainEvent = apps.get_model("core", "DomainEvent")
    if Report.objects.exists():
        DomainEvent.objects.create(
            event_type="scoring.backfill",
            object_type="scoring",
            object_id=0,
            payload={"migration": "scoring.0014_targets_appraisal"},
            created_at=timezone.now(),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("scoring", "0014_targets_appraisal"),
        ("core", "0004_event_object_index"),
        ("reports", "0010_builtin_categories"),
    ]

    operations = [migrations.RunPython(ask_for_backfill, migrations.RunPython.noop)]
