"""Every allowed and every forbidden edge of both transition tables, walked through the services (and the
API where it has an endpoint); the review chain (steps, conditions, named people), withdrawal and
reopening; wrong roles and wrong units."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone

from baosong.core.errors import Forbidden, ServiceError
from baosong.core.models import DomainEvent
from baosong.orgs.models import ReviewStep, Role, User
from baosong.orgs.services import membership_add, user_create
from baosong.reports import services
from baosong.reports.models import (
    Report,
    ReportStatus,
    ReviewAction,
    Submission,
    SubmissionStatus,
)  # fmt: skip
from baosong.reports.workflow import REPORT, SUBMISSION

from .conftest import EMERGENCY_ELEMENTS, ITEM, post

REPORT_EDGES, SUBMISSION_EDGES = REPORT.table(), SUBMISSION.table()

S = ReportStatus
T = SubmissionStatus

REPORT_ACTIONS = sorted({e.action for e in REPORT_EDGES})
SUBMISSION_ACTIONS = sorted({e.action for e in SUBMISSION_EDGES})

# Where each legal move leads, with the township's review chain of one step (a reviewer).
REPORT_RESULTS = {
    (S.DRAFT, "submit"): S.IN_REVIEW,
    (S.RETURNED, "submit"): S.IN_REVIEW,
    (S.IN_REVIEW, "approve"): S.SENT,  # the last step approved: out to the targets
    (S.IN_REVIEW, "return"): S.RETURNED,
    (S.IN_REVIEW, "withdraw"): S.WITHDRAWN,
    (S.SENT, "withdraw"): S.WITHDRAWN,
    (S.WITHDRAWN, "reopen"): S.DRAFT,
    (S.DRAFT, "register"): S.SENT,  # 代为登记 (reports/behalf.py): the county's editor sends it
    (S.DRAFT, "receive"): S.SENT,  # 跨系统接收 (baosong.federation): a peer's item, sent by its mirror unit
}
SUBMISSION_RESULTS = {
    (T.RECEIVED, "claim"): T.CLAIMED,
    (T.RECEIVED, "adopt"): T.ADOPTED,
    (T.CLAIMED, "adopt"): T.ADOPTED,
    (T.RECEIVED, "decline"): T.DECLINED,
    (T.CLAIMED, "decline"): T.DECLINED,
    (T.RECEIVED, "return"): T.RETURNED,
    (T.CLAIMED, "return"): T.RETURNED,
    (T.RECEIVED, "forward"): T.FORWARDED,
    (T.CLAIMED, "forward"): T.FORWARDED,
    (T.ADOPTED, "forward"): T.ADOPTED,
    (T.RETURNED, "resubmit"): T.CLAIMED,
    (T.ADOPTED, "revoke"): T.CLAIMED,
}

Move = Callable[[Any, User], Any]

# action → (who acts, the call). Refused moves are tried by the same people: the table is checked first.
REPORT_MOVES: dict[str, tuple[str, Move]] = {
    "submit": ("township_reporter", lambda r, u: services.report_submit(report=r, by=u)),
    "approve": ("township_reviewer", lambda r, u: services.report_approve(report=r, by=u, comment="同意")),
    "return": ("township_reviewer", lambda r, u: services.report_return(report=r, by=u, comment="请核实")),
    "withdraw": ("township_reporter", lambda r, u: services.report_withdraw(report=r, by=u)),
    "reopen": ("township_reporter", lambda r, u: services.report_reopen(report=r, by=u)),
    "register": ("county_editor", lambda r, u: _register(r, u)),
    "receive": ("county_editor", lambda r, u: _receive(r)),
}


def _register(report: Report, by: User) -> Report:
    """The register edge of an item as if this editor had entered it for the township (behalf.py)."""
    from baosong.core.actions import apply
    from baosong.reports import workflow as wf
    from baosong.reports.models import BehalfRegistration

    BehalfRegistration.objects.get_or_create(
        report=report, defaults={"channel": "paper", "unit": by.primary_unit, "registered_by": by}
    )
    return apply(wf.REGISTER, report, by, change=lambda r, t: services._send(r, by))


def _receive(report: Report) -> Report:
    """The receive edge as the federation's receiving end takes it: the item is the peer's, from a mirrored
    unit, and the peer's agent (a member of that unit) sends it to the county."""
    from baosong.core.actions import apply
    from baosong.orgs.models import Unit
    from baosong.reports import workflow as wf

    mirror = Unit.objects.create(name="外省某镇", code="EXT-T9", level="township", external=True, path="")
    agent = user_create(
        by=None, username="peer-agent", full_name="省平台", primary_unit=mirror, password="x", validate=False
    )
    membership_add(by=None, user=agent, unit=mirror, role=Role.REPORTER)
    Report.objects.filter(pk=report.pk).update(source_unit=mirror)
    report.refresh_from_db()
    return apply(wf.RECEIVE, report, agent, change=lambda r, t: services._send(r, agent))


