"""Measure a PDF's layout with poppler (``pdftohtml -xml``), the way a reader sees the pages.

The document tests convert every generated DOCX through LibreOffice and read the PDF that comes out, and read
the product's own PDF the same way, so both are held to the same GB/T 9704 figures: characters per full body
line, lines per page, page count, where the 版记 sits, whether the masthead is bold.
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
import tempfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import pytest

PT_PER_MM = 72 / 25.4
# GB/T 9704: the text block of an A4 page, in points from the top-left corner.
TEXT_LEFT = 28 * PT_PER_MM
TEXT_WIDTH = 156 * PT_PER_MM
TEXT_TOP = 37 * PT_PER_MM
TEXT_HEIGHT = 225 * PT_PER_MM

needs_poppler = pytest.mark.skipif(shutil.which("pdftohtml") is None, reason="poppler-utils not installed")
needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")


@dataclass(frozen=True)
class Line:
    """One line of text as poppler sees it, in points."""

    text: str
    left: float
    top: float
    width: float
    height: float
    size: float  # font size
    color: str
    family: str
    bold: bool

    @property
    def right(self) -> float:
        return self.left + self.width

    @property
    def bottom(self) -> float:
        return self.top + self.height

    @property
    def chars(self) -> int:
        return len(re.sub(r"\s", "", self.text))


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]

    def text(self) -> str:
        return "".join(line.text for line in self.lines)

    def body_lines(self) -> list[Line]:
        """Lines inside the text block (the page number below it and the masthead's large type left out)."""
        return [
            line
            for line in self.lines
            if line.top >= TEXT_TOP - 4 and line.bottom <= TEXT_TOP + TEXT_HEIGHT + 4 and line.size < 20
        ]


def read_pdf(path: Path) -> list[Page]:
    """Every page's text lines, merged per visual line (LibreOffice splits a line where the font changes)."""
    out = subprocess.run(
        ["pdftohtml", "-xml", "-i", "-stdout", "-zoom", "1", str(path)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    root = ET.fromstring(re.sub(r"<!DOCTYPE[^>]*>", "", out))
    fonts: dict[str, tuple[float, str, str]] = {}
    pages = []
    for page_el in root.iter("page"):
        for spec in page_el.iter("fontspec"):
            fonts[spec.get("id", "")] = (
                float(spec.get("size", "0")),
                spec.get("color", ""),
                spec.get("family", ""),
            )
        pieces = []
        for el in page_el.iter("text"):
            size, color, family = fonts[el.get("font", "")]
            text = "".join(el.itertext())
            if not text.strip():
                continue
            bold = el.find(".//b") is not None or bool(re.search(r"bold|black|heavy", family, re.I))
            pieces.append(
                Line(
                    text=text,
                    left=float(el.get("left", "0")),
                    top=float(el.get("top", "0")),
                    width=float(el.get("width", "0")),
                    height=float(el.get("height", "0")),
                    size=size,
                    color=color,
                    family=family,
                    bold=bold,
                )
            )
        pages.append(
            Page(
                number=int(page_el.get("number", "0")),
                width=float(page_el.get("width", "0")),
                height=float(page_el.get("height", "0")),
                lines=_merge(pieces),
            )
        )
    return pages


def _merge(pieces: list[Line]) -> list[Line]:
    """Pieces on the same baseline band, left to right, become one line."""
    lines: list[Line] = []
    for piece in sorted(pieces, key=lambda p: (round(p.top / 3), p.left)):
        last = lines[-1] if lines else None
        if last is not None and abs(last.top - piece.top) < 4 and piece.left >= last.left:
            lines[-1] = Line(
                text=last.text + piece.text,
                left=last.left,
                top=min(last.top, piece.top),
                width=max(last.right, piece.right) - last.left,
                height=max(last.height, piece.height),
                size=max(last.size, piece.size),
                color=last.color,
                family=last.family,
                bold=last.bold and piece.bold,
            )
        else:
            lines.append(piece)
    return lines


def full_body_lines(pages: list[Page]) -> list[Line]:
    """Body lines that run the whole width of the text block: neither a paragraph's last line nor a
    heading. Their character count is the grid's characters per line."""
    return [
        line
        for page in pages
        for line in page.body_lines()
        if line.width >= TEXT_WIDTH * 0.93 and 14 <= line.size <= 17
    ]


def chars_per_full_line(pages: list[Page]) -> float:
    lines = full_body_lines(pages)
    assert lines, "no full body line"
    return statistics.median(line.chars for line in lines)


def body_only_pages(pages: list[Page]) -> list[Page]:
    """Pages holding nothing but running text in the body size: a full page of the grid (neither the first,
    with the masthead, nor the last, with the 版记)."""
    found = []
    for page in pages[1:-1]:
        lines = page.body_lines()
        if lines and all(15 <= line.size <= 17 and not line.bold for line in lines):
            found.append(page)
    return found


def lines_per_full_page(pages: list[Page]) -> list[int]:
    return [len(page.body_lines()) for page in body_only_pages(pages)]


def closing_block_line(pages: list[Page], marker: str = "共印") -> tuple[int, Line]:
    """The page number and line of the 版记's last line (共印×份)."""
    hits = [(page.number, line) for page in pages for line in page.lines if marker in line.text]
    assert len(hits) == 1, hits
    return hits[0]


def docx_to_pdf(docx: bytes, workdir: Path, name: str = "document") -> Path:
    """LibreOffice's rendering of a DOCX, as a PDF file."""
    source = workdir / f"{name}.docx"
    source.write_bytes(docx)
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(workdir),
                str(source),
            ],
            capture_output=True,
            check=True,
            timeout=180,
        )
    return workdir / f"{name}.pdf"


def assert_gb9704_layout(
    pages: list[Page], *, expected_pages: int, masthead: str | None, closing: str = "共印"
) -> None:
    """The figures the issue asks of every 刊物 and 通报 rendering: 27–28 characters per full body line, 22
    lines on every page of running text (when there is such a page), the page count, the 版记 in the lowest
    quarter of the last page, the masthead bold."""
    assert len(pages) == expected_pages, (len(pages), expected_pages)
    assert 27 <= chars_per_full_line(pages) <= 28, [line.text for line in full_body_lines(pages)][:5]
    full = lines_per_full_page(pages)
    assert all(count == 22 for count in full), full
    number, line = closing_block_line(pages, closing)
    assert number == len(pages)
    assert line.bottom > pages[-1].height * 0.75, line
    if masthead is not None:
        title = [line for line in pages[0].lines if line.text.replace(" ", "") == masthead]
        assert title and title[0].bold, [(line.text, line.family, line.bold) for line in pages[0].lines[:4]]
