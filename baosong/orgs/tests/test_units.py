from __future__ import annotations

import pytest

from baosong.core.errors import ServiceError
from baosong.orgs import services
from baosong.orgs.models import Role, Unit
from baosong.orgs.selectors import unit_reporting_targets, units_visible_to


def test_sysadmin_creates_a_unit_in_the_tree(client_as, cast):
    county = cast.county_editor.unit
    response = client_as("sysadmin").post(
        f"/manage/units/{county.pk}/new",
        {"name": "东湖区金沙镇", "code": "NEW-T", "level": "township", "kind": "government", "sort_order": 9},
    )
    assert response.status_code == 302
    unit = Unit.objects.get(code="NEW-T")
    assert unit.parent == county and unit.path == f"{county.path}{unit.pk}/"


def test_creating_with_a_duplicate_code_explains_and_keeps_the_input(client_as, cast):
    county = cast.county_editor.unit
    response = client_as("sysadmin").post(
        f"/manage/units/{county.pk}/new",
        {"name": "重复代码镇", "code": county.code, "level": "township", "kind": "government"},
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "已存在" in body and "重复代码镇" in body


def test_moving_a_unit_moves_its_subtree(cast):
    county = cast.county_editor.unit
    other_city = Unit.objects.get(code="DEMO-C2")
    township = cast.township_reporter.unit
    services.unit_move(by=cast.sysadmin.user, unit=county, new_parent=other_city)
    county.refresh_from_db()
    township.refresh_from_db()
    assert county.path == f"{other_city.path}{county.pk}/"
    assert township.path.startswith(county.path) and township.depth == county.depth + 1


def test_a_unit_cannot_move_under_its_own_subtree(cast):
    with pytest.raises(ServiceError, match="下级"):
        services.unit_move(
            by=cast.sysadmin.user, unit=cast.county_editor.unit, new_parent=cast.township_reporter.unit
        )


def test_deactivating_a_unit_deactivates_its_subtree(client_as, cast):
    county = cast.county_editor.unit
    client_as("sysadmin").post(f"/manage/units/{county.pk}/active", {"active": "0"})
    assert not Unit.objects.filter(path__startswith=county.path, is_active=True).exists()


def test_reporting_targets_are_the_parent_plus_direct_lines(cast):
    township = cast.township_reporter.unit
    city = cast.city_editor.unit
    services.unit_set_extra_targets(by=cast.sysadmin.user, unit=township, targets=[city])
    assert [u.pk for u in unit_reporting_targets(township)] == [township.parent_id, city.pk]


def test_visibility_is_the_subtree_of_the_units_a_user_acts_for(cast):
    visible = set(units_visible_to(cast.county_editor.user).values_list("pk", flat=True))
    assert cast.township_reporter.unit.pk in visible
    assert cast.outsider_editor.unit.pk not in visible
    assert cast.city_editor.unit.pk not in visible


def test_unit_tree_page_loads_children_lazily(client_as, cast):
    client = client_as("sysadmin")
    page = client.get("/manage/units/").content.decode()
    assert "清源省人民政府办公厅" in page
    fragment = client.get(f"/manage/units/{cast.city_editor.unit.pk}/children").content.decode()
    assert "东湖区" in fragment


def test_a_sysadmin_of_a_county_cannot_see_other_counties(cast, client_as):
    from baosong.orgs.models import User

    admin = User.objects.create_user(
        "county_sys",
        "Strong#Pass2026",
        full_name="县管理员",
        primary_unit=cast.county_editor.unit,
        must_change_password=False,
    )
    from django.utils import timezone

    admin.password_changed_at = timezone.now()
    admin.save()
    services.membership_add(by=None, user=admin, unit=cast.county_editor.unit, role=Role.SYSADMIN)
    from baosong.orgs.selectors import admin_scope_units

    scope = admin_scope_units(admin)
    assert not scope.filter(pk=cast.outsider_editor.unit.pk).exists()
    assert scope.filter(pk=cast.township_reporter.unit.pk).exists()


def test_another_scopes_unit_answers_404(cast, client_as):
    from django.test import Client
    from django.utils import timezone

    from baosong.orgs.models import User
    from conftest import Actor, login, otp_now  # noqa: F401

    admin = User.objects.create_user(
        "county_sys2",
        "Strong#Pass2026",
        full_name="县管理员",
        primary_unit=cast.county_editor.unit,
        must_change_password=False,
        password_changed_at=timezone.now(),
    )
    services.membership_add(by=None, user=admin, unit=cast.county_editor.unit, role=Role.SYSADMIN)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=admin, confirmed=True)
    client = login(Client(), Actor("x", admin, cast.county_editor.unit, "Strong#Pass2026"))
    assert client.get(f"/manage/units/{cast.outsider_editor.unit.pk}/").status_code == 404
    assert client.get(f"/manage/users/{cast.outsider_editor.user.pk}/").status_code == 404
    assert client.get(f"/manage/units/{cast.township_reporter.unit.pk}/").status_code == 200