SUBMISSION_MOVES: dict[str, tuple[str, Move]] = {
    "claim": ("county_editor", lambda s, u: services.submission_claim(submission=s, by=u)),
    "adopt": ("county_editor", lambda s, u: services.submission_adopt(submission=s, by=u)),
    "decline": (
        "county_editor",
        lambda s, u: services.submission_decline(submission=s, by=u, comment="一般"),
    ),
    "return": (
        "county_editor",
        lambda s, u: services.submission_return(submission=s, by=u, comment="请补充"),
    ),
    "forward": ("county_editor", lambda s, u: services.submission_forward(submission=s, by=u)),
    "resubmit": (
        "township_reporter",
        lambda s, u: services.submission_resubmit(submission=s, by=u, title=ITEM["title"], body="改后正文"),
    ),
    # A chief withdrawing a signed issue reverses its adoptions (editorial calls this).
    "revoke": (
        "county_chief",
        lambda s, u: services.submission_adoption_revoke(submission=s, by=u, reason="刊物撤回"),
    ),
}
REPORT_API = {"submit", "approve", "return", "withdraw", "reopen"}
SUBMISSION_API = set(SUBMISSION_ACTIONS) - {"revoke"}  # revoke follows an issue's withdrawal only
API_BODY = {"comment": "请补充", "title": ITEM["title"], "body": "改后正文", "usage": "issue"}


def new_report(cast, **fields: Any) -> Report:
    return services.report_create(by=cast.township_reporter.user, **{**ITEM, **fields})


def set_chain(cast, *steps: dict[str, Any]) -> None:
    """Replace the township's review chain (whatever the demo seeds) with exactly these steps."""
    unit = cast.township_reporter.unit
    ReviewStep.objects.filter(unit=unit).delete()
    for order, fields in enumerate(steps, start=1):
        ReviewStep.objects.create(unit=unit, order=order, **fields)


def township_member(cast, username: str, full_name: str, role: str) -> User:
    unit = cast.township_reporter.unit
    user = user_create(
        by=None, username=username, full_name=full_name, primary_unit=unit, password="x", validate=False
    )
    User.objects.filter(pk=user.pk).update(must_change_password=False, password_changed_at=timezone.now())
    membership_add(by=None, user=user, unit=unit, role=role)
    user.refresh_from_db()
    return user


def emergency_fields() -> dict[str, Any]:
    return {
        "category": "emergency",
        "event_time": timezone.now(),
        "elements": {key: f"{label}：已核实" for key, label in EMERGENCY_ELEMENTS},
    }


def report_in(cast, status: str) -> Report:
    """An item brought to ``status`` through the services (the township's chain must have one step)."""
    reporter, reviewer = cast.township_reporter.user, cast.township_reviewer.user
    report = new_report(cast)
    if status != S.DRAFT:
        services.report_submit(report=report, by=reporter)
    if status == S.RETURNED:
        services.report_return(report=report, by=reviewer, comment="请核实")
    elif status == S.SENT:
        services.report_approve(report=report, by=reviewer)
    elif status == S.WITHDRAWN:
        services.report_withdraw(report=report, by=reporter)
    report.refresh_from_db()
    assert report.status == status
    return report


