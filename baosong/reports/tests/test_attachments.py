from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from baosong.core.models import AuditEvent
from baosong.reports import files, services
from baosong.reports.models import Attachment, Report

from .conftest import ITEM

PDF = "%PDF-1.7\n1 0 obj <<>> endobj\n% 东湖区防汛演练方案 secret-plain-marker\n%%EOF\n".encode()
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def _draft(cast) -> Report:  # type: ignore[no-untyped-def]
    return services.report_create(by=cast.township_reporter.user, **ITEM)


def test_a_pdf_is_stored_encrypted_and_downloads_intact(cast, client_as, tmp_path):
    with override_settings(ATTACHMENT_ROOT=tmp_path):
        report = _draft(cast)
        client = client_as("township_reporter")
        response = client.post(
            f"/reports/{report.pk}/attachments",
            {"file": SimpleUploadedFile("演练方案.pdf", PDF, content_type="application/pdf")},
        )
        assert response.status_code == 302
        attachment = Attachment.objects.get(report=report)
        stored = next(tmp_path.rglob(attachment.stored_name)).read_bytes()
        assert b"secret-plain-marker" not in stored and PDF not in stored
        download = client.get(f"/attachments/{attachment.pk}")
        assert download.status_code == 200 and download.content == PDF
        assert download["X-Content-Type-Options"] == "nosniff"
        assert download["Content-Disposition"].startswith("attachment;")
        assert AuditEvent.objects.filter(
            event_type="attachment.download", object_id=str(attachment.pk)
        ).exists()


def test_an_exe_renamed_pdf_is_refused(cast, client_as, tmp_path):
    with override_settings(ATTACHMENT_ROOT=tmp_path):
        report = _draft(cast)
        response = client_as("township_reporter").post(
            f"/reports/{report.pk}/attachments", {"file": SimpleUploadedFile("通知.pdf", EXE)}, follow=True
        )
        assert "不支持的文件类型" in response.content.decode()
        assert not Attachment.objects.filter(report=report).exists()
        assert not list(tmp_path.rglob("*"))


@override_settings(ATTACHMENT_MAX_MB=1)
def test_a_file_over_the_limit_is_refused_with_a_clear_error(cast, client_as, tmp_path):
    with override_settings(ATTACHMENT_ROOT=tmp_path):
        report = _draft(cast)
        big = PDF + b"0" * (1024 * 1024 + 10)
        response = client_as("township_reporter").post(
            f"/reports/{report.pk}/attachments", {"file": SimpleUploadedFile("大文件.pdf", big)}, follow=True
        )
        assert "不能超过 1 MB" in response.content.decode()
        assert not Attachment.objects.filter(report=report).exists()


def test_cross_unit_download_is_404(cast, client_as, tmp_path):
    with override_settings(ATTACHMENT_ROOT=tmp_path):
        report = _draft(cast)
        attachment = files.attachment_add(
            report=report, by=cast.township_reporter.user, name="a.pdf", size=len(PDF), data=PDF
        )
        assert client_as("outsider_editor").get(f"/attachments/{attachment.pk}").status_code == 404
        assert client_as("outsider_township_reporter").get(f"/attachments/{attachment.pk}").status_code == 404


def test_office_files_are_recognised_by_content(tmp_path):
    from docx import Document

    buf = io.BytesIO()
    Document().save(buf)
    data = buf.getvalue()
    assert files.detect_kind(data[:16], data).code == "docx"
    assert files.detect_kind(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 8, b"").code == "ole"
    assert files.detect_kind(EXE[:16], EXE) is None
    assert files.detect_kind(b"PK\x03\x04garbage", b"PK\x03\x04garbage") is None


def test_word_import_makes_a_draft(cast, client_as):
    from docx import Document

    document = Document()
    document.add_heading("东湖区城关镇推进老旧小区改造", level=1)
    document.add_paragraph("今年以来，城关镇\t共改造老旧小区\u00a012个。")
    document.add_paragraph("")
    document.add_paragraph("惠及居民3200余户。")
    buf = io.BytesIO()
    document.save(buf)
    response = client_as("township_reporter").post(
        "/reports/import-docx", {"file": SimpleUploadedFile("信息.docx", buf.getvalue())}
    )
    assert response.status_code == 302
    report = Report.objects.get(title="东湖区城关镇推进老旧小区改造")
    assert report.body == "今年以来，城关镇 共改造老旧小区 12个。\n惠及居民3200余户。"
    assert report.status == "draft" and report.author == cast.township_reporter.user


def test_word_import_refuses_a_non_docx(cast, client_as):
    response = client_as("township_reporter").post(
        "/reports/import-docx",
        {"file": SimpleUploadedFile("信息.doc", b"\xd0\xcf\x11\xe0not a docx")},
        follow=True,
    )
    assert ".docx" in response.content.decode()


def test_external_adoption_with_evidence_file(cast, client_as, tmp_path):
    from baosong.reports.models import ExternalAdoption, Submission

    with override_settings(ATTACHMENT_ROOT=tmp_path):
        report = _draft(cast)
        services.report_submit(report=report, by=cast.township_reporter.user)
        services.report_approve(report=report, by=cast.township_reviewer.user)
        sub = Submission.objects.get(report=report)
        editor = client_as("county_editor")
        editor.post(
            f"/inbox/{sub.pk}/external",
            {
                "publication_name": "省政府《每日要情》",
                "level": "province",
                "date": "2026-11-01",
                "evidence": SimpleUploadedFile("要情.pdf", PDF),
            },
        )
        adoption = ExternalAdoption.objects.get(report=report)
        assert adoption.evidence_stored and adoption.level == "province"
        assert editor.get(f"/external-adoptions/{adoption.pk}/evidence").content == PDF
        assert (
            client_as("township_reporter").get(f"/external-adoptions/{adoption.pk}/evidence").status_code
            == 200
        )
        assert (
            client_as("outsider_editor").get(f"/external-adoptions/{adoption.pk}/evidence").status_code == 404
        )


@override_settings(ATTACHMENT_MAX_MB=1)
def test_an_over_size_word_file_is_refused_with_the_limit_not_read_as_damaged(cast, client_as):
    response = client_as("township_reporter").post(
        "/reports/import-docx",
        {"file": SimpleUploadedFile("信息.docx", b"PK\x03\x04" + b"0" * (1024 * 1024 + 10))},
        HTTP_REFERER="/reports/new",
        follow=True,
    )
    assert "不能超过 1 MB" in response.content.decode()
    assert not Report.objects.filter(author=cast.township_reporter.user).exists()
