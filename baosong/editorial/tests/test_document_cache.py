"""An issue's PDF, DOCX and OFD are rendered once per content: the second download (page or API) is served
from the encrypted file the first one left, and any change to what the issue shows renders afresh."""

from __future__ import annotations

import stat
from typing import Any

from baosong.editorial import documents, services
from baosong.editorial.tests.conftest import adopted_at_county, distributed_county_issue


def counting(monkeypatch: Any) -> dict[str, int]:
    calls = dict.fromkeys(documents.RENDERERS, 0)
    for fmt, render in list(documents.RENDERERS.items()):

        def counted(doc: Any, fmt: str = fmt, render: Any = render) -> bytes:
            calls[fmt] += 1
            return render(doc)

        monkeypatch.setitem(documents.RENDERERS, fmt, counted)
    return calls


def test_downloads_render_once_per_content(
    cast: Any, client_as: Any, api: Any, settings: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    settings.DOCUMENT_CACHE_DIR = tmp_path / "documents"
    calls = counting(monkeypatch)
    editing = services.issue_create(
        by=cast.county_editor.user,
        publication=distributed_county_issue(cast, [adopted_at_county(cast)]).publication,
    )
    issue = distributed_county_issue(cast, [adopted_at_county(cast, "城关镇推进农村人居环境整治")])
    client = client_as("county_editor")
    first = client.get(f"/issues/{issue.pk}/document.pdf")
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    second = client_as("county_chief").get(f"/issues/{issue.pk}/document.pdf")
    by_api = api("county_editor").get(f"/api/v1/issues/{issue.pk}/document.pdf")
    assert second.content == first.content == by_api.content
    assert calls["pdf"] == 1
    docx = client.get(f"/issues/{issue.pk}/document.docx")
    assert docx.content.startswith(b"PK") and calls["docx"] == 1
    assert client.get(f"/issues/{issue.pk}/document.docx").content == docx.content and calls["docx"] == 1

    # Kept encrypted, readable by the service account only.
    stored = sorted((tmp_path / "documents").glob("*.sm4"))
    assert len(stored) == 2
    for path in stored:
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert not path.read_bytes().startswith((b"%PDF", b"PK"))
    assert stat.S_IMODE((tmp_path / "documents").stat().st_mode) == 0o700

    # What the issue shows changes: rendered again, never the old file.
    client.get(f"/issues/{editing.pk}/document.pdf")
    services.issue_update(issue=editing, by=cast.county_editor.user, print_count=99)
    changed = client.get(f"/issues/{editing.pk}/document.pdf")
    assert changed.status_code == 200 and calls["pdf"] == 3


def test_a_damaged_cache_file_is_rendered_again(
    cast: Any, client_as: Any, settings: Any, tmp_path: Any
) -> None:
    settings.DOCUMENT_CACHE_DIR = tmp_path
    issue = distributed_county_issue(cast, [adopted_at_county(cast)])
    client = client_as("county_editor")
    good = client.get(f"/issues/{issue.pk}/document.pdf").content
    for path in tmp_path.glob("*.sm4"):
        path.write_bytes(b"BSE1" + b"\0" * 40)
    again = client.get(f"/issues/{issue.pk}/document.pdf")
    assert again.status_code == 200 and again.content.startswith(b"%PDF")
    assert len(again.content) > len(good) // 2


def test_the_ofd_is_kept_too_and_made_from_the_kept_pdf(
    cast: Any, client_as: Any, api: Any, settings: Any, tmp_path: Any, monkeypatch: Any
) -> None:
    settings.DOCUMENT_CACHE_DIR = tmp_path / "documents"
    calls = counting(monkeypatch)
    issue = distributed_county_issue(cast, [adopted_at_county(cast)])
    client = client_as("county_editor")
    pdf = client.get(f"/issues/{issue.pk}/document.pdf")
    first = client.get(f"/issues/{issue.pk}/document.ofd")
    assert first.status_code == 200 and first.content.startswith(b"PK")
    assert (calls["pdf"], calls["ofd"]) == (1, 1)  # the OFD came from the PDF already kept
    again = api("county_editor").get(f"/api/v1/issues/{issue.pk}/document.ofd")
    assert again.content == first.content and calls["ofd"] == 1
    assert pdf.status_code == 200 and len(sorted((tmp_path / "documents").glob("*.sm4"))) == 2
