"""Row locks take only the row they mean to (PostgreSQL): ``SELECT … FOR UPDATE`` over a join locks every
joined row unless it names its own table (``FOR UPDATE OF``). An issue locked with its publication's unit
also locked that unit row, which deadlocked against a reporter's ``report_create`` (its foreign key holds a
share lock on the same unit while it waits for the audit head): 5 errors in the load test's working day."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baosong.editorial import services as issue_services
from baosong.editorial.tests.conftest import adopted_at_county

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has no row locks")


def joined_locks(ctx: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in ctx.captured_queries
        if " FOR UPDATE" in q["sql"] and " JOIN " in q["sql"] and not re.search(r"FOR UPDATE OF", q["sql"])
    ]


def test_locking_an_issue_never_locks_its_unit_row(cast: Any) -> None:
    editor = cast.county_editor.user
    sub = adopted_at_county(cast, "城关镇开展防汛应急演练", public_scope="public")
    issue = issue_services.issue_create(
        by=editor, publication=sub.target_unit.publications.get(name="东湖政务信息")
    )
    with CaptureQueriesContext(connection) as ctx:
        issue_services.issue_item_add(issue=issue, by=editor, submission_ids=[sub.pk])
        issue_services.issue_submit(issue=issue, by=editor)
        issue_services.issue_sign(issue=issue, by=cast.county_chief.user)
    assert any(" FOR UPDATE" in q["sql"] for q in ctx.captured_queries)
    assert not joined_locks(ctx), joined_locks(ctx)
