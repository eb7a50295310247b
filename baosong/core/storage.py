"""Files behind Django's storage API: attachments, signed documents and the render cache.

Three aliases of ``django.core.files.storage.storages`` (config/storage.py builds them from BAOSONG_STORAGE):

- ``attachments``: SM4-GCM ciphertext of uploaded files, ``<2 hex>/<uuid hex>`` (reports/files.py);
- ``signed``: the fixed bytes of signed issues and 通报, ``<uuid>.<fmt>.sm4`` (signing/services.py);
- ``documents``: rendered issues and roll-ups, ``<content key>.<fmt>.sm4`` (editorial/documents.py), a cache
  that may be emptied at any time.

Locally each alias is the directory its setting names (ATTACHMENT_ROOT, SIGNED_DOCUMENT_DIR,
DOCUMENT_CACHE_DIR — the layout of before, so an upgrade finds its files); a shared NFS/CIFS mount there lets
several web nodes and workers use one set of files. On S3-compatible object storage each alias is a folder of
one private bucket. Encryption stays in the callers, with the stored name bound as associated data, so what a
storage holds is ciphertext whichever it is.
"""

from __future__ import annotations

import fcntl
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.deconstruct import deconstructible

ATTACHMENTS = "attachments"
SIGNED = "signed"
DOCUMENTS = "documents"
ALIASES = (ATTACHMENTS, SIGNED, DOCUMENTS)
# Working files of the local backend that are not stored files: render locks and unfinished writes.
_SCRATCH_SUFFIXES = (".lock", ".tmp")


@deconstructible(path="baosong.core.storage.LocalFiles")
class LocalFiles(FileSystemStorage):
    """A directory named by a setting, read on every use (so a test's or a command's override holds);
    files 0600 and directories 0700, like the rest of the data directory."""

    def __init__(self, setting: str, **kwargs: Any) -> None:
        self.setting = setting
        kwargs.setdefault("file_permissions_mode", 0o600)
        kwargs.setdefault("directory_permissions_mode", 0o700)
        super().__init__(**kwargs)

    @property
    def base_location(self) -> str:
        return str(getattr(settings, self.setting))

    @property
    def location(self) -> str:
        return os.path.abspath(self.base_location)


def get(alias: str) -> Storage:
    return storages[alias]


def local_path(alias: str, name: str) -> Path | None:
    """The file's path when the storage is a directory (local or a shared mount), else None."""
    try:
        return Path(storages[alias].path(name))
    except NotImplementedError:
        return None


def write(alias: str, name: str, data: bytes) -> None:
    """Store ``data`` under exactly ``name``, replacing what was there, atomically: a reader on any node sees
    the old file, the new one or none, never half of one. A directory: a private temporary file renamed in
    place (rename is atomic on local file systems and on NFS/CIFS within one directory). Object storage: one
    PUT, which S3 makes visible whole or not at all."""
    path = local_path(alias, name)
    if path is None:
        saved = storages[alias].save(name, ContentFile(data))
        if saved != name:  # file_overwrite is on: a renamed object would be a misconfigured storage
            storages[alias].delete(saved)
            raise RuntimeError(f"storage {alias!r} stored {name!r} as {saved!r}")
        return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        with open(os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_EXCL, 0o600), "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def read(alias: str, name: str) -> bytes:
    """The stored bytes; FileNotFoundError when there is no such file, on every backend."""
    with storages[alias].open(name, "rb") as fh:
        data = fh.read()
    return bytes(data)


def delete(alias: str, name: str) -> None:
    """Remove the file if it is there (a missing one is no error, on every backend)."""
    storages[alias].delete(name)


def names(alias: str) -> Iterator[str]:
    """Every stored file of ``alias``, relative names with "/", sorted; not the local backend's locks."""
    return walk(storages[alias])


def walk(store: Storage, folder: str = "") -> Iterator[str]:
    """Every stored file of ``store`` under ``folder`` (a directory or a bucket folder alike)."""
    try:
        dirs, files = store.listdir(folder)
    except FileNotFoundError:  # a directory not made yet
        return
    for name in sorted(files):
        if not name.endswith(_SCRATCH_SUFFIXES):
            yield f"{folder}/{name}" if folder else name
    for sub in sorted(dirs):
        yield from walk(store, f"{folder}/{sub}" if folder else sub)


def is_local(alias: str) -> bool:
    return local_path(alias, "") is not None


@contextmanager
def exclusive(alias: str, name: str) -> Iterator[None]:
    """One holder at a time of the lock ``name`` of ``alias``, across processes and — on a shared mount —
    across machines: flock on a lock file beside the stored files (Linux takes flock on NFS as a POSIX lock
    of the server's lock manager; CIFS as an SMB byte-range lock).

    On object storage there is no file to lock, and no lock is taken: every caller then works as if alone.
    That is safe for both users: the render cache is content-addressed (the key is a digest of all the file
    shows and of the code drawing it), so two nodes rendering one key at once make equivalent plaintexts,
    each PUT is atomic and either ciphertext decrypts under the key; the lock only saved the second render.
    Fixing a signed document ends on the database's unique constraint, and the process that loses there
    deletes its own object (signing/services.py)."""
    path = local_path(alias, name)
    if path is None:
        yield
        return
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
