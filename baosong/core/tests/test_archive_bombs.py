"""Archive bombs: a small .docx or .xlsx that inflates to hundreds of megabytes, or holds thousands of
members, is refused with 413 before any reader unpacks it — as an attachment, as a Word import and as a
user import."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from baosong.core.errors import ServiceError
from baosong.orgs import imports
from baosong.reports import files, services, wordimport

CONTENT_TYPES = (
    b'<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def bomb(part: str, megabytes: int = 300) -> bytes:
    """A ZIP whose one big member is ``megabytes`` MB of zeros (about 0.1% of that once deflated)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        with z.open(part, "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
    return out.getvalue()


def many_members(part_prefix: str, count: int = 5000) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        for i in range(count):
            z.writestr(f"{part_prefix}{i}.xml", b"<x/>")
    return out.getvalue()


@pytest.fixture(scope="module")
def docx_bomb() -> bytes:
    data = bomb("word/document.xml")
    assert len(data) < 400 * 1024  # small on the wire
    return data


def test_an_attachment_that_inflates_to_300_mb_is_refused(cast: Any, docx_bomb: bytes) -> None:
    report = services.report_create(by=cast.township_reporter.user, title="城关镇防汛演练", body="演练。")
    with pytest.raises(ServiceError) as refused:
        files.attachment_add(
            report=report,
            by=cast.township_reporter.user,
            name="演练.docx",
            size=len(docx_bomb),
            data=docx_bomb,
        )
    assert (refused.value.status, refused.value.code) == (413, "archive_too_large")
    assert "压缩炸弹" in refused.value.message
    assert not report.attachments.exists()


def test_an_attachment_with_thousands_of_members_is_refused(cast: Any) -> None:
    data = many_members("word/media/image")
    with pytest.raises(ServiceError) as refused:
        files.check_upload(size=len(data), data=data)
    assert (refused.value.status, refused.value.code) == (413, "archive_too_large")


def test_the_word_import_refuses_the_bomb_before_reading_it(docx_bomb: bytes) -> None:
    with pytest.raises(ServiceError) as refused:
        wordimport.docx_to_text(docx_bomb)
    assert refused.value.code == "archive_too_large"


def test_the_word_import_page_answers_413(client_as: Any, docx_bomb: bytes) -> None:
    client = client_as("township_reporter")
    upload = io.BytesIO(docx_bomb)
    upload.name = "炸弹.docx"
    response = client.post("/reports/import-docx", {"file": upload}, HTTP_REFERER="/reports/new")
    assert response.status_code in (302, 413)
    follow = client.get("/reports/new")
    assert response.status_code == 413 or "压缩炸弹" in follow.content.decode()


def test_a_user_import_workbook_bomb_is_refused(cast: Any) -> None:
    data = bomb("xl/worksheets/sheet1.xml", megabytes=250)
    with pytest.raises(ServiceError) as refused:
        imports.import_users(by=cast.sysadmin.user, data=data, filename="人员.xlsx")
    assert refused.value.code == "archive_too_large"


def test_an_ordinary_docx_still_passes(cast: Any) -> None:
    from docx import Document

    out = io.BytesIO()
    document = Document()
    document.add_heading("城关镇开展防汛演练", level=1)
    document.add_paragraph("镇村干部和群众300余人参加。")
    document.save(out)
    data = out.getvalue()
    assert files.check_upload(size=len(data), data=data).code == "docx"
    assert wordimport.docx_to_text(data)[0] == "城关镇开展防汛演练"
