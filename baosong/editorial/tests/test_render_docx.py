"""The DOCX renderer: GB/T 9704 page, 简报 layout, fonts Word and WPS read, and every piece of content."""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Length, Pt, RGBColor

from baosong.editorial.document import (
    DistributionLine,
    DocColumn,
    DocItem,
    IssueDocument,
    TemplateStyle,
)
from baosong.editorial.render_docx import render_issue_docx

SUMMARY_SOURCES = ["东湖区人民政府办公室", "西林县人民政府办公室"]


def sample_issue(**changes) -> IssueDocument:
    issue = IssueDocument(
        publication_name="临江政务信息",
        number_text="第12期（总第345期）",
        issuing_unit="临江市人民政府办公室",
        date=dt.date(2025, 3, 12),
        style=TemplateStyle(masthead_color="#C00000"),
        columns=[
            DocColumn(
                name="经验做法",
                items=[
                    DocItem(
                        title="东湖区“三个一”机制破解基层报送难题",
                        paragraphs=[
                            "今年以来，东湖区建立“一周一报、一月一评、一季一通报”机制，信息报送质量明显提升。",
                            "一是压实责任。各街道明确一名分管领导和一名信息员，专人专责。",
                        ],
                        sources=["东湖区人民政府办公室"],
                        editor_note="东湖区的做法值得各地借鉴，请结合实际抓好落实。",
                    ),
                    DocItem(
                        title="西林县推行“码上办”便民服务",
                        paragraphs=["西林县将126项高频事项纳入“码上办”，群众扫码即可办理。"],
                        sources=["西林县人民政府办公室"],
                    ),
                    DocItem(
                        title="各地扎实推进春耕备耕工作",
                        paragraphs=[
                            "东湖区组织农技人员深入田间地头开展技术指导。",
                            "西林县落实种子化肥储备，确保春耕物资供应充足。",
                        ],
                        sources=SUMMARY_SOURCES,
                    ),
                ],
            ),
            DocColumn(
                name="基层动态",
                items=[
                    DocItem(
                        title="南山镇开展安全生产大检查",
                        paragraphs=["南山镇出动检查组12个，排查整改隐患37处。"],
                        sources=["南山镇人民政府"],
                    ),
                    DocItem(
                        title="北湖街道建成15分钟便民生活圈",
                        paragraphs=["北湖街道新增便民服务网点20个，覆盖辖区全部社区。"],
                        sources=["北湖街道办事处"],
                    ),
                ],
            ),
        ],
        briefs=[
            DocItem(
                title="东湖区召开一季度经济运行分析会。",
                paragraphs=["会议分析了一季度主要经济指标完成情况，部署下一阶段重点工作。"],
                is_brief=True,
            ),
            DocItem(
                title="西林县举办政务信息业务培训班",
                paragraphs=["全县80余名信息员参加培训。"],
                is_brief=True,
            ),
        ],
        marking="内部资料",
        distribution=[
            DistributionLine(label="报", names=["省政府办公厅", "市委办公室"]),
            DistributionLine(label="送", names=["市人大常委会办公室", "市政协办公室"]),
            DistributionLine(label="发", names=["各区县人民政府", "市政府各部门"]),
        ],
        print_count=120,
    )
    return dataclasses.replace(issue, **changes)


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(BytesIO(data))


def all_text(document) -> str:
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def paragraph_with(document, text: str):
    return next(p for p in document.paragraphs if text in p.text)


def east_asian_font(run) -> str | None:
    rfonts = run._r.rPr.find(qn("w:rFonts"))
    return None if rfonts is None else rfonts.get(qn("w:eastAsia"))


@pytest.fixture(scope="module")
def rendered() -> bytes:
    return render_issue_docx(sample_issue())


def test_renderer_returns_a_docx_that_python_docx_reopens(rendered):
    assert rendered[:2] == b"PK"
    document = open_docx(rendered)
    assert len(document.paragraphs) > 10


def test_page_is_a4_with_gbt9704_margins_and_text_block(rendered):
    section = open_docx(rendered).sections[0]
    assert round(section.page_width.mm) == 210
    assert round(section.page_height.mm) == 297
    assert round(section.top_margin.mm) == 37
    assert round(section.bottom_margin.mm) == 35
    assert round(section.left_margin.mm) == 28
    assert round(section.right_margin.mm) == 26
    assert round(Length(section.page_width - section.left_margin - section.right_margin).mm) == 156
    assert round(Length(section.page_height - section.top_margin - section.bottom_margin).mm) == 225


