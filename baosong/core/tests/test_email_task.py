"""A real task end to end: an email notification delivered to a real SMTP server the test starts."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from baosong.core.notify import email_after_commit


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp_server() -> Iterator[tuple[Inbox, int]]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _subject(raw: bytes) -> str:
    return str(make_header(decode_header(message_from_bytes(raw)["Subject"])))


def test_notification_email_reaches_a_real_smtp_server(db, smtp_server, django_capture_on_commit_callbacks):
    inbox, port = smtp_server
    with (
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
            EMAIL_USE_TLS=False,
        ),
        django_capture_on_commit_callbacks(execute=True),
        transaction.atomic(),
    ):
        email_after_commit(
            to=["xian_bianji@demo.baosong.local"],
            subject="【待处理】有一条紧急信息待审核",
            body="东湖区城关镇报送的紧急信息等待您审核。",
        )
    assert len(inbox.messages) == 1
    _sender, recipients, raw = inbox.messages[0]
    assert recipients == ["xian_bianji@demo.baosong.local"]
    assert _subject(raw) == "【待处理】有一条紧急信息待审核"


def test_no_email_for_a_rolled_back_change(db, smtp_server, django_capture_on_commit_callbacks):
    inbox, port = smtp_server
    with (
        override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            EMAIL_HOST="127.0.0.1",
            EMAIL_PORT=port,
        ),
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        email_after_commit(to=["a@demo.baosong.local"], subject="不应发送", body="x")
        raise RuntimeError("change refused")
    assert inbox.messages == []


def test_database_worker_delivers_the_queued_email(transactional_db, smtp_server):
    """The embedded default: the task waits in the database until the worker picks it up."""
    inbox, port = smtp_server
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}},
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
    ):
        with transaction.atomic():
            email_after_commit(
                to=["shi_bianji@demo.baosong.local"], subject="信息已采用", body="您的信息已被采用。"
            )
        assert inbox.messages == []  # queued, not yet sent
        call_command("db_worker", batch=True, startup_delay=False, reload=False, interval=0.1)
    assert [m[1] for m in inbox.messages] == [["shi_bianji@demo.baosong.local"]]
