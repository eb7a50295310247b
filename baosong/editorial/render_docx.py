"""Render one issue (刊物一期) as a DOCX in the 简报 layout offices print.

Measurements follow GB/T 9704-2012: A4, margins 37/28/26/35 mm (top/left/right/bottom) for a 156 × 225 mm
text block of 22 lines × 28 characters, body in 仿宋_GB2312 3号, page numbers "— 1 —" in 宋体 4号 outside
(odd pages right, even pages left). Everything is direct formatting on top of a ``Normal`` style that
already carries the body font, so Word and WPS show the same thing and a user's own Normal never leaks in.

The input is the plain ``IssueDocument``; nothing here touches the database.
"""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt, RGBColor

from baosong.editorial.document import DistributionLine, DocItem, IssueDocument, TemplateStyle
from baosong.editorial.render_pdf import masthead_metrics, title_lines

# Chinese type sizes (字号) in points.
SIZE_2 = 22.0  # 二号: headline
SIZE_3 = 16.0  # 三号: body, headings, marking
SIZE_4 = 14.0  # 四号: page numbers, 版记

PT_PER_MM = 72 / 25.4
PAGE_WIDTH_MM = 210
PAGE_HEIGHT_MM = 297
MARGIN_TOP_MM = 37
MARGIN_BOTTOM_MM = 35
MARGIN_LEFT_MM = 28
MARGIN_RIGHT_MM = 26
TEXT_WIDTH_MM = PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM  # 156
TEXT_HEIGHT_MM = PAGE_HEIGHT_MM - MARGIN_TOP_MM - MARGIN_BOTTOM_MM  # 225
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28

# 225 mm / 22 lines = 28.95 pt: an exact line pitch puts 22 body lines on every page.
LINE_PITCH_PT = 28.95
LINE_PITCH = Pt(LINE_PITCH_PT)
# The same pitch for the document grid, in twentieths of a point (225 mm / 22 ≈ 579 twips).
GRID_LINE_PITCH_TWIPS = 579
# Word's character grid: pitch = Normal's size + charSpace / 4096 pt. 156 mm / 28 = 15.795 pt, so
# 16 pt − 0.205 pt → −842, the value 公文 templates carry; it fits 28 3号 characters on a line.
BODY_CHAR_SPACING_TWIPS = -5

# Vertical spacing in millimetres, the figures of the PDF's print.css (editorial/print/print.css), so
# that the DOCX breaks its pages where the product's PDF does. Keep the two in step.
MARKING_LINE_MM = 8
MASTHEAD_PADDING_MM = 4
MASTHEAD_LINE_RATIO = 1.25
NUMBER_LINE_MM = 9
NUMBER_GAP_MM = 3
ISSUER_LINE_MM = 9
ISSUER_GAP_MM = 2
RULE_GAP_MM = 1.5
AFTER_RULE_MM = 6
HEADLINE_LINE_MM = 12
HEADLINE_LINE_CHARS = 18  # as the PDF breaks a 2号 headline
HEADLINE_BEFORE_MM = 2
HEADLINE_AFTER_MM = 5
COLUMN_GAP_MM = 6
ITEM_GAP_MM = 5
TITLE_LINE_MM = 9
BRIEFS_GAP_MM = 6
BRIEFS_HEADING_SIZE = 18.0
BRIEFS_HEADING_AFTER_MM = 2
BRIEF_GAP_MM = 2
CLOSING_LINE_MM = 7
TABLE_WIDTH_DECLARED = 8500  # the 版记 table's tblW: narrower than 156 mm, or LibreOffice 7.4 keeps it inline
CLOSING_PAD_MM = 1
WITHDRAWN_LINE_MM = 10
WITHDRAWN_AFTER_MM = 6

PAGE_NUMBER_FONT = "宋体"
DEFAULT_RED = "C00000"
RULE_RED_EIGHTHS = 12  # the red rule under the masthead block: 1.5 pt (border sizes are in 1/8 pt)
RULE_CLOSING_OUTER_EIGHTHS = 8  # 版记: first and last rules 1 pt (≈0.35 mm)
RULE_CLOSING_INNER_EIGHTHS = 4  # 版记: rules between the lines 0.5 pt (≈0.25 mm)

