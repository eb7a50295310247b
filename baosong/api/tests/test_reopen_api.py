"""Reopening a withdrawn item on the API (重新编辑): the same edge as the page, withdrawn → draft."""

from __future__ import annotations

from typing import Any

from baosong.core.models import AuditEvent
from baosong.reports import services
from baosong.reports.models import Report, Submission

JSON = "application/json"


def _sent(cast: Any) -> Report:
    reporter, reviewer = cast.township_reporter.user, cast.township_reviewer.user
    report = services.report_create(by=reporter, title="城关镇开展汛前隐患排查", body="排查隐患12处。")
    report = services.report_submit(report=report, by=reporter)
    while report.status == "in_review":
        report = services.report_approve(report=report, by=reviewer)
    return report


def test_a_withdrawn_item_reopens_as_a_draft_and_goes_out_again(cast, api):
    report = _sent(cast)
    client = api("township_reporter")
    withdrawn = client.post(f"/api/v1/reports/{report.pk}/withdraw").json()
    assert withdrawn["status"] == "withdrawn" and "reopen" in withdrawn["allowed_actions"]

    reopened = client.post(f"/api/v1/reports/{report.pk}/reopen")
    assert reopened.status_code == 200, reopened.content
    assert reopened.json()["status"] == "draft" and reopened.json()["sent_at"] is None
    assert "submit" in reopened.json()["allowed_actions"]
    audit = AuditEvent.objects.filter(event_type="report.transition", object_id=str(report.pk)).latest("id")
    assert audit.details["action"] == "reopen" and audit.user_id == cast.township_reporter.user.pk

    edited = client.patch(
        f"/api/v1/reports/{report.pk}", {"title": "城关镇开展汛前隐患排查（修改稿）"}, content_type=JSON
    )
    assert edited.status_code == 200
    assert client.post(f"/api/v1/reports/{report.pk}/submit").json()["status"] in {"in_review", "sent"}


def test_only_a_withdrawn_item_reopens(cast, api):
    report = _sent(cast)
    response = api("township_reporter").post(f"/api/v1/reports/{report.pk}/reopen")
    assert response.status_code == 409 and response.json()["code"] == "invalid_transition"
    assert response.json()["detail"]


def test_an_editor_upstream_may_not_reopen(cast, api):
    report = _sent(cast)
    services.report_withdraw(report=report, by=cast.township_reporter.user)
    assert not Submission.objects.filter(report=report, is_active=True).exists()
    response = api("county_editor").post(f"/api/v1/reports/{report.pk}/reopen")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    assert Report.objects.get(pk=report.pk).status == "withdrawn"
    reviewer = api("township_reviewer").post(f"/api/v1/reports/{report.pk}/reopen")
    assert reviewer.status_code == 403 and reviewer.json()["code"] == "forbidden"
