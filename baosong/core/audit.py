"""Writing and verifying the audit chain.

Every audited change calls :func:`audit_record` inside the transaction of the change, so that a
failed audit write rolls the change back, and a rolled-back change leaves no audit row.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from baosong.core.context import current_request_info
from baosong.core.crypto import hmac_sm3_hex
from baosong.core.models import AuditEvent, AuditHead


def _canonical(
    *,
    seq: int,
    created_at: dt.datetime,
    user_id: int | None,
    user_name: str,
    unit_id: int | None,
    ip: str,
    event_type: str,
    object_type: str,
    object_id: str,
    outcome: str,
    request_id: str,
    details: Any,
    prev_mac: str,
) -> bytes:
    body = {
        "seq": seq,
        "created_at": created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "user_id": user_id,
        "user_name": user_name,
        "unit_id": unit_id,
        "ip": ip,
        "event_type": event_type,
        "object_type": object_type,
        "object_id": object_id,
        "outcome": outcome,
        "request_id": request_id,
        "details": details,
        "prev": prev_mac,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _key() -> bytes:
    return str(settings.AUDIT_KEY).encode("utf-8")


def audit_record(
    event_type: str,
    *,
    user: Any = None,
    user_name: str | None = None,
    unit_id: int | None = None,
    object_type: str = "",
    object_id: Any = "",
    outcome: str = AuditEvent.Outcome.SUCCESS,
    details: dict[str, Any] | None = None,
    ip: str | None = None,
    request_id: str | None = None,
    using: str = "default",
    key: bytes | None = None,
) -> AuditEvent:
    """Append one event to the chain. Must run inside the caller's transaction.

    ``event_type`` must be declared in the action registry (``core.actions``): tests refuse any other, so
    every record the auditor reads has its Chinese label. ``using`` and ``key``: another database's chain and
    its key (a restored backup's, whose key file this process did not read at start-up)."""
    if settings.TESTING:
        from baosong.core.actions import check_audit_type

        check_audit_type(event_type)
    info = current_request_info()
    user_id = getattr(user, "pk", None) if user is not None else None
    if user_name is None:
        user_name = ""
        if user is not None and getattr(user, "pk", None):
            user_name = f"{getattr(user, 'full_name', '') or ''}({user.get_username()})"
    clean_details = json.loads(json.dumps(details or {}, ensure_ascii=False, default=str))
    with transaction.atomic(using=using):
        # The head row lock serialises appends across processes, so the chain never forks.
        head, _ = AuditHead.objects.using(using).select_for_update().get_or_create(pk=1)
        seq = head.seq + 1
        created_at = timezone.now()
        fields: dict[str, Any] = {
            "seq": seq,
            "created_at": created_at,
            "user_id": user_id,
            "user_name": user_name[:150],
            "unit_id": unit_id,
            "ip": (ip if ip is not None else (info.ip if info else "")) or "",
            "event_type": event_type,
            "object_type": object_type,
            "object_id": str(object_id)[:64] if object_id not in (None, "") else "",
            "outcome": str(outcome),
            "request_id": (request_id if request_id is not None else (info.request_id if info else "")) or "",
            "details": clean_details,
        }
        mac = hmac_sm3_hex(_key() if key is None else key, _canonical(**fields, prev_mac=head.mac))
        event = AuditEvent(**fields, mac=mac)
        event.save(using=using, force_insert=True)
        AuditHead.objects.using(using).filter(pk=1).update(seq=seq, mac=mac)
    return event


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    problem: str = ""

    @property
    def message(self) -> str:
        if self.ok:
            return f"审计日志完整：共校验 {self.checked} 条记录，未发现篡改或缺失。"
        return f"审计日志校验失败：第 {self.first_bad_seq} 号记录{self.problem}。"


_ROW_FIELDS = (
    "seq", "created_at", "user_id", "user_name", "unit_id", "ip", "event_type",
    "object_type", "object_id", "outcome", "request_id", "details", "mac",
)  # fmt: skip


def verify_rows(
    rows: Iterable[dict[str, Any]], *, head: tuple[int, str] | None = None, key: bytes | None = None
) -> VerifyResult:
    """Walk rows in seq order and recompute the chain; name the first changed or missing row. ``key``: the
    chain's key when it is not this deployment's (a backup restored before its key file is read)."""
    key = _key() if key is None else key
    prev_mac = ""
    expected_seq = 1
    checked = 0
    for row in rows:
        seq = int(row["seq"])
        if seq != expected_seq:
            return VerifyResult(False, checked, expected_seq, "缺失（记录被删除）")
        content = {k: row[k] for k in _ROW_FIELDS if k != "mac"}
        if isinstance(content["details"], str):
            content["details"] = json.loads(content["details"])
        computed = hmac_sm3_hex(key, _canonical(**content, prev_mac=prev_mac))
        if computed != row["mac"]:
            return VerifyResult(False, checked, seq, "内容被修改（校验码不符）")
        prev_mac = row["mac"]
        expected_seq += 1
        checked += 1
    if head is not None and head[0] != checked:
        # Rows after the last present one were removed (or the head was tampered with).
        return VerifyResult(False, checked, checked + 1, "缺失（链尾记录被删除）")
    if head is not None and head[0] and head[1] != prev_mac:
        return VerifyResult(False, checked, checked, "与链头校验码不符")
    return VerifyResult(True, checked)


def _iter_db_rows(using: str) -> Iterator[dict[str, Any]]:
    qs = AuditEvent.objects.using(using).order_by("seq").values(*_ROW_FIELDS)
    yield from qs.iterator(chunk_size=5000)


def audit_verify(*, using: str = "default", key: bytes | None = None) -> VerifyResult:
    head = AuditHead.objects.using(using).filter(pk=1).values_list("seq", "mac").first()
    return verify_rows(_iter_db_rows(using), head=head or (0, ""), key=key)


def audit_verify_sqlite_file(path: str) -> VerifyResult:
    """Verify an archived copy (a SQLite file), e.g. a backup taken off the server."""
    import sqlite3

    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    try:
        head_row = con.execute("SELECT seq, mac FROM core_audithead WHERE id = 1").fetchone()
        cur = con.execute(f"SELECT {', '.join(_ROW_FIELDS)} FROM core_auditevent ORDER BY seq")

        def rows() -> Iterator[dict[str, Any]]:
            for r in cur:
                d = dict(r)
                d["created_at"] = dt.datetime.fromisoformat(d["created_at"]).replace(tzinfo=dt.UTC)
                yield d

        return verify_rows(rows(), head=(head_row["seq"], head_row["mac"]) if head_row else (0, ""))
    finally:
        con.close()


__all__ = ["VerifyResult", "audit_record", "audit_verify", "audit_verify_sqlite_file"]


def audit_seq() -> int:
    """The newest audit record's number (one primary-key read): it changes with every audited change, so
    a page shared between viewers can be keyed by it."""
    return int(AuditHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0)
