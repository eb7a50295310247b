"""通报: each unit's rank change against the previous period (↑ / ↓ / — / 新) and its 批示率, on the page and
in the XLSX, DOCX and PDF; 稿酬 for 批示 and external (media) adoptions, less the deductions."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
import tempfile
from decimal import Decimal
from typing import Any

import docx
import openpyxl
import pytest
from django.utils import timezone

from baosong.core.outbox import deliver
from baosong.orgs.models import Unit
from baosong.scoring import bulletins
from baosong.scoring.models import LedgerEntry, RemunerationRate
from baosong.scoring.selectors import parse_period
from baosong.scoring.services import ledger_adjust

TODAY = timezone.localdate()
PERIOD = TODAY.strftime("%Y-%m")
LAST_MONTH = TODAY.replace(day=1) - dt.timedelta(days=1)


@pytest.fixture
def moved(cast: Any) -> dict[str, str]:
    """Last month 杨柳乡 30 before 新桥镇 10; this month 新桥镇 50, 杨柳乡 20 and 城关镇 (new) 5."""
    by = cast.county_editor.user
    units = {u.name: u for u in Unit.objects.filter(parent=cast.county_editor.unit)}
    for name, points in [("东湖区杨柳乡", 30), ("东湖区新桥镇", 10)]:
        ledger_adjust(by=by, unit=units[name], points=Decimal(points), reason="上月积分", day=LAST_MONTH)
    for name, points in [("东湖区新桥镇", 50), ("东湖区杨柳乡", 20), ("东湖区城关镇", 5)]:
        ledger_adjust(by=by, unit=units[name], points=Decimal(points), reason="本月积分")
    deliver("scoring")
    return {"东湖区新桥镇": "↑1", "东湖区杨柳乡": "↓1", "东湖区城关镇": "新"}


def test_previous_periods() -> None:
    assert bulletins.previous_period(parse_period("2026-01")).text == "2025-12"
    assert bulletins.previous_period(parse_period("2026-Q1")).text == "2025-Q4"
    assert bulletins.previous_period(parse_period("2026-Q3")).text == "2026-Q2"
    assert bulletins.previous_period(parse_period("2026")).text == "2025"
    assert [bulletins.rank_change(1, b) for b in (4, 1, None)] == ["↑3", "—", "新"]
    assert bulletins.rank_change(3, 2) == "↓1"
    assert bulletins.instruction_rate(1, 4) == 25.0 and bulletins.instruction_rate(0, 0) is None


def test_the_ranking_shows_each_units_change_against_last_month(cast, moved):
    data = bulletins.bulletin_data(cast.county_editor.unit, parse_period(PERIOD))
    changes = {r["unit"]: r["change"] for r in data["ranking"][:3]}
    assert changes == moved
    assert data["previous_label"] == parse_period(LAST_MONTH.strftime("%Y-%m")).label


def test_the_page_and_the_documents_carry_the_rank_change(cast, moved, client_as):
    bulletin = bulletins.bulletin_for_period(
        by=cast.county_editor.user, unit=cast.county_editor.unit, period=PERIOD
    )
    client = client_as("county_editor")
    page = client.get(f"/bulletins/{bulletin.pk}/").content.decode()
    assert "名次变化" in page and "批示率" in page and "↑1" in page and "↓1" in page

    sheet = openpyxl.load_workbook(io.BytesIO(client.get(f"/bulletins/{bulletin.pk}/document.xlsx").content))
    rows = list(sheet["排名"].iter_rows(min_row=2, values_only=True))
    assert rows[0][-1] == "名次变化" and "批示率" in rows[0]
    assert {r[1]: r[-1] for r in rows[1:4]} == moved

    document = docx.Document(io.BytesIO(client.get(f"/bulletins/{bulletin.pk}/document.docx").content))
    ranking = next(t for t in document.tables if t.rows[0].cells[-1].text == "名次变化")
    assert {row.cells[1].text: row.cells[-1].text for row in ranking.rows[1:4]} == moved


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_carries_the_rank_change(cast, moved, api):
    response = api("county_editor").get(f"/api/v1/bulletins/{PERIOD}.pdf")
    assert response.status_code == 200
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(response.content)
        f.flush()
        text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True).stdout
    lines = {name: next(line for line in text.splitlines() if name in line) for name in moved}
    assert all(line.rstrip().endswith(change) for name, change in moved.items() for line in [lines[name]])


def test_remuneration_pays_instructions_and_external_adoptions_less_deductions(cast):
    """The 稿酬 of the ledger rows of a month: adoptions by level, 批示, external adoptions at the external
    rate once set, less a 不合规 item and an urgent item sent late."""
    from baosong.editorial.tests.conftest import sent_to_county

    report = sent_to_county(cast).report
    author, unit = report.author, report.source_unit
    now = timezone.now()
    rows = [
        ("adopted", "county", Decimal(5)),
        ("instruction", "city", Decimal(10)),
        ("external_adoption", "province", Decimal(8)),
        ("penalty_late_urgent", "", Decimal(-2)),
    ]
    for code, level, points in rows:
        LedgerEntry.objects.create(
            unit=unit, author=author, report_id=report.pk, code=code, level=level, points=points,
            occurred_at=now, year=now.year, month=now.month,
        )  # fmt: skip
    LedgerEntry.objects.create(
        unit=unit, author=None, report_id=report.pk, code="penalty_nonconforming", points=Decimal(-1),
        occurred_at=now, year=now.year, month=now.month,
    )  # fmt: skip
    period = parse_period(PERIOD)
    # Defaults: county 50, 批示 100, external adoption at its level's rate (province 200), no deductions.
    [entry] = bulletins.remuneration(cast.county_editor.unit, period)
    assert (entry["name"], entry["instructions"], Decimal(entry["amount"])) == (author.full_name, 1, 350)
    RemunerationRate.objects.create(level="external", amount=Decimal(30))
    RemunerationRate.objects.create(level="deduct_late", amount=Decimal(20))
    RemunerationRate.objects.create(level="deduct_nonconf", amount=Decimal(15))
    [entry] = bulletins.remuneration(cast.county_editor.unit, period)
    assert (entry["external"], Decimal(entry["deducted"]), Decimal(entry["amount"])) == (1, 35, 145)
