"""A 通报 (the periodic ranking bulletin of government information work) as DOCX and PDF.

The bulletin is printed in the same 简报 layout as the issues (GB/T 9704-2012: A4, margins 37/26/35/28 mm,
a 156 × 225 mm text block, red masthead and rule, page numbers "— 1 —", the 报/送/发 block at the foot of
the last page), so both renderers build on the issue renderers in ``baosong.editorial``: the masthead,
title, page set-up, fonts and closing block come from there, through an ``IssueDocument`` that carries the
bulletin's masthead, number, unit, date, title and distribution. What is the bulletin's own is the ranked
tables: 10–14 columns must fit the 156 mm text block without a unit's name wrapping, so one column layout
(type size and column widths, see ``table_layout``) is computed here and drawn identically by both.

The input is the plain ``BulletinDocument``; nothing here touches the database.
"""

from __future__ import annotations

import copy
import math
import re
from dataclasses import dataclass
from typing import Any

from django.template.loader import render_to_string
from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt

from baosong.core.ofd import pdf_to_ofd
from baosong.editorial import render_docx as issue_docx
from baosong.editorial import render_pdf as issue_pdf
from baosong.editorial.document import (
    FONT_BODY,
    FONT_HEADING,
    FONT_KAI,
    DistributionLine,
    IssueDocument,
    TemplateStyle,
)
from baosong.scoring.document import BulletinDocument, BulletinTable

# A 通报's masthead is smaller than a 简报's 42 pt name: about 36 pt 小标宋, still spaced out in red.
BULLETIN_STYLE = TemplateStyle(masthead_size_pt=36.0)
TITLE_LINE_CHARS = 18  # a 2号 title line holds 20 characters; keep one free on each side
# A two-line title breaks before the words that close a 通报's title when that keeps the lines balanced
# (关于2026年5月全市政务信息 / 工作情况的通报), rather than in the middle of a word.
_TITLE_BREAK_WORDS = ("工作情况", "情况的通报", "的通报")
KEEP_TOGETHER_ROWS = 12  # a table this short is not split across pages

# Vertical spacing, the figures of bulletin.css (keep the two in step).
HEADLINE_AFTER_MM = 4
TABLE_GAP_MM = 4
TABLE_HEADING_AFTER_MM = 1.5
SECTION_GAP_MM = 3

DRAFT_MARK = "未发布稿"
HIGHLIGHTS_HEADING = "工作亮点与问题"
REMARKS_HEADING = "有关说明"  # the page's 说明 box, printed under this heading
_NUMERALS = "一二三四五六七八九十"

# Table type: 小四 (12 pt) when the columns allow, down to 五号 (10.5 pt) for the 13–14 columns of the
# unit ranking; smaller only when even that cannot hold the longest unit name on one line.
TABLE_SIZES_PT = (12.0, 11.0, 10.5, 10.0, 9.5)
TABLE_LINE_HEIGHT = 1.3  # times the type size
CELL_PADDING_PT = 1.0  # left and right, inside each cell's borders (figures are centred in wider cells)
RULE_ALLOWANCE_PT = 0.5  # the share of the 0.5 pt rules a column loses
CELL_PADDING_V_PT = 2.8  # top and bottom
HEADER_MAX_LINES = 3  # a header such as 国家级采用 may wrap into up to three short lines
NOTE_SIZE_PT = 12.0  # 小四 楷体 for a table's note
HEADER_FILL = "E7E6E6"  # the light grey under the header row

# A table title numbered like a 公文 heading (一、…) is set as one: 黑体 3号 at the left, indented two
# characters; an unnumbered one is a centred caption.
_NUMBERED_HEADING = re.compile(r"^[一二三四五六七八九十]+、")

# Cells that are figures (counts, rates, points, "3/4", a dash for none) are centred.
_NUMERIC = re.compile(r"^[-+−]?[\d.,/]+%?$|^[-—–/]$")


# ---------------------------------------------------------------------------------------------------------
# What both renderers share


@dataclass(frozen=True)
class TableLayout:
    headers: list[str]
    rows: list[list[str]]  # padded to the column count
    size_pt: float  # type size of header and body
    widths_pt: list[float]  # one per column; together the text block's width
    numeric: list[bool]  # centred figures (and the rank) rather than left-aligned text


