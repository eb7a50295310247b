"""GET /search: full-text search over what the caller may see (the same selector as the search page)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from baosong.api.schemas import CategoryCode, ErrorOut, Id
from baosong.orgs.models import Level, User
from baosong.reports.models import Urgency
from baosong.search import selectors

router = Router(tags=["检索"])


class SearchQuery(Schema):
    q: str = Field(..., min_length=1, max_length=100, description="检索词；英文双引号内为完整短语")
    type: Literal["item", "issue", "bulletin"] | None = None
    unit: Id | None = Field(None, description="单位编号（含下级）")
    category: CategoryCode | None = Field(None, description="信息类别代码")
    urgency: Urgency | None = None
    status: str | None = Field(None, max_length=20, pattern=r"^[a-z_]+$")
    level: Level | None = Field(None, description="采用层级（采用该信息的最高层级）")
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    publication_id: Id | None = None
    sort: Literal["relevance", "date"] = "relevance"
    page: int = Field(1, ge=1, le=10_000)
    page_size: int = Field(20, ge=1, le=selectors.PAGE_SIZE_MAX)


class SearchHitOut(Schema):
    type: str
    id: int
    title: str
    snippet: str = Field(..., description="正文摘要，HTML 已转义，命中词以 <mark> 标出")
    url: str
    date: dt.datetime
    unit_name: str
    category: str
    urgency: str
    status: str
    adopted_level: str
    publication_id: int | None


class SearchPage(Schema):
    items: list[SearchHitOut]
    count: int


@router.get("/search", response={200: SearchPage, 422: ErrorOut})
def search(request: HttpRequest, filters: Query[SearchQuery]) -> dict[str, Any]:
    user: User = request.auth  # type: ignore[attr-defined]
    params = selectors.SearchParams(
        q=filters.q.strip(),
        type=filters.type or "",
        unit=filters.unit,
        category=filters.category or "",
        urgency=filters.urgency or "",
        status=filters.status or "",
        level=filters.level or "",
        date_from=filters.date_from,
        date_to=filters.date_to,
        publication_id=filters.publication_id,
        sort=filters.sort,
        page=filters.page,
        page_size=filters.page_size,
    )
    result = selectors.search(user, params)
    items = [
        {
            "type": h.type,
            "id": h.id,
            "title": h.title,
            "snippet": str(h.snippet),
            "url": h.url,
            "date": h.date,
            "unit_name": h.unit_name,
            "category": h.category,
            "urgency": h.urgency,
            "status": h.status,
            "adopted_level": h.adopted_level,
            "publication_id": h.publication_id,
        }
        for h in result.hits
    ]
    return {"items": items, "count": result.count}
