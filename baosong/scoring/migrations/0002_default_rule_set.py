"""The default rule set, effective from 2020: levels score roughly 5 / 10 / 30 / 80 as published county
schemes do (e.g. 衢州), instructions on top, ×2/×5 for adoption after forwarding at province/national
level. Offices are expected to adapt it (规则页面): it is marked as a default."""

from decimal import Decimal

from django.db import migrations

LEVELS = ["township", "county", "city", "province", "national"]
RULES = [
    ("submitted", "", "", "1", "30"),
    *[("adopted", lv, "", p, None) for lv, p in zip(LEVELS, ["2", "5", "10", "30", "80"])],
    *[("adopted", lv, "special_report", p, None) for lv, p in zip(LEVELS, ["3", "8", "15", "40", "100"])],
    *[("external_adoption", lv, "", p, None) for lv, p in zip(LEVELS[1:], ["5", "10", "30", "80"])],
    *[("instruction", lv, "", p, None) for lv, p in zip(LEVELS[1:], ["10", "20", "50", "100"])],
    ("website", "", "", "2", None),
    ("solicitation_answered", "", "", "2", None),
    ("forwarded_multiplier", "province", "", "2", None),
    ("forwarded_multiplier", "national", "", "5", None),
    ("penalty_late_urgent", "", "", "-5", None),
    ("penalty_missed_solicitation", "", "", "-3", None),
    ("penalty_late_feedback", "", "", "-5", None),
]


def create(apps, schema_editor):
    RuleSet = apps.get_model("scoring", "RuleSet")
    Rule = apps.get_model("scoring", "Rule")
    if RuleSet.objects.exists():
        return
    rule_set = RuleSet.objects.create(
        name="默认积分规则（示例，请按本地考核办法修订）",
        effective_from="2020-01-01",
        is_default=True,
        note="按县级 5 分、市级 10 分、省级 30 分、国家级 80 分计采用分，领导批示另计，转报后被省级、国家级采用分别乘 2、5。",
    )
    for code, level, kind, points, cap in RULES:
        Rule.objects.create(
            rule_set=rule_set,
            code=code,
            level=level,
            publication_kind=kind,
            points=Decimal(points),
            cap_per_month=Decimal(cap) if cap else None,
        )


class Migration(migrations.Migration):
    dependencies = [("scoring", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
