"""The issue PDF (简报 layout), its screen preview and the 审核表 PDF, checked through poppler's tools."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from baosong.editorial.document import (
    DistributionLine,
    DocColumn,
    DocItem,
    IssueDocument,
    ReviewSheet,
    ReviewSheetStep,
    TemplateStyle,
)
from baosong.editorial.render_pdf import (
    font_stack,
    issue_html,
    render_issue_pdf,
    render_review_sheet_pdf,
    title_lines,
)

needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")

SENTENCES = [
    "今年以来，我市坚持以人民为中心的发展思想，聚焦群众急难愁盼问题，扎实推进各项民生实事。",
    "各地各部门压实工作责任，细化工作措施，建立健全定期调度、跟踪问效、督查通报工作机制。",
    "下一步，将持续巩固拓展工作成效，推动政策措施落地见效，切实增强人民群众获得感幸福感安全感。",
    "全市共排查整改各类隐患问题一千余处，建成便民服务站点两百余个，群众满意度明显提升。",
]


def chinese_text(chars: int) -> str:
    """``chars`` characters of government prose (full-width only, so the line count is predictable)."""
    text = "".join(SENTENCES) * (chars // 150 + 2)
    return text[: chars - 1] + "。"


def sample_issue(**changes: object) -> IssueDocument:
    """Two columns, five items (one with 编者按, one 综合 item with two sources), two 简讯, 报/送/发."""
    items_a = [
        DocItem(
            title="东湖区“三个一”机制推动政务服务“高效办成一件事”",
            paragraphs=[chinese_text(180), chinese_text(120)],
            sources=["东湖区人民政府办公室"],
        ),
        DocItem(
            title="我市多措并举抓好夏季防汛备汛工作",
            paragraphs=[chinese_text(200)],
        ),
        DocItem(
            title="西林县探索“党建+网格”模式提升基层治理效能",
            paragraphs=[chinese_text(160)],
            sources=["西林县人民政府办公室"],
        ),
    ]
    items_b = [
        DocItem(
            title="我市县域特色产业发展的做法与启示",
            paragraphs=[chinese_text(220), chinese_text(90)],
            sources=["东湖区人民政府办公室", "西林县人民政府办公室"],
            editor_note="东湖区、西林县坚持规划引领、龙头带动，特色产业发展成效明显，现予刊发，供各地学习借鉴。",
        ),
        DocItem(
            title="南岭镇“小积分”撬动乡村治理“大变化”",
            paragraphs=[chinese_text(150)],
            sources=["临川县南岭镇人民政府"],
        ),
    ]
    doc = IssueDocument(
        publication_name="临江政务信息",
        number_text="第12期（总第345期）",
        issuing_unit="临江市人民政府办公室",
        date=dt.date(2025, 6, 18),
        style=TemplateStyle(),
        columns=[DocColumn("工作动态", items_a), DocColumn("基层经验", items_b)],
        briefs=[
            DocItem("市政府召开第15次常务会议", [chinese_text(70)], is_brief=True),
            DocItem("我市开展安全生产月宣传咨询日活动", [chinese_text(60)], is_brief=True),
        ],
        marking="内部资料",
        distribution=[
            DistributionLine("报", ["省政府办公厅", "市委常委"]),
            DistributionLine("送", ["市委办公室", "市人大常委会办公室"]),
            DistributionLine("发", ["各县（市、区）人民政府", "市政府各部门"]),
        ],
        print_count=120,
    )
    return dataclasses.replace(doc, **changes)  # type: ignore[arg-type]


def one_item_issue(*items: DocItem, **changes: object) -> IssueDocument:
    return sample_issue(columns=[DocColumn("工作动态", list(items))], briefs=[], **changes)


def pdftotext(path: Path, *args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return {k.strip(): v.strip() for k, _, v in (line.partition(":") for line in out.splitlines())}


def page_count(path: Path) -> int:
    return int(pdfinfo(path)["Pages"])


def write(tmp: Path, name: str, data: bytes) -> Path:
    path = tmp / name
    path.write_bytes(data)
    return path


@pytest.fixture(scope="module")
def issue_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write(tmp_path_factory.mktemp("pdf"), "issue.pdf", render_issue_pdf(sample_issue()))


# ------------------------------------------------------------------------------------------ the issue


def test_issue_pdf_is_an_a4_pdf(issue_pdf: Path) -> None:
    assert issue_pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdfinfo") is None:
        pytest.skip("poppler-utils not installed")
    width, height = map(float, re.findall(r"[\d.]+", pdfinfo(issue_pdf)["Page size"])[:2])
    assert abs(width - 595) <= 1 and abs(height - 842) <= 1


@needs_poppler
def test_issue_pdf_holds_masthead_items_briefs_and_closing_block(issue_pdf: Path) -> None:
    doc = sample_issue()
    text = squeeze(pdftotext(issue_pdf, "-layout"))
    expected = ["内部资料", "临江政务信息", "第12期（总第345期）", "2025年6月18日", "临江市人民政府办公室"]
    expected += ["【工作动态】", "【基层经验】", "编者按：", "简讯"]
    expected += [item.title for column in doc.columns for item in column.items]
    expected += [brief.title for brief in doc.briefs]
    expected += ["（东湖区人民政府办公室　西林县人民政府办公室）".replace("　", "")]
    expected += ["报：省政府办公厅，市委常委。", "送：市委办公室，市人大常委会办公室。"]
    expected += ["发：各县（市、区）人民政府，市政府各部门。", "共印120份"]
    missing = [s for s in expected if squeeze(s) not in text]
    assert not missing
    assert "— 1 —" in pdftotext(issue_pdf, "-raw")


def assert_closing_block_at_foot_of_last_page(pdf: Path) -> str:
    """The 版记 is on the last page only, inside the text block (28 mm = 79.4 pt from the left edge, 156 mm
    = 442 pt wide) and ending at its foot (35 mm = 99 pt above the bottom of the 842 pt page), and the page
    has its number. Returns the last page's text."""
    pages = page_count(pdf)
    for page in range(1, pages):
        assert "共印" not in pdftotext(pdf, "-f", str(page), "-l", str(page))
    bbox = pdftotext(pdf, "-f", str(pages), "-l", str(pages), "-bbox")
    count = re.search(r'xMax="([\d.]+)" yMax="([\d.]+)">共印120份', bbox)
    first = re.search(r'xMin="([\d.]+)"[^>]*>报：', bbox)
    assert count and first, bbox
    assert 79.4 < float(first[1]) < 79.4 + 30
    assert 79.4 + 442 - 30 < float(count[1]) < 79.4 + 442
    assert 842 - 99 - 30 < float(count[2]) <= 842 - 99 + 2
    assert f"— {pages} —" in pdftotext(pdf, "-raw", "-f", str(pages), "-l", str(pages))
    return pdftotext(pdf, "-f", str(pages), "-l", str(pages))


