"""The intake mailbox's writers: a received message becomes a draft of its sender's unit, or waits in the
quarantine until an editor releases it to a unit or discards it. Every path is audited."""

from __future__ import annotations

import email
import email.policy
import email.utils
import html
import re
from dataclasses import dataclass, field
from email.message import EmailMessage

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from baosong.core.actions import Transition, apply, record
from baosong.core.crypto import sm3_hex
from baosong.core.errors import NotFound, ServiceError
from baosong.intake import workflow as wf
from baosong.intake.models import IntakeMessage, IntakeStatus, Transport
from baosong.orgs.models import Role, Unit, User
from baosong.orgs.selectors import unit_subtree
from baosong.reports import files
from baosong.reports.models import Report
from baosong.reports.services import report_create
from baosong.reports.wordimport import clean_text, docx_import

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE_MAX = 200


def mailbox_unit() -> Unit | None:
    """The unit whose editors handle the quarantine (``BAOSONG_INTAKE_UNIT``, a unit code; else the root)."""
    code = getattr(settings, "INTAKE_UNIT", "") or ""
    if code:
        return Unit.objects.filter(code=code).first()
    return Unit.objects.filter(parent__isnull=True, external=False).order_by("path").first()


def reporters_with_address(address: str) -> QuerySet[User]:
    """Active accounts with this e-mail address that are 信息员 of an active unit."""
    return (
        User.objects.filter(
            email__iexact=address,
            is_active=True,
            memberships__role=Role.REPORTER,
            memberships__unit__is_active=True,
        )
        .distinct()
        .order_by("id")
    )


def _reporting_unit(user: User) -> Unit:
    unit = (
        Unit.objects.filter(memberships__user=user, memberships__role=Role.REPORTER, is_active=True)
        .order_by("path")
        .first()
    )
    assert unit is not None  # reporters_with_address found the membership
    return unit


@dataclass
class Parsed:
    message_id: str
    sender: str
    sender_name: str
    subject: str
    body: str
    files: list[tuple[str, bytes]] = field(default_factory=list)
    word: bytes | None = None  # the first Word document: its text becomes the draft's text


def _text_of(part: EmailMessage) -> str:
    try:
        content = part.get_content()
    except (LookupError, UnicodeError, ValueError):
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if part.get_content_type() == "text/html":
        content = re.sub(r"(?is)<(script|style)[^>]*>.*?</\1>", "", content)
        content = re.sub(r"(?i)<br\s*/?>|</p>|</div>", "\n", content)
        content = html.unescape(re.sub(r"<[^>]+>", "", content))
    return clean_text(str(content))


def parse(raw: bytes) -> Parsed:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    name, address = email.utils.parseaddr(str(message.get("From", "") or ""))
    parsed = Parsed(
        message_id=str(message.get("Message-ID", "") or "").strip()[:255],
        sender=address.strip().lower()[:254],
        sender_name=clean_text(name).replace("\n", " ")[:100],
        subject=clean_text(str(message.get("Subject", "") or "")).replace("\n", " ").strip(),
        body="",
    )
    plain, rich = "", ""
    for part in message.walk():
        if part.is_multipart():
            continue
        kind = part.get_content_type()
        filename = part.get_filename()
        if (
            kind in ("text/plain", "text/html")
            and not filename
            and part.get_content_disposition() != "attachment"
        ):
            if kind == "text/plain" and not plain:
                plain = _text_of(part)
            elif kind == "text/html" and not rich:
                rich = _text_of(part)
            continue
        data = part.get_payload(decode=True)
        if not isinstance(data, bytes) or not data:
            continue
        name = clean_text(filename or "").replace("\n", " ").strip() or "邮件附件"
        parsed.files.append((name, data))
        if parsed.word is None and (kind == DOCX_TYPE or name.lower().endswith(".docx")):
            parsed.word = data
    parsed.body = plain or rich
    return parsed


def _key(raw: bytes, message_id: str) -> tuple[str, str]:
    digest = sm3_hex(raw)
    return (f"mid:{message_id}" if message_id else f"sm3:{digest}"), digest