def _em_width(text: str) -> float:
    """Width in ems of ``text`` in the CJK faces: Noto's Latin glyphs as measured, rounded up (仿宋_GB2312's
    are narrower, 0.5 em), so what fits in the PDF fits in Word too."""
    width = 0.0
    for ch in text:
        if ord(ch) >= 0x2000:
            width += 1.0
        elif ch.isdigit():
            width += 0.57
        elif ch == "%":
            width += 0.95
        elif ch in ".,:;/-+ ":
            width += 0.36
        else:
            width += 0.7
    return width


def table_layout(table: BulletinTable, *, width_pt: float = issue_pdf.TEXT_BLOCK_WIDTH_PT) -> TableLayout:
    """The largest type size and the fewest header lines at which every cell's content fits its column on
    one line, with the spare width shared out; if nothing fits even at the smallest size, the widest text
    column (the unit's name) takes what is left and wraps."""
    count = max([len(table.headers), *(len(row) for row in table.rows), 1])
    headers = [*table.headers, *[""] * (count - len(table.headers))]
    rows = [[*row, *[""] * (count - len(row))] for row in table.rows]
    columns = [[row[j].strip() for row in rows] for j in range(count)]
    numeric = [
        j == 0 or (any(columns[j]) and all(_NUMERIC.match(c) for c in columns[j] if c)) for j in range(count)
    ]

    def needs(size: float, header_lines: int) -> list[float]:
        result = []
        for j in range(count):
            body = max((_em_width(c) for c in columns[j]), default=0.0)
            # A header wraps into short lines (a narrow 排名 or 批示 is set one character a line, as
            # printed statistical tables do) rather than shrinking the body type.
            header = math.ceil(_em_width(headers[j].strip()) / header_lines)
            # 0.1 em of slack for kerning and for a face whose figures run a little wider.
            content = max(body + 0.1, header, 1.5) * size
            result.append(content + 2 * CELL_PADDING_PT + RULE_ALLOWANCE_PT)
        return result

    for size in TABLE_SIZES_PT:
        for header_lines in range(1, HEADER_MAX_LINES + 1):
            widths = needs(size, header_lines)
            total = sum(widths)
            if total <= width_pt:
                # Spare width shared equally: it helps the tight figure columns more than the name.
                widths = [w + (width_pt - total) / count for w in widths]
                return TableLayout(headers, rows, size, widths, numeric)

    size = TABLE_SIZES_PT[-1]
    widths = needs(size, HEADER_MAX_LINES)
    text_columns = [j for j in range(count) if not numeric[j]] or list(range(count))
    widest = max(text_columns, key=lambda j: widths[j])
    others = sum(widths) - widths[widest]
    widths[widest] = max(width_pt - others, 3 * size + 2 * CELL_PADDING_PT)
    total = sum(widths)
    widths = [w * width_pt / total for w in widths]
    return TableLayout(headers, rows, size, widths, numeric)


def bulletin_title_lines(title: str) -> list[str]:
    """The title's lines as the issues break a headline, but a two-line title breaks before 工作情况 /
    的通报 when that still gives balanced lines."""
    lines = issue_pdf.title_lines(title, max_chars=TITLE_LINE_CHARS)
    if len(lines) != 2:
        return lines
    text = "".join(lines)
    total = _em_width(text)
    best: tuple[float, list[str]] | None = None
    for word in _TITLE_BREAK_WORDS:
        at = text.rfind(word)
        if at <= 0:
            continue
        left, right = text[:at], text[at:]
        if max(_em_width(left), _em_width(right)) > TITLE_LINE_CHARS:
            continue
        if min(_em_width(left), _em_width(right)) < 0.3 * total:
            continue
        score = abs(_em_width(left) - _em_width(right))
        if best is None or score < best[0]:
            best = (score, [left, right])
    return best[1] if best else lines


def section_headings(doc: BulletinDocument) -> tuple[str, str]:
    """(highlights heading, remarks heading), numbered on from the tables' 一、二、 when those are numbered,
    so the 通报's first-level headings run in one sequence."""
    numbered = sum(1 for t in doc.tables if _NUMBERED_HEADING.match(t.title.strip()))
    if not numbered:
        return HIGHLIGHTS_HEADING, REMARKS_HEADING
    headings = []
    n = numbered
    for heading, present in (
        (HIGHLIGHTS_HEADING, bool(_paragraphs(doc.highlights))),
        (REMARKS_HEADING, True),
    ):
        if present and n < len(_NUMERALS):
            heading = f"{_NUMERALS[n]}、{heading}"
            n += 1
        headings.append(heading)
    return headings[0], headings[1]


