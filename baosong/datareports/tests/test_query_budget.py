"""The status page of a collection costs the same number of queries with 10 children and with 1,000."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from baosong.datareports import services
from baosong.datareports.models import Form, Return, ReturnStatus
from baosong.orgs.models import Unit
from conftest import login


def _grow(parent: Unit, count: int, coll) -> None:  # type: ignore[no-untyped-def]
    start = Unit.objects.filter(parent=parent).count()
    units = Unit.objects.bulk_create(
        [
            Unit(
                name=f"测试乡镇{start + i}",
                code=f"QB-{parent.pk}-{start + i}",
                level="township",
                parent=parent,
                path="",
                depth=parent.depth + 1,
            )
            for i in range(count)
        ]
    )
    for u in units:
        u.path = f"{parent.path}{u.pk}/"
    Unit.objects.bulk_update(units, ["path"])
    version = services.version_on(coll.form, coll.period_start)
    Return.objects.bulk_create(
        [
            Return(
                collection=coll,
                unit=u,
                parent_unit=parent,
                level=2,
                form_version=version,
                status=ReturnStatus.SUBMITTED,
                version_count=1,
                totals={"rows.guests_total": 3},
                row_count=1,
            )
            for u in units[::2]
        ]
    )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_status_page_queries_do_not_grow_with_children(cast):
    county = cast.county_editor.unit
    coll = services.collection_create(
        by=cast.city_editor.user,
        form=Form.objects.get(code="reception"),
        root_unit=cast.city_editor.unit,
        period_kind="monthly",
        period="2026-03",
    )
    client = login(Client(), cast.county_editor)
    url = f"/datareports/c/{coll.pk}/?unit={county.pk}"
    _grow(county, 10 - Unit.objects.filter(parent=county, is_active=True).count(), coll)
    client.get(url)
    few = _queries(client, url)
    _grow(county, 990, coll)
    assert Unit.objects.filter(parent=county, is_active=True).count() == 1000
    many = _queries(client, url)
    assert many == few
