from __future__ import annotations

import datetime as dt

import time_machine
from django.utils import timezone

from baosong.core.models import AuditEvent
from baosong.notifications.models import Notification
from baosong.oversight.models import OmissionAlert
from baosong.oversight.services import alert_handle, omission_scan, scan
from baosong.oversight.tasks import scan_tick
from baosong.reports.timeliness import due_at_for

from .helpers import chengguan_reports, fire_reported, raised_alert, townships


def test_three_townships_report_a_fire_in_chengguan_which_stays_silent_one_alert(
    cast, django_capture_on_commit_callbacks
):
    event, due = fire_reported(cast, django_capture_on_commit_callbacks)
    assert due == event + dt.timedelta(hours=3)  # 突发事件: 事件发生后 3 小时内
    with time_machine.travel(due - dt.timedelta(minutes=1), tick=False):
        assert omission_scan() == 0  # not yet due
    at = due + dt.timedelta(minutes=1)
    with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
        scan_tick()
        scan_tick()  # the periodic job twice: still one alert
    alert = OmissionAlert.objects.get()
    chengguan = townships(cast)["城关镇"]
    assert alert.unit_id == chengguan.pk
    assert alert.upper_unit_id == cast.county_editor.unit.pk
    assert alert.due_at == due
    assert alert.reporter_count == 3
    assert alert.status == OmissionAlert.Status.OPEN
    # 城关镇's reporter and the county's editor are told, once each.
    for actor in (cast.township_reporter, cast.county_editor):
        notes = Notification.objects.filter(user=actor.user, url=f"/oversight/omissions/{alert.pk}/")
        assert notes.count() == 1
        assert notes.get().title.startswith("疑似漏报")
    assert not Notification.objects.filter(
        user=cast.outsider_editor.user, title__startswith="疑似漏报"
    ).exists()


def test_no_alert_when_chengguan_reports_a_minute_before_the_deadline(
    cast, django_capture_on_commit_callbacks
):
    event, due = fire_reported(cast, django_capture_on_commit_callbacks)
    with time_machine.travel(due - dt.timedelta(minutes=1), tick=False):
        own = chengguan_reports(cast, event, django_capture_on_commit_callbacks)
    assert own.status == "sent" and own.sent_at == due - dt.timedelta(minutes=1)
    with time_machine.travel(due + dt.timedelta(minutes=1), tick=False):
        assert scan()["omissions"] == 0
        assert scan()["omissions"] == 0
    assert not OmissionAlert.objects.exists()


def test_a_report_after_the_deadline_does_not_undo_the_alert_nor_add_one(
    cast, django_capture_on_commit_callbacks
):
    event, due = fire_reported(cast, django_capture_on_commit_callbacks)
    with time_machine.travel(due + dt.timedelta(minutes=1), tick=False):
        assert omission_scan() == 1
    with time_machine.travel(due + dt.timedelta(minutes=30), tick=False):
        chengguan_reports(cast, event, django_capture_on_commit_callbacks)
        assert omission_scan() == 0  # the group grew by 城关镇's late item: the same event, no second alert
    assert OmissionAlert.objects.count() == 1


def test_one_reporter_is_not_enough(cast, django_capture_on_commit_callbacks):
    """Two items (the threshold counts units other than the place's unit): with only 新桥镇 and 城关镇's
    own late item, nothing is raised."""
    from baosong.search.tests.conftest import FIRE, reporter_in

    from .helpers import report_fire

    event = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=1)
    towns = townships(cast)
    at = event + dt.timedelta(hours=1)
    with time_machine.travel(at, tick=False), django_capture_on_commit_callbacks(execute=True):
        report = report_fire(reporter_in(towns["新桥镇"], "ovs_solo"), FIRE[0], event)
    with time_machine.travel(event + dt.timedelta(hours=4), tick=False):
        chengguan_reports(cast, event, django_capture_on_commit_callbacks)
        assert omission_scan() == 0
    assert due_at_for(report) == event + dt.timedelta(hours=3)


def test_the_county_editor_marks_the_alert_handled_audited(cast, django_capture_on_commit_callbacks):
    alert = raised_alert(cast, django_capture_on_commit_callbacks)
    handled = alert_handle(alert=alert, by=cast.county_editor.user, note="已电话督促城关镇补报")
    assert handled.status == "handled" and handled.handled_by == cast.county_editor.user
    audit = AuditEvent.objects.filter(event_type="omission.handle").get()
    assert audit.object_id == str(alert.pk) and audit.details["note"] == "已电话督促城关镇补报"
