"""Import from Word: a .docx becomes a draft — first heading (or first paragraph) as title, the rest as
body paragraphs — and nothing the file holds disappears silently.

What is carried: every paragraph in document order, including text added under tracked changes (deleted
text stays out, as if every revision were accepted), hyperlinks, fields' shown text and text boxes; the
numbers of numbered lists ("1." "（一）"); tables, a row a line with the cells separated by "｜";
footnotes and endnotes, as "注" lines at the end; pictures in PNG or JPEG, which become attachments of the
draft. What cannot be carried (formatting, headers and footers, comments, formulas, embedded objects,
pictures in other formats) is named in the notes the reporter sees after the import.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from baosong.core.archives import zip_checked
from baosong.core.errors import ServiceError

_SPACES = re.compile(r"[ \t\u3000\u00a0]+")

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
M = "http://schemas.openxmlformats.org/officeDocument/2006/math"
V = "urn:schemas-microsoft-com:vml"
PICTURE_TYPES = {"image/png": "png", "image/jpeg": "jpg"}
MAX_PICTURES = 20


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def clean_text(text: str) -> str:
    """Plain paragraphs: no control characters, no leading/trailing blanks, no runs of empty lines.
    Pasted Word text (tabs, non-breaking and full-width spaces, soft breaks) is normalised the same way."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u000b", "\n").replace("\u2028", "\n")
    text = text.replace("\t", " ")
    text = "".join(ch for ch in text if ch == "\n" or unicodedata.category(ch)[0] != "C")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    paragraphs = [line for line in lines if line]
    return "\n".join(paragraphs)


@dataclass
class WordImport:
    title: str
    body: str
    pictures: list[tuple[str, bytes]] = field(default_factory=list)  # (file name, bytes) → attachments
    notes: list[str] = field(default_factory=list)  # what was converted or left out, in Chinese


def docx_to_text(data: bytes) -> tuple[str, str]:
    result = docx_import(data)
    return result.title, result.body


def docx_import(data: bytes) -> WordImport:
    from docx import Document

    if not data.startswith(b"PK\x03\x04"):
        raise ServiceError(
            "请上传 Word 2007 及以上格式（.docx）的文件；.doc 请先另存为 .docx。", "not_docx", status=415
        )
    zip_checked(data)  # an archive bomb is refused before python-docx inflates it
    try:
        document = Document(io.BytesIO(data))
    except Exception as exc:
        raise ServiceError("无法读取该 Word 文件，请确认文件未损坏。", "bad_docx", status=400) from exc

    reader = _Reader(document)
    reader.read_body(document.element.body)
    reader.read_notes()
    reader.name_what_is_left(document)
    paragraphs = [(style, text) for style, text in reader.paragraphs if text]
    if not paragraphs:
        raise ServiceError("Word 文件中没有文字内容。", "empty_docx")
    heading = next(
        (
            i
            for i, (style, _) in enumerate(paragraphs)
            if style.lower().startswith(("heading", "title", "标题"))
        ),
        0,
    )
    title = paragraphs[heading][1].replace("\n", " ")[:200]
    body = "\n".join(text for i, (_, text) in enumerate(paragraphs) if i != heading)
    return WordImport(title=title, body=body, pictures=reader.pictures, notes=reader.notes())


