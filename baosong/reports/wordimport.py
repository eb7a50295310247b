"""Import from Word: a .docx becomes a draft — first heading (or first paragraph) as title, the rest as
body paragraphs. Only text is kept: formatting, images and fields are dropped (the safe subset)."""

from __future__ import annotations

import io
import re
import unicodedata

from baosong.core.archives import zip_checked
from baosong.core.errors import ServiceError

_SPACES = re.compile(r"[ \t\u3000\u00a0]+")


def clean_text(text: str) -> str:
    """Plain paragraphs: no control characters, no leading/trailing blanks, no runs of empty lines.
    Pasted Word text (tabs, non-breaking and full-width spaces, soft breaks) is normalised the same way."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u000b", "\n").replace("\u2028", "\n")
    text = text.replace("\t", " ")
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    paragraphs = [line for line in lines if line]
    return "\n".join(paragraphs)


def docx_to_text(data: bytes) -> tuple[str, str]:
    from docx import Document

    if not data.startswith(b"PK\x03\x04"):
        raise ServiceError(
            "请上传 Word 2007 及以上格式（.docx）的文件；.doc 请先另存为 .docx。", "not_docx", status=415
        )
    zip_checked(data)  # an archive bomb is refused before python-docx inflates it
    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:
        raise ServiceError("无法读取该 Word 文件，请确认文件未损坏。", "bad_docx", status=400) from exc
    paragraphs = [
        (p.style.name if p.style is not None else "", clean_text(p.text)) for p in document.paragraphs
    ]
    paragraphs = [(style, text) for style, text in paragraphs if text]
    if not paragraphs:
        raise ServiceError("Word 文件中没有文字内容。", "empty_docx")
    heading = next(
        (
            i
            for i, (style, _) in enumerate(paragraphs)
            if style.lower().startswith(("heading", "title", "标题"))
        ),
        0,
    )
    title = paragraphs[heading][1][:200]
    body = "\n".join(text for i, (_, text) in enumerate(paragraphs) if i != heading)
    return title, body
