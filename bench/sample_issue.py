"""Render the sample issue of 《临江政务信息》 (baosong/demo/sample_issue.py) to PDF and PNG.

    .venv/bin/python bench/sample_issue.py OUT_DIR [--items 6] [--dpi 90]

writes OUT_DIR/sample-issue.pdf, sample-review-sheet.pdf and PNGs of the first and last pages and of the
审核表 (pdftoppm from poppler-utils).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from baosong.demo.sample_issue import sample_document, sample_review_sheet


def _setup_django() -> None:
    from django.conf import settings

    if settings.configured:
        return
    # Templates only: no apps (and so no models or database) are needed to render.
    templates = Path(__file__).resolve().parent.parent / "baosong" / "editorial" / "templates"
    settings.configure(
        TEMPLATES=[{"BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [templates]}],
        USE_TZ=True,
        TIME_ZONE="Asia/Shanghai",
    )
    import django

    django.setup()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--items", type=int, default=6)
    parser.add_argument("--dpi", type=int, default=90)
    parser.add_argument("--withdrawn", action="store_true")
    args = parser.parse_args(argv)
    _setup_django()
    from baosong.editorial.render_pdf import issue_html, render_issue_pdf, render_review_sheet_pdf

    out: Path = args.out_dir
    out.mkdir(parents=True, exist_ok=True)
    doc = sample_document(args.items, withdrawn=args.withdrawn)
    issue_pdf = out / "sample-issue.pdf"
    issue_pdf.write_bytes(render_issue_pdf(doc))
    (out / "sample-issue.html").write_text(issue_html(doc, screen=True), encoding="utf-8")
    sheet_pdf = out / "sample-review-sheet.pdf"
    sheet_pdf.write_bytes(render_review_sheet_pdf(sample_review_sheet()))

    info = subprocess.run(["pdfinfo", str(issue_pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    dpi = str(args.dpi)
    for name, page in (("sample-issue-p1", 1), ("sample-issue-last", pages)):
        subprocess.run(
            ["pdftoppm", "-r", dpi, "-png", "-singlefile", "-f", str(page), "-l", str(page), str(issue_pdf),
             str(out / name)],
            check=True,
        )  # fmt: skip
    subprocess.run(
        ["pdftoppm", "-r", dpi, "-png", "-singlefile", "-f", "1", "-l", "1", str(sheet_pdf),
         str(out / "sample-review-sheet")],
        check=True,
    )  # fmt: skip
    print(
        f"{issue_pdf}: {pages} 页; {sheet_pdf}; "
        "PNG: sample-issue-p1.png sample-issue-last.png sample-review-sheet.png"
    )


if __name__ == "__main__":
    main()
