"""IMAP polling through imaplib against a minimal IMAP4rev1 server on a loopback port (the commands the
poll uses: LOGIN, SELECT, UID SEARCH UNSEEN, UID FETCH BODY.PEEK[], UID STORE +FLAGS, LOGOUT). A message
left unseen (a crash before STORE) is fetched again and makes no second draft."""

from __future__ import annotations

import socketserver
import threading
from email.message import EmailMessage
from typing import Any

import pytest

from baosong.intake.imap import imap_poll
from baosong.intake.models import IntakeMessage, IntakeStatus
from baosong.orgs.models import User
from baosong.reports.models import Report


class Mailbox:
    def __init__(self, messages: list[bytes]) -> None:
        self.messages = {uid: raw for uid, raw in enumerate(messages, start=1)}
        self.seen: set[int] = set()
        self.keep_unseen = False  # a poll that "crashes" before marking: STORE is ignored
        self.logins: list[tuple[str, str]] = []


def _handler(box: Mailbox) -> type[socketserver.StreamRequestHandler]:
    class Handler(socketserver.StreamRequestHandler):
        def send(self, line: bytes) -> None:
            self.wfile.write(line + b"\r\n")

        def handle(self) -> None:
            self.send(b"* OK IMAP4rev1 ready")
            while line := self.rfile.readline():
                tag, _, rest = line.strip().partition(b" ")
                command = rest.split(b" ")
                verb = command[0].upper()
                if verb == b"CAPABILITY":
                    self.send(b"* CAPABILITY IMAP4rev1")
                elif verb == b"LOGIN":
                    box.logins.append((command[1].decode(), command[2].decode().strip('"')))
                elif verb == b"SELECT":
                    self.send(f"* {len(box.messages)} EXISTS".encode())
                elif verb == b"UID" and command[1].upper() == b"SEARCH":
                    unseen = [str(u).encode() for u in box.messages if u not in box.seen]
                    self.send(b"* SEARCH " + b" ".join(unseen))
                elif verb == b"UID" and command[1].upper() == b"FETCH":
                    uid = int(command[2])
                    raw = box.messages[uid]
                    self.wfile.write(
                        f"* {uid} FETCH (UID {uid} BODY[] {{{len(raw)}}}\r\n".encode() + raw + b")\r\n"
                    )
                elif verb == b"UID" and command[1].upper() == b"STORE":
                    if not box.keep_unseen:
                        box.seen.add(int(command[2]))
                elif verb == b"LOGOUT":
                    self.send(b"* BYE")
                    self.send(tag + b" OK LOGOUT completed")
                    return
                self.send(tag + b" OK done")

    return Handler


def _mail(sender: str, subject: str, mid: str) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "xinxi@donghu.gov.cn"
    msg["Subject"] = subject
    msg["Message-ID"] = mid
    msg.set_content(f"{subject}。正文。")
    return msg.as_bytes()


@pytest.fixture
def imap(transactional_db: None, settings: Any, tmp_path: Any) -> Any:
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"
    settings.INTAKE_UNIT = "DEMO-C1-1"
    box = Mailbox(
        [
            _mail("hujing@chengguan.gov.cn", "城关镇春耕备耕", "<i1@chengguan.gov.cn>"),
            _mail("nobody@example.com", "来历不明", "<i2@example.com>"),
        ]
    )
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _handler(box))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.INTAKE_IMAP_HOST, settings.INTAKE_IMAP_PORT = "127.0.0.1", server.server_address[1]
    settings.INTAKE_IMAP_SSL, settings.INTAKE_IMAP_STARTTLS = False, False
    settings.INTAKE_IMAP_USER, settings.INTAKE_IMAP_PASSWORD = "xinxi", "secret"
    yield box
    server.shutdown()
    server.server_close()


def test_the_poll_takes_each_unseen_message_once(imap: Mailbox, cast: Any) -> None:
    User.objects.filter(pk=cast.township_reporter.user.pk).update(email="hujing@chengguan.gov.cn")
    imap.keep_unseen = True  # the first poll stops before marking them seen
    assert imap_poll() == 2
    assert imap.logins == [("xinxi", "secret")]
    assert imap_poll() == 0  # fetched again: recognised, nothing new
    assert Report.objects.filter(title="城关镇春耕备耕").count() == 1
    imap.keep_unseen = False
    assert imap_poll() == 0 and imap.seen == {1, 2}
    statuses = dict(IntakeMessage.objects.values_list("message_id", "status"))
    assert statuses == {
        "<i1@chengguan.gov.cn>": IntakeStatus.DRAFTED,
        "<i2@example.com>": IntakeStatus.QUARANTINED,
    }
    assert {m.transport for m in IntakeMessage.objects.all()} == {"imap"}


def test_no_host_no_poll(settings: Any) -> None:
    settings.INTAKE_IMAP_HOST = ""
    assert imap_poll() == 0
