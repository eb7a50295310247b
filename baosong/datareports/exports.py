"""A fixed roll-up (a ReturnVersion: one unit's return with everything below it) as files: XLSX in the
form's own layout, the 报告表 as PDF and DOCX (``render``), and the package for the outside recipients.

A province's roll-up holds 30,000 units' versions and 150,000 rows. Nothing here holds them all: the tree
of versions is read first without their rows (ids, units, children: one query per level and chunk), then
the rows in chunks in the tree's order while the workbook streams to disk (openpyxl's write-only mode).
Totals are the system's (``version.totals``, each child version's totals), never recomputed here and
never Excel formulas.

A version never changes once fixed, so each file is rendered once and kept in the document cache (as
issues are, ``editorial.documents.cached_render``), under a key of the version, the names of the units it
prints, and this module's code."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import tempfile
import zipfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from baosong.core.exports import safe_cell
from baosong.datareports import periods, schema
from baosong.datareports.models import Collection, PeriodKind, ReturnVersion
from baosong.datareports.services import level_of
from baosong.editorial.documents import cached_render
from baosong.orgs.models import Unit
from baosong.workdays.calendar import calendar_for

FORMATS = ("xlsx", "pdf", "docx")
CHUNK = 2000  # versions read at a time (their rows: about 10,000 rows of the 接待 form)
IN_LIMIT = 5000  # ids in one IN (…): SQLite allows 32,766 parameters
QUARTERS = "一二三四"
T = TypeVar("T")


def period_label(coll: Collection) -> str:
    """2026年3月, 2026年第一季度, 2026年."""
    start = coll.period_start
    if coll.period_kind in (PeriodKind.MONTHLY, PeriodKind.EVENT):
        return f"{start.year}年{start.month}月"
    if coll.period_kind == PeriodKind.QUARTERLY:
        return f"{start.year}年第{QUARTERS[(start.month - 1) // 3]}季度"
    return f"{start.year}年"


def date_cn(day: dt.date | dt.datetime | None) -> str:
    if day is None:
        return ""
    if isinstance(day, dt.datetime):
        day = timezone.localtime(day).date() if timezone.is_aware(day) else day.date()
    return f"{day.year}年{day.month}月{day.day}日"


def local_text(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")


# ---- reading a roll-up ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    """One unit's fixed version in the roll-up, without its rows."""

    version_id: int
    unit_id: int
    name: str
    depth: int  # 0: the roll-up's own unit
    order: tuple[tuple[int, str], ...]  # (sort_order, code) from the roll-up's unit down: the tree's order


@dataclass
class ChildLine:
    """A line of 各单位汇总: a child unit of the roll-up's unit, rolled up or not."""

    unit_id: int
    name: str
    rolled_up: bool
    totals: dict[str, Any] = field(default_factory=dict)
    row_count: int = 0
    number: int = 0
    submitted_at: dt.datetime | None = None
    late: bool = False
    late_workdays: int = 0

    @property
    def state(self) -> str:
        return "已汇总" if self.rolled_up else "未上报"


@dataclass
class Rollup:
    version: ReturnVersion
    collection: Collection
    unit: Unit
    schema: dict[str, Any]
    nodes: list[Node]  # every unit's version, in the tree's order
    children: list[ChildLine]
    own_totals: dict[str, Any]

    @property
    def form_name(self) -> str:
        return self.collection.form.name

    @property
    def period(self) -> str:
        return period_label(self.collection)

    def repeating(self) -> list[dict[str, Any]]:
        return [s for s in schema.sections(self.schema) if s.get("repeating")]

    def single(self) -> list[dict[str, Any]]:
        return [s for s in schema.sections(self.schema) if not s.get("repeating")]

    def rows_in(self, section: dict[str, Any]) -> int:
        return int(self.version.totals.get(f"{section['key']}.__rows") or 0)


def _chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _with_related(versions: Any) -> Any:
    return versions.select_related(
        "ret__form_version", "ret__unit", "ret__collection__form", "ret__collection__root_unit"
    )


