"""Attachments and Word import on the API: the page's services and checks, the same audit, 404 elsewhere."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baosong.core.models import AuditEvent
from baosong.reports import files
from baosong.reports import services as report_services
from baosong.reports.models import Attachment, Report

from .conftest import PDF

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _attachment_root(settings: Any, tmp_path: Any) -> None:
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"


def _draft(cast: Any) -> Report:
    return report_services.report_create(
        by=cast.township_reporter.user, title="城关镇开展汛前隐患排查", body="排查隐患12处。"
    )


def _upload(client: Any, report_id: int, name: str = "排查方案.pdf", data: bytes = PDF) -> Any:
    return client.post(f"/api/v1/reports/{report_id}/attachments", {"file": SimpleUploadedFile(name, data)})


def _audited(event_type: str, object_id: int) -> int:
    return AuditEvent.objects.filter(event_type=event_type, object_id=str(object_id)).count()


def test_the_reporter_uploads_lists_downloads_and_removes_an_attachment(cast, api):
    report = _draft(cast)
    client = api("township_reporter")

    response = _upload(client, report.pk)
    assert response.status_code == 201, response.content
    created = response.json()
    assert (created["name"], created["kind"], created["size"]) == ("排查方案.pdf", "pdf", len(PDF))
    assert created["uploaded_by"] == cast.township_reporter.user.full_name
    assert _audited("attachment.upload", created["id"]) == 1

    listed = client.get(f"/api/v1/reports/{report.pk}/attachments").json()
    assert listed["count"] == 1 and listed["items"][0]["id"] == created["id"]

    url = f"/api/v1/reports/{report.pk}/attachments/{created['id']}"
    download = client.get(url)
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert _audited("attachment.download", created["id"]) == 1

    removed = client.delete(url)
    assert removed.status_code == 204
    assert _audited("attachment.remove", created["id"]) == 1
    assert client.get(f"/api/v1/reports/{report.pk}/attachments").json()["count"] == 0
    assert client.get(url).json()["code"] == "not_found"


def test_an_editor_upstream_downloads_but_may_not_upload_or_remove(cast, api, world):
    client = api("county_editor")
    url = f"/api/v1/reports/{world.report.pk}/attachments/{world.attachment_id}"
    assert client.get(url).status_code == 200
    refused = _upload(client, world.report.pk)
    assert refused.status_code == 403 and "信息员" in refused.json()["detail"]
    assert client.delete(url).status_code == 403
    assert Attachment.objects.filter(pk=world.attachment_id, removed_at__isnull=True).exists()
    assert AuditEvent.objects.filter(event_type="permission.denied").exists()


def test_a_sent_item_takes_no_more_attachments(cast, api, world):
    client = api("township_reporter")
    response = _upload(client, world.report.pk)
    assert response.status_code == 409 and response.json()["code"] == "not_editable"
    removal = client.delete(f"/api/v1/reports/{world.report.pk}/attachments/{world.attachment_id}")
    assert removal.status_code == 409 and "不能再删除" in removal.json()["detail"]


def test_an_attachment_is_found_only_under_its_own_item(cast, api, world):
    other = _draft(cast)
    response = api("township_reporter").get(f"/api/v1/reports/{other.pk}/attachments/{world.attachment_id}")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_an_exe_renamed_pdf_is_refused_by_its_content(cast, api):
    report = _draft(cast)
    response = _upload(api("township_reporter"), report.pk, "通知.pdf", EXE)
    assert response.status_code == 415
    assert response.json()["code"] == "file_type_refused" and "不支持的文件类型" in response.json()["detail"]
    assert not Attachment.objects.filter(report=report).exists()


def test_an_over_size_file_answers_413_in_the_apis_shape(cast, api, settings):
    settings.ATTACHMENT_MAX_MB = 1
    report = _draft(cast)
    response = _upload(api("township_reporter"), report.pk, "大文件.pdf", PDF + b"0" * (1024 * 1024 + 10))
    assert response.status_code == 413
    assert response.json() == {"detail": "文件不能超过 1 MB。", "code": "file_too_large"}
    assert not Attachment.objects.filter(report=report).exists()


def test_an_upload_without_a_file_is_a_422(cast, api):
    report = _draft(cast)
    response = api("township_reporter").post(f"/api/v1/reports/{report.pk}/attachments", {})
    assert response.status_code == 422 and response.json()["code"] == "validation_error"
    assert "file" in response.json()["detail"]


def test_control_characters_leave_the_file_name(cast, api):
    report = _draft(cast)
    response = _upload(api("township_reporter"), report.pk, "排查\x00方案\t一.pdf")
    assert response.status_code == 201, response.content
    name = response.json()["name"]
    assert name.startswith("排查方案") and name.endswith(".pdf") and "\x00" not in name and "\t" not in name


def test_listing_attachments_costs_the_same_for_one_or_many(cast, api):
    report = _draft(cast)
    client = api("township_reporter")
    url = f"/api/v1/reports/{report.pk}/attachments"
    files.attachment_add(report=report, by=cast.township_reporter.user, name="1.pdf", size=len(PDF), data=PDF)
    client.get(url)  # the token's first use of the run is noted once
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).json()["count"] == 1
    for n in range(2, 7):
        files.attachment_add(
            report=report, by=cast.township_reporter.user, name=f"{n}.pdf", size=len(PDF), data=PDF
        )
    with CaptureQueriesContext(connection) as many:
        assert client.get(url).json()["count"] == 6
    assert len(many.captured_queries) == len(few.captured_queries)


# ---- Word import ------------------------------------------------------------------------------------


def _docx(*paragraphs: str, heading: str = "") -> bytes:
    from docx import Document

    document = Document()
    if heading:
        document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _import(client: Any, data: bytes, name: str = "信息.docx") -> Any:
    return client.post("/api/v1/reports/import-docx", {"file": SimpleUploadedFile(name, data)})


def test_a_word_file_becomes_the_reporters_draft(cast, api):
    data = _docx(
        "今年以来，城关镇\t共改造老旧小区\u00a012个。", "惠及居民3200余户。", heading="城关镇推进老旧小区改造"
    )
    response = _import(api("township_reporter"), data)
    assert response.status_code == 201, response.content
    draft = response.json()
    assert draft["title"] == "城关镇推进老旧小区改造"
    assert draft["body"] == "今年以来，城关镇 共改造老旧小区 12个。\n惠及居民3200余户。"
    assert draft["status"] == "draft" and draft["author_id"] == cast.township_reporter.user.pk
    assert "submit" in draft["allowed_actions"]
    assert _audited("report.create", draft["id"]) == 1


def test_word_import_is_for_reporters(cast, api):
    response = _import(api("county_leader"), _docx("正文。", heading="标题"))
    assert response.status_code == 403 and "信息员" in response.json()["detail"]


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"\xd0\xcf\x11\xe0not a docx", 415, "not_docx"),
        (b"PK\x03\x04not a zip at all", 400, "bad_docx"),
    ],
)
def test_word_import_refuses_what_is_no_docx(cast, api, data, status, code):
    response = _import(api("township_reporter"), data, "信息.doc")
    assert response.status_code == status, response.content
    assert response.json()["code"] == code and response.json()["detail"]


def test_an_over_size_word_file_answers_413(cast, api, settings):
    settings.ATTACHMENT_MAX_MB = 1
    data = _docx("正文" * 10, heading="标题") + b"0" * (1024 * 1024)
    response = _import(api("township_reporter"), data)
    assert response.status_code == 413 and response.json()["code"] == "file_too_large"