class _Reader:
    def __init__(self, document: Any) -> None:
        self.document = document
        self.part = document.part
        self.paragraphs: list[tuple[str, str]] = []
        self.pictures: list[tuple[str, bytes]] = []
        self.counts: dict[str, int] = {}
        self.numbering = _Numbering(document)
        self.styles = {s.style_id: s.name for s in document.styles if getattr(s, "style_id", None)}
        # A list style ("List Number") carries its numbering itself.
        self.style_numbering = {
            s.get(_w("styleId")): s.find(f"{_w('pPr')}/{_w('numPr')}")
            for s in document.styles.element.iter(_w("style"))
            if s.find(f"{_w('pPr')}/{_w('numPr')}") is not None
        }

    def count(self, what: str, n: int = 1) -> None:
        self.counts[what] = self.counts.get(what, 0) + n

    # -- the body, in document order

    def read_body(self, body: Any) -> None:
        for child in body.iterchildren():
            if child.tag == _w("p"):
                self.read_paragraph(child)
            elif child.tag == _w("tbl"):
                self.read_table(child)
            elif child.tag == _w("sdt"):
                content = child.find(_w("sdtContent"))
                if content is not None:
                    self.read_body(content)

    def read_paragraph(self, p: Any) -> None:
        style_el = p.find(f"{_w('pPr')}/{_w('pStyle')}")
        style_id = style_el.get(_w("val")) if style_el is not None else None
        style = self.styles.get(style_id, "") if style_id else ""
        num_pr = p.find(f"{_w('pPr')}/{_w('numPr')}")
        if num_pr is None and style_id:
            num_pr = self.style_numbering.get(style_id)
        text = clean_text(self.numbering.prefix(num_pr) + _paragraph_text(p))
        self.paragraphs.append((style or "", text))
        if p.find(f".//{_w('ins')}") is not None or p.find(f".//{_w('del')}") is not None:
            self.count("revisions")
        for box in p.iter(_w("txbxContent")):
            self.count("text_boxes")
            for inner in box.iter(_w("p")):
                self.paragraphs.append(("", clean_text(_paragraph_text(inner))))
        if p.find(f".//{{{M}}}oMath") is not None:
            self.count("formulas")
        if p.find(f".//{_w('object')}") is not None:
            self.count("objects")
        for blip in p.iter(f"{{{A}}}blip"):
            self.read_picture(blip.get(f"{{{R}}}embed"))
        for image in p.iter(f"{{{V}}}imagedata"):
            self.read_picture(image.get(f"{{{R}}}id"))

    def read_table(self, tbl: Any) -> None:
        self.count("tables")
        for tr in tbl.iter(_w("tr")):
            cells = []
            for tc in tr.findall(_w("tc")):
                text = " ".join(clean_text(_paragraph_text(p)) for p in tc.iter(_w("p"))).strip()
                cells.append(text)
            line = "｜".join(cells).strip("｜")
            if line:
                self.paragraphs.append(("", line))

    def read_picture(self, rel_id: str | None) -> None:
        if not rel_id or rel_id not in self.part.rels:
            return
        rel = self.part.rels[rel_id]
        if rel.is_external:
            self.count("linked_pictures")
            return
        target = rel.target_part
        kind = PICTURE_TYPES.get(getattr(target, "content_type", ""))
        if kind is None:
            self.count("other_pictures")
        elif len(self.pictures) >= MAX_PICTURES:
            self.count("too_many_pictures")
        else:
            self.pictures.append((f"图片{len(self.pictures) + 1}.{kind}", target.blob))

    # -- footnotes, endnotes and what is not carried

    def read_notes(self) -> None:
        for kind, tag in (("footnotes", "footnote"), ("endnotes", "endnote")):
            root = _part_xml(self.document, f"/word/{kind}.xml")
            if root is None:
                continue
            for number, note in enumerate(
                (n for n in root.iter(_w(tag)) if n.get(_w("type")) in (None, "normal")), start=1
            ):
                text = " ".join(clean_text(_paragraph_text(p)) for p in note.iter(_w("p"))).strip()
                if text:
                    label = "注" if kind == "footnotes" else "尾注"
                    self.paragraphs.append(("", f"{label}{number}：{text}"))
                    self.count(kind)

    def name_what_is_left(self, document: Any) -> None:
        if _part_xml(document, "/word/comments.xml") is not None:
            self.count("comments")
        for section in document.sections:
            for part in (
                section.header,
                section.footer,
                section.first_page_header,
                section.first_page_footer,
            ):
                if not part.is_linked_to_previous and any(p.text.strip() for p in part.paragraphs):
                    self.count("headers")
                    return

    def notes(self) -> list[str]:
        c = self.counts
        messages = []
        if c.get("tables"):
            messages.append(f"{c['tables']}个表格已按行转为正文（单元格之间以“｜”分隔），请核对。")
        if c.get("text_boxes"):
            messages.append(f"{c['text_boxes']}个文本框中的文字已接在所在段落之后。")
        if c.get("revisions"):
            messages.append("文件含修订痕迹，已按“接受全部修订”导入。")
        if c.get("footnotes") or c.get("endnotes"):
            messages.append("脚注、尾注已作为“注”附在正文末尾。")
        if self.pictures:
            messages.append(f"{len(self.pictures)}张图片已作为附件上传。")
        if c.get("other_pictures"):
            messages.append(
                f"{c['other_pictures']}张图片不是 PNG/JPEG 格式，未能导入，请另存为 PNG 后作为附件上传。"
            )
        if c.get("linked_pictures"):
            messages.append(f"{c['linked_pictures']}张链接到外部文件的图片未能导入。")
        if c.get("too_many_pictures"):
            messages.append(f"图片超过{MAX_PICTURES}张，其余{c['too_many_pictures']}张未导入。")
        if c.get("formulas"):
            messages.append("文件中的公式未能导入，请在正文中以文字说明。")
        if c.get("objects"):
            messages.append("文件中嵌入的对象（如 Excel 表格、图表）未能导入，请作为附件上传。")
        if c.get("comments"):
            messages.append("文件中的批注未导入。")
        if c.get("headers"):
            messages.append("页眉、页脚未导入。")
        messages.append("字体、字号等格式未保留，请核对标题和正文。")
        return messages