def version_of(*, collection_id: int, unit_id: int, number: int | None) -> ReturnVersion | None:
    """The unit's fixed version ``number`` in the collection (the latest without one), with what the files
    print about it. Access is the caller's: ``selectors.unit_in_collection`` first."""
    versions = _with_related(
        ReturnVersion.objects.filter(ret__collection_id=collection_id, ret__unit_id=unit_id)
    )
    found: ReturnVersion | None = (
        versions.filter(number=number) if number else versions.order_by("-number")
    ).first()
    return found


def load(version: ReturnVersion) -> Rollup:
    """The roll-up's tree of versions (no rows yet) and the lines of 各单位汇总: one query per level of the
    tree (and per 5,000 versions), one for the children's versions, one for the expected children."""
    ret = version.ret
    coll, unit = ret.collection, ret.unit
    sch = ret.form_version.schema
    nodes: list[Node] = []
    parents: dict[int, tuple[int, tuple[tuple[int, str], ...]]] = {version.pk: (0, ())}
    while parents:
        found: dict[int, tuple[int, tuple[tuple[int, str], ...]]] = {}
        for chunk in _chunks(list(parents), IN_LIMIT):
            rows = ReturnVersion.objects.filter(pk__in=chunk).values_list(
                "pk",
                "children",
                "ret__unit_id",
                "ret__unit__name",
                "ret__unit__sort_order",
                "ret__unit__code",
            )
            for pk, children, unit_id, name, sort_order, code in rows:
                depth, above = parents[pk]
                order = (*above, (sort_order, code))
                nodes.append(Node(pk, unit_id, name, depth, order))
                for child_id in (children or {}).values():
                    found[int(child_id)] = (depth + 1, order)
        parents = found
    nodes.sort(key=lambda n: n.order)
    own_totals = schema.totals_of_rows(sch, version.own)
    return Rollup(version, coll, unit, sch, nodes, _child_lines(version, coll, unit), own_totals)


def _child_lines(version: ReturnVersion, coll: Collection, unit: Unit) -> list[ChildLine]:
    """Every child the roll-up rolled up (its version's totals, as fixed) and every child expected that had
    not returned when it was fixed, in the unit tree's order."""
    refs = {int(u): int(v) for u, v in (version.children or {}).items()}
    level = level_of(coll, unit)
    expected = level is not None and level + 1 < len(coll.levels)
    units = Unit.objects.filter(pk__in=list(refs))
    if expected:
        units = units | Unit.objects.filter(parent=unit, is_active=True)
    rolled = {
        v["ret__unit_id"]: v
        for v in ReturnVersion.objects.filter(pk__in=list(refs.values())).values(
            "ret__unit_id", "totals", "row_count", "number", "submitted_at", "late", "late_workdays"
        )
    }
    lines = []
    for u in units.order_by("sort_order", "code"):
        v = rolled.get(u.pk)
        if v is None:
            lines.append(ChildLine(u.pk, u.name, False))
            continue
        lines.append(
            ChildLine(
                u.pk,
                u.name,
                True,
                v["totals"],
                v["row_count"],
                v["number"],
                v["submitted_at"],
                v["late"],
                v["late_workdays"],
            )
        )
    return lines


def own_rows(rollup: Rollup) -> Iterator[tuple[Node, dict[str, Any]]]:
    """Every unit's own rows ({section key: [row, …]}), in the tree's order, ``CHUNK`` versions a query."""
    for chunk in _chunks(rollup.nodes, CHUNK):
        own = dict(
            ReturnVersion.objects.filter(pk__in=[n.version_id for n in chunk]).values_list("pk", "own")
        )
        for node in chunk:
            yield node, own.get(node.version_id) or {}


# ---- columns of a section ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    field: dict[str, Any]
    part: str = ""  # a person's name / title / unit
    part_label: str = ""

    @property
    def key(self) -> str:
        return str(self.field["key"])

    @property
    def label(self) -> str:
        return str(self.field["label"])

    @property
    def type(self) -> str:
        return str(self.field.get("type") or "")


def columns_of(section: dict[str, Any]) -> list[Column]:
    """A person field is three columns (姓名, 职务, 单位) under its label; every other field one."""
    out: list[Column] = []
    for f in schema.fields_of(section):
        if f.get("type") == "person":
            out.extend(Column(f, part, label) for part, label in schema.PERSON_PARTS)
        else:
            out.append(Column(f))
    return out


def cell_value(col: Column, row: dict[str, Any]) -> Any:
    """The value as a spreadsheet cell: numbers as numbers, everything else as the table shows it."""
    return converter(col)(row)


