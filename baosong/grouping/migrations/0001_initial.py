"""EventSignature moves here from search; its table (search_eventsignature) stays as it is."""

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("orgs", "0003_reviewstep"),
        ("reports", "0005_inbox_active_index"),
        ("search", "0002_event_groups"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EventSignature",
                    fields=[
                        (
                            "report",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                primary_key=True,
                                related_name="event_signature",
                                serialize=False,
                                to="reports.report",
                            ),
                        ),
                        ("minhash", models.BinaryField()),
                        ("features", models.TextField(blank=True)),
                        ("place", models.CharField(blank=True, max_length=200)),
                        ("event_time", models.DateTimeField(blank=True, null=True)),
                        ("sent_at", models.DateTimeField()),
                        ("computed_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "source_unit",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, related_name="+", to="orgs.unit"
                            ),
                        ),
                    ],
                    options={"verbose_name": "事件指纹", "db_table": "search_eventsignature"},
                ),
            ],
            database_operations=[],
        ),
    ]
