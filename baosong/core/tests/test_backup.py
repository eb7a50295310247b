"""manage.py backup / restore / verify_backup: a backup restores to the same rows, and a backup that does not
match its manifest is refused before anything is touched."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections

from baosong.core import storage
from baosong.core.backup import sqlite_file, table_digests
from baosong.core.crypto import sm4_gcm_encrypt
from baosong.core.models import AuditEvent
from baosong.reports import files, services
from baosong.reports.models import Attachment

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
SIGNED_NAME = "0123456789abcdef0123456789abcdef.pdf.sm4"

sqlite_only = pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="restore by manage.py is for the embedded SQLite; PostgreSQL restores with pg_restore (own test)",
)


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def _modes(root: Path) -> dict[str, int]:
    return {p.relative_to(root).as_posix(): stat.S_IMODE(p.stat().st_mode) for p in [root, *root.rglob("*")]}


@pytest.fixture
def data_dir(tmp_path: Path, settings: Any) -> Path:
    settings.DATA_DIR = tmp_path / "data"
    settings.ATTACHMENT_ROOT = tmp_path / "data" / "attachments"
    settings.SIGNED_DOCUMENT_DIR = tmp_path / "data" / "signed"
    settings.DATA_DIR.mkdir()
    return Path(settings.DATA_DIR)


def _some_data() -> None:
    """A unit, a reporter, an item with an attachment, and the audit records they write. Committed: the
    backup reads the database from outside any transaction (transactional tests; not the session's cast)."""
    from baosong.orgs.models import Level, Role
    from baosong.orgs.services import membership_add, unit_create, user_create

    unit = unit_create(by=None, name="清源县人民政府办公室", code="C000001", level=Level.COUNTY, parent=None)
    user = user_create(
        by=None, username="wangfang", full_name="王芳", primary_unit=unit, password="Qy#2026-xinxi"
    )
    membership_add(by=None, user=user, unit=unit, role=Role.REPORTER)
    report = services.report_create(by=user, title="城关镇防汛演练", body="镇村干部和群众300余人参加。")
    files.attachment_add(report=report, by=user, name="现场.png", size=len(PNG), data=PNG)
    # The fixed file of a signed document (its row does not matter to the backup): kept with the attachments.
    signed = sm4_gcm_encrypt(b"%PDF signed", associated=SIGNED_NAME.encode())
    storage.write(storage.SIGNED, SIGNED_NAME, signed)


@pytest.fixture
def made(transactional_db: None, data_dir: Path, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """A backup made by the command, and the database's digests just before it."""
    _some_data()
    before = table_digests()
    out = _run("backup", "--out", str(tmp_path / "backups"))
    (path,) = (tmp_path / "backups").iterdir()
    assert f"备份完成：{path}" in out
    return path, before


@sqlite_only
def test_backup_wipe_restore_gives_equal_digests(made: tuple[Path, dict[str, Any]], data_dir: Path) -> None:
    path, before = made
    manifest = json.loads((path / "manifest.json").read_text("utf-8"))
    assert manifest["tables"] == before
    assert manifest["tables"]["reports_report"]["rows"] > 0
    assert AuditEvent.objects.filter(event_type="backup.create", object_id=path.name).exists()
    stored = Attachment.objects.get(original_name="现场.png").stored_name
    attachment = data_dir / "attachments" / stored[:2] / stored
    assert f"attachments/{stored[:2]}/{stored}" in manifest["files"]

    assert f"signed/{SIGNED_NAME}" in manifest["files"] and manifest["stores"] == ["attachments", "signed"]
    attachment.unlink()  # the wipe: the attachments, and the database below is a file that does not exist
    (data_dir / "signed" / SIGNED_NAME).unlink()
    with sqlite_file(data_dir / "baosong.sqlite3", readonly=False) as alias:
        out = _run("restore", str(path), "--database", alias)
        assert "校验通过" in out and "审计日志完整" in out
        restored = table_digests(using=alias)
        assert {t: d for t, d in restored.items() if t not in {"core_auditevent", "core_audithead"}} == {
            t: d for t, d in before.items() if t not in {"core_auditevent", "core_audithead"}
        }
        # The audit chain goes on from the backup's, with the restore as its next record.
        events = list(AuditEvent.objects.using(alias).order_by("seq").values_list("event_type", flat=True))
        assert events[-1] == "backup.restore"
        assert restored["core_auditevent"]["rows"] == before["core_auditevent"]["rows"] + 1
    assert files.read_encrypted(stored) == PNG
    assert storage.read(storage.SIGNED, SIGNED_NAME) == (path / "signed" / SIGNED_NAME).read_bytes()

    modes = _modes(path)
    assert {m for name, m in modes.items() if (path / name).is_dir()} == {0o700}
    assert {m for name, m in modes.items() if (path / name).is_file()} == {0o600}
    assert stat.S_IMODE((data_dir / "baosong.sqlite3").stat().st_mode) == 0o600
    assert stat.S_IMODE(attachment.stat().st_mode) == 0o600


@sqlite_only
def test_restore_over_existing_data_needs_force_and_keeps_the_old_copy(
    made: tuple[Path, dict[str, Any]], data_dir: Path
) -> None:
    path, before = made
    shutil.rmtree(data_dir / "attachments")
    shutil.rmtree(data_dir / "signed")
    target = data_dir / "baosong.sqlite3"
    with sqlite_file(target, readonly=False) as alias:
        _run("restore", str(path), "--database", alias)
        old = target.read_bytes()
        with pytest.raises(CommandError, match="加 --force"):
            _run("restore", str(path), "--database", alias)
        assert target.read_bytes() == old
        out = _run("restore", str(path), "--database", alias, "--force")
        assert "原有数据已改名保留" in out and "校验通过" in out
        assert table_digests(using=alias)["reports_report"] == before["reports_report"]
    assert [p.read_bytes() for p in data_dir.glob("baosong.sqlite3.pre-restore-*")] == [old]


def _tamper_file(path: Path) -> None:
    (path / "keys" / "file_key").write_text("0" * 32 + "\n")


def _tamper_manifest(path: Path) -> None:
    manifest = json.loads((path / "manifest.json").read_text("utf-8"))
    manifest["tables"]["orgs_user"]["sm3"] = "0" * 64
    (path / "manifest.json").write_text(json.dumps(manifest))


def _tamper_database(path: Path) -> None:
    # A row changed in the database file, and the file's digest in the manifest made to match it.
    db = path / "database" / "baosong.sqlite3"
    con = __import__("sqlite3").connect(db)
    con.execute("UPDATE orgs_user SET full_name = full_name || '改'")
    con.commit()
    con.close()
    manifest = json.loads((path / "manifest.json").read_text("utf-8"))
    manifest["files"]["database/baosong.sqlite3"] = {"size": db.stat().st_size, "sm3": _sm3(db)}
    (path / "manifest.json").write_text(json.dumps(manifest))


def _sm3(path: Path) -> str:
    from baosong.core.crypto import sm3_hex

    return sm3_hex(path.read_bytes())


@sqlite_only
@pytest.mark.parametrize(
    ("tamper", "message"),
    [
        (_tamper_file, "摘要与清单不符：keys/file_key"),
        (lambda p: (p / "keys" / "audit_key").unlink(), "缺少文件：keys/audit_key"),
        (
            lambda p: (p / "attachments" / "extra.bin").write_bytes(b"x"),
            "清单之外的文件：attachments/extra.bin",
        ),
        (_tamper_manifest, "数据表 orgs_user 不符"),
        (_tamper_database, "数据表 orgs_user 不符"),
    ],
)
def test_a_backup_that_does_not_match_its_manifest_is_refused_and_nothing_changes(
    made: tuple[Path, dict[str, Any]], data_dir: Path, tamper: Any, message: str
) -> None:
    path, _ = made
    target = data_dir / "baosong.sqlite3"
    target.write_bytes(b"the database in place")
    present = {p: p.read_bytes() for p in data_dir.rglob("*") if p.is_file()}
    tamper(path)
    with pytest.raises(CommandError, match=message):
        _run("verify_backup", str(path))
    with sqlite_file(target, readonly=False) as alias:
        with pytest.raises(CommandError, match="未做任何改动") as refused:
            _run("restore", str(path), "--database", alias, "--force")
        assert message in str(refused.value)
    assert {p: p.read_bytes() for p in data_dir.rglob("*") if p.is_file()} == present


@sqlite_only
def test_restore_refuses_when_a_key_from_the_environment_differs(
    made: tuple[Path, dict[str, Any]], data_dir: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = made
    monkeypatch.setenv("BAOSONG_AUDIT_KEY", "another-audit-key")
    settings.AUDIT_KEY = "another-audit-key"
    with (
        sqlite_file(data_dir / "baosong.sqlite3", readonly=False) as alias,
        pytest.raises(CommandError, match="审计密钥（环境变量 BAOSONG_AUDIT_KEY"),
    ):
        _run("restore", str(path), "--database", alias)
    assert not (data_dir / "baosong.sqlite3").exists()


@sqlite_only
def test_key_files_of_the_data_directory_come_back_with_0600(
    made: tuple[Path, dict[str, Any]], tmp_path: Path, settings: Any
) -> None:
    path, _ = made
    manifest = json.loads((path / "manifest.json").read_text("utf-8"))
    manifest["keys"]["file_key"] = "data_dir"  # as when make run generated it into the data directory
    (path / "manifest.json").write_text(json.dumps(manifest))
    settings.DATA_DIR = tmp_path / "other"
    settings.ATTACHMENT_ROOT = tmp_path / "other" / "attachments"
    settings.SIGNED_DOCUMENT_DIR = tmp_path / "other" / "signed"
    with sqlite_file(tmp_path / "other" / "baosong.sqlite3", readonly=False) as alias:
        _run("restore", str(path), "--database", alias)
    key = tmp_path / "other" / "file_key"
    assert key.read_text() == (path / "keys" / "file_key").read_text()
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


# ---- PostgreSQL: pg_dump in the snapshot of the digests, pg_restore, verify_backup --live --------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore: PostgreSQL only")
@pytest.mark.skipif(
    not (shutil.which("pg_dump") and shutil.which("pg_restore")),
    reason="PostgreSQL client tools not installed",
)
def test_postgresql_backup_restored_by_pg_restore_has_equal_digests(
    transactional_db: None, tmp_path: Path, settings: Any
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    settings.ATTACHMENT_ROOT = tmp_path / "data" / "attachments"
    settings.SIGNED_DOCUMENT_DIR = tmp_path / "data" / "signed"
    _some_data()
    before = table_digests()
    _run("backup", "--out", str(tmp_path / "backups"))
    (path,) = (tmp_path / "backups").iterdir()
    dump = path / "database" / "baosong.dump"
    assert stat.S_IMODE(dump.stat().st_mode) == 0o600
    assert json.loads((path / "manifest.json").read_text("utf-8"))["tables"] == before

    with pytest.raises(CommandError, match="pg_restore"):
        _run("restore", str(path))

    db = connection.settings_dict
    name = f"{db['NAME']}_restored"
    env = {**os.environ, **({"PGPASSWORD": str(db["PASSWORD"])} if db.get("PASSWORD") else {})}
    args = [
        a
        for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER"))
        if db.get(key)
        for a in (flag, str(db[key]))
    ]
    with connection.cursor() as cur:
        cur.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cur.execute(f'CREATE DATABASE "{name}"')
    try:
        subprocess.run(["pg_restore", "--no-owner", *args, "-d", name, str(dump)], env=env, check=True)
        restored = connections["restored"] = type(connections["default"])({**db, "NAME": name}, "restored")
        try:
            out = _run("verify_backup", str(path), "--live", "--database", "restored")
            assert "当前数据库与备份清单一致" in out and "审计日志完整" in out
        finally:
            restored.close()
            del connections["restored"]
    finally:
        with connection.cursor() as cur:
            cur.execute(f'DROP DATABASE IF EXISTS "{name}"')

    # The live database has moved on (the backup itself was audited): --live says where.
    with pytest.raises(CommandError, match="不一致"):
        _run("verify_backup", str(path), "--live")
    with dump.open("r+b") as fh:
        fh.seek(100)
        fh.write(b"\x00")
    with pytest.raises(CommandError, match=r"摘要与清单不符：database/baosong\.dump"):
        _run("verify_backup", str(path))


def test_a_backup_inside_a_transaction_is_refused_instead_of_waiting(db: None, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="备份须在事务之外执行"):
        _run("backup", "--out", str(tmp_path / "backups"))


@sqlite_only
def test_a_backup_from_before_signed_files_were_kept_leaves_them_in_place(
    made: tuple[Path, dict[str, Any]], data_dir: Path
) -> None:
    """An older backup (no "stores" in its manifest, no signed/ folder) restores the attachments and leaves
    the signed files the deployment has now where they are: the restored rows still find them."""
    path, _ = made
    manifest = json.loads((path / "manifest.json").read_text("utf-8"))
    del manifest["stores"]
    manifest["files"] = {k: v for k, v in manifest["files"].items() if not k.startswith("signed/")}
    (path / "manifest.json").write_text(json.dumps(manifest))
    shutil.rmtree(path / "signed")
    with sqlite_file(data_dir / "baosong.sqlite3", readonly=False) as alias:
        out = _run("restore", str(path), "--database", alias, "--force")
        assert "校验通过" in out
    assert (data_dir / "signed" / SIGNED_NAME).is_file()
    assert not list(data_dir.glob("signed.pre-restore-*"))
