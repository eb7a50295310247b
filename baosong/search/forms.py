"""Reading search parameters from a query string (the page and the API share it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from baosong.core.errors import ServiceError
from baosong.core.params import parse_id
from baosong.search.selectors import SearchParams


def _int(value: str | None, label: str) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if not value.isascii() or not value.isdigit():
        raise ServiceError(f"{label}须为数字。", "invalid_filter", status=422)
    number = parse_id(value)
    if number is None:
        raise ServiceError(f"{label}取值无效。", "invalid_filter", status=422)
    return number


def _date(value: str | None, label: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ServiceError(f"{label}格式应为 YYYY-MM-DD。", "invalid_date", status=422) from None


def params_from(data: Mapping[str, str], *, default_page_size: int = 20) -> SearchParams:
    return SearchParams(
        q=(data.get("q") or "").strip(),
        type=(data.get("type") or "").strip(),
        unit=_int(data.get("unit"), "单位"),
        category=(data.get("category") or "").strip(),
        urgency=(data.get("urgency") or "").strip(),
        status=(data.get("status") or "").strip(),
        level=(data.get("level") or "").strip(),
        date_from=_date(data.get("date_from"), "开始日期"),
        date_to=_date(data.get("date_to"), "结束日期"),
        publication_id=_int(data.get("publication_id"), "刊物"),
        sort=(data.get("sort") or "relevance").strip(),
        page=_int(data.get("page"), "页码") or 1,
        page_size=_int(data.get("page_size"), "每页条数") or default_page_size,
    )
