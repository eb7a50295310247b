"""Files in directories (BAOSONG_STORAGE=local, the default): an upgraded deployment finds the attachments,
signed documents and rendered files the version before the storage API wrote, where it wrote them; and
BAOSONG_FILES_DIR on a shared directory lets two processes (two web nodes) use one set of files, the render
lock included."""

from __future__ import annotations

import importlib.util
import os
import stat
import subprocess
import sys
import time
import uuid
from io import StringIO
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command

from baosong.core import storage
from baosong.core.crypto import sm3_hex, sm4_gcm_encrypt
from baosong.editorial import documents
from baosong.reports import files, services
from baosong.reports.models import Attachment
from baosong.reports.tests.conftest import ITEM
from baosong.signing import services as signing
from config.env import ConfigError

BASE = Path(django_settings.BASE_DIR)


def _node(code: str, **env: str) -> subprocess.Popen[str]:
    """Another process of this deployment (a second web node), started with ``env`` over a clean one. Only
    the settings are loaded (storage and crypto need no app registry): a node in two seconds, not ten."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("BAOSONG_")}
    clean.update(BAOSONG_TESTING="1", DJANGO_SETTINGS_MODULE="config.settings", **env)
    prelude = (
        "import sys, time\n"
        "from baosong.core import storage\nfrom baosong.core.crypto import sm4_gcm_encrypt\n"
    )
    return subprocess.Popen(
        [sys.executable, "-c", prelude + code],
        cwd=BASE,
        env=clean,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _run(code: str, **env: str) -> str:
    proc = _node(code, **env)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    return out.strip()


def test_an_upgraded_deployment_reads_the_files_of_before(
    cast: Any, client_as: Any, settings: Any, tmp_path: Path
) -> None:
    """Written as the version before wrote them (plain files, same key, same names and folders)."""
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"
    settings.SIGNED_DOCUMENT_DIR = tmp_path / "signed"
    settings.DOCUMENT_CACHE_DIR = tmp_path / "cache" / "documents"
    pdf = b"%PDF-1.7\n% old attachment\n%%EOF\n"
    stored = uuid.uuid4().hex
    old = tmp_path / "attachments" / stored[:2] / stored
    old.parent.mkdir(parents=True)
    old.write_bytes(sm4_gcm_encrypt(pdf, associated=stored.encode()))
    report = services.report_create(by=cast.township_reporter.user, **ITEM)
    attachment = Attachment.objects.create(
        report=report,
        original_name="旧附件.pdf",
        kind="pdf",
        content_type="application/pdf",
        size=len(pdf),
        stored_name=stored,
        digest=sm3_hex(pdf),
        uploaded_by=cast.township_reporter.user,
    )
    download = client_as("township_reporter").get(f"/attachments/{attachment.pk}")
    assert download.status_code == 200 and download.content == pdf

    name = f"{uuid.uuid4().hex}.pdf.sm4"
    (tmp_path / "signed").mkdir()
    (tmp_path / "signed" / name).write_bytes(sm4_gcm_encrypt(b"%PDF signed", associated=name.encode()))
    assert signing.document_bytes(SimpleNamespace(stored_name=name)) == b"%PDF signed"  # type: ignore[arg-type]

    key = "ab" * 32
    (tmp_path / "cache" / "documents").mkdir(parents=True)
    (tmp_path / "cache" / "documents" / f"{key}.pdf.sm4").write_bytes(
        sm4_gcm_encrypt(b"%PDF cached", associated=key.encode())
    )

    def never() -> bytes:
        raise AssertionError("rendered again instead of reading the old file")

    assert documents.cached_render(key, "pdf", never) == b"%PDF cached"
    # And what this version writes lands in the same layout.
    new = files.store_encrypted(pdf)
    assert (tmp_path / "attachments" / new[:2] / new).is_file()
    assert list(storage.names(storage.ATTACHMENTS)) == sorted([f"{stored[:2]}/{stored}", f"{new[:2]}/{new}"])


def _settings(monkeypatch: Any, **env: str) -> Any:
    """config/settings.py evaluated afresh under ``env`` (over a clean BAOSONG_* environment), in-process."""
    for name in [k for k in os.environ if k.startswith("BAOSONG_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("BAOSONG_TESTING", "1")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    spec = importlib.util.spec_from_file_location("settings_probe", BASE / "config" / "settings.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_settings_keep_the_old_layout_and_files_dir_moves_it(tmp_path: Path, monkeypatch: Any) -> None:
    def roots(s: Any) -> list[Path]:
        return [s.ATTACHMENT_ROOT, s.SIGNED_DOCUMENT_DIR, s.DOCUMENT_CACHE_DIR]

    data, shared = tmp_path / "data", tmp_path / "nfs"
    default = _settings(monkeypatch, BAOSONG_DATA_DIR=str(data))
    assert roots(default) == [data / "attachments", data / "signed", data / "cache" / "documents"]
    assert default.STORAGES["attachments"]["BACKEND"] == "baosong.core.storage.LocalFiles"
    assert "CACHES" not in vars(default)  # Django's default: per-process memory
    moved = _settings(monkeypatch, BAOSONG_DATA_DIR=str(data), BAOSONG_FILES_DIR=str(shared))
    assert roots(moved) == [shared / "attachments", shared / "signed", shared / "cache" / "documents"]
    with pytest.raises(ConfigError, match="BAOSONG_S3_BUCKET"):
        _settings(monkeypatch, BAOSONG_STORAGE="s3")
    with pytest.raises(ConfigError, match="BAOSONG_STORAGE"):
        _settings(monkeypatch, BAOSONG_STORAGE="nfs")
    s3 = _settings(
        monkeypatch,
        BAOSONG_STORAGE="s3",
        BAOSONG_S3_BUCKET="baosong",
        BAOSONG_S3_PREFIX="/city/",
        BAOSONG_CACHE_URL="redis://127.0.0.1:6379/13",
    )
    options = s3.STORAGES["signed"]["OPTIONS"]
    assert s3.STORAGES["signed"]["BACKEND"] == "baosong.core.storage_s3.PrivateS3Storage"
    assert options["location"] == "city/signed" and options["default_acl"] == "private"
    assert options["querystring_auth"] is False
    assert s3.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"


def test_two_nodes_on_one_shared_directory_share_files_and_the_render_lock(
    tmp_path: Path, settings: Any
) -> None:
    """Node A stores an attachment (as files.store_encrypted does) and takes the render lock; node B, another
    process on the same BAOSONG_FILES_DIR, asks for the lock and waits until A lets it go; and this process,
    a third node on the same directory, downloads A's attachment."""
    shared = tmp_path / "shared"
    stored = uuid.uuid4().hex
    a = _node(
        f"storage.write(storage.ATTACHMENTS, '{stored[:2]}/{stored}', "
        f"sm4_gcm_encrypt('两个节点'.encode(), associated=b'{stored}'))\n"
        "with storage.exclusive(storage.DOCUMENTS, 'k.lock'):\n"
        "    print('in', flush=True); sys.stdin.readline(); print(time.time(), flush=True)\n",
        BAOSONG_FILES_DIR=str(shared),
    )
    nodes = [a]
    try:
        assert a.stdin and a.stdout
        assert a.stdout.readline().strip() == "in", a.stderr.read() if a.stderr else ""
        b = _node(  # started once A holds the lock
            "print(time.time(), flush=True)\n"
            "with storage.exclusive(storage.DOCUMENTS, 'k.lock'):\n    print(time.time(), flush=True)\n",
            BAOSONG_FILES_DIR=str(shared),
        )
        nodes.append(b)
        assert b.stdout
        asked = float(b.stdout.readline())  # B now waits on the lock A holds
        time.sleep(0.5)
        a.stdin.write("go\n")
        a.stdin.flush()
        released = float(a.stdout.readline())
        got = float(b.stdout.readline())
    finally:
        for proc in nodes:
            proc.kill()
            proc.wait()
    assert asked < released <= got  # B asked before A let go, and had it only after
    assert (shared / "cache" / "documents" / "k.lock").exists()
    settings.ATTACHMENT_ROOT = shared / "attachments"
    assert files.read_encrypted(stored).decode() == "两个节点"


