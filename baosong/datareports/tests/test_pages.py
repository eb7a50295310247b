"""The pages: the county sees the township's return in its roll-up; another county gets 404; the fill
page saves, validates and submits through HTTP."""

from __future__ import annotations

from django.test import Client

from baosong.core.models import AuditEvent
from baosong.datareports.models import Return, ReturnStatus
from baosong.datareports.tests.conftest import fill_and_submit, reception_row, travel
from conftest import login


def _post_row(prefix: str, row: dict) -> dict:
    out = {}
    for key, value in row.items():
        if isinstance(value, dict):
            for part, v in value.items():
                out[f"{prefix}{key}.{part}"] = v
        else:
            out[f"{prefix}{key}"] = value
    return out


def test_a_township_fills_and_submits_through_the_pages(cast, march):
    client = login(Client(), cast.township_reporter)
    town = cast.township_reporter.unit
    base = f"/datareports/c/{march.pk}/u/{town.pk}/"
    with travel("2026-04-02"):
        page = client.get(base)
        assert page.status_code == 200 and "接待总人数" in page.content.decode()
        bad = {
            **_post_row("rows.0.", reception_row("2026-03-30T09:00", 3, opposite=5)),
            "filler.0.name": "张三",
            "filler.0.phone": "123",
        }
        answer = client.post(base + "validate", bad)
        assert "“其中异性人数”（5）不能大于“接待总人数”（3）。" in [
            p["message"] for p in answer.json()["problems"]
        ]
        saved = client.post(base + "save", bad, HTTP_X_AUTOSAVE="1")
        assert saved.status_code == 200 and saved.json()["problems"]
        refused = client.post(base + "submit", bad, follow=True)
        assert "不能大于" in refused.content.decode()
        assert Return.objects.get(collection=march, unit=town).status == ReturnStatus.DRAFT
        good = {**bad, "rows.0.opposite_sex": "1", "with_data": "1"}
        done = client.post(base + "submit", good, follow=True)
        assert "已上报（第 1 版）" in done.content.decode()
    county = login(Client(), cast.county_editor)
    status = county.get(f"/datareports/c/{march.pk}/?unit={cast.county_editor.unit.pk}").content.decode()
    assert town.name in status and "已上报" in status
    assert AuditEvent.objects.filter(event_type="datareport.return").count() == 1


def test_another_county_gets_404(cast, march):
    town = cast.township_reporter.unit
    fill_and_submit(
        march, town, cast.township_reporter.user, [reception_row("2026-03-30T09:00", 2)], "2026-04-01"
    )
    outsider = login(Client(), cast.outsider_editor)
    assert outsider.get(f"/datareports/c/{march.pk}/u/{town.pk}/").status_code == 404
    assert outsider.get(f"/datareports/c/{march.pk}/?unit={town.pk}").status_code == 404
    stranger = login(Client(), cast.province_editor)  # above the collection's root: takes no part
    assert stranger.get(f"/datareports/c/{march.pk}/").status_code == 404


def test_the_city_sees_a_corrected_county_as_a_diff(cast, march):
    town, by = cast.township_reporter.unit, cast.township_reporter.user
    fill_and_submit(march, town, by, [reception_row("2026-03-05T09:00", 6)], "2026-04-01")
    county = fill_and_submit(march, cast.county_editor.unit, cast.county_editor.user, [], "2026-04-08")
    editor = login(Client(), cast.county_editor)
    base = f"/datareports/c/{march.pk}/u/{county.unit_id}/"
    with travel("2026-04-09"):
        assert editor.post(base + "reopen", {"note": "补报一次接待"}).status_code == 302
        row = {
            **_post_row("rows.0.", reception_row("2026-03-28T09:00", 4)),
            "filler.0.name": "李四",
            "filler.0.phone": "1",
            "with_data": "1",
        }
        assert "第 2 版" in editor.post(base + "submit", row, follow=True).content.decode()
    city = login(Client(), cast.city_editor)
    overview = city.get(f"/datareports/c/{march.pk}/").content.decode()
    assert "差异" in overview
    diff = city.get(base + "diff").content.decode()
    assert "第 1 版 → 第 2 版" in diff and "新增" in diff and "接待总人数" in diff
