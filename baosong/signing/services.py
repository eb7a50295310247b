"""Signing's writers and its verifier: the security administrator's keys, the fixing and signing of a
released document, and the check anyone can run on a file.

A released document is fixed once per format: its bytes are rendered, the signature block (issuer, title,
time, format, SM3 of the content, the key's id, the SM2 signature over all of these) is embedded, and the
result is kept SM4-encrypted on disk; every later download, the portal's included, serves those same bytes.
"""

from __future__ import annotations

import base64
import binascii
import json
import unicodedata
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from baosong.core import storage
from baosong.core.actions import record
from baosong.core.crypto import sm4_gcm_decrypt, sm4_gcm_encrypt
from baosong.core.errors import Forbidden, ServiceError
from baosong.orgs.models import Role, Unit, User
from baosong.orgs.selectors import unit_is_visible_to
from baosong.signing import embed, sm2
from baosong.signing import workflow as wf
from baosong.signing.backends import _load, get_signer
from baosong.signing.models import SignedDocument, SigningKey

BLOCK_VERSION = 2
TITLE_MAX_IN_BLOCK = 60  # at most; shortened further when the block would not fit ``embed.MAX_BLOCK``
_BINARY_FIELDS = ("kid", "sm3", "sig")  # hex in the block as the code reads it, base64 in the file


# ---- keys (安全管理员) ---------------------------------------------------------------------------------


def _require_secadmin(by: User, unit: Unit) -> None:
    if not unit_is_visible_to(by, unit, Role.SECADMIN):
        raise Forbidden("只有该单位所在范围的安全管理员可以管理签名密钥。")


def _new_key(unit: Unit, by: User | None) -> SigningKey:
    path = str(settings.SIGNER)
    made = get_signer().generate()
    return SigningKey.objects.create(
        unit=unit,
        key_id=sm2.key_id(made.public_key),
        public_key=made.public_key,
        secret=made.secret,
        backend=path,
        created_by=by,
    )


def key_generate(*, unit: Unit, by: User | None, check: bool = True) -> SigningKey:
    """The unit's first signing key. ``check=False``: the demo seed, which acts for no one."""
    if check:
        assert by is not None
        _require_secadmin(by, unit)
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=unit.pk).first()  # one key operation per unit at a time
        if SigningKey.objects.filter(unit=unit, status=SigningKey.Status.ACTIVE).exists():
            raise ServiceError(
                "该单位已有在用的签名密钥；如需更换，请使用“轮换密钥”。", "key_exists", status=409
            )
        key = _new_key(unit, by)
        record(
            wf.KEY_GENERATE,
            by=by,
            unit_id=unit.pk,
            object_type="signing_key",
            object_id=key.pk,
            details={"unit_id": unit.pk, "key_id": key.short_id, "backend": _load(key.backend).name},
        )
    return key


def key_rotate(*, unit: Unit, by: User) -> SigningKey:
    """A new active key; the old one is retired but stays in the public-key list, so what it signed still
    verifies."""
    _require_secadmin(by, unit)
    with transaction.atomic():
        Unit.objects.select_for_update().filter(pk=unit.pk).first()
        old = SigningKey.objects.filter(unit=unit, status=SigningKey.Status.ACTIVE).first()
        if old is None:
            raise ServiceError("该单位还没有签名密钥，请先生成。", "no_key", status=409)
        old.status, old.retired_by, old.retired_at = SigningKey.Status.RETIRED, by, timezone.now()
        old.save(update_fields=["status", "retired_by", "retired_at"])
        key = _new_key(unit, by)
        record(
            wf.KEY_ROTATE,
            by=by,
            unit_id=unit.pk,
            object_type="signing_key",
            object_id=key.pk,
            details={"unit_id": unit.pk, "old_key_id": old.short_id, "new_key_id": key.short_id},
        )
    return key


def active_key(unit_id: int) -> SigningKey | None:
    return SigningKey.objects.filter(unit_id=unit_id, status=SigningKey.Status.ACTIVE).first()


# ---- the signature block ---------------------------------------------------------------------------------


def to_be_signed(block: dict[str, Any]) -> bytes:
    """What the SM2 signature covers: the block without its signature, as canonical JSON (digests in hex)."""
    body = {k: v for k, v in block.items() if k != "sig"}
    return (
        b"BAOSONG-SIG2\n"
        + json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    )


