"""合报: an item names as joint authors only its unit's peers — one rule for the writing page, the service
and the API."""

from __future__ import annotations

import pytest

from baosong.core.errors import ServiceError
from baosong.orgs.models import Unit
from baosong.reports import selectors, services

from .conftest import ITEM, post


def _peers(unit: Unit) -> list[Unit]:
    return list(Unit.objects.filter(parent_id=unit.parent_id, is_active=True).exclude(pk=unit.pk))


def test_the_candidates_are_the_active_peers_of_the_unit(cast):
    town = cast.township_reporter.unit
    peers = _peers(town)
    assert peers
    assert set(selectors.co_unit_candidates(town)) == set(peers)
    assert town not in selectors.co_unit_candidates(town)
    gone = peers[0]
    gone.is_active = False
    gone.save(update_fields=["is_active"])
    assert gone not in selectors.co_unit_candidates(town)


def test_a_unit_without_a_parent_has_no_candidates(cast):
    province = Unit.objects.get(parent__isnull=True, code="DEMO-P")
    assert list(selectors.co_unit_candidates(province)) == []


def test_the_service_refuses_a_unit_that_is_not_a_peer(cast):
    reporter = cast.township_reporter
    sibling_county_town = cast.outsider_township_reporter.unit  # a township of another county
    for wrong in (sibling_county_town.pk, reporter.unit.pk, reporter.unit.parent_id):
        with pytest.raises(ServiceError) as refused:
            services.report_create(by=reporter.user, **ITEM, co_unit_ids=[wrong])
        assert refused.value.code == "invalid_co_unit" and "同属一个上级" in refused.value.message
    report = services.report_create(by=reporter.user, **ITEM)
    with pytest.raises(ServiceError):
        services.report_update(report=report, by=reporter.user, co_unit_ids=[sibling_county_town.pk])
    peer = _peers(reporter.unit)[0]
    services.report_update(report=report, by=reporter.user, co_unit_ids=[peer.pk, peer.pk])
    assert list(report.co_units.all()) == [peer]


def test_the_api_refuses_the_same_co_units_as_the_page_offers(cast, api, client_as):
    reporter = cast.township_reporter
    outsider_town = cast.outsider_township_reporter.unit
    assert outsider_town.name not in client_as("township_reporter").get("/reports/new").content.decode()
    response = post(api("township_reporter"), "/api/v1/reports", {**ITEM, "co_unit_ids": [outsider_town.pk]})
    assert response.status_code == 400 and response.json()["code"] == "invalid_co_unit"
    peer = _peers(reporter.unit)[0]
    response = post(api("township_reporter"), "/api/v1/reports", {**ITEM, "co_unit_ids": [peer.pk]})
    assert response.status_code in (200, 201) and response.json()["co_unit_ids"] == [peer.pk]
