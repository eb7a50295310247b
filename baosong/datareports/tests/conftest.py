"""Helpers for the structured-report tests: the 接待 form's March collection over the demo city, and people
to fill the returns of units the cast has nobody in."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from baosong.datareports import services
from baosong.datareports.models import Collection, Form
from baosong.orgs.models import Membership, Role, Unit, User


def at(day: str, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(dt.date.fromisoformat(day), dt.time(hour)))


def travel(day: str, hour: int = 10) -> Any:
    return time_machine.travel(at(day, hour), tick=False)


def reception_row(
    time: str,
    guests: int,
    opposite: int = 0,
    lodging: str = "0",
    meals: str = "0",
    transport: str = "0",
    other: str = "0",
    total: str | None = None,
) -> dict[str, Any]:
    parts = [lodging, meals, transport, other]
    from decimal import Decimal

    return {
        "time": time,
        "place": "县政府接待中心",
        "guest": {"name": "王明", "title": "调研员", "unit": "市发展改革委"},
        "guests_total": guests,
        "opposite_sex": opposite,
        "staff": 1,
        "scope": "调研乡村振兴工作",
        "cost_lodging": lodging,
        "cost_meals": meals,
        "cost_transport": transport,
        "cost_other": other,
        "cost_total": total if total is not None else str(sum(Decimal(p) for p in parts)),
        "payment": "公务卡",
        "payer": "城关镇人民政府",
        "host": {"name": "李华", "title": "办公室主任"},
    }


def filler() -> dict[str, Any]:
    return {"name": "张三", "phone": "0571-88888888"}


def person(unit: Unit, role: str = Role.REPORTER) -> User:
    user = User.objects.create_user(
        username=f"u{unit.pk}{role}{User.objects.count()}", password="x", full_name="赵六", primary_unit=unit
    )
    Membership.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def reception() -> Form:
    return Form.objects.get(code="reception")


@pytest.fixture
def march(cast: Any, reception: Form) -> Collection:
    with travel("2026-03-01"):
        return services.collection_create(
            by=cast.city_editor.user,
            form=reception,
            root_unit=cast.city_editor.unit,
            period_kind="monthly",
            period="2026-03",
        )


def fill_and_submit(coll: Collection, unit: Unit, by: User, rows: list[dict[str, Any]], day: str) -> Any:
    with travel(day):
        ret = services.return_get_or_start(collection=coll, unit=unit)
        problems = services.return_save(ret=ret, by=by, data={"rows": rows, "filler": filler()})
        assert not problems, problems
        return services.return_submit(ret=ret, by=by)
