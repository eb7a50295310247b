"""跨系统报送: the peers and the unit mapping (系统管理员), the packages made from sent items and from the
decisions on received ones, and the receiving end. The only writers of this app's rows.

An item sent to a peer's unit is an ordinary submission here, at the mirrored unit (``Link.mirror``); a
consumer of the send and forward events packages it. The peer's decisions come back as packages and are
taken here in the peer's name (``Peer.agent``, an editor of the mirrored units) through the same services a
local editor uses, so the trail, notifications and scores follow as for a local decision.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from baosong.core.actions import Transition, apply, record
from baosong.core.crypto import sm4_gcm_decrypt, sm4_gcm_encrypt
from baosong.core.errors import NotFound, ServiceError
from baosong.federation import envelope
from baosong.federation import workflow as fwf
from baosong.federation.models import Identity, Link, Message, Peer
from baosong.orgs.models import Level, ReportingLine, Role, Unit, UnitKind, User
from baosong.orgs.services import membership_add, unit_create
from baosong.reports import files
from baosong.reports import selectors as report_selectors
from baosong.reports import services as report_services
from baosong.reports import workflow as reports_wf
from baosong.reports.models import (
    Attachment,
    ExternalAdoption,
    ItemCategory,
    Report,
    ReportStatus,
    ReviewAction,
    Submission,
    SubmissionStatus,
    Urgency,
    Usage,
)
from baosong.reports.timeliness import due_at_for
from baosong.signing import sm2

# Retries: FEDERATION_BACKOFF_SECONDS (10 s), then twice as long each time, at most an hour apart.
BACKOFF_MAX = 3600
_IDENTITY_AD = b"baosong-federation-identity"
EXTERNAL_LEVEL: dict[str, str] = {
    Level.NATIONAL.value: "national",
    Level.PROVINCE.value: "province",
    Level.CITY.value: "city",
    Level.COUNTY.value: "county",
}
# What the item's trail shows of a decision (on both sides).
SUMMARY_KEYS = (
    "decision", "comment", "usage", "usage_label", "publication", "unit", "by", "targets",
    "leader", "level", "text", "instructed_on", "at",
)  # fmt: skip


# ---- this deployment's key -----------------------------------------------------------------------------


def identity(*, name: str = "") -> Identity:
    """This deployment's SM2 identity, made on first use (audited)."""
    found = Identity.objects.first()
    if found is not None:
        return found
    with transaction.atomic():
        private, public = sm2.generate_keypair()
        ident = Identity.objects.create(
            name=(name or _default_name())[:100],
            public_key=public,
            secret=sm4_gcm_encrypt(private, associated=_IDENTITY_AD),
            fingerprint=sm2.key_id(public),
        )
        record(
            fwf.IDENTITY,
            obj=ident,
            object_type="peer",
            object_id=0,
            details={"fingerprint": ident.fingerprint},
        )
    return ident


def _default_name() -> str:
    root = Unit.objects.filter(parent__isnull=True, external=False).order_by("sort_order", "id").first()
    return f"{root.name}政务信息报送平台" if root else "政务信息报送平台"


def identity_rename(*, by: User, name: str) -> Identity:
    name = (name or "").strip()
    if not name:
        raise ServiceError("请填写本系统名称。", "name_required")
    ident = identity()
    with transaction.atomic():
        Identity.objects.filter(pk=ident.pk).update(name=name[:100])
        record(fwf.PEER_UPDATE, by=by, object_type="peer", object_id=0, details={"name": name})
    ident.name = name[:100]
    return ident


def _private(ident: Identity) -> bytes:
    private = sm4_gcm_decrypt(bytes(ident.secret), associated=_IDENTITY_AD)
    if sm2.public_from_private(private) != bytes(ident.public_key):
        raise ValueError("the stored federation key does not match its public key")
    return private


def parse_public_key(text: str) -> bytes:
    """The peer's key as its page shows it: 128 hex digits (x‖y, optionally 04 in front) or a PEM block."""
    raw = (text or "").strip()
    key: bytes | None = None
    if "BEGIN PUBLIC KEY" in raw:
        body = re.sub(r"-----[^-]+-----|\s", "", raw)
        try:
            der = base64.b64decode(body, validate=True)
        except ValueError:
            der = b""
        key = der[-64:] if len(der) >= 65 and der[-65] == 4 else None
    else:
        digits = re.sub(r"[\s:]", "", raw).lower()
        if re.fullmatch(r"(04)?[0-9a-f]{128}", digits):
            key = bytes.fromhex(digits[-128:])
    if key is None or not sm2.on_curve(key):
        raise ServiceError(
            "公钥格式不正确：请粘贴对方系统页面上显示的SM2公钥（128位十六进制或PEM）。", "invalid_key"
        )
    return key


