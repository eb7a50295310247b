"""OFD (GB/T 33190-2016) from a PDF's fixed layout.

Issues and 通报 are drawn once, by WeasyPrint, into a PDF; their OFD is that PDF's page content re-expressed
in the OFD model, so both formats have the same pages, page size and positions by construction. No library on
PyPI writes OFD with real text (``easyofd``'s ``pdf2ofd`` rasterises pages, or writes block text without fonts
or rules), so this module writes the package itself:

    OFD.xml                       DocBody: DocInfo (DocID, Title, Author, CreationDate, Creator) and DocRoot
    Doc_0/Document.xml            CommonData (MaxUnitID, PageArea, PublicRes, DocumentRes) and Pages
    Doc_0/PublicRes.xml           Fonts, each with its FontFile under Doc_0/Res/
    Doc_0/DocumentRes.xml         the document's own resources (none are needed today: an empty Res)
    Doc_0/Pages/Page_N/Content.xml  one Layer of TextObject and PathObject, units in millimetres

The PDF is read with pdfminer.six (MIT, pure Python, maintained), through a device that sees every glyph
(its character code, Unicode text, font, size, text matrix and fill colour) and every painted path (segments
under the current transformation, stroke/fill, even-odd rule, line width, cap, join, dash, colours) in paint
order; ``gs`` operators are followed for constant alpha (a withdrawn issue's faint diagonal mark).

Text stays text: consecutive glyphs on one baseline with the same font, size, colour and direction become one
TextObject whose TextCode carries the Unicode text, X/Y of the first glyph's origin and DeltaX for the exact
positions of the others (``g N d`` where N gaps are equal), so a reader can select and search it. Rotated or
horizontally scaled text keeps its matrix in CTM (or HScale). Rules, borders and table fills become
PathObjects with AbbreviatedData (M/L/B/C), FillColor/StrokeColor in RGB (0-255) and Alpha.

Fonts are embedded, not referenced. WeasyPrint embeds a subset of each font it uses as a complete OpenType
or TrueType program (HarfBuzz subsetting keeps the glyph IDs and a ``cmap`` of the characters used); every
glyph in the PDF is shown with CIDToGIDMap Identity, so the PDF's character code *is* the glyph ID. The
module copies each program into Doc_0/Res/ and names it in a Font element (FontName from the font's
``name`` table, FamilyName as installed, Bold/Serif flags). Embedding is what GB/T 33190 asks of a
document that must look the same everywhere, and it shows the 小标宋 masthead and 仿宋 body exactly as the
PDF does even on a PC without those fonts; referencing the standard names (方正小标宋简体, 仿宋_GB2312 …)
would leave the look to whatever each reader substitutes. When a glyph's Unicode text does not lead to the
same glyph through the embedded ``cmap`` (a contextual form, a ligature), a CGTransform gives the glyph ID.
Only when a font program is missing or unreadable is the font referenced by its standard name, mapped from
the installed stand-in (Noto Serif CJK → 仿宋_GB2312, or 方正小标宋简体 when bold; Noto Sans CJK → 黑体;
AR PL UKai → 楷体_GB2312).

Not carried over: raster images and shadings (neither the issue nor the 通报 PDF has any) and clipping
paths (WeasyPrint clips to boxes that already hold their content).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import math
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree as ET

OFD_NS = "http://www.ofdspec.org/2016"
PT_TO_MM = 25.4 / 72
CREATOR = "报送 Baosong"

ET.register_namespace("ofd", OFD_NS)

Matrix = tuple[float, float, float, float, float, float]
RGB = tuple[int, int, int]


class OFDError(ValueError):
    """The PDF cannot be converted (it is not a PDF, or it is damaged)."""


# ---- what the PDF draws ------------------------------------------------------------------------------------


@dataclass
class _Font:
    id: int
    name: str
    family: str
    bold: bool
    serif: bool
    italic: bool
    weight: int
    data: bytes | None  # the font program to embed; None: referenced by name
    ext: str
    cmap: dict[int, int] = field(default_factory=dict)  # code point → glyph ID in ``data``


@dataclass
class _Glyph:
    text: str
    gid: int
    font: _Font
    x: float  # origin, mm from the page's top-left, y down
    y: float
    size: float  # mm
    shape: tuple[float, float, float, float]  # the glyph matrix divided by size, in page (y-down) terms
    advance: float  # mm along the baseline
    color: RGB
    alpha: int


@dataclass
class _Path:
    segments: list[tuple[str, list[tuple[float, float]]]]  # ops M L B C, points in page mm
    stroke: bool
    fill: bool
    evenodd: bool
    line_width: float
    stroke_color: RGB
    fill_color: RGB
    alpha: int
    cap: int
    join: int
    dash: tuple[list[float], float] | None


@dataclass
class _Page:
    width: float
    height: float
    items: list[_Glyph | _Path] = field(default_factory=list)


def _mult(m1: Matrix, m0: Matrix) -> Matrix:
    a1, b1, c1, d1, e1, f1 = m1
    a0, b0, c0, d0, e0, f0 = m0
    return (
        a0 * a1 + c0 * b1,
        b0 * a1 + d0 * b1,
        a0 * c1 + c0 * d1,
        b0 * c1 + d0 * d1,
        a0 * e1 + c0 * f1 + e0,
        b0 * e1 + d0 * f1 + f0,
    )


def _rgb(colorspace: Any, value: Any) -> RGB:
    """A PDF colour (gray, RGB or CMYK components in 0..1, by the number of components) as 8-bit RGB."""
    if isinstance(value, int | float):
        comps = [float(value)]
    elif isinstance(value, list | tuple):
        comps = [float(v) for v in value if isinstance(v, int | float)]
    else:
        comps = []
    ncomp = getattr(colorspace, "ncomponents", len(comps)) or len(comps)
    if ncomp == 1 and comps:
        g = comps[0]
        comps = [g, g, g]
    elif ncomp == 4 and len(comps) == 4:
        c, m, y, k = comps
        comps = [(1 - c) * (1 - k), (1 - m) * (1 - k), (1 - y) * (1 - k)]
    if len(comps) != 3:
        return (0, 0, 0)  # patterns and unknown spaces: black, as most readers show them
    return tuple(max(0, min(255, round(v * 255))) for v in comps)  # type: ignore[return-value]


def _read_pdf(pdf: bytes) -> tuple[list[_Page], dict[str, str]]:
    """Every page's glyphs and paths, in paint order, and the document's Info strings."""
    from pdfminer.pdfdevice import PDFTextDevice
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import literal_name

    fonts: dict[int, _Font] = {}
    pages: list[_Page] = []

    class Interpreter(PDFPageInterpreter):
        """Follows ``gs`` for constant alpha (pdfminer leaves it out), through q/Q and form XObjects."""

        fill_alpha = 1.0
        stroke_alpha = 1.0

        def dup(self) -> Interpreter:
            child = Interpreter(self.rsrcmgr, self.device)
            child.fill_alpha, child.stroke_alpha = self.fill_alpha, self.stroke_alpha
            return child

        def init_state(self, ctm: Matrix) -> None:
            super().init_state(ctm)
            self.alpha_stack: list[tuple[float, float]] = []

        def do_q(self) -> None:
            self.alpha_stack.append((self.fill_alpha, self.stroke_alpha))
            super().do_q()

        def do_Q(self) -> None:
            if self.alpha_stack:
                self.fill_alpha, self.stroke_alpha = self.alpha_stack.pop()
            super().do_Q()

        def do_gs(self, name: Any) -> None:
            states = resolve1((self.resources or {}).get("ExtGState")) or {}
            state = resolve1(states.get(literal_name(name))) if isinstance(states, dict) else None
            if isinstance(state, dict):
                if isinstance(resolve1(state.get("ca")), int | float):
                    self.fill_alpha = float(resolve1(state["ca"]))
                if isinstance(resolve1(state.get("CA")), int | float):
                    self.stroke_alpha = float(resolve1(state["CA"]))

    class Device(PDFTextDevice):
        interpreter: Interpreter
        page: _Page
        origin: tuple[float, float]

        def to_mm(self, x: float, y: float) -> tuple[float, float]:
            return ((x - self.origin[0]) * PT_TO_MM, self.page.height - (y - self.origin[1]) * PT_TO_MM)

        def render_char(
            self,
            matrix: Matrix,
            font: Any,
            fontsize: float,
            scaling: float,
            rise: float,
            cid: int,
            ncs: Any,
            graphicstate: Any,
        ) -> float:
            advance = font.char_width(cid) * fontsize * scaling
            try:
                text = font.to_unichr(cid)
            except Exception:  # no ToUnicode entry: the glyph is kept, shown through CGTransform
                text = "\ufffd"
            a, b, c, d, e, f = _mult((fontsize * scaling, 0, 0, fontsize, 0, rise), matrix)
            x, y = self.to_mm(e, f)
            # Page space is y-down in OFD: conjugate the glyph matrix with the flip.
            ga, gb, gc, gd = a * PT_TO_MM, -b * PT_TO_MM, -c * PT_TO_MM, d * PT_TO_MM
            size = math.sqrt(abs(ga * gd - gb * gc)) or 1e-6
            adv_vec = (advance / (fontsize * scaling or 1) * ga, advance / (fontsize * scaling or 1) * gb)
            self.page.items.append(
                _Glyph(
                    text=text or "\ufffd",
                    gid=cid,
                    font=_font_of(font),
                    x=x,
                    y=y,
                    size=size,
                    shape=(ga / size, gb / size, gc / size, gd / size),
                    advance=math.hypot(*adv_vec),
                    color=_rgb(graphicstate.ncs, graphicstate.ncolor),
                    alpha=round(self.interpreter.fill_alpha * 255),
                )
            )
            return advance

        def paint_path(
            self, gstate: Any, stroke: bool, fill: bool, evenodd: bool, path: Sequence[Any]
        ) -> None:
            ctm = self.ctm
            assert ctm is not None

            def pt(x: Any, y: Any) -> tuple[float, float]:
                a, b, c, d, e, f = ctm
                x, y = float(x), float(y)
                return self.to_mm(a * x + c * y + e, b * x + d * y + f)

            segments: list[tuple[str, list[tuple[float, float]]]] = []
            current: tuple[float, float] | None = None
            for seg in path:
                op, args = seg[0], seg[1:]
                if op == "m":
                    current = pt(*args[0:2])
                    segments.append(("M", [current]))
                elif op == "l" and current is not None:
                    current = pt(*args[0:2])
                    segments.append(("L", [current]))
                elif op == "c" and current is not None:
                    points = [pt(*args[0:2]), pt(*args[2:4]), pt(*args[4:6])]
                    segments.append(("B", points))
                    current = points[-1]
                elif op == "v" and current is not None:
                    points = [current, pt(*args[0:2]), pt(*args[2:4])]
                    segments.append(("B", points))
                    current = points[-1]
                elif op == "y" and current is not None:
                    end = pt(*args[2:4])
                    segments.append(("B", [pt(*args[0:2]), end, end]))
                    current = end
                elif op == "h":
                    segments.append(("C", []))
            if not segments or not (stroke or fill):
                return
            scale = math.sqrt(abs(ctm[0] * ctm[3] - ctm[1] * ctm[2]))
            dash = None
            if gstate.dash and isinstance(gstate.dash[0], list) and gstate.dash[0]:
                dash = ([float(v) * scale * PT_TO_MM for v in gstate.dash[0]], float(gstate.dash[1] or 0))
            self.page.items.append(
                _Path(
                    segments=segments,
                    stroke=stroke,
                    fill=fill,
                    evenodd=evenodd,
                    line_width=float(gstate.linewidth or 0) * scale * PT_TO_MM,
                    stroke_color=_rgb(gstate.scs, gstate.scolor),
                    fill_color=_rgb(gstate.ncs, gstate.ncolor),
                    alpha=round(
                        (self.interpreter.stroke_alpha if stroke else self.interpreter.fill_alpha) * 255
                    ),
                    cap=int(gstate.linecap or 0),
                    join=int(gstate.linejoin or 0),
                    dash=dash,
                )
            )

    def _font_of(pdffont: Any) -> _Font:
        key = id(pdffont)
        if key not in fonts:
            fonts[key] = _describe_font(pdffont, len(fonts))
        return fonts[key]

    try:
        document = PDFDocument(PDFParser(io.BytesIO(pdf)))
        manager = PDFResourceManager(caching=True)
        device = Device(manager)
        interpreter = Interpreter(manager, device)
        device.interpreter = interpreter
        for pdfpage in PDFPage.create_pages(document):
            x0, y0, x1, y1 = (float(v) for v in pdfpage.mediabox)
            device.page = _Page(width=(x1 - x0) * PT_TO_MM, height=(y1 - y0) * PT_TO_MM)
            device.origin = (x0, y0)
            pages.append(device.page)
            interpreter.process_page(pdfpage)
        info: dict[str, str] = {}
        for entry in document.info[:1]:
            for name in ("Title", "Author", "Creator", "Producer"):
                value = resolve1(entry.get(name))
                if isinstance(value, bytes):
                    info[name] = _pdf_text(value)
    except OFDError:
        raise
    except Exception as exc:  # pdfminer raises many kinds on damaged input
        raise OFDError(f"PDF 无法读取：{exc.__class__.__name__}") from exc
    if not pages:
        raise OFDError("PDF 没有页面。")
    return pages, info


def _pdf_text(value: bytes) -> str:
    if value.startswith(b"\xfe\xff"):
        return value[2:].decode("utf-16-be", "replace")
    return value.decode("latin-1")


# Installed stand-ins → the standard names office PCs know (only used when a font cannot be embedded).
def _standard_name(family: str, bold: bool) -> str:
    lowered = family.lower()
    if "kai" in lowered:
        return "楷体_GB2312"
    if "sans" in lowered or "hei" in lowered:
        return "黑体"
    if "serif" in lowered or "song" in lowered:
        return "方正小标宋简体" if bold else "仿宋_GB2312"
    return family or "宋体"


def _describe_font(pdffont: Any, index: int) -> _Font:
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import literal_name

    descriptor = resolve1(getattr(pdffont, "descriptor", None)) or {}
    basename = str(getattr(pdffont, "fontname", "") or "")
    basename = basename.split("+", 1)[1] if len(basename) > 7 and basename[6] == "+" else basename
    family = descriptor.get("FontFamily") if isinstance(descriptor, dict) else None
    family_name = _pdf_text(family) if isinstance(family, bytes) else basename.replace("-", " ")
    data: bytes | None = None
    for key in ("FontFile2", "FontFile3", "FontFile"):
        stream = resolve1(descriptor.get(key)) if isinstance(descriptor, dict) else None
        if stream is not None:
            subtype = stream.get("Subtype") if hasattr(stream, "get") else None
            if key == "FontFile3" and subtype is not None and literal_name(subtype) != "OpenType":
                break  # a bare CFF program: not a font file a reader can load
            try:
                data = stream.get_data()
            except Exception:
                data = None
            break
    font = _Font(
        id=0,
        name=basename,
        family=family_name,
        bold="bold" in basename.lower() or "black" in basename.lower(),
        serif="serif" in family_name.lower(),
        italic="italic" in basename.lower(),
        weight=700 if "bold" in basename.lower() else 400,
        data=None,
        ext="ttf",
    )
    if data:
        try:
            from fontTools.ttLib import TTFont

            program = TTFont(io.BytesIO(data), lazy=True)
            font.cmap = {cp: program.getGlyphID(name) for cp, name in (program.getBestCmap() or {}).items()}
            names = program["name"]
            font.name = str(names.getDebugName(6) or names.getDebugName(4) or basename)
            font.family = str(names.getDebugName(1) or family_name)
            if "OS/2" in program:
                font.weight = int(program["OS/2"].usWeightClass)
                font.bold = font.weight >= 600
            font.ext = "otf" if data[:4] == b"OTTO" else "ttf"
            font.data = data
        except Exception:  # unreadable program: refer to the font by name instead
            font.data = None
    if font.data is None:
        font.name = font.family = _standard_name(family_name, font.bold)
    return font


# ---- writing ----------------------------------------------------------------------------------------------


def _n(value: float) -> str:
    """A length in mm: three decimals (a micrometre) without trailing zeros."""
    text = f"{value:.3f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _deltas(values: list[float]) -> str:
    """DeltaX with the standard's ``g N d`` shorthand for runs of equal gaps."""
    out: list[str] = []
    i = 0
    while i < len(values):
        j = i
        while j + 1 < len(values) and _n(values[j + 1]) == _n(values[i]):
            j += 1
        count = j - i + 1
        out.append(f"g {count} {_n(values[i])}" if count > 2 else " ".join([_n(values[i])] * count))
        i = j + 1
    return " ".join(out)


