"""The public API of structured reports: forms, collections, a return's draft, submit, send back, roll-up."""

from __future__ import annotations

from django.test import Client

from baosong.datareports.tests.conftest import filler, reception_row, travel


def api(cast, key: str) -> Client:
    actor = cast[key]
    token = (
        Client()
        .post(
            "/api/v1/auth/token",
            {"username": actor.user.username, "password": actor.password},
            content_type="application/json",
        )
        .json()["token"]
    )
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_township_returns_through_the_api_and_the_county_rolls_up(cast, march):
    town = cast.township_reporter.unit
    client = api(cast, "township_reporter")
    forms = client.get("/api/v1/forms").json()
    assert {"政务接待信息报告表", "自建政务信息系统基本情况表"} <= {f["name"] for f in forms["items"]}
    detail = client.get(f"/api/v1/forms/{march.form_id}").json()
    assert detail["schema"]["sections"][0]["fields"][3]["label"] == "接待总人数"
    listed = client.get(f"/api/v1/collections?form={march.form_id}&period=2026-03").json()
    assert listed["count"] == 1 and listed["items"][0]["my_unit_id"] == town.pk
    assert [lv["text"] for lv in listed["items"][0]["levels"]] == [
        "次月 20 日前",
        "次月 10 日前",
        "事件发生后 10 个工作日内",
    ]
    url = f"/api/v1/collections/{march.pk}/returns/{town.pk}"
    with travel("2026-04-02"):
        draft = client.put(
            url,
            {"data": {"rows": [reception_row("2026-03-30T09:00", 2, opposite=3)], "filler": filler()}},
            content_type="application/json",
        )
        assert draft.status_code == 200 and draft.json()["problems"][0]["field"] == "opposite_sex"
        refused = client.post(url + "/submit")
        assert refused.status_code == 422 and "不能大于" in refused.json()["detail"]
        client.put(
            url,
            {"data": {"rows": [reception_row("2026-03-30T09:00", 2)], "filler": filler()}},
            content_type="application/json",
        )
        done = client.post(url + "/submit").json()
        assert done["status"] == "submitted" and done["version_count"] == 1 and done["late"] is False
    county = api(cast, "county_editor")
    roll = county.get(f"/api/v1/collections/{march.pk}/rollup").json()
    assert roll["submitted"] == 1 and roll["expected"] >= 4
    assert roll["labels"]["rows.guests_total"] == "接待总人数"
    child = next(c for c in roll["children"] if c["unit_id"] == town.pk)
    assert child["state"] == "submitted" and child["totals"]["rows.guests_total"] == 2
    back = county.post(url + "/return", {"comment": "请补充接待对象单位"}, content_type="application/json")
    assert back.status_code == 200 and back.json()["status"] == "returned"
    assert api(cast, "outsider_editor").get(url).status_code == 404
    assert county.post(url + "/return", {"comment": "x"}, content_type="application/json").status_code == 409
