"""The package between deployments: SM4-GCM content under a fresh key wrapped for the receiver with SM2
(GM/T 0003.4, C1C3C2), an SM3 digest of header and ciphertext, and the sender's SM3withSM2 signature over
both. The header names sender and receiver by key fingerprint; it is the associated data of the cipher, so
a header moved onto other content fails to decrypt even before the signature is checked.

    {"header": {"v": 1, "id": …, "kind": "item", "from": fp, "to": fp, "at": iso, "key": hex},
     "ct": base64, "sm3": hex, "sig": hex}
"""

from __future__ import annotations

import base64
import json
import os
import uuid
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from pysmx.SM2 import Decrypt, Encrypt

from baosong.core.crypto import sm4_gcm_decrypt, sm4_gcm_encrypt
from baosong.signing import sm2

VERSION = 1
MAX_BYTES = 60 * 1024 * 1024


class Refused(Exception):
    """A package this deployment will not take; ``code`` and the Chinese ``message`` go back to the sender
    and into the audit trail."""

    def __init__(self, code: str, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.code, self.message, self.status = code, message, status


def canonical(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def _signed_part(header: dict[str, Any], digest: str) -> bytes:
    return canonical(header) + b"." + digest.encode()


@dataclass(frozen=True)
class Sealed:
    msg_id: str
    data: bytes  # the JSON posted to the peer
    sm3: str


def seal(
    *,
    kind: str,
    payload: dict[str, Any],
    sender_fp: str,
    sender_private: bytes,
    receiver_fp: str,
    receiver_public: bytes,
    msg_id: str | None = None,
) -> Sealed:
    key = os.urandom(16)
    header: dict[str, Any] = {
        "v": VERSION,
        "id": msg_id or str(uuid.uuid4()),
        "kind": kind,
        "from": sender_fp,
        "to": receiver_fp,
        "at": timezone.now().isoformat(),
        "key": bytes(Encrypt(key, receiver_public.hex(), 64)).hex(),
    }
    ct = sm4_gcm_encrypt(canonical(payload), associated=canonical(header), key=key)
    digest = sm2.sm3(canonical(header) + ct).hex()
    signature = sm2.sign(sender_private, _signed_part(header, digest)).hex()
    body = {"header": header, "ct": base64.b64encode(ct).decode(), "sm3": digest, "sig": signature}
    return Sealed(str(header["id"]), canonical(body), digest)


@dataclass(frozen=True)
class Opened:
    header: dict[str, Any]
    ct: bytes
    sm3: str
    sig: bytes

    @property
    def msg_id(self) -> str:
        return str(self.header["id"])


def parse(data: bytes) -> Opened:
    """The envelope's parts, checked for shape only (who sent it is decided by the caller's key lookup)."""
    if len(data) > MAX_BYTES:
        raise Refused("too_large", "报送包过大。", status=413)
    try:
        body = json.loads(data)
        header = body["header"]
        if not isinstance(header, dict) or header.get("v") != VERSION:
            raise ValueError("version")
        for name in ("id", "kind", "from", "to", "at", "key"):
            if not isinstance(header.get(name), str):
                raise ValueError(name)
        uuid.UUID(header["id"])
        return Opened(
            header, base64.b64decode(body["ct"], validate=True), str(body["sm3"]), bytes.fromhex(body["sig"])
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise Refused("malformed", "报送包格式不正确。", status=400) from exc


def verify(opened: Opened, sender_public: bytes) -> None:
    """The digest is of this header and ciphertext, and the sender's key signed it: else the package was
    altered on the way or signed by another key."""
    digest = sm2.sm3(canonical(opened.header) + opened.ct).hex()
    if digest != opened.sm3:
        raise Refused("digest_mismatch", "报送包的SM3摘要与内容不符（内容在传输中被改动）。")
    if not sm2.verify(sender_public, _signed_part(opened.header, opened.sm3), opened.sig):
        raise Refused("bad_signature", "报送包的SM2签名验证失败。")


def open_payload(opened: Opened, receiver_private: bytes) -> dict[str, Any]:
    try:
        key = Decrypt(bytes.fromhex(opened.header["key"]), receiver_private.hex(), 64)
        if not key or len(key) != 16:
            raise ValueError("key")
        plain = sm4_gcm_decrypt(opened.ct, associated=canonical(opened.header), key=bytes(key))
        payload = json.loads(plain)
    except Exception as exc:  # a key wrapped for another receiver, a torn ciphertext: the same answer
        raise Refused("undecryptable", "报送包无法解密（不是为本系统加密的）。") from exc
    if not isinstance(payload, dict):
        raise Refused("malformed", "报送包格式不正确。", status=400)
    return payload
