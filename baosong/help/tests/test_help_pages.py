"""The built-in manual (/help/): every chapter answers for a logged-in user and only for one, the index
puts the user's own roles first, and every page's 帮助 link opens the chapter that explains it."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver

from baosong.help.chapters import PAGE_HELP, chapters

SLUGS = list(chapters())
HELP_LINK = re.compile(r'<a href="([^"]*)" class="help-link"')

# One cast member per role (see baosong/demo/province.py).
ROLE_ACTORS = {
    "reporter": "township_reporter",
    "reviewer": "township_reviewer",
    "editor": "county_editor",
    "chief": "county_chief",
    "leader": "county_leader",
    "sysadmin": "sysadmin",
    "secadmin": "secadmin",
    "auditadmin": "auditadmin",
}


def help_link(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    found = HELP_LINK.findall(response.content.decode())
    assert len(found) == 1, "the header has exactly one 帮助 link"
    return found[0]


def test_the_manual_has_a_chapter_for_every_role_and_a_faq() -> None:
    assert set(SLUGS) == set(ROLE_ACTORS) | {"faq"}


@pytest.mark.parametrize("url", ["/help/", *[f"/help/{slug}/" for slug in SLUGS]])
def test_the_manual_is_for_logged_in_users_only(db: None, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login")


@pytest.mark.parametrize("role", list(ROLE_ACTORS))
def test_every_role_reads_every_chapter(client_as: Any, role: str) -> None:
    client = client_as(ROLE_ACTORS[role])
    for slug in SLUGS:
        response = client.get(f"/help/{slug}/")
        assert response.status_code == 200, slug
        assert f"<h1>{chapters()[slug].title}</h1>" in response.content.decode()


def test_an_unknown_chapter_is_not_found(client_as: Any) -> None:
    assert client_as("county_editor").get("/help/nobody/").status_code == 404


def test_the_index_lists_the_users_own_roles_first(client_as: Any) -> None:
    page = client_as("county_editor").get("/help/").content.decode()
    mine, others = page.split('id="all"')
    assert "您的岗位" in mine and 'href="/help/editor/"' in mine
    assert 'href="/help/reporter/"' not in mine.split("help-cards", 1)[1]
    assert 'href="/help/reporter/"' in others and 'href="/help/editor/"' not in others


def test_the_index_without_a_role_offers_every_chapter(client_as: Any, cast: Any) -> None:
    cast.county_editor.user.memberships.all().delete()
    page = client_as("county_editor").get("/help/").content.decode()
    assert 'id="mine"' not in page and "选择您的岗位" in page
    for slug in SLUGS:
        assert f'href="/help/{slug}/"' in page


def test_the_inbox_opens_the_editor_chapter_at_the_inbox(client_as: Any) -> None:
    assert help_link(client_as("county_editor").get("/inbox/")) == "/help/editor/#inbox"


def test_a_shared_page_opens_the_chapter_of_the_users_role(client_as: Any) -> None:
    assert help_link(client_as("township_reviewer").get("/reports/review/")) == "/help/reviewer/#queue"
    assert help_link(client_as("county_chief").get("/reports/review/")) == "/help/chief/#review"
    assert help_link(client_as("county_editor").get("/issues/")) == "/help/editor/#compose"
    assert help_link(client_as("county_chief").get("/issues/")) == "/help/chief/#sign"
    assert help_link(client_as("township_reporter").get("/instructions/")) == "/help/reporter/#feedback"
    assert help_link(client_as("county_leader").get("/instructions/")) == "/help/leader/#follow"


def test_a_page_the_manual_does_not_map_opens_the_index(client_as: Any) -> None:
    assert help_link(client_as("county_editor").get("/help/")) == "/help/"


# A sample of each role's pages: the header carries the 帮助 link on business and admin pages alike.
PAGES = {
    "township_reporter": ["/", "/reports/", "/reports/new", "/reports/ledger/", "/solicitations/",
                          "/notices/", "/reading/", "/bulletins/", "/instructions/", "/staff/",
                          "/search/?q=防汛", "/accounts/profile"],
    "township_reviewer": ["/", "/reports/review/", "/reports/"],
    "county_editor": ["/", "/inbox/", "/inbox/groups/", "/issues/", "/solicitations/new", "/stats/",
                      "/stats/ledger/", "/bulletins/", "/publish/"],
    "county_chief": ["/", "/issues/", "/reports/review/", "/stats/"],
    "county_leader": ["/", "/reading/", "/instructions/", "/stats/"],
    "sysadmin": ["/", "/manage/units/", "/manage/users/", "/manage/import", "/manage/rules/",
                 "/manage/publications/", "/manage/templates/", "/manage/scoring/", "/manage/portal/"],
    "secadmin": ["/", "/security/accounts", "/security/locked", "/security/sessions", "/security/policy"],
    "auditadmin": ["/", "/audit/"],
}  # fmt: skip


@pytest.mark.parametrize("actor", list(PAGES))
def test_every_page_has_the_help_link_in_its_header(client_as: Any, actor: str) -> None:
    client = client_as(actor)
    for url in PAGES[actor]:
        response = client.get(url)
        link = help_link(response)
        assert link.startswith("/help/"), url
        name = response.resolver_match.url_name
        if name in PAGE_HELP:
            assert link != "/help/", f"{url} is mapped but its link opens the index"


def test_every_mapped_page_exists_and_every_mapped_anchor_is_in_its_chapter(client_as: Any) -> None:
    names = {k for k in get_resolver().reverse_dict if isinstance(k, str)}
    client = client_as("county_editor")
    pages = {slug: client.get(f"/help/{slug}/").content.decode() for slug in SLUGS}
    for url_name, targets in PAGE_HELP.items():
        assert url_name in names, f"PAGE_HELP names an unknown page {url_name!r}"
        for slug, anchor in targets:
            assert slug in pages, (url_name, slug)
            assert not anchor or f'id="{anchor}"' in pages[slug], (url_name, slug, anchor)


def test_every_task_in_the_table_of_contents_has_its_section(client_as: Any) -> None:
    client = client_as("county_reporter")
    for slug, chapter in chapters().items():
        page = client.get(f"/help/{slug}/").content.decode()
        for anchor, title in chapter.tasks:
            assert f'<section id="{anchor}">' in page, (slug, anchor)
            assert f'href="#{anchor}"' in page and title in page, (slug, anchor)
