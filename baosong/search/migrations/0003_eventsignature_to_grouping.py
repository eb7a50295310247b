"""EventSignature now belongs to the grouping app (its table is kept there under the same name)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0002_event_groups"),
        ("grouping", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="EventSignature")],
            database_operations=[],
        ),
    ]
