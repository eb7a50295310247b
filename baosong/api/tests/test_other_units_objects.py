"""Every API route that names an object answers 404 `not_found` for another unit's object.

The routes are read from the OpenAPI document, so a new route with an id in its path fails this test
until it is listed here (with a valid body, so the 404 is not hidden behind a 422)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from .conftest import PDF

# A multipart body with a valid file (the routes that take an upload).
UPLOAD = {"file": "UPLOAD"}

# (method, path) → a valid body (None: no body). Path ids are filled from the world fixture.
COVERED: dict[tuple[str, str], dict[str, Any] | None] = {
    ("delete", "/api/v1/auth/tokens/{token_id}"): None,
    ("get", "/api/v1/forms/{form_id}"): None,
    ("get", "/api/v1/collections/{collection_id}/rollup"): None,
    ("get", "/api/v1/collections/{collection_id}/returns/{unit_id}"): None,
    ("put", "/api/v1/collections/{collection_id}/returns/{unit_id}"): {"data": {}},
    ("post", "/api/v1/collections/{collection_id}/returns/{unit_id}/submit"): None,
    ("post", "/api/v1/collections/{collection_id}/returns/{unit_id}/return"): {"comment": "退回"},
    ("post", "/api/v1/collections/{collection_id}/returns/{unit_id}/reopen"): None,
    ("get", "/api/v1/reports/{report_id}"): None,
    ("patch", "/api/v1/reports/{report_id}"): {"title": "越权修改"},
    ("post", "/api/v1/reports/{report_id}/checks"): None,
    ("post", "/api/v1/reports/{report_id}/submit"): None,
    ("post", "/api/v1/reports/{report_id}/approve"): {"comment": "同意"},
    ("post", "/api/v1/reports/{report_id}/return"): {"comment": "退回"},
    ("post", "/api/v1/reports/{report_id}/reopen"): None,
    ("post", "/api/v1/reports/{report_id}/withdraw"): None,
    ("post", "/api/v1/reports/{report_id}/external-adoptions"): {
        "publication_name": "清源日报",
        "level": "province",
        "date": "2026-03-01",
    },
    ("get", "/api/v1/reports/{report_id}/attachments"): None,
    ("post", "/api/v1/reports/{report_id}/attachments"): UPLOAD,
    ("get", "/api/v1/reports/{report_id}/attachments/{attachment_id}"): None,
    ("delete", "/api/v1/reports/{report_id}/attachments/{attachment_id}"): None,
    ("get", "/api/v1/registrations/{report_id}"): None,
    ("post", "/api/v1/registrations/{report_id}/attachments"): UPLOAD,
    ("get", "/api/v1/intake/messages/{message_id}"): None,
    ("post", "/api/v1/intake/messages/{message_id}/release"): {"unit_id": "{unit_id}", "author_id": 1},
    ("post", "/api/v1/intake/messages/{message_id}/discard"): None,
    ("get", "/api/v1/submissions/{submission_id}"): None,
    ("patch", "/api/v1/submissions/{submission_id}"): {"title": "越权修改", "body": "正文"},
    ("post", "/api/v1/submissions/{submission_id}/claim"): None,
    ("post", "/api/v1/submissions/{submission_id}/adopt"): {"usage": "issue"},
    ("post", "/api/v1/submissions/{submission_id}/decline"): {"comment": "不采用"},
    ("post", "/api/v1/submissions/{submission_id}/return"): {"comment": "退回"},
    ("post", "/api/v1/submissions/{submission_id}/forward"): {},
    ("post", "/api/v1/submissions/{submission_id}/resubmit"): {"title": "重报", "body": "正文"},
    ("post", "/api/v1/reports/{report_id}/negative"): {"negative": True},
    ("get", "/api/v1/forward-requests/{request_id}"): None,
    ("post", "/api/v1/forward-requests/{request_id}/sign"): {"comment": "同意"},
    ("post", "/api/v1/forward-requests/{request_id}/refuse"): {"comment": "不同意"},
    ("post", "/api/v1/forward-requests/{request_id}/cancel"): None,
    ("get", "/api/v1/submissions/{submission_id}/verifications"): None,
    ("post", "/api/v1/submissions/{submission_id}/verifications"): {"question": "越权请求核实"},
    ("get", "/api/v1/verifications/{verification_id}"): None,
    ("post", "/api/v1/verifications/{verification_id}/answer"): {"answer": "越权答复"},
    ("post", "/api/v1/verifications/{verification_id}/withdraw"): None,
    ("get", "/api/v1/issues/{issue_id}"): None,
    ("post", "/api/v1/issues/{issue_id}/items"): {"submission_id": "{submission_id}"},
    ("patch", "/api/v1/issues/{issue_id}/items/{item_id}"): {"title": "越权修改"},
    ("delete", "/api/v1/issues/{issue_id}/items/{item_id}"): None,
    ("post", "/api/v1/issues/{issue_id}/order"): {"item_ids": ["{item_id}"]},
    ("post", "/api/v1/issues/{issue_id}/merge"): {"item_ids": ["{item_id}"], "title": "综合"},
    ("post", "/api/v1/issues/{issue_id}/submit"): None,
    ("post", "/api/v1/issues/{issue_id}/recall"): None,
    ("post", "/api/v1/issues/{issue_id}/return"): {"comment": "退回"},
    ("post", "/api/v1/issues/{issue_id}/sign"): None,
    ("post", "/api/v1/issues/{issue_id}/distribute"): None,
    ("post", "/api/v1/issues/{issue_id}/publish"): None,
    ("post", "/api/v1/issues/{issue_id}/withdraw"): {"reason": "越权撤回"},
    ("get", "/api/v1/issues/{issue_id}/readers"): None,
    ("get", "/api/v1/issues/{issue_id}/document.{fmt}"): None,
    ("get", "/api/v1/instructions/{instruction_id}"): None,
    ("post", "/api/v1/instructions/{instruction_id}/assign"): {
        "unit_ids": ["{county_id}"],
        "due_on": (dt.date.today() + dt.timedelta(days=7)).isoformat(),
    },
    ("post", "/api/v1/instructions/{instruction_id}/feedback"): {"text": "越权反馈"},
    ("post", "/api/v1/instructions/{instruction_id}/close"): {"comment": "办结"},
    ("get", "/api/v1/solicitations/{solicitation_id}"): None,
    ("post", "/api/v1/solicitations/{solicitation_id}/read"): None,
    ("post", "/api/v1/solicitations/{solicitation_id}/relays"): {"deadline_workdays": 1, "unit_ids": []},
    ("get", "/api/v1/solicitations/{solicitation_id}/chain"): None,
    ("post", "/api/v1/notifications/{notification_id}/read"): None,
    ("get", "/api/v1/oversight/omissions/{omission_id}"): None,
    ("post", "/api/v1/oversight/omissions/{omission_id}/handle"): {"note": "越权处理"},
    ("get", "/api/v1/portal/releases/{release_id}"): None,
    ("patch", "/api/v1/portal/releases/{release_id}"): {"contact": "0591-12345678"},
    ("post", "/api/v1/portal/releases/{release_id}/submit"): None,
    ("post", "/api/v1/portal/releases/{release_id}/approve"): {"opinion": "同意"},
    ("post", "/api/v1/portal/releases/{release_id}/return"): {"opinion": "退回"},
    ("post", "/api/v1/portal/releases/{release_id}/recall"): None,
    ("post", "/api/v1/portal/releases/{release_id}/cancel"): None,
    ("post", "/api/v1/portal/releases/{release_id}/withdraw"): {"reason": "越权撤下"},
    ("get", "/api/v1/roster/entries/{entry_id}"): None,
    ("patch", "/api/v1/roster/entries/{entry_id}"): {"mobile": "13900000000"},
    ("post", "/api/v1/roster/entries/{entry_id}/revoke"): {"reason": "越权撤销"},
    ("get", "/api/v1/roster/units/{unit_id}/history"): None,
    ("get", "/api/v1/roster/rounds/{round_id}"): None,
    ("post", "/api/v1/roster/rounds/{round_id}/units/{unit_id}/submit"): None,
    ("post", "/api/v1/roster/rounds/{round_id}/remind"): None,
    # not an object id in the path, but the unit is named: another county's subtree
    ("get", "/api/v1/bulletins/{period}.{fmt}"): None,
    ("get", "/api/v1/appraisal/{year}"): None,
    ("get", "/api/v1/appraisal/{year}/vetoes"): None,
    ("delete", "/api/v1/targets/{target_id}"): None,
    # 跨系统报送: the system administrators' only (a business user of any unit gets 404)
    ("get", "/api/v1/federation/peers/{peer_id}"): None,
    ("put", "/api/v1/federation/peers/{peer_id}"): {"name": "越权", "base_url": "https://x.example"},
    ("post", "/api/v1/federation/peers/{peer_id}/suspend"): None,
    ("post", "/api/v1/federation/peers/{peer_id}/resume"): None,
    ("get", "/api/v1/federation/peers/{peer_id}/links"): None,
    ("post", "/api/v1/federation/peers/{peer_id}/links"): {
        "direction": "in",
        "local_unit_id": "{county_id}",
        "remote_code": "X1",
        "remote_name": "越权",
    },
    ("delete", "/api/v1/federation/links/{link_id}"): None,
    ("get", "/api/v1/federation/peers/{peer_id}/packages"): None,
    ("post", "/api/v1/federation/packages/{package_id}/retry"): None,
    ("get", "/api/v1/reports/{report_id}/federation"): None,
}
# Routes with path parameters that name no object of a unit (formats of the caller's own data, a year of
# the calendar; its ?unit= out of sight is refused in workdays/tests/test_calendar_pages.py).
NOT_OBJECT_ROUTES = {("get", "/api/v1/reports/export.{fmt}"), ("get", "/api/v1/calendar/{year}")}


def _object_routes() -> set[tuple[str, str]]:
    schema = Client().get("/api/v1/openapi.json").json()
    return {
        (method, path)
        for path, ops in schema["paths"].items()
        if "{" in path
        for method in ops
        if (method, path) not in NOT_OBJECT_ROUTES
    }


def test_every_object_route_is_covered(db):
    assert _object_routes() == set(COVERED), "list each new route with an object id in COVERED"


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str) and value.startswith("{") and value.endswith("}"):
        return ids[value[1:-1]]
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, ids) for k, v in value.items()}
    return value


@pytest.mark.parametrize("key", ["outsider_editor", "outsider_reporter"])
def test_another_countys_user_gets_404_on_every_object_of_east_lake_district(cast, api, world, key):
    ids = {
        "token_id": world.token_id,
        "report_id": world.report.pk,
        "submission_id": world.submission.pk,
        "issue_id": world.issue.pk,
        "item_id": world.item_id,
        "instruction_id": world.instruction_id,
        "solicitation_id": world.solicitation_id,
        "county_id": world.county_id,
        "attachment_id": world.attachment_id,
        "notification_id": world.notification_id,
        "omission_id": world.omission_id,
        "release_id": world.release_id,
        "collection_id": world.collection_id,
        "unit_id": world.unit_id,
        "form_id": world.form_id,
        "request_id": world.forward_request_id,
        "verification_id": world.verification_id,
        "entry_id": world.entry_id,
        "round_id": world.round_id,
        "message_id": world.message_id,
        "period": str(dt.date.today().year),
        "year": dt.date.today().year,
        "target_id": world.target_id,
        "peer_id": world.peer_id,
        "link_id": world.link_id,
        "package_id": world.package_id,
        "fmt": "pdf",
    }
    client = api(key)
    failures = []
    for (method, path), body in sorted(COVERED.items()):
        url = path.format(**ids)
        if "/bulletins/" in path or "/appraisal/" in path:
            url += f"?unit={world.county_id}"
        kwargs: dict[str, Any] = {}
        if body is UPLOAD:
            kwargs = {"data": {"file": SimpleUploadedFile("越权上传.pdf", PDF)}}
        elif body is not None:
            kwargs = {"data": _fill(body, ids), "content_type": "application/json"}
        response = getattr(client, method)(url, **kwargs)
        if response.status_code != 404 or response.json() != {
            "detail": response.json().get("detail"),
            "code": "not_found",
        }:
            failures.append(f"{method.upper()} {url} → {response.status_code} {response.content[:200]!r}")
    assert not failures, "\n".join(failures)


def test_the_county_editor_reaches_the_same_objects(cast, api, world):
    """The control: the same ids are real and visible to their own unit."""
    client = api("county_editor")
    for url in (
        f"/api/v1/reports/{world.report.pk}",
        f"/api/v1/submissions/{world.submission.pk}",
        f"/api/v1/issues/{world.issue.pk}",
        f"/api/v1/instructions/{world.instruction_id}",
        f"/api/v1/solicitations/{world.solicitation_id}",
        f"/api/v1/reports/{world.report.pk}/attachments/{world.attachment_id}",
        f"/api/v1/portal/releases/{world.release_id}",
        f"/api/v1/verifications/{world.verification_id}",
        f"/api/v1/submissions/{world.submission.pk}/verifications",
        f"/api/v1/roster/entries/{world.entry_id}",
        f"/api/v1/roster/rounds/{world.round_id}",
        f"/api/v1/roster/units/{world.unit_id}/history",
        f"/api/v1/oversight/omissions/{world.omission_id}",
        f"/api/v1/reports/{world.report.pk}/federation",
    ):
        assert client.get(url).status_code == 200, url
    assert client.post(f"/api/v1/notifications/{world.notification_id}/read").status_code == 200
