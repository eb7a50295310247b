"""The PDF of an issue (and its HTML, which is also the editors' live preview) and the 政务信息报送审核表.

One Django template draws an ``IssueDocument`` in the 简报 layout of GB/T 9704-2012: A4, margins
37/26/35/28 mm (a 156 × 225 mm text block), 3号仿宋 body on a grid of 22 lines × 28 characters, a red
masthead and rule, page numbers "— 1 —" outside the text block, and the 版记 (报/送/发, 共印×份) at the foot
of the last page. WeasyPrint turns it into a PDF without touching the network: the stylesheet is inlined
and the URL fetcher refuses everything except ``data:`` URLs and files under this app's print templates.

Office PCs know the standard font names (方正小标宋简体, 仿宋_GB2312, 黑体, 楷体_GB2312); the server has the
Noto CJK and AR PL UKai fonts, so every CSS font stack names the standard font first and then its
installed stand-in.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from baosong.editorial.document import (
    FONT_BODY,
    FONT_HEADING,
    FONT_KAI,
    FONT_TITLE,
    DocItem,
    IssueDocument,
    ReviewSheet,
    TemplateStyle,
)

PRINT_TEMPLATES = Path(__file__).resolve().parent / "templates" / "editorial" / "print"

# Installed stand-ins (Debian: fonts-noto-cjk, fonts-arphic-ukai).
_SERIF = '"Noto Serif CJK SC", "Source Han Serif SC", serif'
_SANS = '"Noto Sans CJK SC", "Source Han Sans SC", sans-serif'
_KAI = '"AR PL UKai CN", "Noto Serif CJK SC", serif'


@dataclass(frozen=True)
class FontStack:
    family: str  # a CSS font-family value
    weight: str  # a CSS font-weight value: the stand-ins need bold to look like the real face


# Standard name → (the names Windows/WPS/Founder installs use, the stand-in's stack, weight).
_STACKS: dict[str, FontStack] = {
    "方正小标宋简体": FontStack(
        f'"方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", {_SERIF}', "900"
    ),
    "宋体": FontStack(f'"宋体", "SimSun", {_SERIF}', "normal"),
    "仿宋_GB2312": FontStack(f'"仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong", {_SERIF}', "normal"),
    "仿宋": FontStack(f'"仿宋", "FangSong", "仿宋_GB2312", "FangSong_GB2312", {_SERIF}', "normal"),
    "黑体": FontStack(f'"黑体", "SimHei", {_SANS}', "bold"),
    "楷体_GB2312": FontStack(f'"楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi", {_KAI}', "normal"),
    "楷体": FontStack(f'"楷体", "KaiTi", "楷体_GB2312", "KaiTi_GB2312", {_KAI}', "normal"),
}

_SAFE_FONT_NAME = re.compile(r"^[\w\u3400-\u9fff ._\-]{1,40}$")
_HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")
_DEFAULT_RED = "#C00000"

TEXT_BLOCK_WIDTH_PT = 156 / 25.4 * 72  # 442.2 pt


def font_stack(name: str, *, fallback: str = FONT_BODY) -> FontStack:
    """The CSS stack for a standard font name; an unknown name is tried first, then ``fallback``'s stack."""
    if name in _STACKS:
        return _STACKS[name]
    base = _STACKS[fallback]
    if not _SAFE_FONT_NAME.match(name):
        return base
    return FontStack(f'"{name}", {base.family}', base.weight)


def _color(value: str) -> str:
    return value if _HEX_COLOR.match(value or "") else _DEFAULT_RED


def masthead_metrics(text: str, size_pt: float) -> tuple[float, float]:
    """(font size pt, letter-spacing em): large, spaced out, and never wider than the text block. The DOCX
    draws the masthead with the same figures."""
    count = max(len(text), 1)
    size = min(max(size_pt, 12.0), TEXT_BLOCK_WIDTH_PT / (count * 1.02))
    # Aim to fill about 80 % of the block width; short names get up to 0.5 em between characters.
    spacing = (TEXT_BLOCK_WIDTH_PT * 0.8) / (count * size) - 1
    return round(size, 2), round(min(max(spacing, 0.0), 0.5), 3)


def _css_fonts(doc_style: TemplateStyle) -> dict[str, FontStack]:
    return {
        "masthead": font_stack(doc_style.masthead_font, fallback=FONT_TITLE),
        "body": font_stack(doc_style.body_font, fallback=FONT_BODY),
        "heading": font_stack(doc_style.heading_font, fallback=FONT_HEADING),
        "kai": font_stack(doc_style.kai_font, fallback=FONT_KAI),
        "title": font_stack(doc_style.title_font, fallback=FONT_TITLE),
        "hei": _STACKS[FONT_HEADING],
        "song": _STACKS["宋体"],
    }


# A 16pt title line holds 27 full-width characters; keep a character free on each side.
TITLE_LINE_CHARS = 25
_NO_LINE_START = set("，。、；：？！）》」』】”’%…—·")
_NO_LINE_END = set("（《「『【“‘")
_GOOD_BREAK_AFTER = set("，、；：”》）")


def _width(text: str) -> float:
    return sum(0.5 if ord(ch) < 0x2000 else 1.0 for ch in text)


