"""Tables as files for Excel: CSV streamed row by row (UTF-8 with a BOM, or Excel reads it as GBK) and XLSX
through openpyxl's write-only mode into a temporary file, so neither holds the whole table in memory. The
first row is the header. Text a spreadsheet would run as a formula is kept as text."""

from __future__ import annotations

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.utils.http import content_disposition_header

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: Any) -> Any:
    """A title starting with "=" stays a title: Excel would otherwise run it (CSV injection)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(rows: Iterable[Sequence[Any]]) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([safe_cell(v) for v in row])


def xlsx_file(
    rows: Iterable[Sequence[Any]], *, sheet: str, freeze: str | None = None, widths: Sequence[int] = ()
) -> io.BufferedRandom:
    """The header row in bold; ``widths`` in characters, column by column."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    if freeze:
        ws.freeze_panes = freeze
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    table = iter(rows)
    head = []
    for name in next(table, []):
        cell = WriteOnlyCell(ws, value=name)
        cell.font = Font(bold=True)
        head.append(cell)
    ws.append(head)
    for row in table:
        ws.append([safe_cell(v) for v in row])
    out = tempfile.TemporaryFile()  # noqa: SIM115 (handed to FileResponse, which closes it)
    wb.save(out)
    out.seek(0)
    return out


def table_response(
    rows: Iterable[Sequence[Any]],
    *,
    fmt: str,
    filename: str,
    sheet: str,
    freeze: str | None = None,
    widths: Sequence[int] = (),
) -> StreamingHttpResponse | FileResponse:
    """The table as a download: ``fmt`` "csv" or "xlsx"; ``filename`` without its extension."""
    name = f"{filename}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(csv_stream(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(True, name) or ""
        return response
    return FileResponse(
        xlsx_file(rows, sheet=sheet, freeze=freeze, widths=widths),
        as_attachment=True,
        filename=name,
        content_type=XLSX_TYPE,
    )


__all__ = ["XLSX_TYPE", "csv_stream", "safe_cell", "table_response", "xlsx_file"]
