"""A fixed roll-up as the 报告表 in 公文 style, PDF (WeasyPrint) and DOCX (python-docx), and the 送达清单
that goes with it to the outside recipients.

A wide table wants a landscape page: A4 across, margins 20/18/22/18 mm (a 261 × 168 mm text block), page
numbers "— 1 —" in 宋体 4号 outside the block (odd pages right, even pages left) as on the issues. The
title in 小标宋 2号 with the period in 楷体 below it, headings 黑体 3号 (一、二、), the tables in 仿宋 with
黑体 headers whose row repeats on every page, and at the end 填报单位（盖章） and 填报日期 with room for the
seal. Fonts are the standard names Word and WPS know, with the installed CJK stand-ins in the PDF, through
the issue renderers' helpers (``baosong.editorial.render_pdf`` / ``render_docx``).

Both renderers draw one plain ``ReportDocument`` (built by ``report_document`` from the database once) and
share the column layout (``layout``), so PDF and DOCX show the same table. The detail rows are printed up
to ``DETAIL_CAP``; a larger roll-up (a city's or a province's) prints the totals by unit and says that the
rows are in the workbook of the same version.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from baosong.datareports import schema
from baosong.editorial import render_docx as issue_docx
from baosong.editorial import render_pdf as issue_pdf
from baosong.editorial.document import FONT_BODY, FONT_HEADING, FONT_KAI, FONT_TITLE, TemplateStyle

if TYPE_CHECKING:
    from baosong.datareports.exports import Rollup

DETAIL_CAP = 300  # detail rows a printed 报告表 carries; beyond them it points to the XLSX
PT_PER_MM = 72 / 25.4
PAGE_W_MM, PAGE_H_MM = 297, 210
MARGINS_MM = (20, 18, 22, 18)  # top, right, bottom, left
TEXT_W_MM = PAGE_W_MM - MARGINS_MM[1] - MARGINS_MM[3]  # 261
TEXT_W_PT = TEXT_W_MM * PT_PER_MM
SIZE_TITLE = 22.0  # 二号
SIZE_3 = 16.0  # 三号: period line, headings
SIZE_INFO = 14.0  # 四号: the line under the title, the signature block
SIZE_SUMMARY = 10.5  # 五号: the totals by unit
SIZE_DETAIL = 9.0  # 小五: the detail rows
SIZE_NOTE = 12.0  # 小四 楷体: notes under a table
CELL_PAD_PT = 2.0  # left and right inside a cell
CELL_PAD_V_PT = 1.5
LINE_HEIGHT = 1.25
HEADER_FILL = "E7E6E6"
GROUP_FILL = "F5F5F5"  # the line naming the reporting unit above its rows
TEXT_CAP_EM = 14.0  # a text column wider than this wraps
SHORT_EM = 6.0  # a Chinese value this short stays on one line
DETAIL_SIZES = (8.5, 8.0)  # smaller type for a wide table, down to 8 pt (then it wraps more)
HEADER_LINES = 3
NUMERALS = "一二三四五六七八九十"
SEAL_AT = 0.55  # where 填报单位（盖章） begins, as a share of the line (the PDF's .filler width)


# ---- the document --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    heading: str  # 一、各单位汇总情况
    headers: list[str]
    rows: list[list[str]]  # formatted cells; "\n" breaks a line inside a cell
    numeric: list[bool]  # figures are centred
    size_pt: float
    total_rows: int = 0  # the last rows are totals (bold)
    note: str = ""
    groups: frozenset[int] = frozenset()  # rows that are one cell across the table: the reporting unit
    lines: frozenset[int] = frozenset()  # rows that are one cell across the table: the long texts above


@dataclass(frozen=True)
class ReportDocument:
    title: str  # the form's name: 政务接待信息报告表
    period: str  # 2026年3月
    unit: str  # 汇总单位
    version_line: str  # 第1版　2026-04-17 10:00 上报
    tables: list[Table]
    filler: list[tuple[str, str]] = field(default_factory=list)  # (填报人, 张三), (联系电话, …)
    date: str = ""  # 填报日期: 2026年4月17日


def _figure(value: Any) -> str:
    return "" if value is None else str(value)


def report_document(rollup: Rollup) -> ReportDocument:
    """The 报告表 of a roll-up: the totals by child unit, then each repeating section's rows (when the whole
    roll-up holds no more than ``DETAIL_CAP``), the root unit's own 填报信息 and the date it was fixed."""
    from baosong.datareports.exports import base_name, date_cn, local_text

    v = rollup.version
    tables = [_summary_table(rollup, f"{NUMERALS[0]}、各单位汇总情况")]
    rows = sum(rollup.rows_in(s) for s in rollup.repeating())
    sections = rollup.repeating()
    if rows > DETAIL_CAP:
        title = "、".join(s["title"] for s in sections)
        tables[0] = replace(
            tables[0],
            note=(
                f"{tables[0].note}本汇总共有{title}记录 {rows} 条，超过 {DETAIL_CAP} 条，"
                f"明细不在本表中列出，见同一版本的 Excel 文件（{base_name(v)}.xlsx）。"
            ),
        )
    else:
        from baosong.datareports.exports import own_rows

        details: dict[str, list[tuple[str, list[Record]]]] = {s["key"]: [] for s in sections}
        for node, own in own_rows(rollup):
            for s in sections:
                rows_here = [_detail_record(s, row) for row in own.get(s["key"]) or []]
                if rows_here:
                    name = f"{node.name}（本级）" if node.depth == 0 else node.name
                    details[s["key"]].append((f"{name}　{len(rows_here)} 条", rows_here))
        for i, s in enumerate(sections, start=1):
            tables.append(_detail_table(rollup, s, details[s["key"]], f"{NUMERALS[i]}、{s['title']}明细"))
    filler = []
    for s in rollup.single():
        data = v.own.get(s["key"])
        row = data[0] if isinstance(data, list) and data else data if isinstance(data, dict) else {}
        for f in schema.fields_of(s):
            if not schema.is_empty(row.get(f["key"])):
                filler.append((f["label"], schema.display(f, row[f["key"]])))
    return ReportDocument(
        title=rollup.form_name,
        period=rollup.period,
        unit=rollup.unit.name,
        version_line=f"第{v.number}版　{local_text(v.submitted_at)} 上报",
        tables=tables,
        filler=filler,
        date=date_cn(v.submitted_at),
    )


