"""A 通报 as OFD (GB/T 33190): read by readers that did not write it (same pages as the PDF, the ranking as
text, parts where the standard puts them), and downloaded from the bulletin page and the API under the same
rule and audit as the other formats."""

from __future__ import annotations

import shutil
import subprocess
import tempfile

import pytest
from django.utils import timezone

from baosong.core.models import AuditEvent
from baosong.core.ofd import pdf_to_ofd
from baosong.core.tests import ofd_reader
from baosong.scoring import bulletins
from baosong.scoring.render import render_bulletin_pdf

from .test_render_bulletin import UNITS, sample_bulletin

PERIOD = timezone.localdate().strftime("%Y-%m")


def pdf_pages(data: bytes) -> int:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        f.write(data)
        f.flush()
        info = subprocess.run(["pdfinfo", f.name], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.mark.skipif(shutil.which("pdfinfo") is None, reason="poppler-utils not installed")
def test_the_bulletin_ofd_reads_as_its_pdf_with_the_ranking_as_text():
    doc = sample_bulletin()
    pdf = render_bulletin_pdf(doc)
    ofd = pdf_to_ofd(pdf, title=doc.title, author=doc.issuing_unit, created=doc.date)
    pages, texts = ofd_reader.ofdkit_text(ofd)
    assert pages == pdf_pages(pdf)
    whole = "".join(texts).replace("\n", "").replace(" ", "").replace("\u3000", "")
    for text in [doc.masthead, doc.title, *UNITS, "王晓燕", "何志强"]:
        assert text in whole, text
    package = ofd_reader.read(ofd)
    assert package.pages == pages and package.info["Title"] == doc.title
    masthead = next(t for t in package.texts if t.page == 1 and t.text.replace(" ", "") == doc.masthead)
    assert masthead.fill == "192 0 0"
    assert any(p.fill == "192 0 0" for p in package.paths if p.page == 1)  # the red rule
    assert len([p for p in package.paths if p.page == 1]) > 10  # the table's rules and header fill


def _released(cast):  # type: ignore[no-untyped-def]
    unit = cast.county_editor.unit
    draft = bulletins.bulletin_for_period(by=cast.county_editor.user, unit=unit, period=PERIOD)
    return bulletins.bulletin_release(bulletin=draft, by=cast.county_editor.user)


def test_the_ofd_downloads_from_the_page_and_the_api_and_is_audited(cast, client_as, api):
    released = _released(cast)
    page = client_as("county_editor").get(f"/bulletins/{released.pk}/")
    assert f'href="/bulletins/{released.pk}/document.ofd"' in page.content.decode()
    response = client_as("county_editor").get(f"/bulletins/{released.pk}/document.ofd")
    assert response.status_code == 200 and response["Content-Type"] == "application/ofd"
    assert "attachment" in response["Content-Disposition"] and ".ofd" in response["Content-Disposition"]
    by_api = api("township_reporter").get(f"/api/v1/bulletins/{PERIOD}.ofd?unit={released.unit_id}")
    assert by_api.status_code == 200 and by_api.content[:2] == b"PK"
    assert "关于" in ofd_reader.read(by_api.content).info["Title"]
    events = AuditEvent.objects.filter(event_type="bulletin.download").order_by("id")
    assert [(e.user_id, e.details["format"], e.details.get("via")) for e in events] == [
        (cast.county_editor.user.pk, "ofd", None),
        (cast.township_reporter.user.pk, "ofd", "api"),
    ]


def test_another_units_bulletin_is_not_found_and_a_wrong_format_is_named(cast, client_as, api):
    released = _released(cast)
    assert client_as("outsider_editor").get(f"/bulletins/{released.pk}/document.ofd").status_code == 404
    outsider = api("outsider_editor").get(f"/api/v1/bulletins/{PERIOD}.ofd?unit={released.unit_id}")
    assert outsider.status_code == 404
    wrong = api("county_editor").get(f"/api/v1/bulletins/{PERIOD}.odf")
    assert wrong.status_code == 404
    assert wrong.json()["detail"] == "只提供 xlsx、docx、pdf 和 ofd 四种格式。"
    assert not AuditEvent.objects.filter(event_type="bulletin.download").exists()
