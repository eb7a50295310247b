"""Real Chromium draws page 1 of an issue's OFD with ofd.js (a browser OFD renderer from npm, served from the
local node_modules) and it matches page 1 of the PDF drawn by poppler: the red masthead and the red rule under
it stand where they stand in the PDF, within a millimetre or two. Both pictures are kept in test-artifacts/.

ofd.js is pinned to 0.2.6: the registry's newer 1.5.0 is a different product whose parser needs a WebAssembly
core (parser_helper_x.wasm) that no npm package ships; 0.2.6 is the Apache-2.0 renderer as one UMD file."""

from __future__ import annotations

import base64
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from baosong.demo.sample_issue import sample_document
from baosong.editorial.render_ofd import render_issue_ofd
from baosong.editorial.render_pdf import render_issue_pdf
from conftest import ARTIFACTS, CHROMIUM

OFD_JS = Path(__file__).resolve().parents[3] / "node_modules" / "ofd.js" / "lib" / "ofd.umd.min.js"
PX_PER_MM = 4  # ofd.js draws at this scale; poppler at the same (101.6 dpi)

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed (make setup)"),
    pytest.mark.skipif(not shutil.which("pdftoppm"), reason="poppler-utils not installed"),
    pytest.mark.skipif(not OFD_JS.is_file(), reason="ofd.js is not installed (make setup runs npm ci)"),
]


def red_marks(path: Path) -> tuple[int, tuple[int, int, int, int]]:
    """(the y of the red rule, the masthead's red box left/top/right/bottom) in pixels."""
    image = Image.open(path).convert("RGB")
    width, height = image.size
    pixels: list[tuple[int, int, int]] = list(image.get_flattened_data())
    rows: dict[int, list[int]] = {}
    for y in range(height // 2):
        for x in range(width):
            r, g, b = pixels[y * width + x]
            if r > 140 and g < 90 and b < 90:
                rows.setdefault(y, []).append(x)
    rule = min(y for y, xs in rows.items() if len(xs) > 120 * PX_PER_MM)  # wider than 120 mm: the rule
    above = {y: xs for y, xs in rows.items() if y < rule - 2}
    left, right = min(min(xs) for xs in above.values()), max(max(xs) for xs in above.values())
    box = (left, min(above), right, max(above))
    return rule, box


def test_ofd_js_draws_page_one_like_the_pdf(browser_context, tmp_path):
    doc = sample_document(3)
    pdf = render_issue_pdf(doc)
    ofd = render_issue_ofd(doc, pdf=pdf)
    (tmp_path / "issue.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", str(PX_PER_MM * 25.4), "-png", "-singlefile", "-f", "1", "-l", "1",
         str(tmp_path / "issue.pdf"), str(ARTIFACTS / "ofd-issue-pdf-p1")],
        check=True,
    )  # fmt: skip

    page = browser_context.new_context(viewport={"width": 1000, "height": 1300}).new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.set_content("<!doctype html><meta charset=utf-8><body style='margin:0'><div id=pages></div></body>")
    page.add_script_tag(path=str(OFD_JS))
    count = page.evaluate(
        """async ([b64, scale]) => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const docs = await new Promise((ok, fail) =>
                ofd.parseOfdDocument({ofd: bytes.buffer, success: ok, fail: fail}));
            ofd.setPageScale(scale);
            const divs = ofd.renderOfdByScale(docs[0]);
            divs.forEach(div => document.getElementById("pages").appendChild(div));
            return divs.length;
        }""",
        [base64.b64encode(ofd).decode(), PX_PER_MM],
    )
    assert count >= 1 and not errors
    first = page.locator("#pages > div").first
    assert first.bounding_box()["width"] == pytest.approx(210 * PX_PER_MM, abs=2)
    assert page.locator("#pages > div").first.get_by_text("临").count() >= 1  # drawn as text, not a picture
    first.screenshot(path=str(ARTIFACTS / "ofd-issue-ofdjs-p1.png"))

    ofd_rule, ofd_box = red_marks(ARTIFACTS / "ofd-issue-ofdjs-p1.png")
    pdf_rule, pdf_box = red_marks(ARTIFACTS / "ofd-issue-pdf-p1.png")
    mm = PX_PER_MM
    assert abs(ofd_rule - pdf_rule) <= 1 * mm, (ofd_rule, pdf_rule)
    for edge_ofd, edge_pdf in zip(ofd_box, pdf_box, strict=True):
        assert abs(edge_ofd - edge_pdf) <= 2 * mm, (ofd_box, pdf_box)
    # Where GB/T 9704 puts them: the rule about 92 mm from the top, the masthead within the text block.
    assert 85 * mm < pdf_rule < 100 * mm
    assert ofd_box[0] >= 28 * mm - 2 and ofd_box[2] <= 184 * mm + 2
