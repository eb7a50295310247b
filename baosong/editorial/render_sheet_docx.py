"""The 政务信息报送审核表 as DOCX, for offices that file or amend the form in Word or WPS.

The same sheet as the PDF (``render_pdf.review_sheet_html``): A4, margins 22/20/24/20 mm, a 小标宋
title, the form table (标题, 报送单位, 撰稿人, 类别, 时间, 信息内容) and the 审核流转记录 table whose header
row repeats on every page, "第 1 页　共 2 页" at the foot. Sizes and column shares are the print
stylesheet's, so the sheet takes the pages the PDF takes in Word, WPS and LibreOffice alike.
"""

from __future__ import annotations

from typing import Any

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from baosong.editorial import render_docx as issue_docx
from baosong.editorial.document import FONT_BODY, FONT_HEADING, FONT_TITLE, ReviewSheet, TemplateStyle
from baosong.editorial.render_pdf import local_time

SHEET_TITLE = "政务信息报送审核表"
MARGINS_MM = (22, 20, 24, 20)  # top, right, bottom, left — the print stylesheet's @page review
TEXT_WIDTH_MM = 210 - 20 - 20
SIZE_TITLE = 22.0
SIZE_FORM = 12.0
SIZE_ITEM_TITLE = 14.0
SIZE_CONTENT = 11.0
SIZE_STEPS = 10.5
FORM_SHARES = (15, 19, 14, 18, 14, 20)  # per cent of the width, as the PDF's colgroup
STEP_SHARES = (15, 12, 25, 22, 26)  # 经办人 on one line; the time column never wraps
HEADER_FILL = "F2F2F2"


def render_review_sheet_docx(sheet: ReviewSheet) -> bytes:
    document = Document()
    issue_docx._set_up_defaults(document, TemplateStyle())
    _set_up_page(document)
    _add_page_count_footer(document)

    title = document.add_paragraph()
    issue_docx._plain(title, WD_ALIGN_PARAGRAPH.CENTER, line=Pt(SIZE_TITLE * 1.3))
    title.paragraph_format.space_after = Mm(3)
    issue_docx._no_grid(title)
    run = title.add_run(SHEET_TITLE)
    issue_docx._style_run(run, FONT_TITLE, SIZE_TITLE, bold=True)
    issue_docx._character_spacing(run, SIZE_TITLE * 0.1)

    _add_form(document, sheet)

    heading = document.add_paragraph()
    issue_docx._plain(heading, WD_ALIGN_PARAGRAPH.LEFT, line=Pt(SIZE_ITEM_TITLE * 1.5))
    heading.paragraph_format.space_before = Mm(6)
    heading.paragraph_format.space_after = Mm(2)
    heading.paragraph_format.keep_with_next = True
    issue_docx._no_grid(heading)
    issue_docx._style_run(heading.add_run("审核流转记录"), FONT_HEADING, SIZE_ITEM_TITLE, bold=True)

    _add_steps(document, sheet)

    note = document.add_paragraph()
    issue_docx._plain(note, WD_ALIGN_PARAGRAPH.RIGHT, line=Pt(SIZE_STEPS * 1.5))
    note.paragraph_format.space_before = Mm(5)
    issue_docx._no_grid(note)
    issue_docx._style_run(note.add_run("本表由政务信息报送平台生成"), FONT_BODY, SIZE_STEPS)

    return issue_docx.document_bytes(document, title=f"{SHEET_TITLE} {sheet.title}", author=sheet.unit)


def _set_up_page(document: Any) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    top, right, bottom, left = MARGINS_MM
    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    section.footer_distance = Mm(bottom - 6 - 4)


def _add_page_count_footer(document: Any) -> None:
    """第 1 页　共 2 页, centred, 10 pt 宋体: PAGE and NUMPAGES fields that Word, WPS and LibreOffice fill."""
    footer = document.sections[0].footer
    footer.is_linked_to_previous = False
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    issue_docx._plain(paragraph, WD_ALIGN_PARAGRAPH.CENTER, line=Pt(14))
    issue_docx._no_grid(paragraph)
    for kind, text in (
        ("text", "第 "),
        ("PAGE", "1"),
        ("text", " 页　共 "),
        ("NUMPAGES", "1"),
        ("text", " 页"),
    ):
        if kind == "text":
            issue_docx._style_run(paragraph.add_run(text), issue_docx.PAGE_NUMBER_FONT, 10)
        else:
            issue_docx.add_field(paragraph, kind, text, issue_docx.PAGE_NUMBER_FONT, 10)


def _twips(shares: tuple[int, ...]) -> list[int]:
    total = round(TEXT_WIDTH_MM / 25.4 * 1440)
    widths = [round(total * share / sum(shares)) for share in shares]
    widths[-1] += total - sum(widths)
    return widths