# ---- peers and the unit mapping -------------------------------------------------------------------------


def _scope(by: User) -> Any:
    from baosong.federation.selectors import admin_units

    return admin_units(by)


def _check_url(url: str) -> str:
    url = (url or "").strip().rstrip("/")
    if not re.fullmatch(r"https?://[^\s/]+(/[^\s]*)?", url):
        raise ServiceError("对方地址须以 http:// 或 https:// 开头。", "invalid_url")
    return url


def peer_create(*, by: User, name: str, base_url: str, public_key: str) -> Peer:
    name = (name or "").strip()
    if not name:
        raise ServiceError("请填写对方系统名称。", "name_required")
    url = _check_url(base_url)
    key = parse_public_key(public_key)
    fp = sm2.key_id(key)
    if fp == identity().fingerprint:
        raise ServiceError("这是本系统自己的公钥。", "own_key")
    if not _scope(by).exists():
        raise ServiceError("只有系统管理员可以登记对方系统。", "forbidden", status=403)
    with transaction.atomic():
        if Peer.objects.filter(fingerprint=fp).exists():
            raise ServiceError("该公钥已登记为对方系统。", "duplicate_peer", status=409)
        container = unit_create(
            by=by,
            name=f"{name}（对方系统）"[:100],
            code=f"PEER-{fp[:16]}",
            level=Level.NATIONAL,
            parent=None,
            kind=UnitKind.OTHER,
            external=True,
        )
        agent = User(
            username=f"peer-{fp[:16]}",
            full_name=f"{name}（对方系统）"[:64],
            primary_unit=container,
            must_change_password=False,
        )
        agent.set_unusable_password()
        agent.save()
        peer = Peer.objects.create(
            name=name[:100], base_url=url, public_key=key, fingerprint=fp, agent=agent, created_by=by
        )
        record(
            fwf.PEER_CREATE,
            by=by,
            obj=peer,
            object_type="peer",
            details={"name": peer.name, "base_url": url, "fingerprint": fp},
        )
    return peer


def peer_update(*, by: User, peer: Peer, name: str, base_url: str) -> Peer:
    name = (name or "").strip()
    if not name:
        raise ServiceError("请填写对方系统名称。", "name_required")
    url = _check_url(base_url)
    with transaction.atomic():
        Peer.objects.filter(pk=peer.pk).update(name=name[:100], base_url=url, updated_at=timezone.now())
        record(fwf.PEER_UPDATE, by=by, obj=peer, object_type="peer", details={"name": name, "base_url": url})
    peer.refresh_from_db()
    return peer


def peer_set_status(*, by: User, peer: Peer, suspended: bool) -> Peer:
    """暂停: nothing is sent to it or taken from it; its queued packages wait. 恢复: they go out again."""
    action = fwf.PEER_SUSPEND if suspended else fwf.PEER_RESUME
    status = Peer.Status.SUSPENDED if suspended else Peer.Status.ACTIVE
    with transaction.atomic():
        locked = Peer.objects.select_for_update().get(pk=peer.pk)
        if locked.status == status:
            raise ServiceError("对方系统已是该状态。", "unchanged", status=409)
        Peer.objects.filter(pk=peer.pk).update(status=status, updated_at=timezone.now())
        if not suspended:  # due now: what waited goes out at once
            Message.objects.filter(
                peer=peer, direction=Message.Direction.OUT, status=Message.Status.PENDING
            ).update(next_attempt_at=timezone.now())
            _enqueue_delivery()
        record(action, by=by, obj=peer, object_type="peer", details={"name": peer.name})
    peer.refresh_from_db()
    return peer


