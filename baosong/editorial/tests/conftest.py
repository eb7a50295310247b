from __future__ import annotations

from typing import Any

import pytest

from baosong.editorial.models import Issue, Publication
from baosong.editorial.services import (
    issue_create,
    issue_distribute,
    issue_item_add,
    issue_sign,
    issue_submit,
)
from baosong.reports import services as report_services
from baosong.reports.models import Submission


def sent_to_county(cast: Any, title: str = "城关镇开展防汛应急演练", **fields: Any) -> Submission:
    """An item from the township, through its review, received by the county office."""
    reporter, reviewer = cast.township_reporter.user, cast.township_reviewer.user
    body = fields.pop(
        "body", f"{title}。镇村干部和群众300余人参加，检验了预案的可操作性。\n下一步将完善预案。"
    )
    report = report_services.report_create(by=reporter, title=title, body=body, **fields)
    report = report_services.report_submit(report=report, by=reporter)
    while report.status == "in_review":
        report = report_services.report_approve(report=report, by=reviewer)
    return Submission.objects.get(report=report, target_unit=cast.county_editor.unit)


def adopted_at_county(cast: Any, title: str = "城关镇开展防汛应急演练", **fields: Any) -> Submission:
    sub = sent_to_county(cast, title, **fields)
    return report_services.submission_adopt(submission=sub, by=cast.county_editor.user)


def distributed_county_issue(cast: Any, submissions: list[Submission]) -> Issue:
    """A 《东湖政务信息》 issue of these adopted items, composed, signed by the chief and distributed."""
    editor = cast.county_editor.user
    publication = Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")
    issue = issue_create(by=editor, publication=publication)
    issue_item_add(issue=issue, by=editor, submission_ids=[s.pk for s in submissions])
    issue_submit(issue=issue, by=editor)
    issue_sign(issue=issue, by=cast.county_chief.user)
    return issue_distribute(issue=issue, by=editor)


@pytest.fixture
def county_pub(cast: Any) -> Publication:
    """《东湖政务信息》 of the demo county office (seeded with the demo cast)."""
    return Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")


@pytest.fixture
def new_issue(cast: Any, county_pub: Publication) -> Issue:
    return issue_create(by=cast.county_editor.user, publication=county_pub)
