"""The staff list (本单位人员: accounts and contacts) as XLSX or CSV; the 信息员登记表 is the roster's."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http.response import HttpResponseBase
from django.utils import timezone

from baosong.core.exports import table_response
from baosong.orgs.models import Membership, Role, User

HEADERS = [
    "序号",
    "姓名",
    "用户名",
    "单位",
    "单位代码",
    "职务",
    "办公电话",
    "手机",
    "电子邮箱",
    "角色",
    "状态",
]


def _rows(users: QuerySet[User]) -> list[list[object]]:
    users = users.select_related("primary_unit")
    roles: dict[int, set[str]] = {}
    for user_id, role in Membership.objects.filter(user__in=users.values("pk")).values_list(
        "user_id", "role"
    ):
        roles.setdefault(user_id, set()).add(Role(role).label)
    return [
        [
            i,
            u.full_name,
            u.username,
            u.primary_unit.name,
            u.primary_unit.code,
            u.job_title,
            u.office_phone,
            u.mobile,
            u.email,
            "、".join(sorted(roles.get(u.pk, set()))),
            "启用" if u.is_active else "停用",
        ]
        for i, u in enumerate(users.iterator(chunk_size=2000), start=1)
    ]


def users_xlsx(users: QuerySet[User], *, fmt: str = "xlsx") -> HttpResponseBase:
    stamp = timezone.localtime().strftime("%Y%m%d")
    return table_response(
        [HEADERS, *_rows(users)],
        fmt="csv" if fmt == "csv" else "xlsx",
        filename=f"staff-{stamp}",
        sheet="本单位人员",
        widths=[6, 10, 16, 28, 14, 14, 16, 14, 24, 20, 6],
    )