def converter(col: Column) -> Callable[[dict[str, Any]], Any]:
    """``cell_value`` for one column, its branches decided once (150,000 rows × 25 columns)."""
    key, part, field = col.key, col.part, col.field

    def person(row: dict[str, Any]) -> Any:
        value = row.get(key)
        return (safe_cell(str(value.get(part) or "")) or None) if isinstance(value, dict) else None

    def integer(row: dict[str, Any]) -> Any:
        value = row.get(key)
        return value if isinstance(value, int) or value is None else schema.to_decimal(value)

    def money(row: dict[str, Any]) -> Any:
        value = row.get(key)
        return None if value is None or value == "" else schema.to_decimal(value)

    def text(row: dict[str, Any]) -> Any:
        value = row.get(key)
        return None if schema.is_empty(value) else safe_cell(schema.display(field, value))

    if part:
        return person
    return {"integer": integer, "money": money}.get(col.type, text)


def total_value(col: Column, totals: dict[str, Any], section_key: str) -> Any:
    """A field's total in its (first) column; nothing under fields that do not roll up."""
    if not col.field.get("rollup") or col.part not in ("", "name"):
        return None
    value = totals.get(f"{section_key}.{col.key}")
    if value is None:
        return None
    if col.type in schema.NUMERIC and col.field.get("rollup") in ("sum", "max"):
        return schema.to_decimal(value)
    if col.field.get("rollup") == "count":
        return int(value)
    return safe_cell(schema.total_display(col.field, value).replace("T", " "))


def summary_columns(rollup: Rollup) -> list[tuple[str, str, dict[str, Any] | None]]:
    """The roll-up columns of 各单位汇总: (totals key, header, field) — each repeating section's row count,
    then its fields that roll up."""
    out: list[tuple[str, str, dict[str, Any] | None]] = []
    for s in rollup.repeating():
        out.append((f"{s['key']}.__rows", f"{s['title']}（条）", None))
        for f in schema.fields_of(s):
            if f.get("rollup"):
                out.append((f"{s['key']}.{f['key']}", f["label"], f))
    return out


def summary_value(key: str, f: dict[str, Any] | None, totals: dict[str, Any]) -> Any:
    value = totals.get(key)
    if value is None:
        return None
    if f is None or f.get("rollup") == "count":
        return int(value)
    if f.get("type") in schema.NUMERIC and f.get("rollup") in ("sum", "max"):
        return schema.to_decimal(value)
    return safe_cell(schema.total_display(f, value).replace("T", " "))


# ---- XLSX ----------------------------------------------------------------------------------------------

WIDTHS = {
    "text": 16,
    "longtext": 30,
    "date": 12,
    "datetime": 17,
    "integer": 10,
    "money": 13,
    "choice": 12,
    "multichoice": 18,
    "unit": 20,
    "file": 20,
}
PERSON_WIDTHS = {"name": 10, "title": 14, "unit": 20}
UNIT_WIDTH = 26
MONEY_FORMAT = "#,##0.00"
HEADER_FILL = "F2F2F2"


class _Styles:
    """The few cell styles the workbook uses, made once per workbook."""

    def __init__(self) -> None:
        from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

        thin = Side(style="thin", color="000000")
        self.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        self.title = Font(name="宋体", size=16, bold=True)
        self.info = Font(name="宋体", size=11)
        self.bold = Font(name="宋体", size=11, bold=True)
        self.fill = PatternFill("solid", fgColor=HEADER_FILL)
        self.center = Alignment(horizontal="center", vertical="center", wrap_text=True)
        self.left = Alignment(horizontal="left", vertical="center")


def _cell(ws: Any, value: Any, **style: Any) -> Any:
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    for name, v in style.items():
        setattr(cell, name, v)
    return cell


def _sheet(wb: Any, title: str, taken: set[str]) -> Any:
    name = "".join(ch for ch in title if ch not in "[]:*?/\\")[:31] or "Sheet"
    base, n = name, 2
    while name in taken:
        name = f"{base[:28]}（{n}）"
        n += 1
    taken.add(name)
    return wb.create_sheet(name)


