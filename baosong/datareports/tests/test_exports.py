"""A fixed roll-up as XLSX, PDF and DOCX, and the package for the outside recipients: through the download
pages, as the county and city editors get them."""

from __future__ import annotations

import io
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from baosong.core.crypto import sm3_hex
from baosong.core.models import AuditEvent
from baosong.core.tests.pdf_layout import docx_to_pdf, needs_poppler, needs_soffice
from baosong.datareports import exports, render, selectors
from baosong.datareports.tests.conftest import fill_and_submit, person, reception_row
from baosong.orgs.models import Unit
from conftest import login


@pytest.fixture(autouse=True)
def _own_cache(settings: Any, tmp_path: Path) -> None:
    settings.DOCUMENT_CACHE_DIR = tmp_path / "documents"


@pytest.fixture
def county_rollup(cast: Any, march: Any) -> Any:
    """The county's March roll-up: two townships and a department below it, its own row, one township of
    the county that has not returned."""
    county = cast.county_editor.unit
    town_a = cast.township_reporter.unit
    town_b = Unit.objects.filter(parent=county, level="township").exclude(pk=town_a.pk).order_by("pk").first()
    dept = Unit.objects.filter(parent=county, kind="department").order_by("pk").first()
    fill_and_submit(
        march,
        town_a,
        cast.township_reporter.user,
        [
            reception_row("2026-03-05T09:00", 6, 2, "800.00", "360.50"),
            reception_row("2026-03-20T14:00", 3, 0, "0", "120.00", "50.00"),
        ],
        "2026-04-01",
    )
    fill_and_submit(
        march, town_b, person(town_b), [reception_row("2026-03-11T10:00", 4, 1, "400.00")], "2026-04-20"
    )
    fill_and_submit(
        march, dept, person(dept), [reception_row("2026-03-18T08:30", 10, 3, "1500.00")], "2026-04-01"
    )
    own = [reception_row("2026-03-30T09:00", 5, 5, "0", "0", "0", "99.99")]
    return fill_and_submit(march, county, cast.county_editor.user, own, "2026-04-08")


def url(ret: Any, fmt: str, number: int | None = None) -> str:
    version = f"v/{number}/" if number else ""
    return f"/datareports/c/{ret.collection_id}/u/{ret.unit_id}/{version}rollup.{fmt}"