def _table(document: Any, rows: int, shares: tuple[int, ...], outer_eighths: int) -> tuple[Any, list[int]]:
    el = issue_docx._el
    widths = _twips(shares)
    table = document.add_table(rows=rows, cols=len(shares))
    tbl_pr = table._tbl.tblPr
    for child in list(tbl_pr):
        tbl_pr.remove(child)
    tbl_pr.append(el("w:tblW", w=str(sum(widths)), type="dxa"))
    tbl_pr.append(el("w:jc", val="center"))
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right"):
        borders.append(el(f"w:{edge}", val="single", sz=str(outer_eighths), space="0", color="000000"))
    for edge in ("insideH", "insideV"):
        borders.append(el(f"w:{edge}", val="single", sz="6", space="0", color="000000"))
    tbl_pr.append(borders)
    tbl_pr.append(el("w:tblLayout", type="fixed"))
    margins = OxmlElement("w:tblCellMar")
    for edge, mm in (("top", 1.8), ("left", 2.5), ("bottom", 1.8), ("right", 2.5)):
        margins.append(el(f"w:{edge}", w=str(issue_docx._twips_mm(mm)), type="dxa"))
    tbl_pr.append(margins)
    for grid_col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), widths, strict=True):
        grid_col.set(qn("w:w"), str(width))
    for row in table.rows:
        row._tr.get_or_add_trPr().append(el("w:cantSplit"))
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Pt(width / 20)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    return table, widths


def _write(cell: Any, text: str, *, font: str, size: float, header: bool = False, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    issue_docx._plain(
        paragraph, WD_ALIGN_PARAGRAPH.CENTER if header else WD_ALIGN_PARAGRAPH.LEFT, line=Pt(size * 1.5)
    )
    issue_docx._no_grid(paragraph)
    if text:
        issue_docx._style_run(paragraph.add_run(text), font, size, bold=bold or header)
    if header:
        issue_docx.shade_cell(cell, HEADER_FILL)


def _add_form(document: Any, sheet: ReviewSheet) -> None:
    table, _ = _table(document, 6, FORM_SHARES, 12)
    rows = table.rows

    def label(row: int, col: int, text: str) -> None:
        _write(rows[row].cells[col], text, font=FONT_HEADING, size=SIZE_FORM, header=True)

    def value(row: int, first: int, last: int, text: str, **kwargs: Any) -> Any:
        cell = rows[row].cells[first]
        if last > first:
            cell = cell.merge(rows[row].cells[last])
        _write(cell, text, font=kwargs.pop("font", FONT_BODY), size=kwargs.pop("size", SIZE_FORM), **kwargs)
        return cell

    label(0, 0, "信息标题")
    value(0, 1, 5, sheet.title, font=FONT_HEADING, size=SIZE_ITEM_TITLE, bold=True)
    label(1, 0, "报送单位")
    value(1, 1, 5, sheet.unit)
    label(2, 0, "撰 稿 人")
    value(2, 1, 2, sheet.author)
    label(2, 3, "联系电话")
    value(2, 4, 5, sheet.author_phone)
    label(3, 0, "信息类别")
    value(3, 1, 1, sheet.category)
    label(3, 2, "紧急程度")
    value(3, 3, 3, sheet.urgency)
    label(3, 4, "公开属性")
    value(3, 5, 5, sheet.public_scope)
    label(4, 0, "创建时间")
    value(4, 1, 2, local_time(sheet.created))
    label(4, 3, "报出时间")
    value(4, 4, 5, local_time(sheet.sent))
    label(5, 0, "信息内容")
    content = rows[5].cells[1].merge(rows[5].cells[5])
    content.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    paragraphs = [p.strip() for p in sheet.paragraphs if p.strip()] or ["（无正文）"]
    # The long text may run over a page: only this row may split.
    rows[5]._tr.trPr.remove(rows[5]._tr.trPr.find(qn("w:cantSplit")))
    for index, text in enumerate(paragraphs):
        paragraph = content.paragraphs[0] if index == 0 else content.add_paragraph()
        issue_docx._plain(paragraph, WD_ALIGN_PARAGRAPH.JUSTIFY, line=Pt(SIZE_CONTENT * 1.5))
        issue_docx._no_grid(paragraph)
        paragraph.paragraph_format.first_line_indent = Pt(2 * SIZE_CONTENT)
        issue_docx._style_run(paragraph.add_run(text), FONT_BODY, SIZE_CONTENT)


def _add_steps(document: Any, sheet: ReviewSheet) -> None:
    headers = ("环节", "经办人", "单位", "时间", "意见")
    table, _ = _table(document, 1 + max(len(sheet.steps), 1), STEP_SHARES, 12)
    header = table.rows[0]
    header._tr.get_or_add_trPr().append(issue_docx._el("w:tblHeader"))  # repeats on every page
    for cell, text in zip(header.cells, headers, strict=True):
        _write(cell, text, font=FONT_HEADING, size=SIZE_FORM, header=True)
    if not sheet.steps:
        cell = table.rows[1].cells[0].merge(table.rows[1].cells[4])
        _write(cell, "（暂无记录）", font=FONT_BODY, size=SIZE_STEPS)
        return
    for row, step in zip(table.rows[1:], sheet.steps, strict=True):
        texts = (step.label, step.person, step.unit, local_time(step.time), step.opinion)
        for cell, text in zip(row.cells, texts, strict=True):
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
            _write(cell, text, font=FONT_BODY, size=SIZE_STEPS)
