"""The 通报 as DOCX and PDF: the issue's official layout, ranked tables that keep their order and fit the
text block, the 版记 at the foot, and the draft marking."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Length

from baosong.scoring.document import BulletinDocument, BulletinTable
from baosong.scoring.render import bulletin_html, render_bulletin_docx, render_bulletin_pdf, table_layout

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

UNITS = [
    "东湖区人民政府办公室",
    "西林县人民政府办公室",
    "市发展和改革委员会",
    "临川县人民政府办公室",
    "南岭区人民政府办公室",
    "市应急管理局",
    "北塘区人民政府办公室",
    "江口县人民政府办公室",
    "市卫生健康委员会",
    "高新区管委会办公室",
    "白沙县人民政府办公室",
    "市农业农村局",
    "石门县人民政府办公室",
    "市住房和城乡建设局",
    "经开区管委会办公室",
    "市教育局",
    "湖滨区人民政府办公室",
    "市生态环境局",
    "市交通运输局",
    "凤凰县人民政府办公室",
    "市自然资源局",
    "市市场监管局",
    "市公安局",
    "市商务局",
    "市民政局",
]
HEADERS = [
    "排名",
    "单位",
    "报送",
    "国家级采用",
    "省级采用",
    "市级采用",
    "县级采用",
    "采用率",
    "批示",
    "按时率",
    "约稿响应",
    "任务完成",
    "扣分",
    "积分",
]


def unit_rows(units: list[str]) -> list[list[str]]:
    rows = []
    for i, unit in enumerate(units):
        sent = 64 - 2 * i + (i % 4)
        national, provincial = max(0, 2 - i // 5), max(0, 9 - i // 3)
        city, county = max(1, 21 - i // 2), i % 3
        adopted = national + provincial + city + county
        on_time = 100.0 if i % 5 else 100.0 - (i % 7) * 2.4
        rows.append(
            [
                str(i + 1),
                unit,
                str(sent),
                str(national),
                str(provincial),
                str(city),
                str(county),
                f"{adopted / sent * 100:.1f}%",
                str(max(0, 3 - i // 8)),
                f"{on_time:.1f}%",
                f"{max(1, 5 - i // 6)}/5",
                "100%" if i < 18 else "80%",
                "0" if i % 6 else "2.0",
                f"{192.5 - 5.5 * i:.1f}",
            ]
        )
    return rows


def sample_bulletin(**changes: object) -> BulletinDocument:
    doc = BulletinDocument(
        masthead="政务信息工作通报",
        number_text="2026年第5期",
        issuing_unit="临江市人民政府办公室",
        date=dt.date(2026, 6, 8),
        title="关于2026年5月全市政务信息工作情况的通报",
        intro=[
            "5月份，全市各地各部门紧扣市委、市政府中心工作，围绕防汛备汛、安全生产、项目建设等重点任务，"
            "及时报送工作动态和经验做法，政务信息工作整体保持良好态势。现将有关情况通报如下。",
            "全月共报送政务信息1,126条，较上月增长8.6%；被国家级采用12条、省级采用97条、市级采用308条，"
            "采用率37.0%；获市领导批示26条次。约稿按时响应率96.4%，15个单位完成月度报送任务。",
        ],
        tables=[
            BulletinTable(
                title="各地区各部门政务信息工作情况（按积分排序）",
                headers=HEADERS,
                rows=unit_rows(UNITS),
                note="积分相同的，按采用率排序；国家级、省级采用含转报采用，批示以市级以上领导签批件为准。",
            ),
            BulletinTable(
                title="优秀信息员（前10名）",
                headers=["排名", "姓名", "单位", "采用", "批示", "积分"],
                rows=[
                    [
                        str(i + 1),
                        name,
                        UNITS[i * 2],
                        str(19 - i),
                        str(max(0, 3 - i // 3)),
                        f"{58 - 3.5 * i:.1f}",
                    ]
                    for i, name in enumerate(
                        [
                            "王晓燕",
                            "刘建国",
                            "陈思远",
                            "赵敏",
                            "孙丽华",
                            "周海波",
                            "吴婷",
                            "郑伟",
                            "冯雪梅",
                            "何志强",
                        ]
                    )
                ],
            ),
        ],
        highlights=[
            "东湖区围绕“高效办成一件事”连续报送3篇经验材料，其中1篇被国务院办公厅采用；市应急管理局"
            "汛期信息报送及时准确，2条信息获市领导批示。",
            "个别单位报送数量不足、时效性不强，市民政局、市商务局连续两个月未完成报送任务，请认真分析原因，"
            "切实加以改进。",
        ],
        remarks=["请各地各部门对照通报查找差距，进一步加强信息队伍建设，提高信息报送的质量和时效。"],
        distribution=[
            ("报", ["市政府领导"]),
            ("送", ["市委办公室", "市人大常委会办公室", "市政协办公室"]),
            ("发", ["各县（市、区）人民政府", "市政府各部门"]),
        ],
    )
    return dataclasses.replace(doc, **changes)  # type: ignore[arg-type]


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def page_count(path: Path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M)[1])


def page_text(path: Path, page: int, *args: str) -> str:
    return pdftotext(path, "-f", str(page), "-l", str(page), *args)


def ranked_units(text: str, units: list[str]) -> list[str]:
    """The unit names in the order the ranking's rows show them (a row line starts with its rank)."""
    found = []
    for line in text.splitlines():
        match = re.match(r"\s*\d+\s+(\S+)", line)
        if match and match[1] in units:
            found.append(match[1])
    return found


