"""通报: the ranking in the right order in XLSX, DOCX and PDF; ties by the documented rule; release
freezes and numbers it; scope."""

from __future__ import annotations

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
from baosong.scoring.models import Bulletin
from baosong.scoring.selectors import parse_period
from baosong.scoring.services import ledger_adjust

PERIOD = timezone.localdate().strftime("%Y-%m")


def towns(cast: Any) -> list[Unit]:
    return list(Unit.objects.filter(parent=cast.county_editor.unit).order_by("sort_order", "name"))


@pytest.fixture
def ranked(cast: Any) -> list[str]:
    """Points given by manual adjustments: 杨柳乡 30, 新桥镇 10, 城关镇 10 (tie), the rest 0."""
    by = cast.county_editor.user
    units = {u.name: u for u in towns(cast)}
    for name, points in [("东湖区杨柳乡", 30), ("东湖区新桥镇", 10), ("东湖区城关镇", 10)]:
        ledger_adjust(by=by, unit=units[name], points=Decimal(points), reason="测试用积分")
    deliver("scoring")
    # Ties share a rank and list in the unit tree's order: 城关镇 (order 1) before 新桥镇 (order 2).
    return ["东湖区杨柳乡", "东湖区城关镇", "东湖区新桥镇"]


def test_the_ranking_orders_by_points_and_breaks_ties_by_the_documented_rule(cast, ranked):
    data = bulletins.bulletin_data(cast.county_editor.unit, parse_period(PERIOD))
    names = [r["unit"] for r in data["ranking"]]
    assert names[:3] == ranked
    assert [r["rank"] for r in data["ranking"][:3]] == [1, 2, 2]
    assert "并列" in bulletins.RANK_RULE


def test_the_xlsx_holds_the_ranking_in_order(cast, ranked, client_as):
    bulletin = bulletins.bulletin_for_period(
        by=cast.county_editor.user, unit=cast.county_editor.unit, period=PERIOD
    )
    response = client_as("county_editor").get(f"/bulletins/{bulletin.pk}/document.xlsx")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content))["排名"]
    names = [row[1] for row in sheet.iter_rows(min_row=3, values_only=True)]
    assert names[:3] == ranked


def test_the_docx_holds_the_ranking_in_order(cast, ranked, client_as):
    bulletin = bulletins.bulletin_for_period(
        by=cast.county_editor.user, unit=cast.county_editor.unit, period=PERIOD
    )
    response = client_as("county_editor").get(f"/bulletins/{bulletin.pk}/document.docx")
    assert response.status_code == 200
    document = docx.Document(io.BytesIO(response.content))
    cells = [row.cells[1].text for table in document.tables for row in table.rows if len(row.cells) > 10]
    assert [c for c in cells if c in ranked][:3] == ranked


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_the_pdf_holds_the_ranking_in_order(cast, ranked, api):
    response = api("county_editor").get(f"/api/v1/bulletins/{PERIOD}.pdf")
    assert response.status_code == 200 and response.content[:4] == b"%PDF"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(response.content)
        f.flush()
        text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True).stdout
    positions = [text.index(name) for name in ranked]
    assert positions == sorted(positions)
    assert "政务信息工作通报" in text.replace(" ", "")


