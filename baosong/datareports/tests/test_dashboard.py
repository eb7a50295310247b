"""The form dashboard: reporting per month for the user's unit's children, their totals by unit and month,
drill-down within what the user oversees, and a fixed number of queries whatever the number of children."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baosong.datareports import services
from baosong.datareports.models import Collection, Return
from baosong.datareports.tests.conftest import fill_and_submit, reception_row, travel
from baosong.demo.scale_datareports import seed_collection
from baosong.orgs.models import Unit


def page(form: Any, **params: Any) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/datareports/forms/{form.pk}/dashboard" + (f"?{query}" if query else "")


@pytest.fixture
def april(cast: Any, reception: Any) -> Collection:
    with travel("2026-04-01"):
        return services.collection_create(
            by=cast.city_editor.user,
            form=reception,
            root_unit=cast.city_editor.unit,
            period_kind="monthly",
            period="2026-04",
        )


def test_the_city_sees_who_returned_on_time_late_or_not_and_their_totals(
    cast, march, april, reception, client_as
):
    county, other = cast.county_editor.unit, cast.outsider_editor.unit
    fill_and_submit(
        march, county, cast.county_editor.user, [reception_row("2026-03-30T09:00", 5)], "2026-04-08"
    )
    fill_and_submit(
        march, other, cast.outsider_editor.user, [reception_row("2026-03-10T09:00", 3)], "2026-04-14"
    )
    fill_and_submit(
        april, county, cast.county_editor.user, [reception_row("2026-04-10T09:00", 7)], "2026-05-08"
    )
    fill_and_submit(march, cast.city_editor.unit, cast.city_editor.user, [], "2026-04-17")
    with travel("2026-05-09"):
        response = client_as("city_editor").get(page(reception, year=2026, measure="rows.guests_total"))
    assert response.status_code == 200
    d = response.context["d"]
    children = Unit.objects.filter(parent=cast.city_editor.unit, is_active=True).count()
    mar, apr = d.periods
    assert (mar.label, apr.label) == ("2026年3月", "2026年4月")
    assert (mar.expected, mar.on_time, mar.late, mar.missing) == (children, 1, 1, children - 2)
    assert mar.overdue == children - 2 and mar.own_state == "已上报" and mar.rate == round(200 / children)
    assert (apr.on_time, apr.late, apr.own_state) == (1, 0, "未上报")
    lines = {line.name: line for line in d.lines}
    assert [c.value for c in lines[county.name].cells] == ["5", "7"]
    dept = Unit.objects.filter(parent=cast.city_editor.unit, kind="department").first()
    assert dept is not None and lines[county.name].drill
    assert not lines[dept.name].drill  # a department has no units below it
    assert [c.state for c in lines[other.name].cells] == ["late", "missing"]
    assert d.children_total == ["8", "7"] and d.own_total == ["8", ""]
    html = response.content.decode()
    assert "下级单位报送情况" in html and "逾期" in html
    assert f"/datareports/c/{march.pk}/u/{cast.city_editor.unit.pk}/rollup.xlsx" in html

    # Drill down into the county: its townships.
    drilled = client_as("city_editor").get(page(reception, unit=county.pk, year=2026)).context["d"]
    assert drilled.unit == county and [u.pk for u in drilled.crumbs] == [cast.city_editor.unit.pk, county.pk]
    assert {line.unit_id for line in drilled.lines} == set(
        Unit.objects.filter(parent=county, is_active=True).values_list("pk", flat=True)
    )
    assert drilled.periods[0].own_state == "已上报"
    with travel("2026-05-09"):
        county_april = Return.objects.get(collection=april, unit=county)
        services.return_send_back(ret=county_april, by=cast.city_editor.user, comment="请补充接待对象职务")
    drilled = client_as("city_editor").get(page(reception, unit=county.pk, year=2026)).context["d"]
    assert [p.own_state for p in drilled.periods] == ["已上报", "退回修改"]


def test_no_one_drills_outside_what_they_oversee(cast, march, reception, client_as):
    outsider = client_as("outsider_editor")
    assert outsider.get(page(reception, unit=cast.county_editor.unit.pk)).status_code == 404
    assert outsider.get(page(reception)).context["d"].unit == cast.outsider_editor.unit
    county = client_as("county_editor")
    assert county.get(page(reception, unit=cast.city_editor.unit.pk)).status_code == 404
    assert county.get(page(reception, unit="abc")).status_code == 200  # an unreadable unit: the user's own
    assert county.get(f"/datareports/forms/{2**70}/dashboard").status_code == 404
    assert client_as("township_reporter").get(page(reception)).status_code == 403


def _grow(parent: Unit, count: int) -> None:
    base = Unit.objects.order_by("-pk").first().pk  # type: ignore[union-attr]
    for i in range(count):
        unit = Unit.objects.create(
            name=f"测试乡{i}",
            code=f"T{base}-{i}",
            level="township",
            parent=parent,
            path="",
            depth=parent.depth + 1,
        )
        Unit.objects.filter(pk=unit.pk).update(path=f"{parent.path}{unit.pk}/")


def _months(cast: Any, reception: Any) -> None:
    """January to March for the county, every child returning one row a month (bulk, as services would)."""
    county = cast.county_editor.unit
    for month in ("2026-01", "2026-02", "2026-03"):
        with travel(f"{month}-01"):
            coll = services.collection_create(
                by=cast.county_editor.user,
                form=reception,
                root_unit=county,
                period_kind="monthly",
                period=month,
                levels=[
                    {"due": {"kind": "next_month_day", "n": 10}},
                    {"due": {"kind": "event_workdays", "n": 10}},
                ],
            )
        seed_collection(coll, rows_per_unit=1)


def _children(county: Unit) -> int:
    return Unit.objects.filter(parent=county, is_active=True).count()


def test_the_dashboard_reads_as_many_queries_for_10_children_as_for_60(
    cast, reception, client_as, django_assert_num_queries
):
    county = cast.county_editor.unit
    _grow(county, 10 - _children(county))
    _months(cast, reception)
    client = client_as("county_editor")
    client.get(page(reception, year=2026))  # the session's first page
    with CaptureQueriesContext(connection) as ten:
        assert len(client.get(page(reception, year=2026)).context["d"].lines) == 10

    from baosong.datareports.models import ReturnVersion

    ReturnVersion.objects.filter(ret__collection__root_unit=county).delete()
    Return.objects.filter(collection__root_unit=county).delete()
    Collection.objects.filter(root_unit=county).delete()
    _grow(county, 50)
    _months(cast, reception)
    with django_assert_num_queries(len(ten)):
        response = client.get(page(reception, year=2026))
    d = response.context["d"]
    assert len(d.lines) == 60 and [p.on_time + p.late for p in d.periods] == [60, 60, 60]
