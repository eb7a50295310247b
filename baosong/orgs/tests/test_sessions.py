from __future__ import annotations

import datetime as dt

import time_machine
from django.contrib.sessions.models import Session
from django.test import Client, override_settings
from django.utils import timezone

from baosong.core.models import AuditEvent
from baosong.orgs.models import UserSession
from conftest import login


@override_settings(SESSION_IDLE_MINUTES=30)
def test_idle_session_times_out(cast):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = login(Client(), cast.county_editor)
        assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=29))
        assert client.get("/").status_code == 200  # activity resets the idle clock
        clock.shift(dt.timedelta(minutes=31))
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login")
        assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(event_type="session.expired", details__reason="idle").exists()


@override_settings(SESSION_IDLE_MINUTES=30, SESSION_MAX_HOURS=12)
def test_session_ends_after_absolute_lifetime_even_when_active(cast):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = login(Client(), cast.county_editor)
        for _ in range(25):
            clock.shift(dt.timedelta(minutes=29))
            response = client.get("/")
        assert response.status_code == 302


def test_logout_ends_the_session(cast):
    client = login(Client(), cast.county_editor)
    key = client.session.session_key
    assert UserSession.objects.filter(session_key=key).exists()
    client.post("/accounts/logout")
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(session_key=key).exists()
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(event_type="logout", user_id=cast.county_editor.user.pk).exists()


def test_disabling_a_user_ends_their_sessions(cast, client_as):
    victim = login(Client(), cast.county_editor)
    other_device = login(Client(), cast.county_editor)
    assert victim.get("/").status_code == 200
    sys = client_as("sysadmin")
    assert sys.post(f"/manage/users/{cast.county_editor.user.pk}/active", {"active": "0"}).status_code == 302
    assert victim.get("/").status_code == 302
    assert other_device.get("/").status_code == 302
    assert not UserSession.objects.filter(user=cast.county_editor.user).exists()
    assert (
        Client()
        .post(
            "/accounts/login",
            {"username": cast.county_editor.user.username, "password": cast.county_editor.password},
        )
        .status_code
        == 401
    )


def test_security_administrator_ends_a_users_sessions(cast, client_as):
    victim = login(Client(), cast.county_editor)
    sec = client_as("secadmin")
    assert "黄海燕" in sec.get("/security/sessions").content.decode()
    sec.post(f"/security/users/{cast.county_editor.user.pk}/end-sessions")
    assert victim.get("/").status_code == 302


def test_session_cookie_is_http_only(cast):
    client = Client()
    response = client.post(
        "/accounts/login",
        {"username": cast.county_editor.user.username, "password": cast.county_editor.password},
    )
    assert response.cookies["baosong_session"]["httponly"]


def _session_writes(client: Client, path: str) -> list[str]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return [
        q["sql"] for q in ctx.captured_queries if "django_session" in q["sql"] and "SELECT" not in q["sql"]
    ]


@override_settings(SESSION_IDLE_MINUTES=30)
def test_a_page_view_does_not_rewrite_the_session_row_within_a_minute(cast):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = login(Client(), cast.county_editor)
        client.get("/")
        clock.shift(dt.timedelta(seconds=30))
        assert _session_writes(client, "/") == []
        clock.shift(dt.timedelta(seconds=31))
        assert len(_session_writes(client, "/")) == 1  # the idle clock moves on, once a minute


@override_settings(SESSION_IDLE_MINUTES=30)
def test_idle_timeout_counts_from_activity_recorded_a_minute_apart(cast):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = login(Client(), cast.county_editor)
        for _ in range(4):  # 2 hours of a page every 29 minutes: never idle
            clock.shift(dt.timedelta(minutes=29))
            assert client.get("/").status_code == 200
        clock.shift(dt.timedelta(minutes=30, seconds=1))
        assert client.get("/").status_code == 302
