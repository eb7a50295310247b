"""The local SMTP intake, for real: an aiosmtpd server on a free port, messages sent with smtplib."""

from __future__ import annotations

import io
import smtplib
import socket
from email.message import EmailMessage
from typing import Any

import pytest

from baosong.core.models import AuditEvent
from baosong.intake.models import IntakeMessage, IntakeStatus
from baosong.intake.smtp import controller
from baosong.orgs.models import User
from baosong.reports.models import Report, ReportStatus

ADDRESS = "xinxi@donghu.gov.cn"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _docx(*paragraphs: str) -> bytes:
    from docx import Document

    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def _message(
    sender: str, subject: str, body: str, *, docx: bytes | None = None, mid: str = ""
) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = f"胡静 <{sender}>"
    msg["To"] = ADDRESS
    msg["Subject"] = subject
    if mid:
        msg["Message-ID"] = mid
    msg.set_content(body)
    if docx is not None:
        msg.add_attachment(
            docx,
            maintype="application",
            subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
            filename="城关镇信息.docx",
        )
    return msg


@pytest.fixture
def intake(transactional_db: None, settings: Any, tmp_path: Any) -> Any:
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"
    settings.INTAKE_ADDRESSES = [ADDRESS]
    settings.INTAKE_UNIT = "DEMO-C1-1"  # 东湖区: its editors handle the quarantine
    server = controller("127.0.0.1", _free_port())
    server.start()
    yield server
    server.stop()


def _send(server: Any, msg: EmailMessage) -> None:
    with smtplib.SMTP(server.hostname, server.port, timeout=10) as smtp:
        smtp.send_message(msg)


def test_mail_from_a_registered_reporter_becomes_one_draft_and_an_unknown_sender_is_quarantined(
    intake: Any, cast: Any
) -> None:
    reporter = cast.township_reporter.user
    User.objects.filter(pk=reporter.pk).update(email="HuJing@Chengguan.gov.cn")
    word = _docx("城关镇开展冬季消防安全检查", "检查企业32家，整改隐患11处。")
    msg = _message(
        "hujing@chengguan.gov.cn", "城关镇消防检查", "正文见附件。", docx=word, mid="<a1@chengguan.gov.cn>"
    )
    _send(intake, msg)
    (draft,) = Report.objects.filter(author=reporter, title="城关镇消防检查")
    assert draft.status == ReportStatus.DRAFT and draft.source_unit_id == cast.township_reporter.unit.pk
    assert "整改隐患11处" in draft.body  # the Word attachment's text is the draft's text
    assert [a.original_name for a in draft.attachments.all()] == ["城关镇信息.docx"]
    row = IntakeMessage.objects.get(report=draft)
    assert row.status == IntakeStatus.DRAFTED and row.transport == "smtp"
    assert AuditEvent.objects.filter(event_type="intake.draft", object_id=str(row.pk)).count() == 1

    _send(intake, msg)  # the same message again (a retry): no second draft
    assert Report.objects.filter(title="城关镇消防检查").count() == 1
    assert IntakeMessage.objects.count() == 1
    assert AuditEvent.objects.filter(event_type="intake.duplicate").count() == 1

    # without a Message-ID the bytes identify it
    plain = _message("hujing@chengguan.gov.cn", "城关镇道路养护", "城关镇完成道路养护12公里。")
    _send(intake, plain)
    _send(intake, plain)
    assert Report.objects.filter(title="城关镇道路养护").count() == 1

    stranger = _message("someone@example.com", "一条来历不明的信息", "请采用。", mid="<x9@example.com>")
    _send(intake, stranger)
    held = IntakeMessage.objects.get(message_id="<x9@example.com>")
    assert held.status == IntakeStatus.QUARANTINED and held.report is None
    assert held.mailbox_unit_id == cast.county_editor.unit.pk
    assert not Report.objects.filter(title="一条来历不明的信息").exists()
    audit = AuditEvent.objects.get(event_type="intake.quarantine", object_id=str(held.pk))
    assert audit.details["sender"] == "someone@example.com" and "不是已登记信息员" in audit.details["why"]


def test_mail_for_another_address_is_refused(intake: Any, cast: Any) -> None:
    msg = _message("hujing@chengguan.gov.cn", "误投", "内容")
    with (
        smtplib.SMTP(intake.hostname, intake.port, timeout=10) as smtp,
        pytest.raises(smtplib.SMTPRecipientsRefused),
    ):
        smtp.sendmail("hujing@chengguan.gov.cn", ["other@donghu.gov.cn"], msg.as_bytes())
    assert IntakeMessage.objects.count() == 0
