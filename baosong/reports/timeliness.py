"""Timeliness (时效): when an item is due under the office's deadline rules, and how the rule reads.

The most specific rule wins: (category, urgency), then (category, any), (any, urgency), (any, any); with
no rule at all an item has 5 days. The kinds:

- 事件发生后 N 小时内: from the event (or, without one, from when the item was written);
- 当日: by the end of the event's day;
- N 日内: N calendar days from when the item was written;
- N 个工作日内: by the end of the Nth working day after the event's day, on the working-day calendar of the
  item's source unit (法定节假日 off, 调休 Saturdays on, the unit's local overlay applied);
- 当月月底前: by the end of the event's month;
- 次月 N 日前: by the end of the Nth of the following month (the month's last day if it is shorter).

"The event" is the item's event time when it has one, else when it was written."""

from __future__ import annotations

import datetime as dt
from calendar import monthrange
from collections.abc import Callable

from django.utils import timezone

from baosong.core.context import request_memo
from baosong.reports.models import DeadlineRule, Report
from baosong.reports.selectors import deadline_rules
from baosong.workdays.calendar import Calendar, calendar_for, end_of_day

DEFAULT_DAYS = 5
K = DeadlineRule.Kind

# The amounts each kind accepts (None: the kind takes none). A year has about 250 working days.
AMOUNT_RANGE: dict[str, tuple[int, int] | None] = {
    K.HOURS_FROM_EVENT: (1, 720),
    K.SAME_DAY: None,
    K.DAYS: (1, 720),
    K.WORKDAYS: (1, 250),
    K.MONTH_END: None,
    K.NEXT_MONTH_DAY: (1, 31),
}
AMOUNT_UNIT: dict[str, str] = {
    K.HOURS_FROM_EVENT: "小时",
    K.DAYS: "日",
    K.WORKDAYS: "个工作日",
    K.NEXT_MONTH_DAY: "日",
}


def deadline_rule_for(report: Report) -> DeadlineRule | None:
    rules = deadline_rules()
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
    return kind_text(rule.kind, rule.amount)


def kind_text(kind: str, amount: int) -> str:
    if kind == K.HOURS_FROM_EVENT:
        return f"事件发生后 {amount} 小时内"
    if kind == K.SAME_DAY:
        return "当日"
    if kind == K.WORKDAYS:
        return f"{amount} 个工作日内"
    if kind == K.MONTH_END:
        return "当月月底前"
    if kind == K.NEXT_MONTH_DAY:
        return f"次月 {amount} 日前"
    return f"{amount} 日内"


def _calendar(report: Report, year: int) -> Calendar:
    """The source unit's working-day calendar from ``year`` on, read once per request for each unit (the
    review queue checks the 时限 of every item waiting)."""
    return request_memo(
        f"workdays.calendar.{report.source_unit_id}.{year}",
        lambda: calendar_for(report.source_unit, start=dt.date(year, 1, 1), end=dt.date(year + 2, 12, 31)),
    )


def next_month_day(day: dt.date, n: int) -> dt.date:
    """The Nth of the month after ``day``'s, or that month's last day when it is shorter."""
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return dt.date(year, month, min(n, monthrange(year, month)[1]))


def due_at_for(report: Report, rule: DeadlineRule | None = None, *, with_rule: bool = False) -> dt.datetime:
    rule = rule if with_rule else deadline_rule_for(report)
    return due_at(
        rule,
        created=report.created_at or timezone.now(),
        event_time=report.event_time,
        calendar=lambda year: _calendar(report, year),
    )


def due_at(
    rule: DeadlineRule | None,
    *,
    created: dt.datetime,
    event_time: dt.datetime | None,
    calendar: Callable[[int], Calendar],
) -> dt.datetime:
    """The deadline under ``rule`` of an item written at ``created`` about an event at ``event_time``;
    ``calendar(year)``: the working-day calendar from that year on (asked only for 工作日 rules)."""
    start = event_time or created
    if rule is None:
        return start + dt.timedelta(days=DEFAULT_DAYS)
    if rule.kind == K.HOURS_FROM_EVENT:
        return start + dt.timedelta(hours=rule.amount)
    day = timezone.localtime(start).date()
    if rule.kind == K.SAME_DAY:
        return end_of_day(day)
    if rule.kind == K.WORKDAYS:
        return end_of_day(calendar(day.year).add_workdays(day, rule.amount))
    if rule.kind == K.MONTH_END:
        return end_of_day(day.replace(day=monthrange(day.year, day.month)[1]))
    if rule.kind == K.NEXT_MONTH_DAY:
        return end_of_day(next_month_day(day, rule.amount))
    return created + dt.timedelta(days=rule.amount)