def send(cast, report: Report) -> Report:
    """Submitted, then approved by the township reviewer through whatever chain the demo configures."""
    report = services.report_submit(report=report, by=cast.township_reporter.user)
    while report.status == S.IN_REVIEW:
        report = services.report_approve(report=report, by=cast.township_reviewer.user)
    assert report.status == S.SENT
    return report


def sent_submission(cast, **fields: Any) -> Submission:
    report = send(cast, new_report(cast, **fields))
    return Submission.objects.get(report=report, target_unit=cast.county_editor.unit)


def submission_in(cast, status: str) -> Submission:
    editor = cast.county_editor.user
    sub = sent_submission(cast)
    if status == T.CLAIMED:
        services.submission_claim(submission=sub, by=editor)
    elif status == T.ADOPTED:
        services.submission_adopt(submission=sub, by=editor)
    elif status == T.DECLINED:
        services.submission_decline(submission=sub, by=editor)
    elif status == T.RETURNED:
        services.submission_return(submission=sub, by=editor, comment="请补充")
    elif status == T.FORWARDED:
        services.submission_forward(submission=sub, by=editor)
    sub.refresh_from_db()
    assert sub.status == status
    return sub


def events_for(obj: Report | Submission, event_type: str) -> int:
    return DomainEvent.objects.filter(
        event_type=event_type, object_type=type(obj).__name__.lower(), object_id=obj.pk
    ).count()


# ---- the tables, cell by cell -----------------------------------------------------------------------


def test_the_walk_covers_exactly_the_edges_of_both_tables():
    assert set(REPORT_RESULTS) == {(e.source, e.action) for e in REPORT_EDGES}
    assert set(SUBMISSION_RESULTS) == {(e.source, e.action) for e in SUBMISSION_EDGES}
    for edges, results in ((REPORT_EDGES, REPORT_RESULTS), (SUBMISSION_EDGES, SUBMISSION_RESULTS)):
        for e in edges:
            assert e.target is None or results[(e.source, e.action)] == e.target, e
    assert set(REPORT_MOVES) == set(REPORT_ACTIONS) and set(SUBMISSION_MOVES) == set(SUBMISSION_ACTIONS)


@pytest.mark.parametrize("action", REPORT_ACTIONS)
@pytest.mark.parametrize("status", S.values)
def test_report_move_is_allowed_exactly_when_the_table_has_the_edge(cast, api, status, action):
    set_chain(cast, {"role": Role.REVIEWER})
    report = report_in(cast, status)
    key, move = REPORT_MOVES[action]
    expected = REPORT_RESULTS.get((status, action))
    before = DomainEvent.objects.count()

    if expected is None:
        with pytest.raises(ServiceError) as refused:
            move(report, cast[key].user)
        assert (refused.value.code, refused.value.status) == ("invalid_transition", 409)
        report.refresh_from_db()
        assert report.status == status and DomainEvent.objects.count() == before
        if action in REPORT_API:
            response = post(api(key), f"/api/v1/reports/{report.pk}/{action}", API_BODY)
            assert response.status_code == 409, response.content
            assert response.json()["code"] == "invalid_transition"
            report.refresh_from_db()
            assert report.status == status
        return

    earlier = events_for(report, f"report.{action}")
    move(report, cast[key].user)
    report.refresh_from_db()
    assert report.status == expected
    assert events_for(report, f"report.{action}") == earlier + 1
    if expected == S.SENT and status != S.SENT:
        assert report.submissions.filter(is_active=True).count() == 1