ENDING_PUNCTUATION = "。！？；…"
IDEOGRAPHIC_SPACE = "　"


def render_issue_docx(doc: IssueDocument) -> bytes:
    """The issue as DOCX bytes, ready to send to Word, WPS or the printer."""
    style = doc.style
    document = Document()
    _set_up_defaults(document, style)
    _set_up_page(document)
    _add_page_numbers(document)

    _add_masthead(document, doc)
    if doc.headline:
        _add_headline(document, title_lines(doc.headline, max_chars=HEADLINE_LINE_CHARS), style)

    first_column = True
    for column in doc.columns:
        if not column.items:
            continue
        gap = Mm(0) if first_column else Mm(COLUMN_GAP_MM)
        if column.name:
            _add_column_heading(document, column.name, style, gap)
            gap = Mm(0)
        for index, item in enumerate(column.items):
            if index:
                gap = Mm(BRIEF_GAP_MM if item.is_brief else ITEM_GAP_MM)
            if item.is_brief:
                _add_brief(document, item, style, gap)
            else:
                _add_item(document, item, style, gap)
        first_column = False

    if doc.briefs:
        _add_section_heading(document, f"简{IDEOGRAPHIC_SPACE}讯", style)
        for index, brief in enumerate(doc.briefs):
            _add_brief(document, brief, style, Mm(BRIEF_GAP_MM if index else 0))

    if style.show_closing_block:
        _add_closing_block(document, doc)

    return document_bytes(
        document, title=f"{_masthead_text(doc)} {doc.number_text}".strip(), author=doc.issuing_unit
    )


def document_bytes(document: Any, *, title: str, author: str) -> bytes:
    """The finished file: its own title and author (nothing left of python-docx's template, no preview
    picture), as bytes. Issues, 通报 and 审核表 all end here."""
    props = document.core_properties
    props.title = title
    props.author = author
    props.last_modified_by = author
    props.comments = ""
    props.keywords = ""
    props.revision = 1
    _drop_template_thumbnail(document)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


# ---------------------------------------------------------------------------------------------------------
# Document set-up


