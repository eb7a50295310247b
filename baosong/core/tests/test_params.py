from __future__ import annotations

import datetime as dt

import pytest

from baosong.core.params import MAX_ID, local_day_bounds, parse_count, parse_id, parse_ids


def test_an_id_is_a_positive_integer_a_key_column_holds() -> None:
    assert parse_id(" 42 ") == 42
    assert parse_id(str(MAX_ID)) == MAX_ID
    for text in (None, "", "0", "-1", "abc", "²", "１２", str(MAX_ID + 1), "1.0"):
        assert parse_id(text) is None, text


def test_ids_keep_the_readable_ones_in_order() -> None:
    assert parse_ids(["3", "abc", "²", "1", "99999999999999999999"]) == [3, 1]


def test_a_count_may_be_zero_but_not_beyond_an_integer_column() -> None:
    assert parse_count("0") == 0
    assert parse_count(str(2**31)) is None and parse_count("-1") is None


def test_days_at_the_edge_of_the_calendar_are_no_bound() -> None:
    assert local_day_bounds(dt.date.min, dt.date.max) == (None, None)
    start, end = local_day_bounds(dt.date(2026, 5, 1), dt.date(2026, 5, 31))
    assert start is not None and end is not None
    assert (start.date(), end.date(), end - start) == (
        dt.date(2026, 5, 1),
        dt.date(2026, 6, 1),
        dt.timedelta(days=31),
    )


@pytest.mark.parametrize(
    "url",
    [
        "/reports/9223372036854775808/",
        "/issues/9223372036854775808/",
        "/inbox/99999999999999999999999/",
        "/instructions/9223372036854775808/",
        "/manage/units/9223372036854775808/",
    ],
)
def test_pages_answer_an_id_no_key_can_hold_with_404(client_as, url):
    response = client_as("county_editor").get(url)
    assert response.status_code in (403, 404), (url, response.status_code)
