"""A service's permission refusal (errors.Forbidden) is one ``permission.denied`` audit event, whether a page
catches it to show the message or the API answers 403; a refusal of another kind writes none."""

from __future__ import annotations

from typing import Any

from baosong.core.models import AuditEvent
from baosong.editorial.models import Issue, IssueStatus, Publication
from baosong.editorial.services import issue_create, issue_item_add, issue_submit
from baosong.editorial.tests.conftest import adopted_at_county


def _pending_issue(cast: Any) -> Issue:
    publication = Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")
    issue = issue_create(by=cast.county_editor.user, publication=publication)
    sub = adopted_at_county(cast)
    issue_item_add(issue=issue, by=cast.county_editor.user, submission_ids=[sub.pk])
    return issue_submit(issue=issue, by=cast.county_editor.user)


def _denials() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type="permission.denied").order_by("id"))


def test_a_refusal_shown_on_a_page_is_audited_once(cast, client_as):
    issue = _pending_issue(cast)
    before = len(_denials())
    editor = client_as("county_editor")
    response = editor.post(f"/issues/{issue.pk}/sign", follow=True)
    assert response.status_code == 200
    assert "您不能对本期执行“签发”" in response.content.decode()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PENDING_SIGNATURE  # nothing changed
    denials = _denials()[before:]
    assert len(denials) == 1
    event = denials[0]
    assert event.user_id == cast.county_editor.user.pk
    assert event.outcome == AuditEvent.Outcome.DENIED
    assert event.details["path"] == f"/issues/{issue.pk}/sign"
    assert event.details["reason"] == "您不能对本期执行“签发”。"


def test_a_refusal_answered_by_the_api_is_audited_once(cast, api):
    issue = _pending_issue(cast)
    before = len(_denials())
    response = api("county_editor").post(f"/api/v1/issues/{issue.pk}/sign")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"
    denials = _denials()[before:]
    assert [d.details["reason"] for d in denials] == ["您不能对本期执行“签发”。"]


def test_a_refusal_of_another_kind_is_not_a_denial(cast, client_as):
    issue = _pending_issue(cast)
    before = len(_denials())
    response = client_as("county_editor").post(f"/issues/{issue.pk}/submit", follow=True)
    assert "不能执行“送签”" in response.content.decode()  # wrong state: a 409-kind refusal
    assert _denials()[before:] == []


def test_a_nul_character_is_refused_with_a_400_before_any_view(cast, client_as, api):
    """PostgreSQL text columns cannot hold U+0000: without this a page or API save answered 500 there."""
    from baosong.reports.models import Report

    editor = client_as("township_reporter")
    before = Report.objects.count()
    response = editor.post("/reports/new", {"title": "标题\x00", "body": "正文", "category": "work_update"})
    assert response.status_code == 400
    assert "空字符" in response.content.decode()
    assert editor.get("/search/?q=%00").status_code == 400
    response = api("township_reporter").post(
        "/api/v1/reports",
        {"title": "防汛\u0000演练", "body": "正文", "category": "work_update", "urgency": "normal"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_characters"
    assert Report.objects.count() == before
    # An escaped backslash before "u0000" is ordinary text, not a NUL.
    response = api("township_reporter").post(
        "/api/v1/reports",
        '{"title": "路径 C:\\\\u0000 说明", "body": "正文", "category": "work_update", "urgency": "normal"}',
        content_type="application/json",
    )
    assert response.status_code in (200, 201), response.content
