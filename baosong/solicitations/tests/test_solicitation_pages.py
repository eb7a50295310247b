"""The 约稿 pages: a refused 约稿 keeps the ticked units (desk walkthrough, issue 11); the list reads as
cards on a phone, each row starting with its title (app.js makes the first cell the card's heading)."""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from baosong.solicitations import services as solicitations
from baosong.solicitations.models import Solicitation


def _first_cell(html: str) -> str:
    rows = re.findall(r"<tr[^>]*>\s*<td[^>]*>(.*?)</td>", html, re.S)
    assert rows, "no rows"
    return rows[0]


def test_a_refused_solicitation_keeps_the_ticked_units(cast, client_as):
    township = cast.township_reporter.unit
    r = client_as("county_editor").post(
        "/solicitations/new",
        {
            "kind": Solicitation.Kind.SOLICITATION,
            "title": "关于报送防汛信息的约稿",
            "requirements": "500字以内",
            "deadline": "",
            "units": [township.pk],
            "subtree": [township.pk],
        },
    )
    assert r.status_code == 400
    page = r.content.decode()
    assert f'name="units" value="{township.pk}" checked' in page
    assert f'name="subtree" value="{township.pk}" checked' in page
    assert "关于报送防汛信息的约稿" in page and "500字以内" in page


def test_a_solicitation_row_starts_with_its_title(cast, client_as):
    solicitations.solicitation_create(
        by=cast.county_editor.user,
        unit=cast.county_editor.unit,
        title="关于报送森林防火工作信息的约稿",
        deadline=timezone.now() + dt.timedelta(days=2),
        unit_ids=[cast.township_reporter.unit.pk],
    )
    html = client_as("township_reporter").get("/solicitations/").content.decode()
    assert "关于报送森林防火工作信息的约稿" in _first_cell(html)
