"""A peer deployment as far as this one can tell: a key pair whose private half the test holds, and the
packages it signs. Shared by the federation tests and the registry's walk over every audit type."""

from __future__ import annotations

from typing import Any

from baosong.federation import envelope, services
from baosong.federation.models import Message
from baosong.signing import sm2


class Remote:
    def __init__(self) -> None:
        self.private, self.public = sm2.generate_keypair()
        self.fp = sm2.key_id(self.public)

    def seal(self, kind: str, payload: dict[str, Any], **kw: Any) -> envelope.Sealed:
        me = services.identity()
        return envelope.seal(
            kind=kind,
            payload=payload,
            sender_fp=kw.get("sender_fp", self.fp),
            sender_private=kw.get("private", self.private),
            receiver_fp=me.fingerprint,
            receiver_public=bytes(me.public_key),
        )

    def open(self, message: Message) -> dict[str, Any]:
        opened = envelope.parse(bytes(message.envelope or b""))
        envelope.verify(opened, bytes(services.identity().public_key))
        return envelope.open_payload(opened, self.private)


def item_payload(sender_code: str, target_code: str, **extra: Any) -> dict[str, Any]:
    return {
        "sender": {"code": sender_code, "name": "外省某镇"},
        "origin": {"code": sender_code, "name": "外省某镇"},
        "author": "王五",
        "target_code": target_code,
        "title": "外省某镇完成防汛物资储备",
        "body": "截至6月底，储备编织袋2万条。",
        "category": "work_update",
        "urgency": "normal",
        **extra,
    }
