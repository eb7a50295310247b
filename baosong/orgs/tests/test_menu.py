"""The header's menu: each role's entries, the current page marked, the same addresses as the routes."""

from __future__ import annotations

import re

from django.urls import reverse


def _menu(html: str) -> list[tuple[str, str, bool]]:
    nav = html[html.index('<nav class="mainnav"') : html.index("</nav>")]
    links = re.findall(r'<a href="([^"]+)" (aria-current="page")?\s*>([^<]+)</a>', nav)
    return [(href, label, bool(current)) for href, current, label in links]


def test_each_role_sees_its_entries_and_the_page_it_is_on(cast, client_as):
    editor = _menu(client_as("county_editor").get("/inbox/").content.decode())
    assert ("/", "工作台", False) in editor
    assert (reverse("inbox"), "收件箱", True) in editor
    assert [label for _, label, current in editor if current] == ["收件箱"]
    assert "用户管理" not in [label for _, label, _ in editor]
    reporter = _menu(client_as("township_reporter").get("/").content.decode())
    assert ("/", "工作台", True) in reporter
    assert (reverse("report_list"), "本单位信息", False) in reporter
    assert "收件箱" not in [label for _, label, _ in reporter]
    admin = _menu(client_as("sysadmin").get(reverse("user_list")).content.decode())
    assert (reverse("user_list"), "用户管理", True) in admin
    assert "收件箱" not in [label for _, label, _ in admin]


def test_the_header_links_point_at_their_routes(cast, client_as):
    html = client_as("county_editor").get("/").content.decode()
    for name in ("search", "notification_list", "notification_unread", "profile", "logout"):
        assert f'"{reverse(name)}"' in html, name


def test_only_the_page_own_entry_is_current_among_entries_sharing_a_prefix(cast, client_as):
    """The 安全管理员's five entries all live under /security/: only the page's own is marked."""
    client = client_as("secadmin")
    for name in ("signing_keys", "security_accounts", "security_policy"):
        menu = _menu(client.get(reverse(name)).content.decode())
        assert [href for href, _, current in menu if current] == [reverse(name)], name