def _draft(parsed: Parsed, *, author: User, unit: Unit) -> tuple[Report, list[str]]:
    """The draft of ``unit`` by ``author``: a Word document's text (its title when the subject is empty),
    else the mail's text; every file kept as an encrypted attachment."""
    notes: list[str] = []
    title, body, pictures = parsed.subject, parsed.body, []
    if parsed.word is not None:
        try:
            imported = docx_import(parsed.word)
        except ServiceError as exc:
            notes.append(f"Word 文件未能导入正文：{exc.message}")
        else:
            title = title or imported.title
            body = imported.body
            notes.extend(imported.notes)
            pictures = list(imported.pictures)
    title = (title or "邮件来稿")[:TITLE_MAX]
    report = report_create(by=author, title=title, body=body, unit_id=unit.pk)
    for name, data in [*parsed.files, *pictures]:
        try:
            with transaction.atomic():
                files.attachment_store(report=report, by=author, name=name, size=len(data), data=data)
        except ServiceError as exc:
            notes.append(f"附件“{name}”未保存：{exc.message}")
    return report, notes


def intake_receive(*, raw: bytes, transport: str = Transport.SMTP) -> IntakeMessage | None:
    """Take one message. Returns the new row, or None for a message already taken (same Message-ID, or the
    same bytes when it has none): the second copy is only audited."""
    parsed = parse(raw)
    key, digest = _key(raw, parsed.message_id)
    if IntakeMessage.objects.filter(key=key).exists():
        record(
            wf.DUPLICATE,
            object_type="intake_message",
            object_id=IntakeMessage.objects.filter(key=key).values_list("pk", flat=True).first(),
            details={"sender": parsed.sender, "message_id": parsed.message_id, "transport": transport},
        )
        return None
    senders = list(reporters_with_address(parsed.sender)) if parsed.sender else []
    stored = files.store_encrypted(raw)
    try:
        with transaction.atomic():
            row = IntakeMessage.objects.create(
                key=key,
                message_id=parsed.message_id,
                digest=digest,
                sender=parsed.sender,
                sender_name=parsed.sender_name,
                subject=parsed.subject[:TITLE_MAX],
                transport=transport,
                size=len(raw),
                stored_name=stored,
                status=IntakeStatus.QUARANTINED,
                mailbox_unit=mailbox_unit(),
            )
            details = {"sender": parsed.sender, "subject": row.subject, "transport": transport}
            if len(senders) == 1:
                author = senders[0]
                unit = _reporting_unit(author)
                report, notes = _draft(parsed, author=author, unit=unit)
                row.status, row.unit, row.report, row.notes = IntakeStatus.DRAFTED, unit, report, notes
                row.save(update_fields=["status", "unit", "report", "notes"])
                record(wf.DRAFTED, obj=row, unit_id=unit.pk, details={**details, "report_id": report.pk})
            else:
                row.reason = (
                    "发件地址不是已登记信息员的邮箱"
                    if not senders
                    else f"发件地址对应 {len(senders)} 个信息员账号，无法确定报送单位"
                )
                row.save(update_fields=["reason"])
                record(
                    wf.QUARANTINED,
                    obj=row,
                    unit_id=row.mailbox_unit_id,
                    details={**details, "why": row.reason},
                )
    except IntegrityError:
        # the same message taken at the same moment by another worker (an IMAP poll and a retry)
        files.discard(stored)
        return None
    return row


def _raw(message: IntakeMessage) -> bytes:
    return files.read_encrypted(message.stored_name)


def intake_release(*, message: IntakeMessage, by: User, unit_id: int, author_id: int) -> IntakeMessage:
    """Release a quarantined message as a draft of a unit in the mailbox's subtree, by one of its 信息员."""
    if message.mailbox_unit is None:
        raise NotFound()
    unit = unit_subtree(message.mailbox_unit).filter(pk=unit_id, is_active=True).first()
    if unit is None:
        raise ServiceError("请选择本邮箱所属单位及其下级中的在用单位。", "invalid_unit")
    author = User.objects.filter(
        pk=author_id, is_active=True, memberships__unit=unit, memberships__role=Role.REPORTER
    ).first()
    if author is None:
        raise ServiceError("署名作者须是所选单位的信息员。", "invalid_author")

    def change(m: IntakeMessage, t: Transition) -> None:
        report, notes = _draft(parse(_raw(m)), author=author, unit=unit)
        m.unit, m.report, m.notes = unit, report, notes
        m.decided_by, m.decided_at = by, timezone.now()
        t.details.update({"unit": unit.pk, "report_id": report.pk, "author": author.pk})

    return apply(wf.RELEASE, message, by, change=change)


def intake_discard(*, message: IntakeMessage, by: User) -> IntakeMessage:
    def change(m: IntakeMessage, t: Transition) -> None:
        m.decided_by, m.decided_at = by, timezone.now()

    return apply(wf.DISCARD, message, by, change=change)