def link_add(
    *,
    by: User,
    peer: Peer,
    direction: str,
    local_unit_id: int,
    remote_code: str,
    remote_name: str,
    remote_level: str = Level.PROVINCE,
) -> Link:
    if direction not in Link.Direction.values:
        raise ServiceError("请选择对应关系的方向。", "invalid_direction")
    remote_code, remote_name = (remote_code or "").strip(), (remote_name or "").strip()
    if not remote_code or not re.fullmatch(r"[A-Za-z0-9._-]{1,32}", remote_code):
        raise ServiceError("对方单位代码只能由字母、数字和 . _ - 组成（至多32位）。", "invalid_code")
    if not remote_name:
        raise ServiceError("请填写对方单位名称。", "name_required")
    if remote_level not in Level.values:
        raise ServiceError("层级无效。", "invalid_level")
    local = _scope(by).filter(pk=local_unit_id, is_active=True).first()
    if local is None:
        raise NotFound("本系统单位不存在，或不在您的管理范围内。")
    with transaction.atomic():
        container = peer.agent.primary_unit
        mirror = Unit.objects.filter(parent=container, code=_mirror_code(peer, remote_code)).first()
        if mirror is None:
            mirror = unit_create(
                by=by,
                name=remote_name[:100],
                code=_mirror_code(peer, remote_code),
                level=remote_level,
                parent=container,
                external=True,
            )
        else:
            Unit.objects.filter(pk=mirror.pk).update(name=remote_name[:100], level=remote_level)
        try:
            with transaction.atomic():
                link = Link.objects.create(
                    peer=peer,
                    direction=direction,
                    local_unit=local,
                    remote_code=remote_code,
                    remote_name=remote_name[:100],
                    mirror=mirror,
                )
        except IntegrityError as exc:
            raise ServiceError("该对应关系已存在。", "duplicate_link", status=409) from exc
        # The peer's agent decides on what reaches the mirrored target, and signs what comes from it.
        role = Role.EDITOR if direction == Link.Direction.OUT else Role.REPORTER
        membership_add(by=by, user=peer.agent, unit=mirror, role=role)
        if direction == Link.Direction.OUT:
            ReportingLine.objects.get_or_create(unit=local, target=mirror)
        record(
            fwf.LINK_ADD,
            by=by,
            obj=link,
            object_type="peer",
            object_id=peer.pk,
            unit_id=local.pk,
            details={
                "link_direction": direction,
                "local_unit": local.name,
                "remote_code": remote_code,
                "remote_name": remote_name,
            },
        )
    return link


def link_remove(*, by: User, link: Link) -> None:
    if not _scope(by).filter(pk=link.local_unit_id).exists():
        raise NotFound()
    with transaction.atomic():
        if link.direction == Link.Direction.OUT:
            ReportingLine.objects.filter(unit=link.local_unit, target=link.mirror).delete()
        details = {
            "link_direction": link.direction,
            "local_unit": link.local_unit.name,
            "remote_code": link.remote_code,
            "remote_name": link.remote_name,
        }
        link.delete()
        record(
            fwf.LINK_REMOVE,
            by=by,
            object_type="peer",
            object_id=link.peer_id,
            unit_id=link.local_unit_id,
            details=details,
        )


def _mirror_code(peer: Peer, remote_code: str) -> str:
    return f"P{peer.pk}-{remote_code}"[:32]


# ---- packages out ---------------------------------------------------------------------------------------


def _iso(value: dt.datetime | None) -> str | None:
    return value.isoformat() if value else None


def _attachments(report: Report) -> list[dict[str, Any]]:
    return [
        {
            "name": a.original_name,
            "content_type": a.content_type,
            "sm3": a.digest,
            "data": base64.b64encode(files.read_encrypted(a.stored_name)).decode(),
        }
        for a in Attachment.objects.filter(report=report).order_by("id")
    ]


def _item_payload(s: Submission, link: Link) -> dict[str, Any]:
    r = s.report
    root = r.follow_up_of
    follow_up_of = None
    if root is not None:
        # The item message of the first report to the same peer unit: the receiver chains the 续报 to it.
        follow_up_of = (
            Message.objects.filter(
                peer=link.peer,
                direction=Message.Direction.OUT,
                kind=Message.Kind.ITEM,
                submission__report=root,
                submission__target_unit=link.mirror,
            )
            .values_list("msg_id", flat=True)
            .first()
        )
    category = ItemCategory.objects.filter(code=s.category).values_list("label", flat=True).first()
    forwarded = s.forwarded_from_id is not None
    return {
        "sender": {"code": s.sender_unit.code, "name": s.sender_unit.name},
        "origin": {"code": r.source_unit.code, "name": r.source_unit.name},
        "author": r.author.full_name,
        "target_code": link.remote_code,
        "forwarded": forwarded,
        "title": s.title,
        "body": s.body,
        "category": s.category,
        "category_name": category or "",
        "urgency": r.urgency,
        "event_time": _iso(r.event_time),
        "place": r.place,
        "elements": r.elements,
        "public_scope": r.public_scope,
        "sensitive": r.sensitive,
        "negative": r.negative,
        "follow_up_of": follow_up_of,
        "follow_up_no": r.follow_up_no,
        "is_final": r.is_final,
        "sent_at": _iso(s.received_at),
        "attachments": _attachments(r),
        "local_id": s.pk,
    }


