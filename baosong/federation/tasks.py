"""Delivering the outbox: each due package is posted to its peer until the peer acknowledges it. A peer
that is down or slow costs the worker a timeout, never a page: pages only write rows."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django_tasks import task

from baosong.federation import services
from baosong.federation.models import Message

log = logging.getLogger(__name__)
INBOX_PATH = "/federation/inbox"


def post(message: Message) -> tuple[bool, str, bool]:
    """(delivered, reason, final): final when the peer refused the package (a 4xx but 408/429)."""
    url = message.peer.base_url.rstrip("/") + INBOX_PATH
    request = urllib.request.Request(
        url,
        data=bytes(message.envelope or b""),
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "baosong-federation/1"},
    )
    try:
        with urllib.request.urlopen(request, timeout=float(settings.FEDERATION_TIMEOUT_SECONDS)) as response:
            body = json.loads(response.read() or b"{}")
            if body.get("ok") and body.get("msg_id") == message.msg_id:
                return True, "", False
            return False, "对方应答不正确", False
    except urllib.error.HTTPError as exc:
        try:
            reason = json.loads(exc.read() or b"{}").get("message") or f"HTTP {exc.code}"
        except ValueError:
            reason = f"HTTP {exc.code}"
        final = 400 <= exc.code < 500 and exc.code not in (408, 429)
        return False, f"对方拒收：{reason}" if final else f"对方暂不能接收：{reason}", final
    except (urllib.error.URLError, TimeoutError, ConnectionError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return False, f"无法连接对方系统（{str(reason)[:120]}）", False


def deliver_round(limit: int = 100) -> int:
    delivered = 0
    for message in services.due_messages(limit):
        if not services.claim(message):
            continue
        ok, reason, final = post(message)
        if ok:
            services.mark_delivered(message)
            delivered += 1
        else:
            log.warning("federation: %s to %s not delivered: %s", message.msg_id, message.peer.name, reason)
            services.mark_failed(message, reason, final=final)
    return delivered


@task()
def deliver_due() -> int:
    return deliver_round()