def _note_text(note: str) -> str:
    note = note.strip()
    if note and not note.startswith("注"):
        note = f"注：{note}"
    return note


def _paragraphs(texts: list[str]) -> list[str]:
    return [t.strip() for t in texts if t.strip()]


def _as_issue(doc: BulletinDocument) -> IssueDocument:
    """The bulletin's masthead, title and distribution in the shape the issue renderers draw."""
    return IssueDocument(
        publication_name=doc.masthead,
        number_text=doc.number_text,
        issuing_unit=doc.issuing_unit,
        date=doc.date,
        style=BULLETIN_STYLE,
        columns=[],
        headline=doc.title,
        distribution=[DistributionLine(label, list(names)) for label, names in doc.distribution],
    )


# ---------------------------------------------------------------------------------------------------------
# PDF (WeasyPrint, through the issue's print stylesheet)


def _table_context(table: BulletinTable) -> dict[str, Any]:
    layout = table_layout(table)
    total = sum(layout.widths_pt)

    def cls(j: int) -> str:
        return "num" if layout.numeric[j] else "text"

    return {
        "title": table.title.strip(),
        "numbered": bool(_NUMBERED_HEADING.match(table.title.strip())),
        "note": _note_text(table.note),
        "keep": len(layout.rows) <= KEEP_TOGETHER_ROWS,
        # Strings, so localized number formatting in templates can never write "10,5pt".
        "size": f"{layout.size_pt:.2f}",
        "widths": [f"{100 * w / total:.4f}" for w in layout.widths_pt],
        "headers": layout.headers,
        "rows": [[{"text": cell, "cls": cls(j)} for j, cell in enumerate(row)] for row in layout.rows],
    }


def bulletin_html(doc: BulletinDocument) -> str:
    """The bulletin as one self-contained HTML document for WeasyPrint (the template autoescapes)."""
    context = issue_pdf.issue_context(_as_issue(doc))
    context.update(
        {
            "bulletin": doc,
            "draft_mark": DRAFT_MARK,
            "title_lines": bulletin_title_lines(doc.title),
            "intro": _paragraphs(doc.intro),
            "tables": [_table_context(t) for t in doc.tables],
            "highlights_heading": section_headings(doc)[0],
            "highlights": _paragraphs(doc.highlights),
            "remarks_heading": section_headings(doc)[1],
            "remarks": _paragraphs(doc.remarks),
            "cell_padding": f"{CELL_PADDING_V_PT:.2f}pt {CELL_PADDING_PT:.2f}pt",
            "table_line_height": f"{TABLE_LINE_HEIGHT:.2f}",
            "header_fill": f"#{HEADER_FILL}",
        }
    )
    return render_to_string("scoring/print/bulletin.html", context)


def render_bulletin_pdf(doc: BulletinDocument) -> bytes:
    """The printable PDF of a bulletin (A4, fonts embedded, nothing fetched from the network)."""
    return issue_pdf.html_to_pdf(bulletin_html(doc))


def render_bulletin_ofd(doc: BulletinDocument) -> bytes:
    """The OFD of a bulletin: its PDF's pages re-expressed by ``core.ofd``, as an issue's OFD is."""
    return pdf_to_ofd(render_bulletin_pdf(doc), title=doc.title, author=doc.issuing_unit, created=doc.date)


# ---------------------------------------------------------------------------------------------------------
# DOCX (python-docx, through the issue's DOCX helpers)


