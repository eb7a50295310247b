"""Install the built-in forms (政务接待信息报告表, 自建政务信息系统基本情况表) from the seed's text. A later change
to a built-in form lands as a new FormVersion in its own migration; this one stays as it landed."""

import json
from pathlib import Path

from django.db import migrations

SPEC = Path(__file__).resolve().parent.parent / "data" / "builtin_forms.json"


def install(apps, schema_editor):
    Form = apps.get_model("datareports", "Form")
    FormVersion = apps.get_model("datareports", "FormVersion")
    import datetime as dt

    for spec in json.loads(SPEC.read_text(encoding="utf-8")):
        if Form.objects.filter(code=spec["code"]).exists():
            continue
        form = Form.objects.create(
            code=spec["code"], name=spec["name"], description=spec["description"], builtin=True
        )
        schema = {
            **spec["schema"],
            "defaults": {"levels": spec["default_levels"], "recipients": spec["default_recipients"]},
        }
        FormVersion.objects.create(form=form, number=1, valid_from=dt.date(2000, 1, 1), schema=schema)


class Migration(migrations.Migration):
    dependencies = [("datareports", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
