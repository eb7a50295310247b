"""Periods of a collection and the due rules of its levels, counted on the working-day calendar."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from typing import Any

from baosong.core.errors import ServiceError
from baosong.workdays.calendar import Calendar, end_of_day

DUE_KINDS: dict[str, str] = {
    "next_month_day": "次月 N 日前",
    "workdays_after_period": "期末后 N 个工作日内",
    "days_after_period": "期末后 N 日内",
    "event_workdays": "事件发生后 N 个工作日内",
    "period_end": "期末当日",
}


def period_bounds(kind: str, period: str) -> tuple[dt.date, dt.date]:
    """First and last day of ``period``: 2026-03 (monthly and event-driven), 2026-Q1, 2026."""
    text = (period or "").strip().upper()
    try:
        if kind in ("monthly", "event") and (m := re.fullmatch(r"(\d{4})-(\d{2})", text)):
            year, month = int(m[1]), int(m[2])
            start = dt.date(year, month, 1)
            return start, _month_end(start)
        if kind == "quarterly" and (m := re.fullmatch(r"(\d{4})-Q([1-4])", text)):
            year, q = int(m[1]), int(m[2])
            start = dt.date(year, 3 * q - 2, 1)
            return start, _month_end(dt.date(year, 3 * q, 1))
        if kind == "yearly" and re.fullmatch(r"\d{4}", text):
            year = int(text)
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        pass
    examples = {"monthly": "2026-03", "event": "2026-03", "quarterly": "2026-Q1", "yearly": "2026"}
    raise ServiceError(f"统计期格式不正确，应如 {examples.get(kind, '2026-03')}。", "invalid_period")


def _month_end(day: dt.date) -> dt.date:
    nxt = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def check_due(rule: Any) -> dict[str, Any]:
    """A due rule as stored, or a Chinese refusal."""
    if not isinstance(rule, Mapping) or rule.get("kind") not in DUE_KINDS:
        raise ServiceError("时限规则无效。", "invalid_due")
    try:
        n = int(rule.get("n") or 0)
    except (TypeError, ValueError) as exc:
        raise ServiceError("时限天数应为整数。", "invalid_due") from exc
    kind = rule["kind"]
    if kind == "next_month_day" and not 1 <= n <= 28:
        raise ServiceError("“次月 N 日”的 N 应在 1 到 28 之间。", "invalid_due")
    if kind != "period_end" and not 1 <= n <= 120:
        raise ServiceError("时限天数应在 1 到 120 之间。", "invalid_due")
    return {"kind": kind, "n": n}


def due_text(rule: Mapping[str, Any]) -> str:
    kind, n = rule.get("kind"), rule.get("n")
    return {
        "next_month_day": f"次月 {n} 日前",
        "workdays_after_period": f"期末后 {n} 个工作日内",
        "days_after_period": f"期末后 {n} 日内",
        "event_workdays": f"事件发生后 {n} 个工作日内",
        "period_end": "期末当日",
    }.get(str(kind), "")


def due_date(rule: Mapping[str, Any], period_end: dt.date, cal: Calendar) -> dt.date:
    """The last day of a level's due rule for a period. An event-driven level's return is due when the
    last event of the period could be: N working days after the period's end; each row has its own."""
    kind, n = rule.get("kind"), int(rule.get("n") or 0)
    if kind == "next_month_day":
        first = period_end + dt.timedelta(days=1)
        return dt.date(first.year, first.month, n)
    if kind in ("workdays_after_period", "event_workdays"):
        return cal.add_workdays(period_end, n)
    if kind == "days_after_period":
        return period_end + dt.timedelta(days=n)
    return period_end


def row_due(rule: Mapping[str, Any], event_value: Any, cal: Calendar) -> dt.date | None:
    """An event row's own due day: N working days after its event (接待结束后 10 个工作日内)."""
    if rule.get("kind") != "event_workdays" or not event_value:
        return None
    try:
        day = dt.date.fromisoformat(str(event_value)[:10])
    except ValueError:
        return None
    return cal.add_workdays(day, int(rule.get("n") or 0))


__all__ = ["end_of_day"]