def _q(tag: str) -> str:
    return f"{{{OFD_NS}}}{tag}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, _q(tag), {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _xml(root: ET.Element) -> bytes:
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True)


def _color(parent: ET.Element, tag: str, rgb: RGB, alpha: int) -> None:
    attrs = {"Value": " ".join(str(v) for v in rgb)}
    if alpha < 255:
        attrs["Alpha"] = str(max(0, alpha))
    _sub(parent, tag, **attrs)


class _Ids:
    def __init__(self) -> None:
        self.last = 0

    def next(self) -> str:
        self.last += 1
        return str(self.last)


def _same_run(prev: _Glyph, glyph: _Glyph) -> bool:
    if (
        glyph.font is not prev.font
        or abs(glyph.size - prev.size) > 1e-3
        or glyph.color != prev.color
        or glyph.alpha != prev.alpha
        or any(abs(u - v) > 1e-4 for u, v in zip(glyph.shape, prev.shape, strict=True))
    ):
        return False
    a, b = prev.shape[0], prev.shape[1]
    norm = math.hypot(a, b) or 1.0
    dx, dy = glyph.x - prev.x, glyph.y - prev.y
    along = (dx * a + dy * b) / norm  # distance along the baseline
    across = (-dx * b + dy * a) / norm
    # One baseline, moving forward, no gap wider than an em (columns and tab-like gaps start a new object).
    return abs(across) < 0.01 and along > -0.01 and along - prev.advance <= glyph.size