@pytest.mark.parametrize("action", SUBMISSION_ACTIONS)
@pytest.mark.parametrize("status", T.values)
def test_submission_move_is_allowed_exactly_when_the_table_has_the_edge(cast, api, status, action):
    sub = submission_in(cast, status)
    key, move = SUBMISSION_MOVES[action]
    expected = SUBMISSION_RESULTS.get((status, action))
    before = DomainEvent.objects.count()

    if expected is None:
        with pytest.raises(ServiceError) as refused:
            move(sub, cast[key].user)
        assert (refused.value.code, refused.value.status) == ("invalid_transition", 409)
        sub.refresh_from_db()
        assert sub.status == status and DomainEvent.objects.count() == before
        if action not in SUBMISSION_API:
            return
        response = post(api(key), f"/api/v1/submissions/{sub.pk}/{action}", API_BODY)
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "invalid_transition"
        sub.refresh_from_db()
        assert sub.status == status
        return

    earlier = events_for(sub, f"submission.{action}")
    move(sub, cast[key].user)
    sub.refresh_from_db()
    assert sub.status == expected
    assert events_for(sub, f"submission.{action}") == earlier + 1
    if action == "forward":
        copy = Submission.objects.get(forwarded_from=sub)
        assert copy.target_unit == cast.city_editor.unit and copy.status == T.RECEIVED
    if action in {"adopt", "decline", "return", "forward"} and status != T.ADOPTED:
        assert sub.decided_by == cast.county_editor.user


# ---- wrong role, wrong person, wrong unit -----------------------------------------------------------


def test_county_reporter_cannot_adopt(cast, api):
    sub = sent_submission(cast)
    with pytest.raises(Forbidden):
        services.submission_adopt(submission=sub, by=cast.county_reporter.user)
    # Through the API the submission is not even in the reporter's inbox.
    response = post(api("county_reporter"), f"/api/v1/submissions/{sub.pk}/adopt", {"usage": "issue"})
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    sub.refresh_from_db()
    assert sub.status == T.RECEIVED and events_for(sub, "submission.adopt") == 0


def test_author_cannot_approve_their_own_item(cast, api):
    set_chain(cast, {"role": Role.REVIEWER})
    report = report_in(cast, S.IN_REVIEW)
    with pytest.raises(Forbidden):
        services.report_approve(report=report, by=cast.township_reporter.user)
    response = post(api("township_reporter"), f"/api/v1/reports/{report.pk}/approve")
    assert response.status_code == 403 and response.json()["code"] == "forbidden"
    report.refresh_from_db()
    assert report.status == S.IN_REVIEW and report.review_step == 0


def test_reviewer_cannot_do_the_authors_moves(cast):
    set_chain(cast, {"role": Role.REVIEWER})
    reviewer = cast.township_reviewer.user
    with pytest.raises(Forbidden):
        services.report_submit(report=new_report(cast), by=reviewer)
    with pytest.raises(Forbidden):
        services.report_withdraw(report=report_in(cast, S.IN_REVIEW), by=reviewer)
    with pytest.raises(Forbidden):
        services.report_reopen(report=report_in(cast, S.WITHDRAWN), by=reviewer)


def test_editor_cannot_resubmit_the_authors_returned_item(cast):
    sub = submission_in(cast, T.RETURNED)
    with pytest.raises(Forbidden):
        services.submission_resubmit(submission=sub, by=cast.county_editor.user, title="改", body="改")
    sub.refresh_from_db()
    assert sub.status == T.RETURNED


def test_reviewer_of_another_unit_cannot_approve(cast, api):
    set_chain(cast, {"role": Role.REVIEWER})
    report = report_in(cast, S.IN_REVIEW)
    with pytest.raises(Forbidden):
        services.report_approve(report=report, by=cast.county_reviewer.user)
    response = post(api("county_reviewer"), f"/api/v1/reports/{report.pk}/approve")
    assert response.status_code == 404  # the county does not see the township's items in review
    report.refresh_from_db()
    assert report.status == S.IN_REVIEW


@pytest.mark.parametrize("action", ["claim", "adopt", "decline", "return", "forward"])
def test_outsider_editor_from_the_sibling_county_cannot_handle_the_submission(cast, api, action):
    sub = sent_submission(cast)
    _, move = SUBMISSION_MOVES[action]
    with pytest.raises(Forbidden):
        move(sub, cast.outsider_editor.user)
    response = post(api("outsider_editor"), f"/api/v1/submissions/{sub.pk}/{action}", API_BODY)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    sub.refresh_from_db()
    assert sub.status == T.RECEIVED and sub.claimed_by is None
    assert not DomainEvent.objects.filter(object_type="submission", object_id=sub.pk).exists()


