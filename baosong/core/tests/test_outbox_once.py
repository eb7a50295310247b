"""The outbox runs once per transaction, however many events the transaction emits."""

from __future__ import annotations

from django.db import transaction

from baosong.core import outbox
from baosong.core.events import event_emit
from baosong.core.models import DomainEvent
from baosong.reports import workflow as wf


def _outbox_runs(callbacks) -> int:  # type: ignore[no-untyped-def]
    return sum(1 for c in callbacks if isinstance(c, outbox._OutboxRun))


def test_a_transaction_of_many_events_queues_one_outbox_run(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for pk in range(1, 6):
            event_emit(
                wf.SUBMISSION_OVERDUE.code, object_type="submission", object_id=pk, payload={"due_at": None}
            )
    assert _outbox_runs(callbacks) == 1
    assert DomainEvent.objects.filter(event_type=wf.SUBMISSION_OVERDUE.code).count() == 5


def test_an_event_after_a_rolled_back_savepoint_still_queues_the_run(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        try:
            with transaction.atomic():
                event_emit(
                    wf.SUBMISSION_OVERDUE.code,
                    object_type="submission",
                    object_id=1,
                    payload={"due_at": None},
                )
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        event_emit(
            wf.SUBMISSION_OVERDUE.code, object_type="submission", object_id=2, payload={"due_at": None}
        )
    assert _outbox_runs(callbacks) == 1
    assert list(
        DomainEvent.objects.filter(event_type=wf.SUBMISSION_OVERDUE.code).values_list("object_id", flat=True)
    ) == [2]
