"""The issue as documents, downloaded as a reader would: DOCX (python-docx) and PDF (pdftotext), plus the
政务信息报送审核表 of one item."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from typing import Any

import docx
import pytest
from django.utils import timezone
from docx.shared import Length

from baosong.core.models import AuditEvent
from baosong.editorial import services
from baosong.editorial.models import Issue

from .conftest import adopted_at_county

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")


def signed_issue(cast: Any, issue: Issue, count: int = 3) -> Issue:
    subs = [adopted_at_county(cast, f"城关镇第{i + 1}项重点工作取得进展") for i in range(count)]
    items = services.issue_item_add(
        issue=issue, by=cast.county_editor.user, submission_ids=[s.pk for s in subs]
    )
    services.issue_item_edit(item=items[0], by=cast.county_editor.user, editor_note="此做法值得各地借鉴。")
    services.issue_submit(issue=issue, by=cast.county_editor.user)
    return services.issue_sign(issue=issue, by=cast.county_chief.user)


def pdf_text(data: bytes, *args: str) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        return subprocess.run(
            ["pdftotext", *args, f.name, "-"], capture_output=True, text=True, check=True
        ).stdout


def pdf_pages(data: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_the_docx_holds_the_bulletin_on_gbt9704_measurements(cast, new_issue, client_as):
    issue = signed_issue(cast, new_issue)
    response = client_as("county_editor").get(f"/issues/{issue.pk}/document.docx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.left_margin.mm)) == (37, 28)
    assert round(Length(section.page_width - section.left_margin - section.right_margin).mm) == 156
    assert round(Length(section.page_height - section.top_margin - section.bottom_margin).mm) == 225
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(c.text for t in document.tables for row in t.rows for c in row.cells)
    today = timezone.localdate()
    for expected in [
        "东湖政务信息",
        "第21期（总第157期）",
        f"{today.year}年{today.month}月{today.day}日",
        "东湖区人民政府办公室",
        "城关镇第1项重点工作取得进展",
        "城关镇第3项重点工作取得进展",
        "编者按",
        "报：临江市人民政府办公室",
        "送：徐国强，区委办公室",
        "发：东湖区城关镇，东湖区新桥镇",
        "共印60份",
        "内部资料",
    ]:
        assert expected in text, expected
    assert AuditEvent.objects.filter(event_type="issue.download", object_id=str(issue.pk)).exists()


@needs_poppler
def test_the_pdf_holds_the_same_and_has_the_pages_its_length_needs(cast, new_issue, client_as):
    issue = signed_issue(cast, new_issue, count=1)
    response = client_as("county_editor").get(f"/issues/{issue.pk}/document.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    for expected in [
        "东湖政务信息",
        "第21期（总第157期）",
        "东湖区人民政府办公室",
        "城关镇第1项重点工作取得进展",
        "共印60份",
    ]:
        assert expected in text.replace(" ", ""), expected
    assert pdf_pages(response.content) == 1  # masthead, one short item and the closing block


@needs_poppler
def test_a_long_issue_runs_over_the_pages_22_lines_of_28_characters_give(cast, county_pub):
    from baosong.editorial.render_pdf import render_issue_pdf
    from baosong.editorial.selectors import issue_document

    issue = services.issue_create(by=cast.county_editor.user, publication=county_pub)
    # Eight items of 616 characters each: 22 lines × 28 characters is one page of body text per item.
    body = (
        "\n".join(["全镇干部群众齐心协力推进重点工作，" * 11][:1])[:308]
        + "\n"
        + ("各项任务均按计划推进落实到位。" * 21)[:308]
    )
    for i in range(8):
        sub = adopted_at_county(cast, f"长篇信息{i + 1}", body=body)
        services.issue_item_add(issue=issue, by=cast.county_editor.user, submission_ids=[sub.pk])
    pages = pdf_pages(render_issue_pdf(issue_document(issue)))
    assert 8 <= pages <= 12, pages


@needs_poppler
def test_the_review_sheet_lists_each_step_with_person_time_and_opinion(cast, client_as):
    sub = adopted_at_county(cast, "审核表测试信息")
    response = client_as("township_reporter").get(f"/reports/{sub.report_id}/review-sheet.pdf")
    assert response.status_code == 200
    text = pdf_text(response.content, "-layout").replace(" ", "")
    for expected in ["政务信息报送审核表", "审核表测试信息", "东湖区城关镇", "胡静", "郭强", "黄海燕"]:
        assert expected in text, expected
    assert client_as("outsider_reporter").get(f"/reports/{sub.report_id}/review-sheet.pdf").status_code == 404


def test_the_review_sheet_downloads_as_docx_for_whoever_may_see_the_item(cast, client_as):
    sub = adopted_at_county(cast, "审核表测试信息")
    response = client_as("township_reporter").get(f"/reports/{sub.report_id}/review-sheet.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert ".docx" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    text = "".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    for expected in ["审核表测试信息", "东湖区城关镇", "胡静", "郭强", "黄海燕"]:
        assert expected in text, expected
    event = AuditEvent.objects.filter(event_type="report.review_sheet").latest("seq")
    assert event.details == {"format": "docx"}
    assert (
        client_as("outsider_reporter").get(f"/reports/{sub.report_id}/review-sheet.docx").status_code == 404
    )


def test_a_withdrawn_issue_shows_as_withdrawn_in_its_documents(cast, new_issue, client_as):
    issue = signed_issue(cast, new_issue, count=1)
    services.issue_withdraw(issue=issue, by=cast.county_chief.user, reason="数据有误")
    document = docx.Document(
        io.BytesIO(client_as("county_editor").get(f"/issues/{issue.pk}/document.docx").content)
    )
    text = "\n".join(p.text for p in document.paragraphs)
    assert "撤回" in text and "第21期" in text


def test_the_api_serves_both_documents(cast, new_issue, api):
    issue = signed_issue(cast, new_issue, count=1)
    client = api("county_editor")
    assert client.get(f"/api/v1/issues/{issue.pk}/document.docx").content[:2] == b"PK"
    assert client.get(f"/api/v1/issues/{issue.pk}/document.pdf").content[:4] == b"%PDF"
    assert client.get(f"/api/v1/issues/{issue.pk}/document.odt").status_code == 404
    assert api("outsider_editor").get(f"/api/v1/issues/{issue.pk}/document.pdf").status_code == 404
