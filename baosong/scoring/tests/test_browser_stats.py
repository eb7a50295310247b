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
    page.locator("#chart-trend svg").wait_for()  # ECharts drew, from the locally served bundle
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
