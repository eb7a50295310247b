from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from baosong.orgs.imports import ImportRefused, import_units, import_users
from baosong.orgs.models import ImportJob, Membership, Unit, User

UNIT_HEADER = ["单位代码", "单位名称", "简称", "层级", "类型", "上级单位代码", "考核类别"]


def _xlsx(rows: list[list[str]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv(rows: list[list[str]], encoding: str = "utf-8-sig") -> bytes:
    return "\n".join(",".join(r) for r in rows).encode(encoding)


def test_a_good_unit_file_imports(cast):
    data = _xlsx(
        [
            UNIT_HEADER,
            ["IMP-T", "东湖区新城街道", "新城", "乡镇", "政府办公室", cast.county_editor.unit.code, "二类"],
            ["IMP-V1", "新城街道幸福社区", "", "村", "", "IMP-T", ""],
            ["IMP-V2", "新城街道和平社区", "", "村", "", "IMP-T", ""],
        ]
    )
    outcome = import_units(
        by=cast.sysadmin.user, data=data, filename="units.xlsx", scope=[cast.sysadmin.unit]
    )
    assert outcome.accepted and outcome.rows == 3
    town = Unit.objects.get(code="IMP-T")
    village = Unit.objects.get(code="IMP-V1")
    assert town.parent == cast.county_editor.unit and village.parent == town
    assert village.path == f"{town.path}{village.pk}/" and village.depth == town.depth + 1
    assert town.path.startswith(cast.county_editor.unit.path)


def test_a_gbk_csv_from_excel_imports(cast):
    data = _csv(
        [UNIT_HEADER, ["IMP-G", "东湖区白沙镇", "", "乡镇", "", cast.county_editor.unit.code, ""]], "gb18030"
    )
    assert import_units(by=cast.sysadmin.user, data=data, filename="units.csv").accepted
    assert Unit.objects.filter(name="东湖区白沙镇").exists()


def test_a_file_with_every_kind_of_bad_row_is_refused_whole_with_row_numbers(cast):
    county = cast.county_editor.unit.code
    rows = [
        UNIT_HEADER,
        ["OK-1", "正常单位", "", "乡镇", "", county, ""],  # row 2 fine
        ["BAD-P", "未知上级", "", "乡镇", "", "NO-SUCH", ""],  # row 3 unknown parent
        ["OK-1", "重复代码", "", "乡镇", "", county, ""],  # row 4 duplicate code in file
        [cast.county_editor.unit.code, "与系统重复", "", "乡镇", "", county, ""],  # row 5 code exists
        ["BAD-N", "", "", "乡镇", "", county, ""],  # row 6 empty name
        ["CYC-A", "循环甲", "", "村", "", "CYC-B", ""],  # row 7 cycle
        ["CYC-B", "循环乙", "", "村", "", "CYC-A", ""],  # row 8 cycle
        ["BAD-L", "错误层级", "", "星球", "", county, ""],  # row 9 bad level
    ]
    before = Unit.objects.count()
    with pytest.raises(ImportRefused) as info:
        import_units(by=cast.sysadmin.user, data=_xlsx(rows), filename="bad.xlsx", scope=[cast.sysadmin.unit])
    errors = {(e["row"], e["message"]) for e in info.value.errors}
    by_row: dict[int, str] = {}
    for row, message in errors:
        by_row[row] = by_row.get(row, "") + message
    assert "不存在" in by_row[3]
    assert "重复" in by_row[4]
    assert "已存在" in by_row[5]
    assert "名称为空" in by_row[6]
    assert "循环" in by_row[7] and "循环" in by_row[8]
    assert "层级" in by_row[9]
    assert 2 not in by_row
    assert Unit.objects.count() == before
    assert not Unit.objects.filter(code="OK-1").exists()
    assert ImportJob.objects.filter(accepted=False).exists()


def test_import_page_shows_the_errors_and_writes_nothing(client_as, cast):
    data = _csv([UNIT_HEADER, ["BAD-X", "", "", "乡镇", "", cast.county_editor.unit.code, ""]])
    response = client_as("sysadmin").post(
        "/manage/import",
        {"kind": "units", "file": SimpleUploadedFile("units.csv", data, content_type="text/csv")},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "第 2 行" in body and "单位名称为空" in body and "整体拒绝" in body


def test_a_good_user_file_imports_with_roles(cast):
    header = ["用户名", "姓名", "单位代码", "职务", "手机", "电子邮箱", "角色"]
    data = _xlsx(
        [
            header,
            [
                "imp_a",
                "甲某",
                cast.township_reporter.unit.code,
                "干事",
                "13800000001",
                "a@example.cn",
                "信息员",
            ],
            ["imp_b", "乙某", cast.township_reporter.unit.code, "主任", "", "", "审核人,信息员"],
        ]
    )
    outcome = import_users(
        by=cast.sysadmin.user,
        data=data,
        filename="users.xlsx",
        scope=[cast.sysadmin.unit],
        default_password="Welcome#2026",
    )
    assert outcome.accepted and outcome.rows == 2
    b = User.objects.get(username="imp_b")
    assert set(Membership.objects.filter(user=b).values_list("role", flat=True)) == {"reviewer", "reporter"}
    assert b.must_change_password and b.check_password("Welcome#2026")


def test_a_bad_user_file_is_refused_whole(cast):
    header = ["用户名", "姓名", "单位代码", "角色"]
    data = _csv(
        [
            header,
            ["ok_user", "正常", cast.township_reporter.unit.code, "信息员"],
            [cast.county_editor.user.username, "重名", cast.township_reporter.unit.code, ""],
            ["no_unit", "无单位", "NOPE", ""],
            ["admin_try", "管理员", cast.township_reporter.unit.code, "系统管理员"],
            ["no_name", "", cast.township_reporter.unit.code, ""],
        ]
    )
    with pytest.raises(ImportRefused) as info:
        import_users(by=cast.sysadmin.user, data=data, filename="users.csv", default_password="Welcome#2026")
    rows = sorted({e["row"] for e in info.value.errors})
    assert rows == [3, 4, 5, 6]
    assert not User.objects.filter(username="ok_user").exists()


def test_an_administrator_of_two_units_imports_only_inside_them(cast):
    from baosong.orgs import services
    from baosong.orgs.models import Role

    other_city = Unit.objects.get(code="DEMO-C2")
    admin = User.objects.create_user(
        "two_scopes", "Strong#Pass2026", full_name="管理员", primary_unit=other_city
    )
    services.membership_add(by=None, user=admin, unit=other_city, role=Role.SYSADMIN)
    services.membership_add(by=None, user=admin, unit=cast.outsider_editor.unit, role=Role.SYSADMIN)
    data = _csv([UNIT_HEADER, ["OUT-1", "越权单位", "", "乡镇", "", cast.county_editor.unit.code, ""]])
    with pytest.raises(ImportRefused) as info:
        import_units(by=admin, data=data, filename="u.csv", scope=[other_city, cast.outsider_editor.unit])
    assert "不在您管理的范围内" in info.value.errors[0]["message"]
