"""The statistics page as the desk walkthrough (issue 11) found it on a phone."""

from __future__ import annotations

import re


def test_the_total_row_is_made_of_cells_a_phone_can_label(cast, client_as):
    # app.js labels <td>s with their column header below 640 px; a row of <th>s became an unlabeled
    # line of bare numbers wider than the screen.
    page = client_as("county_editor").get("/stats/").content.decode()
    total = re.search(r'<tr class="row-total">(.*?)</tr>', page, re.S)
    assert total is not None
    assert "<th" not in total.group(1) and "<td>合计</td>" in total.group(1)


def test_the_bulletin_list_names_the_period_in_words(cast, client_as):
    client = client_as("county_editor")
    unit = cast.county_editor.unit.pk
    client.post("/bulletins/", {"unit": unit, "period": "2026-Q3"})
    client.post("/bulletins/", {"unit": unit, "period": "2026-11"})
    page = client.get("/bulletins/").content.decode()
    assert "2026年第3季度" in page and "2026年11月" in page
    assert ">2026-Q3<" not in page and ">2026-11<" not in page


def test_compiling_a_bulletin_says_a_draft_was_made(cast, client_as):
    client = client_as("county_editor")
    r = client.post("/bulletins/", {"unit": cast.county_editor.unit.pk, "period": "2026-11"}, follow=True)
    assert "2026年11月的通报草稿已生成" in r.content.decode()
