"""Helpers for the 信息员 register's tests: the demo county 东湖区 and its townships."""

from __future__ import annotations

from typing import Any

import pytest

from baosong.orgs.models import Level, Unit


def township(cast: Any, name: str) -> Unit:
    return Unit.objects.get(parent=cast.county_editor.unit, name__endswith=name)


def add_townships(cast: Any, n: int, *, start: int = 0) -> list[Unit]:
    """n more townships under the county, none with a 信息员."""
    county = cast.county_editor.unit
    made = []
    for i in range(start, start + n):
        unit = Unit.objects.create(
            name=f"测试{i}镇",
            code=f"T-ROSTER-{i}",
            level=Level.TOWNSHIP,
            parent=county,
            path="",
            depth=county.depth + 1,
        )
        unit.path = f"{county.path}{unit.pk}/"
        unit.save(update_fields=["path"])
        made.append(unit)
    return made


ENTRY = {
    "name": "李梅",
    "gender": "female",
    "department": "党政办",
    "job_title": "干事",
    "duty": "part_time",
    "office_phone": "0591-5626093",
    "mobile": "13905912345",
    "email": "limei@example.cn",
}


@pytest.fixture
def entry_values() -> dict[str, str]:
    return dict(ENTRY)
