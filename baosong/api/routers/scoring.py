"""/scores — ledger totals for a unit's subtree and a period."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from baosong.api.schemas import ErrorOut
from baosong.orgs.models import User
from baosong.scoring import selectors

router = Router(tags=["积分统计"])


def _user(request: HttpRequest) -> User:
    return request.auth  # type: ignore[attr-defined]


class ScoreQuery(Schema):
    period: str = Field(..., description="YYYY-MM、YYYY-Qn 或 YYYY")
    unit: int | None = Field(None, description="默认为本人任采编人员、主编或领导的单位")


class ScoreItem(Schema):
    unit_id: int
    unit_name: str
    points: float
    rank: int


class ScoresOut(Schema):
    period: str
    period_label: str
    unit_id: int
    unit_name: str
    items: list[ScoreItem]
    count: int


@router.get("/scores", response={200: ScoresOut, 400: ErrorOut, 404: ErrorOut})
def scores(request: HttpRequest, q: Query[ScoreQuery]) -> ScoresOut:
    period = selectors.parse_period(q.period)
    root = selectors.scoring_root(_user(request), q.unit)
    rows = selectors.scores(root, period)
    return ScoresOut(
        period=period.text,
        period_label=period.label,
        unit_id=root.pk,
        unit_name=root.name,
        items=[
            ScoreItem(unit_id=r.unit_id, unit_name=r.unit_name, points=float(r.points), rank=r.rank)
            for r in rows
        ],
        count=len(rows),
    )