@pytest.mark.parametrize("action", ["approve", "return", "withdraw"])
def test_outsider_from_the_sibling_county_cannot_move_the_item(cast, api, action):
    set_chain(cast, {"role": Role.REVIEWER})
    report = report_in(cast, S.IN_REVIEW)
    _, move = REPORT_MOVES[action]
    for key in ("outsider_editor", "outsider_reporter"):
        with pytest.raises(Forbidden):
            move(report, cast[key].user)
        response = post(api(key), f"/api/v1/reports/{report.pk}/{action}", API_BODY)
        assert response.status_code == 404, (key, response.content)
    report.refresh_from_db()
    assert report.status == S.IN_REVIEW


# ---- the review chain -------------------------------------------------------------------------------


def test_review_chain_goes_step_by_step_then_sends(cast, api):
    leader = township_member(cast, "zhen_lingdao", "韩立", Role.LEADER)
    set_chain(cast, {"role": Role.REVIEWER, "label": "党政办审核"}, {"user": leader, "label": "分管领导签发"})
    report = services.report_submit(report=new_report(cast), by=cast.township_reporter.user)
    assert report.status == S.IN_REVIEW and report.review_step == 0
    assert [s["label"] for s in report.review_chain] == ["党政办审核", "分管领导签发"]
    assert not Submission.objects.filter(report=report).exists()

    response = post(api("township_reviewer"), f"/api/v1/reports/{report.pk}/approve", {"comment": "同意"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["review_step"]) == ("in_review", 1)

    report = services.report_approve(report=report, by=leader, comment="同意报送")
    assert report.status == S.SENT and report.sent_at is not None
    sub = Submission.objects.get(report=report)
    assert sub.target_unit == cast.county_editor.unit and sub.status == T.RECEIVED
    trail = [(a.action, a.step, a.step_label) for a in ReviewAction.objects.filter(report=report)]
    assert trail == [
        ("submit", 0, ""),
        ("approve", 0, "党政办审核"),
        ("approve", 1, "分管领导签发"),
        ("send", 0, ""),
    ]
    assert events_for(report, "report.approve") == 2 and events_for(report, "report.sent") == 1


def test_a_step_naming_a_person_may_be_approved_only_by_that_person(cast):
    leader = township_member(cast, "zhen_lingdao", "韩立", Role.LEADER)
    other_reviewer = township_member(cast, "zhen_shenhe2", "邓磊", Role.REVIEWER)
    set_chain(cast, {"user": leader, "label": "分管领导签发"})
    report = services.report_submit(report=new_report(cast), by=cast.township_reporter.user)
    # A reviewer of the unit is not enough when the step names someone.
    for user in (cast.township_reviewer.user, other_reviewer, cast.township_reporter.user):
        with pytest.raises(Forbidden):
            services.report_approve(report=report, by=user)
        with pytest.raises(Forbidden):
            services.report_return(report=report, by=user, comment="不同意")
    report.refresh_from_db()
    assert report.status == S.IN_REVIEW and report.review_step == 0
    assert services.report_approve(report=report, by=leader).status == S.SENT


def test_returned_item_is_resubmitted_and_the_chain_restarts_at_step_0(cast, api):
    leader = township_member(cast, "zhen_lingdao", "韩立", Role.LEADER)
    set_chain(cast, {"role": Role.REVIEWER, "label": "党政办审核"}, {"user": leader, "label": "分管领导签发"})
    reporter, reviewer = cast.township_reporter.user, cast.township_reviewer.user
    report = services.report_submit(report=new_report(cast), by=reporter)
    report = services.report_approve(report=report, by=reviewer)
    assert report.review_step == 1

    with pytest.raises(ServiceError) as no_comment:
        services.report_return(report=report, by=leader, comment="  ")
    assert no_comment.value.code == "comment_required"
    report = services.report_return(report=report, by=leader, comment="请补充参与人数来源")
    assert report.status == S.RETURNED
    assert ReviewAction.objects.filter(report=report, action="return").get().step == 1

    services.report_update(report=report, by=reporter, body=ITEM["body"] + "\n（数据来源：镇应急办）")
    response = post(api("township_reporter"), f"/api/v1/reports/{report.pk}/submit")
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["review_step"]) == ("in_review", 0)
    report.refresh_from_db()
    # Back at the first step: the leader cannot skip the reviewer.
    with pytest.raises(Forbidden):
        services.report_approve(report=report, by=leader)
    report = services.report_approve(report=report, by=reviewer)
    report = services.report_approve(report=report, by=leader)
    assert report.status == S.SENT and "镇应急办" in Submission.objects.get(report=report).body


