"""The local SMTP intake (``manage.py intake_smtp``): an aiosmtpd server that accepts mail for the intake
addresses and hands each message to ``intake_receive`` in a worker thread (the ORM is synchronous)."""

from __future__ import annotations

import asyncio
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP
from django.conf import settings
from django.db import close_old_connections

from baosong.intake.models import Transport
from baosong.intake.services import intake_receive


def _receive(raw: bytes) -> None:
    close_old_connections()
    try:
        intake_receive(raw=raw, transport=Transport.SMTP)
    finally:
        close_old_connections()


class IntakeHandler:
    """SMTP replies are ASCII by the protocol: no Chinese here."""

    def __init__(self, addresses: list[str] | None = None) -> None:
        self.addresses = {a.strip().lower() for a in (addresses or []) if a.strip()}

    async def handle_RCPT(
        self, server: SMTP, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if self.addresses and address.strip().lower() not in self.addresses:
            return "550 5.1.1 Unknown recipient"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        try:
            await asyncio.get_running_loop().run_in_executor(None, _receive, raw)
        except Exception:  # the sender keeps the message and tries again later
            return "451 4.3.0 Temporary failure, try again later"
        return "250 Message accepted for delivery"


def controller(host: str | None = None, port: int | None = None) -> Controller:
    """A server thread on ``host:port`` (the settings by default); ``start()`` it, ``stop()`` it."""
    limit = int(settings.INTAKE_MAX_MB) * 1024 * 1024
    return Controller(
        IntakeHandler(list(settings.INTAKE_ADDRESSES)),
        hostname=host or settings.INTAKE_SMTP_HOST,
        port=port if port is not None else settings.INTAKE_SMTP_PORT,
        data_size_limit=limit,
        decode_data=False,
        server_hostname="baosong-intake",
        ident="Baosong intake",
    )