def render_bulletin_docx(doc: BulletinDocument) -> bytes:
    """The bulletin as DOCX bytes for Word or WPS: the issue's page, masthead and 版记, with real tables
    whose header rows repeat on every page and whose rows never split."""
    issue = _as_issue(doc)
    document = Document()
    issue_docx._set_up_defaults(document, BULLETIN_STYLE)
    issue_docx._set_up_page(document)
    issue_docx._add_page_numbers(document)

    if doc.draft:
        _add_draft_marks(document)
    issue_docx._add_masthead(document, issue)
    if doc.title:
        issue_docx._add_headline(
            document, bulletin_title_lines(doc.title), BULLETIN_STYLE, after_mm=HEADLINE_AFTER_MM
        )

    for text in _paragraphs(doc.intro):
        _add_body_paragraph(document, text, FONT_BODY)
    for table in doc.tables:
        _add_table(document, table)
    if _paragraphs(doc.highlights):
        _add_heading(document, section_headings(doc)[0], before=Mm(SECTION_GAP_MM))
        for text in _paragraphs(doc.highlights):
            _add_body_paragraph(document, text, FONT_BODY)
    if _paragraphs(doc.remarks):
        _add_heading(document, section_headings(doc)[1], before=Mm(SECTION_GAP_MM))
        for text in _paragraphs(doc.remarks):
            _add_body_paragraph(document, text, FONT_KAI)

    issue_docx._add_closing_block(document, issue)

    return issue_docx.document_bytes(
        document, title=doc.title or f"{doc.masthead} {doc.number_text}".strip(), author=doc.issuing_unit
    )


def _add_draft_marks(document: Any) -> None:
    """未发布稿 in red 黑体: at the top left of the first page's text, and in the header of every later page
    (the first page gets its own header, empty, and a copy of the odd pages' page-number footer)."""
    red = issue_docx._masthead_rgb(BULLETIN_STYLE)
    paragraph = document.add_paragraph()
    issue_docx._plain(paragraph, WD_ALIGN_PARAGRAPH.LEFT)
    issue_docx._style_run(paragraph.add_run(DRAFT_MARK), FONT_HEADING, issue_docx.SIZE_3, color=red)

    section = document.sections[0]
    section.different_first_page_header_footer = True
    first_footer = section.first_page_footer
    first_footer.is_linked_to_previous = False
    for old in list(first_footer._element):
        first_footer._element.remove(old)
    for block in section.footer._element:
        first_footer._element.append(copy.deepcopy(block))
    # Odd and even pages have their own headers (the page numbers alternate sides).
    for header in (section.header, section.even_page_header):
        header.is_linked_to_previous = False
        line = header.paragraphs[0] if header.paragraphs else header.add_paragraph()
        issue_docx._plain(line, WD_ALIGN_PARAGRAPH.LEFT)
        issue_docx._no_grid(line)
        issue_docx._style_run(line.add_run(DRAFT_MARK), FONT_HEADING, issue_docx.SIZE_4, color=red)


def _add_body_paragraph(document: Any, text: str, font: str) -> None:
    paragraph = document.add_paragraph()
    issue_docx._body_format(paragraph)
    issue_docx._style_run(paragraph.add_run(text), font, issue_docx.SIZE_3)


def _add_heading(document: Any, text: str, *, before: Length, after: Length | None = None) -> None:
    """A first-level heading of the 公文 kind: 黑体 3号, indented two characters like the body."""
    paragraph = document.add_paragraph()
    issue_docx._plain(paragraph, WD_ALIGN_PARAGRAPH.LEFT)
    paragraph.paragraph_format.first_line_indent = Pt(2 * issue_docx.SIZE_3)
    paragraph.paragraph_format.space_before = before
    if after is not None:
        paragraph.paragraph_format.space_after = after
    paragraph.paragraph_format.keep_with_next = True
    issue_docx._style_run(paragraph.add_run(text), FONT_HEADING, issue_docx.SIZE_3, bold=True)


