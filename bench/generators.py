"""Import files of a province's size for the benchmarks: units (with parent codes) and users.

Pure functions over rows; no database. The tree has the shape `baosong.demo.scale.seed_scale` builds:
cities (14) → city departments (8 each) and counties (8 each) → county departments (6 each) and
townships (12 each) → villages, rows in top-down order so every parent precedes its children.
"""

from __future__ import annotations

import csv
import io
import random

UNIT_HEADER = ["单位代码", "单位名称", "简称", "层级", "类型", "上级单位代码", "考核类别", "排序"]
USER_HEADER = ["用户名", "姓名", "单位代码", "职务", "手机", "角色"]

# The same vocabularies as the scale generator, so imported and generated trees look alike.
from baosong.demo.scale import DEPTS as ALL_DEPTS  # noqa: E402
from baosong.demo.scale import GIVEN, PLACE_A, PLACE_B, SURNAMES  # noqa: E402

DEPTS = ALL_DEPTS[:8]


def unit_rows(*, count: int, root_code: str, prefix: str, seed: int = 11) -> list[list[str]]:
    """``count`` unit rows under the existing unit ``root_code``; codes are ``prefix`` + 7 digits."""
    rng = random.Random(seed)
    rows: list[list[str]] = []

    def add(name: str, level: str, parent: str, kind: str = "政府办公室", cls: str = "") -> str:
        code = f"{prefix}{len(rows) + 1:07d}"
        rows.append([code, name, "", level, kind, parent, cls, str(len(rows))])
        return code

    def place() -> str:
        return rng.choice(PLACE_A) + rng.choice(PLACE_B)

    cities = [add(place() + "市人民政府办公室", "市", root_code, cls="一类") for _ in range(14)]
    counties: list[str] = []
    for city in cities:
        for d in DEPTS:
            add(place() + "市" + d, "市", city, "部门", "三类")
        counties += [add(place() + "县人民政府办公室", "县", city, cls="一类") for _ in range(8)]
    townships: list[str] = []
    for county in counties:
        for d in DEPTS[:6]:
            add(place() + "县" + d, "县", county, "部门", "三类")
        townships += [
            add(place() + rng.choice(["镇", "乡", "街道"]), "乡镇", county, cls="二类") for _ in range(12)
        ]
    while len(rows) < count:
        add(place() + rng.choice(["村", "社区"]), "村", townships[len(rows) % len(townships)], cls="三类")
    return rows[:count]


def spoil_unit_rows(rows: list[list[str]]) -> list[int]:
    """Make five village rows bad, each with a different fault; returns their spreadsheet row numbers
    (header is row 1). Only villages are touched, so no other row inherits an error from them."""
    villages = [i for i, r in enumerate(rows) if r[3] == "村"]
    picks = [villages[len(villages) * k // 6] for k in range(1, 6)]
    rows[picks[0]][1] = ""  # empty name
    rows[picks[1]][3] = "州"  # unknown level
    rows[picks[2]][0] = rows[picks[2] - 1][0]  # code repeats the row above (also a village)
    rows[picks[3]][5] = "NO-SUCH-UNIT"  # unknown parent code
    rows[picks[4]][3] = "市"  # a city under a township
    return [i + 2 for i in picks]


def user_rows(*, count: int, unit_codes: list[str], prefix: str, seed: int = 13) -> list[list[str]]:
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        name = rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)
        rows.append(
            [
                f"{prefix}{i + 1:07d}",
                name,
                unit_codes[i % len(unit_codes)],
                "信息员",
                f"13{rng.randrange(10**9):09d}",
                "信息员",
            ]
        )
    return rows


def to_csv(header: list[str], rows: list[list[str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")  # what Excel writes for "CSV UTF-8"


def to_xlsx(header: list[str], rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
