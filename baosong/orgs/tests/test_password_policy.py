from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.utils import timezone

from baosong.orgs.auth import password_change
from baosong.orgs.models import User
from baosong.orgs.services import user_create
from conftest import login


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Ab1!", "太短"),
        ("abcdefghij", "字母"),
        ("abcdefgh12", "字母"),
        ("Password123", "常见"),
        ("Xian_xinxiyuan1", "相似"),
    ],
)
def test_weak_passwords_are_refused(cast, password, reason):
    user = cast.county_reporter.user
    with pytest.raises(ValidationError):
        password_change(user=user, new_password=password)


def test_a_good_password_is_accepted_and_hashed_with_sm3(cast):
    user = cast.county_reporter.user
    password_change(user=user, new_password="Qingyuan#2027")
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sm3$")
    assert user.check_password("Qingyuan#2027")


def test_none_of_the_last_five_passwords_may_be_reused(cast):
    user = cast.county_reporter.user
    history = [f"Zhen{n}#Xin2026" for n in range(5)]
    for pw in history:
        password_change(user=user, new_password=pw)
    for pw in history[1:]:
        with pytest.raises(ValidationError, match="最近"):
            password_change(user=user, new_password=pw)
    password_change(user=user, new_password="Another#Pass99")


def test_admin_created_account_must_change_password_at_first_login(cast, client_as):
    sys = client_as("sysadmin")
    response = sys.post(
        "/manage/users/new",
        {
            "username": "new_reporter",
            "full_name": "新信息员",
            "primary_unit": cast.township_reporter.unit.pk,
            "password": "Initial#2026x",
            "email_notifications": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:800]
    client = Client()
    client.post("/accounts/login", {"username": "new_reporter", "password": "Initial#2026x"})
    response = client.get("/")
    assert response.status_code == 302 and response["Location"] == "/accounts/password"
    response = client.post(
        "/accounts/password",
        {"old_password": "Initial#2026x", "new_password": "Changed#2026y", "new_password2": "Changed#2026y"},
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_demo_accounts_must_change_password_unless_demo_mode(cast):
    User.objects.filter(pk=cast.county_editor.user.pk).update(must_change_password=True)
    client = login(Client(), cast.county_editor)
    assert client.get("/")["Location"] == "/accounts/password"
    with override_settings(DEMO_SKIP_PASSWORD_CHANGE=True):
        assert client.get("/").status_code == 200


@override_settings(DEMO_MODE=True, DEMO_SKIP_PASSWORD_CHANGE=True)
def test_in_demo_mode_a_real_account_still_changes_its_password_first(cast):
    """Demo mode spares only the demo cast: an account an administrator creates (not is_demo) is sent to the
    password page by every page and refused an API token until it changes the password."""
    user = user_create(
        by=cast.sysadmin.user,
        username="real_reporter",
        full_name="实名信息员",
        primary_unit=cast.township_reporter.unit,
        password="Initial#2026x",
    )
    assert not user.is_demo and user.must_change_password
    client = Client()
    client.post("/accounts/login", {"username": "real_reporter", "password": "Initial#2026x"})
    for path in ("/", "/reports/", "/inbox/"):
        assert client.get(path)["Location"] == "/accounts/password", path
    token = Client().post(
        "/api/v1/auth/token",
        {"username": "real_reporter", "password": "Initial#2026x", "name": "脚本"},
        content_type="application/json",
    )
    assert token.status_code == 403 and token.json()["code"] == "password_change_required"


@override_settings(PASSWORD_MAX_AGE_DAYS=90)
def test_password_older_than_max_age_forces_a_change(cast):
    User.objects.filter(pk=cast.county_editor.user.pk).update(
        password_changed_at=timezone.now() - dt.timedelta(days=91)
    )
    client = login(Client(), cast.county_editor)
    assert client.get("/")["Location"] == "/accounts/password"


def test_old_hashes_upgrade_to_sm3_on_login(cast):
    user = cast.county_editor.user
    User.objects.filter(pk=user.pk).update(
        password=make_password(cast.county_editor.password, hasher="pbkdf2_sha256")
    )
    login(Client(), cast.county_editor)
    user.refresh_from_db()
    assert user.password.startswith("pbkdf2_sm3$")


def test_password_change_page_explains_policy_errors(cast):
    client = login(Client(), cast.county_editor)
    response = client.post(
        "/accounts/password",
        {"old_password": cast.county_editor.password, "new_password": "short", "new_password2": "short"},
    )
    assert response.status_code == 200
    assert "密码" in response.content.decode() and "errorlist" in response.content.decode()


@pytest.mark.parametrize(
    ("full_name", "password", "what"),
    [
        ("马小红", "马小红Aa1!马小红", "姓名"),
        ("马小红", "Qz9#马小红2026", "姓名"),
        ("马小红", "Ｍa小红", None),  # not the whole name: allowed by this rule (too short anyway)
    ],
)
def test_a_password_containing_the_full_name_is_refused(cast, full_name, password, what):
    user = cast.county_reporter.user
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    if what is None:
        from baosong.orgs.validators import PersonalInfoValidator

        PersonalInfoValidator().validate(password, user)
        return
    with pytest.raises(ValidationError) as refused:
        password_change(user=user, new_password=password)
    assert f"本人的{what}" in " ".join(refused.value.messages)


def test_the_login_name_in_any_case_or_width_is_in_the_password_refused(cast):
    user = cast.county_reporter.user  # xian_xinxiyuan
    with pytest.raises(ValidationError):
        password_change(user=user, new_password="Ok#9ＸＩＡＮ_xinxiyuan")


@pytest.mark.parametrize("typed", ["xian_bianji", "xian_bianji ", " XIAN_BIANJI", "ｘｉａｎ＿ｂｉａｎｊｉ"])
def test_login_names_are_one_name_whatever_the_case_width_or_spaces(cast, typed):
    response = Client().post("/accounts/login", {"username": typed, "password": cast.county_editor.password})
    assert response.status_code == 302, response.content.decode()[:300]


def test_a_new_account_cannot_take_a_name_that_differs_only_in_case_or_width(cast):
    from baosong.core.errors import ServiceError
    from baosong.orgs.services import user_create

    with pytest.raises(ServiceError) as refused:
        user_create(
            by=cast.sysadmin.user,
            username="ＸＩＡＮ_BIANJI ",
            full_name="重名测试",
            primary_unit=cast.county_editor.unit,
            password="Qz9#kT2mW8pL",
        )
    assert refused.value.code == "duplicate_username"
    created = user_create(
        by=cast.sysadmin.user,
        username=" Zhang_Wei ",
        full_name="张伟",
        primary_unit=cast.county_editor.unit,
        password="Qz9#kT2mW8pL",
    )
    assert created.username == "zhang_wei"


def test_the_migration_gives_existing_names_one_spelling(cast):
    import importlib

    from django.apps import apps as global_apps

    migration = importlib.import_module("baosong.orgs.migrations.0005_login_names_one_spelling")
    unit = cast.county_editor.unit
    for raw, name in (("Wang_Fang ", "王芳"), ("ＬＩ_Na", "李娜"), ("zhao", "赵一"), ("ZHAO", "赵二")):
        # Written as an older version stored them (the model's own create now normalises).
        User.objects.bulk_create([User(username=raw, full_name=name, primary_unit=unit)])
    migration.forwards(global_apps, None)
    names = set(User.objects.values_list("username", flat=True))
    assert {"wang_fang", "li_na", "zhao", "ZHAO"} <= names
