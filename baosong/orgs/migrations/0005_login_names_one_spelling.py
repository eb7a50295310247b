"""Login names are stored in one spelling (NFKC, case-folded, trimmed: ``orgs.models.login_name``), the
spelling the login form now looks up. Existing names are rewritten where that collides with no other
account; an account whose name collides keeps it and must be renamed by the administrator before it
can log in again."""

import unicodedata

from django.db import migrations


def _spelling(raw):
    return unicodedata.normalize("NFKC", raw or "").strip().casefold()[:64]


def forwards(apps, schema_editor):
    User = apps.get_model("orgs", "User")
    taken = set(User.objects.values_list("username", flat=True))
    for pk, username in User.objects.values_list("pk", "username"):
        wanted = _spelling(username)
        if wanted and wanted != username and wanted not in taken:
            User.objects.filter(pk=pk).update(username=wanted)
            taken.discard(username)
            taken.add(wanted)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0004_reviewstep_chain")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
