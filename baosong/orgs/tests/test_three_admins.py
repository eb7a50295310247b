"""三员分立: separate accounts for system, security and audit administration, none in the business flow."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from baosong.core.errors import ServiceError
from baosong.orgs import services
from baosong.orgs.models import Membership, Role


def test_an_account_with_two_admin_roles_is_refused_by_the_service(cast):
    with pytest.raises(ServiceError, match="三员分立"):
        services.membership_add(
            by=cast.sysadmin.user, user=cast.sysadmin.user, unit=cast.sysadmin.unit, role=Role.AUDITADMIN
        )


def test_an_admin_role_cannot_join_business_roles(cast):
    with pytest.raises(ServiceError, match="三员分立"):
        services.membership_add(
            by=cast.sysadmin.user,
            user=cast.county_editor.user,
            unit=cast.county_editor.unit,
            role=Role.SECADMIN,
        )
    with pytest.raises(ServiceError, match="三员分立"):
        services.membership_add(
            by=cast.sysadmin.user, user=cast.auditadmin.user, unit=cast.county_editor.unit, role=Role.EDITOR
        )


def test_the_database_refuses_two_admin_roles_on_one_account(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=cast.sysadmin.user, unit=cast.sysadmin.unit, role=Role.SECADMIN)
    membership = Membership.objects.get(user=cast.county_editor.user)
    membership.user = cast.secadmin.user  # moving a business role onto an admin account
    with pytest.raises(IntegrityError), transaction.atomic():
        membership.save()


def test_business_roles_combine_freely(cast):
    services.membership_add(
        by=cast.sysadmin.user, user=cast.county_editor.user, unit=cast.county_editor.unit, role=Role.CHIEF
    )
    assert Membership.objects.filter(user=cast.county_editor.user).count() == 2


def test_sysadmin_gets_403_on_audit_pages(client_as):
    assert client_as("sysadmin").get("/audit/").status_code == 403


def test_auditadmin_gets_403_on_user_management(client_as):
    client = client_as("auditadmin")
    for url in ("/manage/users/", "/manage/units/", "/manage/import", "/manage/users/new"):
        assert client.get(url).status_code == 403, url


def test_secadmin_cannot_edit_business_data(client_as, cast):
    client = client_as("secadmin")
    assert client.get("/manage/users/").status_code == 403
    assert client.post(f"/manage/units/{cast.county_editor.unit.pk}/edit", {"name": "x"}).status_code == 403


def test_no_admin_role_reaches_business_pages(client_as):
    for key in ("sysadmin", "secadmin", "auditadmin"):
        assert client_as(key).get("/staff/").status_code == 403, key


def test_business_users_cannot_reach_admin_pages(client_as):
    client = client_as("province_leader")
    for url in ("/manage/units/", "/manage/users/", "/security/locked", "/security/policy"):
        assert client.get(url).status_code == 403, url
