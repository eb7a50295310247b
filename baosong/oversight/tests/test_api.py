from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from baosong.core.models import AuditEvent

from .helpers import raised_alert, townships


def test_the_county_editor_lists_and_handles_an_alert(cast, api, django_capture_on_commit_callbacks):
    alert = raised_alert(cast, django_capture_on_commit_callbacks)
    client = api("county_editor")
    page = client.get("/api/v1/oversight/omissions?status=open").json()
    assert page["count"] == 1
    item = page["items"][0]
    assert item["unit_name"] == "东湖区城关镇" and item["allowed_actions"] == ["handle"]
    assert sorted(item["reporter_names"]) == sorted(["东湖区新桥镇", "东湖区杨柳乡", "东湖区河口街道"])
    too_long = client.post(
        f"/api/v1/oversight/omissions/{alert.pk}/handle",
        {"note": "长" * 501},
        content_type="application/json",
    )
    assert too_long.status_code == 422
    response = client.post(
        f"/api/v1/oversight/omissions/{alert.pk}/handle",
        {"note": "已督促补报"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["status"] == "handled" and response.json()["allowed_actions"] == []
    assert AuditEvent.objects.filter(event_type="omission.handle", object_id=str(alert.pk)).count() == 1
    again = client.post(f"/api/v1/oversight/omissions/{alert.pk}/handle")
    assert again.status_code == 409 and again.json()["detail"] == "该疑似漏报提醒已处理。"


def test_the_township_sees_its_alert_but_may_not_handle_it(cast, api, django_capture_on_commit_callbacks):
    alert = raised_alert(cast, django_capture_on_commit_callbacks)
    client = api("township_reporter")
    item = client.get(f"/api/v1/oversight/omissions/{alert.pk}").json()
    assert item["title"] == alert.title and item["reporter_count"] == 3
    assert item["reporter_names"] == []  # the other townships' names are for the county's desk
    assert client.post(f"/api/v1/oversight/omissions/{alert.pk}/handle").status_code == 403
    assert api("outsider_editor").get(f"/api/v1/oversight/omissions/{alert.pk}").status_code == 404
    assert api("outsider_editor").get("/api/v1/oversight/omissions").json()["count"] == 0


def test_silent_units_route_lists_the_editors_silent_units(cast, api):
    towns = townships(cast)
    with time_machine.travel(timezone.now() + dt.timedelta(days=15), tick=False):
        page = api("county_editor").get("/api/v1/oversight/silent-units?page_size=200").json()
        outsider = api("outsider_editor").get("/api/v1/oversight/silent-units?page_size=200").json()
    ids = {i["unit_id"] for i in page["items"]}
    assert {towns["城关镇"].pk, towns["新桥镇"].pk} <= ids
    assert page["count"] == len(page["items"]) and all(i["weeks"] >= 2 for i in page["items"])
    assert not ids & {i["unit_id"] for i in outsider["items"]}
