"""Reads of the working-day calendar: a year as the pages and the API show it."""

from __future__ import annotations

import calendar as month_calendar
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from baosong.orgs.models import Unit, User
from baosong.orgs.selectors import admin_scope_units, units_listable_by
from baosong.workdays.calendar import Calendar, calendar_for
from baosong.workdays.models import CalendarDay, CalendarYear

MIN_YEAR, MAX_YEAR = 2000, 2100
WEEKDAYS = "一二三四五六日"


@dataclass(frozen=True)
class Day:
    date: dt.date
    workday: bool
    kind: str  # "holiday" / "workday" when listed, "" for an ordinary day
    name: str
    local_unit_id: int | None  # the unit whose overlay entry applies, None for a national one

    @property
    def css(self) -> str:
        if self.kind == CalendarDay.Kind.HOLIDAY:
            return "cal-holiday"
        if self.kind == CalendarDay.Kind.WORKDAY:
            return "cal-workday"
        return "" if self.workday else "cal-rest"

    @property
    def weekday_label(self) -> str:
        return "星期" + WEEKDAYS[self.date.weekday()]


@dataclass
class Month:
    number: int
    weeks: list[list[Day | None]] = field(default_factory=list)  # Monday first; None pads the grid


@dataclass
class YearView:
    year: int
    row: CalendarYear | None  # the year's source and whether its 调休 are entered; None: not entered
    listed: list[Day]  # the days the calendar lists (holidays, 调休 workdays), in date order
    workdays: int
    months: list[Month]
    unit: Unit | None

    @property
    def source(self) -> str:
        return self.row.source if self.row else ""

    @property
    def confirmed(self) -> bool:
        return bool(self.row and self.row.confirmed)


def valid_year(year: int) -> bool:
    return MIN_YEAR <= year <= MAX_YEAR


def year_calendar(year: int, unit: Unit | None = None) -> tuple[CalendarYear | None, Calendar]:
    """The year's row and its calendar as it applies to ``unit`` (None: the national calendar)."""
    cal = calendar_for(unit, start=dt.date(year, 1, 1), end=dt.date(year, 12, 31))
    return CalendarYear.objects.filter(year=year).first(), cal


def _day(cal: Calendar, day: dt.date) -> Day:
    listed = day in cal.overrides
    workday = cal.is_workday(day)
    kind = (CalendarDay.Kind.WORKDAY if workday else CalendarDay.Kind.HOLIDAY) if listed else ""
    return Day(day, workday, kind, cal.day_name(day), cal.local.get(day))


def year_view(year: int, unit: Unit | None = None) -> YearView:
    """A year as the calendar page shows it: twelve month grids, the listed days, the working-day count."""
    row, cal = year_calendar(year, unit)
    months = []
    for number in range(1, 13):
        month = Month(number)
        for week in month_calendar.Calendar(firstweekday=0).monthdatescalendar(year, number):
            month.weeks.append([_day(cal, d) if d.month == number else None for d in week])
        months.append(month)
    listed = [_day(cal, d) for d in sorted(cal.overrides) if d.year == year]
    return YearView(year, row, listed, cal.workdays_in_year(year), months, unit)


def overlay_days(user: User, year: int) -> QuerySet[CalendarDay]:
    """The local overlay entries of the year in the administrator's scope, with their units."""
    return (
        CalendarDay.objects.filter(
            unit__in=admin_scope_units(user), date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)
        )
        .select_related("unit")
        .order_by("date", "unit__path")
    )


def national_days(year: int) -> QuerySet[CalendarDay]:
    return CalendarDay.objects.filter(
        unit__isnull=True, date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31)
    ).order_by("date")


def listed_day_for(user: User, year: int, pk: int) -> CalendarDay | None:
    """A listed day of the year the administrator may change: a national one, or an overlay in scope."""
    return national_days(year).filter(pk=pk).first() or overlay_days(user, year).filter(pk=pk).first()


def calendar_years() -> list[int]:
    """The years the page offers: those entered, this year and the next."""
    this = timezone.localdate().year
    return sorted({*CalendarYear.objects.values_list("year", flat=True), this, this + 1})


def admin_unit_by_code(user: User, code: str) -> Unit | None:
    """A unit of the administrator's scope, by its code."""
    return admin_scope_units(user).filter(code=code.strip()).first() if code.strip() else None


def visible_unit(user: User, unit_id: int) -> Unit | None:
    """A unit the user may look up (the API's ``?unit=``), else None."""
    return units_listable_by(user).filter(pk=unit_id).first()
