"""Scoring consumes the workflow's domain events after commit, each exactly once (core.outbox)."""

from __future__ import annotations

from baosong.core.models import DomainEvent
from baosong.scoring.rollups import rollup_apply
from baosong.scoring.services import ledger_apply


def on_event(event: DomainEvent) -> None:
    rollup_apply(event, ledger_apply(event))