def _text_runs(glyphs: list[_Glyph]) -> list[list[_Glyph]]:
    runs: list[list[_Glyph]] = []
    for glyph in glyphs:
        if runs and _same_run(runs[-1][-1], glyph):
            runs[-1].append(glyph)
        else:
            runs.append([glyph])
    # Spaces at either end say nothing and some readers drop them: leave them out (the others keep positions).
    trimmed = []
    for run in runs:
        while run and not run[0].text.strip():
            run = run[1:]
        while run and not run[-1].text.strip():
            run = run[:-1]
        if run:
            trimmed.append(run)
    return trimmed


def _write_text(layer: ET.Element, run: list[_Glyph], ids: _Ids) -> None:
    first = run[0]
    a, b, c, d = first.shape
    norm = math.hypot(a, b) or 1.0
    positions = [((g.x - first.x) * a + (g.y - first.y) * b) / norm for g in run]  # along the baseline
    end = positions[-1] + run[-1].advance
    size = first.size
    upright = abs(b) < 1e-4 and abs(c) < 1e-4 and abs(d - 1) < 1e-4  # HScale covers a != 1
    attrs: dict[str, str] = {"ID": ids.next(), "Font": str(first.font.id), "Size": _n(size)}
    if upright:
        pad = size * 0.1
        left, top = first.x + min(0.0, positions[0]) - pad, first.y - size * 1.1
        attrs["Boundary"] = f"{_n(left)} {_n(top)} {_n(end + 2 * pad)} {_n(size * 1.45)}"
        if abs(a - 1) > 1e-4:
            attrs["HScale"] = _n(a)
        x0, y0, scale = first.x - left, first.y - top, 1.0
    else:
        # Rotated text: glyphs in text space (x along the baseline), placed by CTM; the Boundary holds the
        # transformed box so nothing is clipped.
        corners = [
            (0.0, -size * 1.1),
            (end / norm, -size * 1.1),
            (0.0, size * 0.35),
            (end / norm, size * 0.35),
        ]
        pts = [(first.x + u * a + v * c, first.y + u * b + v * d) for u, v in corners]
        left, top = min(p[0] for p in pts), min(p[1] for p in pts)
        right, bottom = max(p[0] for p in pts), max(p[1] for p in pts)
        attrs["Boundary"] = f"{_n(left)} {_n(top)} {_n(right - left)} {_n(bottom - top)}"
        attrs["CTM"] = " ".join(_n(v) for v in (a, b, c, d, first.x - left, first.y - top))
        x0, y0, scale = 0.0, 0.0, norm
    if first.font.weight != 400:
        attrs["Weight"] = str(min(900, max(100, round(first.font.weight / 100) * 100)))
    text_object = _sub(layer, "TextObject", **attrs)
    if first.color != (0, 0, 0) or first.alpha < 255:
        _color(text_object, "FillColor", first.color, first.alpha)
    text = "".join(g.text for g in run)
    # A glyph whose text does not lead back to it through the embedded cmap is given by ID (CGTransform).
    if first.font.data is not None:
        position = 0
        for g in run:
            if len(g.text) != 1 or first.font.cmap.get(ord(g.text)) != g.gid:
                transform = _sub(
                    text_object,
                    "CGTransform",
                    CodePosition=str(position),
                    CodeCount=str(len(g.text)),
                    GlyphCount="1",
                )
                _sub(transform, "Glyphs", str(g.gid))
            position += len(g.text)
    deltas: list[float] = []
    for i, g in enumerate(run):
        step = (positions[i + 1] - positions[i]) / scale if i + 1 < len(run) else 0.0
        deltas.extend([0.0] * (len(g.text) - 1))  # a ligature's further characters share its position
        if i + 1 < len(run):
            deltas.append(step)
    code = _sub(text_object, "TextCode", text, X=_n(x0), Y=_n(y0))
    if deltas:
        code.set("DeltaX", _deltas(deltas))


