"""Backups of a deployment and their restore: database, files, keys, and a manifest of SM3 digests.

A backup is a directory (mode 0700, every file 0600)::

    manifest.json            what follows, with an SM3 digest per file and per table
    database/baosong.sqlite3 SQLite: an online backup (sqlite3 backup API), a consistent snapshot
    database/baosong.dump    PostgreSQL: pg_dump -Fc, taken in the very snapshot the table digests read
    attachments/…            the encrypted attachment files, as stored (from any storage: core/storage.py)
    signed/…                 the encrypted fixed files of signed issues and 通报, as stored
    keys/secret_key, audit_key, file_key

A table's digest is SM3 over its rows in primary-key order, each row its model fields as canonical JSON
(datetimes in UTC, decimals as text, JSON with sorted keys), read through the ORM: the same rows give the same
digest on SQLite and on PostgreSQL, so a dump restored by pg_restore is checked against its manifest as an
embedded restore is. Derived tables outside the models (the SQLite FTS index) are not digested.

``backup_restore`` (SQLite only; PostgreSQL restores with pg_restore, see docs/deployment.md) checks the whole
backup before it touches anything: every file against the manifest, no file missing or extra, and the
backup database's table digests against the manifest. Only then does it put the database, the files
(attachments, signed documents: into directories or a bucket, core/storage.py) and keys in place, and it
checks the result again, with the audit chain.
"""

from __future__ import annotations

import datetime as dt
import decimal
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from baosong.core import storage
from baosong.core.actions import record
from baosong.core.audit import VerifyResult, audit_verify
from baosong.core.workflow import BACKUP_CREATE, BACKUP_RESTORE

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_NAME = "database/baosong.sqlite3"
DUMP_NAME = "database/baosong.dump"
# The key files of the data directory, and the variables that take precedence over them (config/settings.py).
KEYS: dict[str, tuple[str, str]] = {
    "secret_key": ("BAOSONG_SECRET_KEY", "SECRET_KEY"),
    "audit_key": ("BAOSONG_AUDIT_KEY", "AUDIT_KEY"),
    "file_key": ("BAOSONG_FILE_KEY", "FILE_ENCRYPTION_KEY"),
}
KEY_LABELS = {"secret_key": "签名密钥", "audit_key": "审计密钥", "file_key": "附件密钥"}
_CHUNK = 1 << 20
# The stores a backup holds (core/storage.py), each under the folder of its name; not the render cache. A
# manifest without "stores" is from before signed files were backed up: it holds attachments only, and its
# restore leaves the signed files where they are.
STORES = (storage.ATTACHMENTS, storage.SIGNED)
STORE_LABELS = {storage.ATTACHMENTS: "附件", storage.SIGNED: "签发文件"}


class BackupError(Exception):
    """The backup cannot be made, or does not match its manifest: the message says what, in Chinese."""


@dataclass
class BackupResult:
    path: Path
    vendor: str
    tables: int
    rows: int
    files: int
    size: int


@dataclass
class RestoreResult:
    path: Path
    tables: int
    rows: int
    files: int
    digests: dict[str, dict[str, Any]]
    audit: VerifyResult
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    moved_aside: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.audit.ok


# ---- table digests --------------------------------------------------------------------------------------


def _canonical(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = value.astimezone(dt.UTC)
        return value.isoformat(timespec="microseconds")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value // dt.timedelta(microseconds=1)
    if isinstance(value, decimal.Decimal):
        return format(value, "f")
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview | bytearray):
        return bytes(value).hex()
    return value


def _digested_models() -> list[type[models.Model]]:
    found: dict[str, type[models.Model]] = {}
    recorded: type[models.Model] = MigrationRecorder.Migration  # django_migrations: the migration state
    for model in [*apps.get_models(include_auto_created=True), recorded]:
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        found.setdefault(meta.db_table, model)
    return [found[name] for name in sorted(found)]


