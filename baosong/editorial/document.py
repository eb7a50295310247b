"""What a rendered issue holds, independent of the database: the DOCX and PDF renderers and the live
preview all draw from one ``IssueDocument``, so the three never disagree.

Layout rules (GB/T 9704-2012 and the 简报 conventions offices use) live in the renderers; this module is
plain data built by ``editorial.selectors.issue_document``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# Standard font names that Word/WPS on office PCs know; the PDF maps each to an installed fallback.
FONT_TITLE = "方正小标宋简体"
FONT_BODY = "仿宋_GB2312"
FONT_HEADING = "黑体"
FONT_KAI = "楷体_GB2312"

FONT_CHOICES = [FONT_TITLE, "宋体", FONT_BODY, "仿宋", FONT_HEADING, FONT_KAI, "楷体"]


@dataclass(frozen=True)
class TemplateStyle:
    """The administrator's template (模板管理): everything about the look that is not content."""

    masthead_text: str = ""  # blank: the publication's name
    masthead_color: str = "#C00000"  # the red of mastheads and rules
    masthead_font: str = FONT_TITLE
    masthead_size_pt: float = 42.0  # 简报 mastheads are large; 专报 use a smaller one
    body_font: str = FONT_BODY
    heading_font: str = FONT_HEADING  # item titles
    kai_font: str = FONT_KAI  # 编者按, source lines
    title_font: str = FONT_TITLE  # an issue's own headline (专报)
    show_closing_block: bool = True
    variant: str = "regular"  # regular 普刊/简报, special 专报, supplement 增刊


@dataclass(frozen=True)
class DocItem:
    title: str
    paragraphs: list[str]
    sources: list[str] = field(default_factory=list)  # unit names credited (综合 items credit several)
    editor_note: str = ""  # 编者按
    is_brief: bool = False  # 简讯: one paragraph under the 简讯 heading


@dataclass(frozen=True)
class DocColumn:
    name: str  # 栏目; "" for items without a column
    items: list[DocItem]


@dataclass(frozen=True)
class DistributionLine:
    label: str  # 报 / 送 / 发
    names: list[str]


@dataclass(frozen=True)
class IssueDocument:
    publication_name: str  # 《临江政务信息》 without the book-title marks
    number_text: str  # "第12期（总第345期）" or "增刊第2期（总第7期）"; "（待签发）" before signing
    issuing_unit: str  # 临江市人民政府办公室
    date: dt.date | None  # the signing date; None before signing
    style: TemplateStyle
    columns: list[DocColumn]
    briefs: list[DocItem] = field(default_factory=list)  # the 简讯 section, after the columns
    headline: str = ""  # the issue's own title (专报 usually have one)
    marking: str = ""  # 内部资料 / 秘密 …, top-left when set
    distribution: list[DistributionLine] = field(default_factory=list)
    print_count: int = 0  # 共印×份
    withdrawn: bool = False  # a withdrawn issue keeps its number and shows as withdrawn

    @property
    def date_text(self) -> str:
        if self.date is None:
            return ""
        return f"{self.date.year}年{self.date.month}月{self.date.day}日"


@dataclass(frozen=True)
class ReviewSheetStep:
    label: str  # 信息员提交 / 审核签发 / 县采编 采用 …
    person: str
    unit: str
    time: dt.datetime | None
    opinion: str


@dataclass(frozen=True)
class ReviewSheet:
    """政务信息报送审核表 for one item, printed for paper archives."""

    title: str
    unit: str
    author: str
    author_phone: str
    category: str
    urgency: str
    public_scope: str
    created: dt.datetime | None
    sent: dt.datetime | None
    paragraphs: list[str]
    steps: list[ReviewSheetStep]
