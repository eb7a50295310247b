"""An issue's OFD (GB/T 33190), opened by readers that did not write it: ``ofdkit`` finds every title as text
on as many pages as the PDF has; the structure check finds each part where the standard puts it, fonts
embedded, and every ID reference resolved; the masthead is red, bold text stays bold."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
import tempfile

import pytest

from baosong.core.ofd import OFDError, pdf_to_ofd
from baosong.core.tests import ofd_reader
from baosong.demo.sample_issue import sample_document
from baosong.editorial.document import IssueDocument
from baosong.editorial.render_ofd import render_issue_ofd
from baosong.editorial.render_pdf import render_issue_pdf

needs_poppler = pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")


def pdf_pages(data: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def twenty_items() -> IssueDocument:
    """《临江政务信息》 with 20 items in two columns: 编者按 and 综合 items (two units credited), two 简讯."""
    doc = sample_document(20)
    items = [item for column in doc.columns for item in column.items]
    assert len(items) == 20 and doc.briefs
    assert any(item.editor_note for item in items) and any(len(item.sources) > 1 for item in items)
    return doc


@pytest.fixture(scope="module")
def rendered() -> tuple[IssueDocument, bytes, bytes]:
    doc = twenty_items()
    pdf = render_issue_pdf(doc)
    return doc, pdf, render_issue_ofd(doc, pdf=pdf)


@needs_poppler
def test_an_independent_reader_finds_every_title_as_text_on_as_many_pages_as_the_pdf(rendered):
    doc, pdf, ofd = rendered
    pages, texts = ofd_reader.ofdkit_text(ofd)
    assert pages == pdf_pages(pdf) > 1
    whole = "".join(texts).replace("\n", "").replace(" ", "").replace("\u3000", "")
    titles = [item.title for column in doc.columns for item in column.items] + [b.title for b in doc.briefs]
    assert len(titles) == 22
    for title in titles:
        assert title in whole, title
    heads = ["临江政务信息", "第12期（总第345期）", "临江市人民政府办公室", "2025年6月18日", "编者按", "简讯"]
    for text in heads:
        assert text in whole, text
    assert "共印120份" in texts[-1] and "— 1 —" in texts[0]


def test_the_package_is_where_the_standard_puts_each_part(rendered):
    _, _, ofd = rendered
    package = ofd_reader.read(ofd)  # well-formed XML, namespaces, every ID and reference resolved
    assert package.info["Title"] == "临江政务信息第12期（总第345期）"
    assert package.info["CreationDate"] == "2025-06-18"
    assert package.page_box == (0, 0, 210, 297)
    # Fonts are embedded: every Font used has its program, and each holds the characters it shows.
    used = {t.font for t in package.texts}
    assert used and used <= set(package.font_programs)
    families = {package.fonts[f].get("FamilyName") for f in used}
    assert {"Noto Serif CJK SC", "Noto Sans CJK SC"} <= families


def test_the_masthead_is_large_red_and_bold_and_the_rule_under_it_is_red(rendered):
    _, _, ofd = rendered
    package = ofd_reader.read(ofd)
    masthead = next(t for t in package.texts if t.page == 1 and t.text == "临江政务信息")
    assert masthead.fill == "192 0 0" and masthead.weight >= 700
    assert masthead.size == pytest.approx(42 * 25.4 / 72, abs=0.01)  # 42 pt in mm
    left, _, width, _ = masthead.boundary
    assert left >= 28 and left + width <= 184 + 1  # inside the 156 mm text block
    body = next(t for t in package.texts if t.page == 1 and t.text.startswith("今年以来"))
    assert body.size == pytest.approx(16 * 25.4 / 72, abs=0.01) and body.fill == "0 0 0"  # 3号
    red_rules = [p for p in package.paths if p.page == 1 and p.fill == "192 0 0"]
    assert red_rules, "no red rule on page 1"
    rule = red_rules[0].boundary
    assert rule[0] == pytest.approx(28, abs=0.1) and rule[2] == pytest.approx(156, abs=0.1)
    assert masthead.boundary[1] < rule[1] < body.boundary[1]
    # The 版记 rules on the last page are black.
    assert any(p.fill == "0 0 0" for p in package.paths if p.page == package.pages)


def test_a_withdrawn_issue_carries_its_faint_diagonal_mark(rendered):
    doc, _, _ = rendered
    first = dataclasses.replace(doc.columns[0], items=doc.columns[0].items[:1])
    one = dataclasses.replace(doc, columns=[first])
    package = ofd_reader.read(render_issue_ofd(dataclasses.replace(one, withdrawn=True)))
    marks = [t for t in package.texts if t.text == "已撤回"]
    assert marks and all(m.ctm and m.alpha < 128 for m in marks)
    assert "本期已撤回" in package.page_text(1)


def test_the_same_pdf_gives_the_same_bytes(rendered):
    _, pdf, ofd = rendered
    doc = twenty_items()
    assert render_issue_ofd(doc, pdf=pdf) == ofd


def test_what_is_not_a_pdf_is_refused_with_a_reason():
    with pytest.raises(OFDError, match="PDF"):
        pdf_to_ofd(b"<html>not a pdf</html>")
