from __future__ import annotations

import datetime as dt

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from baosong.notifications.models import Notification
from baosong.orgs import services as org_services
from baosong.orgs.models import Unit
from baosong.oversight.models import SilentSpell
from baosong.oversight.selectors import silent_units
from baosong.oversight.services import setting_update, silence_scan
from baosong.search.tests.conftest import FIRE

from .helpers import chengguan_reports, report_fire, townships

WEEK = dt.timedelta(days=7)


def _grow(county: Unit, n: int) -> None:
    for i in range(n):
        org_services.unit_create(
            by=None, name=f"东湖区新设{i}镇", code=f"OVS-{county.pk}-{i}", level="township", parent=county,
            sort_order=50 + i,
        )  # fmt: skip


def test_the_silent_list_excludes_inactive_units_and_lists_the_silent_ones(
    cast, django_capture_on_commit_callbacks
):
    towns = townships(cast)
    org_services.unit_set_active(by=None, unit=towns["杨柳乡"], active=False)
    start = timezone.now()
    with time_machine.travel(start + 2 * WEEK + dt.timedelta(days=1), tick=False):
        chengguan_reports(cast, timezone.now() - dt.timedelta(hours=1), django_capture_on_commit_callbacks)
        rows = silent_units(cast.county_editor.user)
    names = {r.unit.name for r in rows}
    assert "东湖区新桥镇" in names and "东湖区河口街道" in names
    assert "东湖区杨柳乡" not in names  # disabled
    assert "东湖区城关镇" not in names  # it has just reported
    assert all(r.weeks >= 2 and r.last_sent_at is None for r in rows)
    # A sibling county's editor sees none of 东湖区's units.
    with time_machine.travel(start + 3 * WEEK, tick=False):
        outsider = {r.unit.name for r in silent_units(cast.outsider_editor.user)}
    assert outsider and not any(n.startswith("东湖区") for n in outsider)


def test_the_silent_list_reads_as_many_queries_for_35_units_as_for_5(cast):
    county = cast.county_editor.unit
    user = cast.county_editor.user
    later = timezone.now() + 3 * WEEK
    with time_machine.travel(later, tick=False):
        silent_units(user)
        with CaptureQueriesContext(connection) as few:
            count_few = len(silent_units(user))
    _grow(county, 30)
    with time_machine.travel(later, tick=False), CaptureQueriesContext(connection) as many:
        count_many = len(silent_units(user))
    assert count_many == count_few + 30
    assert len(many) == len(few)


def test_one_alert_per_silence_spell_cleared_when_the_unit_reports(cast, django_capture_on_commit_callbacks):
    towns = townships(cast)
    xinqiao = towns["新桥镇"]
    start = timezone.now()
    with time_machine.travel(start + 2 * WEEK + dt.timedelta(hours=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            first = silence_scan()
            again = silence_scan()
        assert first["opened"] >= 3 and again["opened"] == 0
        spell = SilentSpell.objects.get(unit=xinqiao, ended_at__isnull=True)
    # The county's editor is told once for all its silent units; 新桥镇's people once for their own unit.
    told = Notification.objects.filter(user=cast.county_editor.user, url="/oversight/")
    assert told.count() == 1 and "东湖区新桥镇" in told.get().title and "东湖区城关镇" in told.get().title
    own = Notification.objects.filter(user=cast.township_reporter.user, title="本单位已连续 2 周未报送信息")
    assert own.count() == 1
    # 新桥镇 reports: the spell ends as the item is sent (the outbox consumer), and a scan keeps it closed.
    from baosong.search.tests.conftest import reporter_in

    with time_machine.travel(start + 2 * WEEK + dt.timedelta(days=1), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            report_fire(reporter_in(xinqiao, "ovs_xq"), FIRE[0], timezone.now() - dt.timedelta(hours=1))
        spell.refresh_from_db()
        assert spell.ended_at is not None
        assert silence_scan()["opened"] == 0
    # Silent again two weeks later: a new spell, a new alert.
    later = start + 4 * WEEK + dt.timedelta(days=2)
    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        silence_scan()
    assert SilentSpell.objects.filter(unit=xinqiao).count() == 2
    assert told.count() == 2


def test_a_disabled_unit_gets_no_spell_and_its_open_one_ends(cast):
    towns = townships(cast)
    start = timezone.now()
    with time_machine.travel(start + 3 * WEEK, tick=False):
        silence_scan()
    assert SilentSpell.objects.filter(unit=towns["河口街道"], ended_at__isnull=True).exists()
    org_services.unit_set_active(by=None, unit=towns["河口街道"], active=False)
    with time_machine.travel(start + 3 * WEEK + dt.timedelta(hours=1), tick=False):
        assert silence_scan()["closed"] >= 1
    assert not SilentSpell.objects.filter(unit=towns["河口街道"], ended_at__isnull=True).exists()


def test_the_county_editor_sets_three_weeks_for_its_townships(cast):
    setting_update(by=cast.county_editor.user, unit=cast.county_editor.unit, silent_weeks=3, min_reporters=2)
    with time_machine.travel(timezone.now() + 2 * WEEK + dt.timedelta(days=1), tick=False):
        assert silent_units(cast.county_editor.user) == []
        silence_scan()
        assert not SilentSpell.objects.filter(unit__parent=cast.county_editor.unit).exists()
        # the sibling county keeps the system-wide two weeks
        assert SilentSpell.objects.filter(unit__parent=cast.outsider_editor.unit).exists()
    with time_machine.travel(timezone.now() + 3 * WEEK + dt.timedelta(days=1), tick=False):
        assert {r.threshold for r in silent_units(cast.county_editor.user)} == {3}


def test_the_scan_reads_as_many_queries_for_35_units_as_for_5(cast):
    """Once the spells are open, a scan only reads: the same queries whatever the number of units."""
    later = timezone.now() + 3 * WEEK
    with time_machine.travel(later, tick=False):
        silence_scan()
        with CaptureQueriesContext(connection) as few:
            assert silence_scan() == {"opened": 0, "closed": 0}
    _grow(cast.county_editor.unit, 30)
    with time_machine.travel(later, tick=False):
        assert silence_scan()["opened"] == 30
        with CaptureQueriesContext(connection) as many:
            assert silence_scan() == {"opened": 0, "closed": 0}
    assert len(many) == len(few)