def test_files_migrate_moves_a_data_directory_onto_a_shared_mount(tmp_path: Path, settings: Any) -> None:
    old, shared = tmp_path / "var", tmp_path / "nfs"
    stored = uuid.uuid4().hex
    path = old / "attachments" / stored[:2] / stored
    path.parent.mkdir(parents=True)
    path.write_bytes(sm4_gcm_encrypt("共享目录".encode(), associated=stored.encode()))
    (old / "cache" / "documents").mkdir(parents=True)
    (old / "cache" / "documents" / "k.lock").write_bytes(b"")
    settings.ATTACHMENT_ROOT = shared / "attachments"
    settings.SIGNED_DOCUMENT_DIR = shared / "signed"
    settings.DOCUMENT_CACHE_DIR = shared / "cache" / "documents"

    out = StringIO()
    call_command("files_migrate", "--from", str(old), stdout=out)
    assert "共复制 1 个文件" in out.getvalue()
    assert files.read_encrypted(stored).decode() == "共享目录"
    assert stat.S_IMODE((shared / "attachments" / stored[:2] / stored).stat().st_mode) == 0o600
    assert not (shared / "cache" / "documents" / "k.lock").exists()  # a lock is not a file to move
    with pytest.raises(CommandError, match="同一个目录"):
        call_command("files_migrate", "--from", str(shared), stdout=StringIO())