def _printed_rollups(rollup: Rollup) -> list[tuple[str, str, dict[str, Any] | None]]:
    """The summary's figure columns: row counts and the numeric totals (a list of 费用承担单位 or the latest
    接待时间 belong to the workbook, not to a printed table of figures)."""
    from baosong.datareports.exports import summary_columns

    return [
        (key, header, f)
        for key, header, f in summary_columns(rollup)
        if f is None or f.get("rollup") == "count" or f.get("type") in schema.NUMERIC
    ]


def _summary_table(rollup: Rollup, heading: str) -> Table:
    from baosong.datareports.exports import summary_value

    cols = _printed_rollups(rollup)

    def figures(totals: dict[str, Any]) -> list[str]:
        return [_figure(summary_value(key, f, totals)) for key, _, f in cols]

    rows = []
    for c in rollup.children:
        if not c.rolled_up:
            rows.append([c.name, "未上报", *[""] * len(cols)])
            continue
        state = (
            f"迟报{c.late_workdays}个工作日" if c.late and c.late_workdays else "迟报" if c.late else "已上报"
        )
        rows.append([c.name, state, *figures(c.totals)])
    rows.append([f"本级（{rollup.unit.name}）", "", *figures(rollup.own_totals)])
    rows.append(["合计", "", *figures(rollup.version.totals)])
    missing = sum(1 for c in rollup.children if not c.rolled_up)
    note = ""
    if rollup.children:
        note = f"应报 {len(rollup.children)} 个单位，已汇总 {len(rollup.children) - missing} 个。"
    note += "合计含本级，由系统根据各单位上报的数据计算。"
    return Table(
        heading=heading,
        headers=["单位", "上报情况", *[h for _, h, _ in cols]],
        rows=rows,
        numeric=[False, True, *[True] * len(cols)],
        size_pt=SIZE_SUMMARY,
        total_rows=1,
        note=note,
    )