def encode_block(block: dict[str, Any]) -> bytes:
    """The block as it travels in the file: compact UTF-8 JSON, the key id, digest and signature in base64
    (a third shorter than hex), so that it stays under ``embed.MAX_BLOCK``."""
    wire = dict(block)
    for name in _BINARY_FIELDS:
        wire[name] = base64.b64encode(bytes.fromhex(block[name])).decode()
    return json.dumps(wire, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def decode_block(raw: bytes) -> dict[str, Any] | None:
    try:
        block = json.loads(raw.strip().decode())
    except (ValueError, UnicodeDecodeError):
        return None
    wanted = {"v": int, "kid": str, "iss": str, "no": str, "at": str, "fmt": str, "sm3": str, "sig": str}
    if not isinstance(block, dict) or any(not isinstance(block.get(k), t) for k, t in wanted.items()):
        return None
    try:
        for name in _BINARY_FIELDS:
            block[name] = base64.b64decode(block[name], validate=True).hex()
    except (binascii.Error, ValueError):
        return None
    return block


# ---- fixing released documents ---------------------------------------------------------------------------


def document_fix(
    *,
    kind: str,
    object_id: int,
    fmt: str,
    unit: Unit,
    title: str,
    number_text: str,
    render: Callable[[], bytes],
    by: User | None = None,
) -> SignedDocument:
    """The fixed document of (kind, object, format), made now if it is not yet: idempotent, and one maker
    at a time (a second caller waits on the lock and then finds the first one's record)."""
    found = SignedDocument.objects.filter(kind=kind, object_id=object_id, fmt=fmt).first()
    if found is not None:
        return found
    # On object storage there is no lock: two makers may both render, and the unique constraint in _make
    # keeps one record (the loser deletes its object).
    with storage.exclusive(storage.SIGNED, f"{kind}-{object_id}-{fmt}.lock"):
        found = SignedDocument.objects.filter(kind=kind, object_id=object_id, fmt=fmt).first()
        if found is not None:
            return found
        return _make(kind, object_id, fmt, unit, title, number_text, render(), by)


def _make(
    kind: str,
    object_id: int,
    fmt: str,
    unit: Unit,
    title: str,
    number_text: str,
    data: bytes,
    by: User | None,
) -> SignedDocument:
    content = embed.prepare(data)
    digest = sm2.sm3(content).hex()
    now = timezone.now()
    # A unit without a key (or a format with no place for a block) still gets its bytes fixed and recorded:
    # the file then verifies by its digest against this record.
    key = active_key(unit.pk)
    signature = ""
    out = content
    if key is not None and embed.container_of(content):
        block: dict[str, Any] = {
            "v": BLOCK_VERSION,
            "kid": key.key_id,
            "iss": unit.name,
            "no": title[:TITLE_MAX_IN_BLOCK],
            "at": timezone.localtime(now).isoformat(timespec="seconds"),
            "fmt": fmt,
            "sm3": digest,
            "sig": "",
        }
        # Fit the block (with a signature's worth of room) under LibreOffice's limit: shorten the title.
        block["sig"] = "00" * 64
        while len(embed.MARK) + len(encode_block(block)) > embed.MAX_BLOCK and len(block["no"]) > 8:
            block["no"] = block["no"][:-2] + "…"
        while len(embed.MARK) + len(encode_block(block)) > embed.MAX_BLOCK and len(block["iss"]) > 8:
            block["iss"] = block["iss"][:-2] + "…"  # shown only for a key that is not in the list
        block["sig"] = ""
        signer = _load(key.backend)
        raw = signer.sign(
            public_key=bytes(key.public_key), secret=bytes(key.secret), message=to_be_signed(block)
        )
        signature = block["sig"] = raw.hex()
        out = embed.embed(content, encode_block(block))
    name = f"{uuid.uuid4().hex}.{fmt}.sm4"
    storage.write(storage.SIGNED, name, sm4_gcm_encrypt(out, associated=name.encode()))
    try:
        with transaction.atomic():
            doc = SignedDocument.objects.create(
                kind=kind,
                object_id=object_id,
                fmt=fmt,
                title=title[:300],
                number_text=number_text[:100],
                unit=unit,
                unit_name=unit.name,
                sm3=digest,
                file_sm3=sm2.sm3(out).hex(),
                size=len(out),
                key=key,
                signature=signature,
                signed_at=now,
                stored_name=name,
            )
            record(
                wf.DOCUMENT_SIGN,
                by=by,
                unit_id=unit.pk,
                object_type="signed_document",
                object_id=doc.pk,
                details={
                    "doc_kind": kind,
                    "document": title,
                    "format": fmt,
                    "sm3": digest,
                    "key_id": key.short_id if key else "",
                    "signed": bool(signature),
                },
            )
    except IntegrityError:  # another process fixed it first (no lock on object storage, or not shared)
        storage.delete(storage.SIGNED, name)
        return SignedDocument.objects.get(kind=kind, object_id=object_id, fmt=fmt)
    return doc


def document_bytes(doc: SignedDocument) -> bytes:
    try:
        blob = storage.read(storage.SIGNED, doc.stored_name)
        return sm4_gcm_decrypt(blob, associated=doc.stored_name.encode())
    except (FileNotFoundError, ValueError) as exc:
        raise ServiceError(
            "该文件的签发版本在服务器上缺失或已损坏，请联系系统管理员从备份恢复。",
            "signed_file_missing",
            status=409,
        ) from exc


def documents_revoke(*, kind: str, object_id: int, reason: str) -> int:
    """Mark the fixed documents of a withdrawn issue: they still verify, and the check says it was
    withdrawn."""
    return SignedDocument.objects.filter(kind=kind, object_id=object_id, revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoke_reason=reason[:300]
    )


# ---- verification ----------------------------------------------------------------------------------------

VALID, ALTERED, UNKNOWN_ISSUER, UNKNOWN = "valid", "altered", "unknown_issuer", "unknown"
LABELS = {VALID: "有效", ALTERED: "已被改动", UNKNOWN_ISSUER: "签发单位未知", UNKNOWN: "未知"}


@dataclass
class Verdict:
    status: str
    message: str
    issuer: str = ""
    title: str = ""
    signed_at: Any = None  # datetime
    fmt: str = ""
    sm3: str = ""  # of the content the check covered
    key_id: str = ""
    key_status: str = ""
    signed: bool = False
    revoked: str = ""  # why the issue was withdrawn afterwards, if it was
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return LABELS[self.status]

    @property
    def ok(self) -> bool:
        return self.status == VALID

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "label": self.label,
            "message": self.message,
            "issuer": self.issuer,
            "title": self.title,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "format": self.fmt,
            "sm3": self.sm3,
            "key_id": self.key_id,
            "key_status": self.key_status,
            "signed": self.signed,
            "revoked": self.revoked,
        }