_CAPS = {1: "Round", 2: "Square"}
_JOINS = {1: "Round", 2: "Bevel"}


Segments = list[tuple[str, list[tuple[float, float]]]]


def _rect(subpath: Segments) -> tuple[float, float, float, float] | None:
    """(left, top, right, bottom) when the subpath is an axis-aligned rectangle."""
    ops = "".join(op for op, _ in subpath)
    if ops not in ("MLLLC", "MLLLLC", "MLLL", "MLLLL"):
        return None
    pts = [p for _, pts in subpath for p in pts]
    xs, ys = sorted({round(p[0], 4) for p in pts}), sorted({round(p[1], 4) for p in pts})
    if len(xs) > 2 or len(ys) > 2:
        return None
    return xs[0], ys[0], xs[-1], ys[-1]


def _frame_as_bands(segments: Segments) -> Segments | None:
    """A border drawn as an outer rectangle minus an inner one (even-odd fill, WeasyPrint's way) as the
    rectangles of its four sides: the same area under either fill rule, for readers that ignore Rule."""
    subpaths: list[Segments] = []
    for op, pts in segments:
        if op == "M":
            subpaths.append([])
        if subpaths:
            subpaths[-1].append((op, pts))
    rects = [r for r in (_rect(sub) for sub in subpaths) if r is not None]
    if len(rects) != 2 or len(subpaths) != 2:
        return None
    outer, inner = sorted(rects, key=lambda r: (r[2] - r[0]) * (r[3] - r[1]), reverse=True)
    ol, ot, or_, ob = outer
    il, it, ir, ib = inner
    if not (ol <= il and ot <= it and ir <= or_ and ib <= ob):
        return None
    if ir - il <= 0 or ib - it <= 0:
        bands = [outer]  # an empty hole: the whole box is the rule
    else:
        bands = [(ol, ot, or_, it), (ol, ib, or_, ob), (ol, it, il, ib), (ir, it, or_, ib)]
    out: Segments = []
    for left, top, right, bottom in bands:
        if right - left > 1e-4 and bottom - top > 1e-4:
            out += [("M", [(left, top)]), ("L", [(right, top)]), ("L", [(right, bottom)])]
            out += [("L", [(left, bottom)]), ("C", [])]
    return out


