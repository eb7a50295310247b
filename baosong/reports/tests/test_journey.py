"""A three-level journey through the public API: township → county adopts and forwards → city forwards →
province declines; the trail shows every level's decision."""

from __future__ import annotations

from baosong.core.models import AuditEvent, DomainEvent
from baosong.reports.models import Revision, Submission

from .conftest import ITEM, post


def test_three_level_journey(cast, api):
    reporter, county, city, province = (
        api("township_reporter"),
        api("county_editor"),
        api("city_editor"),
        api("province_editor"),
    )
    created = post(reporter, "/api/v1/reports", ITEM)
    assert created.status_code == 201, created.content
    report = created.json()
    assert report["status"] == "draft" and report["target_unit_ids"] == [cast.county_editor.unit.pk]

    submitted = post(reporter, f"/api/v1/reports/{report['id']}/submit").json()
    assert submitted["status"] == "in_review"  # the demo township reviews before sending
    assert county.get("/api/v1/inbox").json()["count"] == 0
    sent = post(
        api("township_reviewer"), f"/api/v1/reports/{report['id']}/approve", {"comment": "同意报送"}
    ).json()
    assert sent["status"] == "sent"

    inbox = county.get("/api/v1/inbox").json()
    assert inbox["count"] == 1
    item = inbox["items"][0]
    assert (
        item["report_id"] == report["id"]
        and item["status"] == "received"
        and item["source_unit"] == "东湖区城关镇"
    )

    sub_id = item["id"]
    assert post(county, f"/api/v1/submissions/{sub_id}/claim").json()["status"] == "claimed"
    edited = county.patch(
        f"/api/v1/submissions/{sub_id}",
        {"title": "东湖区城关镇开展防汛应急演练", "body": ITEM["body"].replace("300余人", "三百余人")},
        content_type="application/json",
    )
    assert edited.status_code == 200
    assert (
        post(county, f"/api/v1/submissions/{sub_id}/adopt", {"usage": "issue"}).json()["status"] == "adopted"
    )
    forwarded = post(county, f"/api/v1/submissions/{sub_id}/forward", {"comment": "请市里参阅"})
    assert forwarded.status_code == 200 and forwarded.json()["status"] == "adopted"

    city_item = city.get("/api/v1/inbox").json()["items"][0]
    assert city_item["title"] == "东湖区城关镇开展防汛应急演练"  # the edited copy travels up
    assert city_item["source_unit"] == "东湖区城关镇"  # original source and author stay
    assert post(city, f"/api/v1/submissions/{city_item['id']}/forward").json()["status"] == "forwarded"

    prov_item = province.get("/api/v1/inbox").json()["items"][0]
    declined = post(province, f"/api/v1/submissions/{prov_item['id']}/decline", {"comment": "内容一般"})
    assert declined.json()["status"] == "declined"

    trail = reporter.get(f"/api/v1/reports/{report['id']}").json()["decisions"]
    assert [(d["unit_name"], d["status"]) for d in trail] == [
        ("临江市东湖区人民政府办公室", "adopted"),
        ("临江市人民政府办公室", "forwarded"),
        ("清源省人民政府办公厅", "declined"),
    ]
    assert trail[0]["usage"] == "issue" and trail[0]["forwarded_at"] is not None
    assert trail[2]["comment"] == "内容一般" and trail[2]["actor"] == "王晓燕"

    # the author's text is intact; the editor's change is a revision
    revisions = list(Revision.objects.filter(report_id=report["id"]).order_by("id"))
    assert revisions[0].body == ITEM["body"] and "三百余人" in revisions[1].body
    assert reporter.get(f"/api/v1/reports/{report['id']}").json()["body"] == ITEM["body"]
    assert Submission.objects.filter(report_id=report["id"]).count() == 3
    assert DomainEvent.objects.filter(event_type="submission.adopt").count() == 1
    assert AuditEvent.objects.filter(event_type="submission.transition").count() == 5


def test_returned_submission_goes_back_to_the_same_editor(cast, api):
    reporter, county = api("township_reporter"), api("county_editor")
    rid = post(reporter, "/api/v1/reports", ITEM).json()["id"]
    post(reporter, f"/api/v1/reports/{rid}/submit")
    post(api("township_reviewer"), f"/api/v1/reports/{rid}/approve")
    sub_id = county.get("/api/v1/inbox").json()["items"][0]["id"]
    post(county, f"/api/v1/submissions/{sub_id}/claim")
    returned = post(county, f"/api/v1/submissions/{sub_id}/return", {"comment": "请补充参与人数来源"})
    assert returned.json()["status"] == "returned"
    back = post(
        reporter,
        f"/api/v1/submissions/{sub_id}/resubmit",
        {"title": ITEM["title"], "body": ITEM["body"] + "\n（数据来源：镇应急办）"},
    )
    assert back.status_code == 200, back.content
    again = county.get(f"/api/v1/submissions/{sub_id}").json()
    assert again["status"] == "claimed" and again["claimed_by"] == "黄海燕" and "镇应急办" in again["body"]


def test_sibling_county_cannot_see_or_touch_the_item(cast, api):
    reporter, outsider = api("township_reporter"), api("outsider_editor")
    rid = post(reporter, "/api/v1/reports", ITEM).json()["id"]
    assert outsider.get(f"/api/v1/reports/{rid}").status_code == 404
    post(reporter, f"/api/v1/reports/{rid}/submit")
    post(api("township_reviewer"), f"/api/v1/reports/{rid}/approve")
    sub_id = Submission.objects.get(report_id=rid).pk
    for url in (f"/api/v1/submissions/{sub_id}",):
        assert outsider.get(url).status_code == 404
    for action in ("claim", "adopt", "decline", "return", "forward"):
        response = post(outsider, f"/api/v1/submissions/{sub_id}/{action}", {"comment": "x"})
        assert response.status_code == 404, action
        assert response.json()["code"] == "not_found"
    assert outsider.get("/api/v1/inbox").json()["count"] == 0


def test_actions_without_parameters_accept_a_bare_post(cast, api):
    reporter = api("township_reporter")
    rid = post(reporter, "/api/v1/reports", ITEM).json()["id"]
    assert reporter.post(f"/api/v1/reports/{rid}/submit").status_code == 200
    assert api("township_reviewer").post(f"/api/v1/reports/{rid}/approve").json()["status"] == "sent"
    county = api("county_editor")
    sub_id = county.get("/api/v1/inbox").json()["items"][0]["id"]
    assert county.post(f"/api/v1/submissions/{sub_id}/adopt").json()["status"] == "adopted"