def table_digests(*, using: str = "default") -> dict[str, dict[str, Any]]:
    """Per table: row count and SM3 over its rows in primary-key order, the same on SQLite and PostgreSQL."""
    out: dict[str, dict[str, Any]] = {}
    for model in _digested_models():
        columns = [f.attname for f in model._meta.concrete_fields]
        digest = hashlib.new("sm3")
        digest.update(json.dumps(columns).encode("utf-8") + b"\n")
        rows = 0
        qs = model._base_manager.using(using).order_by("pk").values_list(*columns)
        for row in qs.iterator(chunk_size=2000):
            line = json.dumps([_canonical(v) for v in row], ensure_ascii=False, sort_keys=True, default=str)
            digest.update(line.encode("utf-8") + b"\n")
            rows += 1
        out[model._meta.db_table] = {"rows": rows, "sm3": digest.hexdigest()}
    return out


@contextmanager
def sqlite_file(path: Path, *, readonly: bool = True) -> Iterator[str]:
    """A temporary database alias for a SQLite file (a backup's database), for the ORM and audit_verify."""
    from django.db.backends.sqlite3.base import DatabaseWrapper

    alias = f"backup_{uuid.uuid4().hex[:12]}"
    name = f"{path.resolve().as_uri()}?mode=ro" if readonly else str(path)
    # Set on the handler, not added to DATABASES: a connection for this one use, as Django's own copies are.
    wrapper = DatabaseWrapper(
        {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": {},
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "TIME_ZONE": None,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias,
    )
    connections[alias] = wrapper
    try:
        yield alias
    finally:
        wrapper.close()
        del connections[alias]


# ---- files ----------------------------------------------------------------------------------------------


def _sm3_file(path: Path) -> str:
    digest = hashlib.new("sm3")
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _copy(src: Path, dst: Path) -> str:
    """Copy a file under the 077 umask, its digest computed from the bytes written."""
    dst.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest = hashlib.new("sm3")
    with src.open("rb") as fin, _open_private(dst) as fout:
        while chunk := fin.read(_CHUNK):
            digest.update(chunk)
            fout.write(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    return digest.hexdigest()


def _copy_stored(alias: str, name: str, dst: Path) -> dict[str, Any]:
    """Copy a stored file (any backend) into the backup, with its size and digest from the bytes written."""
    dst.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    digest, size = hashlib.new("sm3"), 0
    with storage.get(alias).open(name, "rb") as fin, _open_private(dst) as fout:
        while chunk := fin.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
            fout.write(chunk)
        fout.flush()
        os.fsync(fout.fileno())
    return {"size": size, "sm3": digest.hexdigest()}


def _open_private(path: Path) -> Any:
    return os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb")


def _write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with _open_private(path) as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _files_under(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


@contextmanager
def _private_umask() -> Iterator[None]:
    old = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(old)


# ---- keys -----------------------------------------------------------------------------------------------


def _key_source(name: str) -> str:
    env = KEYS[name][0]
    if os.environ.get(env) or os.environ.get(f"{env}_FILE"):
        return "env"
    return "data_dir" if (Path(settings.DATA_DIR) / name).is_file() else "default"


def _key_value(name: str) -> str:
    return str(getattr(settings, KEYS[name][1]))


# ---- backup ---------------------------------------------------------------------------------------------


def _version() -> dict[str, str]:
    import tomllib

    info = {"version": "", "commit": ""}
    base = Path(settings.BASE_DIR)
    with suppress(OSError, KeyError, ValueError):
        info["version"] = tomllib.loads((base / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    try:
        done = subprocess.run(
            ["git", "-C", str(base), "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5
        )
        info["commit"] = done.stdout.strip() if done.returncode == 0 else ""
    except (OSError, subprocess.SubprocessError):
        pass
    return info


def _migrations(using: str) -> list[str]:
    applied = MigrationRecorder(connections[using]).applied_migrations()
    return sorted(f"{app}.{name}" for app, name in applied)


def _pg_dump(using: str, snapshot: str, target: Path) -> None:
    db = connections[using].settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    cmd = ["pg_dump", "-Fc", "--no-owner", f"--snapshot={snapshot}", "-f", str(target)]
    for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
        if db.get(key):
            cmd += [flag, str(db[key])]
    cmd.append(str(db["NAME"]))
    try:
        done = subprocess.run(cmd, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise BackupError("找不到 pg_dump 命令：请安装 PostgreSQL 客户端（postgresql-client-15）。") from None
    if done.returncode != 0:
        raise BackupError(f"pg_dump 失败：{done.stderr.strip()[:500]}")


def _dump_database(using: str, path: Path) -> tuple[str, dict[str, dict[str, Any]]]:
    """Copy the database as of one moment; return the file's name in the backup and that moment's digests."""
    connection = connections[using]
    if connection.in_atomic_block:
        # SQLite's backup would wait forever on its own connection's write lock; PostgreSQL's snapshot must
        # be the first statement of its own transaction.
        raise BackupError("备份须在事务之外执行。")
    if connection.vendor == "sqlite":
        target = path / SQLITE_NAME
        target.parent.mkdir(mode=0o700)
        connection.ensure_connection()
        dest = sqlite3.connect(target)
        started = time.monotonic()

        def busy(status: int, remaining: int, total: int) -> None:
            if status in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) and time.monotonic() - started > 60:
                raise BackupError("数据库持续忙碌，60 秒内未能开始备份，请稍后重试。")

        try:
            # One step (pages=-1): the whole copy under one read lock, so a consistent snapshot while the
            # server writes. The copy leaves WAL mode, so opening it read-only creates no -wal/-shm files.
            connection.connection.backup(dest, progress=busy, sleep=0.05)
            dest.execute("PRAGMA journal_mode=DELETE")
        finally:
            dest.close()
        with sqlite_file(target) as alias:
            return SQLITE_NAME, table_digests(using=alias)
    if connection.vendor == "postgresql":
        target = path / DUMP_NAME
        target.parent.mkdir(mode=0o700)
        with transaction.atomic(using=using), connection.cursor() as cur:
            # pg_dump reads the snapshot this transaction exported, so the dump and the digests read below
            # see the very same rows however the server writes meanwhile.
            cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cur.execute("SELECT pg_export_snapshot()")
            snapshot = cur.fetchone()[0]
            _pg_dump(using, snapshot, target)
            return DUMP_NAME, table_digests(using=using)
    raise BackupError(f"不支持备份 {connection.vendor} 数据库。")


def backup_create(*, out: Path, using: str = "default", keys: bool = True) -> BackupResult:
    """Write a backup directory under ``out``: database, attachments, keys, manifest; every file 0600.
    ``keys=False``: without the key files, for sites that keep their keys apart (docs/deployment.md)."""
    created = timezone.now()
    with _private_umask():
        out.mkdir(parents=True, exist_ok=True, mode=0o700)
        path = out / f"baosong-backup-{timezone.localtime(created):%Y%m%d-%H%M%S}"
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            raise BackupError(f"备份目录已存在：{path}") from None
        database, digests = _dump_database(using, path)
        files: dict[str, dict[str, Any]] = {database: _file_entry(path / database)}
        # After the database: every file its rows name was written before they committed. Read through the
        # storage API, so a backup holds the files of a shared mount or a bucket alike.
        for store in STORES:
            for name in storage.names(store):
                rel = f"{store}/{name}"
                files[rel] = _copy_stored(store, name, path / rel)
        sources: dict[str, str] = {}
        for name in KEYS if keys else ():
            rel = f"keys/{name}"
            _write_private(path / rel, _key_value(name).encode("utf-8") + b"\n")
            files[rel] = _file_entry(path / rel)
            sources[name] = _key_source(name)
        manifest = {
            "format": FORMAT,
            "created_at": created.isoformat(),
            **_version(),
            "vendor": connections[using].vendor,
            "database": database,
            "migrations": _migrations(using),
            "tables": digests,
            "keys": sources,
            "stores": list(STORES),
            "files": files,
        }
        _write_private(
            path / MANIFEST,
            json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode("utf-8"),
        )
    result = BackupResult(
        path=path,
        vendor=str(manifest["vendor"]),
        tables=len(digests),
        rows=sum(t["rows"] for t in digests.values()),
        files=len(files),
        size=sum(f["size"] for f in files.values()),
    )
    _record(BACKUP_CREATE, path, using=using, rows=result.rows, files=result.files)
    return result


def _record(action: Any, path: Path, *, using: str, rows: int, files: int, key: str | None = None) -> None:
    record(
        action,
        object_type="backup",
        object_id=path.name,
        using=using,
        details={"path": str(path), "rows": rows, "count": files},
        key=key.encode("utf-8") if key is not None else None,
    )


def _file_entry(path: Path) -> dict[str, Any]:
    return {"size": path.stat().st_size, "sm3": _sm3_file(path)}


# ---- checking a backup ----------------------------------------------------------------------------------


def _names(items: list[str], limit: int = 5) -> str:
    shown = "、".join(items[:limit])
    return shown + (f" 等 {len(items)} 个" if len(items) > limit else "")


def backup_check_files(source: Path) -> dict[str, Any]:
    """The manifest, once every file matches it: none missing, none extra, each size and SM3 digest equal."""
    manifest_path = source / MANIFEST
    if not manifest_path.is_file():
        raise BackupError(f"{source} 中没有 {MANIFEST}，不是报送平台的备份目录。")
    try:
        manifest = json.loads(manifest_path.read_text("utf-8"))
        listed: dict[str, dict[str, Any]] = manifest["files"]
        manifest["tables"], manifest["database"], manifest["keys"]
    except (ValueError, KeyError, TypeError):
        raise BackupError(f"{MANIFEST} 无法解析或缺少必要的项。") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"不支持的备份格式：{manifest.get('format')!r}（本程序支持 {FORMAT}）。")
    present = {p.relative_to(source).as_posix() for p in _files_under(source)} - {MANIFEST}
    missing = sorted(set(listed) - present)
    extra = sorted(present - set(listed))
    changed = sorted(
        name
        for name in sorted(set(listed) & present)
        if (source / name).stat().st_size != listed[name].get("size")
        or _sm3_file(source / name) != listed[name].get("sm3")
    )
    problems = []
    if missing:
        problems.append(f"缺少文件：{_names(missing)}")
    if extra:
        problems.append(f"清单之外的文件：{_names(extra)}")
    if changed:
        problems.append(f"摘要与清单不符：{_names(changed)}")
    if problems:
        raise BackupError("备份与清单不符，未做任何改动。" + "；".join(problems) + "。")
    return manifest


def compare_tables(expected: dict[str, dict[str, Any]], actual: dict[str, dict[str, Any]]) -> list[str]:
    """What differs between two sets of table digests, in Chinese, one line per table."""
    problems = []
    for table in sorted(set(expected) | set(actual)):
        if table not in actual:
            problems.append(f"数据表 {table} 在清单中，数据库中没有")
        elif table not in expected:
            problems.append(f"数据表 {table} 不在清单中")
        elif expected[table] != actual[table]:
            problems.append(
                f"数据表 {table} 不符（清单 {expected[table].get('rows')} 行，"
                f"数据库 {actual[table]['rows']} 行，摘要不同）"
            )
    return problems


def backup_check(source: Path) -> dict[str, Any]:
    """Check a backup without restoring it: files against the manifest, then (SQLite) the backup database's
    table digests against the manifest, so a manifest edited after the backup is refused as well."""
    manifest = backup_check_files(source)
    if manifest.get("vendor") == "sqlite":
        with sqlite_file(source / manifest["database"]) as alias:
            try:
                problems = compare_tables(manifest["tables"], table_digests(using=alias))
            except Exception as exc:  # not a database, or another schema than this version's models
                raise BackupError(
                    f"备份中的数据库无法按本版本的数据模型读取（{exc}）。请用备份时的程序版本"
                    f"（{manifest.get('version') or '未知'}，"
                    f"提交 {str(manifest.get('commit') or '未知')[:12]}）恢复。"
                ) from None
        if problems:
            raise BackupError("备份数据库与清单不符，未做任何改动。" + "；".join(problems[:5]) + "。")
    return manifest


def backup_key(source: Path, name: str) -> str:
    return (source / "keys" / name).read_text("utf-8").strip()


def _key_refusals(source: Path, manifest: dict[str, Any]) -> list[str]:
    """Keys the restored system would not start with: the restore writes back only the key files the data
    directory held; a key from the environment (or one the restore does not write) must already be equal."""
    refusals = []
    for name, (env, _) in KEYS.items():
        if name not in manifest["keys"]:
            continue
        writes_file = manifest["keys"].get(name) == "data_dir"
        from_env = _key_source(name) == "env"
        if (from_env or not writes_file) and _key_value(name) != backup_key(source, name):
            where = f"环境变量 {env}（或 {env}_FILE）" if from_env else "当前配置"
            refusals.append(f"{KEY_LABELS[name]}（{where}）与备份中的 keys/{name} 不同")
    return refusals


# ---- restore (SQLite) -----------------------------------------------------------------------------------


def _sqlite_target(using: str) -> Path:
    return Path(str(connections[using].settings_dict["NAME"]))


def _stores(manifest: dict[str, Any]) -> list[str]:
    return [s for s in manifest.get("stores", [storage.ATTACHMENTS]) if s in STORES]


def restore_targets(using: str = "default", stores: tuple[str, ...] | list[str] = STORES) -> list[Path]:
    """What a restore replaces and that is there now: the database (and its WAL files), the directories of
    ``stores`` (on object storage, files are written over, not moved aside: see backup_restore)."""
    db = _sqlite_target(using)
    found = [p for p in (db, Path(f"{db}-wal"), Path(f"{db}-shm")) if p.exists()]
    for store in stores:
        root = storage.local_path(store, "")
        if root is not None and _files_under(root):
            found.append(root)
    return found


def live_check(
    manifest: dict[str, Any], *, using: str = "default", audit_key: str | None = None
) -> tuple[dict[str, dict[str, Any]], list[str], VerifyResult]:
    """The database now against the manifest (row counts and digests), and its audit chain."""
    digests = table_digests(using=using)
    problems = compare_tables(manifest["tables"], digests)
    audit = audit_verify(using=using, key=audit_key.encode("utf-8") if audit_key is not None else None)
    return digests, problems, audit


def backup_restore(*, source: Path, using: str = "default", force: bool = False) -> RestoreResult:
    """Restore a SQLite backup into the database of ``using`` and the attachment directory; see the module."""
    if connections[using].vendor != "sqlite":
        raise BackupError(
            "当前使用 PostgreSQL：请按 docs/deployment.md 中“恢复 PostgreSQL 数据库”的步骤"
            "用 pg_restore 恢复，再执行 manage.py verify_backup <备份目录> --live 校验。"
        )
    manifest = backup_check(source)
    if manifest.get("vendor") != "sqlite":
        raise BackupError(
            "这是 PostgreSQL 数据库的备份，只能用 pg_restore 恢复到 PostgreSQL（见 docs/deployment.md）。"
        )
    if refusals := _key_refusals(source, manifest):
        raise BackupError(
            "密钥不一致，恢复后服务将无法校验审计日志或读取附件，未做任何改动："
            + "；".join(refusals)
            + "。请先改正环境变量中的密钥。"
        )
    stores = _stores(manifest)
    existing = restore_targets(using, stores)
    if existing and not force:
        raise BackupError(
            "目标位置已有数据："
            + "、".join(str(p) for p in existing)
            + "。确认服务（Web 服务和任务处理进程）已经停止后，加 --force 重新执行；原有文件将改名保留。"
        )

    db = _sqlite_target(using)
    roots = {store: storage.local_path(store, "") for store in stores}
    stamp = f"pre-restore-{timezone.localtime():%Y%m%d-%H%M%S}"
    connections[using].close()
    result = RestoreResult(path=source, tables=0, rows=0, files=0, digests={}, audit=VerifyResult(False, 0))
    with _private_umask():
        # Everything is written next to its place first, then renamed in: a failure half-way leaves the old
        # data where it was.
        staged_db = db.with_name(db.name + ".restoring")
        # Per local store: its directory and the directory staged beside it.
        staged = {s: (r, r.with_name(r.name + ".restoring")) for s, r in roots.items() if r is not None}
        for stale in (staged_db, *(p for _, p in staged.values())):
            if stale.is_dir():
                shutil.rmtree(stale)
            stale.unlink(missing_ok=True)
        db.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        _copy(source / manifest["database"], staged_db)
        listed = {s: [n for n in sorted(manifest["files"]) if n.startswith(f"{s}/")] for s in stores}
        for store, (_, staged_root) in staged.items():
            staged_root.mkdir(parents=True, mode=0o700)
            for name in listed[store]:
                _copy(source / name, staged_root / name[len(store) + 1 :])
                result.files += 1
        for path in existing:
            aside = path.with_name(f"{path.name}.{stamp}")
            path.rename(aside)
            result.moved_aside.append(aside)
        staged_db.rename(db)
        for root, staged_root in staged.values():
            if root.exists():  # an empty directory, not counted as existing data
                shutil.rmtree(root)
            staged_root.rename(root)
        for store in (s for s in stores if roots[s] is None):
            # Object storage: no directory to move aside. Each file is written under its own name (an object
            # of that name holds the same ciphertext, names being fresh uuids); other objects of the bucket
            # stay, unreferenced — the bucket's versioning keeps older states (docs/deployment.md).
            for name in listed[store]:
                storage.write(store, name[len(store) + 1 :], (source / name).read_bytes())
                result.files += 1
            result.notes.append(
                f"{STORE_LABELS[store]}保存在对象存储中：已将备份中的 {len(listed[store])} 个文件写入存储桶；"
                "桶中原有的其他对象没有删除，也没有改名保留（需要时请用对象存储的版本管理恢复）。"
            )
        for name, source_kind in manifest["keys"].items():
            if source_kind == "data_dir":
                key_path = Path(settings.DATA_DIR) / name
                data = (source / "keys" / name).read_bytes()
                if key_path.exists() and key_path.read_bytes().strip() != data.strip():
                    # The data moved aside is readable only with its own keys: keep them with it.
                    aside = key_path.with_name(f"{name}.{stamp}")
                    key_path.rename(aside)
                    result.moved_aside.append(aside)
                key_path.unlink(missing_ok=True)
                _write_private(key_path, data)
                result.files += 1
            else:
                result.notes.append(
                    f"{KEY_LABELS[name]}备份时来自{'环境变量' if source_kind == 'env' else '默认值'}，"
                    "未写入数据目录；当前生效的值与备份中的相同。"
                )

    audit_key = backup_key(source, "audit_key") if "audit_key" in manifest["keys"] else None
    if not manifest["keys"]:
        result.notes.append("备份中没有密钥：校验和今后的运行都使用当前配置的密钥。")
    digests, problems, audit = live_check(manifest, using=using, audit_key=audit_key)
    result.digests, result.audit = digests, audit
    result.problems = problems
    result.tables = len(digests)
    result.rows = sum(t["rows"] for t in digests.values())
    applied, known = set(_migrations(using)), _code_migrations()
    if known - applied:
        result.notes.append(f"有 {len(known - applied)} 个迁移尚未执行：启动服务前请执行 manage.py migrate。")
    if applied - known:
        result.problems.append(
            f"数据库中有本版本代码没有的迁移（{_names(sorted(applied - known), 3)}），备份来自更新的版本。"
        )
    if result.ok:
        # Appended after the check, to the restored chain with its own key: the auditor sees the restore.
        _record(BACKUP_RESTORE, source, using=using, rows=result.rows, files=result.files, key=audit_key)
        result.notes.append("本次恢复已记入恢复后的审计日志（“恢复备份”）。")
    return result


def _code_migrations() -> set[str]:
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


__all__ = [
    "BackupError",
    "BackupResult",
    "RestoreResult",
    "backup_check",
    "backup_create",
    "backup_restore",
    "live_check",
    "table_digests",
]
