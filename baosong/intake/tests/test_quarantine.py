"""The quarantine: the mailbox unit's editors (and the system administrator) release a message to a unit
or discard it, audited; another county's editor gets 404 on its page and API routes."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

import pytest
from django.test import Client

from baosong.core.models import AuditEvent
from baosong.intake.models import IntakeMessage, IntakeStatus
from baosong.intake.services import intake_receive
from baosong.reports.models import Report, ReportStatus
from conftest import login

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _mailbox(settings: Any, tmp_path: Any) -> None:
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"
    settings.INTAKE_UNIT = "DEMO-C1-1"


def _held(subject: str = "村里修好了水渠", sender: str = "cunwei@example.com") -> IntakeMessage:
    msg = EmailMessage()
    msg["From"] = f"某村委 <{sender}>"
    msg["To"] = "xinxi@donghu.gov.cn"
    msg["Subject"] = subject
    msg["Message-ID"] = f"<{abs(hash(subject))}@example.com>"
    msg.set_content("本村修复灌溉水渠1.5公里。")
    msg.add_attachment(PDF, maintype="application", subtype="pdf", filename="照片说明.pdf")
    row = intake_receive(raw=msg.as_bytes())
    assert row is not None and row.status == IntakeStatus.QUARANTINED
    return row


def test_the_county_editor_releases_a_held_message_to_a_township(cast: Any) -> None:
    row = _held()
    editor = login(Client(), cast.county_editor)
    listing = editor.get("/intake/").content.decode()
    assert "村里修好了水渠" in listing and "不是已登记信息员" in listing
    page = editor.get(f"/intake/{row.pk}/?q=城关镇").content.decode()
    town, reporter = cast.township_reporter.unit, cast.township_reporter.user
    assert f'value="{town.pk}:{reporter.pk}"' in page
    response = editor.post(f"/intake/{row.pk}/release", {"candidate": f"{town.pk}:{reporter.pk}"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.status == IntakeStatus.RELEASED and row.unit_id == town.pk
    assert row.report_id is not None
    draft = Report.objects.get(pk=row.report_id)
    assert (draft.status, draft.author_id, draft.source_unit_id) == (ReportStatus.DRAFT, reporter.pk, town.pk)
    assert "灌溉水渠" in draft.body and draft.attachments.get().original_name == "照片说明.pdf"
    audit = AuditEvent.objects.get(event_type="intake.transition", object_id=str(row.pk))
    assert audit.details["action"] == "release" and audit.details["unit"] == town.pk
    assert audit.user_id == cast.county_editor.user.pk
    # the reporter finds the draft among the unit's items
    assert "村里修好了水渠" in login(Client(), cast.township_reporter).get("/reports/").content.decode()


def test_discard_through_the_api_and_no_second_decision(cast: Any, api: Any) -> None:
    row = _held()
    client = api("county_editor")
    listed = client.get("/api/v1/intake/messages?status=quarantined").json()
    assert listed["count"] == 1 and listed["items"][0]["allowed_actions"] == ["release", "discard"]
    response = client.post(f"/api/v1/intake/messages/{row.pk}/discard")
    assert response.status_code == 200 and response.json()["status"] == "discarded"
    assert AuditEvent.objects.filter(event_type="intake.transition", object_id=str(row.pk)).count() == 1
    again = client.post(
        f"/api/v1/intake/messages/{row.pk}/release",
        {"unit_id": cast.township_reporter.unit.pk, "author_id": cast.township_reporter.user.pk},
        content_type="application/json",
    )
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"


def test_a_release_outside_the_mailbox_subtree_is_refused(cast: Any, api: Any) -> None:
    row = _held()
    response = api("county_editor").post(
        f"/api/v1/intake/messages/{row.pk}/release",
        {"unit_id": cast.outsider_reporter.unit.pk, "author_id": cast.outsider_reporter.user.pk},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_unit"
    row.refresh_from_db()
    assert row.status == IntakeStatus.QUARANTINED


def test_another_countys_editor_gets_404(cast: Any, api: Any) -> None:
    row = _held()
    outsider = login(Client(), cast.outsider_editor)
    assert "村里修好了水渠" not in outsider.get("/intake/").content.decode()
    assert outsider.get(f"/intake/{row.pk}/").status_code == 404
    assert outsider.post(f"/intake/{row.pk}/discard").status_code == 404
    client = api("outsider_editor")
    assert client.get(f"/api/v1/intake/messages/{row.pk}").status_code == 404
    assert client.post(f"/api/v1/intake/messages/{row.pk}/discard").status_code == 404
    row.refresh_from_db()
    assert row.status == IntakeStatus.QUARANTINED
    assert api("township_reporter").get("/api/v1/intake/messages").status_code == 403


def test_the_system_administrator_neither_reads_nor_routes_business_mail(cast: Any) -> None:
    """三员分立: the administrator configures the mailbox; the mail is the editors' business."""
    row = _held()
    admin = login(Client(), cast.sysadmin)
    assert admin.get("/intake/").status_code == 403
    assert admin.post(f"/intake/{row.pk}/discard").status_code == 403
    row.refresh_from_db()
    assert row.status == IntakeStatus.QUARANTINED


def test_the_list_costs_the_same_for_many_messages(cast: Any, django_assert_max_num_queries: Any) -> None:
    for n in range(12):
        _held(subject=f"来稿{n}", sender=f"s{n}@example.com")
    editor = login(Client(), cast.county_editor)
    with django_assert_max_num_queries(12):
        assert editor.get("/intake/").status_code == 200
