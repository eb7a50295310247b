"""A refusal (``ServiceError``) escaping a page view is answered in one place (core.refusals): a form post
goes back with the message, an htmx fragment gets the message with its 4xx, any other request the error page
with that status — and a permission refusal is still audited."""

from __future__ import annotations

from typing import Any

from baosong.core.models import AuditEvent
from baosong.editorial.models import Issue, IssueStatus, Publication
from baosong.editorial.services import issue_create, issue_item_add, issue_submit
from baosong.editorial.tests.conftest import adopted_at_county

BAD_MONTH = {"period_kind": "month", "period_year": "2026", "period_month": "13"}


def _issue(cast: Any, *, submit: bool = False) -> Issue:
    publication = Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")
    issue = issue_create(by=cast.county_editor.user, publication=publication)
    for title in ("城关镇开展防汛应急演练", "新桥镇完成春耕备耕"):
        issue_item_add(
            issue=issue, by=cast.county_editor.user, submission_ids=[adopted_at_county(cast, title).pk]
        )
    return issue_submit(issue=issue, by=cast.county_editor.user) if submit else issue


def test_a_refused_form_post_goes_back_to_the_page_it_came_from_with_the_message(cast, client_as):
    editor = client_as("county_editor")
    form = {"unit": cast.county_editor.unit.pk, **BAD_MONTH}
    response = editor.post("/bulletins/", form, HTTP_REFERER="http://testserver/bulletins/?from=workbench")
    assert (
        response.status_code == 302 and response["Location"] == "http://testserver/bulletins/?from=workbench"
    )
    page = editor.get(response["Location"]).content.decode()
    assert "月份应在 01 至 12 之间" in page
    # Without a referring page: where the view said (its list); another site's page is never a target.
    for headers in ({}, {"HTTP_REFERER": "https://elsewhere.example/bulletins/"}):
        response = editor.post("/bulletins/", form, **headers)
        assert response.status_code == 302 and response["Location"] == "/bulletins/"
    # A form's own ``back`` field comes first.
    response = editor.post("/bulletins/", {**form, "back": "/stats/"}, HTTP_REFERER="http://testserver/x/")
    assert response["Location"] == "/stats/"


def test_a_refused_htmx_fragment_answers_the_message_with_its_4xx(cast, client_as):
    issue = _issue(cast)
    first = issue.items.order_by("position").first()
    assert first is not None
    stale = client_as("county_editor").post(
        f"/issues/{issue.pk}/reorder", {"order": [first.pk]}, HTTP_HX_REQUEST="true"
    )
    assert stale.status_code == 409
    assert stale["Content-Type"].startswith("text/html")
    assert "条目顺序与本期内容不一致" in stale.content.decode()
    assert "<html" not in stale.content.decode()  # the fragment, not a page


def test_a_refused_download_answers_the_error_page_with_its_4xx(cast, client_as):
    editor = client_as("county_editor")
    response = editor.get("/stats/export.xlsx", {"period": "2026-13"})
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    text = response.content.decode()
    assert "月份应在 01 至 12 之间" in text and "返回工作台" in text
    assert "Content-Disposition" not in response


def test_a_refused_page_answers_the_error_page_with_its_status(cast, client_as):
    import datetime as dt

    from django.utils import timezone

    from baosong.solicitations.services import solicitation_create

    notice = solicitation_create(
        by=cast.county_editor.user,
        unit=cast.county_editor.unit,
        title="关于报送防汛工作信息的约稿通知",
        deadline=timezone.now() + dt.timedelta(days=3),
        unit_ids=[cast.township_reporter.unit.pk],
    )
    response = client_as("outsider_editor").get(f"/solicitations/{notice.pk}/")
    assert response.status_code == 404
    assert "对象不存在或无权查看" in response.content.decode()
    bad_period = client_as("county_editor").get("/stats/?period=2026-13")
    assert bad_period.status_code == 400 and "月份应在 01 至 12 之间" in bad_period.content.decode()


def test_a_permission_refusal_is_still_audited_as_a_denial(cast, client_as):
    issue = _issue(cast, submit=True)
    before = AuditEvent.objects.filter(event_type="permission.denied").count()
    editor = client_as("county_editor")
    back = f"http://testserver/issues/{issue.pk}/"
    response = editor.post(f"/issues/{issue.pk}/sign", HTTP_REFERER=back)
    assert response.status_code == 302 and response["Location"] == back
    assert "您不能对本期执行“签发”" in editor.get(back).content.decode()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PENDING_SIGNATURE
    denials = list(AuditEvent.objects.filter(event_type="permission.denied").order_by("id"))[before:]
    assert [(d.user_id, d.outcome, d.details["path"]) for d in denials] == [
        (cast.county_editor.user.pk, AuditEvent.Outcome.DENIED, f"/issues/{issue.pk}/sign")
    ]
