"""IMAP polling: the worker's periodic job fetches unseen messages of the configured mailbox, takes each
one (``intake_receive``) and marks it seen. The same message fetched again (a crash between taking it and
marking it) is recognised by its Message-ID and makes no second draft."""

from __future__ import annotations

import contextlib
import imaplib
import logging

from django.conf import settings

from baosong.intake.models import Transport
from baosong.intake.services import intake_receive

log = logging.getLogger(__name__)
BATCH = 50  # messages per tick: a large backlog is worked off over several ticks


def _connect() -> imaplib.IMAP4:
    host, port = settings.INTAKE_IMAP_HOST, settings.INTAKE_IMAP_PORT
    timeout = settings.INTAKE_IMAP_TIMEOUT
    if settings.INTAKE_IMAP_SSL:
        return imaplib.IMAP4_SSL(host, port, timeout=timeout)
    client = imaplib.IMAP4(host, port, timeout=timeout)
    if settings.INTAKE_IMAP_STARTTLS:
        client.starttls()
    return client


def imap_poll() -> int:
    """Fetch and take up to BATCH unseen messages; returns how many were new."""
    if not settings.INTAKE_IMAP_HOST:
        return 0
    taken = 0
    client = _connect()
    try:
        client.login(settings.INTAKE_IMAP_USER, settings.INTAKE_IMAP_PASSWORD)
        client.select(settings.INTAKE_IMAP_FOLDER)
        status, data = client.uid("SEARCH", None, "UNSEEN")  # type: ignore[arg-type]
        if status != "OK":
            return 0
        for uid in (data[0] or b"").split()[:BATCH]:
            status, parts = client.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
            raw = next((p[1] for p in parts if isinstance(p, tuple) and isinstance(p[1], bytes)), None)
            if status != "OK" or raw is None:
                continue
            if intake_receive(raw=raw, transport=Transport.IMAP) is not None:
                taken += 1
            client.uid("STORE", uid.decode(), "+FLAGS", "(\\Seen)")
    finally:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            client.logout()
    return taken


def imap_tick() -> None:
    """The periodic job (every 60 s in the worker): nothing unless ``BAOSONG_INTAKE_IMAP_HOST`` is set."""
    if settings.INTAKE_IMAP_HOST:
        imap_poll()
