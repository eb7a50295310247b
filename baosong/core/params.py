"""Values people type into query strings and forms, turned into what a query can hold.

A page may ignore a filter it cannot read or refuse it with a message; either way a typed value must never
reach the database or date arithmetic in a shape that raises (a 500)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

# The largest value a primary key holds on both databases (PostgreSQL bigint, SQLite INTEGER).
MAX_ID = 2**63 - 1
# The largest value of an IntegerField on PostgreSQL (integer): counts and amounts.
MAX_COUNT = 2**31 - 1


def parse_id(value: str | None) -> int | None:
    """An object id, or None when the text is not a positive integer a key column can hold."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if 0 < number <= MAX_ID else None


def parse_count(value: str | None) -> int | None:
    """A whole number ≥ 0 an integer column can hold, or None."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit():
        return None
    number = int(text)
    return number if number <= MAX_COUNT else None


def parse_ids(values: Iterable[str]) -> list[int]:
    """The ids among the texts (checkboxes, a comma-separated list), in order; the others are left out."""
    return [number for v in values if (number := parse_id(v)) is not None]


def form_date(value: str | None) -> dt.date | None:
    """A date typed into a form (YYYY-MM-DD), None when empty; anything else is refused in Chinese."""
    from baosong.core.errors import ServiceError

    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError as exc:
        raise ServiceError("日期格式不正确。", "invalid_date") from exc


def form_datetime(value: str | None, label: str = "截止时间") -> dt.datetime | None:
    """A ``datetime-local`` field (2026-06-10T18:00) in the office's time zone, None when empty; anything
    else is refused in Chinese, naming the field."""
    from baosong.core.errors import ServiceError

    text = (value or "").strip()
    if not text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError as exc:
        raise ServiceError(f"{label}格式不正确，请按“年-月-日 时:分”填写。", "invalid_date") from exc
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def form_count(value: str | None, label: str) -> int | None:
    """A whole number typed into a form, None when empty; anything else is refused in Chinese."""
    from baosong.core.errors import ServiceError

    if not (value or "").strip():
        return None
    number = parse_count(value)
    if number is None:
        raise ServiceError(f"{label}须为整数。", "invalid_number")
    return number


def local_day_bounds(
    date_from: dt.date | None, date_to: dt.date | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """[start, end) of the local days date_from … date_to as aware datetimes. A bound at the edge of the
    calendar (0001-01-01, 9999-12-31) is no bound: its instant would not fit a datetime in UTC."""
    tz = timezone.get_current_timezone()
    start = end = None
    if date_from and date_from > dt.date.min:
        start = dt.datetime.combine(date_from, dt.time.min, tzinfo=tz)
    if date_to and date_to < dt.date.max - dt.timedelta(days=1):
        end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end
