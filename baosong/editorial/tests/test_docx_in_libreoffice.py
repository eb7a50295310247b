"""The issue DOCX as LibreOffice sets it (the suite of 信创 desktops and the closest stand-in for WPS here),
without the 方正/GB2312 fonts it names: the grid, the page count and the 版记 hold all the same.

LibreOffice converts the DOCX to PDF and poppler reads the pages back; the product's own PDF of the same
issue is held to the same figures.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import random
from pathlib import Path

import pytest

from baosong.core.tests import pdf_layout
from baosong.editorial.document import DistributionLine, DocColumn, DocItem, IssueDocument, TemplateStyle
from baosong.editorial.render_docx import render_issue_docx
from baosong.editorial.render_pdf import render_issue_pdf

SENTENCES = [
    "今年以来，我市坚持以人民为中心的发展思想，聚焦群众急难愁盼问题，扎实推进各项民生实事。",
    "各地各部门压实工作责任，细化工作措施，建立健全定期调度、跟踪问效、督查通报工作机制。",
    "下一步，将持续巩固拓展工作成效，推动政策措施落地见效，切实增强人民群众获得感幸福感安全感。",
    "全市共排查整改各类隐患问题一千余处，建成便民服务站点两百余个，群众满意度明显提升。",
]


def prose(chars: int, start: int = 0) -> str:
    text = "".join(SENTENCES[start:] + SENTENCES[:start]) * (chars // 150 + 2)
    return text[: chars - 1] + "。"


def twenty_item_issue() -> IssueDocument:
    """Three columns of six items and two 简讯: one item with an 编者按, one 综合 item crediting two units,
    one long item that fills whole pages, titles of one and two lines."""
    columns = []
    for c, name in enumerate(["工作动态", "基层经验", "综合信息"]):
        items = []
        for i in range(6):
            n = c * 6 + i
            long_title = n % 3 == 0
            items.append(
                DocItem(
                    title=(
                        f"第{n + 1}条：东湖区“三个一”机制推动政务服务“高效办成一件事”"
                        if long_title
                        else f"我市多措并举抓好夏季防汛备汛工作（{n + 1}）"
                    ),
                    paragraphs=(
                        [prose(700, 1), prose(800, 2)]
                        if n == 12
                        else [prose(150 + 37 * (n % 5), n % 4), prose(90 + 23 * (n % 3), (n + 1) % 4)]
                    ),
                    sources=(
                        ["东湖区人民政府办公室", "西林县人民政府办公室"]
                        if n == 4
                        else ["东湖区人民政府办公室"]
                    ),
                    editor_note=(
                        "东湖区、西林县坚持规划引领、龙头带动，特色产业发展成效明显，现予刊发，供各地学习借鉴。"
                        if n == 1
                        else ""
                    ),
                )
            )
        columns.append(DocColumn(name, items))
    return IssueDocument(
        publication_name="临江政务信息",
        number_text="第12期（总第345期）",
        issuing_unit="临江市人民政府办公室",
        date=dt.date(2025, 6, 18),
        style=TemplateStyle(),
        columns=columns,
        briefs=[
            DocItem("市政府召开第15次常务会议", [prose(70)], is_brief=True),
            DocItem("我市开展安全生产月宣传咨询日活动", [prose(60, 2)], is_brief=True),
        ],
        marking="内部资料",
        distribution=[
            DistributionLine("报", ["省政府办公厅", "市委常委"]),
            DistributionLine("送", ["市委办公室", "市人大常委会办公室"]),
            DistributionLine("发", ["各县（市、区）人民政府", "市政府各部门"]),
        ],
        print_count=120,
    )


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[pdf_layout.Page], list[pdf_layout.Page]]:
    """(the product's PDF, LibreOffice's rendering of the DOCX), both as poppler reads them."""
    workdir = tmp_path_factory.mktemp("issue")
    doc = twenty_item_issue()
    pdf = workdir / "product.pdf"
    pdf.write_bytes(render_issue_pdf(doc))
    converted = pdf_layout.docx_to_pdf(render_issue_docx(doc), workdir, "issue")
    return pdf_layout.read_pdf(pdf), pdf_layout.read_pdf(converted)


@pdf_layout.needs_poppler
def test_product_pdf_keeps_the_gb9704_layout(rendered):
    product, _ = rendered
    pdf_layout.assert_gb9704_layout(product, expected_pages=len(product), masthead="临江政务信息")
    assert len(product) >= 10
    assert pdf_layout.lines_per_full_page(product)  # the long item fills whole pages


@pdf_layout.needs_poppler
def test_docx_in_libreoffice_keeps_grid_pages_and_closing_block(rendered):
    product, converted = rendered
    pdf_layout.assert_gb9704_layout(converted, expected_pages=len(product), masthead="临江政务信息")


@pdf_layout.needs_poppler
def test_docx_in_libreoffice_sets_punctuation_inside_the_margin(rendered):
    """禁则: no line starts with a comma or full stop, and no punctuation is lost at a line's end."""
    _, converted = rendered
    lines = [line for page in converted for line in page.body_lines()]
    assert not [line.text for line in lines if line.text.strip()[:1] in "，。、；：！？）”"]
    text = "".join(line.text for line in lines).replace(" ", "")
    for sentence in SENTENCES:
        assert sentence in text
    right_edge = pdf_layout.TEXT_LEFT + pdf_layout.TEXT_WIDTH
    assert all(line.right <= right_edge + 1 for line in lines), max(line.right for line in lines)


