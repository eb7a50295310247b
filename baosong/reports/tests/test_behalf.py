"""代为登记: a county editor registers what 城关镇 sent on paper; it counts to 城关镇 and its author, is
marked on the item and inbox pages, and another county's editor can neither register for 城关镇 nor see it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from baosong.core.models import AuditEvent, DomainEvent
from baosong.core.outbox import deliver
from baosong.reports.models import BehalfRegistration, Report, ReportStatus, Submission
from baosong.scoring.models import LedgerEntry, StatsDaily
from conftest import login


def docx_bytes(paragraphs: list[str]) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _files(settings: Any, tmp_path: Any) -> None:
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"


def _form(cast: Any, **extra: Any) -> dict[str, Any]:
    return {
        "unit": cast.township_reporter.unit.pk,
        "channel": "paper",
        "author": cast.township_reporter.user.pk,
        "writer_name": "村文书 李四",
        "title": "城关镇完成秋粮收购",
        "body": "城关镇截至10月底收购秋粮1.2万吨。",
        "category": "work_update",
        "urgency": "normal",
        **extra,
    }


def _api_body(cast: Any) -> dict[str, Any]:
    form = _form(cast)
    return {
        "unit_id": form.pop("unit"),
        "author_id": form.pop("author"),
        **{k: v for k, v in form.items() if k not in {"files", "docx"}},
    }


def test_registration_on_behalf_counts_to_the_lower_unit_and_shows_the_marker(cast: Any) -> None:
    editor = login(Client(), cast.county_editor)
    town, county = cast.township_reporter.unit, cast.county_editor.unit
    scan = SimpleUploadedFile("纸质稿扫描.pdf", PDF)
    response = editor.post("/inbox/register", {**_form(cast), "files": [scan]})
    assert response.status_code == 302, response.content.decode()[:2000]
    report = Report.objects.get(title="城关镇完成秋粮收购")
    assert report.status == ReportStatus.SENT
    assert (report.source_unit_id, report.author_id) == (town.pk, cast.township_reporter.user.pk)
    sub = Submission.objects.get(report=report, target_unit=county, is_active=True)
    assert response["Location"] == f"/inbox/{sub.pk}/"
    assert report.attachments.get().original_name == "纸质稿扫描.pdf"
    reg = BehalfRegistration.objects.get(report=report)
    assert (reg.channel, reg.unit_id, reg.registered_by_id) == (
        "paper",
        county.pk,
        cast.county_editor.user.pk,
    )
    # the normal events fire, so the scoring ledger and the statistics count it to 城关镇
    assert DomainEvent.objects.filter(event_type="report.sent", object_id=report.pk).count() == 1
    assert DomainEvent.objects.filter(event_type="report.register", object_id=report.pk).count() == 1
    audit = AuditEvent.objects.get(event_type="report.transition", object_id=str(report.pk))
    assert audit.details["action"] == "register" and audit.details["channel"] == "paper"
    deliver("scoring")
    own = StatsDaily.objects.get(unit=town, scope="own", day=timezone.localdate(report.sent_at))
    assert own.submitted == 1
    assert LedgerEntry.objects.filter(
        report_id=report.pk, unit=town, author=cast.township_reporter.user
    ).exists()
    marker = f"由 {cast.county_editor.user.full_name}（{county.name}）代为登记（渠道：纸质）"
    for url in (f"/inbox/{sub.pk}/", f"/reports/{report.pk}/"):
        page = editor.get(url).content.decode()
        assert marker in page and "执笔人 村文书 李四" in page, url
    assert "代为登记（纸质）" in editor.get("/inbox/").content.decode()
    reporter = login(Client(), cast.township_reporter)
    assert marker in reporter.get(f"/reports/{report.pk}/").content.decode()
    assert "城关镇完成秋粮收购" in editor.get("/inbox/register").content.decode()


def test_a_word_file_supplies_the_text(cast: Any) -> None:
    editor = login(Client(), cast.county_editor)
    data = docx_bytes(["城关镇召开安全生产会议", "会议部署了冬季安全生产工作。"])
    response = editor.post(
        "/inbox/register",
        {**_form(cast, title="", body="", channel="usb"), "docx": SimpleUploadedFile("稿件.docx", data)},
    )
    assert response.status_code == 302
    report = Report.objects.get(title="城关镇召开安全生产会议")
    assert "冬季安全生产" in report.body and report.behalf.channel == "usb"


def test_bad_input_is_refused_with_what_was_typed_kept(cast: Any) -> None:
    editor = login(Client(), cast.county_editor)
    response = editor.post("/inbox/register", _form(cast, channel="pigeon"))
    assert response.status_code == 400
    page = response.content.decode()
    assert "请选择报送渠道" in page and "城关镇截至10月底收购秋粮1.2万吨。" in page
    response = editor.post("/inbox/register", _form(cast, author=cast.outsider_reporter.user.pk))
    assert response.status_code == 400 and "署名作者须是报送单位在用的人员" in response.content.decode()
    assert not Report.objects.filter(title="城关镇完成秋粮收购").exists()


def test_another_countys_editor_cannot_register_for_the_township_nor_see_it(cast: Any, api: Any) -> None:
    outsider = login(Client(), cast.outsider_editor)
    response = outsider.post("/inbox/register", _form(cast))
    assert response.status_code == 404 and "不向本单位报送" in response.content.decode()
    assert not Report.objects.filter(title="城关镇完成秋粮收购").exists()
    client = api("outsider_editor")
    response = client.post("/api/v1/registrations", _api_body(cast), content_type="application/json")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    # the county registers it; the other county sees neither the item nor the registration
    own = api("county_editor").post("/api/v1/registrations", _api_body(cast), content_type="application/json")
    assert own.status_code == 201, own.content
    report_id = own.json()["id"]
    assert own.json()["registration"]["channel"] == "paper"
    assert client.get(f"/api/v1/reports/{report_id}").status_code == 404
    assert client.get(f"/api/v1/registrations/{report_id}").status_code == 404
    assert outsider.get(f"/reports/{report_id}/").status_code == 404
    assert api("county_editor").get(f"/api/v1/registrations/{report_id}").status_code == 200


def test_a_reporter_cannot_register_on_behalf(cast: Any, api: Any) -> None:
    reporter = login(Client(), cast.township_reporter)
    assert reporter.get("/inbox/register").status_code == 403
    response = api("township_reporter").post(
        "/api/v1/registrations", _api_body(cast), content_type="application/json"
    )
    assert response.status_code == 403
