"""GET /calendar/{year}: the working-day calendar (法定节假日 and 调休 workdays), for any logged-in user."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from baosong.api.schemas import Id
from baosong.core.errors import NotFound, ServiceError
from baosong.orgs.models import User
from baosong.workdays import selectors

router = Router(tags=["工作日历"])


class CalendarDayOut(Schema):
    date: dt.date
    kind: str = Field(description="holiday 放假 / workday 调休上班")
    name: str
    workday: bool = Field(description="该日是否为工作日")
    local: bool = Field(description="是否为所查单位（或其上级）的地方安排")


class CalendarOut(Schema):
    year: int
    source: str = Field(description="依据：录入时所据的国务院办公厅通知")
    confirmed: bool = Field(description="调休安排是否已全部录入；false 时只有法定节假日，周末调休上班日尚缺")
    unit_id: int | None = Field(description="按该单位的地方安排计算；null 为全国日历")
    workdays: int = Field(description="该年的工作日数")
    days: list[CalendarDayOut] = Field(description="该年列明的日期：放假日和调休上班日，按日期排序")


class CalendarQuery(Schema):
    unit: Id | None = Field(None, description="单位编号：叠加该单位及其上级的地方安排（须为可见单位）")


@router.get(
    "/calendar/{year}",
    response=CalendarOut,
    summary="工作日历（某年的放假和调休上班日）",
    description=(
        "年份须在 2000 到 2100 之间（否则答复 422 `invalid_year`）。未列出的日期：周一至周五为工作日，"
        "周六周日休息。按工作日计算的时限都用这份日历。"
    ),
)
def calendar(request: HttpRequest, year: int, filters: Query[CalendarQuery]) -> CalendarOut:
    user: User = request.auth  # type: ignore[attr-defined]
    if not selectors.valid_year(year):
        raise ServiceError(
            f"年份须在 {selectors.MIN_YEAR} 到 {selectors.MAX_YEAR} 之间。", "invalid_year", status=422
        )
    unit = None
    if filters.unit is not None:
        unit = selectors.visible_unit(user, filters.unit)
        if unit is None:
            raise NotFound("单位不存在或不在您的可见范围内。")
    view = selectors.year_view(year, unit)
    return CalendarOut(
        year=year,
        source=view.source,
        confirmed=view.confirmed,
        unit_id=unit.pk if unit is not None else None,
        workdays=view.workdays,
        days=[
            CalendarDayOut(
                date=d.date, kind=d.kind, name=d.name, workday=d.workday, local=d.local_unit_id is not None
            )
            for d in view.listed
        ],
    )
