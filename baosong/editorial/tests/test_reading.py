"""Distribution and reading (传阅): each recipient's first opening is recorded once; unread ones are
listed and can be reminded."""

from __future__ import annotations

from typing import Any

from baosong.core.models import AuditEvent
from baosong.editorial import services
from baosong.editorial.models import Issue, IssueRecipient
from baosong.notifications.models import Notification

from .conftest import adopted_at_county


def distributed(cast: Any, issue: Issue) -> Issue:
    services.issue_item_add(
        issue=issue, by=cast.county_editor.user, submission_ids=[adopted_at_county(cast).pk]
    )
    services.issue_submit(issue=issue, by=cast.county_editor.user)
    services.issue_sign(issue=issue, by=cast.county_chief.user)
    return services.issue_distribute(issue=issue, by=cast.county_editor.user)


def test_distribution_reaches_units_and_named_leaders_but_not_outside_names(cast, new_issue):
    issue = distributed(cast, new_issue)
    lines = {r.name: r for r in issue.recipients.all()}
    assert lines["徐国强"].delivered_at is not None  # the county leader, by name
    assert lines["东湖区城关镇"].delivered_at is not None
    assert lines["区委办公室"].delivered_at is None  # outside the system: printed, sent on paper


def test_recipients_are_notified(cast, new_issue, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        issue = distributed(cast, new_issue)
    assert Notification.objects.filter(
        user=cast.county_leader.user, kind="issue", url=f"/reading/{issue.pk}/"
    ).exists()


def test_the_first_opening_is_recorded_once(cast, new_issue, client_as):
    issue = distributed(cast, new_issue)
    leader = client_as("county_leader")
    assert "东湖政务信息" in leader.get("/reading/").content.decode()
    assert leader.get(f"/reading/{issue.pk}/").status_code == 200
    line = IssueRecipient.objects.get(issue=issue, user=cast.county_leader.user)
    first = line.read_at
    assert first is not None and line.read_by == cast.county_leader.user
    leader.get(f"/reading/{issue.pk}/")
    line.refresh_from_db()
    assert line.read_at == first
    assert AuditEvent.objects.filter(event_type="issue.read", object_id=str(issue.pk)).count() == 1


def test_a_township_reads_for_its_unit(cast, new_issue, client_as):
    issue = distributed(cast, new_issue)
    client_as("township_reporter").get(f"/reading/{issue.pk}/")
    town = IssueRecipient.objects.get(issue=issue, unit=cast.township_reporter.unit)
    assert town.read_by == cast.township_reporter.user


def test_the_unread_list_is_right_and_reminding_reaches_only_them(
    cast, new_issue, client_as, django_capture_on_commit_callbacks
):
    issue = distributed(cast, new_issue)
    client_as("county_leader").get(f"/reading/{issue.pk}/")
    page = client_as("county_editor").get(f"/issues/{issue.pk}/readers").content.decode()
    # The city office (报) and the four townships (发) have not opened it yet.
    assert page.count("已阅</span>") == 1 and page.count("未阅</span>") == 5
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("county_editor").post(f"/issues/{issue.pk}/remind")
    assert response.status_code == 302
    unread = IssueRecipient.objects.filter(issue=issue, delivered_at__isnull=False, read_at__isnull=True)
    assert unread.count() == 5 and all(r.reminded_at for r in unread)
    assert IssueRecipient.objects.get(issue=issue, user=cast.county_leader.user).reminded_at is None
    reminded = Notification.objects.filter(title__startswith="【催阅】")
    assert reminded.exists() and not reminded.filter(user=cast.county_leader.user).exists()


def test_an_issue_not_distributed_to_a_unit_is_not_readable_there(cast, new_issue, client_as, api):
    issue = distributed(cast, new_issue)
    assert client_as("outsider_reporter").get(f"/reading/{issue.pk}/").status_code == 404
    assert api("outsider_editor").get(f"/api/v1/issues/{issue.pk}").status_code == 404
    assert client_as("outsider_reporter").get(f"/issues/{issue.pk}/document.docx").status_code == 404