def _set_up(ws: Any, widths: Sequence[float], header_rows: str, freeze: str) -> None:
    """Column widths, the header rows repeated on every printed page, landscape fitted to the width."""
    from openpyxl.utils import get_column_letter

    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = freeze
    ws.print_title_rows = header_rows
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = 9  # A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _title_rows(ws: Any, st: _Styles, rollup: Rollup, title: str, width: int, extra: str = "") -> None:
    from openpyxl.utils import get_column_letter

    last = get_column_letter(max(width, 1))
    v = rollup.version
    info = (
        f"统计期：{rollup.period}　汇总单位：{rollup.unit.name}　第{v.number}版（{local_text(v.submitted_at)}"
        f" 上报）{extra}"
    )
    ws.append([_cell(ws, title, font=st.title, alignment=st.center)])
    ws.row_dimensions[1].height = 30
    ws.append([_cell(ws, info, font=st.info, alignment=st.left)])
    ws.merged_cells.add(f"A1:{last}1")
    ws.merged_cells.add(f"A2:{last}2")


def _header(ws: Any, st: _Styles, labels: list[str]) -> None:
    ws.append(
        [
            _cell(ws, text, font=st.bold, fill=st.fill, alignment=st.center, border=st.border)
            for text in labels
        ]
    )


def _section_sheet(ws: Any, st: _Styles, rollup: Rollup, section: dict[str, Any]) -> tuple[Any, list[Column]]:
    """Title, the two header rows (a person's label over 姓名/职务/单位; other labels span both rows) or one
    when the section has no person field. Returns the writer of data rows."""
    from openpyxl.utils import get_column_letter

    cols = columns_of(section)
    count = rollup.rows_in(section)
    _title_rows(
        ws, st, rollup, f"{rollup.form_name}（{section['title']}）", len(cols) + 1, f"　共 {count} 条"
    )
    two = any(c.part for c in cols)
    top = ["填报单位"]
    sub = [""]
    for c in cols:
        top.append(c.label if c.part in ("", "name") else "")
        sub.append(c.part_label)
    _header(ws, st, top)
    if two:
        _header(ws, st, sub)
        ws.merged_cells.add("A3:A4")
        for i, c in enumerate(cols, start=2):
            letter = get_column_letter(i)
            if not c.part:
                ws.merged_cells.add(f"{letter}3:{letter}4")
            elif c.part == "name":
                ws.merged_cells.add(f"{letter}3:{get_column_letter(i + 2)}3")
    header_end = 4 if two else 3
    widths = [UNIT_WIDTH, *[PERSON_WIDTHS[c.part] if c.part else WIDTHS.get(c.type, 14) for c in cols]]
    _set_up(ws, widths, f"3:{header_end}", f"B{header_end + 1}")
    return ws, cols


