"""List pages cost the same number of queries whatever the number of rows."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from baosong.orgs import services
from baosong.orgs.models import User


def _add_users(cast, n: int, prefix: str) -> None:  # type: ignore[no-untyped-def]
    unit = cast.township_reporter.unit
    User.objects.bulk_create(
        [
            User(username=f"{prefix}{i}", full_name=f"测试{i}", primary_unit=unit, password="!")
            for i in range(n)
        ]
    )


def _count(client, url: str) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_user_list_queries_do_not_grow_with_rows(cast, client_as):
    client = client_as("sysadmin")
    _add_users(cast, 5, "few")
    few = _count(client, "/manage/users/")
    _add_users(cast, 45, "many")
    assert _count(client, "/manage/users/") == few


def test_staff_export_queries_do_not_grow_with_rows(cast, client_as):
    client = client_as("county_editor")
    _add_users(cast, 5, "few")
    few = _count(client, "/staff/?format=xlsx")
    _add_users(cast, 200, "many")
    assert _count(client, "/staff/?format=xlsx") == few


def test_unit_tree_fragment_queries_do_not_grow_with_children(cast, client_as):
    client = client_as("sysadmin")
    county = cast.county_editor.unit
    few = _count(client, f"/manage/units/{county.pk}/children")
    for i in range(20):
        services.unit_create(by=None, name=f"新增镇{i}", code=f"QB-{i}", level="township", parent=county)
    assert _count(client, f"/manage/units/{county.pk}/children") == few


def test_units_api_queries_do_not_grow_with_rows(cast, client_as):
    client = client_as("province_editor")
    few = _count(client, "/api/v1/units?page_size=5")
    assert _count(client, "/api/v1/units?page_size=200") == few
