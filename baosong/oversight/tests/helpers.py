"""The world of the 督查 tests: townships of 东湖区 reporting one fire in 城关镇 through the real services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from baosong.core.outbox import deliver
from baosong.orgs.models import Unit
from baosong.reports import services as report_services
from baosong.reports.models import Report
from baosong.reports.timeliness import due_at_for
from baosong.search.tests.conftest import FIRE, reporter_in

ELEMENTS = {
    "nature": "火灾",
    "scope": "一处民房",
    "casualties": "无人员伤亡，直接经济损失约12万元",
    "measures": "火势已扑灭",
    "next_steps": "排查隐患",
}


def townships(cast: Any) -> dict[str, Unit]:
    """东湖区's townships by their own name: 城关镇, 新桥镇, 杨柳乡, 河口街道."""
    county = cast.county_editor.unit
    return {
        u.name.removeprefix("东湖区"): u
        for u in Unit.objects.filter(parent=county, level="township").order_by("sort_order")
    }


def report_fire(
    reporter: Any, text: tuple[str, str, str], event: dt.datetime, reviewer: Any = None
) -> Report:
    """One unit's item on the fire, created and submitted through the reports services (and approved by
    the unit's reviewer when it has a review chain)."""
    title, place, body = text
    report = report_services.report_create(
        by=reporter, title=title, body=body, place=place or "东湖区城关镇李家村", category="emergency",
        urgency="urgent", event_time=event, elements=ELEMENTS,
    )  # fmt: skip
    report = report_services.report_submit(report=report, by=reporter)
    while report.status == "in_review":
        report = report_services.report_approve(report=report, by=reviewer)
    return report


def three_townships_report(cast: Any, event: dt.datetime, capture: Any) -> list[Report]:
    """新桥镇, 杨柳乡 and 河口街道 report the fire in 城关镇李家村; signatures come after commit."""
    towns = townships(cast)
    reports = []
    with capture(execute=True):
        for i, name in enumerate(["新桥镇", "杨柳乡", "河口街道"]):
            reporter = reporter_in(towns[name], f"ovs_rep_{i}")
            reports.append(report_fire(reporter, FIRE[i], event))
    deliver("grouping")
    return reports


def chengguan_reports(cast: Any, event: dt.datetime, capture: Any) -> Report:
    with capture(execute=True):
        report = report_fire(
            cast.township_reporter.user, FIRE[3], event, reviewer=cast.township_reviewer.user
        )
    deliver("grouping")
    return report


def fire_reported(cast: Any, capture: Any) -> tuple[dt.datetime, dt.datetime]:
    """The three townships report a fire of an hour ago (at the event + 1 hour: the clock is moved);
    returns the event time and its deadline (突发事件: 3 hours)."""
    import time_machine

    event = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=1)
    with time_machine.travel(event + dt.timedelta(hours=1), tick=False):
        reports = three_townships_report(cast, event, capture)
    return event, due_at_for(reports[0])


def raised_alert(cast: Any, capture: Any) -> Any:
    """The fire reported by three townships, 城关镇 silent: the alert the scan raises a minute after the
    deadline."""
    import time_machine

    from baosong.oversight.models import OmissionAlert
    from baosong.oversight.services import omission_scan

    _, due = fire_reported(cast, capture)
    with time_machine.travel(due + dt.timedelta(minutes=1), tick=False):
        omission_scan()
    return OmissionAlert.objects.get()
