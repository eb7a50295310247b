"""Real Chromium: a township fills the 接待 form on a 390 px phone — a wrong figure is named as it is
typed, the draft saves itself, the return is submitted — and the county sees it in its roll-up."""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from baosong.datareports import services
from baosong.datareports.models import Form, Return, ReturnStatus
from conftest import ARTIFACTS, CHROMIUM, DESKTOP, PHONE, browser_login, no_sideways_scroll

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed"),
]


def test_a_township_fills_the_reception_form_on_a_phone(
    live_server: Any, cast: Any, browser_context: Any
) -> None:
    url = live_server.url
    coll = services.collection_create(
        by=cast.city_editor.user,
        form=Form.objects.get(code="reception"),
        root_unit=cast.city_editor.unit,
        period_kind="monthly",
        period="2026-11",
    )
    town = cast.township_reporter.unit
    phone = browser_login(browser_context, url, cast.township_reporter, PHONE)
    phone.goto(f"{url}/datareports/")
    phone.get_by_role("link", name="填报").first.click()
    phone.get_by_role("button", name="＋ 添加一行").click()
    row = phone.locator(".dr-row").first
    row.get_by_label("接待时间").fill("2026-11-20T09:30")
    row.get_by_label("接待地点").fill("城关镇便民服务中心")
    row.get_by_label("接待对象姓名").fill("王明")
    row.get_by_label("接待对象职务").fill("调研员")
    row.get_by_label("接待对象单位").fill("市发展改革委")
    row.get_by_label("接待总人数").fill("3")
    row.get_by_label("其中异性人数").fill("5")
    error = row.locator('.dr-error[data-for="rows.0.opposite_sex"]')
    error.filter(has_text="不能大于").wait_for()
    assert "“其中异性人数”（5）不能大于“接待总人数”（3）" in error.inner_text()
    row.get_by_label("其中异性人数").fill("1")
    row.get_by_label("其中工作人员人数").fill("1")
    row.get_by_label("接待范围").fill("调研乡村振兴示范村建设")
    row.get_by_label("用餐费（元）").fill("240")
    row.get_by_label("费用总额（元）").fill("240.00")
    row.get_by_label("费用支付方式").select_option("公务卡")
    row.get_by_label("费用承担单位").fill("城关镇人民政府")
    row.get_by_label("接待工作人员姓名").fill("李华")
    phone.get_by_label("填报人").fill("张三")
    phone.get_by_label("联系电话").fill("0571-88880000")
    phone.locator("#dr-saved").filter(has_text="已自动保存").wait_for()
    assert Return.objects.get(collection=coll, unit=town).data["rows"][0]["guests_total"] == 3
    no_sideways_scroll(phone)
    phone.screenshot(path=str(ARTIFACTS / "datareports-fill-390.png"), full_page=True)
    phone.get_by_role("button", name="上报", exact=True).click()
    phone.get_by_text("已上报（第 1 版）").wait_for()
    ret = Return.objects.get(collection=coll, unit=town)
    assert ret.status == ReturnStatus.SUBMITTED and ret.totals["rows.guests_total"] == 3

    desk = browser_login(browser_context, url, cast.county_editor, DESKTOP)
    desk.goto(f"{url}/datareports/c/{coll.pk}/")
    line = desk.locator("tr", has_text=town.name)
    assert "已上报" in line.inner_text() and "240.00" in line.inner_text()
    desk.screenshot(path=str(ARTIFACTS / "datareports-county-1366.png"), full_page=True)
