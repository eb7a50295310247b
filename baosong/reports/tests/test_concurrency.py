"""Two editors of the county act on the same submission at the same moment: the row lock lets exactly one
decision through; the other is refused as an invalid transition. Real transactions and real threads."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from baosong.core.errors import ServiceError
from baosong.core.models import DomainEvent
from baosong.demo.province import seed_demo
from baosong.orgs.models import Role, Unit, User
from baosong.orgs.services import membership_add, user_create
from baosong.reports import services
from baosong.reports.models import ReportStatus, Submission, SubmissionStatus

from .conftest import ITEM

ACTIONS: dict[str, Callable[..., Any]] = {
    "adopt": lambda sub, by: services.submission_adopt(submission=sub, by=by),
    "forward": lambda sub, by: services.submission_forward(submission=sub, by=by),
    "decline": lambda sub, by: services.submission_decline(submission=sub, by=by, comment="不采用"),
}
ROUNDS = 3


def race(pk: int, moves: list[tuple[str, User]]) -> list[Any]:
    """Run each move in its own thread, released together; return what each returned or raised."""
    barrier = threading.Barrier(len(moves))
    results: list[Any] = [None] * len(moves)

    def run(i: int, action: str, editor: User) -> None:
        try:
            sub = Submission.objects.get(pk=pk)  # both load it while it is still 待接收
            barrier.wait(timeout=30)
            results[i] = ACTIONS[action](sub, editor)
        except Exception as exc:  # anything but the expected refusal (e.g. a lock error) fails the test
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, *move)) for i, move in enumerate(moves)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    return results


@pytest.fixture
def county(transactional_db) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        # The shared-cache in-memory database answers a second writer with "database table is locked"
        # at once instead of waiting; a file database (IMMEDIATE transactions) serialises them.
        pytest.skip("needs PostgreSQL or a file SQLite database: in-memory SQLite refuses a second writer")
    seed_demo()
    User.objects.filter(is_demo=True).update(must_change_password=False)
    unit = Unit.objects.get(code="DEMO-C1-1")
    second = user_create(
        by=None, username="xian_bianji2", full_name="蒋文", primary_unit=unit, password="x", validate=False
    )
    User.objects.filter(pk=second.pk).update(must_change_password=False, password_changed_at=timezone.now())
    membership_add(by=None, user=second, unit=unit, role=Role.EDITOR)
    return {
        "reporter": User.objects.get(username="zhen_xinxiyuan"),
        "reviewer": User.objects.get(username="zhen_shenhe"),
        "editors": [User.objects.get(username="xian_bianji"), User.objects.get(pk=second.pk)],
    }


@pytest.mark.parametrize(
    ("first", "second"), [("adopt", "adopt"), ("forward", "forward"), ("adopt", "decline")]
)
def test_two_editors_deciding_at_once_make_exactly_one_decision(county, first, second):
    for _ in range(ROUNDS):
        report = services.report_create(by=county["reporter"], **ITEM)
        report = services.report_submit(report=report, by=county["reporter"])
        while report.status == ReportStatus.IN_REVIEW:  # through whatever chain the demo configures
            report = services.report_approve(report=report, by=county["reviewer"])
        sub = Submission.objects.get(report=report)

        results = race(sub.pk, [(first, county["editors"][0]), (second, county["editors"][1])])

        won = [r for r in results if isinstance(r, Submission)]
        lost = [r for r in results if not isinstance(r, Submission)]
        assert len(won) == 1 and len(lost) == 1, results
        [refused] = lost
        assert isinstance(refused, ServiceError), repr(refused)
        assert (refused.code, refused.status) == ("invalid_transition", 409)

        sub.refresh_from_db()
        winner = won[0]
        assert sub.status == winner.status and sub.decided_by_id == winner.decided_by_id
        decisions = DomainEvent.objects.filter(
            object_type="submission",
            object_id=sub.pk,
            event_type__in=["submission.adopt", "submission.forward", "submission.decline"],
        )
        assert decisions.count() == 1
        assert Submission.objects.filter(forwarded_from=sub).count() == (1 if sub.forwarded_at else 0)
        assert sub.status != SubmissionStatus.RECEIVED
