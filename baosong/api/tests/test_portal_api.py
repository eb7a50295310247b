"""上网发布 on the API: requests for an issue or an item, review along the unit's chain, the same
services, checks, audit and ``allowed_actions`` as the desk pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baosong.core.models import AuditEvent
from baosong.editorial.models import IssueStatus
from baosong.editorial.tests.conftest import adopted_at_county, distributed_county_issue
from baosong.orgs.models import ReviewStep, Role
from baosong.portal import services
from baosong.portal.models import PortalColumn, PortalRelease

JSON = "application/json"


def _issue(cast: Any, title: str = "城关镇完成汛前水库安全检查") -> Any:
    return distributed_county_issue(cast, [adopted_at_county(cast, title, public_scope="public")])


@pytest.fixture
def chain(cast: Any) -> None:
    """The county office's 上网发布审核 chain: 单位负责人 (主编), then 分管领导."""
    unit = cast.county_editor.unit
    ReviewStep.objects.filter(unit=unit, chain="portal").delete()
    ReviewStep.objects.create(unit=unit, chain="portal", order=1, role=Role.CHIEF, label="单位负责人")
    ReviewStep.objects.create(unit=unit, chain="portal", order=2, role=Role.LEADER, label="分管领导")


def _post(client: Any, url: str, body: dict[str, Any] | None = None) -> Any:
    return client.post(url, body or {}, content_type=JSON)


def test_an_issue_goes_through_the_chain_onto_the_portal(cast, api, chain):
    issue = _issue(cast)
    editor, chief, leader = api("county_editor"), api("county_chief"), api("county_leader")
    assert {"kind": "issue", "id": issue.pk, "title": issue.label} in editor.get(
        "/api/v1/portal/candidates"
    ).json()

    created = _post(editor, "/api/v1/portal/releases", {"issue_id": issue.pk, "contact": "0591-1234567"})
    assert created.status_code == 201, created.content
    release = created.json()
    assert (release["status"], release["kind"], release["issue_id"]) == ("draft", "issue", issue.pk)
    assert release["allowed_actions"] == ["submit", "cancel"]
    assert [s["label"] for s in release["review_chain"]] == ["单位负责人", "分管领导"]
    url = f"/api/v1/portal/releases/{release['id']}"

    submitted = _post(editor, f"{url}/submit").json()
    assert submitted["status"] == "in_review" and submitted["current_step"]["label"] == "单位负责人"
    assert submitted["allowed_actions"] == ["recall"]
    assert chief.get(url).json()["allowed_actions"] == ["approve", "return"]
    queue = chief.get("/api/v1/portal/releases?queue=true").json()
    assert [r["id"] for r in queue["items"]] == [release["id"]]
    assert leader.get("/api/v1/portal/releases?queue=true").json()["count"] == 0

    approved = _post(chief, f"{url}/approve", {"opinion": "内容准确，同意。"}).json()
    assert approved["status"] == "in_review" and approved["current_step"]["label"] == "分管领导"
    published = _post(leader, f"{url}/approve").json()
    assert published["status"] == "published" and published["published_at"]
    assert [(t["action"], t["label"], t["opinion"]) for t in published["trail"]] == [
        ("submit", "提交审核", ""),
        ("approve", "单位负责人", "内容准确，同意。"),
        ("approve", "分管领导", "同意。"),
    ]
    issue.refresh_from_db()
    assert issue.status == IssueStatus.PUBLISHED
    audited = AuditEvent.objects.filter(event_type="portal.release", object_id=str(release["id"]))
    assert audited.count() == 4  # create, submit, two approvals


def test_the_reviewer_returns_with_a_reason_and_the_editor_cancels(cast, api, chain):
    editor, chief = api("county_editor"), api("county_chief")
    release = _post(editor, "/api/v1/portal/releases", {"issue_id": _issue(cast).pk, "submit": True}).json()
    url = f"/api/v1/portal/releases/{release['id']}"

    no_reason = _post(chief, f"{url}/return", {"opinion": "  "})
    assert no_reason.status_code == 400
    assert no_reason.json() == {"detail": "退回时请填写审核意见。", "code": "opinion_required"}

    returned = _post(chief, f"{url}/return", {"opinion": "请补充发布栏目说明。"}).json()
    assert returned["status"] == "returned" and returned["trail"][-1]["opinion"] == "请补充发布栏目说明。"
    assert returned["allowed_actions"] == []  # the chief is no requester
    assert editor.get(url).json()["allowed_actions"] == ["submit", "cancel"]
    assert _post(editor, f"{url}/cancel").json()["status"] == "cancelled"


def test_only_the_step_named_may_decide(cast, api, chain):
    release = _post(
        api("county_editor"), "/api/v1/portal/releases", {"issue_id": _issue(cast).pk, "submit": True}
    ).json()
    url = f"/api/v1/portal/releases/{release['id']}/approve"
    refused = _post(api("county_leader"), url)  # the second step's role, at the first step
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    assert "审核通过" in refused.json()["detail"]
    assert _post(api("county_editor"), url).status_code == 403
    assert AuditEvent.objects.filter(event_type="permission.denied").count() >= 2
    # Not yet at the reviewers: approving a draft is an illegal move.
    draft = _post(
        api("county_editor"), "/api/v1/portal/releases", {"issue_id": _issue(cast, "二期").pk}
    ).json()
    wrong_state = _post(api("county_chief"), f"/api/v1/portal/releases/{draft['id']}/approve")
    assert wrong_state.status_code == 409 and wrong_state.json()["code"] == "invalid_transition"


