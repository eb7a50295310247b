"""The issue transition table, cell by cell: every allowed edge works, every other move is refused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from baosong.core.errors import Forbidden, ServiceError
from baosong.core.models import AuditEvent, DomainEvent
from baosong.editorial import services
from baosong.editorial.models import Issue, IssueStatus
from baosong.editorial.workflow import ISSUE

from .conftest import adopted_at_county

ISSUE_EDGES = ISSUE.table()

I = IssueStatus  # noqa: E741
ACTIONS = sorted({e.action for e in ISSUE_EDGES})

RESULTS = {
    (I.EDITING, "submit"): I.PENDING_SIGNATURE,
    (I.EDITING, "withdraw"): I.WITHDRAWN,
    (I.PENDING_SIGNATURE, "recall"): I.EDITING,
    (I.PENDING_SIGNATURE, "return"): I.EDITING,
    (I.PENDING_SIGNATURE, "sign"): I.SIGNED,
    (I.SIGNED, "distribute"): I.DISTRIBUTED,
    (I.DISTRIBUTED, "publish"): I.PUBLISHED,
    (I.SIGNED, "withdraw"): I.WITHDRAWN,
    (I.DISTRIBUTED, "withdraw"): I.WITHDRAWN,
    (I.PUBLISHED, "withdraw"): I.WITHDRAWN,
}

Move = Callable[[Issue, Any], Any]
MOVES: dict[str, tuple[str, Move]] = {
    "submit": ("county_editor", lambda i, u: services.issue_submit(issue=i, by=u)),
    "recall": ("county_editor", lambda i, u: services.issue_recall(issue=i, by=u)),
    "return": ("county_chief", lambda i, u: services.issue_return(issue=i, by=u, comment="请压缩篇幅")),
    "sign": ("county_chief", lambda i, u: services.issue_sign(issue=i, by=u)),
    "distribute": ("county_editor", lambda i, u: services.issue_distribute(issue=i, by=u)),
    "publish": ("county_editor", lambda i, u: services.issue_publish(issue=i, by=u)),
    # Withdrawing a released issue is the signer's; an editing one (no number yet) the editor's.
    "withdraw": ("county_chief", lambda i, u: services.issue_withdraw(issue=i, by=u, reason="内容有误")),
}
PATH = {
    I.EDITING: [],
    I.PENDING_SIGNATURE: ["submit"],
    I.SIGNED: ["submit", "sign"],
    I.DISTRIBUTED: ["submit", "sign", "distribute"],
    I.PUBLISHED: ["submit", "sign", "distribute", "publish"],
    I.WITHDRAWN: ["submit", "sign", "withdraw"],
}


def issue_in(cast: Any, issue: Issue, status: str) -> Issue:
    services.issue_item_add(
        issue=issue, by=cast.county_editor.user, submission_ids=[adopted_at_county(cast).pk]
    )
    for action in PATH[status]:
        key, move = MOVES[action]
        move(issue, cast[key].user)
    issue.refresh_from_db()
    assert issue.status == status
    return issue


def test_the_table_is_walked_completely():
    assert set(RESULTS) == {(e.source, e.action) for e in ISSUE_EDGES}
    assert all(RESULTS[(e.source, e.action)] == e.target for e in ISSUE_EDGES)
    assert set(MOVES) == set(ACTIONS)


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", I.values)
def test_issue_move_is_allowed_exactly_when_the_table_has_the_edge(cast, new_issue, api, status, action):
    issue = issue_in(cast, new_issue, status)
    key, move = MOVES[action]
    if action == "withdraw" and status == I.EDITING:
        key = "county_editor"
    expected = RESULTS.get((status, action))
    events = DomainEvent.objects.count()
    if expected is None:
        with pytest.raises(ServiceError) as refused:
            move(issue, cast[key].user)
        assert (refused.value.code, refused.value.status) == ("invalid_transition", 409)
        issue.refresh_from_db()
        assert issue.status == status and DomainEvent.objects.count() == events
        body = {"comment": "请压缩篇幅", "reason": "内容有误"}
        response = api(key).post(f"/api/v1/issues/{issue.pk}/{action}", body, content_type="application/json")
        assert response.status_code == 409, response.content
        assert response.json()["code"] == "invalid_transition"
        return
    audits = AuditEvent.objects.filter(event_type="issue.transition").count()
    move(issue, cast[key].user)
    issue.refresh_from_db()
    assert issue.status == expected
    assert DomainEvent.objects.filter(event_type=f"issue.{action}", object_id=issue.pk).count() == 1
    assert AuditEvent.objects.filter(event_type="issue.transition").count() == audits + 1


@pytest.mark.parametrize(
    ("action", "status", "wrong"),
    [
        ("submit", I.EDITING, "county_chief"),
        ("sign", I.PENDING_SIGNATURE, "county_editor"),
        ("sign", I.PENDING_SIGNATURE, "city_leader"),
        ("return", I.PENDING_SIGNATURE, "county_editor"),
        ("distribute", I.SIGNED, "county_chief"),
        ("withdraw", I.DISTRIBUTED, "county_editor"),
        ("publish", I.DISTRIBUTED, "outsider_editor"),
    ],
)
def test_the_wrong_person_is_refused(cast, new_issue, action, status, wrong):
    issue = issue_in(cast, new_issue, status)
    with pytest.raises(Forbidden):
        MOVES[action][1](issue, cast[wrong].user)
    issue.refresh_from_db()
    assert issue.status == status


def test_an_empty_issue_cannot_go_for_signature(cast, new_issue):
    with pytest.raises(ServiceError) as refused:
        services.issue_submit(issue=new_issue, by=cast.county_editor.user)
    assert refused.value.code == "empty_issue"


def test_a_returned_issue_shows_the_signers_comment_to_the_editor(cast, new_issue, client_as):
    issue = issue_in(cast, new_issue, I.PENDING_SIGNATURE)
    response = client_as("county_chief").post(f"/issues/{issue.pk}/return", {"comment": "第二条请核实数据"})
    assert response.status_code == 302
    page = client_as("county_editor").get(f"/issues/{issue.pk}/").content.decode()
    assert "第二条请核实数据" in page
    issue.refresh_from_db()
    assert issue.status == I.EDITING


def test_a_return_without_comment_is_refused_with_a_chinese_message(cast, new_issue, api):
    issue = issue_in(cast, new_issue, I.PENDING_SIGNATURE)
    response = api("county_chief").post(
        f"/api/v1/issues/{issue.pk}/return", {}, content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "退回时请填写修改意见。"


def test_composition_is_locked_once_sent_for_signature(cast, new_issue):
    issue = issue_in(cast, new_issue, I.PENDING_SIGNATURE)
    with pytest.raises(ServiceError) as refused:
        services.issue_item_add(
            issue=issue, by=cast.county_editor.user, submission_ids=[adopted_at_county(cast, "另一条").pk]
        )
    assert refused.value.code == "not_editable"
