"""The 通报 DOCX as LibreOffice sets it, beside the product's PDF: same pages, 28-character body lines,
the 版记 at the foot of the last page, a bold masthead, and every unit's figures on its one table line."""

from __future__ import annotations

from pathlib import Path

import pytest

from baosong.core.tests import pdf_layout
from baosong.scoring.render import render_bulletin_docx, render_bulletin_pdf
from baosong.scoring.tests.test_render_bulletin import UNITS, sample_bulletin, unit_rows


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[pdf_layout.Page], list[pdf_layout.Page]]:
    workdir: Path = tmp_path_factory.mktemp("bulletin")
    doc = sample_bulletin()
    pdf = workdir / "product.pdf"
    pdf.write_bytes(render_bulletin_pdf(doc))
    converted = pdf_layout.docx_to_pdf(render_bulletin_docx(doc), workdir, "bulletin")
    return pdf_layout.read_pdf(pdf), pdf_layout.read_pdf(converted)


@pdf_layout.needs_poppler
def test_bulletin_pdf_and_docx_keep_the_gb9704_layout(rendered):
    product, converted = rendered
    for pages in (product, converted):
        pdf_layout.assert_gb9704_layout(
            pages, expected_pages=len(product), masthead="政务信息工作通报", closing="发："
        )


@pdf_layout.needs_poppler
def test_every_units_figures_stay_on_its_table_line(rendered):
    """A figure that wrapped inside its cell would leave the row's last figures off the unit's line."""
    for pages in rendered:
        lines = [line.text.replace(" ", "") for page in pages for line in page.lines]
        for unit, row in zip(UNITS, unit_rows(UNITS), strict=True):
            found = [text for text in lines if unit in text and text.startswith(row[0])]
            assert found, unit
            assert found[0].endswith(row[-3] + row[-2] + row[-1]), (found[0], row)
