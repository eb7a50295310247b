"""The seven categories every deployment starts with, as rows the office now edits: their codes (the API's
and the items'), names and order as before, and 突发事件's seven required elements (时间 and 地点 are the
item's own event time and place). Their deadline rules stay the DeadlineRule rows of migration 0002.
The data is copied from reports/categories.py so that this migration stays as it landed."""

from django.db import migrations

CATEGORIES = [
    ("work_update", "工作动态", []),
    ("experience", "经验做法", []),
    ("problem", "问题建议", []),
    ("policy", "政策落实", []),
    (
        "emergency",
        "突发事件",
        [
            ("time", "时间"),
            ("place", "地点"),
            ("nature", "事件性质"),
            ("scope", "影响范围"),
            ("casualties", "伤亡和损失"),
            ("measures", "已采取措施"),
            ("next_steps", "下步打算"),
        ],
    ),
    ("research", "调研信息", []),
    ("public_opinion", "社情民意", []),
]


def create(apps, schema_editor):
    ItemCategory = apps.get_model("reports", "ItemCategory")
    for order, (code, label, elements) in enumerate(CATEGORIES):
        ItemCategory.objects.get_or_create(
            code=code,
            defaults={
                "label": label,
                "sort_order": order,
                "elements": [{"key": key, "label": name} for key, name in elements],
            },
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0009_item_categories")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