def revoked_note(doc: SignedDocument | None) -> str:
    if doc is None or doc.revoked_at is None:
        return ""
    when = timezone.localtime(doc.revoked_at).strftime("%Y-%m-%d %H:%M")
    return f"已于 {when} 撤回" + (f"：{doc.revoke_reason}" if doc.revoke_reason else "")


def verify_bytes(data: bytes) -> Verdict:
    """valid (有效) / altered (已被改动) / unknown_issuer (签发单位未知) / unknown (未知), and what the
    file says."""
    part = embed.split(data)
    if part.block is not None:
        block = decode_block(part.block)
        if block is None:
            return Verdict(ALTERED, "文件中的签名信息已损坏，文件在签发后被改动过。")
        at = parse_datetime(block["at"])
        said = {"title": block["no"], "fmt": block["fmt"], "signed_at": at, "key_id": block["kid"][:16]}
        key = SigningKey.objects.select_related("unit").filter(key_id=block["kid"]).first()
        if key is None:
            return Verdict(
                UNKNOWN_ISSUER,
                f"文件带有签名，但签名密钥不在本系统的公钥列表中（文件自称签发单位：{block['iss']}）。"
                "它不是本系统签发的，或来自其他系统。",
                issuer=block["iss"],
                **said,
            )
        digest = sm2.sm3(part.content).hex()
        try:
            signature = bytes.fromhex(block["sig"])
        except ValueError:
            signature = b""
        good = digest == block["sm3"] and sm2.verify(bytes(key.public_key), to_be_signed(block), signature)
        doc = SignedDocument.objects.filter(key=key, sm3=digest).first() if good else None
        common = {
            "issuer": key.unit.name,
            "sm3": digest,
            "key_status": key.get_status_display(),
            "signed": True,
            **said,
        }
        if not good:
            return Verdict(ALTERED, "文件内容与签发时的签名不符：签发后已被改动。", **common)
        return Verdict(VALID, "签名有效：文件与签发时完全一致。", revoked=revoked_note(doc), **common)
    if part.damaged:
        return Verdict(ALTERED, "文件中的签名信息已损坏，文件在签发后被改动过。")
    digest = sm2.sm3(data).hex()
    doc = (
        SignedDocument.objects.select_related("key")
        .filter(Q(file_sm3=digest) | Q(sm3=digest))
        .order_by("signed_at")
        .first()
    )
    if doc is None:
        return Verdict(UNKNOWN, "文件中没有签名信息，本系统也没有摘要相同的发布文件。", sm3=digest)
    return Verdict(
        VALID,
        "与本系统登记的发布文件完全一致（文件本身不带签名信息）。",
        issuer=doc.unit_name,
        title=doc.title,
        signed_at=doc.signed_at,
        fmt=doc.fmt,
        sm3=digest,
        key_id=doc.key.short_id if doc.key else "",
        key_status=doc.key.get_status_display() if doc.key else "",
        signed=bool(doc.signature),
        revoked=revoked_note(doc),
    )


def lookup_number(text: str) -> list[SignedDocument]:
    """Released documents whose number or title contains ``text`` (at least 2 characters), newest first."""
    # Full-width digits typed with a Chinese input method read as ASCII; book-title marks are optional.
    text = unicodedata.normalize("NFKC", " ".join((text or "").split()))[:100]
    text = text.replace("《", "").replace("》", "").strip()
    if len(text) < 2:
        raise ServiceError("请输入文号或期号，至少 2 个字。", "number_too_short")
    docs = SignedDocument.objects.select_related("key").order_by("-signed_at", "kind", "object_id", "fmt")
    found = list(docs.filter(Q(number_text__icontains=text) | Q(title__icontains=text))[:30])
    if not found and "第" in text[1:]:
        # "临江政务信息第12期", "2026年12期": the name (or year) and the number are looked up apart.
        at = text.index("第", 1)
        name, number = text[:at].strip(), text[at:]
        found = list(
            docs.filter(Q(number_text__icontains=number) | Q(title__icontains=number)).filter(
                Q(title__icontains=name) | Q(number_text__icontains=name)
            )[:30]
        )
    return found
