"""Issue numbers: given at signing, per year and in a running total, 增刊 apart, never shared."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection, connections

from baosong.demo.province import seed_demo
from baosong.editorial import services
from baosong.editorial.models import Issue, IssueStatus, Publication
from baosong.orgs.models import User

from .conftest import adopted_at_county

TZ = ZoneInfo("Asia/Shanghai")


def ready_for_signature(
    cast: Any, pub: Publication, *, supplement: bool = False, title: str = "信息"
) -> Issue:
    editor = cast.county_editor.user
    issue = services.issue_create(by=editor, publication=pub, is_supplement=supplement)
    services.issue_item_add(issue=issue, by=editor, submission_ids=[adopted_at_county(cast, title).pk])
    return services.issue_submit(issue=issue, by=editor)


def sign(cast: Any, issue: Issue) -> Issue:
    return services.issue_sign(issue=issue, by=cast.county_chief.user)


def test_numbers_follow_the_numbers_used_before_the_system(cast, county_pub):
    # The demo county started the year at 第20期 and 总第156期 before moving to the system.
    first = sign(cast, ready_for_signature(cast, county_pub, title="一"))
    second = sign(cast, ready_for_signature(cast, county_pub, title="二"))
    assert (first.number, first.total_number) == (21, 157)
    assert (second.number, second.total_number) == (22, 158)
    assert second.number_text == "第22期（总第158期）"


def test_an_unsigned_issue_has_no_number(cast, county_pub):
    issue = ready_for_signature(cast, county_pub)
    assert issue.number is None and issue.total_number is None
    assert issue.number_text == "（待签发）"


def test_the_year_number_restarts_but_the_total_runs_on(cast, county_pub):
    with time_machine.travel(dt.datetime(2031, 12, 31, 23, 0, tzinfo=TZ), tick=False):
        december = sign(cast, ready_for_signature(cast, county_pub, title="岁末"))
    with time_machine.travel(dt.datetime(2032, 1, 2, 9, 0, tzinfo=TZ), tick=False):
        january = sign(cast, ready_for_signature(cast, county_pub, title="年初"))
    assert december.year == 2031 and january.year == 2032
    assert january.number == 1
    assert january.total_number == december.total_number + 1


def test_supplements_are_numbered_apart(cast, county_pub):
    regular = sign(cast, ready_for_signature(cast, county_pub, title="正刊"))
    supplement = sign(cast, ready_for_signature(cast, county_pub, supplement=True, title="增刊一"))
    supplement2 = sign(cast, ready_for_signature(cast, county_pub, supplement=True, title="增刊二"))
    regular2 = sign(cast, ready_for_signature(cast, county_pub, title="正刊二"))
    assert (supplement.number, supplement.total_number) == (1, 1)
    assert (supplement2.number, supplement2.total_number) == (2, 2)
    assert supplement.number_text == "增刊第1期（总第1期）"
    assert regular2.number == regular.number + 1 and regular2.total_number == regular.total_number + 1


def test_a_withdrawn_issue_keeps_its_number_and_the_next_one_does_not_reuse_it(cast, county_pub):
    withdrawn = sign(cast, ready_for_signature(cast, county_pub, title="撤回的"))
    services.issue_withdraw(issue=withdrawn, by=cast.county_chief.user, reason="数据有误")
    withdrawn.refresh_from_db()
    assert withdrawn.status == IssueStatus.WITHDRAWN and withdrawn.number == 21
    nxt = sign(cast, ready_for_signature(cast, county_pub, title="下一期"))
    assert nxt.number == 22


# ---- two chiefs sign two issues at the same instant -------------------------------------------------


@pytest.fixture
def two_pending(transactional_db) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip("needs PostgreSQL or a file SQLite database: in-memory SQLite refuses a second writer")
    from conftest import Actor, Cast

    cast = Cast()
    for entry in seed_demo():
        user = User.objects.get(username=entry["username"])
        cast[entry["key"]] = Actor(entry["key"], user, user.primary_unit, entry["password"])
    User.objects.filter(is_demo=True).update(must_change_password=False)
    pub = Publication.objects.get(name="东湖政务信息")
    return {
        "cast": cast,
        "issues": [ready_for_signature(cast, pub, title=f"并发{i}") for i in range(2)],
    }


def test_two_issues_signed_at_once_get_distinct_consecutive_numbers(two_pending):
    cast, issues = two_pending["cast"], two_pending["issues"]
    barrier = threading.Barrier(2)
    results: list[Any] = [None, None]

    def run(i: int) -> None:
        try:
            issue = Issue.objects.get(pk=issues[i].pk)
            barrier.wait(timeout=30)
            results[i] = services.issue_sign(issue=issue, by=cast.county_chief.user)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(isinstance(r, Issue) for r in results), results
    numbers = sorted(r.number for r in results)
    totals = sorted(r.total_number for r in results)
    assert numbers == [21, 22] and totals == [157, 158]