def _paragraph_text(p: Any) -> str:
    """The text a reader sees: runs (also inside insertions, hyperlinks, fields and content controls),
    tabs and breaks; deleted text and the instructions of fields left out; text boxes read separately."""
    parts: list[str] = []
    for el in p.iter(_w("t"), _w("tab"), _w("br"), _w("cr"), _w("noBreakHyphen")):
        if _inside(el, p, (_w("del"), _w("txbxContent"))):
            continue
        if el.tag == _w("t"):
            parts.append(el.text or "")
        elif el.tag == _w("tab"):
            parts.append(" ")
        elif el.tag == _w("noBreakHyphen"):
            parts.append("-")
        else:
            parts.append("\n")
    return "".join(parts)


def _inside(el: Any, root: Any, tags: tuple[str, ...]) -> bool:
    """Whether ``el`` sits in one of ``tags`` below ``root`` (a text box's own paragraphs are read as their
    own root, so their text counts there and not in the paragraph that holds the box)."""
    parent = el.getparent()
    while parent is not None and parent is not root:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def _part_xml(document: Any, partname: str) -> Any:
    from lxml import etree

    for part in document.part.package.iter_parts():
        if str(part.partname) == partname:
            try:
                return etree.fromstring(part.blob)
            except etree.XMLSyntaxError:
                return None
    return None


class _Numbering:
    """The visible numbers of numbered paragraphs ("1." "（一）" "一、"), counted as Word counts them."""

    FORMATS = {
        "decimal": lambda n: str(n),
        "chineseCounting": lambda n: _chinese(n),
        "chineseCountingThousand": lambda n: _chinese(n),
        "ideographTraditional": lambda n: "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10],
        "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if n <= 20 else str(n),
        "lowerLetter": lambda n: chr(ord("a") + (n - 1) % 26),
        "upperLetter": lambda n: chr(ord("A") + (n - 1) % 26),
        "lowerRoman": lambda n: _roman(n).lower(),
        "upperRoman": lambda n: _roman(n),
    }

    def __init__(self, document: Any) -> None:
        self.levels: dict[tuple[str, str], tuple[str, str, int]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        root = _part_xml(document, "/word/numbering.xml")
        if root is None:
            return
        abstract: dict[str, dict[str, tuple[str, str, int]]] = {}
        for a in root.iter(_w("abstractNum")):
            levels = {}
            for lvl in a.iter(_w("lvl")):
                fmt = lvl.find(_w("numFmt"))
                text = lvl.find(_w("lvlText"))
                start = lvl.find(_w("start"))
                levels[lvl.get(_w("ilvl"), "0")] = (
                    fmt.get(_w("val"), "decimal") if fmt is not None else "decimal",
                    text.get(_w("val"), "") if text is not None else "",
                    int(start.get(_w("val"), "1")) if start is not None else 1,
                )
            abstract[a.get(_w("abstractNumId"), "")] = levels
        for num in root.iter(_w("num")):
            ref = num.find(_w("abstractNumId"))
            if ref is None:
                continue
            for ilvl, spec in abstract.get(ref.get(_w("val"), ""), {}).items():
                self.levels[(num.get(_w("numId"), ""), ilvl)] = spec

    def prefix(self, num_pr: Any) -> str:
        if num_pr is None or not self.levels:
            return ""
        num_el, lvl_el = num_pr.find(_w("numId")), num_pr.find(_w("ilvl"))
        num_id = num_el.get(_w("val"), "") if num_el is not None else ""
        ilvl = lvl_el.get(_w("val"), "0") if lvl_el is not None else "0"
        spec = self.levels.get((num_id, ilvl))
        if spec is None or spec[0] in ("bullet", "none"):
            return ""
        level = int(ilvl)
        counters = self.counters.setdefault(num_id, {})
        counters[level] = counters.get(level, spec[2] - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]
        text = spec[1]
        for k in range(level + 1):
            fmt = self.levels.get((num_id, str(k)), spec)[0]
            value = counters.get(k, 1)
            text = text.replace(f"%{k + 1}", self.FORMATS.get(fmt, str)(value))
        return text if text.endswith(("、", "．", ".", "）", ")", " ")) else text + " "


def _chinese(n: int) -> str:
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n % 10] if n % 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L")]
ROMAN += [(40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def _roman(n: int) -> str:
    out = ""
    for value, letters in ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out
