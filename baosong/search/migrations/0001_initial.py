# Placeholder: the search index models come with branch wt-search, whose 0001_initial replaces this file.
from django.db import migrations


class Migration(migrations.Migration):
    initial = True

    dependencies: list[tuple[str, str]] = []

    operations: list[migrations.operations.base.Operation] = []