def _drop_template_thumbnail(document: Any) -> None:
    """python-docx's template ships a picture of a blank page as preview; Explorer would show it."""
    rels = document.part.package.rels
    for r_id, rel in list(rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            rels.pop(r_id)


def _set_up_defaults(document: Any, style: TemplateStyle) -> None:
    """Body font everywhere by default: docDefaults and Normal both name it, East Asian slot included."""
    styles_el = document.styles.element
    doc_defaults = styles_el.find(qn("w:docDefaults"))
    if doc_defaults is not None:
        rpr = doc_defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            rfonts = rpr.find(qn("w:rFonts"))
            if rfonts is None:
                rfonts = OxmlElement("w:rFonts")
                rpr.insert(0, rfonts)
            _set_rfonts(rfonts, style.body_font)
            for tag, val in (("w:sz", "32"), ("w:szCs", "32")):
                el = rpr.find(qn(tag))
                if el is not None:
                    el.set(qn("w:val"), val)
            lang = rpr.find(qn("w:lang"))
            if lang is not None:
                lang.set(qn("w:val"), "en-US")
                lang.set(qn("w:eastAsia"), "zh-CN")
        spacing = doc_defaults.find(qn("w:pPrDefault") + "/" + qn("w:pPr") + "/" + qn("w:spacing"))
        if spacing is not None:
            spacing.set(qn("w:after"), "0")
            spacing.set(qn("w:line"), "240")
            spacing.set(qn("w:lineRule"), "auto")

    normal = document.styles["Normal"]
    normal.font.size = Pt(SIZE_3)
    rpr = normal.element.get_or_add_rPr()
    _set_rfonts(rpr.get_or_add_rFonts(), style.body_font)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = LINE_PITCH
    pf.widow_control = True
    # 28 characters a line without a character grid: each 3号 character condensed by a quarter point
    # (28 × 15.75 pt = 441 pt in the 442.2 pt text block), which every suite applies the same way.
    size = rpr.find(qn("w:sz"))
    size.addprevious(_el("w:spacing", val=str(BODY_CHAR_SPACING_TWIPS)))  # CT_RPr order: spacing, then sz

    settings = document.settings.element
    theme_lang = settings.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


def _set_up_page(document: Any) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width = Mm(PAGE_WIDTH_MM)
    section.page_height = Mm(PAGE_HEIGHT_MM)
    section.top_margin = Mm(MARGIN_TOP_MM)
    section.bottom_margin = Mm(MARGIN_BOTTOM_MM)
    section.left_margin = Mm(MARGIN_LEFT_MM)
    section.right_margin = Mm(MARGIN_RIGHT_MM)
    section.gutter = Mm(0)
    section.header_distance = Mm(15)
    # GB/T 9704: the page number's dashes sit 7 mm below the text block (262 mm): a 4号 line whose
    # middle is at ≈269 mm ends ≈272 mm, i.e. 25 mm above the paper's bottom edge.
    section.footer_distance = Mm(25)

    # 22 lines × 28 characters. Word and WPS honour the grid; paragraphs that must not snap (masthead,
    # 版记) switch it off themselves.
    sect_pr = section._sectPr
    grid = sect_pr.find(qn("w:docGrid"))
    if grid is None:
        grid = OxmlElement("w:docGrid")
        sect_pr.append(grid)
    grid.set(qn("w:type"), "lines")
    grid.set(qn("w:linePitch"), str(GRID_LINE_PITCH_TWIPS))
    grid.attrib.pop(qn("w:charSpace"), None)


def _add_page_numbers(document: Any) -> None:
    """Page numbers "— 1 —" in 宋体 4号: odd pages right, even pages left, one character from the edge."""
    document.settings.odd_and_even_pages_header_footer = True
    section = document.sections[0]
    section.footer.is_linked_to_previous = False
    section.even_page_footer.is_linked_to_previous = False
    for footer, odd in ((section.footer, True), (section.even_page_footer, False)):
        paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        for run in list(paragraph.runs):
            run._r.getparent().remove(run._r)
        pf = paragraph.paragraph_format
        pf.first_line_indent = Pt(0)
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
        if odd:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            pf.right_indent = Pt(SIZE_4)
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
            pf.left_indent = Pt(SIZE_4)
        _no_grid(paragraph)
        _style_run(paragraph.add_run("— "), PAGE_NUMBER_FONT, SIZE_4)
        add_field(paragraph, "PAGE", "1", PAGE_NUMBER_FONT, SIZE_4)
        _style_run(paragraph.add_run(" —"), PAGE_NUMBER_FONT, SIZE_4)


def add_field(paragraph: Any, instruction: str, cached: str, font: str, size: float) -> None:
    """A real field (begin / instruction / separate / cached result / end) that Word, WPS and LibreOffice
    recompute: PAGE, NUMPAGES."""

    def field_run(kind: str | None = None, instr: str | None = None, text: str | None = None) -> None:
        run = paragraph.add_run()
        _style_run(run, font, size)
        r = run._r
        if kind is not None:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r.append(fld)
        if instr is not None:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
            r.append(el)
        if text is not None:
            run.text = text

    field_run(kind="begin")
    field_run(instr=f" {instruction} ")
    field_run(kind="separate")
    field_run(text=cached)
    field_run(kind="end")


# ---------------------------------------------------------------------------------------------------------
# Masthead block (版头)


def _masthead_text(doc: IssueDocument) -> str:
    return (doc.style.masthead_text or doc.publication_name).strip()


def _masthead_rgb(style: TemplateStyle) -> RGBColor:
    value = style.masthead_color.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    if not re.fullmatch(r"[0-9A-Fa-f]{6}", value):
        value = DEFAULT_RED
    return RGBColor.from_string(value.upper())


def _add_masthead(document: Any, doc: IssueDocument) -> None:
    style = doc.style
    red = _masthead_rgb(style)

    if doc.marking:
        marking = document.add_paragraph()
        _plain(marking, WD_ALIGN_PARAGRAPH.LEFT, line=Mm(MARKING_LINE_MM))
        _no_grid(marking)
        _style_run(marking.add_run(doc.marking), style.heading_font, SIZE_3, bold=True)

    # The red name in 小标宋 weight, as large and as spaced out as the PDF draws it (one computation serves
    # both) and never wider than the text block: a long name shrinks instead of wrapping. The spacing
    # after the last character is balanced by as much indent before the first, so the name stays centred.
    name = _masthead_text(doc)
    size, spacing_em = masthead_metrics(name, style.masthead_size_pt)
    masthead = document.add_paragraph()
    _plain(masthead, WD_ALIGN_PARAGRAPH.CENTER, line=Pt(round(size * MASTHEAD_LINE_RATIO, 1)))
    masthead.paragraph_format.space_before = Mm(MASTHEAD_PADDING_MM)
    masthead.paragraph_format.keep_with_next = True
    masthead.paragraph_format.left_indent = Pt(spacing_em * size)
    _no_grid(masthead)
    run = masthead.add_run(name)
    _style_run(run, style.masthead_font, size, color=red, bold=True)
    _character_spacing(run, spacing_em * size)

    if style.variant == "supplement" and "增刊" not in doc.number_text:
        supplement = document.add_paragraph()
        _plain(supplement, WD_ALIGN_PARAGRAPH.CENTER, line=Mm(NUMBER_LINE_MM))
        supplement.paragraph_format.keep_with_next = True
        _no_grid(supplement)
        _style_run(supplement.add_run("（增刊）"), style.masthead_font, SIZE_3, color=red, bold=True)

    number = document.add_paragraph()
    _plain(number, WD_ALIGN_PARAGRAPH.CENTER, line=Mm(NUMBER_LINE_MM))
    number.paragraph_format.space_before = Mm(NUMBER_GAP_MM)
    number.paragraph_format.keep_with_next = True
    _no_grid(number)
    _style_run(number.add_run(doc.number_text), style.body_font, SIZE_3)

    # Issuing unit at the left, date at the right (each one character in from the edge): a right tab stop
    # at the text block's right edge. The paragraph's bottom border is the red rule, as wide as the block.
    line = document.add_paragraph()
    _plain(line, WD_ALIGN_PARAGRAPH.LEFT, line=Mm(ISSUER_LINE_MM))
    pf = line.paragraph_format
    pf.space_before = Mm(ISSUER_GAP_MM)
    pf.space_after = Mm(AFTER_RULE_MM)
    pf.tab_stops.add_tab_stop(Mm(TEXT_WIDTH_MM) - Pt(SIZE_3), WD_TAB_ALIGNMENT.RIGHT)
    _no_grid(line)
    _style_run(line.add_run(IDEOGRAPHIC_SPACE + doc.issuing_unit), style.body_font, SIZE_3)
    if doc.date_text:
        _style_run(line.add_run("\t" + doc.date_text), style.body_font, SIZE_3)
    _set_paragraph_border(line, "bottom", RULE_RED_EIGHTHS, str(red), space=round(RULE_GAP_MM * PT_PER_MM))

    if doc.withdrawn:
        withdrawn = document.add_paragraph()
        _plain(withdrawn, WD_ALIGN_PARAGRAPH.CENTER, line=Mm(WITHDRAWN_LINE_MM))
        withdrawn.paragraph_format.space_after = Mm(WITHDRAWN_AFTER_MM)
        _no_grid(withdrawn)
        _style_run(withdrawn.add_run("（本期已撤回）"), style.heading_font, SIZE_3, color=red, bold=True)


def _add_headline(
    document: Any, lines: list[str], style: TemplateStyle, *, after_mm: float = HEADLINE_AFTER_MM
) -> None:
    paragraph = document.add_paragraph()
    _plain(paragraph, WD_ALIGN_PARAGRAPH.CENTER, line=Mm(HEADLINE_LINE_MM))
    paragraph.paragraph_format.space_before = Mm(HEADLINE_BEFORE_MM)
    paragraph.paragraph_format.space_after = Mm(after_mm)
    paragraph.paragraph_format.keep_with_next = True
    _no_grid(paragraph)
    _add_lines(paragraph, lines, style.title_font, SIZE_2)


# ---------------------------------------------------------------------------------------------------------
# Content


def _add_column_heading(document: Any, name: str, style: TemplateStyle, gap: Length) -> None:
    text = name.strip()
    if not text.startswith("【"):
        text = f"【{text}】"
    paragraph = document.add_paragraph()
    _plain(paragraph, WD_ALIGN_PARAGRAPH.LEFT)
    paragraph.paragraph_format.space_before = gap
    paragraph.paragraph_format.keep_with_next = True
    _style_run(paragraph.add_run(text), style.heading_font, SIZE_3, bold=True)


def _add_section_heading(document: Any, text: str, style: TemplateStyle) -> None:
    paragraph = document.add_paragraph()
    _plain(paragraph, WD_ALIGN_PARAGRAPH.CENTER)
    paragraph.paragraph_format.space_before = Mm(BRIEFS_GAP_MM)
    paragraph.paragraph_format.space_after = Mm(BRIEFS_HEADING_AFTER_MM)
    paragraph.paragraph_format.keep_with_next = True
    _no_grid(paragraph)
    _style_run(paragraph.add_run(text), style.heading_font, BRIEFS_HEADING_SIZE, bold=True)


def _add_item(document: Any, item: DocItem, style: TemplateStyle, gap: Length) -> None:
    title = document.add_paragraph()
    _plain(title, WD_ALIGN_PARAGRAPH.CENTER, line=Mm(TITLE_LINE_MM))
    title.paragraph_format.space_before = gap
    title.paragraph_format.keep_with_next = True
    _no_grid(title)
    _add_lines(title, title_lines(item.title), style.heading_font, SIZE_3)

    if item.editor_note:
        note = document.add_paragraph()
        _body_format(note)
        note.paragraph_format.keep_with_next = True
        _style_run(note.add_run("编者按："), style.heading_font, SIZE_3, bold=True)
        _style_run(note.add_run(item.editor_note.strip()), style.kai_font, SIZE_3)

    paragraphs = [text.strip() for text in item.paragraphs if text.strip()]
    for text in paragraphs:
        paragraph = document.add_paragraph()
        _body_format(paragraph)
        _style_run(paragraph.add_run(text), style.body_font, SIZE_3)

    sources = [s.strip() for s in item.sources if s.strip()]
    if sources:
        credit = document.add_paragraph()
        _plain(credit, WD_ALIGN_PARAGRAPH.RIGHT)
        _style_run(credit.add_run(f"（{IDEOGRAPHIC_SPACE.join(sources)}）"), style.kai_font, SIZE_3)


def _add_brief(document: Any, item: DocItem, style: TemplateStyle, gap: Length) -> None:
    """One 简讯: the title inline in 黑体, then the text, as a single body paragraph."""
    paragraph = document.add_paragraph()
    _body_format(paragraph)
    paragraph.paragraph_format.space_before = gap
    title = item.title.strip()
    text = "".join(p.strip() for p in item.paragraphs if p.strip())
    if item.sources:
        credit = IDEOGRAPHIC_SPACE.join(s.strip() for s in item.sources if s.strip())
        text = f"{text}（{credit}）" if credit else text
    _style_run(paragraph.add_run(title), style.heading_font, SIZE_3, bold=True)
    if text:
        gap_text = "" if title and title[-1] in ENDING_PUNCTUATION else IDEOGRAPHIC_SPACE
        _style_run(paragraph.add_run(gap_text + text), style.body_font, SIZE_3)


# ---------------------------------------------------------------------------------------------------------
# Closing block (版记)


def _distribution_text(line: DistributionLine) -> str:
    label = line.label.strip().rstrip("：:")
    names = "，".join(n.strip() for n in line.names if n.strip())
    return f"{label}：{names}。"


def _add_closing_block(document: Any, doc: IssueDocument) -> None:
    """报/送/发 lines and 共印×份 between black rules, at the foot of the last page.

    A one-column *floating* table after the last body paragraph, placed at an absolute distance from the
    top of the page so that its last rule lies on the text block's bottom edge (262 mm), as GB/T 9704 asks.
    The distance is computed here from the rows' exact heights (7 mm a line plus 1 mm above and below, the
    PDF's figures) rather than left to "align to the bottom", and both coordinates are relative to the page:
    LibreOffice (before 7.6) keeps a full-width floating table inline unless it is positioned against the
    page edge. Body text flows
    around a floating table, so on a full last page Word, WPS and LibreOffice push the text (and with it the
    table's anchor) to a new page instead of overlapping; rows cannot split, so the block is never broken.
    """
    lines = [_distribution_text(line) for line in doc.distribution if any(n.strip() for n in line.names)]
    if not lines and doc.print_count <= 0:
        return

    rows = len(lines) + (1 if doc.print_count > 0 else 0)
    table = document.add_table(rows=rows, cols=1)
    heights = [_closing_row_lines(text) for text in lines] + ([1] if doc.print_count > 0 else [])
    _format_closing_table(table, [n * CLOSING_LINE_MM + 2 * CLOSING_PAD_MM for n in heights])

    font = doc.style.body_font
    for row, text in zip(table.rows, lines, strict=False):
        paragraph = row.cells[0].paragraphs[0]
        _closing_paragraph(paragraph, WD_ALIGN_PARAGRAPH.LEFT)
        # Wrapped names line up under the first name: hang the label ("报：", two characters).
        label_chars = text.index("：") + 1
        paragraph.paragraph_format.left_indent = Pt(SIZE_4 * (1 + label_chars))
        paragraph.paragraph_format.first_line_indent = Pt(-SIZE_4 * label_chars)
        _style_run(paragraph.add_run(text), font, SIZE_4)
    if doc.print_count > 0:
        paragraph = table.rows[-1].cells[0].paragraphs[0]
        _closing_paragraph(paragraph, WD_ALIGN_PARAGRAPH.RIGHT)
        _style_run(paragraph.add_run(f"共印{doc.print_count}份"), font, SIZE_4)

    # Word needs a paragraph after a table at the end of the body; this one is the floating table's
    # anchor and is kept one point high so it never makes a page of its own.
    anchor = document.add_paragraph()
    _plain(anchor, WD_ALIGN_PARAGRAPH.LEFT, line=Pt(1))
    _no_grid(anchor)


def _closing_row_lines(text: str) -> int:
    """How many 4号 lines a 报/送/发 line takes: the first line runs from one character in (the label hangs)
    to one character before the right edge, the following ones start under the first name."""
    label = text.index("：") + 1
    width = TEXT_WIDTH_MM * PT_PER_MM
    first = int((width - 2 * SIZE_4) // SIZE_4)
    rest = int((width - (2 + label) * SIZE_4) // SIZE_4)
    chars = sum(0.5 if ord(ch) < 0x2E80 else 1.0 for ch in text)
    if chars <= first:
        return 1
    return 1 + -(-int(chars - first + 0.99) // rest)


def _closing_paragraph(paragraph: Any, alignment: Any) -> None:
    _plain(paragraph, alignment, line=Mm(CLOSING_LINE_MM))
    pf = paragraph.paragraph_format
    pf.left_indent = Pt(SIZE_4)  # 左右各空一字
    pf.right_indent = Pt(SIZE_4)
    pf.keep_with_next = True
    pf.keep_together = True
    _no_grid(paragraph)


def _format_closing_table(table: Any, heights_mm: list[float]) -> None:
    width_twips = round(TEXT_WIDTH_MM / 25.4 * 1440)
    tbl = table._tbl
    tbl_pr = tbl.tblPr
    for child in list(tbl_pr):
        tbl_pr.remove(child)

    # Children in schema order: tblpPr, tblOverlap, tblW, jc, tblInd, tblBorders, tblLayout, tblCellMar,
    # tblLook.
    tblp = _el(
        "w:tblpPr",
        leftFromText="0",
        rightFromText="0",
        topFromText="0",
        bottomFromText="0",
        vertAnchor="margin",
        horzAnchor="margin",
        tblpXSpec="center",
        tblpYSpec="bottom",
    )
    tbl_pr.append(tblp)
    tbl_pr.append(_el("w:tblOverlap", val="never"))
    tbl_pr.append(_el("w:tblW", w=str(TABLE_WIDTH_DECLARED), type="dxa"))
    tbl_pr.append(_el("w:jc", val="center"))
    tbl_pr.append(_el("w:tblInd", w="0", type="dxa"))
    borders = OxmlElement("w:tblBorders")
    for edge, size in (
        ("top", RULE_CLOSING_OUTER_EIGHTHS),
        ("left", 0),
        ("bottom", RULE_CLOSING_OUTER_EIGHTHS),
        ("right", 0),
        ("insideH", RULE_CLOSING_INNER_EIGHTHS),
        ("insideV", 0),
    ):
        if size:
            borders.append(_el(f"w:{edge}", val="single", sz=str(size), space="0", color="000000"))
        else:
            borders.append(_el(f"w:{edge}", val="nil"))
    tbl_pr.append(borders)
    tbl_pr.append(_el("w:tblLayout", type="fixed"))
    margins = OxmlElement("w:tblCellMar")
    for edge in ("top", "left", "bottom", "right"):
        margins.append(_el(f"w:{edge}", w="0", type="dxa"))
    tbl_pr.append(margins)
    tbl_pr.append(
        _el("w:tblLook", val="0000", firstRow="0", lastRow="0", firstColumn="0", lastColumn="0", noHBand="1")
    )

    grid_col = tbl.tblGrid.find(qn("w:gridCol"))
    if grid_col is not None:
        grid_col.set(qn("w:w"), str(width_twips))
    for row, height in zip(table.rows, heights_mm, strict=True):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(_el("w:cantSplit"))
        tr_pr.append(_el("w:trHeight", val=str(_twips_mm(height)), hRule="atLeast"))
        row.cells[0].width = Mm(TEXT_WIDTH_MM)
        cell_pr = row.cells[0]._tc.get_or_add_tcPr()
        cell_pr.append(_el("w:vAlign", val="center"))


def _twips_mm(mm: float) -> int:
    return round(mm * PT_PER_MM * 20)


# ---------------------------------------------------------------------------------------------------------
# Low-level helpers


def _el(tag: str, **attrs: str) -> Any:
    element = OxmlElement(tag)
    for key, value in attrs.items():
        element.set(qn(f"w:{key}"), value)
    return element


# Figures and Latin letters: Times New Roman beside the serif faces, Arial beside 黑体. Their widths are close
# to the PDF's (Noto's Latin), where LibreOffice's fallback for an unknown name (DejaVu Sans) is a quarter
# wider and wrapped lines with figures one character early.
LATIN_SERIF = "Times New Roman"
LATIN_SANS = "Arial"
SANS_FACES = {"黑体", "SimHei"}


def shade_cell(cell: Any, fill: str) -> None:
    """A table cell's background (header rows): w:shd right after w:tcW, its place in CT_TcPr."""
    tc_pr = cell._tc.get_or_add_tcPr()
    tc_w = tc_pr.find(qn("w:tcW"))
    shading = _el("w:shd", val="clear", color="auto", fill=fill)
    if tc_w is not None:
        tc_w.addnext(shading)
    else:
        tc_pr.insert(0, shading)


def _set_rfonts(rfonts: Any, name: str) -> None:
    """Name the font in every slot (Latin text in its Latin partner); drop theme references, which would
    otherwise win over the names."""
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    latin = LATIN_SANS if name in SANS_FACES else LATIN_SERIF
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        rfonts.set(qn(attr), latin)
    rfonts.set(qn("w:eastAsia"), name)
    rfonts.set(qn("w:hint"), "eastAsia")


def _style_run(
    run: Any, font: str, size: float, *, color: RGBColor | None = None, bold: bool = False
) -> None:
    _set_rfonts(run._r.get_or_add_rPr().get_or_add_rFonts(), font)
    run.font.size = Pt(size)
    run.font.bold = True if bold else None
    if color is not None:
        run.font.color.rgb = color


def _plain(paragraph: Any, alignment: Any, *, line: Length = LINE_PITCH) -> None:
    """No indent, no spacing, exact lines (the grid's pitch unless told): the base of every paragraph."""
    paragraph.alignment = alignment
    pf = paragraph.paragraph_format
    pf.first_line_indent = Pt(0)
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.line_spacing = line
    _east_asian_rules(paragraph)


def _east_asian_rules(paragraph: Any) -> None:
    """禁则 stated on every paragraph: line-start/-end rules on, and no automatic space between Chinese and
    digits/Latin, which the printed 公文 does not have.

    ``w:overflowPunct`` is written as 1, Word's own default. LibreOffice (7.4 and later) reads it inverted —
    0 or absent turns its hanging punctuation on — and then draws no glyph for a comma that would start a
    line; with 1 it carries the last character down with the comma instead, as the PDF does."""
    p_pr = paragraph._p.get_or_add_pPr()
    for tag, value in (("kinsoku", "1"), ("overflowPunct", "1"), ("autoSpaceDE", "0"), ("autoSpaceDN", "0")):
        if p_pr.find(qn(f"w:{tag}")) is None:
            _insert_ppr_child(p_pr, _el(f"w:{tag}", val=value))


def _add_lines(paragraph: Any, lines: list[str], font: str, size: float) -> None:
    """A title's balanced lines (the PDF's own split), bold, with line breaks between them."""
    for index, text in enumerate(lines):
        run = paragraph.add_run(text)
        _style_run(run, font, size, bold=True)
        if index < len(lines) - 1:
            run.add_break()


def _character_spacing(run: Any, points: float) -> None:
    """Expand (or, negative, condense) the run's characters by ``points`` each (w:spacing, in twips)."""
    rpr = run._r.get_or_add_rPr()
    for old in rpr.findall(qn("w:spacing")):
        rpr.remove(old)
    spacing = _el("w:spacing", val=str(round(points * 20)))
    # CT_RPr order: … w:color, w:spacing, w:w, w:kern, w:position, w:sz …
    size = rpr.find(qn("w:sz"))
    if size is not None:
        size.addprevious(spacing)
    else:
        rpr.append(spacing)


def _body_format(paragraph: Any) -> None:
    """仿宋 3号 body: justified, exact 28.95 pt lines, first line indented two characters."""
    _plain(paragraph, WD_ALIGN_PARAGRAPH.JUSTIFY)
    paragraph.paragraph_format.first_line_indent = Pt(2 * SIZE_3)
    # Word and WPS prefer the character-unit indent (it follows the character grid); python-docx and
    # LibreOffice read the 32 pt.
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    if ind is not None:
        ind.set(qn("w:firstLineChars"), "200")


def _no_grid(paragraph: Any) -> None:
    """Keep a paragraph off the character grid (large or small type would otherwise be spaced to it)."""
    p_pr = paragraph._p.get_or_add_pPr()
    snap = p_pr.find(qn("w:snapToGrid"))
    if snap is None:
        snap = OxmlElement("w:snapToGrid")
        _insert_ppr_child(p_pr, snap)
    snap.set(qn("w:val"), "0")


# w:pPr children in schema order (CT_PPrBase, then rPr/sectPr/pPrChange).
_PPR_ORDER = [
    "pStyle",
    "keepNext",
    "keepLines",
    "pageBreakBefore",
    "framePr",
    "widowControl",
    "numPr",
    "suppressLineNumbers",
    "pBdr",
    "shd",
    "tabs",
    "suppressAutoHyphens",
    "kinsoku",
    "wordWrap",
    "overflowPunct",
    "topLinePunct",
    "autoSpaceDE",
    "autoSpaceDN",
    "bidi",
    "adjustRightInd",
    "snapToGrid",
    "spacing",
    "ind",
    "contextualSpacing",
    "mirrorIndents",
    "suppressOverlap",
    "jc",
    "textDirection",
    "textAlignment",
    "textboxTightWrap",
    "outlineLvl",
    "divId",
    "cnfStyle",
    "rPr",
    "sectPr",
    "pPrChange",
]


def _insert_ppr_child(p_pr: Any, child: Any) -> None:
    """Insert ``child`` into ``w:pPr`` at its schema position, so Word does not call the file corrupt."""
    name = child.tag.split("}", 1)[1]
    rank = _PPR_ORDER.index(name)
    for index, existing in enumerate(p_pr):
        existing_name = existing.tag.split("}", 1)[1] if "}" in existing.tag else existing.tag
        if existing_name in _PPR_ORDER and _PPR_ORDER.index(existing_name) > rank:
            p_pr.insert(index, child)
            return
    p_pr.append(child)


def _set_paragraph_border(
    paragraph: Any, edge: str, size_eighths: int, color: str, *, space: int = 1
) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    borders = p_pr.find(qn("w:pBdr"))
    if borders is None:
        borders = OxmlElement("w:pBdr")
        _insert_ppr_child(p_pr, borders)
    borders.append(_el(f"w:{edge}", val="single", sz=str(size_eighths), space=str(space), color=color))