def test_page_carries_a_22_line_grid_and_28_characters_by_spacing(rendered):
    document = open_docx(rendered)
    grid = document.sections[0]._sectPr.find(qn("w:docGrid"))
    # A line grid only: LibreOffice gives a 16 pt character two cells of a 15.8 pt character grid.
    assert grid.get(qn("w:type")) == "lines"
    assert grid.get(qn("w:linePitch")) == "579"
    assert grid.get(qn("w:charSpace")) is None
    spacing = document.styles["Normal"].element.rPr.find(qn("w:spacing"))
    assert spacing.get(qn("w:val")) == "-5"  # 28 × (16 − 0.25) pt = 441 pt ≤ 442.2 pt, 29 do not fit


def test_text_holds_masthead_number_date_unit_and_every_item(rendered):
    text = all_text(open_docx(rendered))
    issue = sample_issue()
    for expected in ["临江政务信息", "第12期（总第345期）", "2025年3月12日", "临江市人民政府办公室"]:
        assert expected in text
    for column in issue.columns:
        assert column.name in text
        for item in column.items:
            assert item.title in text
            for paragraph in item.paragraphs:
                assert paragraph in text
    assert "编者按：东湖区的做法值得各地借鉴" in text
    for brief in issue.briefs:
        assert brief.title in text
        assert brief.paragraphs[0] in text
    assert "简　讯" in text


def test_summary_item_credits_both_sources_on_one_right_aligned_line(rendered):
    document = open_docx(rendered)
    credit = paragraph_with(document, SUMMARY_SOURCES[0] + "　")
    assert SUMMARY_SOURCES[1] in credit.text
    assert credit.text.startswith("（") and credit.text.endswith("）")
    assert credit.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert all(east_asian_font(run) == "楷体_GB2312" for run in credit.runs)


def test_closing_block_lists_distribution_and_print_count(rendered):
    document = open_docx(rendered)
    text = all_text(document)
    assert "报：省政府办公厅，市委办公室。" in text
    assert "送：市人大常委会办公室，市政协办公室。" in text
    assert "发：各区县人民政府，市政府各部门。" in text
    assert "共印120份" in text
    table = document.tables[-1]
    count = table.rows[-1].cells[0].paragraphs[0]
    assert count.text == "共印120份"
    assert count.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert borders.find(qn("w:top")).get(qn("w:sz")) == "8"
    assert borders.find(qn("w:bottom")).get(qn("w:sz")) == "8"
    assert borders.find(qn("w:insideH")).get(qn("w:sz")) == "4"
    # Anchored to the foot of the text block.
    position = table._tbl.tblPr.find(qn("w:tblpPr"))
    assert position.get(qn("w:vertAnchor")) == "margin"
    assert position.get(qn("w:tblpYSpec")) == "bottom"


def test_closing_block_is_left_out_when_the_template_hides_it():
    style = TemplateStyle(show_closing_block=False)
    text = all_text(open_docx(render_issue_docx(sample_issue(style=style))))
    assert "共印" not in text
    assert "报：" not in text


def test_masthead_is_in_the_template_colour_and_font():
    style = TemplateStyle(masthead_color="#B01010", masthead_text="临江信息")
    document = open_docx(render_issue_docx(sample_issue(style=style)))
    masthead = paragraph_with(document, "临江信息")
    assert masthead.alignment == WD_ALIGN_PARAGRAPH.CENTER
    run = masthead.runs[0]
    assert run.font.color.rgb == RGBColor(0xB0, 0x10, 0x10)
    assert east_asian_font(run) == "方正小标宋简体"
    assert run.font.size == Pt(42)


def test_default_masthead_is_the_publication_name_in_red(rendered):
    masthead = paragraph_with(open_docx(rendered), "临江政务信息")
    assert masthead.runs[0].font.color.rgb == RGBColor(0xC0, 0x00, 0x00)


def test_unit_and_date_share_a_line_over_a_red_rule(rendered):
    document = open_docx(rendered)
    line = paragraph_with(document, "2025年3月12日")
    assert line.text == "　临江市人民政府办公室\t2025年3月12日"  # 居左空一字
    bottom = line._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert bottom.get(qn("w:color")) == "C00000"
    assert int(bottom.get(qn("w:sz"))) >= 12


