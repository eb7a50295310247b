"""Queue an email after the surrounding transaction commits (never for a rolled-back change)."""

from __future__ import annotations

from django.db import transaction

from baosong.core.tasks import send_email


def email_after_commit(*, to: list[str], subject: str, body: str) -> None:
    recipients = [address for address in to if address]
    if recipients:
        transaction.on_commit(lambda: send_email.enqueue(to=recipients, subject=subject, body=body))


def sms_after_commit(*, mobile: str, text: str) -> None:
    from baosong.core.tasks import send_sms

    if mobile:
        transaction.on_commit(lambda: send_sms.enqueue(mobile=mobile, text=text))
