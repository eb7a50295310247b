"""Demo quota rules (任务数) from ``data/quotas.json``: examples to adapt, idempotent."""

from __future__ import annotations

from baosong.demo.texts import load
from baosong.orgs.models import Unit
from baosong.scoring.models import QuotaRule

QUOTAS = load("quotas.json")


def seed_demo_quotas(units: dict[str, Unit]) -> None:
    for rule in QUOTAS:
        QuotaRule.objects.get_or_create(
            unit_class=rule["unit_class"],
            period_kind=rule["period_kind"],
            category=rule["category"],
            defaults={"minimum": rule["minimum"]},
        )