def test_release_freezes_numbers_and_notifies(cast, ranked, client_as, django_capture_on_commit_callbacks):
    bulletin = bulletins.bulletin_for_period(
        by=cast.county_editor.user, unit=cast.county_editor.unit, period=PERIOD
    )
    client = client_as("county_editor")
    client.post(f"/bulletins/{bulletin.pk}/", {"remarks": "请各乡镇对照查找差距。", "to_portal": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/bulletins/{bulletin.pk}/", {"action": "release"})
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.RELEASED and bulletin.number == 1
    assert [r["unit"] for r in bulletin.snapshot["ranking"]][:3] == ranked
    # Later points do not change a released bulletin.
    ledger_adjust(by=cast.county_editor.user, unit=towns(cast)[3], points=Decimal(100), reason="事后加分")
    response = client.get(f"/bulletins/{bulletin.pk}/document.xlsx")
    names = [
        row[1]
        for row in openpyxl.load_workbook(io.BytesIO(response.content))["排名"].iter_rows(
            min_row=3, values_only=True
        )
    ]
    assert names[:3] == ranked
    # The townships can read the released bulletin; another county cannot.
    town = client_as("township_reporter")
    assert "东湖区杨柳乡" in town.get(f"/bulletins/{bulletin.pk}/").content.decode()
    assert town.get("/bulletins/").status_code == 200
    assert client_as("outsider_editor").get(f"/bulletins/{bulletin.pk}/").status_code == 404
    from baosong.notifications.models import Notification

    assert Notification.objects.filter(url=f"/bulletins/{bulletin.pk}/").exists()
    # Released with 在门户公开: the public portal lists and shows it, without logging in.
    from django.test import Client

    portal = Client()
    assert f"/portal/bulletins/{bulletin.pk}/" in portal.get("/portal/").content.decode()
    assert "东湖区杨柳乡" in portal.get(f"/portal/bulletins/{bulletin.pk}/").content.decode()


def test_the_api_bulletin_is_scoped_and_checks_its_period(cast, api):
    assert api("county_editor").get(f"/api/v1/bulletins/{PERIOD}.xlsx").status_code == 200
    assert api("county_editor").get("/api/v1/bulletins/2026-14.xlsx").status_code == 400
    assert api("county_editor").get(f"/api/v1/bulletins/{PERIOD}.odt").status_code == 404
    city = cast.city_editor.unit.pk
    assert api("county_editor").get(f"/api/v1/bulletins/{PERIOD}.xlsx?unit={city}").status_code == 404


def test_the_bulletin_page_costs_the_same_queries_for_more_units_and_points(cast, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    bulletin = bulletins.bulletin_for_period(
        by=cast.county_editor.user, unit=cast.county_editor.unit, period=PERIOD
    )
    client = client_as("county_editor")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/bulletins/{bulletin.pk}/").status_code == 200
        return len(
            [
                q
                for q in ctx.captured_queries
                if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
            ]
        )

    few = count()
    units = towns(cast)
    for unit in units:
        ledger_adjust(by=cast.county_editor.user, unit=unit, points=Decimal(3), reason="加分")
    Unit.objects.create(
        name="东湖区新区街道",
        code="DEMO-C1-1-9",
        level="township",
        parent=cast.county_editor.unit,
        path=f"{cast.county_editor.unit.path}999999/",
        depth=cast.county_editor.unit.depth + 1,
    )
    assert count() == few <= 30


def _pdf_text(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(content)
        f.flush()
        text = subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True, text=True).stdout
    return "".join(text.split())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_publishing_without_saving_first_releases_the_remarks_and_portal_choice_on_the_screen(
    cast, ranked, client_as, django_capture_on_commit_callbacks
):
    bulletin = bulletins.bulletin_for_period(
        by=cast.county_editor.user, unit=cast.county_editor.unit, period=PERIOD
    )
    client = client_as("county_editor")
    page = client.get(f"/bulletins/{bulletin.pk}/").content.decode()
    # One form carries 说明, the portal box and both buttons: 发布 sends what is on the screen.
    form = page[page.index('name="remarks"') - 400 : page.index('value="release"')]
    assert form.count("<form") == 1 and 'name="to_portal"' in form
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/bulletins/{bulletin.pk}/",
            {"remarks": "请各乡镇对照查找差距，补齐短板。", "to_portal": "on", "action": "release"},
        )
    assert response.status_code == 302
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.RELEASED
    assert bulletin.remarks == "请各乡镇对照查找差距，补齐短板。" and bulletin.to_portal
    pdf = client.get(f"/bulletins/{bulletin.pk}/document.pdf")
    assert "请各乡镇对照查找差距，补齐短板。" in _pdf_text(pdf.content)
    from django.test import Client

    assert f"/portal/bulletins/{bulletin.pk}/" in Client().get("/portal/").content.decode()
