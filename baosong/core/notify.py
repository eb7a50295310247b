"""Queue an email after the surrounding transaction commits (never for a rolled-back change)."""

from __future__ import annotations

from django.db import transaction

from baosong.core.tasks import send_email


def email_after_commit(*, to: list[str], subject: str, body: str) -> None:
    recipients = [address for address in to if address]
    if recipients:
        transaction.on_commit(lambda: send_email.enqueue(to=recipients, subject=subject, body=body))
