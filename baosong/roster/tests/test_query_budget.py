"""Query budgets: the register pages, a round's page, the missing list and the 工作台 panel cost the same
with 10 and with 200 units below the county office."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from baosong.roster import services
from baosong.roster.models import RosterRound

from .conftest import ENTRY, add_townships


def _cost(client, url: str) -> int:  # type: ignore[no-untyped-def]
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx)


def _grow(cast, start: int, n: int) -> None:  # type: ignore[no-untyped-def]
    """n townships more, every other one with a registered 信息员."""
    for i, unit in enumerate(add_townships(cast, n, start=start)):
        if i % 2:
            values = {**ENTRY, "mobile": f"139{start + i:08d}"}
            services.entry_add(unit=unit, values=values, by=cast.county_editor.user)


@pytest.mark.parametrize(
    "url", ["/", "/roster/", "/roster/missing", "/roster/rounds/", "round", "unit"]
)  # fmt: skip
def test_pages_cost_the_same_with_10_and_200_units(cast, client_as, url):
    client = client_as("county_editor")
    _grow(cast, 0, 10)
    rnd = services.round_open(
        by=cast.county_editor.user, unit=cast.county_editor.unit, title="登记",
        deadline=timezone.now() + dt.timedelta(days=3), scope=RosterRound.Scope.SUBTREE,
    )  # fmt: skip
    target = {"round": f"/roster/rounds/{rnd.pk}/", "unit": f"/roster/units/{cast.county_editor.unit.pk}/"}
    address = target.get(url, url)
    few = _cost(client, address)
    _grow(cast, 10, 190)
    many_round = services.round_open(
        by=cast.county_editor.user, unit=cast.county_editor.unit, title="登记二",
        deadline=timezone.now() + dt.timedelta(days=3), scope=RosterRound.Scope.SUBTREE,
    )  # fmt: skip
    if url == "round":
        address = f"/roster/rounds/{many_round.pk}/"
    assert _cost(client, address) == few
    if url == "/":
        assert few <= 30
