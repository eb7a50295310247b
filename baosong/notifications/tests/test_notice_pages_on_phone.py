"""The 通知 list reads as cards on a phone: each row starts with its title (app.js makes the first cell the
card's heading), and paging keeps the filter. (The 约稿 list's case is in
solicitations/tests/test_solicitation_pages.py.)"""

from __future__ import annotations

import re

from baosong.notifications import services as notifications


def _first_cell(html: str) -> str:
    rows = re.findall(r"<tr[^>]*>\s*<td[^>]*>(.*?)</td>", html, re.S)
    assert rows, "no rows"
    return rows[0]


def test_a_notification_row_starts_with_its_title(cast, client_as):
    notifications.notify(
        users=[cast.township_reporter.user], kind="info", title="东湖区已采用：城关镇防汛演练"
    )
    html = client_as("township_reporter").get("/notices/").content.decode()
    assert "东湖区已采用" in _first_cell(html)


def test_paging_the_unread_notifications_stays_on_unread(cast, client_as):
    user = cast.township_reporter.user
    for n in range(31):
        notifications.notify(users=[user], kind="info", title=f"通知{n}")
    html = client_as("township_reporter").get("/notices/?unread=1").content.decode()
    assert "?page=2&amp;unread=1" in html


def test_marking_all_read_says_what_it_did(cast, client_as):
    notifications.notify(users=[cast.township_reporter.user], kind="info", title="东湖区已采用")
    client = client_as("township_reporter")
    assert "已将 1 条通知标为已读" in client.post("/notices/read", follow=True).content.decode()
    assert "没有未读通知" in client.post("/notices/read", follow=True).content.decode()
