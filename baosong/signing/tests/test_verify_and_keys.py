"""The interfaces of signing: the public /verify/ page and API, ``manage.py verify_document``, and the
security administrator's key pages (only theirs, audited)."""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from baosong.core.models import AuditEvent
from baosong.editorial import release
from baosong.orgs.models import Role
from baosong.orgs.selectors import admin_scope_units
from baosong.signing import services, sm2
from baosong.signing.models import SignedDocument, SigningKey

from .test_signed_releases import flip, signed_issue


@pytest.fixture
def issue_pdf(cast):
    issue = signed_issue(cast, count=1)
    return issue, services.document_bytes(release.issue_fixed(issue, "pdf"))


def upload(data: bytes, name: str = "文件.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def test_anyone_verifies_an_uploaded_file_without_logging_in(cast, issue_pdf):
    _, data = issue_pdf
    client = Client()
    page = client.get("/verify/")
    assert page.status_code == 200 and "上传文件核验" in page.content.decode()
    answer = client.post("/verify/", {"file": upload(data)})
    text = answer.content.decode()
    assert answer.status_code == 200
    assert "有效" in text and cast.county_editor.unit.name in text and "东湖政务信息" in text
    altered = client.post("/verify/", {"file": upload(flip(data, len(data) // 2))}).content.decode()
    assert "已被改动" in altered


def test_the_page_looks_a_number_up(cast, issue_pdf):
    issue, _ = issue_pdf
    release.issue_fixed(issue, "docx")
    number = f"{issue.year}年第{issue.number}期"
    text = Client().get("/verify/", {"number": number}).content.decode()
    for d in SignedDocument.objects.filter(kind="issue", object_id=issue.pk):
        assert d.sm3 in text
    assert "东湖政务信息" in text
    # As people type it: the name before the number, full-width digits, book-title marks.
    wide = str(issue.number).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    for typed in (f"东湖政务信息第{issue.number}期", f"《东湖政务信息》第{wide}期"):
        page = Client().get("/verify/", {"number": typed}).content.decode()
        assert SignedDocument.objects.filter(kind="issue", object_id=issue.pk).first().sm3 in page, typed
    assert "没有找到" in Client().get("/verify/", {"number": "不存在的期号"}).content.decode()
    short = Client().get("/verify/", {"number": "第"})
    assert short.status_code == 400 and "至少 2 个字" in short.content.decode()


def test_bad_uploads_get_a_clear_chinese_answer(db, settings):
    client = Client()
    assert client.post("/verify/", {}).status_code == 400
    settings.VERIFY_MAX_MB = 0
    big = client.post("/verify/", {"file": upload(b"x" * 10)})
    assert big.status_code == 413 and "MB" in big.content.decode()


def test_checks_are_rate_limited_per_address(db, settings):
    settings.VERIFY_RATE_PER_MINUTE = 2
    client = Client(REMOTE_ADDR="10.9.8.7")
    codes = [client.post("/verify/", {"file": upload(b"abc")}).status_code for _ in range(3)]
    assert codes == [200, 200, 429]
    assert client.post("/api/v1/verify", {"file": upload(b"abc")}).status_code == 429


def test_the_api_verifies_a_file_and_looks_a_number_up(cast, issue_pdf):
    issue, data = issue_pdf
    client = Client()
    body = client.post("/api/v1/verify", {"file": upload(data)}).json()
    assert body["status"] == "valid" and body["issuer"] == cast.county_editor.unit.name
    assert body["format"] == "pdf" and len(body["sm3"]) == 64
    assert client.post("/api/v1/verify", {"file": upload(flip(data, 400))}).json()["status"] == "altered"
    found = client.get("/api/v1/verify", {"number": f"{issue.year}年第{issue.number}期"}).json()
    assert found["count"] >= 1 and found["items"][0]["formats"][0]["signed"] is True
    refused = client.get("/api/v1/verify", {"number": ""})
    assert refused.status_code == 400 and refused.json()["code"] == "number_too_short"
    assert client.post("/api/v1/verify", {}).status_code in (400, 422)


def test_the_command_says_valid_with_exit_code_0_and_otherwise_non_zero(cast, issue_pdf, tmp_path):
    _, data = issue_pdf
    good, bad = tmp_path / "good.pdf", tmp_path / "bad.pdf"
    good.write_bytes(data)
    bad.write_bytes(flip(data, len(data) // 2))
    out = io.StringIO()
    call_command("verify_document", str(good), stdout=out)
    assert "有效" in out.getvalue() and "签发单位" in out.getvalue()
    with pytest.raises(SystemExit) as exc:
        call_command("verify_document", str(bad), stdout=io.StringIO())
    assert exc.value.code == 1
    with pytest.raises(Exception, match="无法读取文件"):
        call_command("verify_document", str(tmp_path / "missing.pdf"), stdout=io.StringIO())


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_openssl_verifies_the_signature_with_the_published_pem(cast, issue_pdf):
    """Interoperability: the signature is standard SM3withSM2, checkable without this software."""
    from baosong.signing import embed

    _, data = issue_pdf
    block = services.decode_block(embed.split(data).block or b"")
    assert block is not None
    key = SigningKey.objects.get(key_id=block["kid"])
    pem = Client().get(f"/verify/keys/{key.key_id}.pem").content
    with tempfile.TemporaryDirectory() as tmp:
        paths = {n: f"{tmp}/{n}" for n in ("pub.pem", "sig.der", "tbs")}
        Path(paths["pub.pem"]).write_bytes(pem)
        Path(paths["sig.der"]).write_bytes(sm2.signature_der(bytes.fromhex(block["sig"])))
        Path(paths["tbs"]).write_bytes(services.to_be_signed(block))
        result = subprocess.run(
            ["openssl", "dgst", "-sm3", "-sigopt", "distid:1234567812345678", "-verify", paths["pub.pem"],
             "-signature", paths["sig.der"], paths["tbs"]],
            capture_output=True, text=True,
        )  # fmt: skip
    if "distid" in result.stderr or ("sm3" in result.stderr.lower() and result.returncode != 0):
        pytest.skip(f"this openssl lacks SM2 support: {result.stderr.strip()}")
    assert result.returncode == 0 and "Verified OK" in result.stdout


def test_only_the_security_administrator_manages_keys(cast, client_as):
    unit = cast.county_editor.unit
    for key in ("county_editor", "county_chief", "sysadmin", "auditadmin"):
        client = client_as(key)
        assert client.get("/security/signing-keys").status_code == 403
        assert client.post(f"/security/signing-keys/{unit.pk}/rotate").status_code == 403
    assert Client().get("/security/signing-keys").status_code == 302  # to the login page
    assert SigningKey.objects.filter(unit=unit, status="active").count() == 1


def test_the_security_administrator_generates_and_rotates_keys_audited(cast, client_as):
    client = client_as("secadmin")
    unit = cast.township_reporter.unit  # no editor: the demo gave it no key
    assert not SigningKey.objects.filter(unit=unit).exists()
    page = client.get("/security/signing-keys")
    assert page.status_code == 200 and "签名密钥" in page.content.decode()
    client.post("/security/signing-keys/generate", {"code": unit.code})
    first = SigningKey.objects.get(unit=unit, status="active")
    again = client.post("/security/signing-keys/generate", {"code": unit.code}, follow=True)
    assert "已有在用的签名密钥" in again.content.decode()
    client.post(f"/security/signing-keys/{unit.pk}/rotate")
    first.refresh_from_db()
    assert first.status == "retired" and SigningKey.objects.get(unit=unit, status="active") != first
    generated = AuditEvent.objects.get(event_type="signing.key_generate", unit_id=unit.pk)
    rotated = AuditEvent.objects.get(event_type="signing.key_rotate", unit_id=unit.pk)
    assert generated.user_id == rotated.user_id == cast.secadmin.user.pk
    assert rotated.details["old_key_id"] == first.short_id
    # The public-key list keeps the retired key.
    listing = Client().get("/verify/keys/").content.decode()
    assert first.short_id in listing and "已停用" in listing


def test_a_search_by_name_offers_units_without_a_key(cast, client_as):
    """The administrator need not know unit codes: searching a name lists the units without a key, each
    with its own 生成密钥 button, and a unit's full name works in the form too."""
    client = client_as("secadmin")
    unit = cast.township_reporter.unit
    page = client.get("/security/signing-keys", {"q": unit.name[:3]}).content.decode()
    assert "没有密钥的单位" in page and unit.name in page and f'value="{unit.pk}"' in page
    client.post("/security/signing-keys/generate", {"unit": unit.pk})
    assert SigningKey.objects.filter(unit=unit, status="active").exists()
    other = cast.outsider_reporter.unit
    if not SigningKey.objects.filter(unit=other).exists():
        client.post("/security/signing-keys/generate", {"code": other.name})
        assert SigningKey.objects.filter(unit=other, status="active").exists() == (
            admin_scope_units(cast.secadmin.user, Role.SECADMIN).filter(pk=other.pk).exists()
        )


def test_an_unknown_unit_code_is_refused_in_chinese(cast, client_as):
    client = client_as("secadmin")
    answer = client.post("/security/signing-keys/generate", {"code": "NO-SUCH"}, follow=True)
    assert "找不到该单位" in answer.content.decode()
    answer = client.post("/security/signing-keys/generate", {"unit": "99999999999999999999"})
    assert answer.status_code == 302


def test_an_unknown_public_key_is_404(db):
    assert Client().get(f"/verify/keys/{'0' * 64}.pem").status_code == 404
    assert Client().get("/verify/keys/zz.pem").status_code == 404
