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
