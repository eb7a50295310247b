"""The signature block travels inside the file without breaking it, so anyone holding the file can check it.

- ZIP containers (DOCX, XLSX, OFD): the block is the archive comment at the end of the central directory.
  Readers ignore the comment; the signed content is the archive with an empty comment.
- PDF: the block is a comment line after ``%%EOF``, which readers skip (it stays well inside the 1 KB that
  readers search for ``%%EOF``). The signed content is everything before that line.
- Anything else carries no block; it is verified by looking its digest up among the release records.

A block is one line: ``BAOSONG-SIG2 `` and a compact UTF-8 JSON object (``services.encode_block``), at most
``MAX_BLOCK`` bytes in all: LibreOffice (7.4) refuses to open a ZIP whose comment is longer than 512 bytes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

MARK = b"BAOSONG-SIG2 "
MAX_BLOCK = 500  # the mark and the block together; LibreOffice opens no ZIP with a comment over 512 bytes
_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_PDF_LINE = b"%" + MARK


@dataclass(frozen=True)
class Split:
    content: bytes  # the bytes the digest covers
    block: bytes | None  # the block's text after MARK, or None
    container: str  # "zip", "pdf" or ""
    damaged: bool = False  # a block mark is there but the block cannot be read: the file was changed


def container_of(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04") and _find_eocd(data) is not None:
        return "zip"
    return ""


def _find_eocd(data: bytes) -> int | None:
    """The end-of-central-directory record whose comment runs exactly to the end of the file."""
    start = max(0, len(data) - (_EOCD_SIZE + 0xFFFF))
    pos = data.rfind(_EOCD, start)
    while pos >= 0:
        if pos + _EOCD_SIZE <= len(data):
            (comment_len,) = struct.unpack_from("<H", data, pos + 20)
            if pos + _EOCD_SIZE + comment_len == len(data):
                return pos
        pos = data.rfind(_EOCD, start, pos)
    return None


def embed(data: bytes, block: bytes) -> bytes:
    """``data`` (as ``prepare`` returns it) with the block added; unchanged when it has no container."""
    container = container_of(data)
    if container == "zip":
        pos = _find_eocd(data)
        assert pos is not None
        comment = MARK + block
        return data[: pos + 20] + struct.pack("<H", len(comment)) + comment
    if container == "pdf":
        return data + _PDF_LINE + block + b"\n"
    return data


def split(data: bytes) -> Split:
    """The signed content of a file and its block, if it carries one."""
    container = container_of(data)
    if container == "zip":
        pos = _find_eocd(data)
        assert pos is not None
        comment = data[pos + _EOCD_SIZE :]
        content = data[: pos + 20] + b"\x00\x00"
        if comment.startswith(MARK):
            return Split(content, comment[len(MARK) :], container)
        return Split(content if not comment else data, None, container, damaged=MARK in comment)
    if container == "pdf":
        at = data.rfind(_PDF_LINE)
        if at > 0 and data[at - 1 : at] in (b"\n", b"\r"):
            line = data[at + len(_PDF_LINE) :]
            if line.rstrip(b"\r\n").find(b"\n") < 0:
                return Split(data[:at], line.rstrip(b"\r\n"), container)
        return Split(data, None, container, damaged=MARK in data[-2048:])
    return Split(data, None, container, damaged=MARK in data[-0x10100:])


def prepare(data: bytes) -> bytes:
    """A freshly rendered file as the content to sign: a ZIP's own comment (if any) dropped, a PDF ending in
    a line break so the block starts a line of its own."""
    container = container_of(data)
    if container == "zip":
        pos = _find_eocd(data)
        assert pos is not None
        return data[: pos + 20] + b"\x00\x00"
    if container == "pdf" and not data.endswith((b"\n", b"\r")):
        return data + b"\n"
    return data
