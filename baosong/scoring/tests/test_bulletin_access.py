"""Who reads a 通报: one rule (``selectors.may_read_bulletin``) behind the bulletin page, its downloads and
the API's period files — the desk of the unit and above at any stage, the units it covers once released."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from baosong.core.errors import NotFound
from baosong.core.models import AuditEvent
from baosong.scoring import bulletins, selectors
from baosong.scoring.models import Bulletin

PERIOD = timezone.localdate().strftime("%Y-%m")


def _draft(cast: Any) -> Bulletin:
    return bulletins.bulletin_for_period(
        by=cast.county_editor.user, unit=cast.county_editor.unit, period=PERIOD
    )


def _released(cast: Any) -> Bulletin:
    return bulletins.bulletin_release(bulletin=_draft(cast), by=cast.county_editor.user)


def test_a_draft_is_read_by_the_desk_of_its_unit_and_above_only(cast):
    draft = _draft(cast)
    for key in ("county_editor", "county_chief", "county_leader", "city_editor", "province_editor"):
        assert selectors.bulletin_for(cast[key].user, draft.pk) == draft, key
    for key in ("township_reporter", "county_reporter", "outsider_editor"):
        with pytest.raises(NotFound):
            selectors.bulletin_for(cast[key].user, draft.pk)


def test_a_released_bulletin_is_read_by_the_units_it_covers(cast):
    released = _released(cast)
    for key in ("county_editor", "city_editor", "township_reporter", "township_reviewer", "county_reporter"):
        assert selectors.bulletin_for(cast[key].user, released.pk) == released, key
    for key in ("outsider_editor", "outsider_township_reporter", "city_reporter"):
        with pytest.raises(NotFound):
            selectors.bulletin_for(cast[key].user, released.pk)
    with pytest.raises(NotFound):
        selectors.bulletin_for(cast.county_editor.user, 999_999)


def test_by_period_the_desk_gets_figures_now_and_the_covered_units_only_the_released_one(cast):
    county = cast.county_editor.unit
    period = selectors.parse_period(PERIOD)
    assert selectors.bulletin_of_period(cast.county_editor.user, None, period) == (county, None)
    assert selectors.bulletin_of_period(cast.city_editor.user, county.pk, period) == (county, None)
    with pytest.raises(NotFound):
        selectors.bulletin_of_period(cast.township_reporter.user, county.pk, period)
    with pytest.raises(NotFound):
        selectors.bulletin_of_period(cast.county_editor.user, cast.city_editor.unit.pk, period)
    released = _released(cast)
    assert selectors.bulletin_of_period(cast.township_reporter.user, county.pk, period) == (county, released)
    with pytest.raises(NotFound):
        selectors.bulletin_of_period(cast.outsider_editor.user, county.pk, period)


def test_a_released_bulletin_says_what_it_said_when_released(cast):
    released = _released(cast)
    period = selectors.parse_period(PERIOD)
    Bulletin.objects.filter(pk=released.pk).update(snapshot={**released.snapshot, "period_label": "冻结"})
    released.refresh_from_db()
    assert bulletins.bulletin_figures(released.unit, period, released)["period_label"] == "冻结"
    assert bulletins.bulletin_figures(released.unit, period, None)["period_label"] != "冻结"


def test_a_download_is_audited_the_same_from_the_page_and_the_api(cast, client_as, api):
    released = _released(cast)
    page = client_as("county_editor").get(f"/bulletins/{released.pk}/document.xlsx")
    assert page.status_code == 200
    by_api = api("county_editor").get(f"/api/v1/bulletins/{PERIOD}.xlsx")
    assert by_api.status_code == 200
    events = list(AuditEvent.objects.filter(event_type="bulletin.download").order_by("id"))
    assert [(e.unit_id, e.object_id, e.details["format"]) for e in events] == [
        (released.unit_id, str(released.pk), "xlsx")
    ] * 2
    with pytest.raises(NotFound):
        bulletins.bulletin_download(
            by=cast.county_editor.user,
            unit=released.unit,
            data=released.snapshot,
            fmt="odt",
            bulletin=released,
        )
