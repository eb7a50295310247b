"""Files on S3-compatible object storage (BAOSONG_STORAGE=s3), against a real moto_server on 127.0.0.1: an
attachment uploaded through the page lands in the bucket as SM4 ciphertext under the old layout and downloads
back through the view; an issue renders once and is then served from the bucket; a signed issue is fixed in
the bucket and verifies; a backup holds the bucket's attachments and a restore puts them back; and
``manage.py files_migrate`` copies a local deployment's files into the bucket."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from io import StringIO
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from baosong.core import storage
from baosong.core.crypto import sm4_gcm_encrypt
from baosong.reports import files, services
from baosong.reports.models import Attachment
from baosong.reports.tests.conftest import ITEM
from config.storage import file_storages

PDF = "%PDF-1.7\n1 0 obj <<>> endobj\n% 东湖区防汛演练方案 secret-plain-marker\n%%EOF\n".encode()
PREFIX = "baosong-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A real S3 endpoint: moto's server mode, in its own process group, stopped whatever the tests do."""
    exe = Path(sys.executable).parent / "moto_server"
    if not exe.exists():
        pytest.skip("moto_server is not installed in this virtualenv (pip install 'moto[server]')")
    port = _free_port()
    proc = subprocess.Popen(
        [str(exe), "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("moto_server did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


class Bucket:
    def __init__(self, endpoint: str, name: str) -> None:
        self.name = name
        self.client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
            region_name="us-east-1",
        )
        self.client.create_bucket(Bucket=name)

    def keys(self, under: str = "") -> list[str]:
        found = self.client.list_objects_v2(Bucket=self.name, Prefix=f"{PREFIX}/{under}")
        return sorted(o["Key"] for o in found.get("Contents", []))

    def get(self, key: str) -> bytes:
        return bytes(self.client.get_object(Bucket=self.name, Key=key)["Body"].read())


@pytest.fixture
def s3(moto_endpoint: str, settings: Any) -> Bucket:
    """A fresh bucket, and this process's file storages pointed at it (settings as BAOSONG_STORAGE=s3)."""
    bucket = Bucket(moto_endpoint, f"bs-{uuid.uuid4().hex[:12]}")
    settings.STORAGES = {
        **settings.STORAGES,
        **file_storages(
            "s3",
            bucket=bucket.name,
            endpoint_url=moto_endpoint,
            access_key="testing",
            secret_key="testing",
            region="us-east-1",
            prefix=PREFIX,
        ),
    }
    return bucket


def test_an_attachment_goes_to_the_bucket_encrypted_and_comes_back_through_the_view(
    cast: Any, client_as: Any, s3: Bucket, tmp_path: Path, settings: Any
) -> None:
    settings.ATTACHMENT_ROOT = tmp_path / "not-used"
    report = services.report_create(by=cast.township_reporter.user, **ITEM)
    client = client_as("township_reporter")
    response = client.post(
        f"/reports/{report.pk}/attachments",
        {"file": SimpleUploadedFile("演练方案.pdf", PDF, content_type="application/pdf")},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(report=report)
    stored = attachment.stored_name
    key = f"{PREFIX}/attachments/{stored[:2]}/{stored}"
    assert s3.keys("attachments/") == [key]
    blob = s3.get(key)
    assert b"secret-plain-marker" not in blob and PDF not in blob and len(blob) > len(PDF)
    # Private: only the owner has a grant, and no link is ever made to the object.
    grants = s3.client.get_object_acl(Bucket=s3.name, Key=key)["Grants"]
    assert [g["Permission"] for g in grants] == ["FULL_CONTROL"]
    with pytest.raises(NotImplementedError):
        storage.get(storage.ATTACHMENTS).url(f"{stored[:2]}/{stored}")
    assert not (tmp_path / "not-used").exists()  # nothing on the node's disk

    download = client.get(f"/attachments/{attachment.pk}")
    assert download.status_code == 200 and download.content == PDF

    files.discard(stored)
    assert s3.keys("attachments/") == []
    assert client.get(f"/attachments/{attachment.pk}").status_code == 409  # said in Chinese, not a 500


def test_an_issue_renders_once_then_comes_from_the_bucket(
    cast: Any, client_as: Any, s3: Bucket, monkeypatch: Any, settings: Any, tmp_path: Path
) -> None:
    from baosong.editorial.models import Publication
    from baosong.editorial.services import issue_create
    from baosong.editorial.tests.test_document_cache import counting

    settings.DOCUMENT_CACHE_DIR = tmp_path / "not-used"
    calls = counting(monkeypatch)
    publication = Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")
    issue = issue_create(by=cast.county_editor.user, publication=publication)  # in editing: not signed
    first = client_as("county_editor").get(f"/issues/{issue.pk}/document.pdf")
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    (key,) = s3.keys("cache/documents/")
    assert key.endswith(".pdf.sm4") and not s3.get(key).startswith(b"%PDF")
    second = client_as("county_chief").get(f"/issues/{issue.pk}/document.pdf")
    assert second.content == first.content and calls["pdf"] == 1
    assert not (tmp_path / "not-used").exists()  # no lock file either: object storage takes none

    # A torn or foreign object is not served: it is dropped and the file rendered again.
    s3.client.put_object(Bucket=s3.name, Key=key, Body=b"not ciphertext")
    third = client_as("county_editor").get(f"/issues/{issue.pk}/document.pdf")
    assert third.content.startswith(b"%PDF") and calls["pdf"] == 2
    assert s3.get(key) != b"not ciphertext"


def test_a_signed_issue_is_fixed_in_the_bucket_and_verifies(
    cast: Any, client_as: Any, s3: Bucket, settings: Any, tmp_path: Path
) -> None:
    from baosong.signing import services as signing
    from baosong.signing.models import SignedDocument
    from baosong.signing.tests.test_signed_releases import signed_issue

    settings.SIGNED_DOCUMENT_DIR = tmp_path / "not-used"
    issue = signed_issue(cast)
    client = client_as("county_editor")
    first = client.get(f"/issues/{issue.pk}/document.pdf").content
    assert client.get(f"/issues/{issue.pk}/document.pdf").content == first
    doc = SignedDocument.objects.get(kind="issue", object_id=issue.pk, fmt="pdf")
    assert f"{PREFIX}/signed/{doc.stored_name}" in s3.keys("signed/")
    assert b"%PDF" not in s3.get(f"{PREFIX}/signed/{doc.stored_name}")[:64]
    verdict = signing.verify_bytes(first)
    assert verdict.status == "valid", verdict.message
    assert not (tmp_path / "not-used").exists()

    # Lost from the bucket: a clear refusal (409), not a 500.
    s3.client.delete_object(Bucket=s3.name, Key=f"{PREFIX}/signed/{doc.stored_name}")
    assert client.get(f"/issues/{issue.pk}/document.pdf").status_code == 409


def test_files_migrate_copies_a_local_deployment_into_the_bucket(
    s3: Bucket, tmp_path: Path, settings: Any
) -> None:
    """Files written by the version before the storage API (plain files under the data directory) are
    counted by a dry run, copied by the real one (again: nothing new), and read back from the bucket."""
    settings.FILES_DIR = tmp_path
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"
    settings.SIGNED_DOCUMENT_DIR = tmp_path / "signed"
    settings.DOCUMENT_CACHE_DIR = tmp_path / "cache" / "documents"
    stored = [uuid.uuid4().hex for _ in range(3)]
    for name in stored:
        path = tmp_path / "attachments" / name[:2] / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(sm4_gcm_encrypt(f"附件{name}".encode(), associated=name.encode()))
    signed = f"{uuid.uuid4().hex}.pdf.sm4"
    (tmp_path / "signed").mkdir()
    (tmp_path / "signed" / signed).write_bytes(b"signed-ciphertext")
    (tmp_path / "signed" / "issue-1-pdf.lock").write_bytes(b"")  # a lock file: not a stored file

    out = StringIO()
    call_command("files_migrate", "--dry-run", stdout=out)
    assert "attachments：3 个" in out.getvalue() and "signed：1 个" in out.getvalue()
    assert "试运行" in out.getvalue()
    assert s3.keys() == []

    out = StringIO()
    call_command("files_migrate", stdout=out)
    assert "共复制 4 个文件" in out.getvalue()
    assert len(s3.keys("attachments/")) == 3 and s3.keys("signed/") == [f"{PREFIX}/signed/{signed}"]
    for name in stored:
        assert files.read_encrypted(name) == f"附件{name}".encode()

    out = StringIO()
    call_command("files_migrate", stdout=out)
    assert "共复制 0 个文件" in out.getvalue() and "已存在 4 个" in out.getvalue()


def test_a_backup_holds_the_buckets_attachments_and_a_restore_puts_them_back(
    transactional_db: None, s3: Bucket, tmp_path: Path, settings: Any
) -> None:
    from baosong.core.backup import sqlite_file
    from baosong.core.tests.test_backup import PNG, SIGNED_NAME, _some_data

    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    settings.ATTACHMENT_ROOT = tmp_path / "data" / "attachments"
    settings.SIGNED_DOCUMENT_DIR = tmp_path / "data" / "signed"
    _some_data()
    stored = Attachment.objects.get(original_name="现场.png").stored_name
    key = f"{PREFIX}/attachments/{stored[:2]}/{stored}"
    out = StringIO()
    call_command("backup", "--out", str(tmp_path / "backups"), stdout=out)
    (path,) = (tmp_path / "backups").iterdir()
    assert (path / "attachments" / stored[:2] / stored).read_bytes() == s3.get(key)
    assert "对象存储" in out.getvalue()
    assert not settings.ATTACHMENT_ROOT.exists() and not settings.SIGNED_DOCUMENT_DIR.exists()
    if connection.vendor != "sqlite":
        return  # PostgreSQL restores with pg_restore; the attachments' copy is what this test checks

    assert (path / "signed" / SIGNED_NAME).read_bytes() == s3.get(f"{PREFIX}/signed/{SIGNED_NAME}")
    s3.client.delete_object(Bucket=s3.name, Key=key)
    s3.client.delete_object(Bucket=s3.name, Key=f"{PREFIX}/signed/{SIGNED_NAME}")
    with sqlite_file(settings.DATA_DIR / "baosong.sqlite3", readonly=False) as alias:
        out = StringIO()
        call_command("restore", str(path), "--database", alias, stdout=out)
        assert "校验通过" in out.getvalue()
        assert "写入存储桶" in out.getvalue()
    assert s3.keys("attachments/") == [key]
    assert files.read_encrypted(stored) == PNG
    assert s3.keys("signed/") == [f"{PREFIX}/signed/{SIGNED_NAME}"]