def _enqueue_delivery() -> None:
    from baosong.federation.tasks import deliver_due

    transaction.on_commit(lambda: deliver_due.enqueue())


def _make_out(
    peer: Peer, *, kind: str, submission: Submission, payload: dict[str, Any], ref: str = ""
) -> Message:
    ident = identity()
    sealed = envelope.seal(
        kind=kind,
        payload=payload,
        sender_fp=ident.fingerprint,
        sender_private=_private(ident),
        receiver_fp=peer.fingerprint,
        receiver_public=bytes(peer.public_key),
    )
    summary = {k: payload[k] for k in SUMMARY_KEYS if k in payload}
    message = Message.objects.create(
        peer=peer,
        direction=Message.Direction.OUT,
        msg_id=sealed.msg_id,
        kind=kind,
        submission=submission,
        ref=ref,
        summary=summary,
        envelope=sealed.data,
        sm3=sealed.sm3,
        status=Message.Status.PENDING,
        next_attempt_at=timezone.now(),
    )
    record(
        fwf.PACKAGE,
        obj=message,
        object_type="federation_message",
        unit_id=submission.target_unit_id if kind == Message.Kind.DECISION else submission.sender_unit_id,
        details={"peer": peer.name, "msg_id": sealed.msg_id, "package_kind": kind, "sm3": sealed.sm3},
    )
    _enqueue_delivery()
    return message


def package_new_copies(submission_ids: list[int]) -> int:
    """Package the copies among these that went to a peer's unit and are not packaged yet (the event
    consumer calls this; a second call finds them packaged)."""
    made = 0
    copies = (
        Submission.objects.filter(pk__in=submission_ids, target_unit__external=True, is_active=True)
        .select_related(
            "report", "report__source_unit", "report__author", "report__follow_up_of", "sender_unit"
        )
        .order_by("pk")
    )
    for s in copies:
        link = (
            Link.objects.filter(
                mirror_id=s.target_unit_id, direction=Link.Direction.OUT, local_unit_id=s.sender_unit_id
            )
            .select_related("peer", "mirror")
            .first()
        )
        if link is None:
            continue  # the mapping was removed since: the copy stays here, unsent (shown on its page)
        with transaction.atomic():
            if Message.objects.filter(
                submission=s, direction=Message.Direction.OUT, kind=Message.Kind.ITEM
            ).exists():
                continue
            _make_out(link.peer, kind=Message.Kind.ITEM, submission=s, payload=_item_payload(s, link))
            made += 1
    return made


def package_decision(
    *, submission_id: int, decision: str, extra: dict[str, Any] | None = None
) -> Message | None:
    """A decision on a copy received from a peer goes back to it (once per event, by the consumer)."""
    item = (
        Message.objects.filter(
            submission_id=submission_id, direction=Message.Direction.IN, kind=Message.Kind.ITEM
        )
        .select_related("peer", "submission", "submission__decided_by", "submission__target_unit")
        .first()
    )
    if item is None:
        return None
    s = item.submission
    payload: dict[str, Any] = {
        "decision": decision,
        "item": item.msg_id,
        "unit": s.target_unit.name,
        "by": s.decided_by.full_name if s.decided_by else "",
        "comment": s.comment,
        "at": timezone.now().isoformat(),
        **(extra or {}),
    }
    if decision == "adopt":
        payload["usage"] = s.usage or Usage.ISSUE
        payload["usage_label"] = Usage(s.usage or Usage.ISSUE).label
        if s.issue_id:
            from baosong.editorial.models import Issue

            issue = Issue.objects.select_related("publication").filter(pk=s.issue_id).first()
            payload["publication"] = issue.label if issue else ""
    if decision == "forward":
        payload["targets"] = list(
            Submission.objects.filter(forwarded_from=s).values_list("target_unit__name", flat=True)
        )
    with transaction.atomic():
        return _make_out(
            item.peer, kind=Message.Kind.DECISION, submission=s, payload=payload, ref=item.msg_id
        )