def _detail_fields(section: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(the fields that are columns, the long texts printed on a line across the table under their row)."""
    fields = [f for f in schema.fields_of(section) if f.get("type") != "file"]
    return [f for f in fields if f.get("type") != "longtext"], [
        f for f in fields if f.get("type") == "longtext"
    ]


Record = tuple[list[str], str]  # a row's cells, and its long texts as one line ("" for none)


def _detail_record(section: dict[str, Any], row: dict[str, Any]) -> Record:
    columns, long = _detail_fields(section)
    cells = []
    for f in columns:
        value = row.get(f["key"])
        if f.get("type") == "person" and isinstance(value, dict):
            cells.append("\n".join(str(value.get(k) or "") for k, _ in schema.PERSON_PARTS if value.get(k)))
        else:
            cells.append(schema.display(f, value))
    texts = [f"{f['label']}：{schema.display(f, row.get(f['key']))}" for f in long if row.get(f["key"])]
    return cells, "；".join(texts)


def _detail_table(
    rollup: Rollup, section: dict[str, Any], units: list[tuple[str, list[Record]]], heading: str
) -> Table:
    """The section's rows under a line naming the unit that reported them, each row's long texts (接待范围,
    其他事项) on a line across the table below it, then 合计. A column empty in every row (and with no
    total) is left out, so the table keeps its width for what was filled."""
    from baosong.datareports.exports import Column, total_value

    fields, _ = _detail_fields(section)
    total = []
    for f in fields:
        value = total_value(Column(f), rollup.version.totals, section["key"])
        total.append(_figure(value) if f.get("rollup") != "list" else "")
    records = [r for _, unit_records in units for r in unit_records]
    keep = [j for j in range(len(fields)) if any(cells[j] for cells, _ in records) or total[j]] or [0]
    out: list[list[str]] = []
    groups, lines = set(), set()
    for name, unit_records in units:
        groups.add(len(out))
        out.append([name])
        for cells, line in unit_records:
            out.append([cells[j] for j in keep])
            if line:
                lines.add(len(out))
                out.append([line])
    if not records:
        groups.add(len(out))
        out.append(["（无）"])
    # The first column (接待时间) holds the row count: a latest time or a first name is no total.
    out.append([f"合计 {len(records)} 条", *[total[j] for j in keep[1:]]])
    return Table(
        heading=heading,
        headers=[fields[j]["label"] for j in keep],
        rows=out,
        numeric=[fields[j].get("type") in schema.NUMERIC for j in keep],
        size_pt=SIZE_DETAIL,
        total_rows=1,
        groups=frozenset(groups),
        lines=frozenset(lines),
    )


# ---- column layout (both renderers) --------------------------------------------------------------------


def em_width(text: str) -> float:
    """Width in ems in the CJK faces: a Chinese character 1, a figure about 0.55, other Latin 0.6."""
    width = 0.0
    for ch in text:
        if ord(ch) >= 0x2000:
            width += 1.0
        elif ch.isdigit() or ch in ".,:-/ ":
            width += 0.55
        else:
            width += 0.6
    return width


def _latin_runs(text: str) -> list[str]:
    """The runs a line cannot break inside: figures, dates, times, telephone numbers, Latin words."""
    return re.findall(r"[\x21-\x7e]+", text)


def layout(table: Table, width_pt: float = TEXT_W_PT) -> tuple[float, list[float]]:
    """The type size and the column widths in points filling ``width_pt``. Each column wants its longest
    line (a text column at most ``TEXT_CAP_EM``) and needs at least what must not wrap: a figure, a date or
    a telephone number, a short value such as 公务卡, its header in up to three lines (four for a
    figure's). The size is the largest of ``table.size_pt`` and the smaller ``DETAIL_SIZES`` at which the
    needs fit; each column then gets its need and a share of the rest in proportion to what it wanted
    beyond it."""
    count = len(table.headers)
    pad = 2 * CELL_PAD_PT + 0.5
    wants_em, needs_em = [], []
    body_rows = [row for i, row in enumerate(table.rows) if i not in table.groups | table.lines]
    for j in range(count):
        lines = [line for row in body_rows if j < len(row) for line in row[j].split("\n")]
        longest = max((em_width(line) for line in lines), default=0.0)
        header = max(math.ceil(em_width(table.headers[j]) / HEADER_LINES) + 0.5, 2.5)
        if table.numeric[j]:
            keep = longest
        else:
            runs = [em_width(r) for line in lines for r in _latin_runs(line)]
            keep = max([min(longest, SHORT_EM), *[r for r in runs if r <= TEXT_CAP_EM]], default=0.0)
            longest = min(longest, TEXT_CAP_EM)
        # Slack for the renderers' rounding and kerning: a little for figures, half a character for text.
        slack = 0.2 if table.numeric[j] else 0.5
        need = max(keep + slack, header, 2.0)
        needs_em.append(need)
        wants_em.append(max(longest + slack, need))
    sizes = [table.size_pt, *[s for s in DETAIL_SIZES if s < table.size_pt]]
    size = next((s for s in sizes if sum(needs_em) * s + count * pad <= width_pt), sizes[-1])
    wants = [w * size + pad for w in wants_em]
    needs = [n * size + pad for n in needs_em]
    if sum(wants) <= width_pt:
        spare = (width_pt - sum(wants)) / count
        return size, [w + spare for w in wants]
    if sum(needs) < width_pt:
        extra = sum(wants) - sum(needs)
        room = width_pt - sum(needs)
        return size, [n + (w - n) * room / extra for w, n in zip(wants, needs, strict=True)]
    scale = width_pt / sum(needs)
    return size, [n * scale for n in needs]


# ---- PDF -----------------------------------------------------------------------------------------------


def _fonts() -> dict[str, issue_pdf.FontStack]:
    return {
        "title": issue_pdf.font_stack(FONT_TITLE, fallback=FONT_TITLE),
        "body": issue_pdf.font_stack(FONT_BODY),
        "heading": issue_pdf.font_stack(FONT_HEADING, fallback=FONT_HEADING),
        "kai": issue_pdf.font_stack(FONT_KAI, fallback=FONT_KAI),
        "song": issue_pdf.font_stack("宋体"),
    }


def _table_context(table: Table) -> dict[str, Any]:
    size, widths = layout(table)
    first_total = len(table.rows) - table.total_rows
    return {
        "heading": table.heading,
        "note": table.note,
        "size": f"{size:.1f}",
        "widths": [f"{100 * w / sum(widths):.3f}" for w in widths],
        "headers": table.headers,
        "columns": len(widths),
        "rows": [
            {
                "kind": "group" if i in table.groups else "line" if i in table.lines else "",
                "total": i >= first_total,
                "with_line": i + 1 in table.lines,
                "cells": [{"lines": cell.split("\n"), "num": table.numeric[j]} for j, cell in enumerate(row)],
            }
            for i, row in enumerate(table.rows)
        ],
    }


def rollup_html(doc: ReportDocument) -> str:
    return render_to_string(
        "datareports/print/rollup.html",
        {
            "doc": doc,
            "fonts": _fonts(),
            "tables": [_table_context(t) for t in doc.tables],
            "margins": " ".join(f"{m}mm" for m in MARGINS_MM),
            "line_height": f"{LINE_HEIGHT:.2f}",
            "cell_padding": f"{CELL_PAD_V_PT:.1f}pt {CELL_PAD_PT:.1f}pt",
            "header_fill": f"#{HEADER_FILL}",
            "group_fill": f"#{GROUP_FILL}",
        },
    )


def rollup_pdf(doc: ReportDocument) -> bytes:
    return issue_pdf.html_to_pdf(rollup_html(doc))


# ---- DOCX ----------------------------------------------------------------------------------------------


def rollup_docx(doc: ReportDocument) -> bytes:
    """The same 报告表 for Word and WPS: a landscape section, real tables with fixed columns whose header
    row repeats on every page, rows that never split."""
    document = Document()
    _set_up(document)
    title = document.add_paragraph()
    issue_docx._plain(title, WD_ALIGN_PARAGRAPH.CENTER, line=Pt(SIZE_TITLE * 1.4))
    issue_docx._no_grid(title)
    issue_docx._style_run(title.add_run(doc.title), FONT_TITLE, SIZE_TITLE, bold=True)
    period = document.add_paragraph()
    issue_docx._plain(period, WD_ALIGN_PARAGRAPH.CENTER, line=Pt(SIZE_3 * 1.5))
    period.paragraph_format.space_after = Mm(3)
    issue_docx._no_grid(period)
    issue_docx._style_run(period.add_run(f"（{doc.period}）"), FONT_KAI, SIZE_3)
    _two_sides(document, f"汇总单位：{doc.unit}", doc.version_line, SIZE_INFO)
    for table in doc.tables:
        _add_table(document, table)
    _add_signature(document, doc)
    return issue_docx.document_bytes(document, title=f"{doc.title}（{doc.period}）", author=doc.unit)


def _set_up(document: Any) -> None:
    issue_docx._set_up_defaults(document, TemplateStyle())
    # The issues condense 3号 body type to 28 characters a line; a table's small type is not condensed.
    rpr = document.styles["Normal"].element.get_or_add_rPr()
    for spacing in rpr.findall(qn("w:spacing")):
        rpr.remove(spacing)
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(PAGE_W_MM), Mm(PAGE_H_MM)
    top, right, bottom, left = MARGINS_MM
    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)
    issue_docx._add_page_numbers(document)


def _two_sides(document: Any, left: str, right: str, size: float) -> None:
    """One line: ``left`` at the left edge, ``right`` at the right (a right tab stop at the edge)."""
    line = document.add_paragraph()
    issue_docx._plain(line, WD_ALIGN_PARAGRAPH.LEFT, line=Pt(size * 1.6))
    line.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_W_MM), WD_TAB_ALIGNMENT.RIGHT)
    issue_docx._no_grid(line)
    issue_docx._style_run(line.add_run(f"{left}\t{right}"), FONT_BODY, size)


def _add_table(document: Any, table: Table) -> None:
    heading = document.add_paragraph()
    issue_docx._plain(heading, WD_ALIGN_PARAGRAPH.LEFT, line=Pt(SIZE_3 * 1.5))
    heading.paragraph_format.space_before = Mm(4)
    heading.paragraph_format.space_after = Mm(1.5)
    heading.paragraph_format.first_line_indent = Pt(2 * SIZE_3)
    heading.paragraph_format.keep_with_next = True
    issue_docx._no_grid(heading)
    issue_docx._style_run(heading.add_run(table.heading), FONT_HEADING, SIZE_3, bold=True)

    size, widths = layout(table)
    twips = [round(w * 20) for w in widths]
    twips[-1] += round(TEXT_W_PT * 20) - sum(twips)
    grid = document.add_table(rows=1 + len(table.rows), cols=len(widths))
    _format_grid(grid, twips)
    first_total = len(table.rows) - table.total_rows
    line = Pt(round(size * LINE_HEIGHT, 1))
    for i, row in enumerate(grid.rows):
        header = i == 0
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(issue_docx._el("w:cantSplit"))
        if header:
            tr_pr.append(issue_docx._el("w:tblHeader"))  # repeats at the top of every page
        group = not header and i - 1 in table.groups
        across = group or (not header and i - 1 in table.lines)
        texts = table.headers if header else table.rows[i - 1]
        cells = row.cells
        if across and len(cells) > 1:
            cells = [cells[0].merge(cells[-1])]
        total = not header and i - 1 >= first_total
        # A unit's line stays with its first row, a row with the line of its long texts.
        keep = header or group or (not header and i in table.lines)
        for j, (cell, text) in enumerate(zip(cells, texts, strict=True)):
            if not across:
                cell.width = Pt(twips[j] / 20)
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            if header:
                issue_docx.shade_cell(cell, HEADER_FILL)
            elif group:
                issue_docx.shade_cell(cell, GROUP_FILL)
            paragraph = cell.paragraphs[0]
            centred = header or (table.numeric[j] and not across)
            align = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.LEFT
            issue_docx._plain(paragraph, align, line=line)
            issue_docx._no_grid(paragraph)
            paragraph.paragraph_format.keep_with_next = keep
            font = FONT_HEADING if header or group or total else FONT_BODY
            for k, part in enumerate(text.split("\n")):
                run = paragraph.add_run(part)
                issue_docx._style_run(run, font, size, bold=total or group)
                if k:
                    run._r.addprevious(_break())
    if table.note:
        note = document.add_paragraph()
        issue_docx._plain(note, WD_ALIGN_PARAGRAPH.JUSTIFY, line=Pt(SIZE_NOTE * 1.5))
        note.paragraph_format.space_before = Mm(1.5)
        issue_docx._no_grid(note)
        issue_docx._style_run(note.add_run(f"注：{table.note}"), FONT_KAI, SIZE_NOTE)


def _break() -> Any:
    run = OxmlElement("w:r")
    run.append(OxmlElement("w:br"))
    return run


def _format_grid(table: Any, twips: list[int]) -> None:
    """Fixed columns across the text block; 1 pt outer frame, 0.5 pt inner rules."""
    el = issue_docx._el
    tbl_pr = table._tbl.tblPr
    for child in list(tbl_pr):
        tbl_pr.remove(child)
    tbl_pr.append(el("w:tblW", w=str(sum(twips)), type="dxa"))
    tbl_pr.append(el("w:jc", val="center"))
    borders = OxmlElement("w:tblBorders")
    for edge, eighths in (
        ("top", 8),
        ("left", 8),
        ("bottom", 8),
        ("right", 8),
        ("insideH", 4),
        ("insideV", 4),
    ):
        borders.append(el(f"w:{edge}", val="single", sz=str(eighths), space="0", color="000000"))
    tbl_pr.append(borders)
    tbl_pr.append(el("w:tblLayout", type="fixed"))
    margins = OxmlElement("w:tblCellMar")
    h, v = str(round(CELL_PAD_PT * 20)), str(round(CELL_PAD_V_PT * 20))
    for edge, value in (("top", v), ("left", h), ("bottom", v), ("right", h)):
        margins.append(el(f"w:{edge}", w=value, type="dxa"))
    tbl_pr.append(margins)
    tbl_pr.append(
        el("w:tblLook", val="0000", firstRow="0", lastRow="0", firstColumn="0", lastColumn="0", noHBand="1")
    )
    for grid_col, width in zip(table._tbl.tblGrid.findall(qn("w:gridCol")), twips, strict=True):
        grid_col.set(qn("w:w"), str(width))


def _add_signature(document: Any, doc: ReportDocument) -> None:
    """填报人 and 联系电话 at the left; 填报单位（盖章） and 填报日期 at the right, with room for the seal."""
    filler = "　　".join(f"{label}：{value}" for label, value in doc.filler)
    for i, text in enumerate((f"{filler}\t填报单位（盖章）：{doc.unit}", f"\t填报日期：{doc.date}")):
        line = document.add_paragraph()
        issue_docx._plain(line, WD_ALIGN_PARAGRAPH.LEFT, line=Pt(SIZE_INFO * 1.8))
        line.paragraph_format.tab_stops.add_tab_stop(Mm(TEXT_W_MM * SEAL_AT), WD_TAB_ALIGNMENT.LEFT)
        if i == 0:
            line.paragraph_format.space_before = Mm(10)
            line.paragraph_format.keep_with_next = True
        issue_docx._no_grid(line)
        issue_docx._style_run(line.add_run(text), FONT_BODY, SIZE_INFO)


# ---- 送达清单 --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryList:
    """What goes to the outside recipients with the root's final roll-up."""

    form_name: str
    period: str
    unit_name: str
    number: int
    submitted: str
    rows: int
    recipients: list[tuple[str, str, str]]  # (name, due rule, due day)
    files: list[tuple[str, int, str]]  # (file name, bytes, SM3 digest)


def delivery_text(listing: DeliveryList) -> str:
    lines = [
        "送达清单",
        "",
        f"报表：{listing.form_name}",
        f"统计期：{listing.period}",
        f"汇总单位：{listing.unit_name}",
        f"版本：第{listing.number}版（{listing.submitted} 上报），共 {listing.rows} 条记录",
        "",
        "送达对象：",
    ]
    if not listing.recipients:
        lines.append("（本报表任务未设送达对象）")
    for i, (name, rule, due) in enumerate(listing.recipients, start=1):
        lines.append(
            f"{i}. {name}　时限：{rule}{f'（{due}）' if due else ''}　签收人：________　签收日期：________"
        )
    lines += ["", "送达文件（SM3 摘要）："]
    for name, size, digest in listing.files:
        lines.append(f"{name}　{size} 字节　{digest}")
    lines += ["", f"送出单位（盖章）：{listing.unit_name}", "送出日期：　　　　年　　月　　日"]
    return "\n".join(lines) + "\n"


def delivery_pdf(listing: DeliveryList) -> bytes:
    return issue_pdf.html_to_pdf(
        render_to_string("datareports/print/delivery.html", {"listing": listing, "fonts": _fonts()})
    )
