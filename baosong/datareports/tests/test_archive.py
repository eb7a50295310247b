"""Retention: whole collections go when their period ended, and their last version was submitted, more
than the administrator's ``retention_years`` ago; never part of a roll-up chain; audited."""

from __future__ import annotations

import pytest

from baosong.core.models import AuditEvent
from baosong.datareports import archive, services
from baosong.datareports.models import ArchivePolicy, Collection, Return, ReturnVersion
from baosong.datareports.tests.conftest import fill_and_submit, reception_row, travel


@pytest.fixture
def rolled_up(cast, march):
    fill_and_submit(
        march,
        cast.township_reporter.unit,
        cast.township_reporter.user,
        [reception_row("2026-03-05T09:00", 2)],
        "2026-04-01",
    )
    fill_and_submit(march, cast.county_editor.unit, cast.county_editor.user, [], "2026-04-08")
    fill_and_submit(march, cast.city_editor.unit, cast.city_editor.user, [], "2026-04-17")
    return march


def test_a_collection_past_retention_goes_whole_with_an_audit_record(cast, rolled_up, reception):
    with travel("2026-05-01"):
        may = services.collection_create(
            by=cast.city_editor.user,
            form=reception,
            root_unit=cast.city_editor.unit,
            period_kind="monthly",
            period="2026-05",
        )
    fill_and_submit(may, cast.county_editor.unit, cast.county_editor.user, [], "2026-06-05")
    ArchivePolicy.objects.create(retention_years=3)

    # Three years after the period's end, but not yet three years after the city's roll-up (17 April).
    with travel("2029-04-10"):
        assert archive.archive_tick() == 0
    assert ReturnVersion.objects.filter(ret__collection=rolled_up).count() == 3

    with travel("2029-04-18"):
        assert archive.archive_tick() == 3
    assert not Collection.objects.filter(pk=rolled_up.pk).exists()
    assert not Return.objects.filter(collection_id=rolled_up.pk).exists()
    assert ReturnVersion.objects.filter(ret__collection=may).count() == 1  # May is kept, whole
    event = AuditEvent.objects.get(event_type="datareport.archive_purge")
    assert event.object_id == str(rolled_up.pk) and event.unit_id == cast.city_editor.unit.pk
    assert event.details["count"] == 3 and event.details["returns"] == 3
    assert event.details["period"] == "2026-03" and event.details["retention_years"] == 3


def test_a_late_correction_keeps_the_whole_chain(cast, rolled_up):
    ArchivePolicy.objects.create(retention_years=3)
    town = Return.objects.get(collection=rolled_up, unit=cast.township_reporter.unit)
    with travel("2028-06-01"):
        services.return_reopen(ret=town, by=cast.township_reporter.user)
    fill_and_submit(
        rolled_up,
        cast.township_reporter.unit,
        cast.township_reporter.user,
        [reception_row("2026-03-05T09:00", 3)],
        "2028-06-01",
    )
    with travel("2030-01-01"):
        assert archive.archive_tick() == 0  # the city's 2026 roll-up is old, but its chain is not
    assert ReturnVersion.objects.filter(ret__collection=rolled_up).count() == 4
    with travel("2031-06-02"):
        assert archive.expired_collections() == [rolled_up]
        assert archive.archive_tick() == 4


def test_the_default_keeps_ten_years(rolled_up):
    with travel("2036-04-16"):
        assert archive.archive_tick() == 0
    with travel("2036-04-18"):
        assert archive.archive_tick() == 3