def test_the_workbook_has_the_forms_layout_and_the_systems_totals(cast, county_rollup, client):
    login(client, cast.county_editor)
    response = client.get(url(county_rollup, "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "filename*=utf-8''" in response["Content-Disposition"]
    version = selectors.versions_of(county_rollup)[-1]
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["接待情况", "各单位汇总", "填报信息"]

    ws = wb["接待情况"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][0] == "政务接待信息报告表（接待情况）"
    assert "统计期：2026年3月" in rows[1][0] and cast.county_editor.unit.name in rows[1][0]
    top, sub = rows[2], rows[3]
    assert top[:4] == ("填报单位", "接待时间", "接待地点", "接待对象")
    assert sub[3:6] == ("姓名", "职务", "单位")
    assert "费用总额（元）" in top and "其他需要报告的事项" in top
    assert {"A3:A4", "D3:F3"} <= {str(r) for r in ws.merged_cells.ranges}
    data = rows[4:-2]
    assert len(data) == version.row_count == 5
    # One line per row under the unit that reported it, the county's own row first (the tree's order).
    assert [r[0] for r in data].count(cast.township_reporter.unit.name) == 2
    assert data[0][0] == cast.county_editor.unit.name
    assert data[0][3:6] == ("王明", "调研员", "市发展改革委")
    total = dict(zip(top, rows[-2], strict=True))
    assert total["填报单位"] == "合计"
    assert total["接待总人数"] == version.totals["rows.guests_total"] == 28
    assert Decimal(str(total["费用总额（元）"])) == Decimal(version.totals["rows.cost_total"])
    assert total["接待地点"] is None  # no total for what does not roll up
    money = [c for c in ws[5] if isinstance(c.value, float | int) and c.column > 10]
    assert money and all(c.number_format == "#,##0.00" for c in money)

    summary = list(wb["各单位汇总"].iter_rows(values_only=True))
    head = summary[2]
    lines = {r[0]: dict(zip(head, r, strict=True)) for r in summary[3:-1]}
    town_a = lines[cast.township_reporter.unit.name]
    assert town_a["上报情况"] == "已汇总" and town_a["接待情况（条）"] == 2 and town_a["接待总人数"] == 9
    assert sum(1 for line in lines.values() if line["上报情况"] == "未上报") >= 1
    assert lines["合计"]["接待总人数"] == 28 and lines["合计"]["接待情况（条）"] == 5
    assert lines[f"本级（{cast.county_editor.unit.name}）"]["接待总人数"] == 5
    # The 5 March 接待 reported on 1 April is 9 working days late; the township that returned on 20 April
    # is late too. The department reported its 18 March 接待 on the tenth working day.
    late = {line["单位"] for line in lines.values() if line["迟报（工作日）"]}
    assert cast.township_reporter.unit.name in late and len(late) == 2

    filler = list(wb["填报信息"].iter_rows(values_only=True))
    assert filler[2] == ("填报单位", "填报人", "联系电话")
    assert len(filler) == 3 + 4 and {r[1] for r in filler[3:]} == {"张三"}

    event = AuditEvent.objects.filter(event_type="datareport.export").latest("pk")
    assert event.details == {"format": "xlsx", "rows": 5, "version": 1}
    assert event.object_id == str(county_rollup.pk)


def test_rows_come_in_the_trees_order_across_chunks(cast, county_rollup, monkeypatch):
    version = selectors.versions_of(county_rollup)[-1]
    whole = [(n.unit_id, len(own.get("rows", []))) for n, own in exports.own_rows(exports.load(version))]
    monkeypatch.setattr(exports, "CHUNK", 1)
    monkeypatch.setattr(exports, "IN_LIMIT", 1)
    chunked = [(n.unit_id, len(own.get("rows", []))) for n, own in exports.own_rows(exports.load(version))]
    assert chunked == whole and sum(n for _, n in whole) == 5
    assert whole[0][0] == cast.county_editor.unit.pk


def test_an_earlier_version_stays_downloadable(cast, march, county_rollup, client):
    from baosong.datareports import services
    from baosong.datareports.tests.conftest import travel

    county, editor = cast.county_editor.unit, cast.county_editor.user
    with travel("2026-04-09"):
        services.return_reopen(ret=county_rollup, by=editor)
    fill_and_submit(march, county, editor, [], "2026-04-09")
    login(client, cast.county_editor)
    first = load_workbook(io.BytesIO(client.get(url(county_rollup, "xlsx", 1)).content))
    latest = load_workbook(io.BytesIO(client.get(url(county_rollup, "xlsx")).content))
    assert "第1版" in first["接待情况"]["A2"].value and "第2版" in latest["接待情况"]["A2"].value
    assert first["接待情况"].max_row == 4 + 5 + 2 and latest["接待情况"].max_row == 4 + 4 + 2
    assert client.get(url(county_rollup, "xlsx", 3)).status_code == 404


def _pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout


@needs_poppler
def test_the_pdf_report_table_shows_title_units_and_signature(cast, county_rollup, client, tmp_path):
    login(client, cast.county_editor)
    response = client.get(url(county_rollup, "pdf"))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _pdf_text(response.content, tmp_path)
    for expected in (
        "政务接待信息报告表",
        "2026年3月",
        "一、各单位汇总情况",
        "二、接待情况明细",
        cast.township_reporter.unit.name,
        "合计",
        "填报单位（盖章）",
        "填报日期：2026年4月8日",
        "填报人：张三",
    ):
        assert expected in text, expected
    assert "未上报" in text and "迟报" in text


@needs_poppler
def test_a_large_rollup_prints_the_totals_and_points_to_the_workbook(
    cast, county_rollup, monkeypatch, tmp_path
):
    monkeypatch.setattr(render, "DETAIL_CAP", 3)
    version = selectors.versions_of(county_rollup)[-1]
    doc = render.report_document(exports.load(version))
    assert len(doc.tables) == 1 and "超过 3 条" in doc.tables[0].note
    text = _pdf_text(render.rollup_pdf(doc), tmp_path).replace("\n", "").replace(" ", "")
    assert "明细不在本表中列出" in text and ".xlsx" in text


@needs_soffice
@needs_poppler
def test_the_docx_opens_in_libreoffice_with_its_title_and_tables(cast, county_rollup, client, tmp_path):
    login(client, cast.county_editor)
    response = client.get(url(county_rollup, "docx"))
    assert response.status_code == 200
    assert response["Content-Type"].endswith("wordprocessingml.document")
    pdf = docx_to_pdf(response.content, tmp_path)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    text = "".join(text.split())  # LibreOffice sets a little space between Chinese and figures
    for expected in (
        "政务接待信息报告表",
        "（2026年3月）",
        "各单位汇总情况",
        cast.township_reporter.unit.name,
        "填报单位（盖章）",
    ):
        assert expected in text, expected


def test_only_who_may_see_the_return_downloads_it(cast, march, county_rollup, client_as):
    town = cast.township_reporter.unit
    town_ret = county_rollup.__class__.objects.get(collection=march, unit=town)
    outsider = client_as("outsider_editor")
    for fmt in ("xlsx", "pdf", "docx"):
        assert outsider.get(url(county_rollup, fmt)).status_code == 404
    assert outsider.get(url(town_ret, "xlsx")).status_code == 404
    reporter = client_as("township_reporter")
    assert reporter.get(url(town_ret, "xlsx")).status_code == 200  # its own return
    assert reporter.get(url(county_rollup, "xlsx")).status_code == 404
    city = client_as("city_editor")
    assert city.get(url(county_rollup, "xlsx")).status_code == 200  # the level above
    assert city.get(url(county_rollup, "csv")).status_code == 404
    # The city has not submitted yet: nothing to download.
    city_url = f"/datareports/c/{march.pk}/u/{cast.city_editor.unit.pk}/rollup.pdf"
    assert city.get(city_url).status_code == 404
    assert city.get(f"/datareports/c/{march.pk}/u/99999999/rollup.pdf").status_code == 404
    assert city.get(f"/datareports/c/{march.pk}/u/{2**70}/rollup.pdf").status_code == 404


def test_the_recipients_package_holds_the_documents_and_the_delivery_list(cast, march, county_rollup, client):
    city = fill_and_submit(march, cast.city_editor.unit, cast.city_editor.user, [], "2026-04-17")
    login(client, cast.city_editor)
    response = client.get(f"/datareports/c/{march.pk}/u/{city.unit_id}/v/1/package.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    z = zipfile.ZipFile(io.BytesIO(response.content))
    names = z.namelist()
    base = f"政务接待信息报告表-{cast.city_editor.unit.name}-2026-03-第1版"
    assert names == [f"{base}.pdf", f"{base}.docx", f"{base}.xlsx", "送达清单.pdf", "送达清单.txt"]
    listing = z.read("送达清单.txt").decode("utf-8")
    assert "同级纪检监察机关" in listing and "同级审计机关" in listing
    assert "次月 25 日前（2026年4月25日）" in listing
    for name in names[:3]:
        assert sm3_hex(z.read(name)) in listing
    wb = load_workbook(io.BytesIO(z.read(f"{base}.xlsx")))
    assert wb["接待情况"].max_row == 4 + 5 + 2
    assert z.read("送达清单.pdf").startswith(b"%PDF")
    event = AuditEvent.objects.filter(event_type="datareport.export").latest("pk")
    assert event.details["format"] == "zip"
    # Only the root's roll-up goes out as a package.
    county = client.get(f"/datareports/c/{march.pk}/u/{county_rollup.unit_id}/v/1/package.zip")
    assert county.status_code == 404


def test_a_version_renders_once(cast, county_rollup, monkeypatch):
    version = selectors.versions_of(county_rollup)[-1]
    calls: list[int] = []
    original = exports.xlsx_bytes

    def counting(rollup: Any) -> bytes:
        calls.append(1)
        return original(rollup)

    monkeypatch.setattr(exports, "xlsx_bytes", counting)
    first = exports.rollup_file(version, "xlsx")
    second = exports.rollup_file(version, "xlsx")
    assert first == second and len(calls) == 1
    # A renamed unit prints its new name: rendered again.
    Unit.objects.filter(pk=cast.township_reporter.unit.pk).update(name="新名镇")
    third = exports.rollup_file(version, "xlsx")
    assert len(calls) == 2 and third != first


def test_a_large_version_is_rendered_ahead_of_its_first_download(
    cast, county_rollup, monkeypatch, django_capture_on_commit_callbacks
):
    version = selectors.versions_of(county_rollup)[-1]
    monkeypatch.setattr(exports, "PRERENDER_ROWS", 5)
    with django_capture_on_commit_callbacks(execute=True):
        exports.prerender_after_commit(version)
    calls: list[str] = []

    def drawn(rollup: Any) -> bytes:
        calls.append("xlsx")
        return b""

    monkeypatch.setattr(exports, "xlsx_bytes", drawn)
    exports.rollup_file(version, "xlsx")
    assert calls == []  # from the cache
