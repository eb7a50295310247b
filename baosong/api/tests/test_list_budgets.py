"""The API's lists cost a fixed number of queries whatever their length: a row's allowed actions come with
the page (the HTTP load test found one query per sent item in /api/v1/reports)."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from baosong.reports import services as reports
from baosong.reports.models import Report, Submission


def _sent(cast: Any, first: int, n: int) -> None:
    reporter, reviewer = cast.township_reporter.user, cast.township_reviewer.user
    for i in range(first, first + n):
        report = reports.report_create(by=reporter, title=f"城关镇防汛检查第{i}次", body="镇村干部参加。")
        report = reports.report_submit(report=report, by=reporter)
        while report.status == "in_review":
            report = reports.report_approve(report=report, by=reviewer)


def test_the_reports_list_reads_the_same_queries_for_two_items_and_for_twelve(cast: Any, api: Any) -> None:
    client = api("township_reporter")
    _sent(cast, 0, 2)
    client.get("/api/v1/reports")  # the token's last use is written once a minute: not in the count
    with CaptureQueriesContext(connection) as few:
        body = client.get("/api/v1/reports").json()
    assert body["count"] == 2 and all("withdraw" in r["allowed_actions"] for r in body["items"])
    _sent(cast, 2, 10)
    # One of them claimed by the county editor: it can no longer be withdrawn, and the list says so.
    report = Report.objects.get(title="城关镇防汛检查第11次")
    assert report.status == "sent", report.status
    sub = Submission.objects.filter(report=report).first()
    assert sub is not None
    reports.submission_claim(submission=sub, by=cast.county_editor.user)
    with CaptureQueriesContext(connection) as many:
        body = client.get("/api/v1/reports").json()
    assert body["count"] == 12
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]
    actions = {r["title"]: r["allowed_actions"] for r in body["items"]}
    assert "withdraw" not in actions["城关镇防汛检查第11次"]
    assert "withdraw" in actions["城关镇防汛检查第10次"]