def package_resubmit(*, submission_id: int) -> Message | None:
    """修改后重报 of a copy the peer returned: the revised text goes to the peer's copy (once per event)."""
    item = (
        Message.objects.filter(
            submission_id=submission_id, direction=Message.Direction.OUT, kind=Message.Kind.ITEM
        )
        .select_related("peer", "submission")
        .first()
    )
    if item is None:
        return None
    s = item.submission
    payload = {
        "decision": "resubmit",
        "item": item.msg_id,
        "title": s.title,
        "body": s.body,
        "at": timezone.now().isoformat(),
    }
    with transaction.atomic():
        return _make_out(
            item.peer, kind=Message.Kind.DECISION, submission=s, payload=payload, ref=item.msg_id
        )


def package_withdrawal(*, report_id: int) -> list[Message]:
    """撤回 by the author of an item sent to peers: each peer's copy is withdrawn too (once per event)."""
    items = Message.objects.filter(
        submission__report_id=report_id, direction=Message.Direction.OUT, kind=Message.Kind.ITEM
    ).select_related("peer", "submission")
    made = []
    with transaction.atomic():
        for item in items:
            payload = {"decision": "withdraw", "item": item.msg_id, "at": timezone.now().isoformat()}
            made.append(
                _make_out(
                    item.peer,
                    kind=Message.Kind.DECISION,
                    submission=item.submission,
                    payload=payload,
                    ref=item.msg_id,
                )
            )
    return made


# ---- delivery --------------------------------------------------------------------------------------------


def backoff(attempts: int) -> dt.timedelta:
    first = int(settings.FEDERATION_BACKOFF_SECONDS)
    return dt.timedelta(seconds=min(first * 2 ** max(attempts - 1, 0), BACKOFF_MAX))


def due_messages(limit: int = 100) -> list[Message]:
    return list(
        Message.objects.filter(
            direction=Message.Direction.OUT,
            status=Message.Status.PENDING,
            next_attempt_at__lte=timezone.now(),
            peer__status=Peer.Status.ACTIVE,
        )
        .select_related("peer")
        .order_by("next_attempt_at", "pk")[:limit]
    )


def mark_delivered(message: Message) -> None:
    with transaction.atomic():
        updated = Message.objects.filter(pk=message.pk, status=Message.Status.PENDING).update(
            status=Message.Status.DELIVERED,
            delivered_at=timezone.now(),
            attempts=message.attempts + 1,
            last_error="",
            next_attempt_at=None,
        )
        if updated:
            record(
                fwf.DELIVERED,
                obj=message,
                object_type="federation_message",
                details={
                    "peer": message.peer.name,
                    "msg_id": message.msg_id,
                    "package_kind": message.kind,
                    "attempts": message.attempts + 1,
                },
            )


def claim(message: Message, seconds: int = 120) -> bool:
    """Take a due message for one delivery attempt: of several workers, one posts it (a second post would
    be harmless — the peer keeps message ids — but wasteful)."""
    now = timezone.now()
    return bool(
        Message.objects.filter(
            pk=message.pk, status=Message.Status.PENDING, next_attempt_at=message.next_attempt_at
        ).update(next_attempt_at=now + dt.timedelta(seconds=seconds))
    )


def mark_failed(message: Message, reason: str, *, final: bool = False) -> None:
    """A failed attempt: retried after the back-off, or (``final``: the peer refused it) kept as 投递失败
    until an administrator sends it again."""
    attempts = message.attempts + 1
    Message.objects.filter(pk=message.pk, status=Message.Status.PENDING).update(
        attempts=attempts,
        last_error=reason[:300],
        status=Message.Status.FAILED if final else Message.Status.PENDING,
        next_attempt_at=None if final else timezone.now() + backoff(attempts),
    )


