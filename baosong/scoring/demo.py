"""Demo quota rules (任务数) for the demo province: examples to adapt, idempotent."""

from __future__ import annotations

from baosong.orgs.models import Unit
from baosong.scoring.models import QuotaRule

QUOTAS = [
    ("一类", "month", "", 8),
    ("二类", "month", "", 4),
    ("三类", "month", "", 2),
    ("", "year", "research", 1),
]


def seed_demo_quotas(units: dict[str, Unit]) -> None:
    for unit_class, kind, category, minimum in QUOTAS:
        QuotaRule.objects.get_or_create(
            unit_class=unit_class, period_kind=kind, category=category, defaults={"minimum": minimum}
        )