def xlsx_bytes(rollup: Rollup) -> bytes:
    """The roll-up as a workbook: a sheet per repeating section (its rows, one per line, under the unit
    that reported it, then 合计 from the version's totals), 各单位汇总, and a sheet per non-repeating section
    (填报信息 of every unit)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    st = _Styles()
    taken: set[str] = set()
    sections = [
        (s, *_section_sheet(_sheet(wb, s["title"], taken), st, rollup, s)) for s in rollup.repeating()
    ]
    summary = _sheet(wb, "各单位汇总", taken)
    singles = [(s, _sheet(wb, s["title"], taken)) for s in rollup.single()]
    single_rows: list[list[list[Any]]] = [[] for _ in singles]

    writers = [
        (section["key"], ws, [(converter(c), c.type == "money") for c in cols])
        for section, ws, cols in sections
    ]
    for node, own in own_rows(rollup):
        for key, ws, convert in writers:
            for row in own.get(key) or []:
                values: list[Any] = [node.name]
                for value_of, is_money in convert:
                    value = value_of(row)
                    if is_money and value is not None:
                        value = _cell(ws, value, number_format=MONEY_FORMAT)
                    values.append(value)
                ws.append(values)
        for i, (section, _) in enumerate(singles):
            data = own.get(section["key"])
            row = data[0] if isinstance(data, list) and data else data if isinstance(data, dict) else {}
            if any(not schema.is_empty(v) for v in row.values()):
                single_rows[i].append([node.name, *[cell_value(c, row) for c in columns_of(section)]])

    totals = rollup.version.totals
    for section, ws, cols in sections:
        line: list[Any] = [_cell(ws, "合计", font=st.bold, border=st.border)]
        for c in cols:
            value = total_value(c, totals, section["key"])
            style = {"font": st.bold, "border": st.border}
            if c.type == "money" and isinstance(value, Decimal):
                style["number_format"] = MONEY_FORMAT
            line.append(_cell(ws, value, **style))
        ws.append(line)
        ws.append(["注：合计由系统根据各单位上报的数据计算。"])

    _summary_sheet(summary, st, rollup)
    for (section, ws), rows in zip(singles, single_rows, strict=True):
        cols = columns_of(section)
        _title_rows(ws, st, rollup, f"{rollup.form_name}（{section['title']}）", len(cols) + 1)
        _header(ws, st, ["填报单位", *[c.part_label if c.part else c.label for c in cols]])
        _set_up(ws, [UNIT_WIDTH, *[WIDTHS.get(c.type, 16) for c in cols]], "3:3", "B4")
        for values in rows:
            ws.append(values)

    with tempfile.TemporaryFile() as out:
        wb.save(out)
        out.seek(0)
        return out.read()


def _summary_sheet(ws: Any, st: _Styles, rollup: Rollup) -> None:
    """各单位汇总: each child's totals as its rolled-up version fixed them, the unit's own rows, 合计."""
    cols = summary_columns(rollup)
    headers = ["单位", "上报情况", "版本", "上报时间", "迟报（工作日）", *[h for _, h, _ in cols]]
    _title_rows(ws, st, rollup, f"{rollup.form_name}（各单位汇总）", len(headers))
    _header(ws, st, headers)
    widths = [UNIT_WIDTH, 10, 6, 17, 10, *[max(10.0, len(h) * 2.0) for _, h, _ in cols]]
    _set_up(ws, [min(w, 30) for w in widths], "3:3", "B4")

    def figures(totals: dict[str, Any]) -> list[Any]:
        out = []
        for key, _, f in cols:
            value = summary_value(key, f, totals)
            if isinstance(value, Decimal) and f is not None and f.get("type") == "money":
                value = _cell(ws, value, number_format=MONEY_FORMAT)
            out.append(value)
        return out

    for c in rollup.children:
        late = (c.late_workdays or "是") if c.late else None
        ws.append(
            [
                c.name,
                c.state,
                c.number or None,
                local_text(c.submitted_at) or None,
                late,
                *(figures(c.totals) if c.rolled_up else [None] * len(cols)),
            ]
        )
    ws.append([f"本级（{rollup.unit.name}）", "", None, None, None, *figures(rollup.own_totals)])
    total = [_cell(ws, v, font=st.bold, border=st.border) for v in ["合计", "", None, None, None]]
    for value in figures(rollup.version.totals):
        if hasattr(value, "font"):
            value.font, value.border = st.bold, st.border
            total.append(value)
        else:
            total.append(_cell(ws, value, font=st.bold, border=st.border))
    ws.append(total)
    missing = sum(1 for c in rollup.children if not c.rolled_up)
    ws.append(
        [f"注：应报 {len(rollup.children)} 个单位，已汇总 {len(rollup.children) - missing} 个；合计含本级。"]
    )


# ---- files ---------------------------------------------------------------------------------------------


def base_name(version: ReturnVersion) -> str:
    """The files' name: 政务接待信息报告表-某市人民政府办公室-2026-03-第1版."""
    coll = version.ret.collection
    return f"{coll.form.name}-{version.ret.unit.name}-{coll.period}-第{version.number}版"


@functools.cache
def code_digest() -> str:
    """This module's and the renderer's code and print templates: a release that draws roll-ups
    differently renders them afresh."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    sources = [here / "exports.py", here / "render.py", here / "schema.py"]
    sources += sorted((here / "templates" / "datareports" / "print").glob("*"))
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cache_key(version: ReturnVersion, fmt: str) -> str:
    """What a file of the version shows, without reading its tree: the fixed version itself, and the names
    and active flags of the units under its unit (a renamed unit prints its new name; a unit added since
    shows as not returned). One query of two short columns, against the tree's one a level."""
    v = version
    coll = v.ret.collection
    unit = v.ret.unit
    digest = hashlib.sha256(f"datareport|{fmt}|{code_digest()}".encode())
    digest.update(f"|{v.pk}|{v.ret_id}|{v.number}|{v.submitted_at.isoformat()}|{v.row_count}".encode())
    digest.update(f"|{coll.pk}|{coll.form.name}|{coll.period}|{unit.pk}".encode())
    names = (
        Unit.objects.filter(path__startswith=unit.path).order_by("pk").values_list("pk", "name", "is_active")
    )
    for pk, name, active in names.iterator(chunk_size=5000):
        digest.update(f"|{pk}:{name}:{int(active)}".encode())
    return digest.hexdigest()


