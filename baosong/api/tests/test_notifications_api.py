"""The notification centre on the API: one's own notifications only, unread filter, marking read."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from baosong.notifications.models import Notification
from baosong.notifications.services import notify


def _notes(cast: Any, n: int, key: str = "county_editor") -> list[Notification]:
    return notify(
        users=[cast[key].user] * 1,
        kind="received",
        title="收到信息",
    ) + [
        Notification.objects.create(user=cast[key].user, kind="reminder", title=f"到期提醒{i}", urgent=i == 0)
        for i in range(n - 1)
    ]


def test_the_user_lists_their_notifications_newest_first_and_unread_only(cast, api):
    notes = _notes(cast, 3)
    client = api("county_editor")
    listed = client.get("/api/v1/notifications").json()
    assert listed["count"] == 3 and listed["unread"] == 3
    assert [n["id"] for n in listed["items"]] == sorted((n.pk for n in notes), reverse=True)
    first = listed["items"][-1]
    assert (first["kind"], first["kind_label"], first["read_at"]) == ("received", "收到信息", None)

    response = client.post(f"/api/v1/notifications/{notes[0].pk}/read")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    unread = client.get("/api/v1/notifications?unread=true").json()
    assert unread["count"] == 2 and unread["unread"] == 2
    assert notes[0].pk not in [n["id"] for n in unread["items"]]


def test_marking_all_read_answers_how_many(cast, api):
    _notes(cast, 4)
    client = api("county_editor")
    assert client.post("/api/v1/notifications/read").json() == {"count": 4}
    assert client.post("/api/v1/notifications/read").json() == {"count": 0}
    assert client.get("/api/v1/notifications?unread=true").json()["count"] == 0


def test_marking_the_listed_ones_read_leaves_the_others(cast, api):
    notes = _notes(cast, 3)
    client = api("county_editor")
    response = client.post(
        "/api/v1/notifications/read", {"ids": [notes[1].pk]}, content_type="application/json"
    )
    assert response.json() == {"count": 1}
    assert client.get("/api/v1/notifications").json()["unread"] == 2


def test_someone_elses_notification_is_not_found_and_stays_unread(cast, api):
    (note,) = _notes(cast, 1)
    client = api("township_reporter")
    response = client.post(f"/api/v1/notifications/{note.pk}/read")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert client.post(
        "/api/v1/notifications/read", {"ids": [note.pk]}, content_type="application/json"
    ).json() == {"count": 0}
    assert client.get("/api/v1/notifications").json()["count"] == 0
    note.refresh_from_db()
    assert note.read_at is None


def test_bad_input_is_refused_in_chinese(cast, api):
    client = api("county_editor")
    response = client.get("/api/v1/notifications?unread=maybe")
    assert response.status_code == 422 and "unread" in response.json()["detail"]
    response = client.post("/api/v1/notifications/read", {"ids": ["1"]}, content_type="application/json")
    assert response.status_code == 422 and "类型不正确" in str(response.json())


def test_admin_roles_have_no_notification_routes(cast, client_as):
    response = client_as("auditadmin").get("/api/v1/notifications")
    assert response.status_code == 403 and response.json()["code"] == "role_forbidden"


def test_listing_costs_the_same_for_one_or_many(cast, api):
    client = api("county_editor")
    _notes(cast, 1)
    client.get("/api/v1/notifications")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/notifications").json()["count"] == 1
    _notes(cast, 10)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/notifications").json()["count"] == 11
    assert len(many.captured_queries) == len(few.captured_queries)
