"""The 通报 DOCX as LibreOffice sets it, beside the product's PDF: same pages, 28-character body lines,
the 版记 at the foot of the last page, a bold masthead, and every unit's figures on its one table line."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from baosong.core.tests import pdf_layout
from baosong.scoring.document import BulletinDocument
from baosong.scoring.render import render_bulletin_docx, render_bulletin_pdf
from baosong.scoring.tests.test_render_bulletin import UNITS, sample_bulletin, unit_rows

CITIES = [
    "临江",
    "东湖",
    "西林",
    "南岭",
    "北塘",
    "江口",
    "白沙",
    "石门",
    "凤凰",
    "湖滨",
    "高新",
    "经开",
    "临川",
    "南溪",
]
DEPARTMENTS = [
    "发展和改革委员会",
    "教育厅",
    "科学技术厅",
    "工业和信息化厅",
    "公安厅",
    "民政厅",
    "司法厅",
    "财政厅",
    "人力资源和社会保障厅",
    "自然资源厅",
    "生态环境厅",
    "住房和城乡建设厅",
    "交通运输厅",
    "水利厅",
    "农业农村厅",
    "商务厅",
    "文化和旅游厅",
    "卫生健康委员会",
    "退役军人事务厅",
    "应急管理厅",
    "审计厅",
    "市场监督管理局",
    "统计局",
    "医疗保障局",
    "林业局",
    "粮食和物资储备局",
    "能源局",
    "地方金融管理局",
    "政务服务管理局",
    "大数据局",
    "体育局",
    "信访局",
    "机关事务管理局",
]
PROVINCE_UNITS = [f"{c}市人民政府办公室" for c in CITIES] + [f"省{d}" for d in DEPARTMENTS]


def province_bulletin() -> BulletinDocument:
    """A province's 通报: 14 cities and 33 departments, a ranking table over several pages."""
    doc = sample_bulletin()
    figures = unit_rows(UNITS)
    rows = [[str(i + 1), unit, *figures[i % len(figures)][2:]] for i, unit in enumerate(PROVINCE_UNITS)]
    ranking = dataclasses.replace(doc.tables[0], rows=rows)
    return dataclasses.replace(doc, tables=[ranking, *doc.tables[1:]], issuing_unit="某省人民政府办公厅")


@pytest.fixture(scope="module", params=["city", "province"])
def rendered(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> tuple[list[pdf_layout.Page], list[pdf_layout.Page]]:
    workdir: Path = tmp_path_factory.mktemp("bulletin")
    doc = sample_bulletin() if request.param == "city" else province_bulletin()
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
        matched = 0
        for unit in UNITS + PROVINCE_UNITS:
            found = [text for text in lines if re.match(r"\d+" + re.escape(unit), text)]
            if not found:
                continue  # the other rendering's units
            matched += 1
            row = next(r for r in unit_rows(UNITS) if r[1] == unit) if unit in UNITS else None
            tail = (row[-3] + row[-2] + row[-1]) if row else None
            assert tail is None or found[0].endswith(tail), (found[0], row)
            assert re.search(r"\d$", found[0]), found[0]  # the row's last figure on the unit's line
        assert matched in (len(UNITS), len(PROVINCE_UNITS)), matched  # every ranked unit has its line
