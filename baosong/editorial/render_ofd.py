"""The OFD (GB/T 33190-2016) of an issue: its PDF's pages re-expressed as OFD by ``core.ofd``, so the two
formats have the same pages and positions; the metadata (title, issuing unit, date) comes from the issue."""

from __future__ import annotations

from baosong.core.ofd import pdf_to_ofd
from baosong.editorial import render_pdf
from baosong.editorial.document import IssueDocument


def render_issue_ofd(doc: IssueDocument, *, pdf: bytes | None = None) -> bytes:
    """The OFD of an issue, from its PDF (``pdf`` when the caller already has it, e.g. from the cache)."""
    if pdf is None:
        pdf = render_pdf.render_issue_pdf(doc)
    return pdf_to_ofd(
        pdf,
        title=f"{doc.publication_name}{doc.number_text}",
        author=doc.issuing_unit,
        created=doc.date,
    )