def test_body_runs_name_fangsong_as_east_asian_font(rendered):
    document = open_docx(rendered)
    body = paragraph_with(document, "一是压实责任")
    assert east_asian_font(body.runs[0]) == "仿宋_GB2312"
    assert body.runs[0].font.size == Pt(16)
    normal = document.styles["Normal"]
    assert normal.element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert normal.font.size == Pt(16)


def test_body_paragraphs_use_exact_line_pitch_and_two_character_indent(rendered):
    body = paragraph_with(open_docx(rendered), "一是压实责任")
    fmt = body.paragraph_format
    assert fmt.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert fmt.line_spacing == Pt(28.95)
    assert fmt.first_line_indent == Pt(32)
    assert body.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY


def test_item_titles_and_editor_note_use_their_fonts(rendered):
    document = open_docx(rendered)
    title = paragraph_with(document, "西林县推行“码上办”便民服务")
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert east_asian_font(title.runs[0]) == "黑体"
    note = paragraph_with(document, "编者按：")
    assert note.text.startswith("编者按：")
    assert east_asian_font(note.runs[0]) == "黑体" and note.runs[0].bold  # as in the PDF
    assert all(east_asian_font(run) == "楷体_GB2312" for run in note.runs[1:])
    brief = paragraph_with(document, "西林县举办政务信息业务培训班")
    assert east_asian_font(brief.runs[0]) == "黑体"
    assert east_asian_font(brief.runs[1]) == "仿宋_GB2312"


def test_footers_hold_a_page_field_on_odd_and_even_pages(rendered):
    document = open_docx(rendered)
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, alignment in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        xml = footer._element.xml
        assert "PAGE" in xml and 'w:fldCharType="begin"' in xml and 'w:fldCharType="end"' in xml
        paragraph = footer.paragraphs[0]
        assert paragraph.text.startswith("— ") and paragraph.text.endswith(" —")
        assert paragraph.alignment == alignment
        assert east_asian_font(paragraph.runs[0]) == "宋体"
        assert paragraph.runs[0].font.size == Pt(14)


def test_marking_is_shown_top_left_when_set(rendered):
    first = open_docx(rendered).paragraphs[0]
    assert first.text == "内部资料"
    assert east_asian_font(first.runs[0]) == "黑体"


def test_issue_without_marking_has_no_marking_text():
    text = all_text(open_docx(render_issue_docx(sample_issue(marking=""))))
    assert "内部资料" not in text


def test_withdrawn_issue_says_so_and_a_live_one_does_not(rendered):
    assert "撤回" not in all_text(open_docx(rendered))
    document = open_docx(render_issue_docx(sample_issue(withdrawn=True)))
    notice = paragraph_with(document, "撤回")
    assert notice.text == "（本期已撤回）"
    assert notice.runs[0].font.color.rgb == RGBColor(0xC0, 0x00, 0x00)


def test_headline_is_a_centred_second_size_title():
    document = open_docx(render_issue_docx(sample_issue(headline="关于春耕生产情况的专报")))
    headline = paragraph_with(document, "关于春耕生产情况的专报")
    assert headline.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert headline.runs[0].font.size == Pt(22)
    assert east_asian_font(headline.runs[0]) == "方正小标宋简体"


def test_supplement_without_the_word_in_its_number_gets_a_supplement_line():
    style = TemplateStyle(variant="supplement")
    text = all_text(open_docx(render_issue_docx(sample_issue(style=style, number_text="第2期（总第7期）"))))
    assert "（增刊）" in text
    text = all_text(
        open_docx(render_issue_docx(sample_issue(style=style, number_text="增刊第2期（总第7期）")))
    )
    assert "（增刊）" not in text


def test_unsigned_issue_renders_without_a_date():
    document = open_docx(render_issue_docx(sample_issue(date=None, number_text="（待签发）")))
    assert "（待签发）" in all_text(document)
    assert paragraph_with(document, "临江市人民政府办公室").text == "　临江市人民政府办公室"


@pytest.mark.skipif(shutil.which("libreoffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_converts_the_issue_to_pdf(rendered, tmp_path: Path):
    source = tmp_path / "issue.docx"
    source.write_bytes(rendered)
    subprocess.run(
        ["libreoffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(source)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert (tmp_path / "issue.pdf").stat().st_size > 1000
