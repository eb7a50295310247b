"""The manual's chapters and where each page's 帮助 link points.

The chapters' Chinese titles, summaries and task lists live in ``data/chapters.json``; their text lives
in ``templates/help/chapters/<slug>.html``. This module only knows slugs, role codes and anchors."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.urls import reverse

DATA = Path(__file__).resolve().parent / "data" / "chapters.json"

FAQ = "faq"

# URL name → the chapters (slug, anchor) that explain that page, in order of preference. The link picks
# the first chapter whose role the user holds (an editor and a reporter read different things on a report
# page), else the first one. An empty anchor opens the chapter at its top.
PAGE_HELP: dict[str, list[tuple[str, str]]] = {
    "home": [
        ("reporter", "workbench"), ("reviewer", "queue"), ("editor", "inbox"), ("chief", "sign"),
        ("leader", "reading"), ("sysadmin", ""), ("secadmin", ""), ("auditadmin", ""),
    ],
    # reports
    "report_list": [("reporter", "write"), ("reviewer", "queue")],
    "report_new": [("reporter", "write")],
    "report_edit": [("reporter", "write")],
    "report_import_docx": [("reporter", "word")],
    "report_detail": [("reporter", "track"), ("reviewer", "approve"), ("editor", "receive")],
    "review_queue": [("reviewer", "queue"), ("chief", "review"), ("leader", "review")],
    "ledger": [("editor", "ledger"), ("reporter", "ledger"), ("reviewer", "ledger")],
    "inbox": [("editor", "inbox")],
    "submission_detail": [("editor", "receive")],
    "inbox_groups": [("editor", "groups")],
    "behalf_register": [("editor", "behalf")],
    "intake_list": [("editor", "intake"), ("sysadmin", "intake")],
    "intake_detail": [("editor", "intake"), ("sysadmin", "intake")],
    "inbox_group": [("editor", "groups")],
    "oversight_home": [("editor", "oversight"), ("reporter", "omission"), ("reviewer", "")],
    "oversight_alert": [("editor", "oversight"), ("reporter", "omission"), ("reviewer", "")],
    "oversight_settings": [("sysadmin", "oversight")],
    "federation_home": [("sysadmin", "federation")],
    "federation_peer": [("sysadmin", "federation")],
    # editorial
    "issue_list": [("editor", "compose"), ("chief", "sign"), ("leader", "reading")],
    "issue_detail": [("editor", "compose"), ("chief", "sign"), ("leader", "reading")],
    "issue_readers": [("editor", "distribute")],
    "reading_list": [("leader", "reading"), ("editor", "distribute")],
    "reading_detail": [("leader", "instruct"), ("editor", "distribute")],
    # notifications, solicitations, instructions
    "notification_list": [(FAQ, "notifications")],
    "solicitation_list": [("editor", "solicit"), ("reporter", "solicitation")],
    "solicitation_new": [("editor", "solicit")],
    "solicitation_detail": [("editor", "solicit"), ("reporter", "solicitation")],
    "solicitation_relay": [("editor", "relay")],
    "instruction_list": [("leader", "follow"), ("editor", "instructions"), ("reporter", "feedback")],
    "instruction_detail": [("leader", "follow"), ("editor", "instructions"), ("reporter", "feedback")],
    # structured reports
    "dr_index": [("editor", "datareports"), ("reporter", "datareport")],
    "dr_collection_new": [("editor", "datareports")],
    "dr_collection": [("editor", "datareports"), ("reporter", "datareport")],
    "dr_return": [("reporter", "datareport"), ("editor", "datareports")],
    "dr_forms": [("sysadmin", "datareports"), ("editor", "datareports")],
    "dr_form": [("sysadmin", "datareports"), ("editor", "datareports")],
    "dr_form_new": [("sysadmin", "datareports")],
    "dr_form_revise": [("sysadmin", "datareports")],
    "dr_policy": [("sysadmin", "datareports")],
    # the 信息员 register
    "roster_home": [("editor", "roster"), ("reporter", "roster")],
    "roster_missing": [("editor", "roster")],
    "roster_unit": [("reporter", "roster"), ("editor", "roster")],
    "roster_entry_new": [("reporter", "roster"), ("editor", "roster")],
    "roster_entry_edit": [("reporter", "roster"), ("editor", "roster")],
    "roster_rounds": [("editor", "roster"), ("reporter", "roster")],
    "roster_round_new": [("editor", "roster")],
    "roster_round": [("editor", "roster"), ("reporter", "roster")],
    # scoring
    "stats_dashboard": [("editor", "stats"), ("chief", "stats"), ("leader", "stats")],
    "stats_ledger": [("editor", "scores"), (FAQ, "scores")],
    "bulletin_list": [("editor", "bulletins"), (FAQ, "scores")],
    "bulletin_detail": [("editor", "bulletins"), (FAQ, "scores")],
    "appraisal_home": [("editor", "appraisal"), ("chief", "stats"), ("leader", "stats")],
    "appraisal_page": [("editor", "appraisal"), ("chief", "stats"), ("leader", "stats")],
    "targets_page": [("editor", "appraisal"), ("sysadmin", "scoring")],
    # search and the portal desk
    "search": [(FAQ, "search")],
    "portal_releases": [
        ("editor", "portal"), ("chief", "portal"), ("reviewer", "portal"), ("leader", "portal"),
    ],
    "portal_release_new": [("editor", "portal")],
    "portal_release_queue": [("chief", "portal"), ("reviewer", "portal"), ("leader", "portal")],
    "portal_release_detail": [("editor", "portal"), ("chief", "portal"), ("reviewer", "portal")],
    # account
    "profile": [(FAQ, "password")],
    "password_change": [(FAQ, "password")],
    "staff_list": [(FAQ, "staff")],
    # system administrator
    "unit_list": [("sysadmin", "units")],
    "unit_detail": [("sysadmin", "review-chain")],
    "unit_create": [("sysadmin", "units")],
    "unit_edit": [("sysadmin", "units")],
    "user_list": [("sysadmin", "users")],
    "user_detail": [("sysadmin", "users")],
    "user_create": [("sysadmin", "users")],
    "import_page": [("sysadmin", "import")],
    "rules_page": [("sysadmin", "rules")],
    "category_new": [("sysadmin", "rules")],
    "category_edit": [("sysadmin", "rules")],
    "calendar_page": [("sysadmin", "calendar")],
    "publication_list": [("sysadmin", "publications")],
    "publication_edit": [("sysadmin", "publications")],
    "template_list": [("sysadmin", "templates")],
    "template_edit": [("sysadmin", "templates")],
    "rules_admin": [("sysadmin", "scoring")],
    "rule_set_edit": [("sysadmin", "scoring")],
    "portal_manage": [("sysadmin", "portal")],
    # security administrator
    "security_accounts": [("secadmin", "accounts")],
    "security_locked": [("secadmin", "locked")],
    "security_sessions": [("secadmin", "sessions")],
    "security_policy": [("secadmin", "policy")],
    "signing_keys": [("secadmin", "signing-keys")],
    "verify": [(FAQ, "verify")],
    "verify_keys": [(FAQ, "verify")],
    # audit administrator
    "audit_list": [("auditadmin", "audit")],
}  # fmt: skip


@dataclass(frozen=True)
class Chapter:
    slug: str
    role: str | None  # the role code the chapter is written for; None for 常见问题
    title: str
    summary: str
    tasks: tuple[tuple[str, str], ...]  # (anchor, task title)

    @property
    def url(self) -> str:
        return reverse("help_chapter", args=[self.slug])


@cache
def chapters() -> dict[str, Chapter]:
    """All chapters by slug, in the manual's order (the workflow's order: write → review → edit → sign
    → read, then the three administrators, then the FAQ)."""
    raw = json.loads(DATA.read_text(encoding="utf-8"))
    return {
        c["slug"]: Chapter(
            slug=c["slug"],
            role=c.get("role"),
            title=c["title"],
            summary=c["summary"],
            tasks=tuple((t["anchor"], t["title"]) for t in c["tasks"]),
        )
        for c in raw["chapters"]
    }


def help_target(url_name: str | None, roles: set[str]) -> tuple[str, str] | None:
    """The (chapter slug, anchor) that explains the page ``url_name`` to someone holding ``roles``."""
    candidates = PAGE_HELP.get(url_name or "")
    if not candidates:
        return None
    for slug, anchor in candidates:
        if chapters()[slug].role in roles:
            return slug, anchor
    return candidates[0]


def help_url(url_name: str | None, roles: set[str]) -> str:
    """The 帮助 link of a page: its chapter and anchor, or the manual's index for pages it does not map."""
    target = help_target(url_name, roles)
    if target is None:
        return reverse("help_index")
    slug, anchor = target
    url = reverse("help_chapter", args=[slug])
    return f"{url}#{anchor}" if anchor else url
