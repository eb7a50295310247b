"""Putting content on the portal goes through the unit's 上网发布审核 chain
(单位负责人 → 审核处室 → 分管领导): every edge of the transition table, the right and the wrong
actors, the trail and the audit."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from baosong.core.errors import Forbidden, ServiceError
from baosong.core.models import AuditEvent
from baosong.editorial import services as editorial
from baosong.editorial.models import IssueStatus
from baosong.editorial.tests.conftest import adopted_at_county
from baosong.portal import services
from baosong.portal.models import PortalRelease, PortalReviewAction, ReleaseStatus
from baosong.portal.workflow import RELEASE

from .conftest import PUBLIC_TITLE, distributed_issue, published_issue

RELEASE_EDGES = RELEASE.table()

R = ReleaseStatus


def _issue_release(cast: Any, **kw: Any) -> PortalRelease:
    return services.release_create(by=cast.county_editor.user, issue=distributed_issue(cast), **kw)


def _approve_all(cast: Any, release: PortalRelease) -> PortalRelease:
    for key in ("county_chief", "county_reviewer", "county_leader"):
        release = services.release_approve(release=release, by=getattr(cast, key).user, opinion=f"{key}同意")
    return release


def test_an_issue_goes_on_the_portal_after_the_whole_chain_approves(cast, county_chain, client_as):
    release = _issue_release(cast)
    release = services.release_submit(release=release, by=cast.county_editor.user)
    assert release.status == R.IN_REVIEW and [s["label"] for s in release.review_chain] == [
        "单位负责人",
        "审核处室",
        "分管领导",
    ]
    release = services.release_approve(release=release, by=cast.county_chief.user, opinion="内容准确，同意。")
    assert release.status == R.IN_REVIEW and release.review_step == 1
    release = services.release_approve(release=release, by=cast.county_reviewer.user, opinion="不涉密。")
    assert release.issue is not None and release.issue.status == IssueStatus.DISTRIBUTED
    assert Client().get(f"/portal/issues/{release.issue_id}/").status_code == 404  # not yet
    release = services.release_approve(release=release, by=cast.county_leader.user, opinion="同意发布。")
    assert release.status == R.PUBLISHED and release.published_at is not None
    release.issue.refresh_from_db()
    assert release.issue.status == IssueStatus.PUBLISHED
    assert PUBLIC_TITLE in Client().get(f"/portal/issues/{release.issue_id}/").content.decode()
    trail = list(PortalReviewAction.objects.filter(release=release).values_list("action", "label", "opinion"))
    assert trail == [
        ("submit", "提交审核", ""),
        ("approve", "单位负责人", "内容准确，同意。"),
        ("approve", "审核处室", "不涉密。"),
        ("approve", "分管领导", "同意发布。"),
    ]
    audited = AuditEvent.objects.filter(event_type="portal.release", object_id=str(release.pk))
    assert audited.count() == 5  # create + submit + three approvals
    publish = AuditEvent.objects.get(
        event_type="issue.transition", object_id=str(release.issue_id), details__action="publish"
    )
    assert (
        publish.details["portal_release_id"] == release.pk and publish.user_id == cast.county_leader.user.pk
    )


def test_the_chain_is_frozen_at_submission(cast, county_chain):
    release = services.release_submit(release=_issue_release(cast), by=cast.county_editor.user)
    county_chain[2].delete()  # the administrator changes the chain meanwhile
    release = _approve_all(cast, release)
    assert release.status == R.PUBLISHED and len(release.review_chain) == 3


WRONG = [
    (0, "county_leader"), (0, "county_editor"), (1, "county_chief"), (2, "county_reviewer"),
    (0, "outsider_editor"), (0, "city_chief"),
]  # fmt: skip


@pytest.mark.parametrize("step, wrong", WRONG)
def test_only_the_person_the_current_step_names_may_decide(cast, county_chain, step, wrong):
    release = services.release_submit(release=_issue_release(cast), by=cast.county_editor.user)
    for key in ("county_chief", "county_reviewer")[:step]:
        release = services.release_approve(release=release, by=getattr(cast, key).user)
    with pytest.raises(Forbidden):
        services.release_approve(release=release, by=getattr(cast, wrong).user)
    with pytest.raises(Forbidden):
        services.release_return(release=release, by=getattr(cast, wrong).user, opinion="不同意")
    release.refresh_from_db()
    assert release.status == R.IN_REVIEW and release.review_step == step


def test_a_returned_request_is_resubmitted_and_reviewed_from_the_first_step(cast, county_chain):
    release = services.release_submit(release=_issue_release(cast), by=cast.county_editor.user)
    release = services.release_approve(release=release, by=cast.county_chief.user)
    with pytest.raises(ServiceError, match="审核意见"):
        services.release_return(release=release, by=cast.county_reviewer.user, opinion=" ")
    release = services.release_return(release=release, by=cast.county_reviewer.user, opinion="标题需修改")
    assert release.status == R.RETURNED
    release = services.release_submit(release=release, by=cast.county_editor.user)
    assert release.status == R.IN_REVIEW and release.review_step == 0
    with pytest.raises(Forbidden):
        services.release_approve(release=release, by=cast.county_reviewer.user)


# Every (status, action) pair: an edge of the table succeeds for its actor; anything else is refused (409).
ACTORS = {"submit": "county_editor", "approve": "county_chief", "return": "county_chief",
          "recall": "county_editor", "cancel": "county_editor", "withdraw": "county_chief"}  # fmt: skip
EXPECTED = {(e.source, e.action): e.target for e in RELEASE_EDGES}
EXPECTED[(R.DRAFT, "submit")] = EXPECTED[(R.RETURNED, "submit")] = R.IN_REVIEW
EXPECTED[(R.IN_REVIEW, "approve")] = R.IN_REVIEW  # first of three steps


def _act(cast: Any, release: PortalRelease, action: str) -> PortalRelease:
    by = getattr(cast, ACTORS[action]).user
    fn = {
        "submit": lambda: services.release_submit(release=release, by=by),
        "approve": lambda: services.release_approve(release=release, by=by),
        "return": lambda: services.release_return(release=release, by=by, opinion="退回"),
        "recall": lambda: services.release_recall(release=release, by=by),
        "cancel": lambda: services.release_cancel(release=release, by=by),
        "withdraw": lambda: services.release_withdraw(release=release, by=by, reason="过时"),
    }[action]
    return fn()


@pytest.mark.parametrize("status", list(R))
@pytest.mark.parametrize("action", list(ACTORS))
def test_the_transition_table_is_enforced(cast, county_chain, status, action):
    release = _issue_release(cast)
    frozen = services.portal_chain_for(release.unit)
    # Test setup only: place the request in the state under test.
    PortalRelease.objects.filter(pk=release.pk).update(status=status, review_chain=frozen, review_step=0)
    if status == R.PUBLISHED:
        editorial.issue_publish(issue=release.issue, by=cast.county_leader.user, portal_release_id=release.pk)
    release.refresh_from_db()
    expected = EXPECTED.get((status, action))
    if expected is None:
        with pytest.raises(ServiceError) as exc:
            _act(cast, release, action)
        assert exc.value.code == "invalid_transition" and exc.value.status == 409
        release.refresh_from_db()
        assert release.status == status
    else:
        assert _act(cast, release, action).status == expected
        assert AuditEvent.objects.filter(
            event_type="portal.release", object_id=str(release.pk), details__action=action
        ).exists()


def test_without_a_chain_an_item_goes_up_on_submission(cast, columns):
    sub = adopted_at_county(cast, "东湖区开展安全生产大检查", public_scope="public")
    release = services.release_create(by=cast.county_editor.user, submission=sub, column=columns["gzdt"])
    release = services.release_submit(release=release, by=cast.county_editor.user)
    assert release.status == R.PUBLISHED and release.review_chain == []
    assert "东湖区开展安全生产大检查" in Client().get("/portal/columns/gzdt/").content.decode()


def test_only_public_items_of_the_editors_unit_may_be_requested(cast, columns):
    editor = cast.county_editor.user
    internal = adopted_at_county(cast, "内部情况", public_scope="internal")
    with pytest.raises(ServiceError, match="主动公开"):
        services.release_create(by=editor, submission=internal, column=columns["gzdt"])
    public = adopted_at_county(cast, "公开情况", public_scope="public")
    with pytest.raises(ServiceError, match="栏目"):
        services.release_create(by=editor, submission=public)
    with pytest.raises(Forbidden):
        services.release_create(by=cast.outsider_editor.user, submission=public, column=columns["gzdt"])
    services.release_create(by=editor, submission=public, column=columns["gzdt"])
    with pytest.raises(ServiceError, match="进行中"):
        services.release_create(by=editor, submission=public, column=columns["gzdt"])


def test_direct_publish_is_refused_when_the_unit_has_a_portal_chain(cast, county_chain, client_as):
    issue = distributed_issue(cast)
    with pytest.raises(ServiceError) as exc:
        editorial.issue_publish(issue=issue, by=cast.county_editor.user)
    assert exc.value.code == "portal_review_required"
    page = client_as("county_editor")
    detail = page.get(f"/issues/{issue.pk}/").content.decode()
    assert "提交上网发布审核" in detail and f"/publish/new?issue={issue.pk}" in detail
    page.post(f"/issues/{issue.pk}/publish")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.DISTRIBUTED


def test_direct_publish_still_works_without_a_chain(cast):
    issue = editorial.issue_publish(issue=distributed_issue(cast), by=cast.county_editor.user)
    assert issue.status == IssueStatus.PUBLISHED


def test_the_pages_request_review_and_queue(cast, county_chain, client_as, columns):
    issue = distributed_issue(cast)
    editor = client_as("county_editor")
    form = editor.get(f"/publish/new?issue={issue.pk}").content.decode()
    assert f'value="issue:{issue.pk}" checked' in form
    r = editor.post("/publish/new", {"target": f"issue:{issue.pk}", "column": "", "submit": "1"})
    release = PortalRelease.objects.get(issue=issue)
    assert r.status_code == 302 and release.status == R.IN_REVIEW
    chief = client_as("county_chief")
    assert release.title in chief.get("/publish/review/").content.decode()
    assert release.title not in client_as("county_leader").get("/publish/review/").content.decode()
    # The wrong person is refused as on every page (the message, back on the request's page, audited as a
    # denial); another unit's people do not see the request at all (404).
    refused = client_as("county_leader").post(f"/publish/{release.pk}/approve", follow=True)
    assert refused.redirect_chain == [(f"/publish/{release.pk}/", 302)]
    assert "您不能对该发布申请执行" in refused.content.decode()
    assert AuditEvent.objects.filter(
        event_type="permission.denied",
        user_id=cast.county_leader.user.pk,
        object_id=f"/publish/{release.pk}/approve",
    ).exists()
    outsider = client_as("outsider_editor")
    assert outsider.get(f"/publish/{release.pk}/").status_code == 404
    assert outsider.post(f"/publish/{release.pk}/approve").status_code == 404
    assert chief.post(f"/publish/{release.pk}/approve", {"opinion": "同意"}).status_code == 302
    release.refresh_from_db()
    assert release.review_step == 1
    assert editor.post(f"/publish/{release.pk}/bogus").status_code == 404
    assert editor.get(f"/publish/{release.pk}/").status_code == 200
    assert editor.get("/publish/").status_code == 200


def test_withdrawal_takes_content_off_the_portal(cast, columns):
    sub = adopted_at_county(cast, "东湖区举办农民丰收节", public_scope="public")
    editor = cast.county_editor.user
    release = services.release_submit(
        release=services.release_create(by=editor, submission=sub, column=columns["jyjl"]), by=editor
    )
    assert Client().get(f"/portal/articles/{release.pk}/").status_code == 200
    with pytest.raises(ServiceError, match="原因"):
        services.release_withdraw(release=release, by=cast.county_chief.user, reason="")
    with pytest.raises(Forbidden):
        services.release_withdraw(release=release, by=cast.outsider_editor.user, reason="x")
    services.release_withdraw(release=release, by=cast.county_chief.user, reason="信息已过时")
    assert Client().get(f"/portal/articles/{release.pk}/").status_code == 404
    assert AuditEvent.objects.filter(event_type="portal.release", details__action="withdraw").exists()


def test_a_withdrawn_issue_leaves_the_portal_and_may_be_put_back(cast):
    editor, chief = cast.county_editor.user, cast.county_chief.user
    release = services.release_submit(release=_issue_release(cast), by=editor)
    assert release.status == R.PUBLISHED
    services.release_withdraw(release=release, by=chief, reason="需更正")
    assert Client().get(f"/portal/issues/{release.issue_id}/").status_code == 404
    again = services.release_create(by=editor, issue=release.issue)
    services.release_submit(release=again, by=editor)
    assert Client().get(f"/portal/issues/{release.issue_id}/").status_code == 200


def test_a_directly_published_issue_is_taken_down_alone_and_may_go_up_again(cast, client_as):
    issue = published_issue(cast)  # 公开发布 straight from the issue: no release
    assert Client().get(f"/portal/issues/{issue.pk}/").status_code == 200
    editor = client_as("county_editor")
    page = editor.get("/publish/").content.decode()
    assert "直接公开的刊物" in page and f"/publish/issues/{issue.pk}/take-down" in page
    # Another county's desk does not see it and cannot take it down.
    outsider = client_as("outsider_editor")
    assert f"/publish/issues/{issue.pk}/take-down" not in outsider.get("/publish/").content.decode()
    assert outsider.post(f"/publish/issues/{issue.pk}/take-down", {"reason": "x"}).status_code == 404
    # A reason is required; nothing changes without one.
    response = editor.post(f"/publish/issues/{issue.pk}/take-down", {"reason": " "}, follow=True)
    assert "请填写原因" in response.content.decode()
    assert Client().get(f"/portal/issues/{issue.pk}/").status_code == 200

    response = editor.post(f"/publish/issues/{issue.pk}/take-down", {"reason": "期内数据需更正"})
    release = PortalRelease.objects.get(issue=issue)
    assert response.status_code == 302 and response["Location"] == f"/publish/{release.pk}/"
    assert "刊物直接公开发布，撤下时登记" in editor.get(response["Location"]).content.decode()
    assert release.status == R.WITHDRAWN and release.withdraw_reason == "期内数据需更正"
    assert release.published_at == issue.published_at
    assert Client().get(f"/portal/issues/{issue.pk}/").status_code == 404
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PUBLISHED  # its number, distribution and adoptions stay
    actions = list(
        AuditEvent.objects.filter(event_type="portal.release", object_id=str(release.pk))
        .order_by("id")
        .values_list("details__action", flat=True)
    )
    assert actions == ["record_direct", "withdraw"]
    assert f"/publish/issues/{issue.pk}/take-down" not in editor.get("/publish/").content.decode()
    with pytest.raises(ServiceError, match="已从门户撤下"):
        services.issue_take_down(issue=issue, by=cast.county_editor.user, reason="再次")
    # The release page offers it again, and a new release puts it back.
    assert f'value="issue:{issue.pk}"' in editor.get("/publish/new").content.decode()
    again = services.release_create(by=cast.county_editor.user, issue=issue)
    services.release_submit(release=again, by=cast.county_editor.user)
    assert Client().get(f"/portal/issues/{issue.pk}/").status_code == 200


def test_the_release_form_reads_typed_ids_without_failing(cast, client_as, columns):
    editor = client_as("county_editor")
    huge = "9" * 25
    assert editor.get(f"/publish/new?issue={huge}").status_code == 200
    for target in (f"issue:{huge}", "report:²", "issue:abc"):
        response = editor.post("/publish/new", {"target": target, "column": huge})
        assert response.status_code in (200, 404), (target, response.status_code)
    assert PortalRelease.objects.count() == 0


def test_an_issue_on_the_portal_through_a_release_is_taken_down_on_that_release(cast):
    editor = cast.county_editor.user
    release = services.release_submit(release=_issue_release(cast), by=editor)
    assert release.status == R.PUBLISHED
    with pytest.raises(Forbidden):
        services.issue_take_down(issue=release.issue, by=cast.county_reporter.user, reason="x")
    taken = services.issue_take_down(issue=release.issue, by=cast.county_chief.user, reason="需更正")
    assert taken.pk == release.pk and taken.status == R.WITHDRAWN
    assert PortalRelease.objects.filter(issue=release.issue).count() == 1


def test_the_events_of_a_release_are_delivered_to_every_consumer(
    cast, county_chain, django_capture_on_commit_callbacks
):
    from baosong.core.models import DomainEvent, EventDelivery
    from baosong.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        release = services.release_submit(release=_issue_release(cast), by=cast.county_editor.user)
        release = _approve_all(cast, release)
    assert release.status == R.PUBLISHED
    events = DomainEvent.objects.filter(object_type="portal_release", object_id=release.pk)
    assert sorted(events.values_list("event_type", flat=True)) == ["portal.approve"] * 3 + ["portal.submit"]
    publish = DomainEvent.objects.get(event_type="issue.publish", object_id=release.issue_id or 0)
    assert EventDelivery.objects.filter(event_id=publish.pk).exists()
    # Each step's people were told in turn, and the requester at the end.
    for key in ("county_chief", "county_reviewer", "county_leader"):
        user = getattr(cast, key).user
        assert Notification.objects.filter(
            user=user, kind="to_review", url=f"/publish/{release.pk}/"
        ).exists()
    assert not Notification.objects.filter(
        user=cast.outsider_editor.user, url=f"/publish/{release.pk}/"
    ).exists()
    assert Notification.objects.filter(
        user=cast.county_editor.user, kind="decided", url=f"/publish/{release.pk}/"
    ).exists()