def _write_path(layer: ET.Element, path: _Path, ids: _Ids) -> None:
    if path.fill and path.evenodd and not path.stroke:
        bands = _frame_as_bands(path.segments)
        if bands is not None:
            path.segments, path.evenodd = bands, False
    points = [p for _, pts in path.segments for p in pts]
    if not points:
        return
    pad = path.line_width / 2 if path.stroke else 0.0
    left, top = min(p[0] for p in points) - pad, min(p[1] for p in points) - pad
    right, bottom = max(p[0] for p in points) + pad, max(p[1] for p in points) + pad
    attrs = {
        "ID": ids.next(),
        "Boundary": f"{_n(left)} {_n(top)} {_n(max(right - left, 0.001))} {_n(max(bottom - top, 0.001))}",
        "LineWidth": _n(path.line_width),
        "Stroke": "true" if path.stroke else "false",
        "Fill": "true" if path.fill else "false",
    }
    if path.evenodd and path.fill:
        attrs["Rule"] = "Even-Odd"
    if path.stroke:
        if path.cap in _CAPS:
            attrs["Cap"] = _CAPS[path.cap]
        if path.join in _JOINS:
            attrs["Join"] = _JOINS[path.join]
        if path.dash:
            attrs["DashOffset"] = _n(path.dash[1])
            attrs["DashPattern"] = " ".join(_n(v) for v in path.dash[0])
    element = _sub(layer, "PathObject", **attrs)
    if path.stroke:
        _color(element, "StrokeColor", path.stroke_color, path.alpha)
    if path.fill:
        _color(element, "FillColor", path.fill_color, path.alpha)
    data: list[str] = []
    for op, pts in path.segments:
        data.append(op)
        data.extend(f"{_n(x - left)} {_n(y - top)}" for x, y in pts)
    _sub(element, "AbbreviatedData", " ".join(data))


