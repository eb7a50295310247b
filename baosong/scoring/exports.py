"""Statistics tables as XLSX (openpyxl): what the dashboard shows, one sheet per table."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from baosong.scoring.selectors import ADOPTION_LEVELS, StatsRow

STATS_HEADERS = [
    "单位",
    "应报单位数",
    "已报单位数",
    "报送率%",
    "报送信息",
    "按时报送",
    "按时率%",
    *[f"{label}级采用" for _, label in ADOPTION_LEVELS],
    "采用合计",
    "采用率%",
    "领导批示",
    "响应约稿",
    "约稿未报",
    "平均接收时长（小时）",
    "任务完成单位",
    "应完成单位",
    "积分",
]


def stats_row(r: StatsRow) -> list[Any]:
    c = r.counters
    return [
        r.unit_name,
        r.expected,
        r.reporting,
        r.reporting_rate,
        c["submitted"],
        c["on_time"],
        r.on_time_rate,
        *[c[f] for f, _ in ADOPTION_LEVELS],
        r.adopted,
        r.adoption_rate,
        c["instructions"],
        c["solicitation_answered"],
        c["solicitation_missed"],
        r.receive_hours,
        r.quota_met,
        r.quota_expected,
        float(r.points),
    ]


def workbook(sheets: list[tuple[str, str, list[str], list[list[Any]]]]) -> bytes:
    """sheets: (sheet name, title line, headers, rows)."""
    wb = Workbook()
    wb.remove(wb.active)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="F2F2F2")
    for name, title, headers, rows in sheets:
        ws = wb.create_sheet(name[:31])
        ws.append([title])
        ws["A1"].font = Font(bold=True, size=14)
        ws.append(headers)
        for cell in ws[2]:
            cell.font, cell.fill = bold, fill
            cell.alignment = Alignment(horizontal="center", wrap_text=True)
        for row in rows:
            ws.append(row)
        for i, header in enumerate(headers, start=1):
            width = max(
                [len(str(header)) * 2, *[len(str(r[i - 1])) * 2 for r in rows[:200] if r[i - 1] is not None]]
            )
            ws.column_dimensions[get_column_letter(i)].width = min(max(width, 8), 40)
        ws.freeze_panes = "B3"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
