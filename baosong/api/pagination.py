from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from ninja import Field, Schema


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=100_000)
    page_size: int = Field(20, ge=1, le=200)


def paginate(qs: QuerySet[Any], params: PageQuery, *, count: int | None = None) -> tuple[list[Any], int]:
    """One page of ``qs`` and how many rows it has (``count`` when the caller knows it already)."""
    count = qs.count() if count is None else count
    start = (params.page - 1) * params.page_size
    return list(qs[start : start + params.page_size]), count