def message_retry(*, by: User, message: Message) -> Message:
    """重新投递 a refused package (after the mapping was fixed on either side)."""
    if not _scope(by).exists():
        raise NotFound()
    with transaction.atomic():
        updated = Message.objects.filter(
            pk=message.pk, direction=Message.Direction.OUT, status=Message.Status.FAILED
        ).update(status=Message.Status.PENDING, next_attempt_at=timezone.now())
        if not updated:
            raise ServiceError("只有投递失败的报送包可以重新投递。", "not_failed", status=409)
        record(
            fwf.RETRY,
            by=by,
            obj=message,
            object_type="federation_message",
            details={"peer": message.peer.name, "msg_id": message.msg_id, "package_kind": message.kind},
        )
        _enqueue_delivery()
    message.refresh_from_db()
    return message


# ---- packages in ------------------------------------------------------------------------------------------


def refuse(opened: envelope.Opened | None, exc: envelope.Refused, *, ip: str | None = None) -> None:
    header = opened.header if opened else {}
    with transaction.atomic():
        record(
            fwf.REFUSE,
            object_type="federation_message",
            object_id=0,
            outcome="failure",
            ip=ip,
            details={
                "msg_id": str(header.get("id", ""))[:36],
                "sender": str(header.get("from", ""))[:64],
                "package_kind": str(header.get("kind", ""))[:10],
                "code": exc.code,
                "reason": exc.message,
            },
        )


def receive(data: bytes, *, ip: str | None = None) -> tuple[str, Message | None]:
    """Take one package: ("accepted", message) or ("duplicate", the earlier one). Refused packages raise
    ``envelope.Refused`` after the refusal is audited."""
    opened: envelope.Opened | None = None
    try:
        opened = envelope.parse(data)
        ident = identity()
        if opened.header["to"] != ident.fingerprint:
            raise envelope.Refused("not_for_us", "报送包不是发给本系统的。")
        peer = Peer.objects.filter(fingerprint=opened.header["from"]).select_related("agent").first()
        if peer is None:
            raise envelope.Refused("unknown_key", "发送方的公钥未登记为对方系统。")
        envelope.verify(opened, bytes(peer.public_key))
        if peer.status != Peer.Status.ACTIVE:
            raise envelope.Refused("suspended", "与该系统的报送已暂停，请稍后重试。", status=503)
        earlier = Message.objects.filter(
            peer=peer, direction=Message.Direction.IN, msg_id=opened.msg_id
        ).first()
        if earlier is not None:
            return "duplicate", earlier
        payload = envelope.open_payload(opened, _private(ident))
        with transaction.atomic():
            if opened.header["kind"] == Message.Kind.ITEM:
                message = _receive_item(peer, opened, payload)
            elif opened.header["kind"] == Message.Kind.DECISION:
                message = _receive_decision(peer, opened, payload)
            else:
                raise envelope.Refused("malformed", "报送包格式不正确。", status=400)
            record(
                fwf.RECEIVE,
                obj=message,
                object_type="federation_message",
                unit_id=message.submission.target_unit_id,
                ip=ip,
                details={
                    "peer": peer.name,
                    "msg_id": opened.msg_id,
                    "package_kind": message.kind,
                    "sm3": opened.sm3,
                    "decision": payload.get("decision", ""),
                },
            )
        return "accepted", message
    except envelope.Refused as exc:
        if exc.code != "suspended":
            refuse(opened, exc, ip=ip)
        raise
    except IntegrityError:
        # The same package taken by a concurrent request a moment ago: it counts once.
        assert opened is not None
        earlier = Message.objects.filter(
            peer__fingerprint=opened.header["from"], direction=Message.Direction.IN, msg_id=opened.msg_id
        ).first()
        if earlier is None:
            raise
        return "duplicate", earlier


def _accepted(
    peer: Peer, opened: envelope.Opened, kind: str, s: Submission, *, summary: dict[str, Any], ref: str = ""
) -> Message:
    """The received package's row: its id, kept for ever, is what makes a replay change nothing."""
    return Message.objects.create(
        peer=peer,
        direction=Message.Direction.IN,
        msg_id=opened.msg_id,
        kind=kind,
        submission=s,
        ref=ref,
        summary=summary,
        sm3=opened.sm3,
        status=Message.Status.ACCEPTED,
        delivered_at=timezone.now(),
    )


def _item_message(peer: Peer, direction: str, msg_id: object) -> Message | None:
    """The item package (sent or received) that a decision, a 续报 or a 重报 names by its id."""
    return (
        Message.objects.filter(
            peer=peer, direction=direction, kind=Message.Kind.ITEM, msg_id=str(msg_id or "")
        )
        .select_related("submission__report")
        .first()
    )


