"""Working days (工作日): whether a day is one, the Nth after a date, and how many lie between two dates.

A Calendar is built for one unit (its local overlay over the national calendar) and a range of years with
one query, then answers any number of questions without touching the database — a roll-up that dates
thirty thousand returns asks once."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from baosong.core.errors import ServiceError
from baosong.orgs.models import Unit
from baosong.workdays.models import CalendarDay

# How far a working-day count may run before it gives up: a misconfigured calendar (every day a holiday)
# must not loop for ever. A year has about 250 working days.
MAX_SPAN_DAYS = 3 * 366


@dataclass
class Calendar:
    overrides: dict[dt.date, bool] = field(default_factory=dict)  # date → is a workday
    names: dict[dt.date, str] = field(default_factory=dict)
    local: dict[dt.date, int] = field(default_factory=dict)  # date → the unit whose overlay entry applies

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return day.weekday() < 5

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The Nth working day after ``start`` (``start`` itself not counted): "within 10 working days of
        the event" ends on this day. ``n == 0``: ``start`` if it is a workday, else the next workday."""
        day = start
        if n <= 0:
            while not self.is_workday(day):
                day += dt.timedelta(days=1)
            return day
        counted = 0
        for _ in range(MAX_SPAN_DAYS):
            day += dt.timedelta(days=1)
            if self.is_workday(day):
                counted += 1
                if counted == n:
                    return day
        raise ValueError("工作日历中找不到足够的工作日。")

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not after ``start``):
        how many working days late something due on ``start`` and done on ``end`` is."""
        if end <= start:
            return 0
        span = min((end - start).days, MAX_SPAN_DAYS)
        return sum(1 for i in range(1, span + 1) if self.is_workday(start + dt.timedelta(days=i)))

    def day_name(self, day: dt.date) -> str:
        return self.names.get(day, "")

    def workdays_in_year(self, year: int) -> int:
        """Working days from 1 January to 31 December (the calendar must be loaded for that year)."""
        day, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
        count = 0
        while day <= end:
            count += self.is_workday(day)
            day += dt.timedelta(days=1)
        return count


def calendar_for(
    unit: Unit | None = None, *, start: dt.date | None = None, end: dt.date | None = None
) -> Calendar:
    """The calendar that applies to ``unit``: national entries, overridden by local entries of the unit
    or an ancestor (the nearest wins). Loads ``start``–``end`` (default: last year to two years ahead)."""
    today = timezone.localdate()
    start = start or dt.date(today.year - 1, 1, 1)
    end = end or dt.date(today.year + 2, 12, 31)
    lineage = [*unit.ancestor_ids(), unit.pk] if unit is not None else []
    depth = {pk: i for i, pk in enumerate(lineage)}
    rows = (
        CalendarDay.objects.filter(date__range=(start, end))
        .filter(Q(unit__isnull=True) | Q(unit_id__in=lineage))
        .values_list("date", "kind", "name", "unit_id")
    )
    cal = Calendar()
    rank: dict[dt.date, int] = {}
    for day, kind, name, unit_id in rows:
        r = -1 if unit_id is None else depth[unit_id]
        if r >= rank.get(day, -2):
            rank[day] = r
            cal.overrides[day] = kind == CalendarDay.Kind.WORKDAY
            cal.names[day] = name
            if unit_id is None:
                cal.local.pop(day, None)
            else:
                cal.local[day] = unit_id
    return cal


MAX_WORKDAYS = 250  # about a year of working days: the most a deadline set "in N 工作日" may ask


def due_in_workdays(n: int | None, *, unit: Unit | None, start: dt.date | None = None) -> dt.date:
    """The day a deadline of "N 个工作日内" set on ``start`` (today) ends on, on ``unit``'s calendar (the
    issuing unit's, for a 约稿 or a 批示 feedback deadline)."""
    if n is None or not 1 <= n <= MAX_WORKDAYS:
        raise ServiceError(f"工作日数须为 1 到 {MAX_WORKDAYS} 之间的整数。", "invalid_workdays")
    start = start or timezone.localdate()
    return calendar_for(unit, start=start, end=start + dt.timedelta(days=2 * 366)).add_workdays(start, n)


def end_of_day(day: dt.date) -> dt.datetime:
    """A deadline on ``day`` runs to 23:59:59 local time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(23, 59, 59)))


def add_workdays(start: dt.date, n: int, *, unit: Unit | None = None) -> dt.date:
    return calendar_for(unit).add_workdays(start, n)


def workdays_between(start: dt.date, end: dt.date, *, unit: Unit | None = None) -> int:
    return calendar_for(unit).workdays_between(start, end)


def is_workday(day: dt.date, *, unit: Unit | None = None) -> bool:
    return calendar_for(unit, start=day, end=day).is_workday(day)