def _page_xml(page: _Page, ids: _Ids, default_box: tuple[float, float]) -> bytes:
    root = ET.Element(_q("Page"))
    if abs(page.width - default_box[0]) > 0.01 or abs(page.height - default_box[1]) > 0.01:
        area = _sub(root, "Area")
        _sub(area, "PhysicalBox", f"0 0 {_n(page.width)} {_n(page.height)}")
    content = _sub(root, "Content")
    layer = _sub(content, "Layer", ID=ids.next(), Type="Body")
    pending: list[_Glyph] = []

    def flush() -> None:
        for run in _text_runs(pending):
            _write_text(layer, run, ids)
        pending.clear()

    for item in page.items:
        if isinstance(item, _Glyph):
            pending.append(item)
        else:
            flush()  # keep the paint order: a fill drawn after text covers it, as in the PDF
            _write_path(layer, item, ids)
    flush()
    return _xml(root)


def _fonts_used(pages: Iterable[_Page]) -> list[_Font]:
    seen: dict[int, _Font] = {}
    for page in pages:
        for item in page.items:
            if isinstance(item, _Glyph):
                seen.setdefault(id(item.font), item.font)
    return list(seen.values())


def pdf_to_ofd(
    pdf: bytes,
    *,
    title: str = "",
    author: str = "",
    subject: str = "",
    created: dt.date | None = None,
) -> bytes:
    """The OFD package (a ZIP) of ``pdf``: same pages, page sizes and positions; text as text; fonts embedded.

    The same PDF and arguments give the same bytes (DocID from the content, fixed ZIP times), so a cached or
    signed file can be rendered again and compared."""
    pages, info = _read_pdf(pdf)
    created = created or dt.date.today()
    ids = _Ids()
    files: dict[str, bytes] = {}

    # Fonts first: their IDs are what the pages refer to.
    fonts = _fonts_used(pages)
    res = ET.Element(_q("Res"), {"BaseLoc": "Res"})
    if fonts:
        font_list = _sub(res, "Fonts")
        for number, font in enumerate(fonts):
            font.id = int(ids.next())
            element = _sub(font_list, "Font", ID=str(font.id), FontName=font.name, FamilyName=font.family)
            if font.bold:
                element.set("Bold", "true")
            if font.italic:
                element.set("Italic", "true")
            if font.serif:
                element.set("Serif", "true")
            if font.data is not None:
                name = f"font_{number}.{font.ext}"
                _sub(element, "FontFile", name)
                files[f"Doc_0/Res/{name}"] = font.data
    files["Doc_0/PublicRes.xml"] = _xml(res)
    files["Doc_0/DocumentRes.xml"] = _xml(ET.Element(_q("Res"), {"BaseLoc": "Res"}))

    default_box = (pages[0].width, pages[0].height)
    page_refs: list[tuple[str, str]] = []
    for index, page in enumerate(pages):
        page_id = ids.next()
        files[f"Doc_0/Pages/Page_{index}/Content.xml"] = _page_xml(page, ids, default_box)
        page_refs.append((page_id, f"Pages/Page_{index}/Content.xml"))

    document = ET.Element(_q("Document"))
    common = _sub(document, "CommonData")
    _sub(common, "MaxUnitID", str(ids.last))
    area = _sub(common, "PageArea")
    _sub(area, "PhysicalBox", f"0 0 {_n(default_box[0])} {_n(default_box[1])}")
    _sub(common, "PublicRes", "PublicRes.xml")
    _sub(common, "DocumentRes", "DocumentRes.xml")
    page_list = _sub(document, "Pages")
    for page_id, location in page_refs:
        _sub(page_list, "Page", ID=page_id, BaseLoc=location)
    files["Doc_0/Document.xml"] = _xml(document)

    digest = hashlib.sha256(pdf + title.encode() + author.encode()).digest()
    ofd = ET.Element(_q("OFD"), {"Version": "1.0", "DocType": "OFD"})
    body = _sub(ofd, "DocBody")
    doc_info = _sub(body, "DocInfo")
    _sub(doc_info, "DocID", uuid.UUID(bytes=digest[:16]).hex)
    _sub(doc_info, "Title", title or info.get("Title", ""))
    if author or info.get("Author"):
        _sub(doc_info, "Author", author or info.get("Author", ""))
    if subject:
        _sub(doc_info, "Subject", subject)
    _sub(doc_info, "CreationDate", created.isoformat())
    _sub(doc_info, "Creator", CREATOR)
    _sub(body, "DocRoot", "Doc_0/Document.xml")
    files = {"OFD.xml": _xml(ofd), **files}

    out = io.BytesIO()
    stamp = (created.year if created.year >= 1980 else 1980, created.month, created.day, 0, 0, 0)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
        for name, data in files.items():
            entry = zipfile.ZipInfo(name, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, data)
    return out.getvalue()
