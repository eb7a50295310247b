"""Signed releases, as an integrator or a citizen meets them: a signed issue's and a released 通报's files
verify; one changed byte makes them altered; a file from a key not in the list is of an unknown issuer;
rotating a key keeps what the old key signed verifiable; every download serves the same fixed bytes."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from django.test import Client

from baosong.core.models import AuditEvent
from baosong.core.tests import pdf_layout
from baosong.editorial import release
from baosong.editorial.models import Publication
from baosong.editorial.services import issue_create, issue_item_add, issue_sign, issue_submit, issue_withdraw
from baosong.editorial.tests.conftest import adopted_at_county
from baosong.scoring import bulletins
from baosong.scoring.models import Bulletin
from baosong.signing import embed, services, sm2
from baosong.signing.models import SignedDocument, SigningKey

needs_poppler = pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")


def signed_issue(cast: Any, count: int = 2) -> Any:
    editor = cast.county_editor.user
    publication = Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")
    issue = issue_create(by=editor, publication=publication)
    subs = [adopted_at_county(cast, f"城关镇第{i + 1}项重点工作取得进展") for i in range(count)]
    issue_item_add(issue=issue, by=editor, submission_ids=[s.pk for s in subs])
    issue_submit(issue=issue, by=editor)
    return issue_sign(issue=issue, by=cast.county_chief.user)


def released_bulletin(cast: Any) -> Bulletin:
    unit = cast.county_editor.unit
    bulletin = bulletins.bulletin_for_period(by=cast.county_editor.user, unit=unit, period="2026-03")
    return bulletins.bulletin_release(bulletin=bulletin, by=cast.county_editor.user)


def flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1 :]


@pytest.fixture
def issue(cast):
    return signed_issue(cast)


def test_a_signed_issue_serves_signed_files_that_verify(cast, issue, client_as):
    client = client_as("county_editor")
    for fmt in ("pdf", "docx"):
        first = client.get(f"/issues/{issue.pk}/document.{fmt}").content
        again = client.get(f"/issues/{issue.pk}/document.{fmt}").content
        assert first == again  # fixed: the same bytes every time
        verdict = services.verify_bytes(first)
        assert verdict.status == "valid", verdict.message
        assert verdict.issuer == cast.county_editor.unit.name
        assert "东湖政务信息" in verdict.title and verdict.fmt == fmt
        assert verdict.signed_at is not None
    doc = SignedDocument.objects.get(kind="issue", object_id=issue.pk, fmt="docx")
    assert doc.key == SigningKey.objects.get(unit=cast.county_editor.unit, status="active")
    # The signature is the standard SM3withSM2: it checks against the public key alone.
    assert len(bytes.fromhex(doc.signature)) == 64


def test_the_signed_files_still_open_in_readers(cast, issue, client_as):
    client = client_as("county_editor")
    data = client.get(f"/issues/{issue.pk}/document.docx").content
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None
    comment = zipfile.ZipFile(io.BytesIO(data)).comment
    assert comment.startswith(b"BAOSONG-SIG2 ")
    assert len(comment) <= 500  # LibreOffice 7.4 opens no ZIP whose comment is over 512 bytes
    document = docx.Document(io.BytesIO(data))
    assert any("城关镇第1项重点工作" in p.text for p in document.paragraphs)
    with tempfile.TemporaryDirectory() as workdir:
        converted = pdf_layout.docx_to_pdf(data, Path(workdir), "signed")
        text = "".join(page.text() for page in pdf_layout.read_pdf(converted))
    assert "城关镇第1项重点工作" in text.replace(" ", "")
    if shutil.which("pdfinfo"):
        pdf = client.get(f"/issues/{issue.pk}/document.pdf").content
        with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
            f.write(pdf)
            f.flush()
            info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True)
            text = subprocess.run(["pdftotext", f.name, "-"], capture_output=True, text=True).stdout
        assert info.returncode == 0 and "Syntax Error" not in info.stderr
        assert "城关镇第1项重点工作" in text
        assert b"%%EOF" in pdf[-1024:]  # readers look for it in the last kilobyte


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_one_changed_byte_makes_the_file_altered(cast, issue, client_as, fmt):
    data = client_as("county_editor").get(f"/issues/{issue.pk}/document.{fmt}").content
    for at in (len(data) // 3, len(data) // 2, len(data) - 5):  # content, middle, inside the block
        verdict = services.verify_bytes(flip(data, at))
        assert verdict.status == "altered", (at, verdict.message)


def test_a_file_signed_with_a_key_not_in_the_list_is_of_an_unknown_issuer(cast, issue):
    fixed = services.document_bytes(release.issue_fixed(issue, "docx"))
    content = embed.split(fixed).content
    private, public = sm2.generate_keypair()  # another installation's key, never registered here
    block = {
        "v": 1,
        "kid": sm2.key_id(public),
        "iss": cast.county_editor.unit.name,
        "no": "《东湖政务信息》伪造",
        "at": "2026-03-01T09:00:00+08:00",
        "fmt": "docx",
        "sm3": sm2.sm3(content).hex(),
        "sig": "",
    }
    block["sig"] = sm2.sign(private, services.to_be_signed(block)).hex()
    forged = embed.embed(content, services.encode_block(block))
    verdict = services.verify_bytes(forged)
    assert verdict.status == "unknown_issuer"
    assert "不在本系统的公钥列表" in verdict.message


def test_a_file_without_signature_or_record_is_unknown(db):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "随便一个文件")
    assert services.verify_bytes(buffer.getvalue()).status == "unknown"
    assert services.verify_bytes(b"plain text").status == "unknown"
    assert services.verify_bytes(b"").status == "unknown"


def test_key_rotation_keeps_old_documents_verifiable(cast, issue, client_as):
    old = client_as("county_editor").get(f"/issues/{issue.pk}/document.pdf").content
    old_key = SigningKey.objects.get(unit=cast.county_editor.unit, status="active")
    new_key = services.key_rotate(unit=cast.county_editor.unit, by=cast.secadmin.user)
    old_key.refresh_from_db()
    assert old_key.status == "retired" and new_key.status == "active"
    verdict = services.verify_bytes(old)
    assert verdict.status == "valid" and verdict.key_status == "已停用"
    # What is signed now is signed with the new key, and verifies too.
    later = signed_issue(cast, count=1)
    new = services.document_bytes(release.issue_fixed(later, "pdf"))
    assert services.verify_bytes(new).status == "valid"
    assert SignedDocument.objects.get(kind="issue", object_id=later.pk, fmt="pdf").key == new_key


def test_the_private_key_is_never_stored_in_clear(cast):
    for key in SigningKey.objects.all():
        secret = bytes(key.secret)
        assert secret.startswith(b"BSE1") and len(secret) == 4 + 12 + 32 + 16  # SM4-GCM of 32 bytes
        assert len(bytes(key.public_key)) == 64 and key.key_id == sm2.key_id(bytes(key.public_key))


def test_the_sign_task_fixes_every_format_after_commit(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        issue = signed_issue(cast, count=1)
    formats = set(
        SignedDocument.objects.filter(kind="issue", object_id=issue.pk).values_list("fmt", flat=True)
    )
    assert formats == set(release.documents.RENDERERS)
    assert AuditEvent.objects.filter(event_type="signing.document", object_id__in=[]).count() == 0
    assert AuditEvent.objects.filter(event_type="signing.document").count() >= len(formats)


def test_a_released_bulletin_is_signed_in_every_format(cast, client_as):
    bulletin = released_bulletin(cast)
    client = client_as("county_editor")
    for fmt in bulletins.FORMATS:
        data = client.get(f"/bulletins/{bulletin.pk}/document.{fmt}").content
        assert data == client.get(f"/bulletins/{bulletin.pk}/document.{fmt}").content
        verdict = services.verify_bytes(data)
        assert verdict.status == "valid", (fmt, verdict.message)
        assert "通报" in verdict.title
        assert services.verify_bytes(flip(data, len(data) // 2)).status == "altered"


def test_a_withdrawn_issue_still_verifies_and_says_it_was_withdrawn(cast, issue, client_as):
    data = client_as("county_editor").get(f"/issues/{issue.pk}/document.pdf").content
    issue_withdraw(issue=issue, by=cast.county_chief.user, reason="数据有误")
    verdict = services.verify_bytes(data)
    assert verdict.status == "valid" and "数据有误" in verdict.revoked


def test_a_unit_without_a_key_still_fixes_its_files_and_they_verify_by_record(cast):
    SigningKey.objects.filter(unit=cast.county_editor.unit).delete()
    issue = signed_issue(cast, count=1)
    data = services.document_bytes(release.issue_fixed(issue, "docx"))
    assert embed.split(data).block is None
    verdict = services.verify_bytes(data)
    assert verdict.status == "valid" and not verdict.signed
    assert services.verify_bytes(flip(data, len(data) // 2)).status == "unknown"


def test_the_portal_serves_the_same_signed_bytes(cast, client_as):
    from baosong.editorial.services import issue_distribute, issue_publish, portal_chain_configured
    from baosong.reports.models import PublicScope

    editor = cast.county_editor.user
    if portal_chain_configured(cast.county_editor.unit.pk):
        pytest.skip("the demo county publishes through a 上网发布审核 chain")
    publication = Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")
    issue = issue_create(by=editor, publication=publication)
    sub = adopted_at_county(cast, "城关镇公开信息一则", public_scope=PublicScope.PUBLIC)
    issue_item_add(issue=issue, by=editor, submission_ids=[sub.pk])
    issue_submit(issue=issue, by=editor)
    issue_sign(issue=issue, by=cast.county_chief.user)
    issue_distribute(issue=issue, by=editor)
    issue_publish(issue=issue, by=editor)
    desk = client_as("county_editor").get(f"/issues/{issue.pk}/document.pdf").content
    public = Client().get(f"/portal/issues/{issue.pk}/document.pdf")
    assert public.status_code == 200 and public.content == desk
    assert services.verify_bytes(public.content).status == "valid"
    assert Client().get(f"/portal/issues/{issue.pk}/document.exe").status_code == 404
    word = Client().get(f"/portal/issues/{issue.pk}/document.docx")
    assert word["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    page = Client().get(f"/portal/issues/{issue.pk}/").content.decode()
    assert f"/portal/issues/{issue.pk}/document.pdf" in page and "文件核验" in page


def test_an_issue_with_internal_items_offers_no_file_on_the_portal(cast):
    from baosong.editorial.services import issue_distribute, issue_publish, portal_chain_configured
    from baosong.reports.models import PublicScope

    editor = cast.county_editor.user
    if portal_chain_configured(cast.county_editor.unit.pk):
        pytest.skip("the demo county publishes through a 上网发布审核 chain")
    publication = Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")
    issue = issue_create(by=editor, publication=publication)
    subs = [
        adopted_at_county(cast, "城关镇公开信息一则", public_scope=PublicScope.PUBLIC),
        adopted_at_county(cast, "城关镇内部信息一则", public_scope=PublicScope.INTERNAL),
    ]
    issue_item_add(issue=issue, by=editor, submission_ids=[s.pk for s in subs])
    issue_submit(issue=issue, by=editor)
    issue_sign(issue=issue, by=cast.county_chief.user)
    issue_distribute(issue=issue, by=editor)
    issue_publish(issue=issue, by=editor)
    assert Client().get(f"/portal/issues/{issue.pk}/document.pdf").status_code == 404


def test_a_bulletin_on_the_portal_serves_its_signed_file(cast, client_as):
    unit = cast.county_editor.unit
    bulletin = bulletins.bulletin_for_period(by=cast.county_editor.user, unit=unit, period="2026-02")
    bulletin = bulletins.bulletin_release(bulletin=bulletin, by=cast.county_editor.user, to_portal=True)
    desk = client_as("county_editor").get(f"/bulletins/{bulletin.pk}/document.docx").content
    public = Client().get(f"/portal/bulletins/{bulletin.pk}/document.docx")
    assert public.status_code == 200 and public.content == desk
    assert services.verify_bytes(public.content).status == "valid"


def test_a_long_title_and_issuer_still_fit_the_block_limit(cast):
    """The block is shortened (the title first) to stay under LibreOffice's 512-byte comment limit."""
    unit = cast.county_editor.unit
    unit.name = "某某省某某市某某县人民政府办公室某某政务信息编辑部"
    unit.save(update_fields=["name"])
    document = docx.Document()
    document.add_paragraph("正文")
    out = io.BytesIO()
    document.save(out)
    doc = services.document_fix(
        kind=SignedDocument.Kind.ISSUE,
        object_id=999_001,
        fmt="docx",
        unit=unit,
        title="《" + "很长的刊物名称" * 12 + "》2026年第3期（总第45期）",
        number_text="2026年第3期",
        render=lambda: out.getvalue(),
    )
    data = services.document_bytes(doc)
    comment = zipfile.ZipFile(io.BytesIO(data)).comment
    assert len(comment) <= 500
    assert services.verify_bytes(data).status == "valid"