@pytest.fixture(scope="module")
def docx_bytes() -> bytes:
    return render_bulletin_docx(sample_bulletin())


@pytest.fixture(scope="module")
def bulletin_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("bulletin") / "bulletin.pdf"
    path.write_bytes(render_bulletin_pdf(sample_bulletin()))
    return path


def open_docx(data: bytes) -> docx.document.Document:
    return docx.Document(BytesIO(data))


def docx_text(document: docx.document.Document) -> str:
    parts = [p.text for p in document.paragraphs]
    for section in document.sections:
        for part in (section.header, section.even_page_header, section.first_page_header):
            parts += [p.text for p in part.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


# ------------------------------------------------------------------------------------------------- DOCX


def test_docx_opens_with_an_a4_page_and_gbt9704_margins(docx_bytes: bytes) -> None:
    assert docx_bytes[:2] == b"PK"
    section = open_docx(docx_bytes).sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert round(section.top_margin.mm) == 37 and round(section.bottom_margin.mm) == 35
    assert round(section.left_margin.mm) == 28 and round(section.right_margin.mm) == 26
    assert round(Length(section.page_width - section.left_margin - section.right_margin).mm) == 156
    assert round(Length(section.page_height - section.top_margin - section.bottom_margin).mm) == 225


def test_docx_holds_masthead_title_number_intro_highlights_remarks_and_closing_block(
    docx_bytes: bytes,
) -> None:
    doc = sample_bulletin()
    document = open_docx(docx_bytes)
    text = docx_text(document)
    for expected in [
        "政务信息工作通报",
        "2026年第5期",
        "临江市人民政府办公室",
        "2026年6月8日",
        *doc.intro,
        "各地区各部门政务信息工作情况（按积分排序）",
        "注：积分相同的，按采用率排序",
        "优秀信息员（前10名）",
        "工作亮点与问题",
        *doc.highlights,
        "有关说明",
        *doc.remarks,
        "报：市政府领导。",
        "送：市委办公室，市人大常委会办公室，市政协办公室。",
        "发：各县（市、区）人民政府，市政府各部门。",
    ]:
        assert expected in text, expected
    # The title is one centred 2号 paragraph, broken into balanced lines.
    title = next(p for p in document.paragraphs if p.text.startswith("关于2026年5月"))
    assert title.text.replace("\n", "") == doc.title
    assert {run.font.size.pt for run in title.runs} == {22.0}
    masthead = next(p for p in document.paragraphs if p.text == "政务信息工作通报")
    assert masthead.runs[0].font.size.pt == 36
    assert masthead.runs[0].font.color.rgb == docx.shared.RGBColor(0xC0, 0x00, 0x00)
    # The 版记 is the issues' bottom-anchored table, after the content.
    closing = document.tables[-1]
    assert closing.rows[0].cells[0].text == "报：市政府领导。"
    position = closing._tbl.tblPr.find(qn("w:tblpPr"))
    assert position.get(qn("w:tblpYSpec")) == "bottom"


def test_docx_tables_keep_the_rows_in_ranking_order(docx_bytes: bytes) -> None:
    document = open_docx(docx_bytes)
    ranking, informants = document.tables[0], document.tables[1]
    assert [cell.text for cell in ranking.rows[0].cells] == HEADERS
    assert [row.cells[1].text for row in ranking.rows[1:]] == UNITS
    assert [row.cells[0].text for row in ranking.rows[1:]] == [str(i) for i in range(1, 26)]
    assert [cell.text for cell in informants.rows[0].cells] == [
        "排名",
        "姓名",
        "单位",
        "采用",
        "批示",
        "积分",
    ]
    assert [row.cells[1].text for row in informants.rows[1:4]] == ["王晓燕", "刘建国", "陈思远"]


def test_docx_header_rows_repeat_and_rows_never_split(docx_bytes: bytes) -> None:
    document = open_docx(docx_bytes)
    for table in document.tables[:2]:
        rows = table._tbl.tr_lst
        assert rows[0].trPr.find(qn("w:tblHeader")) is not None
        assert all(row.trPr.find(qn("w:tblHeader")) is None for row in rows[1:])
        assert all(row.trPr.find(qn("w:cantSplit")) is not None for row in rows)
        # Fixed columns across exactly the 156 mm text block.
        widths = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(widths) == round(156 / 25.4 * 1440)
        assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"


def test_docx_table_text_is_small_fangsong_with_heiti_header(docx_bytes: bytes) -> None:
    table = open_docx(docx_bytes).tables[0]
    header_run = table.rows[0].cells[1].paragraphs[0].runs[0]
    body_run = table.rows[1].cells[1].paragraphs[0].runs[0]
    east_asian = qn("w:eastAsia")
    assert header_run._r.rPr.rFonts.get(east_asian) == "黑体"
    assert body_run._r.rPr.rFonts.get(east_asian) == "仿宋_GB2312"
    assert 10 <= body_run.font.size.pt <= 12
    shading = table.rows[0].cells[0]._tc.tcPr.find(qn("w:shd"))
    assert shading is not None and shading.get(qn("w:fill")) == "E7E6E6"


def test_docx_draft_is_marked_and_a_released_bulletin_is_not(docx_bytes: bytes) -> None:
    assert "未发布稿" not in docx_text(open_docx(docx_bytes))
    draft = open_docx(render_bulletin_docx(sample_bulletin(draft=True, number_text="")))
    assert draft.paragraphs[0].text == "未发布稿"
    section = draft.sections[0]
    # Later pages carry it in their header; the first page keeps its page number.
    assert section.header.paragraphs[0].text == "未发布稿"
    assert section.even_page_header.paragraphs[0].text == "未发布稿"
    assert section.different_first_page_header_footer
    assert all(not p.text for p in section.first_page_header.paragraphs)
    assert section.first_page_footer._element.xpath(".//w:instrText[contains(., 'PAGE')]")


# ------------------------------------------------------------------------------------------- layout


def test_fourteen_columns_fit_the_text_block_at_a_readable_size() -> None:
    layout = table_layout(sample_bulletin().tables[0])
    assert abs(sum(layout.widths_pt) - 156 / 25.4 * 72) < 0.01
    assert 10 <= layout.size_pt <= 12
    assert layout.widths_pt[1] == max(layout.widths_pt)  # the unit's name gets the widest column
    assert layout.numeric == [True, False] + [True] * 12


def test_a_short_table_is_set_larger() -> None:
    layout = table_layout(sample_bulletin().tables[1])
    assert layout.size_pt == 12
    assert layout.numeric == [True, False, False, True, True, True]


# --------------------------------------------------------------------------------------------- HTML


def test_html_escapes_markup_in_unit_names_and_text() -> None:
    script = "<script>alert(1)</script>"
    rows = unit_rows([f"东湖区{script}", *UNITS[1:]])
    doc = sample_bulletin(
        tables=[BulletinTable(title=f"表{script}", headers=HEADERS, rows=rows, note=script)],
        title=f"标题{script}",
        highlights=[script],
        distribution=[("报", [f"机关{script}"])],
    )
    html = bulletin_html(doc)
    assert "<script" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 5


def test_html_marks_a_draft_only() -> None:
    assert "未发布稿" not in bulletin_html(sample_bulletin())
    html = bulletin_html(sample_bulletin(draft=True))
    assert 'class="draft-marking"' in html and 'class="draft-mark"' in html


def test_html_is_self_contained() -> None:
    html = bulletin_html(sample_bulletin())
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert not re.search(r"https?://|<link|<script|src=", html)
    assert "size: A4" in html and "margin: 37mm 26mm 35mm 28mm" in html


# ---------------------------------------------------------------------------------------------- PDF


def test_pdf_is_a4(bulletin_pdf: Path) -> None:
    assert bulletin_pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils not installed")
    out = subprocess.run(["pdfinfo", str(bulletin_pdf)], capture_output=True, text=True, check=True).stdout
    width, height = map(float, re.findall(r"Page size:\s+([\d.]+) x ([\d.]+)", out)[0])
    assert abs(width - 595) <= 1 and abs(height - 842) <= 1


@needs_poppler
def test_pdf_holds_masthead_title_and_every_unit_in_ranking_order(bulletin_pdf: Path) -> None:
    layout = pdftotext(bulletin_pdf, "-layout")
    text = squeeze(layout)
    for expected in ["政务信息工作通报", "2026年第5期", "临江市人民政府办公室", "2026年6月8日"]:
        assert expected in text
    assert squeeze(sample_bulletin().title) in text
    assert "工作亮点与问题" in text and "有关说明" in text
    # Each name sits whole on its row's line: the 14 columns fit without wrapping a name.
    assert ranked_units(layout, UNITS)[: len(UNITS)] == UNITS


@needs_poppler
def test_pdf_pages_are_numbered_like_issues(bulletin_pdf: Path) -> None:
    pages = page_count(bulletin_pdf)
    for page in range(1, pages + 1):
        assert f"—{page}—" in squeeze(page_text(bulletin_pdf, page))


@needs_poppler
def test_pdf_ranking_takes_two_to_three_pages_and_repeats_its_header(bulletin_pdf: Path) -> None:
    assert 2 <= page_count(bulletin_pdf) <= 4
    pages_with_rows = [
        page
        for page in range(1, page_count(bulletin_pdf) + 1)
        if ranked_units(page_text(bulletin_pdf, page, "-layout"), UNITS)
    ]
    assert pages_with_rows[0] == 1  # the ranking starts under the intro
    assert 2 <= len(pages_with_rows) <= 3
    for page in pages_with_rows[1:]:
        # The header row opens the continued table, above its first row.
        text = squeeze(page_text(bulletin_pdf, page, "-layout"))
        first_row = min(text.find(unit) for unit in UNITS if unit in text)
        assert "单位" in text[:first_row] and "积分" in text[:first_row]


@needs_poppler
def test_pdf_closing_block_is_at_the_foot_of_the_last_page(bulletin_pdf: Path) -> None:
    pages = page_count(bulletin_pdf)
    for page in range(1, pages):
        assert "报：市政府领导" not in squeeze(page_text(bulletin_pdf, page))
    bbox = page_text(bulletin_pdf, pages, "-bbox")
    last = re.search(r'yMax="([\d.]+)">[^<]*部门。<', bbox)
    assert last and 842 - 99 - 30 < float(last[1]) <= 842 - 99 + 2


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_pdf_fonts_are_embedded(bulletin_pdf: Path) -> None:
    out = subprocess.run(["pdffonts", str(bulletin_pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    assert any("Noto-Sans-CJK-SC-Bold" in row for row in rows)  # 黑体 headings and table header
    assert any("AR-PL-UKai" in row for row in rows)  # 楷体 notes and remarks
    for row in rows:
        assert row.split()[-5] == "yes", row


@needs_poppler
def test_pdf_marks_a_draft_and_not_a_released_bulletin(bulletin_pdf: Path, tmp_path: Path) -> None:
    assert "未发布稿" not in squeeze(pdftotext(bulletin_pdf))
    draft = tmp_path / "draft.pdf"
    draft.write_bytes(render_bulletin_pdf(sample_bulletin(draft=True, number_text="")))
    assert squeeze(page_text(draft, 1, "-layout")).startswith("未发布稿")  # boxed, top left
    for page in range(1, page_count(draft) + 1):
        # The diagonal mark: four large characters, each a word of its own, rising from left to right.
        words = re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.)</word>',
            page_text(draft, page, "-bbox"),
        )
        large = {ch: (float(x), float(y)) for x, y, y_max, ch in words if float(y_max) - float(y) > 40}
        assert set(large) == set("未发布稿"), page
        xs, ys = zip(*(large[ch] for ch in "未发布稿"), strict=True)
        assert list(xs) == sorted(xs) and list(ys) == sorted(ys, reverse=True)


def test_a_bare_draft_without_tables_or_distribution_still_renders() -> None:
    bare = BulletinDocument(
        masthead="政务信息工作通报",
        number_text="",
        issuing_unit="临江市人民政府办公室",
        date=None,
        title="关于2026年5月全市政务信息工作情况的通报",
        intro=["本月暂无数据。"],
        tables=[BulletinTable(title="各地区政务信息工作情况", headers=HEADERS, rows=[])],
        draft=True,
    )
    document = open_docx(render_bulletin_docx(bare))
    assert len(document.tables) == 1 and len(document.tables[0].rows) == 1
    html = bulletin_html(bare)
    assert "本月暂无数据。" in html and 'class="closing"' not in html
    assert render_bulletin_pdf(bare).startswith(b"%PDF")


def test_a_numbered_table_title_is_set_as_a_heading_and_a_plain_one_as_a_caption() -> None:
    doc = sample_bulletin()
    numbered = dataclasses.replace(doc.tables[0], title="一、2026年5月各单位政务信息工作情况")
    doc = dataclasses.replace(doc, tables=[numbered, doc.tables[1]])
    html = bulletin_html(doc)
    assert '<h3 class="section-heading">一、2026年5月各单位政务信息工作情况</h3>' in html
    assert '<h3 class="table-title">优秀信息员（前10名）</h3>' in html
    paragraphs = open_docx(render_bulletin_docx(doc)).paragraphs
    heading = next(p for p in paragraphs if p.text.startswith("一、"))
    caption = next(p for p in paragraphs if p.text == "优秀信息员（前10名）")
    assert (
        heading.alignment == WD_ALIGN_PARAGRAPH.LEFT and heading.paragraph_format.first_line_indent.pt == 32
    )
    assert caption.alignment == WD_ALIGN_PARAGRAPH.CENTER


def test_sections_after_numbered_tables_continue_the_numbering() -> None:
    from baosong.scoring.render import section_headings

    tables = sample_bulletin().tables
    numbered = dataclasses.replace(
        sample_bulletin(),
        tables=[dataclasses.replace(t, title=f"{n}、{t.title}") for n, t in zip("一二", tables, strict=True)],
    )
    assert section_headings(numbered) == ("三、工作亮点与问题", "四、有关说明")
    assert section_headings(dataclasses.replace(numbered, highlights=[])) == (
        "工作亮点与问题",
        "三、有关说明",
    )
    assert section_headings(sample_bulletin()) == ("工作亮点与问题", "有关说明")  # unnumbered tables
