"""The national calendar as the State Council's notices give it (国务院办公厅关于部分节假日安排的通知).

Shipped by migration 0002 and restorable with ``manage.py load_calendar``; the system administrator edits
it on the calendar page when a new notice comes out."""

from __future__ import annotations

import datetime as dt

# year → (source, confirmed, [(first, last, kind, name)])
NOTICES: dict[int, tuple[str, bool, list[tuple[str, str, str, str]]]] = {
    2026: (
        "国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）",
        True,
        [
            ("2026-01-01", "2026-01-03", "holiday", "元旦"),
            ("2026-01-04", "2026-01-04", "workday", "元旦调休上班"),
            ("2026-02-14", "2026-02-14", "workday", "春节调休上班"),
            ("2026-02-15", "2026-02-23", "holiday", "春节"),
            ("2026-02-28", "2026-02-28", "workday", "春节调休上班"),
            ("2026-04-04", "2026-04-06", "holiday", "清明节"),
            ("2026-05-01", "2026-05-05", "holiday", "劳动节"),
            ("2026-05-09", "2026-05-09", "workday", "劳动节调休上班"),
            ("2026-06-19", "2026-06-21", "holiday", "端午节"),
            ("2026-09-20", "2026-09-20", "workday", "国庆节调休上班"),
            ("2026-09-25", "2026-09-27", "holiday", "中秋节"),
            ("2026-10-01", "2026-10-07", "holiday", "国庆节"),
            ("2026-10-10", "2026-10-10", "workday", "国庆节调休上班"),
        ],
    ),
    # The 2027 notice is not in this build: the statutory days of 《全国年节及纪念日放假办法》 (2024) on their
    # 2027 dates, marked unconfirmed until the administrator enters the notice's 调休 days.
    2027: (
        "《全国年节及纪念日放假办法》法定假日；调休安排待国务院办公厅通知发布后录入",
        False,
        [
            ("2027-01-01", "2027-01-01", "holiday", "元旦"),
            ("2027-02-05", "2027-02-08", "holiday", "春节"),
            ("2027-04-05", "2027-04-05", "holiday", "清明节"),
            ("2027-05-01", "2027-05-02", "holiday", "劳动节"),
            ("2027-06-09", "2027-06-09", "holiday", "端午节"),
            ("2027-09-15", "2027-09-15", "holiday", "中秋节"),
            ("2027-10-01", "2027-10-03", "holiday", "国庆节"),
        ],
    ),
}


def notice_days(year: int) -> list[tuple[dt.date, str, str]]:
    """The year's listed days as (date, kind, name)."""
    days: list[tuple[dt.date, str, str]] = []
    for first, last, kind, name in NOTICES[year][2]:
        day, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        while day <= end:
            days.append((day, kind, name))
            day += dt.timedelta(days=1)
    return days


def install_national_calendar() -> None:
    """The shipped years, where they are missing (a year already entered is left as the administrator
    edited it)."""
    from baosong.workdays.models import CalendarDay, CalendarYear

    for year, (source, confirmed, _spans) in NOTICES.items():
        if CalendarYear.objects.filter(year=year).exists():
            continue
        CalendarYear.objects.create(year=year, source=source, confirmed=confirmed)
        CalendarDay.objects.bulk_create(
            [CalendarDay(date=day, kind=kind, name=name) for day, kind, name in notice_days(year)],
            ignore_conflicts=True,
        )