@needs_poppler
def test_closing_block_sits_at_the_foot_of_the_last_page(issue_pdf: Path) -> None:
    assert page_count(issue_pdf) >= 2
    last = assert_closing_block_at_foot_of_last_page(issue_pdf)
    assert "（临川县南岭镇人民政府）" in last  # shares the page with the last item


@needs_poppler
def test_closing_block_that_does_not_fit_moves_to_a_page_of_its_own(tmp_path: Path) -> None:
    # 1,570 characters leave the last line of page 3 too little room for the 版记 (window: 1,528–1,612).
    paragraph = ("政务信息报送审核采编" * 200)[:1570]
    pdf = write(tmp_path, "overflow.pdf", render_issue_pdf(one_item_issue(DocItem("版心测试", [paragraph]))))
    assert page_count(pdf) == 4
    last = assert_closing_block_at_foot_of_last_page(pdf)
    assert squeeze(last).startswith("报：省政府办公厅")


@needs_poppler
def test_page_numbers_alternate_sides(issue_pdf: Path) -> None:
    raw = pdftotext(issue_pdf, "-raw")
    for page in range(1, page_count(issue_pdf) + 1):
        assert f"— {page} —" in raw
    bbox = pdftotext(issue_pdf, "-f", "2", "-l", "2", "-bbox")
    x_even = min(float(x) for x in re.findall(r'xMin="([\d.]+)"[^>]*>—<', bbox))
    bbox = pdftotext(issue_pdf, "-f", "1", "-l", "1", "-bbox")
    x_odd = min(float(x) for x in re.findall(r'xMin="([\d.]+)"[^>]*>—<', bbox))
    assert x_even < 200 < x_odd  # even pages: left; odd pages: right


