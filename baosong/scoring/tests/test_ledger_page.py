"""积分明细 page: the ledger rows behind the ranking, scoped to the user's subtree, and 人工调整 through the
page (a reason is required, audited, refused outside the editor's subtree)."""

from __future__ import annotations

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
