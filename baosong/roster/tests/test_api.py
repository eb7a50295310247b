"""/api/v1/roster: the register, its history, units without a 信息员, rounds and answers — the same rules
as the pages, with Chinese errors and no 500 for bad input."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .conftest import ENTRY, add_townships, township


def test_an_entry_is_created_changed_and_revoked_with_its_history(cast, api):
    client = api("township_reporter")
    town = cast.township_reporter.unit
    created = client.post(
        "/api/v1/roster/entries", {**ENTRY, "unit_id": town.pk}, content_type="application/json"
    )
    assert created.status_code == 201, created.content
    entry = created.json()
    assert entry["name"] == "李梅" and entry["allowed_actions"] == ["change", "revoke"]
    patched = client.patch(
        f"/api/v1/roster/entries/{entry['id']}",
        {"mobile": "13800000003", "reason": "换号"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["mobile"] == "13800000003"
    assert patched.json()["email"] == ENTRY["email"]  # fields not sent stay as they were
    revoked = client.post(
        f"/api/v1/roster/entries/{entry['id']}/revoke", {"reason": "调离"}, content_type="application/json"
    )
    assert revoked.json()["status"] == "revoked" and revoked.json()["allowed_actions"] == []
    again = client.post(f"/api/v1/roster/entries/{entry['id']}/revoke", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "revoked"
    history = client.get(f"/api/v1/roster/units/{town.pk}/history").json()
    assert [c["kind"] for c in history["items"]] == ["revoked", "changed", "added"]
    assert history["items"][1]["changes"] == {"mobile": [ENTRY["mobile"], "13800000003"]}
    assert history["items"][1]["reason"] == "换号"
    listed = client.get("/api/v1/roster/entries?status=revoked").json()
    assert listed["count"] == 1


def test_bad_input_is_a_chinese_4xx(cast, api):
    client = api("county_editor")
    town = cast.township_reporter.unit
    wrong = client.post(
        "/api/v1/roster/entries", {"unit_id": town.pk, "name": "李梅", "mobile": "12"},
        content_type="application/json",
    )  # fmt: skip
    assert wrong.status_code == 400 and wrong.json() == {
        "detail": "手机号码应为 11 位数字。",
        "code": "invalid_mobile",
    }
    body = {"unit_id": town.pk, "name": "李梅", "mobile": "13900000000", "gender": "x"}
    gender = client.post("/api/v1/roster/entries", body, content_type="application/json")
    assert gender.status_code == 400 and gender.json()["code"] == "invalid_gender"
    outside = client.post(
        "/api/v1/roster/entries", {**ENTRY, "unit_id": cast.outsider_township_reporter.unit.pk},
        content_type="application/json",
    )  # fmt: skip
    assert outside.status_code == 404 and outside.json()["code"] == "not_found"
    assert client.get(f"/api/v1/roster/entries?unit={cast.outsider_editor.unit.pk}").status_code == 404


def test_a_round_is_opened_answered_and_reminded_through_the_api(cast, api):
    editor, reporter = api("county_editor"), api("township_reporter")
    town = cast.township_reporter.unit
    opened = editor.post(
        "/api/v1/roster/rounds",
        {
            "title": "信息员登记",
            "deadline": (timezone.now() + dt.timedelta(days=3)).isoformat(),
            "scope": "children",
        },
        content_type="application/json",
    )
    assert opened.status_code == 201, opened.content
    rnd = opened.json()
    assert {r["state"] for r in rnd["returns"]} == {"pending"}
    assert len(rnd["returns"]) == cast.county_editor.unit.children.filter(is_active=True).count()
    empty = reporter.post(f"/api/v1/roster/rounds/{rnd['id']}/units/{town.pk}/submit")
    assert empty.status_code == 409 and empty.json()["code"] == "no_entries"
    reporter.post("/api/v1/roster/entries", {**ENTRY, "unit_id": town.pk}, content_type="application/json")
    done = reporter.post(f"/api/v1/roster/rounds/{rnd['id']}/units/{town.pk}/submit")
    assert done.status_code == 200 and done.json()["state"] == "submitted" and done.json()["entry_count"] == 1
    # The township sees its own row only; the county sees them all.
    assert [r["unit_id"] for r in reporter.get(f"/api/v1/roster/rounds/{rnd['id']}").json()["returns"]] == [
        town.pk
    ]
    reminded = editor.post(f"/api/v1/roster/rounds/{rnd['id']}/remind")
    assert reminded.json() == {"reminded": len(rnd["returns"]) - 1}
    assert reporter.post(f"/api/v1/roster/rounds/{rnd['id']}/remind").status_code == 403
    assert reporter.post("/api/v1/roster/rounds", {"title": "x", "deadline": rnd["deadline"]},
                         content_type="application/json").status_code == 404  # fmt: skip
    assert editor.get("/api/v1/roster/rounds").json()["count"] == 1


def test_the_missing_list_and_the_entries_list_cost_the_same_with_10_and_200_units(cast, api):
    client = api("county_editor")
    add_townships(cast, 10)
    client.get("/api/v1/roster/missing")
    with CaptureQueriesContext(connection) as few:
        body = client.get("/api/v1/roster/missing?page_size=200").json()
    names = {u["name"] for u in body["items"]}
    assert township(cast, "新桥镇").name in names and cast.township_reporter.unit.name not in names
    add_townships(cast, 190, start=10)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/api/v1/roster/missing?page_size=200").json()["count"] == body["count"] + 190
    assert len(many) == len(few)
