"""An issue's PDF, DOCX and OFD, rendered once per content and kept on disk.

A distributed issue is downloaded by every reader unit, often within minutes; rendering it (WeasyPrint: about
a second per page) on each download held a server thread per request. The file is kept under a key of what it
shows — the whole ``IssueDocument`` (text, style, number, distribution, withdrawn mark) and the renderer's own
code and print templates — so any change to either renders afresh and nothing stale is ever served. Files are
SM4-encrypted with the attachment key (an issue is as confidential as its items), written 0600, and one
renderer per key at a time: concurrent first downloads wait for it instead of rendering the same file again.
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import os
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from baosong.core.crypto import sm4_gcm_decrypt, sm4_gcm_encrypt
from baosong.core.exports import XLSX_TYPE
from baosong.editorial import render_docx, render_ofd, render_pdf
from baosong.editorial.document import IssueDocument


def _render_ofd(doc: IssueDocument) -> bytes:
    # From the cached PDF: the OFD is that PDF's layout, and WeasyPrint is the expensive half.
    return render_ofd.render_issue_ofd(doc, pdf=issue_file(doc, "pdf"))


# The media type of each document format, for downloads of issues, 通报 and the 审核表 alike.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "ofd": "application/ofd",
    "xlsx": XLSX_TYPE,
}

RENDERERS: dict[str, Callable[[IssueDocument], bytes]] = {
    "pdf": render_pdf.render_issue_pdf,
    "docx": render_docx.render_issue_docx,
    "ofd": _render_ofd,
}


@functools.cache
def renderer_digest() -> str:
    """The renderers' code and print templates: a new release that draws issues differently renders anew."""
    here = Path(__file__).resolve().parent
    sources = [here / "render_pdf.py", here / "render_docx.py", here / "render_ofd.py", here / "document.py"]
    sources.append(here.parent / "core" / "ofd.py")
    sources += sorted((here / "templates" / "editorial" / "print").glob("*"))
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def cache_dir() -> Path:
    path = Path(settings.DOCUMENT_CACHE_DIR)
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def issue_file(doc: IssueDocument, fmt: str) -> bytes:
    """The rendered file of ``doc`` in ``fmt`` ("pdf", "docx" or "ofd"), from the cache when it holds this
    content."""
    render = RENDERERS[fmt]
    key = hashlib.sha256(f"{fmt}|{renderer_digest()}|{doc!r}".encode()).hexdigest()
    return cached_render(key, fmt, lambda: render(doc))


def cached_render(key: str, fmt: str, render: Callable[[], bytes]) -> bytes:
    """The file kept under ``key`` (a digest of everything it shows and of the code that draws it), or
    ``render()`` written there first: issues here, fixed roll-ups of structured reports too."""
    path = cache_dir() / f"{key}.{fmt}.sm4"
    associated = key.encode()
    cached = _read(path, associated)
    if cached is not None:
        return cached
    fd = os.open(cache_dir() / f"{key}.lock", os.O_CREAT | os.O_RDWR, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # whoever renders first; the others then find the file
        cached = _read(path, associated)
        if cached is not None:
            return cached
        data = render()
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        with open(os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600), "wb") as out:
            out.write(sm4_gcm_encrypt(data, associated=associated))
        os.replace(tmp, path)
        return data
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _read(path: Path, associated: bytes) -> bytes | None:
    try:
        blob = path.read_bytes()
    except FileNotFoundError:
        return None
    try:
        return sm4_gcm_decrypt(blob, associated=associated)
    except Exception:  # a file from another key or a torn write: render again
        path.unlink(missing_ok=True)
        return None