def title_lines(title: str, *, max_chars: float = TITLE_LINE_CHARS) -> list[str]:
    """Split a long title into balanced lines (Chinese titles wrap as a "pyramid", never leaving one or
    two characters alone), breaking only where a line may end and the next may start."""
    title = " ".join(title.split())
    total = _width(title)
    if total <= max_chars:
        return [title]
    count = int(-(-total // max_chars))  # ceil
    lines: list[str] = []
    rest = title
    for remaining in range(count, 1, -1):
        target = _width(rest) / remaining
        best: tuple[float, int] | None = None
        for i in range(1, len(rest)):
            left, nxt, prev = rest[:i], rest[i], rest[i - 1]
            if nxt in _NO_LINE_START or prev in _NO_LINE_END:
                continue
            if prev.isascii() and prev.isalnum() and nxt.isascii() and nxt.isalnum():
                continue  # inside a number or a Latin word
            width = _width(left)
            if width > max_chars:
                break
            score = abs(width - target) - (1.5 if prev in _GOOD_BREAK_AFTER or nxt == "“" else 0)
            if best is None or score < best[0]:
                best = (score, i)
        if best is None:
            break
        lines.append(rest[: best[1]])
        rest = rest[best[1] :]
    lines.append(rest)
    return lines


def _distribution_lines(doc: IssueDocument) -> list[dict[str, str]]:
    lines = []
    for line in doc.distribution:
        names = [n.strip() for n in line.names if n.strip()]
        if names:
            lines.append({"label": line.label.strip().rstrip("：:"), "names": "，".join(names) + "。"})
    return lines


def _brief_context(item: DocItem) -> dict[str, Any]:
    paragraphs = [p for p in item.paragraphs if p.strip()]
    return {
        "title": item.title,
        "first": paragraphs[0] if paragraphs else "",
        "rest": paragraphs[1:],
        "sources": "　".join(item.sources),
    }


def issue_context(doc: IssueDocument, *, screen: bool = False) -> dict[str, Any]:
    style = doc.style
    masthead = style.masthead_text.strip() or doc.publication_name
    size, spacing = masthead_metrics(masthead, style.masthead_size_pt)
    closing_lines = _distribution_lines(doc)
    show_closing = style.show_closing_block and bool(closing_lines or doc.print_count)
    columns = [
        {
            "name": column.name.strip().strip("【】[]").strip(),
            "items": [
                {
                    "title": item.title,
                    "title_lines": title_lines(item.title),
                    "editor_note": item.editor_note,
                    "paragraphs": [p for p in item.paragraphs if p.strip()],
                    "sources": "　".join(item.sources),
                }
                for item in column.items
            ],
        }
        for column in doc.columns
        if column.items
    ]
    return {
        "doc": doc,
        "screen": screen,
        "masthead": masthead,
        # Strings, so localized number formatting in templates can never write "42,0pt".
        "masthead_size": f"{size:.2f}",
        "masthead_spacing": f"{spacing:.3f}",
        "red": _color(style.masthead_color),
        "fonts": _css_fonts(style),
        "columns": columns,
        "headline_lines": title_lines(doc.headline, max_chars=18),
        "briefs": [_brief_context(b) for b in doc.briefs],
        "closing_lines": closing_lines,
        "show_closing": show_closing,
    }


def issue_html(doc: IssueDocument, *, screen: bool = False, nonce: str = "") -> str:
    """The issue as one self-contained HTML document: for WeasyPrint, or (``screen``) for a browser preview
    that shows the same measurements on a white A4-wide sheet; its ``<style>`` blocks carry the request's
    Content-Security-Policy ``nonce``."""
    return render_to_string(
        "editorial/print/issue.html", {**issue_context(doc, screen=screen), "csp_nonce": nonce}
    )


def local_time(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime("%Y-%m-%d %H:%M")


def review_sheet_html(sheet: ReviewSheet) -> str:
    steps = [
        {
            "label": step.label,
            "person": step.person,
            "unit": step.unit,
            "time": local_time(step.time),
            "opinion": step.opinion,
        }
        for step in sheet.steps
    ]
    context = {
        "sheet": sheet,
        "created": local_time(sheet.created),
        "sent": local_time(sheet.sent),
        "paragraphs": [p for p in sheet.paragraphs if p.strip()],
        "steps": steps,
        "fonts": _css_fonts(TemplateStyle()),
        "red": _DEFAULT_RED,
        "screen": False,
    }
    return render_to_string("editorial/print/review_sheet.html", context)


def _url_fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class LocalOnlyFetcher(URLFetcher):
        """Serves ``data:`` URLs and files under the print templates; refuses the rest (no network)."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            scheme = url.split(":", 1)[0].lower()
            if scheme == "data":
                return super().fetch(url, headers)
            if scheme == "file":
                from urllib.request import url2pathname

                path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
                if path.is_relative_to(PRINT_TEMPLATES):
                    return super().fetch(url, headers)
            raise ValueError(f"refusing to fetch {url[:80]!r}: PDF rendering is offline")

    return LocalOnlyFetcher(allowed_protocols={"data", "file"})


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    pdf = HTML(string=html, base_url=str(PRINT_TEMPLATES), url_fetcher=_url_fetcher()).write_pdf()
    assert pdf is not None
    return bytes(pdf)


def render_issue_pdf(doc: IssueDocument) -> bytes:
    """The printable PDF of an issue (A4, fonts embedded)."""
    return html_to_pdf(issue_html(doc))


def render_review_sheet_pdf(sheet: ReviewSheet) -> bytes:
    """政务信息报送审核表 for one item, as a PDF."""
    return html_to_pdf(review_sheet_html(sheet))
