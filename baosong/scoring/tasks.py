"""The scoring clock: when a month is over, units that missed a quota with a penalty get one
``quota.shortfall`` event each (scoring turns it into a ledger row; recompute replays it)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from baosong.core.events import event_emit
from baosong.core.models import DomainEvent
from baosong.orgs.models import Unit
from baosong.scoring.models import QuotaRule
from baosong.scoring.quotas import quota_result_for_rule
from baosong.scoring.selectors import parse_period


def quota_tick(today: dt.date | None = None) -> int:
    """Penalise last month's shortfalls (month rules) and last year's (year rules), once."""
    today = today or timezone.localdate()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).strftime("%Y-%m")
    periods: dict[str, str] = {
        QuotaRule.PeriodKind.MONTH: last_month,
        QuotaRule.PeriodKind.YEAR: str(today.year - 1),
    }
    written = 0
    for rule in QuotaRule.objects.filter(penalty__isnull=False, period_kind__in=list(periods)):
        period = periods[rule.period_kind]
        done = DomainEvent.objects.filter(
            event_type="quota.shortfall", payload__rule=rule.pk, payload__period=period
        ).exists()
        if done or not rule.penalty:
            continue
        short: set[int] = set()
        for root in Unit.objects.filter(parent__isnull=True, external=False):
            short |= quota_result_for_rule(root, parse_period(period), rule)
        with transaction.atomic():
            for unit_id in sorted(short):
                event_emit(
                    "quota.shortfall",
                    object_type="unit",
                    object_id=unit_id,
                    unit_id=unit_id,
                    payload={"rule": rule.pk, "period": period, "penalty": str(-abs(rule.penalty))},
                )
                written += 1
    return written