@pytest.mark.skipif(shutil.which("pdffonts") is None, reason="poppler-utils not installed")
def test_fonts_are_embedded(issue_pdf: Path) -> None:
    out = subprocess.run(["pdffonts", str(issue_pdf)], capture_output=True, text=True, check=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    assert all(re.match(r"([A-Z]{6}\+)?(Noto|AR-PL)", row) for row in rows), rows
    assert any("AR-PL-UKai" in row for row in rows)  # 楷体 for the 编者按 and sources
    assert any("Noto-Sans-CJK-SC-Bold" in row for row in rows)  # 黑体
    assert any("Noto-Serif-CJK-SC" in row for row in rows)  # 仿宋 / 小标宋
    for row in rows:
        emb = row.split()[-5]
        assert emb == "yes", row


@needs_poppler
def test_body_follows_the_grid_of_22_lines_of_28_characters(tmp_path: Path) -> None:
    paragraph = ("政务信息报送审核采编" * 200)[:1500]
    doc = one_item_issue(DocItem(title="版心测试", paragraphs=[paragraph]), distribution=[], print_count=0)
    pdf = write(tmp_path, "grid.pdf", render_issue_pdf(doc))
    assert page_count(pdf) >= 3
    lines = [line.strip() for line in pdftotext(pdf, "-layout", "-f", "2", "-l", "2").splitlines()]
    body = [line for line in lines if line and "—" not in line]
    assert len(body) == 22
    assert all(len(line) == 28 for line in body)


@needs_poppler
def test_short_issue_fits_one_page_with_its_closing_block(tmp_path: Path) -> None:
    doc = one_item_issue(DocItem(title="市政府召开常务会议", paragraphs=[chinese_text(200)]))
    pdf = write(tmp_path, "short.pdf", render_issue_pdf(doc))
    assert page_count(pdf) == 1
    assert "共印120份" in squeeze(pdftotext(pdf))


@needs_poppler
def test_long_issue_takes_the_pages_its_lines_need(tmp_path: Path) -> None:
    items = [DocItem(title=f"第{i + 1}条信息的标题", paragraphs=[chinese_text(600)]) for i in range(20)]
    pdf = write(tmp_path, "long.pdf", render_issue_pdf(one_item_issue(*items)))
    # 600 characters + a 2-character indent on 28-character lines; each item's title with its spacing
    # takes about 2 lines and the gap between items half a line. The masthead takes about 7 lines,
    # the closing block 4.
    lines = 20 * (math.ceil(602 / 28) + 2 + 0.5) + 7 + 4
    expected = lines / 22  # about 22.6 pages
    pages = page_count(pdf)
    assert expected - 1 <= pages <= expected + 1.5, (pages, expected)


@needs_poppler
def test_closing_block_can_be_switched_off(tmp_path: Path) -> None:
    style = dataclasses.replace(TemplateStyle(), show_closing_block=False)
    pdf = write(tmp_path, "plain.pdf", render_issue_pdf(sample_issue(style=style)))
    text = squeeze(pdftotext(pdf))
    assert "共印" not in text and "报：" not in text
    assert "临江政务信息" in text


@needs_poppler
def test_withdrawn_issue_is_marked_on_every_page(tmp_path: Path) -> None:
    pdf = write(tmp_path, "withdrawn.pdf", render_issue_pdf(sample_issue(withdrawn=True)))
    for page in range(1, page_count(pdf) + 1):
        assert "已撤回" in squeeze(pdftotext(pdf, "-f", str(page), "-l", str(page)))


def test_markup_in_item_text_is_escaped() -> None:
    script = "<script>alert(1)</script>"
    item = DocItem(
        title=f"标题{script}",
        paragraphs=[f"正文<img src=x onerror=alert(1)>{script}"],
        sources=[f"单位{script}"],
        editor_note=f"按语{script}",
    )
    doc = one_item_issue(
        item,
        publication_name=f"刊物{script}",
        headline=f"标题{script}",
        distribution=[DistributionLine("报", [f"机关{script}"])],
    )
    for html in (issue_html(doc), issue_html(doc, screen=True)):
        assert "<script" not in html and "<img" not in html
        assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 6


def test_style_values_cannot_break_out_of_the_stylesheet() -> None:
    style = TemplateStyle(masthead_color="red;}</style><script>x</script>", body_font='x"; } body {')
    html = issue_html(sample_issue(style=style))
    assert "<script>x" not in html and 'x"; }' not in html
    assert "color: #C00000" in html


def test_screen_preview_is_a_self_contained_page() -> None:
    html = issue_html(sample_issue(), screen=True)
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert 'class="screen"' in html and "width: 210mm" in html and "box-shadow" in html
    assert not re.search(r"https?://|<link|<script|src=", html)
    assert "临江政务信息" in html and "共印120份" in html


def test_pdf_rendering_fetches_nothing_from_the_network() -> None:
    from baosong.editorial.render_pdf import _url_fetcher

    fetcher = _url_fetcher()
    for url in (
        "http://127.0.0.1:9/x.png",
        "https://example.com/a.css",
        "ftp://example.com/f",
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    assert fetcher.fetch("data:text/plain,ok").read() == b"ok"


def test_font_names_map_to_installed_stand_ins() -> None:
    assert font_stack("方正小标宋简体").family.startswith('"方正小标宋简体"')
    assert '"Noto Serif CJK SC"' in font_stack("方正小标宋简体").family
    assert font_stack("方正小标宋简体").weight == "900"
    assert '"Noto Serif CJK SC"' in font_stack("仿宋_GB2312").family
    assert font_stack("黑体").family.index('"Noto Sans CJK SC"') > 0 and font_stack("黑体").weight == "bold"
    kai = font_stack("楷体_GB2312").family
    assert kai.index('"AR PL UKai CN"') < kai.index('"Noto Serif CJK SC"')
    assert font_stack("华文中宋").family.startswith('"华文中宋", "仿宋_GB2312"')
    assert font_stack('Evil"; }').family == font_stack("仿宋_GB2312").family


def test_long_titles_wrap_into_balanced_lines() -> None:
    assert title_lines("我市多措并举抓好夏季防汛备汛工作") == ["我市多措并举抓好夏季防汛备汛工作"]
    lines = title_lines("市市场监管局扎实开展食品安全“守底线、查隐患、保安全”专项行动")
    assert "".join(lines) == "市市场监管局扎实开展食品安全“守底线、查隐患、保安全”专项行动"
    assert len(lines) == 2 and all(len(line) >= 10 for line in lines)
    assert not lines[1].startswith(("，", "、", "”"))


# ------------------------------------------------------------------------------------- the 审核表


def review_sheet() -> ReviewSheet:
    utc = dt.UTC
    return ReviewSheet(
        title="东湖区“三个一”机制推动政务服务“高效办成一件事”",
        unit="东湖区人民政府办公室",
        author="王晓燕",
        author_phone="0791-86123456",
        category="工作动态",
        urgency="一般",
        public_scope="依申请公开",
        created=dt.datetime(2025, 6, 9, 1, 12, tzinfo=utc),
        sent=dt.datetime(2025, 6, 10, 8, 40, tzinfo=utc),
        paragraphs=[chinese_text(300), chinese_text(200)],
        steps=[
            ReviewSheetStep(
                "信息员提交",
                "王晓燕",
                "东湖区人民政府办公室",
                dt.datetime(2025, 6, 9, 1, 30, tzinfo=utc),
                "请审核。",
            ),
            ReviewSheetStep(
                "审核签发",
                "刘建国",
                "东湖区人民政府办公室",
                dt.datetime(2025, 6, 10, 8, 40, tzinfo=utc),
                "同意报送。",
            ),
            ReviewSheetStep(
                "市采编 采用",
                "赵敏",
                "临江市人民政府办公室",
                dt.datetime(2025, 6, 11, 17, 5, tzinfo=utc),
                "拟编入第12期。",
            ),
        ],
    )


@needs_poppler
def test_review_sheet_pdf_lists_the_item_and_every_step_in_local_time(tmp_path: Path) -> None:
    pdf_bytes = render_review_sheet_pdf(review_sheet())
    assert pdf_bytes.startswith(b"%PDF")
    pdf = write(tmp_path, "sheet.pdf", pdf_bytes)
    text = squeeze(pdftotext(pdf, "-layout"))
    for expected in [
        "政务信息报送审核表",
        "信息标题",
        "东湖区“三个一”机制推动政务服务“高效办成一件事”",
        "0791-86123456",
    ]:
        assert squeeze(expected) in text
    for person, opinion in [("王晓燕", "请审核。"), ("刘建国", "同意报送。"), ("赵敏", "拟编入第12期。")]:
        assert person in text and opinion in text
    # Asia/Shanghai is UTC+8; 17:05 UTC on the 11th is 01:05 on the 12th.
    for local in ["2025-06-0909:12", "2025-06-0909:30", "2025-06-1016:40", "2025-06-1201:05"]:
        assert local in text
    assert "本表由政务信息报送平台生成" in text
    assert page_count(pdf) == 1
