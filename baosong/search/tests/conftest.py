from __future__ import annotations

from typing import Any

from baosong.core.outbox import deliver
from baosong.reports import services as report_services
from baosong.reports.models import Report, Submission


def sent_to_county(cast: Any, title: str, body: str = "", **fields: Any) -> Submission:
    """An item from the township 东湖区城关镇, through its review, received by the county office."""
    reporter, reviewer = cast.township_reporter.user, cast.township_reviewer.user
    report = report_services.report_create(by=reporter, title=title, body=body or f"{title}。", **fields)
    report = report_services.report_submit(report=report, by=reporter)
    while report.status == "in_review":
        report = report_services.report_approve(report=report, by=reviewer)
    return Submission.objects.get(report=report, target_unit=cast.county_editor.unit)


def draft(actor: Any, title: str, body: str = "", **fields: Any) -> Report:
    return report_services.report_create(by=actor.user, title=title, body=body or f"{title}。", **fields)


def settle() -> None:
    """Deliver the pending domain events to the search consumer (what the worker does after commit)."""
    deliver("search")
