from __future__ import annotations

from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from baosong.core.models import AuditEvent
from baosong.orgs.models import LoginState
from conftest import login


def test_security_administrator_finds_an_account_and_sees_its_state(cast, client_as):
    LoginState.objects.create(username=cast.county_editor.user.username, failures=5)
    body = (
        client_as("secadmin").get(f"/security/accounts?q={cast.county_editor.user.username}").content.decode()
    )
    assert "黄海燕" in body and "连续失败 5 次" in body and "重置密码" in body


def test_reset_password_forces_a_change_and_ends_sessions(cast, client_as):
    victim = login(Client(), cast.county_editor)
    sec = client_as("secadmin")
    response = sec.post(
        f"/security/users/{cast.county_editor.user.pk}/reset-password", {"password": "Temp#Reset2026"}
    )
    assert response.status_code == 302
    assert victim.get("/").status_code == 302
    fresh = Client()
    fresh.post(
        "/accounts/login", {"username": cast.county_editor.user.username, "password": "Temp#Reset2026"}
    )
    assert fresh.get("/")["Location"] == "/accounts/password"
    assert AuditEvent.objects.filter(event_type="password.reset", user_id=cast.secadmin.user.pk).exists()


def test_a_weak_temporary_password_is_refused_with_a_reason(cast, client_as):
    sec = client_as("secadmin")
    response = sec.post(
        f"/security/users/{cast.county_editor.user.pk}/reset-password", {"password": "123"}, follow=True
    )
    assert "不符合密码策略" in response.content.decode()
    assert (
        Client()
        .post(
            "/accounts/login",
            {"username": cast.county_editor.user.username, "password": cast.county_editor.password},
        )
        .status_code
        == 302
    )


def test_reset_totp_makes_the_admin_enrol_again(cast, client_as):
    client_as("secadmin").post(f"/security/users/{cast.sysadmin.user.pk}/reset-otp")
    assert not TOTPDevice.objects.filter(user=cast.sysadmin.user).exists()
    client = Client()
    client.post("/accounts/login", {"username": "sysadmin", "password": cast.sysadmin.password})
    assert "绑定" in client.get("/accounts/otp").content.decode()
    assert AuditEvent.objects.filter(event_type="otp.reset").exists()
