from __future__ import annotations

import re

from django.test import Client, override_settings
from django.utils import timezone

from baosong.core.models import AuditEvent
from baosong.orgs.auth import GENERIC_FAILURE, LOCKED_MESSAGE
from baosong.orgs.models import LoginState
from conftest import login, otp_now


def _post_login(client: Client, username: str, password: str):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login", {"username": username, "password": password})


def test_login_page_is_in_chinese(db):
    body = Client().get("/accounts/login").content.decode()
    assert "用户名" in body and "密码" in body and "登 录" in body


def test_reporter_logs_in_and_sees_the_workbench(cast):
    client = login(Client(), cast.county_reporter)
    body = client.get("/").content.decode()
    assert "工作台" in body and "临江市东湖区人民政府办公室" in body
    assert AuditEvent.objects.filter(
        event_type="login.success", user_id=cast.county_reporter.user.pk
    ).exists()


def test_unknown_user_and_wrong_password_get_the_same_answer(cast):
    wrong = _post_login(Client(), cast.county_reporter.user.username, "Wrong#Pass123")
    unknown = _post_login(Client(), "nobody_here", "Wrong#Pass123")
    assert wrong.status_code == unknown.status_code == 401
    assert GENERIC_FAILURE in wrong.content.decode() and GENERIC_FAILURE in unknown.content.decode()

    def normalised(response) -> str:  # type: ignore[no-untyped-def]
        text = response.content.decode()
        text = text.replace(cast.county_reporter.user.username, "NAME").replace("nobody_here", "NAME")
        return re.sub(r"[A-Za-z0-9]{64}", "CSRF", text)

    assert normalised(wrong) == normalised(unknown)


@override_settings(LOCKOUT_THRESHOLD=5)
def test_lockout_refuses_even_the_correct_password(cast):
    actor = cast.county_reporter
    client = Client()
    for _ in range(5):
        _post_login(client, actor.user.username, "Wrong#Pass123")
    response = _post_login(client, actor.user.username, actor.password)
    assert response.status_code == 401
    assert LOCKED_MESSAGE in response.content.decode()
    assert AuditEvent.objects.filter(event_type="login.locked", user_name=actor.user.username).count() == 1


@override_settings(LOCKOUT_THRESHOLD=3)
def test_unknown_user_locks_like_a_known_one(db):
    client = Client()
    answers = [_post_login(client, "ghost", "Wrong#Pass123").content.decode() for _ in range(4)]
    assert LOCKED_MESSAGE in answers[-1]


@override_settings(LOCKOUT_THRESHOLD=2)
def test_security_administrator_unlocks_and_it_is_audited(cast, client_as):
    actor = cast.county_reporter
    for _ in range(2):
        _post_login(Client(), actor.user.username, "Wrong#Pass123")
    assert LoginState.objects.get(username=actor.user.username).locked_at is not None
    sec = client_as("secadmin")
    assert actor.user.username in sec.get("/security/locked").content.decode()
    assert sec.post("/security/unlock", {"username": actor.user.username}).status_code == 302
    assert AuditEvent.objects.filter(event_type="login.unlock").exists()
    assert _post_login(Client(), actor.user.username, actor.password).status_code == 302


def test_admin_needs_totp_code_after_password(cast):
    client = Client()
    response = _post_login(client, "sysadmin", cast.sysadmin.password)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/otp")
    assert client.get("/").status_code == 302  # not logged in yet
    response = client.post("/accounts/otp", {"token": otp_now(cast.sysadmin.user)})
    assert response.status_code == 302
    assert "单位管理" in client.get("/").content.decode()


def test_admin_without_device_enrols_a_totp_device(cast):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=cast.secadmin.user).delete()
    client = Client()
    _post_login(client, "secadmin", cast.secadmin.password)
    page = client.get("/accounts/otp").content.decode()
    assert "绑定" in page and "<svg" in page
    device = TOTPDevice.objects.get(user=cast.secadmin.user, confirmed=False)
    code = f"{totp(device.bin_key):06d}"
    assert client.post("/accounts/otp", {"token": code}).status_code == 302
    assert TOTPDevice.objects.filter(user=cast.secadmin.user, confirmed=True).exists()


def test_next_parameter_cannot_redirect_off_site(cast):
    response = Client().post(
        "/accounts/login?next=https://evil.example/",
        {"username": cast.county_reporter.user.username, "password": cast.county_reporter.password},
    )
    assert response["Location"] == "/"


def test_a_wrong_totp_code_is_refused_and_audited(cast):
    client = Client()
    _post_login(client, "sysadmin", cast.sysadmin.password)
    response = client.post(
        "/accounts/otp", {"token": "000000" if otp_now(cast.sysadmin.user) != "000000" else "111111"}
    )
    assert response.status_code == 200 and "动态口令错误" in response.content.decode()
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(event_type="login.otp_failure").exists()


def test_the_password_is_checked_outside_the_write_transaction(cast, monkeypatch):
    """On SQLite a write transaction holds the database's only write lock: a password hash inside it made
    every login, and every other write, wait for each hash (and a burst of logins fail as locked)."""
    from django.db import connection

    from baosong.orgs import auth

    depth_outside = len(connection.atomic_blocks)
    seen: list[int] = []
    real = auth.authenticate

    def checking(**credentials):  # type: ignore[no-untyped-def]
        seen.append(len(connection.atomic_blocks))
        return real(**credentials)

    monkeypatch.setattr(auth, "authenticate", checking)
    actor = cast.county_reporter
    assert _post_login(Client(), actor.user.username, actor.password).status_code == 302
    assert _post_login(Client(), actor.user.username, "Wrong#Pass123").status_code == 401
    assert seen == [depth_outside, depth_outside]
    assert LoginState.objects.get(username=actor.user.username).failures == 1


def test_an_account_locked_while_its_password_was_checked_stays_locked(cast, monkeypatch):
    from baosong.orgs import auth

    actor = cast.county_reporter
    real = auth.authenticate

    def locked_meanwhile(**credentials):  # type: ignore[no-untyped-def]
        user = real(**credentials)
        LoginState.objects.update_or_create(
            username=actor.user.username, defaults={"failures": 5, "locked_at": timezone.now()}
        )
        return user

    monkeypatch.setattr(auth, "authenticate", locked_meanwhile)
    response = _post_login(Client(), actor.user.username, actor.password)
    assert response.status_code == 401 and LOCKED_MESSAGE in response.content.decode()
