"""The statistics dashboard: numbers from the rollups, drill-down, reporting rates (DHIS2 style: inactive
units are not expected, a unit created during the period is), XLSX export, query budget, scope."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from baosong.core.outbox import deliver
from baosong.editorial.tests.conftest import sent_to_county
from baosong.orgs.models import Unit
from baosong.scoring.selectors import dashboard, parse_period

PERIOD = timezone.localdate().strftime("%Y-%m")


def activity(cast: Any, n: int = 3) -> None:
    for i in range(n):
        sent_to_county(cast, f"统计用信息{i}")
    deliver("scoring")


def test_the_city_dashboard_drills_down_to_the_county_and_the_township(cast, client_as):
    activity(cast)
    client = client_as("city_editor")
    page = client.get(f"/stats/?period={PERIOD}")
    assert page.status_code == 200
    html = page.content.decode()
    county = cast.county_editor.unit
    assert f"?unit={county.pk}&period={PERIOD}" in html  # the county row links one level down
    down = client.get(f"/stats/?unit={county.pk}&period={PERIOD}").content.decode()
    assert "东湖区城关镇" in down and "charts-data" in down
    assert (
        client.get(f"/stats/?unit={cast.outsider_editor.unit.pk}&period={PERIOD}").status_code == 200
    )  # below the city
    assert client_as("county_editor").get(f"/stats/?unit={cast.city_editor.unit.pk}").status_code == 404
    assert client_as("county_editor").get("/stats/?period=2026-13").status_code == 400


def test_reporting_rates_leave_out_inactive_units_and_count_new_ones(cast):
    activity(cast, 2)
    county = cast.county_editor.unit
    data = dashboard(county, parse_period(PERIOD))
    town_row = next(r for r in data["rows"] if r.unit_name == "东湖区城关镇")
    assert (town_row.expected, town_row.reporting, town_row.reporting_rate) == (1, 1, 100.0)
    assert data["total"].counters["submitted"] == 2
    expected_before = data["total"].expected
    Unit.objects.filter(code="DEMO-C1-1-4").update(is_active=False)  # 河口街道 closed: no longer expected
    Unit.objects.create(
        name="东湖区新区街道",
        code="DEMO-C1-1-9",
        level="township",
        parent=county,
        path=f"{county.path}999999/",
        depth=county.depth + 1,
    )
    after = dashboard(county, parse_period(PERIOD))
    assert after["total"].expected == expected_before  # one closed, one opened this month
    assert after["total"].reporting == 1
    assert after["total"].reporting_rate == round(100 / expected_before, 1)


def test_the_dashboard_costs_a_fixed_number_of_queries(cast, client_as):
    client = client_as("city_editor")
    activity(cast, 1)
    client.get(f"/stats/?period={PERIOD}")

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/stats/?period={PERIOD}").status_code == 200
        return len(
            [
                q
                for q in ctx.captured_queries
                if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
            ]
        )

    few = count()
    activity(cast, 5)
    assert count() == few <= 25


def test_the_table_exports_to_xlsx(cast, client_as):
    activity(cast, 2)
    response = client_as("county_editor").get(f"/stats/export.xlsx?period={PERIOD}")
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb["分单位统计"]
    rows = list(ws.iter_rows(min_row=3, values_only=True))
    town = next(r for r in rows if r[0] == "东湖区城关镇")
    assert town[4] == 2  # 报送信息
    assert rows[-1][0].endswith("（合计）") and rows[-1][4] == 2


def test_the_api_serves_stats_for_a_period(cast, api):
    activity(cast, 2)
    data = api("county_editor").get(f"/api/v1/stats?period={PERIOD}").json()
    assert data["total"]["submitted"] == 2
    assert any(r["unit_name"] == "东湖区城关镇" and r["submitted"] == 2 for r in data["units"])
    assert api("county_reporter").get(f"/api/v1/stats?period={PERIOD}").status_code == 404


def test_receive_time_is_the_wait_before_an_editor_takes_an_item_up(cast):
    import datetime as dt

    import time_machine

    from baosong.reports import services as reports

    start = timezone.now().replace(hour=1, minute=0, second=0, microsecond=0)
    with time_machine.travel(start, tick=False):
        first = sent_to_county(cast, "等待两小时的信息")
        second = sent_to_county(cast, "等待四小时的信息")
    with time_machine.travel(start + dt.timedelta(hours=2), tick=False):
        reports.submission_claim(submission=first, by=cast.county_editor.user)
    with time_machine.travel(start + dt.timedelta(hours=4), tick=False):
        reports.submission_adopt(submission=second, by=cast.county_editor.user)
    deliver("scoring")
    data = dashboard(cast.city_editor.unit, parse_period(PERIOD))
    county = next(r for r in data["rows"] if r.unit_id == cast.county_editor.unit.pk)
    assert county.counters["received"] == 2 and county.receive_hours == 3.0


def test_a_period_outside_the_calendar_is_refused_with_a_message(cast, client_as, api):
    for period in ("9999", "0000", "9999-12", "0000-Q1"):
        response = client_as("county_editor").get(f"/stats/?period={period}")
        assert response.status_code == 400 and "年份应在" in response.content.decode()
        assert api("county_editor").get(f"/api/v1/stats?period={period}").status_code == 400


def _selected(html: str, name: str) -> str:
    import re

    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select is not None, name
    chosen = re.search(r'<option value="([^"]*)" selected>', select.group(1))
    assert chosen is not None, name
    return chosen.group(1)


def test_the_period_is_picked_by_type_year_and_month_or_quarter(cast, client_as):
    client = client_as("county_editor")
    for url in ("/stats/", "/stats/ledger/", "/bulletins/"):
        html = client.get(url).content.decode()
        # A picker, not a text box to type "2026-Q2" into.
        assert 'name="period_kind"' in html and 'name="period_year"' in html, url
        assert 'name="period_month"' in html and 'name="period_quarter"' in html, url
        assert 'type="text" name="period"' not in html, url
    picked = client.get(
        "/stats/?period_kind=quarter&period_year=2025&period_quarter=2&period_month=7"
    ).content.decode()
    assert "2025年第2季度" in picked and "period=2025-Q2" in picked
    assert (_selected(picked, "period_kind"), _selected(picked, "period_year")) == ("quarter", "2025")
    assert _selected(picked, "period_quarter") == "2"
    month = client.get("/stats/ledger/?period_kind=month&period_year=2025&period_month=3").content.decode()
    assert "2025年3月" in month and _selected(month, "period_month") == "3"
    year = client.get("/stats/?period_kind=year&period_year=2024").content.decode()
    assert "2024年" in year and _selected(year, "period_kind") == "year"
    # Links that name the period keep working, and show it in the picker.
    linked = client.get("/stats/?period=2025-11").content.decode()
    assert "2025年11月" in linked and _selected(linked, "period_month") == "11"
    bad = client.get("/stats/?period_kind=month&period_year=2025&period_month=13")
    assert bad.status_code == 400 and "月份应在 01 至 12 之间" in bad.content.decode()


def test_a_bulletin_is_made_for_the_picked_quarter(cast, client_as):
    from baosong.scoring.models import Bulletin

    client = client_as("county_editor")
    response = client.post(
        "/bulletins/",
        {
            "unit": str(cast.county_editor.unit.pk),
            "period_kind": "quarter",
            "period_year": "2025",
            "period_month": "5",
            "period_quarter": "3",
        },
    )
    assert response.status_code == 302
    assert Bulletin.objects.get().period == "2025-Q3"


def test_viewers_of_one_unit_and_period_share_the_figures_and_new_adoptions_show_at_once(
    cast: Any, client_as: Any, settings: Any
) -> None:
    """Nothing on /stats/ depends on who opens it: the second viewer reads the figures the first computed
    (one query for the rollups' version instead of the aggregates), and an event the scoring consumer applies
    changes the version, so the next view is exact."""
    from django.core.cache import cache

    settings.STATS_CACHE_SECONDS = 60
    cache.clear()
    activity(cast, 1)
    editor, chief = client_as("county_editor"), client_as("county_chief")
    editor.get(f"/stats/?period={PERIOD}")

    def queries(client: Any) -> list[str]:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/stats/?period={PERIOD}").status_code == 200
        return [q["sql"] for q in ctx.captured_queries if "stats_" in q["sql"] or "scoring_" in q["sql"]]

    shared = queries(chief)
    assert not any("SUM(" in q.upper() for q in shared), shared  # no aggregate over the rollups
    county = cast.county_editor.unit
    before = dashboard(county, parse_period(PERIOD))["total"].counters["submitted"]
    activity(cast, 2)
    assert any("SUM(" in q.upper() for q in queries(chief))  # a new version: computed again
    assert dashboard(county, parse_period(PERIOD))["total"].counters["submitted"] == before + 2
    # The rendered tables are kept under the same version: the page shows the new figure too.
    page = editor.get(f"/stats/?period={PERIOD}").content.decode()
    assert f'<div class="num">{before + 2}</div><div class="label">报送信息</div>' in page


def test_the_rendered_tables_are_shared_and_the_viewers_own_parts_are_not(
    cast: Any, client_as: Any, settings: Any
) -> None:
    """The figures and tables are rendered once per rollup version; the breadcrumbs (what this viewer may
    open) and the page around them are each viewer's."""
    from django.core.cache import cache

    settings.STATS_CACHE_SECONDS = 60
    cache.clear()
    activity(cast, 1)
    first = client_as("county_editor").get(f"/stats/?period={PERIOD}").content.decode()
    keys = [k for k in cache._cache if ":body" in k]  # type: ignore[attr-defined]
    assert len(keys) == 1
    second = client_as("county_chief").get(f"/stats/?period={PERIOD}").content.decode()
    table = first[first.index('<div class="grid">') : first.index("charts-data")]
    assert table and table in second
    assert cast.county_chief.user.full_name in second and cast.county_chief.user.full_name not in first
