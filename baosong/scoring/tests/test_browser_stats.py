"""Real Chromium: the province editor opens the dashboard, drills down two levels and exports XLSX."""

from __future__ import annotations

import io
import shutil

import openpyxl
import pytest

from baosong.editorial.tests.conftest import sent_to_county
from baosong.editorial.tests.test_browser_issue import _login
from conftest import ARTIFACTS, CHROMIUM

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed"),
]


def test_the_dashboard_drills_down_two_levels_and_exports(live_server, cast, browser_context):
    for i in range(3):
        sent_to_county(cast, f"城关镇第{i + 1}条工作动态")
    url = live_server.url
    page = _login(browser_context, url, cast.province_editor)
    page.get_by_role("link", name="统计", exact=True).click()
    page.wait_for_url(f"{url}/stats/")
    page.get_by_role("heading", name="清源省人民政府办公厅", exact=False).wait_for()
    page.locator("#chart-trend canvas").wait_for()  # ECharts drew, from the locally served bundle
    page.screenshot(path=str(ARTIFACTS / "stats-province.png"), full_page=True)
    page.get_by_role("link", name="临江市人民政府办公室").click()
    page.get_by_role("heading", name="临江市人民政府办公室", exact=False).wait_for()
    page.get_by_role("link", name="临江市东湖区人民政府办公室").click()
    page.get_by_role("heading", name="临江市东湖区人民政府办公室", exact=False).wait_for()
    row = page.locator("tr", has_text="东湖区城关镇")
    assert row.locator("td").nth(2).inner_text() == "3"
    page.screenshot(path=str(ARTIFACTS / "stats-county.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    path = download.value.path()
    with open(path, "rb") as f:  # the download has no file extension, which openpyxl insists on
        wb = openpyxl.load_workbook(io.BytesIO(f.read()))
    rows = list(wb["分单位统计"].iter_rows(min_row=3, values_only=True))
    assert any(r[0] == "东湖区城关镇" and r[4] == 3 for r in rows)


def _shots(page, name: str) -> None:  # type: ignore[no-untyped-def]
    for w, h, suffix in ((1366, 768, ""), (390, 844, "-phone")):
        page.set_viewport_size({"width": w, "height": h})
        page.screenshot(path=str(ARTIFACTS / f"{name}{suffix}.png"), full_page=True)
    page.set_viewport_size({"width": 1366, "height": 768})


def test_a_bulletin_for_a_picked_quarter_is_published_with_what_is_on_the_screen(
    live_server, cast, browser_context
):
    from django.utils import timezone

    from baosong.scoring.models import Bulletin

    url = live_server.url
    page = _login(browser_context, url, cast.county_editor)
    page.goto(f"{url}/bulletins/")
    assert not page.get_by_label("季度").is_visible()
    page.get_by_label("期间类型").select_option(label="季度")
    assert page.get_by_label("季度").is_visible() and not page.get_by_label("月份").is_visible()
    year = timezone.localdate().year
    page.get_by_label("年份").select_option(str(year))
    page.get_by_label("季度").select_option("1")
    _shots(page, "bulletin-list")
    page.get_by_role("button", name="编制通报").click()
    page.get_by_role("heading", name=f"关于{year}年第1季度政务信息工作情况的通报").wait_for()
    bulletin = Bulletin.objects.get()
    assert bulletin.period == f"{year}-Q1"

    page.get_by_label("说明").fill("请各乡镇对照查找差距。")
    page.get_by_label("发布后在门户公开").check()
    asked: list[str] = []

    def dismiss(dialog):  # type: ignore[no-untyped-def]
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.get_by_role("button", name="发布通报").click()
    page.wait_for_timeout(500)
    assert asked and "确定发布吗" in asked[0]
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.DRAFT and bulletin.remarks == ""
    assert page.get_by_label("说明").input_value() == "请各乡镇对照查找差距。"  # nothing lost
    _shots(page, "bulletin-draft")
    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="发布通报").click()
    page.get_by_text("通报已发布").wait_for()
    bulletin.refresh_from_db()
    assert bulletin.status == Bulletin.Status.RELEASED
    assert (bulletin.remarks, bulletin.to_portal) == ("请各乡镇对照查找差距。", True)
    _shots(page, "bulletin-released")

    page.goto(f"{url}/stats/")
    page.get_by_label("期间类型").select_option(label="年度")
    assert not page.get_by_label("月份").is_visible()
    page.get_by_role("button", name="查看").click()
    page.get_by_role("heading", name=f"{year}年", exact=False).wait_for()
    assert "period_kind=year" in page.url
    _shots(page, "stats-year")
    page.goto(f"{url}/stats/ledger/?period={year}-Q2")
    _shots(page, "stats-ledger")
