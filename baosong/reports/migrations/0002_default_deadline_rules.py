from django.db import migrations

# Defaults from the issue: 突发事件 3 h from the event, 工作动态 same day, 文件/报告类 (调研、政策落实) 3 days,
# others 5 days. Administrators change them on the rules page.
DEFAULTS = [
    ("emergency", "", "hours_from_event", 3),
    ("work_update", "", "same_day", 0),
    ("research", "", "days", 3),
    ("policy", "", "days", 3),
    ("", "", "days", 5),
]


def create(apps, schema_editor):
    rule = apps.get_model("reports", "DeadlineRule")
    for category, urgency, kind, amount in DEFAULTS:
        rule.objects.get_or_create(category=category, urgency=urgency, defaults={"kind": kind, "amount": amount})


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