def _add_table(document: Any, table: BulletinTable) -> None:
    layout = table_layout(table)
    size = layout.size_pt

    # The block's 4 mm of air above it: on its title, or on an empty paragraph when it has none (Word
    # also needs a paragraph between two tables, or it joins them).
    text = table.title.strip()
    if _NUMBERED_HEADING.match(text):
        _add_heading(document, text, before=Mm(TABLE_GAP_MM), after=Mm(TABLE_HEADING_AFTER_MM))
    else:
        title = document.add_paragraph()
        issue_docx._plain(title, WD_ALIGN_PARAGRAPH.CENTER, line=issue_docx.LINE_PITCH if text else Pt(1))
        title.paragraph_format.space_before = Mm(TABLE_GAP_MM)
        title.paragraph_format.keep_with_next = True
        issue_docx._no_grid(title)
        if text:
            issue_docx._style_run(title.add_run(text), FONT_HEADING, issue_docx.SIZE_3, bold=True)

    keep = len(layout.rows) <= KEEP_TOGETHER_ROWS
    grid = document.add_table(rows=1 + len(layout.rows), cols=len(layout.widths_pt))
    twips = _column_twips(layout.widths_pt)
    _format_data_table(grid, twips)

    for i, row in enumerate(grid.rows):
        header = i == 0
        _format_row(row, header=header, size=size)
        texts = layout.headers if header else layout.rows[i - 1]
        for j, (cell, text) in enumerate(zip(row.cells, texts, strict=True)):
            _format_cell(cell, twips[j], header=header)
            paragraph = cell.paragraphs[0]
            centred = header or layout.numeric[j]
            issue_docx._plain(paragraph, WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT)
            paragraph.paragraph_format.line_spacing = Pt(round(size * TABLE_LINE_HEIGHT, 1))
            # The header stays with the first body row; a short table stays on one page.
            paragraph.paragraph_format.keep_with_next = header or (keep and i < len(layout.rows))
            issue_docx._no_grid(paragraph)  # the 28-character grid would space 五号 text out to 3号
            if text.strip():
                issue_docx._style_run(
                    paragraph.add_run(text.strip()), FONT_HEADING if header else FONT_BODY, size
                )

    note = _note_text(table.note)
    after = document.add_paragraph()
    issue_docx._plain(after, WD_ALIGN_PARAGRAPH.JUSTIFY, line=Pt(NOTE_SIZE_PT * 1.5 if note else 1))
    issue_docx._no_grid(after)
    if note:
        issue_docx._style_run(after.add_run(note), FONT_KAI, NOTE_SIZE_PT)


def _column_twips(widths_pt: list[float]) -> list[int]:
    total = round(issue_docx.TEXT_WIDTH_MM / 25.4 * 1440)
    scale = total / sum(widths_pt)
    twips = [round(w * scale) for w in widths_pt]
    twips[-1] += total - sum(twips)
    return twips


def _format_data_table(table: Any, twips: list[int]) -> None:
    """Fixed columns across the text block; 1 pt outer frame and 0.5 pt inner rules."""
    el = issue_docx._el
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    for child in list(tbl_pr):
        tbl_pr.remove(child)
    # Children in schema order: tblW, jc, tblInd, tblBorders, tblLayout, tblCellMar, tblLook.
    tbl_pr.append(el("w:tblW", w=str(sum(twips)), type="dxa"))
    tbl_pr.append(el("w:jc", val="center"))
    tbl_pr.append(el("w:tblInd", w="0", type="dxa"))
    borders = OxmlElement("w:tblBorders")
    for edge, size in (("top", 8), ("left", 8), ("bottom", 8), ("right", 8), ("insideH", 4), ("insideV", 4)):
        borders.append(el(f"w:{edge}", val="single", sz=str(size), space="0", color="000000"))
    tbl_pr.append(borders)
    tbl_pr.append(el("w:tblLayout", type="fixed"))
    margins = OxmlElement("w:tblCellMar")
    padding = str(round(CELL_PADDING_PT * 20))
    for edge, value in (("top", "0"), ("left", padding), ("bottom", "0"), ("right", padding)):
        margins.append(el(f"w:{edge}", w=value, type="dxa"))
    tbl_pr.append(margins)
    tbl_pr.append(
        el("w:tblLook", val="0000", firstRow="0", lastRow="0", firstColumn="0", lastColumn="0", noHBand="1")
    )
    for grid_col, width in zip(tbl.tblGrid.findall(qn("w:gridCol")), twips, strict=True):
        grid_col.set(qn("w:w"), str(width))


def _format_row(row: Any, *, header: bool, size: float) -> None:
    el = issue_docx._el
    tr_pr = row._tr.get_or_add_trPr()
    # CT_TrPr order: cantSplit, trHeight, tblHeader.
    tr_pr.append(el("w:cantSplit"))
    height = size * TABLE_LINE_HEIGHT + 2 * CELL_PADDING_V_PT
    tr_pr.append(el("w:trHeight", val=str(round(height * 20)), hRule="atLeast"))
    if header:
        tr_pr.append(el("w:tblHeader"))  # Word and WPS repeat it at the top of every page


def _format_cell(cell: Any, twips: int, *, header: bool) -> None:
    cell.width = Pt(twips / 20)
    if header:
        issue_docx.shade_cell(cell, HEADER_FILL)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
