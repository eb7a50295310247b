"""An OFD reader for tests, written apart from the writer (``baosong.core.ofd`` is never imported here):
``ofdkit`` (an independent OFD library from PyPI) for pages and text, and a structure check by GB/T 33190
read from the package's own XML — where the standard puts each part, namespaces, and every ID reference."""

from __future__ import annotations

import io
import posixpath
import zipfile
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

import ofdkit
from fontTools.ttLib import TTFont

NS = "http://www.ofdspec.org/2016"


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


@dataclass
class TextObj:
    page: int
    font: str
    size: float
    boundary: tuple[float, ...]
    text: str
    fill: str  # "r g b"; "0 0 0" when none is given
    alpha: int
    weight: int
    ctm: str
    x: float
    y: float
    by_glyph_id: bool  # a CGTransform names glyphs directly


@dataclass
class PathObj:
    page: int
    boundary: tuple[float, ...]
    fill: str | None
    stroke: str | None
    data: str


@dataclass
class Package:
    pages: int
    page_box: tuple[float, ...]
    info: dict[str, str]
    fonts: dict[str, ET.Element]
    font_programs: dict[str, TTFont]
    texts: list[TextObj] = field(default_factory=list)
    paths: list[PathObj] = field(default_factory=list)

    def page_text(self, page: int) -> str:
        return "".join(t.text for t in self.texts if t.page == page)


def _box(value: str | None) -> tuple[float, ...]:
    assert value, "a Boundary or PhysicalBox is missing"
    numbers = tuple(float(v) for v in value.split())
    assert len(numbers) == 4, value
    return numbers


def _read_xml(archive: zipfile.ZipFile, name: str) -> ET.Element:
    assert name in archive.namelist(), f"{name} is referenced but not in the package"
    root = ET.fromstring(archive.read(name))  # raises on XML that is not well-formed
    for element in root.iter():
        assert element.tag.startswith(f"{{{NS}}}"), f"{name}: <{element.tag}> outside the OFD namespace"
    return root


def _text(element: ET.Element | None, tag: str) -> str:
    assert element is not None
    child = element.find(q(tag))
    assert child is not None and (child.text or "").strip(), f"<{tag}> missing in <{element.tag}>"
    return (child.text or "").strip()


def read(data: bytes) -> Package:
    """Open the package, check its structure (assertions) and return what it shows."""
    archive = zipfile.ZipFile(io.BytesIO(data))
    assert archive.testzip() is None
    ofd = _read_xml(archive, "OFD.xml")
    assert ofd.tag == q("OFD") and ofd.get("DocType") == "OFD" and ofd.get("Version")
    body = ofd.find(q("DocBody"))
    doc_info = body.find(q("DocInfo")) if body is not None else None
    info = {tag: _text(doc_info, tag) for tag in ("DocID", "Title", "CreationDate", "Creator")}
    doc_root = _text(body, "DocRoot")
    document = _read_xml(archive, doc_root)
    assert document.tag == q("Document")
    base = posixpath.dirname(doc_root)
    common = document.find(q("CommonData"))
    assert common is not None
    max_id = int(_text(common, "MaxUnitID"))
    page_area = common.find(q("PageArea"))
    page_box = _box(_text(page_area, "PhysicalBox"))

    ids: set[str] = set()

    def claim(element: ET.Element) -> str:
        value = element.get("ID")
        assert value and value.isdigit(), f"<{element.tag}> without a numeric ID"
        assert value not in ids, f"ID {value} used twice"
        assert 0 < int(value) <= max_id, f"ID {value} beyond MaxUnitID {max_id}"
        ids.add(value)
        return value

    fonts: dict[str, ET.Element] = {}
    programs: dict[str, TTFont] = {}
    resources = common.findall(q("PublicRes")) + common.findall(q("DocumentRes"))
    assert common.findall(q("PublicRes")), "no PublicRes"
    for resource in resources:
        res_path = posixpath.join(base, (resource.text or "").strip())
        res = _read_xml(archive, res_path)
        assert res.tag == q("Res")
        res_base = posixpath.join(posixpath.dirname(res_path), res.get("BaseLoc", ""))
        for font in res.iter(q("Font")):
            font_id = claim(font)
            assert font.get("FontName"), "a Font without FontName"
            fonts[font_id] = font
            file = font.find(q("FontFile"))
            if file is not None:
                location = posixpath.normpath(posixpath.join(res_base, (file.text or "").strip()))
                assert location in archive.namelist(), f"FontFile {location} missing"
                programs[font_id] = TTFont(io.BytesIO(archive.read(location)))

    package = Package(0, page_box, info, fonts, programs)
    pages = document.find(q("Pages"))
    assert pages is not None
    for number, page in enumerate(pages.findall(q("Page")), start=1):
        claim(page)
        content = _read_xml(archive, posixpath.join(base, page.get("BaseLoc", "")))
        assert content.tag == q("Page")
        for layer in content.iter(q("Layer")):
            claim(layer)
        for obj in content.iter(q("TextObject")):
            claim(obj)
            font_id = obj.get("Font", "")
            assert font_id in fonts, f"TextObject {obj.get('ID')} refers to font {font_id!r}, not a Font"
            code = obj.find(q("TextCode"))
            assert code is not None and code.get("X") is not None and code.get("Y") is not None
            fill = obj.find(q("FillColor"))
            package.texts.append(
                TextObj(
                    page=number,
                    font=font_id,
                    size=float(obj.get("Size", "0")),
                    boundary=_box(obj.get("Boundary")),
                    text="".join(c.text or "" for c in obj.findall(q("TextCode"))),
                    fill=fill.get("Value", "") if fill is not None else "0 0 0",
                    alpha=int(fill.get("Alpha", "255")) if fill is not None else 255,
                    weight=int(obj.get("Weight", "400")),
                    ctm=obj.get("CTM", ""),
                    x=float(code.get("X", "0")),
                    y=float(code.get("Y", "0")),
                    by_glyph_id=obj.find(q("CGTransform")) is not None,
                )
            )
        for obj in content.iter(q("PathObject")):
            claim(obj)
            fill, stroke = obj.find(q("FillColor")), obj.find(q("StrokeColor"))
            stroked = stroke is not None and obj.get("Stroke") != "false"
            package.paths.append(
                PathObj(
                    page=number,
                    boundary=_box(obj.get("Boundary")),
                    fill=fill.get("Value") if fill is not None and obj.get("Fill") == "true" else None,
                    stroke=stroke.get("Value") if stroke is not None and stroked else None,
                    data=_text(obj, "AbbreviatedData"),
                )
            )
        package.pages = number

    # Every character shown with an embedded font has a glyph there (through the cmap, or a CGTransform).
    for text in package.texts:
        program = programs.get(text.font)
        if program is not None and not text.by_glyph_id:
            cmap = program.getBestCmap()
            missing = {ch for ch in text.text if ord(ch) not in cmap}
            assert not missing, f"font {text.font} has no glyph for {''.join(sorted(missing))!r}"
    return package


def ofdkit_text(data: bytes) -> tuple[int, list[str]]:
    """(page count, each page's text) as the independent library reads them."""
    with ofdkit.open(data) as document:
        assert not document.warnings, document.warnings
        return len(document.pages), [page.text() for page in document.pages]