def _text(payload: dict[str, Any], key: str, limit: int) -> str:
    value = payload.get(key)
    return str(value)[:limit] if isinstance(value, str) else ""


def _author(peer: Peer, mirror: Unit, name: str) -> User:
    """The item's author as a person of the mirrored unit (no login): its name is shown like any author's."""
    name = (name or "").strip()[:64] or mirror.name[:64]
    digest = hashlib.new("sm3", f"{mirror.pk}|{name}".encode()).hexdigest()[:16]
    username = f"peer{peer.pk}-{digest}"
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, full_name=name, primary_unit=mirror, must_change_password=False)
        user.set_unusable_password()
        user.save()
        membership_add(by=None, user=user, unit=mirror, role=Role.REPORTER)
    return user


def _receive_item(peer: Peer, opened: envelope.Opened, payload: dict[str, Any]) -> Message:
    sender = payload.get("sender") or {}
    link = (
        Link.objects.filter(
            peer=peer,
            direction=Link.Direction.IN,
            remote_code=str(sender.get("code", "")),
            local_unit__code=str(payload.get("target_code", "")),
            local_unit__is_active=True,
        )
        .select_related("local_unit", "mirror")
        .first()
    )
    if link is None:
        raise envelope.Refused(
            "unmapped",
            f"单位“{sender.get('name', '')}”（{sender.get('code', '')}）未对应到本系统的接收单位。",
        )
    title = _text(payload, "title", 200).strip()
    if not title:
        raise envelope.Refused("malformed", "报送包缺少标题。", status=400)
    category = _text(payload, "category", 20)
    if not ItemCategory.objects.filter(code=category).exists():
        category = report_selectors.default_category()
    urgency = _text(payload, "urgency", 16)
    if urgency not in Urgency.values:
        urgency = Urgency.NORMAL
    first = (
        _item_message(peer, Message.Direction.IN, payload["follow_up_of"])
        if payload.get("follow_up_of")
        else None
    )
    root = first.submission.report_id if first else None
    origin = payload.get("origin") or {}
    author_unit = link.mirror
    author = _author(peer, author_unit, _text(payload, "author", 64))
    event_time = parse_datetime(_text(payload, "event_time", 40)) if payload.get("event_time") else None
    raw_elements = payload.get("elements")
    elements: dict[Any, Any] = raw_elements if isinstance(raw_elements, dict) else {}
    report = Report.objects.create(
        title=title,
        body=_text(payload, "body", 200_000),
        category=category,
        urgency=urgency,
        event_time=event_time,
        place=_text(payload, "place", 200),
        source_unit=author_unit,
        author=author,
        elements={str(k)[:40]: str(v)[:2000] for k, v in list(elements.items())[:50]},
        sensitive=bool(payload.get("sensitive")),
        negative=bool(payload.get("negative")),
        follow_up_of_id=root,
        follow_up_no=int(payload.get("follow_up_no") or 0) if root else 0,
        is_final=bool(payload.get("is_final")) and root is not None,
    )
    report.targets.set([link.local_unit])
    record(reports_wf.CREATE, by=peer.agent, obj=report, unit_id=author_unit.pk, payload={})
    for item in payload.get("attachments") or []:
        try:
            data = base64.b64decode(str(item.get("data", "")), validate=True)
        except ValueError as exc:
            raise envelope.Refused("malformed", "附件数据不正确。", status=400) from exc
        try:
            files.attachment_store(
                report=report, by=peer.agent, name=str(item.get("name", "附件")), size=len(data), data=data
            )
        except ServiceError as exc:
            raise envelope.Refused(
                "attachment_refused", f"附件“{item.get('name', '')}”未能接收：{exc}", status=422
            ) from exc
    via = origin.get("name") or sender.get("name") or ""
    note = f"经跨系统报送自“{peer.name}”（{via}）"
    if payload.get("forwarded"):
        note += f"，由{sender.get('name', '')}转报"

    def change(r: Report, t: Transition) -> str:
        r.submitted_at = timezone.now()
        r.updated_at = r.submitted_at
        r.due_at = due_at_for(r)
        ReviewAction.objects.create(
            report=r, action=ReviewAction.Action.SUBMIT, actor=peer.agent, comment=note
        )
        t.details["peer"] = peer.name
        return report_services._send(r, peer.agent)

    apply(reports_wf.RECEIVE, report, peer.agent, change=change, actor_checked=True)
    copy = Submission.objects.get(report=report, target_unit=link.local_unit, is_active=True)
    summary = {"origin": origin.get("name", ""), "sender": sender.get("name", "")}
    return _accepted(peer, opened, Message.Kind.ITEM, copy, summary=summary)