def test_without_a_chain_a_submitted_request_publishes_at_once(cast, api):
    ReviewStep.objects.filter(unit=cast.county_editor.unit, chain="portal").delete()
    issue = _issue(cast)
    release = _post(api("county_editor"), "/api/v1/portal/releases", {"issue_id": issue.pk, "submit": True})
    assert release.status_code == 201 and release.json()["status"] == "published"
    assert release.json()["allowed_actions"] == ["withdraw"]
    url = f"/api/v1/portal/releases/{release.json()['id']}/withdraw"
    assert _post(api("county_editor"), url, {"reason": ""}).json()["code"] == "reason_required"
    taken_down = _post(api("county_editor"), url, {"reason": "内容需更新"}).json()
    assert taken_down["status"] == "withdrawn" and taken_down["withdraw_reason"] == "内容需更新"


def test_an_item_needs_a_column(cast, api):
    sub = adopted_at_county(cast, "城关镇举办农民丰收节", public_scope="public")
    editor = api("county_editor")
    candidates = editor.get("/api/v1/portal/candidates").json()
    assert {"kind": "submission", "id": sub.pk, "title": "城关镇举办农民丰收节"} in candidates
    missing = _post(editor, "/api/v1/portal/releases", {"submission_id": sub.pk})
    assert missing.status_code == 400 and missing.json()["code"] == "column_required"
    unknown = _post(editor, "/api/v1/portal/releases", {"submission_id": sub.pk, "column_id": 999_999})
    assert unknown.status_code == 400 and unknown.json()["detail"] == "栏目不存在。"
    column = editor.get("/api/v1/portal/columns").json()[0]
    assert PortalColumn.objects.get(pk=column["id"]).is_active
    created = _post(editor, "/api/v1/portal/releases", {"submission_id": sub.pk, "column_id": column["id"]})
    assert created.status_code == 201, created.content
    assert (created.json()["kind"], created.json()["report_id"]) == ("item", sub.report_id)
    assert created.json()["body"] and created.json()["column_name"] == column["name"]
    again = _post(editor, "/api/v1/portal/releases", {"submission_id": sub.pk, "column_id": column["id"]})
    assert again.status_code == 400 and again.json()["code"] == "release_exists"


def test_a_request_names_exactly_one_target(cast, api):
    response = _post(api("county_editor"), "/api/v1/portal/releases", {})
    assert response.status_code == 400 and response.json()["code"] == "target_required"


def test_only_an_editor_of_the_unit_may_request(cast, api):
    issue = _issue(cast)
    response = _post(api("county_chief"), "/api/v1/portal/releases", {"issue_id": issue.pk})
    assert response.status_code == 403 and "采编人员" in response.json()["detail"]
    assert not PortalRelease.objects.filter(issue=issue).exists()


@pytest.mark.parametrize("key", ["outsider_editor", "outsider_reporter"])
def test_another_units_issue_or_item_is_not_found(cast, api, world, key):
    client = api(key)
    for body in ({"issue_id": world.issue.pk}, {"submission_id": world.submission.pk}):
        response = _post(client, "/api/v1/portal/releases", body)
        assert response.status_code == 404 and response.json()["code"] == "not_found", (key, body)
    assert client.get("/api/v1/portal/releases").json()["count"] == 0


def test_the_list_filters_by_status_and_costs_the_same_for_one_or_many(cast, api):
    editor = cast.county_editor.user
    client = api("county_editor")
    services.release_create(by=editor, issue=_issue(cast))
    client.get("/api/v1/portal/releases")
    with CaptureQueriesContext(connection) as few:
        assert client.get("/api/v1/portal/releases").json()["count"] == 1
    for n in range(4):
        release = services.release_create(by=editor, issue=_issue(cast, f"第{n}条"))
    services.release_cancel(release=release, by=editor)
    with CaptureQueriesContext(connection) as many:
        listed = client.get("/api/v1/portal/releases").json()
    assert listed["count"] == 5 and all(
        r["allowed_actions"] == ([] if r["status"] == "cancelled" else ["submit", "cancel"])
        for r in listed["items"]
    )
    assert len(many.captured_queries) == len(few.captured_queries)
    assert client.get("/api/v1/portal/releases?status=cancelled").json()["count"] == 1
    bad = client.get("/api/v1/portal/releases?status=gone")
    assert bad.status_code == 422 and "status" in bad.json()["detail"]


def test_patch_changes_only_the_fields_given(cast, api):
    sub = adopted_at_county(cast, "城关镇开展秸秆禁烧宣传", public_scope="public")
    editor = api("county_editor")
    column = editor.get("/api/v1/portal/columns").json()[0]
    body = {"submission_id": sub.pk, "column_id": column["id"], "contact": "0591-1234567"}
    release = _post(editor, "/api/v1/portal/releases", body).json()
    url = f"/api/v1/portal/releases/{release['id']}"
    patched = editor.patch(url, {"contact": "0591-7654321"}, content_type=JSON).json()
    assert (patched["contact"], patched["column_id"]) == ("0591-7654321", column["id"])
    cleared = editor.patch(url, {"column_id": None}, content_type=JSON)
    assert cleared.status_code == 400 and cleared.json()["code"] == "column_required"
    assert AuditEvent.objects.filter(
        event_type="portal.release", object_id=str(release["id"]), details__action="update"
    ).exists()
    assert api("county_chief").patch(url, {"contact": "1"}, content_type=JSON).status_code == 403
