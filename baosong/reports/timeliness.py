"""Timeliness (时效): when an item is due under the office's deadline rules, and how the rule reads.

The most specific rule wins: (category, urgency), then (category, any), (any, urgency), (any, any); with
no rule at all an item has 5 days. Hour rules count from the event (突发事件: within 3 h of the event)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from baosong.reports.models import DeadlineRule, Report

DEFAULT_DAYS = 5


def deadline_rule_for(report: Report) -> DeadlineRule | None:
    rules = {(r.category, r.urgency): r for r in DeadlineRule.objects.all()}
    return (
        rules.get((report.category, report.urgency))
        or rules.get((report.category, ""))
        or rules.get(("", report.urgency))
        or rules.get(("", ""))
    )


def rule_text(rule: DeadlineRule | None) -> str:
    """The rule as the rules page and the checks panel say it, e.g. 事件发生后 3 小时内."""
    if rule is None:
        return f"{DEFAULT_DAYS} 日内"
    if rule.kind == DeadlineRule.Kind.HOURS_FROM_EVENT:
        return f"事件发生后 {rule.amount} 小时内"
    if rule.kind == DeadlineRule.Kind.SAME_DAY:
        return "当日"
    return f"{rule.amount} 日内"


def due_at_for(report: Report, rule: DeadlineRule | None = None, *, with_rule: bool = False) -> dt.datetime:
    rule = rule if with_rule else deadline_rule_for(report)
    created = report.created_at or timezone.now()
    start = report.event_time or created
    if rule is None:
        return start + dt.timedelta(days=DEFAULT_DAYS)
    if rule.kind == DeadlineRule.Kind.HOURS_FROM_EVENT:
        return start + dt.timedelta(hours=rule.amount)
    if rule.kind == DeadlineRule.Kind.SAME_DAY:
        local = timezone.localtime(start)
        return local.replace(hour=23, minute=59, second=59, microsecond=0)
    return created + dt.timedelta(days=rule.amount)