def _receive_decision(peer: Peer, opened: envelope.Opened, payload: dict[str, Any]) -> Message:
    if payload.get("decision") in ("resubmit", "withdraw"):
        return _receive_from_author(peer, opened, payload)
    item = _item_message(peer, Message.Direction.OUT, payload.get("item"))
    if item is None:
        raise envelope.Refused("unknown_item", "处理结果所指的信息不是本系统发给对方的。", status=404)
    decision = str(payload.get("decision", ""))
    comment = _text(payload, "comment", 2000)
    who = _text(payload, "by", 64)
    s = Submission.objects.get(pk=item.submission_id)
    agent = peer.agent
    note = f"{_text(payload, 'unit', 100)}{who}" if who else _text(payload, "unit", 100)
    open_states = (SubmissionStatus.RECEIVED, SubmissionStatus.CLAIMED)
    if decision == "adopt" and s.status in open_states:
        usage = _text(payload, "usage", 16)
        report_services.submission_adopt(
            submission=s,
            by=agent,
            usage=usage if usage in Usage.values else Usage.ISSUE,
            comment=comment or note,
        )
    elif decision == "decline" and s.status in open_states:
        report_services.submission_decline(submission=s, by=agent, comment=comment or note)
    elif decision == "return" and s.status in open_states:
        report_services.submission_return(submission=s, by=agent, comment=comment or f"{note}退回")
    elif decision == "publish" and _text(payload, "publication", 100):
        # The peer's issue is signed: a publication outside this deployment printed the item — the
        # 外部采用 an editor would otherwise 补录, at the level of the peer's unit.
        mirror = Unit.objects.get(pk=s.target_unit_id)
        report_services.external_adoption_record(
            report=s.report,
            by=agent,
            unit=mirror,
            publication_name=_text(payload, "publication", 100),
            level=EXTERNAL_LEVEL.get(mirror.level, ExternalAdoption.Level.COUNTY),
            date=timezone.localdate(),
        )
    elif decision in {"adopt", "decline", "return", "forward", "instruction", "publish"}:
        pass  # kept in the trail (a 转报 onward, a 批示, or a decision on a copy decided here already)
    else:
        raise envelope.Refused("malformed", "处理结果的类型不正确。", status=400)
    summary = {k: payload[k] for k in SUMMARY_KEYS if k in payload}
    return _accepted(peer, opened, Message.Kind.DECISION, s, summary=summary, ref=item.msg_id)


def _receive_from_author(peer: Peer, opened: envelope.Opened, payload: dict[str, Any]) -> Message:
    """The peer's author acted on an item sent here: 修改后重报 of a copy this deployment returned (it goes
    back to its editor with the new text), or 撤回 (withdrawn here too, unless an editor here has begun on
    it — then the trail says so and the copy stays)."""
    item = _item_message(peer, Message.Direction.IN, payload.get("item"))
    if item is None:
        raise envelope.Refused("unknown_item", "所指的信息不是对方报送给本系统的。", status=404)
    s = item.submission
    if payload.get("decision") == "withdraw":
        summary = {"decision": "withdraw", "at": str(payload.get("at", ""))}
        report = Report.objects.get(pk=s.report_id)
        if report.status == ReportStatus.SENT:
            try:
                report_services.report_withdraw(report=report, by=report.author)
            except ServiceError:
                summary["comment"] = "本单位已开始处理，未撤回"
        return _accepted(peer, opened, Message.Kind.DECISION, s, summary=summary, ref=item.msg_id)
    if s.status == SubmissionStatus.RETURNED:
        try:
            report_services.submission_resubmit(
                submission=s,
                by=s.report.author,
                title=_text(payload, "title", 200),
                body=_text(payload, "body", 200_000),
            )
        except ServiceError as exc:
            raise envelope.Refused("resubmit_refused", f"重报未能接收：{exc}", status=422) from exc
    summary = {"decision": "resubmit", "at": payload.get("at", "")}
    return _accepted(peer, opened, Message.Kind.DECISION, s, summary=summary, ref=item.msg_id)
