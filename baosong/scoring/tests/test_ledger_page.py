"""积分明细 page: the ledger rows behind the ranking, scoped to the user's subtree, and 人工调整 through the
page (a reason is required, audited, refused outside the editor's subtree)."""

from __future__ import annotations

import re
from decimal import Decimal

from django.utils import timezone

from baosong.core.models import AuditEvent
from baosong.core.outbox import deliver
from baosong.editorial.tests.conftest import adopted_at_county
from baosong.scoring.models import LedgerEntry


def month() -> str:
    return timezone.localdate().strftime("%Y-%m")


def test_the_county_editor_sees_the_ledger_rows_of_the_county_subtree(cast, client_as):
    adopted_at_county(cast, "城关镇开展防汛演练")
    deliver("scoring")
    assert LedgerEntry.objects.filter(unit=cast.township_reporter.unit).exists()
    page = client_as("county_editor").get(f"/stats/ledger/?period={month()}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "积分明细" in text and "报送信息" in text
    assert cast.township_reporter.unit.short_name or cast.township_reporter.unit.name in text


def test_another_countys_ledger_answers_404(cast, client_as):
    page = client_as("outsider_editor").get(
        f"/stats/ledger/?unit={cast.county_editor.unit.pk}&period={month()}"
    )
    assert page.status_code == 404


def test_a_bad_period_is_a_clear_400(cast, client_as):
    page = client_as("county_editor").get("/stats/ledger/?period=2026-13")
    assert page.status_code == 400
    assert "月份应在 01 至 12 之间" in page.content.decode()


def test_an_editor_adjusts_a_towns_points_with_a_reason(cast, client_as):
    client = client_as("county_editor")
    town = cast.township_reporter.unit
    response = client.post(
        f"/stats/ledger/?period={month()}",
        {"unit": town.pk, "points": "5", "reason": "获市级表彰加分", "date": ""},
    )
    assert response.status_code == 302
    entry = LedgerEntry.objects.get(manual=True)
    assert (entry.unit_id, entry.points, entry.created_by_id) == (
        town.pk,
        Decimal("5"),
        cast.county_editor.user.pk,
    )
    assert AuditEvent.objects.filter(event_type="score.adjust", object_id=str(entry.pk)).exists()
    assert "获市级表彰加分" in client.get(f"/stats/ledger/?period={month()}").content.decode()


def test_an_adjustment_without_a_reason_or_with_bad_points_is_refused_and_nothing_is_written(cast, client_as):
    client = client_as("county_editor")
    town = cast.township_reporter.unit
    no_reason = client.post(
        f"/stats/ledger/?period={month()}", {"unit": town.pk, "points": "5", "reason": ""}
    )
    assert no_reason.status_code == 400 and "须填写原因" in no_reason.content.decode()
    bad_points = client.post(
        f"/stats/ledger/?period={month()}", {"unit": town.pk, "points": "五", "reason": "x"}
    )
    assert bad_points.status_code == 400 and "调整分值应为数字" in bad_points.content.decode()
    nan = client.post(f"/stats/ledger/?period={month()}", {"unit": town.pk, "points": "NaN", "reason": "x"})
    assert nan.status_code == 400
    bad_date = client.post(
        f"/stats/ledger/?period={month()}", {"unit": town.pk, "points": "1", "reason": "x", "date": "昨天"}
    )
    assert bad_date.status_code == 400 and "日期格式" in bad_date.content.decode()
    assert not LedgerEntry.objects.filter(manual=True).exists()


def test_an_editor_cannot_adjust_a_unit_outside_the_subtree(cast, client_as):
    response = client_as("outsider_editor").post(
        f"/stats/ledger/?period={month()}",
        {"unit": cast.township_reporter.unit.pk, "points": "5", "reason": "越权"},
    )
    assert response.status_code == 400
    assert not LedgerEntry.objects.filter(manual=True).exists()


def test_a_leader_sees_the_ledger_but_has_no_adjustment_form(cast, client_as):
    page = client_as("county_leader").get(f"/stats/ledger/?period={month()}")
    assert page.status_code == 200 and "人工调整积分" not in page.content.decode()
    refused = client_as("county_leader").post(
        f"/stats/ledger/?period={month()}",
        {"unit": cast.township_reporter.unit.pk, "points": "5", "reason": "领导加分"},
    )
    assert refused.status_code == 200
    assert not LedgerEntry.objects.filter(manual=True).exists()


def test_the_ledger_page_costs_the_same_queries_for_many_rows(cast, client_as, django_assert_max_num_queries):
    client = client_as("county_editor")
    for i in range(3):
        adopted_at_county(cast, f"城关镇信息{i}")
    deliver("scoring")
    with django_assert_max_num_queries(14):
        assert client.get(f"/stats/ledger/?period={month()}").status_code == 200


def test_the_api_lists_the_ledger_and_takes_an_adjustment(cast, api):
    adopted_at_county(cast, "城关镇开展防汛演练")
    deliver("scoring")
    editor = api("county_editor")
    town = cast.township_reporter.unit
    created = editor.post(
        "/api/v1/scores/adjustments",
        {"unit_id": town.pk, "points": "-3", "reason": "信息失实"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["manual"] is True and created.json()["points"] == -3
    listed = editor.get(f"/api/v1/scores/ledger?period={month()}&code=manual").json()
    assert listed["count"] == 1 and listed["items"][0]["reason"] == "信息失实"
    everything = editor.get(f"/api/v1/scores/ledger?period={month()}").json()
    assert everything["count"] > 1
    assert everything["total_points"] == float(sum(e.points for e in LedgerEntry.objects.all()))


def test_the_api_refuses_bad_adjustments_and_other_units(cast, api):
    editor = api("county_editor")
    town = cast.township_reporter.unit
    blank = editor.post(
        "/api/v1/scores/adjustments",
        {"unit_id": town.pk, "points": "5", "reason": " "},
        content_type="application/json",
    )
    assert blank.status_code == 400 and blank.json()["code"] == "reason_required"
    huge = editor.post(
        "/api/v1/scores/adjustments",
        {"unit_id": town.pk, "points": "1e9", "reason": "x"},
        content_type="application/json",
    )
    assert huge.status_code == 422
    outsider = api("outsider_editor").post(
        "/api/v1/scores/adjustments",
        {"unit_id": town.pk, "points": "5", "reason": "越权"},
        content_type="application/json",
    )
    assert outsider.status_code == 404
    assert (
        api("outsider_editor").get(f"/api/v1/scores/ledger?period={month()}&unit={town.pk}").status_code
        == 404
    )
    assert editor.get(f"/api/v1/scores/ledger?period={month()}&code=nonsense").status_code == 400
    assert not LedgerEntry.objects.filter(manual=True).exists()


def test_the_ledger_count_and_total_come_from_the_rollups_and_match_the_rows(
    cast, client_as, api, django_assert_max_num_queries
):
    """积分明细 for the whole period: the row count and the points are the subtree's month rollups, equal
    to the ledger rows themselves; no COUNT or SUM runs over the ledger (a province's year is a million
    rows). With a rule code the rollups do not split, so that count comes from the rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for i in range(3):
        adopted_at_county(cast, f"城关镇信息{i}")
    deliver("scoring")
    api("county_editor").post(
        "/api/v1/scores/adjustments",
        {"unit_id": cast.township_reporter.unit.pk, "points": "-1.5", "reason": "信息失实"},
        content_type="application/json",
    )
    county = cast.county_editor.unit
    rows = LedgerEntry.objects.filter(unit__path__startswith=county.path)
    n, total = rows.count(), sum(e.points for e in rows)
    assert n > 3
    client = client_as("county_editor")
    with CaptureQueriesContext(connection) as ctx:
        text = client.get(f"/stats/ledger/?period={month()}").content.decode()
    assert f"共 {n} 条明细" in text
    shown = re.search(r"本期合计 <strong>([-0-9.]+)</strong>", text)
    assert shown and Decimal(shown[1]) == total
    ledger_aggregates = [
        q["sql"]
        for q in ctx.captured_queries
        if "scoring_ledgerentry" in q["sql"] and ("COUNT(" in q["sql"] or "SUM(" in q["sql"])
    ]
    assert ledger_aggregates == []
    listed = api("county_editor").get(f"/api/v1/scores/ledger?period={month()}").json()
    assert listed["count"] == n and listed["total_points"] == float(total)
    manual = client.get(f"/stats/ledger/?period={month()}&code=manual").content.decode()
    assert "共 1 条明细" in manual and "本期该类型合计 <strong>-1.50</strong>" in manual
    api_manual = api("county_editor").get(f"/api/v1/scores/ledger?period={month()}&code=manual").json()
    assert api_manual["count"] == 1 and api_manual["total_points"] == -1.5


def test_the_ledger_lists_the_period_newest_first_and_nothing_outside_it(cast, client_as):
    """The list reads the period as a time range: a row on the last evening of the previous month (local
    time) is not in this month's list, one on the first morning is."""
    import datetime as dt

    from baosong.scoring import services

    town = cast.township_reporter.unit
    today = timezone.localdate()
    first = today.replace(day=1)
    before = first - dt.timedelta(days=1)
    editor = cast.county_editor.user
    services.ledger_adjust(by=editor, unit=town, points=Decimal("2"), reason="上月末加分", day=before)
    services.ledger_adjust(by=editor, unit=town, points=Decimal("3"), reason="本月初加分", day=first)
    services.ledger_adjust(by=editor, unit=town, points=Decimal("4"), reason="本月加分", day=today)
    text = client_as("county_editor").get(f"/stats/ledger/?period={month()}").content.decode()
    assert "上月末加分" not in text and "本月初加分" in text
    if today != first:
        assert text.index("本月加分") < text.index("本月初加分")
    previous = client_as("county_editor").get(f"/stats/ledger/?period={before:%Y-%m}").content.decode()
    assert "上月末加分" in previous and "共 1 条明细" in previous


def test_the_migration_counts_the_rows_of_an_existing_ledger(cast):
    """0012 fills ledger_rows for ledgers written before it; check_rollups then finds nothing to fix."""
    import datetime as dt
    import importlib

    from django.apps import apps

    from baosong.scoring import rollups
    from baosong.scoring.models import StatsDaily, StatsMonthly

    for i in range(2):
        adopted_at_county(cast, f"城关镇信息{i}")
    deliver("scoring")
    today = timezone.localdate()
    span = (today.replace(day=1), today + dt.timedelta(days=1))
    assert rollups.compare(*span) == []
    StatsDaily.objects.update(ledger_rows=0)
    StatsMonthly.objects.update(ledger_rows=0)
    assert rollups.compare(*span) != []
    migration = importlib.import_module("baosong.scoring.migrations.0012_ledger_rows")
    migration.count_ledger_rows(apps, None)
    assert rollups.compare(*span) == []
