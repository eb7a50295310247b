"""An issue's PDF, DOCX and OFD, rendered once per content and kept on disk.

A distributed issue is downloaded by every reader unit, often within minutes; rendering it (WeasyPrint: about
a second per page) on each download held a server thread per request. The file is kept under a key of what it
shows — the whole ``IssueDocument`` (text, style, number, distribution, withdrawn mark) and the renderer's own
code and print templates — so any change to either renders afresh and nothing stale is ever served. Files are
SM4-encrypted with the attachment key (an issue is as confidential as its items), written 0600 (or to a
private bucket), and one renderer per key at a time: concurrent first downloads wait for it instead of
rendering the same file again.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from pathlib import Path

from baosong.core import storage
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


def issue_file(doc: IssueDocument, fmt: str) -> bytes:
    """The rendered file of ``doc`` in ``fmt`` ("pdf", "docx" or "ofd"), from the cache when it holds this
    content."""
    render = RENDERERS[fmt]
    key = hashlib.sha256(f"{fmt}|{renderer_digest()}|{doc!r}".encode()).hexdigest()
    return cached_render(key, fmt, lambda: render(doc))


def cached_render(key: str, fmt: str, render: Callable[[], bytes]) -> bytes:
    """The file kept under ``key`` (a digest of everything it shows and of the code that draws it), or
    ``render()`` written there first: issues here, fixed roll-ups of structured reports too. Kept in the
    "documents" storage (core/storage.py): a directory, a shared mount or a bucket."""
    name = f"{key}.{fmt}.sm4"
    associated = key.encode()
    cached = _read(name, associated)
    if cached is not None:
        return cached
    # Whoever renders first; the others then find the file. Without a lock (object storage) two nodes may
    # render one key at once, which is harmless: see storage.exclusive.
    with storage.exclusive(storage.DOCUMENTS, f"{key}.lock"):
        cached = _read(name, associated)
        if cached is not None:
            return cached
        data = render()
        storage.write(storage.DOCUMENTS, name, sm4_gcm_encrypt(data, associated=associated))
        return data


def _read(name: str, associated: bytes) -> bytes | None:
    try:
        blob = storage.read(storage.DOCUMENTS, name)
    except FileNotFoundError:
        return None
    try:
        return sm4_gcm_decrypt(blob, associated=associated)
    except Exception:  # a file from another key or a torn write: render again
        storage.delete(storage.DOCUMENTS, name)
        return None