def render(rollup: Rollup, fmt: str) -> bytes:
    """The roll-up in ``fmt`` (xlsx, pdf, docx), drawn now."""
    from baosong.datareports import render as documents

    if fmt == "xlsx":
        return xlsx_bytes(rollup)
    doc = documents.report_document(rollup)
    return documents.rollup_pdf(doc) if fmt == "pdf" else documents.rollup_docx(doc)


def rollup_file(version: ReturnVersion, fmt: str) -> bytes:
    """The version's file in ``fmt``: from the cache, else read, drawn and kept there (once per version)."""
    return cached_render(cache_key(version, fmt), fmt, lambda: render(load(version), fmt))


PRERENDER_ROWS = 10_000  # a roll-up this large is rendered ahead of its first download


@task()
def rollup_prerender(*, version_id: int) -> int:
    """Render a fixed roll-up's XLSX, PDF and DOCX into the cache: a province's workbook takes openpyxl
    most of a minute, which its first download then does not wait for."""
    version = _with_related(ReturnVersion.objects).filter(pk=version_id).first()
    if version is None:
        return 0
    for fmt in FORMATS:
        rollup_file(version, fmt)
    return len(FORMATS)


def prerender_after_commit(version: ReturnVersion) -> None:
    """Queue ``rollup_prerender`` for a large version once the submission that fixed it commits."""
    if version.row_count >= PRERENDER_ROWS:
        version_id = version.pk
        transaction.on_commit(lambda: rollup_prerender.enqueue(version_id=version_id))


# ---- the outside recipients' package -------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    name: str
    due_text: str
    due: dt.date | None


def recipients_of(coll: Collection) -> list[Recipient]:
    """The collection's outside recipients (同级纪检监察机关…) with their due days on the root's calendar."""
    out = []
    cal = calendar_for(coll.root_unit) if coll.recipients else None
    for r in coll.recipients or []:
        rule = r.get("due") or {"kind": "period_end"}
        due = periods.due_date(rule, coll.period_end, cal) if cal is not None else None
        out.append(Recipient(str(r.get("name") or ""), periods.due_text(rule), due))
    return out


def recipients_package(version: ReturnVersion) -> tuple[str, bytes]:
    """The root's roll-up for the outside recipients, "as documents": a ZIP with the 报告表 as PDF and DOCX,
    the workbook, and the 送达清单 (PDF to print and sign, and text) naming each recipient, its due day and
    every file with its SM3 digest. Returns (file name, bytes)."""
    from baosong.core.crypto import sm3_hex
    from baosong.datareports import render as documents

    coll = version.ret.collection
    base = base_name(version)
    files = [(f"{base}.{fmt}", rollup_file(version, fmt)) for fmt in ("pdf", "docx", "xlsx")]
    listing = documents.DeliveryList(
        form_name=coll.form.name,
        period=period_label(coll),
        unit_name=version.ret.unit.name,
        number=version.number,
        submitted=local_text(version.submitted_at),
        rows=version.row_count,
        recipients=[(r.name, r.due_text, date_cn(r.due)) for r in recipients_of(coll)],
        files=[(name, len(data), sm3_hex(data)) for name, data in files],
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in files:
            # The XLSX and DOCX are zips already: stored, not compressed twice.
            kind = zipfile.ZIP_STORED if name.endswith((".xlsx", ".docx")) else zipfile.ZIP_DEFLATED
            z.writestr(name, data, compress_type=kind)
        z.writestr("送达清单.pdf", documents.delivery_pdf(listing))
        z.writestr("送达清单.txt", documents.delivery_text(listing).encode("utf-8"))
    return f"{base}-送达材料.zip", out.getvalue()
