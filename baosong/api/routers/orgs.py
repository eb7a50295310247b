from __future__ import annotations

from django.db.models import Q
from django.http import HttpRequest
from ninja import Query, Router, Schema

from baosong.api.pagination import PageQuery, paginate
from baosong.api.schemas import Id
from baosong.orgs.models import Level, Membership, User
from baosong.orgs.selectors import units_listable_by, user_admin_role

router = Router(tags=["单位与人员"])


class MembershipOut(Schema):
    unit_id: int
    unit_name: str
    role: str


class MeOut(Schema):
    id: int
    username: str
    full_name: str
    unit_id: int
    unit_name: str
    job_title: str
    email: str
    admin_role: str | None
    memberships: list[MembershipOut]


class UnitOut(Schema):
    id: int
    name: str
    short_name: str
    code: str
    parent_id: int | None
    level: str
    kind: str
    is_active: bool


class UnitPage(Schema):
    items: list[UnitOut]
    count: int


class UnitFilter(PageQuery):
    parent: Id | None = None
    q: str | None = None
    level: Level | None = None


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    user: User = request.auth  # type: ignore[attr-defined]
    memberships = Membership.objects.filter(user=user).select_related("unit").order_by("unit__path", "role")
    return MeOut(
        id=user.pk,
        username=user.username,
        full_name=user.full_name,
        unit_id=user.primary_unit_id,
        unit_name=user.primary_unit.name,
        job_title=user.job_title,
        email=user.email,
        admin_role=user_admin_role(user),
        memberships=[
            MembershipOut(unit_id=m.unit_id, unit_name=m.unit.name, role=m.role) for m in memberships
        ],
    )


@router.get("/units", response=UnitPage)
def units(request: HttpRequest, filters: Query[UnitFilter]) -> UnitPage:
    qs = units_listable_by(request.auth).order_by("path")  # type: ignore[attr-defined]
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    if filters.q:
        qs = qs.filter(Q(name__contains=filters.q) | Q(short_name__contains=filters.q) | Q(code=filters.q))
    if filters.level:
        qs = qs.filter(level=filters.level)
    items, count = paginate(qs, filters)
    return UnitPage(items=[UnitOut.from_orm(u) for u in items], count=count)