@pytest.mark.parametrize(
    ("fields", "labels"),
    [
        ({}, ["党政办审核"]),
        (emergency_fields(), ["党政办审核", "突发事件领导签发"]),
        ({"sensitive": True}, ["党政办审核", "敏感信息保密审查"]),
        ({**emergency_fields(), "sensitive": True}, ["党政办审核", "突发事件领导签发", "敏感信息保密审查"]),
    ],
    ids=["ordinary", "emergency", "sensitive", "emergency-and-sensitive"],
)
def test_conditional_steps_apply_only_to_matching_items(cast, fields, labels):
    leader = township_member(cast, "zhen_lingdao", "韩立", Role.LEADER)
    set_chain(
        cast,
        {"role": Role.REVIEWER, "label": "党政办审核"},
        {"user": leader, "label": "突发事件领导签发", "only_category": "emergency"},
        {"role": Role.REVIEWER, "label": "敏感信息保密审查", "only_sensitive": True},
    )
    report = services.report_submit(report=new_report(cast, **fields), by=cast.township_reporter.user)
    assert [s["label"] for s in report.review_chain] == labels
    approvers = {"党政办审核": cast.township_reviewer.user, "突发事件领导签发": leader}
    approvers["敏感信息保密审查"] = cast.township_reviewer.user
    for label in labels:
        assert report.status == S.IN_REVIEW
        report = services.report_approve(report=report, by=approvers[label])
    assert report.status == S.SENT


# ---- withdrawing and reopening ----------------------------------------------------------------------


def test_withdraw_before_any_target_acts(cast, api):
    sub = sent_submission(cast)
    response = post(api("township_reporter"), f"/api/v1/reports/{sub.report_id}/withdraw")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn"
    sub.refresh_from_db()
    assert not sub.is_active and sub.status == T.RECEIVED
    assert api("county_editor").get("/api/v1/inbox").json()["count"] == 0


def test_withdraw_after_a_target_claimed_is_refused(cast, api):
    sub = sent_submission(cast)
    services.submission_claim(submission=sub, by=cast.county_editor.user)
    with pytest.raises(ServiceError) as refused:
        services.report_withdraw(report=sub.report, by=cast.township_reporter.user)
    assert (refused.value.code, refused.value.status) == ("already_handled", 409)
    response = post(api("township_reporter"), f"/api/v1/reports/{sub.report_id}/withdraw")
    assert response.status_code == 409 and response.json()["code"] == "already_handled"
    sub.refresh_from_db()
    assert sub.is_active and sub.status == T.CLAIMED
    assert Report.objects.get(pk=sub.report_id).status == S.SENT
    assert events_for(sub.report, "report.withdraw") == 0


def test_withdrawn_item_reopens_as_a_draft_and_goes_out_again(cast, api):
    sub = sent_submission(cast)
    reporter = cast.township_reporter.user
    report = services.report_withdraw(report=sub.report, by=reporter)
    with pytest.raises(ServiceError) as locked:
        services.report_update(report=report, by=reporter, title="改标题")
    assert locked.value.code == "not_editable"

    report = services.report_reopen(report=report, by=reporter)
    assert report.status == S.DRAFT and report.sent_at is None
    services.report_update(report=report, by=reporter, title="城关镇开展防汛应急演练（修改稿）")
    report = send(cast, report)
    active = Submission.objects.get(report=report, is_active=True)
    assert active.pk != sub.pk and active.title == "城关镇开展防汛应急演练（修改稿）"
    assert api("county_editor").get("/api/v1/inbox").json()["count"] == 1
