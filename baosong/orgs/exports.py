"""The 信息员登记表 (staff register) as XLSX or CSV."""

from __future__ import annotations

import csv
import io

from django.db.models import QuerySet
from django.http import HttpResponse
from django.utils import timezone

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


def users_xlsx(users: QuerySet[User], *, fmt: str = "xlsx") -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d")
    rows = _rows(users)
    if fmt == "csv":
        buf = io.StringIO()
        buf.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
        writer = csv.writer(buf)
        writer.writerow(HEADERS)
        writer.writerows(rows)
        response = HttpResponse(buf.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="staff-{stamp}.csv"'
        return response
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook(write_only=False)
    ws = wb.active
    assert ws is not None
    ws.title = "信息员登记表"
    ws.append(HEADERS)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center")
    for row in rows:
        ws.append(row)
    for col, width in zip("ABCDEFGHIJK", [6, 10, 16, 28, 14, 14, 16, 14, 24, 20, 6], strict=True):
        ws.column_dimensions[col].width = width
    out = io.BytesIO()
    wb.save(out)
    response = HttpResponse(
        out.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="staff-{stamp}.xlsx"'
    return response