@pdf_layout.needs_poppler
def test_titles_are_bold_and_centred_in_libreoffice(rendered):
    _, converted = rendered
    centre = pdf_layout.TEXT_LEFT + pdf_layout.TEXT_WIDTH / 2
    titles = [
        line for page in converted for line in page.lines if line.text.startswith("我市多措并举抓好夏季防汛")
    ]
    assert len(titles) == 12
    for line in titles:
        assert line.bold
        assert abs((line.left + line.right) / 2 - centre) < 6, line


# ------------------------------------------------------------------------------------- the 审核表


@pdf_layout.needs_poppler
def test_review_sheet_docx_in_libreoffice_matches_the_pdf(tmp_path: Path):
    from baosong.editorial.render_pdf import render_review_sheet_pdf
    from baosong.editorial.render_sheet_docx import render_review_sheet_docx
    from baosong.editorial.tests.test_render_pdf import review_sheet

    sheet = review_sheet()
    product = tmp_path / "sheet.pdf"
    product.write_bytes(render_review_sheet_pdf(sheet))
    converted = pdf_layout.read_pdf(
        pdf_layout.docx_to_pdf(render_review_sheet_docx(sheet), tmp_path, "sheet")
    )
    assert len(converted) == len(pdf_layout.read_pdf(product))
    title = [line for line in converted[0].lines if line.text.replace(" ", "") == "政务信息报送审核表"]
    assert title and title[0].bold
    text = "".join(page.text() for page in converted).replace(" ", "")
    for expected in [
        sheet.title,
        sheet.unit,
        sheet.author_phone,
        "依申请公开",
        "2025-06-0909:12",
        "审核流转记录",
    ]:
        assert expected in text
    for step in sheet.steps:
        assert step.label.replace(" ", "") in text and step.opinion in text
    assert sheet.paragraphs[0][:40] in text
    assert "第1页共1页" in text.replace("　", "")
    lines = [line.text.replace(" ", "") for page in converted for line in page.lines]
    assert any(line.endswith("2025-06-0909:30请审核。") or "2025-06-0909:30" in line for line in lines), lines


# ------------------------------------------------------------------------------------- varied issues

FIGURES = "全市共排查整改各类隐患问题1000余处，建成便民服务站点200余个，群众满意度达到98.5%。"


def varied_issue(seed: int) -> IssueDocument:
    """An issue of random shape: one to three columns of two to eight items, paragraphs of 60–600
    characters with figures, some 编者按 and source lines, zero to two 简讯."""
    rng = random.Random(seed)
    sentences = [*SENTENCES[:3], FIGURES]
    columns = []
    for c in range(rng.randint(1, 3)):
        items = []
        for _ in range(rng.randint(2, 8)):
            start = rng.randint(0, 3)
            text = "".join(sentences[start:] + sentences[:start]) * 5
            items.append(
                DocItem(
                    title=f"第{rng.randint(1, 99)}条"
                    + "东湖区“三个一”机制推动政务服务高效办成一件事"[: rng.randint(8, 28)],
                    paragraphs=[text[: rng.randint(60, 600)] + "。" for _ in range(rng.randint(1, 3))],
                    sources=["东湖区人民政府办公室"] * rng.randint(0, 1),
                    editor_note="供各地学习借鉴。" * rng.randint(0, 3),
                )
            )
        columns.append(DocColumn(f"栏目{c + 1}", items))
    base = twenty_item_issue()
    return dataclasses.replace(base, columns=columns, briefs=base.briefs[: rng.randint(0, 2)])


@pdf_layout.needs_poppler
@pytest.mark.parametrize("seed", [1, 3, 12])
def test_varied_issues_take_the_pdfs_pages_in_libreoffice(tmp_path: Path, seed: int):
    doc = varied_issue(seed)
    product = tmp_path / "product.pdf"
    product.write_bytes(render_issue_pdf(doc))
    pages = pdf_layout.read_pdf(product)
    converted = pdf_layout.read_pdf(pdf_layout.docx_to_pdf(render_issue_docx(doc), tmp_path, "issue"))
    assert len(converted) == len(pages)
    for reading in (pages, converted):
        number, line = pdf_layout.closing_block_line(reading)
        assert number == len(reading) and line.bottom > reading[-1].height * 0.75
