from __future__ import annotations

import pytest
from django.test import Client, override_settings

from baosong.core.models import AuditEvent
from baosong.orgs.models import User
from conftest import otp_now


def _token(client: Client, username: str, password: str, **extra: str):  # type: ignore[no-untyped-def]
    return client.post(
        "/api/v1/auth/token",
        {"username": username, "password": password, **extra},
        content_type="application/json",
    )


def test_token_then_me(cast):
    client = Client()
    response = _token(client, cast.county_editor.user.username, cast.county_editor.password)
    assert response.status_code == 200
    token = response.json()["token"]
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert me.status_code == 200
    body = me.json()
    assert body["username"] == cast.county_editor.user.username
    assert body["memberships"] == [
        {"unit_id": cast.county_editor.unit.pk, "unit_name": cast.county_editor.unit.name, "role": "editor"}
    ]


def test_wrong_password_and_unknown_user_answer_alike(cast):
    wrong = _token(Client(), cast.county_editor.user.username, "Nope#123456")
    unknown = _token(Client(), "nobody", "Nope#123456")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "用户名或密码错误。", "code": "invalid_credentials"}


@override_settings(LOCKOUT_THRESHOLD=3)
def test_api_shares_the_lockout_of_the_login_page(cast):
    actor = cast.county_editor
    for _ in range(3):
        _token(Client(), actor.user.username, "Nope#123456")
    response = _token(Client(), actor.user.username, actor.password)
    assert response.status_code == 401 and response.json()["code"] == "account_locked"
    page = Client().post("/accounts/login", {"username": actor.user.username, "password": actor.password})
    assert page.status_code == 401
    assert AuditEvent.objects.filter(event_type="login.failure", user_name=actor.user.username).count() == 5


def test_admin_token_needs_the_totp_code(cast):
    response = _token(Client(), "sysadmin", cast.sysadmin.password)
    assert response.status_code == 401 and response.json()["code"] == "otp_required"
    response = _token(Client(), "sysadmin", cast.sysadmin.password, otp=otp_now(cast.sysadmin.user))
    assert response.status_code == 200


def test_token_refused_until_the_first_password_change(cast):
    User.objects.filter(pk=cast.county_editor.user.pk).update(must_change_password=True)
    response = _token(Client(), cast.county_editor.user.username, cast.county_editor.password)
    assert response.status_code == 403 and response.json()["code"] == "password_change_required"
    change = Client().post(
        "/api/v1/auth/password",
        {
            "username": cast.county_editor.user.username,
            "old_password": cast.county_editor.password,
            "new_password": "Fresh#Pass2026",
        },
        content_type="application/json",
    )
    assert change.status_code == 204
    assert _token(Client(), cast.county_editor.user.username, "Fresh#Pass2026").status_code == 200


def test_weak_new_password_is_a_422_with_chinese_detail(cast):
    response = Client().post(
        "/api/v1/auth/password",
        {
            "username": cast.county_editor.user.username,
            "old_password": cast.county_editor.password,
            "new_password": "abc",
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert response.json()["code"] == "weak_password" and "密码" in response.json()["detail"]


@pytest.mark.parametrize("body", [{}, {"username": "x"}, {"username": "", "password": ""}, "not json"])
def test_malformed_token_requests_are_4xx_not_500(db, body):
    response = Client().post("/api/v1/auth/token", body, content_type="application/json")
    assert 400 <= response.status_code < 500
    assert set(response.json()) >= {"detail", "code"}


def test_unauthenticated_requests_get_401_with_code(db):
    response = Client().get("/api/v1/me")
    assert response.status_code == 401 and response.json()["code"] == "unauthenticated"
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer bs_forged")
    assert response.status_code == 401


def test_session_cookie_also_authenticates(client_as):
    response = client_as("county_editor").get("/api/v1/me")
    assert response.status_code == 200


def test_disabling_a_user_revokes_their_tokens(cast, client_as):
    token = _token(Client(), cast.county_editor.user.username, cast.county_editor.password).json()["token"]
    client_as("sysadmin").post(f"/manage/users/{cast.county_editor.user.pk}/active", {"active": "0"})
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


def test_an_invalid_json_body_is_a_chinese_400(db):
    response = Client().post("/api/v1/auth/token", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "请求体不是有效的 JSON 对象。", "code": "invalid_body"}
    assert "charset=utf-8" in response["Content-Type"]
