"""Robustness of the HTML pages: every page a cast member can reach by following links answers without a
server error, also when its query string is hostile, and a sibling county's objects are not shown.

The crawl starts at "/" for each cast member, follows same-site links (href and hx-get) and counts a URL
pattern once (/reports/1/ and /reports/2/ are the same page). The JSON API has its own fuzzing test
(baosong/api/tests/test_schemathesis.py); this one covers the pages."""

from __future__ import annotations

import datetime as dt
import re
import traceback
from collections import deque
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from baosong.core.outbox import process_outbox
from baosong.editorial import services as issue_services
from baosong.editorial.tests.conftest import adopted_at_county, distributed_county_issue, sent_to_county
from baosong.instructions import services as instruction_services
from baosong.reports import services as report_services
from baosong.scoring.models import RuleSet
from baosong.solicitations import services as solicitation_services

CRAWLERS = [
    "township_reporter",
    "township_reviewer",
    "county_reporter",
    "county_editor",
    "county_chief",
    "county_leader",
    "city_editor",
    "province_editor",
    "sysadmin",
    "secadmin",
    "auditadmin",
]
# Members of 东湖区 (the demo county) whose objects the sibling county 临县 must not see.
HOME_COUNTY = ["township_reporter", "county_reporter", "county_editor", "county_chief", "county_leader"]
OUTSIDERS = ["outsider_editor", "outsider_township_reporter"]
MAX_PAGES_PER_USER = 150

# Never followed: leaving the session, the API (fuzzed on its own), static files and the public site's
# own crawl (portal/tests), and the health check (503 is its way of saying "no worker").
SKIP = re.compile(r"^/(accounts/logout|api/|static/|media/|healthz)")
# Renderings that take a second or more (WeasyPrint, python-docx, openpyxl): fetched once per pattern for
# the whole run rather than once per person, and not re-requested with hostile query strings.
HEAVY = re.compile(r"\.(pdf|docx|xlsx|csv)$|/document\.|/export")

ID_NAMES = ["unit", "publication", "issue", "submission", "solicitation", "source", "source_unit", "user"]
# Query strings a person (or a scanner) may type: each page reads some of these names.
HOSTILE_PARAMS: list[dict[str, str]] = [
    {
        "page": "abc",
        "page_size": "0",
        "q": "防汛" * 1000,
        "unit": "999999999",
        "period": "abc",
        "year": "abc",
        "month": "13",
        "date": "2026-02-31",
        "from": "2026-02-31",
        "to": "2026-02-31",
        "start": "2026-02-31",
        "end": "2026-02-31",
        "date_from": "2026-02-31",
        "date_to": "2026-02-31",
        "status": "nonsense",
        "category": "nonsense",
        "urgency": "nonsense",
        "kind": "nonsense",
        "sort": "nonsense",
        "ids": "1,abc",
        "publication": "abc",
        "issue": "abc",
        "submission": "abc",
        "solicitation": "abc",
        "selected": "abc",
        "source": "abc",
        "format": "nonsense",
    },
    {
        "page": "-1",
        "q": '"',
        "unit": "abc",
        "period": "2026-13",
        "year": "99999999999999999999",
        "month": "-1",
        "date": "abc",
        "from": "abc",
        "to": "abc",
        "start": "abc",
        "end": "abc",
        "date_from": "abc",
        "date_to": "abc",
        "ids": "abc",
        "publication": "99999999999999999999",
        "issue": "-1",
        "submission": "99999999999999999999",
        "source": "99999999999999999999",
        "code": "'",
    },
    {
        "page": "999999",
        "page_size": "-5",
        "q": "' OR 1=1 --",
        "unit": "-1",
        "period": "9999",
        "year": "0",
        "month": "0",
        "from": "9999-12-31",
        "to": "0001-01-01",
        "date_from": "0001-01-01",
        "date_to": "9999-12-31",
        "ids": ",,,",
    },
    {
        "q": "防汛",
        "period": "0000",
        "year": "9999",
        "date": "0001-01-01",
        "from": "0001-01-01",
        "to": "9999-12-31",
        "start": "0001-01-01",
        "end": "9999-12-31",
        "date_from": "0001-01-01",
        "date_to": "9999-12-31",
    },
    {
        "q": "防汛",
        "period": "9999-Q4",
        **dict.fromkeys(ID_NAMES, "99999999999999999999"),
        "ids": "99999999999999999999",
        "selected": "99999999999999999999",
    },
    {
        **dict.fromkeys([*ID_NAMES, "page"], "²"),
        "ids": "1,²",
    },
]
# Parameter values tried on every name the crawl saw in a page's links and GET forms.
HOSTILE_VALUES = [
    "abc",
    "-1",
    "99999999999999999999",
    "2026-02-31",
    "0001-01-01",
    "9999-12-31",
    "9999",
    "x" * 3000,
    '"<>',
    "1,abc",
    "²",  # a digit to str.isdigit(), not to int()
    "",
]


@dataclass
class Finding:
    user: str
    method: str
    url: str
    status: int | None
    error: str = ""

    def __str__(self) -> str:
        return f"{self.user} {self.method} {self.url[:200]} → {self.status} {self.error}"


@dataclass
class Page:
    url: str
    params: set[str] = field(default_factory=set)


class _Links(HTMLParser):
    """hrefs and hx-get targets, plus the field names of GET forms (the filters a page reads)."""

    def __init__(self, nonce: str = "") -> None:
        super().__init__()
        self.links: list[str] = []
        self.get_fields: set[str] = set()
        self._in_get_form = False
        self.nonce = nonce
        self.inline: list[str] = []  # what the Content-Security-Policy would refuse to apply or run

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for name, value in a.items():
            if name == "style" or name.startswith("on"):
                self.inline.append(f"<{tag} {name}={value[:40]!r}>")
        if any(a.get(n, "").lower().startswith("javascript:") for n in ("href", "src", "action")):
            self.inline.append(f"<{tag}> javascript: URL")
        if tag == "script" and not a.get("src") and a.get("type") != "application/json":  # json_script: data
            self.inline.append("<script> without src")
        if tag == "style" and (not self.nonce or a.get("nonce") != self.nonce):
            self.inline.append("<style> without the response's nonce")
        for name in ("href", "hx-get"):
            if a.get(name):
                self.links.append(a[name])
        if tag == "form":
            self._in_get_form = (a.get("method") or "get").lower() == "get"
            if self._in_get_form and a.get("action") is not None:
                self.links.append(a["action"])
        elif tag in {"input", "select", "textarea"} and self._in_get_form and a.get("name"):
            self.get_fields.add(a["name"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._in_get_form = False


def pattern(path: str) -> str:
    return re.sub(r"/\d+(?=/|$|\.)", "/{id}", path)


def request(client: Client, method: str, url: str, data: dict[str, Any] | None = None) -> tuple[Any, str]:
    """The response, or None and the exception a view raised (which a server answers with 500)."""
    try:
        if method == "GET":
            return client.get(url, data), ""
        return client.post(url, data or {}), ""
    except Exception as exc:
        frames = traceback.extract_tb(exc.__traceback__)
        where = next((f for f in reversed(frames) if "/baosong/" in f.filename), frames[-1])
        return None, f"{type(exc).__name__}: {str(exc)[:160]} at {where.filename}:{where.lineno}"


def check(findings: list[Finding], user: str, method: str, url: str, response: Any, error: str) -> None:
    status = None if response is None else response.status_code
    if response is None or status >= 500:
        findings.append(Finding(user, method, url, status, error))


def build_world(cast: Any) -> dict[str, int]:
    """Objects of every kind a page shows, all in 东湖区 (the demo county); the ids the form test posts to."""
    editor = cast.county_editor.user
    first = adopted_at_county(cast, "城关镇开展防汛应急演练", public_scope="public")
    issue = distributed_county_issue(cast, [first])
    item = issue.items.order_by("position").first()
    assert item is not None
    leader = cast.county_leader.user
    instruction = instruction_services.instruction_create(by=leader, item=item, text="请总结经验。")
    instruction_services.instruction_assign(
        instruction=instruction,
        by=editor,
        unit_ids=[cast.township_reporter.unit.pk],
        due_on=timezone.localdate() + dt.timedelta(days=7),
    )
    solicitation = solicitation_services.solicitation_create(
        by=editor,
        unit=cast.county_editor.unit,
        title="防汛工作约稿",
        deadline=timezone.now() + dt.timedelta(days=7),
        unit_ids=[cast.township_reporter.unit.pk],
    )
    # The city's 约稿 to the county: one still to relay (the relay form), one relayed to the township (the
    # city's page shows the chain).
    city = cast.city_editor
    city_notice, city_relayed = (
        solicitation_services.solicitation_create(
            by=city.user,
            unit=city.unit,
            title=title,
            deadline=timezone.now() + dt.timedelta(days=10),
            unit_ids=[cast.county_editor.unit.pk],
        )
        for title in ("关于报送防汛工作信息的约稿", "关于报送经验做法的约稿")
    )
    solicitation_services.solicitation_relay(
        by=editor, parent=city_relayed, unit=cast.county_editor.unit, added_requirements="请突出本地做法。",
        deadline=timezone.now() + dt.timedelta(days=5), unit_ids=[cast.township_reporter.unit.pk],
    )  # fmt: skip
    editing = issue_services.issue_create(by=editor, publication=issue.publication)  # still being edited
    adopted = adopted_at_county(cast, "城关镇推进农村人居环境整治")  # adopted, not yet in an issue
    waiting = sent_to_county(cast, "城关镇召开安全生产工作会议")  # waiting in the county's inbox
    draft = report_services.report_create(
        by=cast.township_reporter.user, title="城关镇草稿", body="草稿正文。"
    )
    from baosong.oversight.models import OmissionAlert

    omission = OmissionAlert.objects.create(  # a 疑似漏报 alert about the township, for its pages
        unit=cast.township_reporter.unit,
        upper_unit=cast.county_editor.unit,
        target_unit=cast.county_editor.unit,
        anchor_report=waiting.report,
        report_ids=[waiting.report_id],
        title="城关镇李家村发生一起民房火灾",
        event_time=timezone.now() - dt.timedelta(hours=4),
        due_at=timezone.now() - dt.timedelta(hours=1),
        reporter_count=2,
        reporter_names=["东湖区新桥镇", "东湖区杨柳乡"],
    )
    process_outbox.call()  # what the worker does after commit: notifications, ledger, search index
    return {
        "omission": omission.pk,
        "issue": issue.pk,
        "item": item.pk,
        "editing": editing.pk,
        "instruction": instruction.pk,
        "solicitation": solicitation.pk,
        "city_notice": city_notice.pk,
        "adopted": adopted.pk,
        "waiting": waiting.pk,
        "sent_report": waiting.report_id,
        "draft": draft.pk,
        "county": cast.county_editor.unit.pk,
    }


def crawl(
    client: Client, user: str, heavy_seen: set[str], findings: list[Finding], policies: list[str]
) -> dict[str, Page]:
    """Pages by pattern, each with one URL to it and the query names it was seen with. Every HTML page is also
    read for what its Content-Security-Policy would refuse (``policies``)."""
    pages: dict[str, Page] = {}
    queue: deque[str] = deque(["/"])
    while queue and len(pages) < MAX_PAGES_PER_USER:
        url = queue.popleft()
        parts = urlsplit(url)
        key = pattern(parts.path)
        if key in pages:
            pages[key].params.update(k for k, _ in parse_qsl(parts.query))
            continue
        pages[key] = Page(url, {k for k, _ in parse_qsl(parts.query)})
        if HEAVY.search(parts.path):
            if key in heavy_seen:
                continue
            heavy_seen.add(key)
        response, error = request(client, "GET", url)
        check(findings, user, "GET", url, response, error)
        if response is None or response.status_code != 200:
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        policy = response.get("Content-Security-Policy", "")
        nonce = re.search(r"'nonce-([^']+)'", policy)
        parser = _Links(nonce.group(1) if nonce else "")
        parser.feed(response.content.decode("utf-8", "replace"))
        for problem in parser.inline:
            policies.append(f"{user} GET {url}: {problem}")
        cache = response.get("Cache-Control", "")
        if "unsafe-inline" in policy or "script-src 'self'" not in policy or "no-store" not in cache:
            policies.append(f"{user} GET {url}: CSP {policy!r}, Cache-Control {cache!r}")
        pages[key].params |= parser.get_fields
        for link in parser.links:
            target = urlsplit(urljoin(url, link))
            if target.scheme not in {"", "http"} or target.netloc not in {"", "testserver"}:
                continue
            if not target.path.startswith("/") or SKIP.match(target.path):
                continue
            queue.append(target.path + (f"?{target.query}" if target.query else ""))
    return pages


@pytest.fixture
def crawled(cast: Any, client_as: Any) -> dict[str, Any]:
    build_world(cast)
    findings: list[Finding] = []
    policies: list[str] = []
    heavy_seen: set[str] = set()
    by_user = {}
    for user in CRAWLERS:
        client = client_as(user)
        by_user[user] = (client, crawl(client, user, heavy_seen, findings, policies))
    return {"by_user": by_user, "findings": findings, "policies": policies}


def test_every_page_reached_by_links_answers_without_server_error(crawled: dict[str, Any]) -> None:
    reached = {key for _, pages in crawled["by_user"].values() for key in pages}
    # The crawl must really reach the pages it means to test.
    for must in ("/reports/{id}/", "/inbox/{id}/", "/issues/{id}/", "/solicitations/{id}/", "/stats/"):
        assert must in reached, sorted(reached)
    findings = crawled["findings"]
    assert not findings, "\n".join(map(str, findings))


def test_every_page_runs_under_the_content_security_policy(crawled: dict[str, Any]) -> None:
    """No page reached by any role needs 'unsafe-inline': no style attribute, no event-handler attribute, no
    inline script, a <style> block only with the response's nonce; and none may be stored by a cache."""
    pages = sum(len(p) for _, p in crawled["by_user"].values())
    assert pages > 100, pages
    problems = crawled["policies"]
    assert not problems, "\n".join(problems[:40])


def test_hostile_query_strings_never_cause_a_server_error(crawled: dict[str, Any]) -> None:
    """Every page gets the bundles of hostile parameters as each person; each query name a page was seen
    with gets every hostile value once (the parsing is the same whoever asks)."""
    findings: list[Finding] = []
    probed: set[tuple[str, str]] = set()
    for user, (client, pages) in crawled["by_user"].items():
        for key, page in pages.items():
            if HEAVY.search(key):
                continue
            path = urlsplit(page.url).path
            for params in HOSTILE_PARAMS:
                url = f"{path}?{urlencode(params)}"
                response, error = request(client, "GET", url)
                check(findings, user, "GET", url, response, error)
            for name in sorted(page.params - {"csrfmiddlewaretoken"}):
                if (key, name) in probed:
                    continue
                probed.add((key, name))
                for value in HOSTILE_VALUES:
                    url = f"{path}?{urlencode({name: value})}"
                    response, error = request(client, "GET", url)
                    check(findings, user, "GET", url, response, error)
    assert not findings, "\n".join(map(str, findings))


# The public site shows published issues to everyone on purpose; system-wide 数据报表 forms (the built-in
# 接待 form) are read by every office, each seeing its own subtree's figures on the form's dashboard.
SHARED = re.compile(r"^/portal/|^/datareports/forms/\{id\}/(dashboard)?$")


def test_a_sibling_county_gets_404_for_the_other_countys_objects(
    crawled: dict[str, Any], client_as: Any
) -> None:
    urls: dict[str, str] = {}
    for user in HOME_COUNTY:
        _, pages = crawled["by_user"][user]
        for key, page in pages.items():
            if "{id}" in key and not SHARED.match(key) and not HEAVY.search(key):
                urls.setdefault(key, urlsplit(page.url).path)
    assert len(urls) >= 8, urls
    findings: list[Finding] = []
    for outsider in OUTSIDERS:
        client = client_as(outsider)
        for url in urls.values():
            response, error = request(client, "GET", url)
            if response is None:
                findings.append(Finding(outsider, "GET", url, None, error))
                continue
            status = response.status_code
            to_login = status == 302 and response["Location"].startswith("/accounts/login")
            if status not in {403, 404} and not to_login:
                findings.append(Finding(outsider, "GET", url, status, response.get("Location", "")))
    assert not findings, "\n".join(map(str, findings))


# Field names the main forms read (report, inbox decisions, issue actions, solicitation, instruction,
# scoring adjustment, portal release, deadline rules); each post sends all of them with one garbage value.
FORM_FIELDS = [
    "title",
    "body",
    "category",
    "urgency",
    "place",
    "event_time",
    "targets",
    "co_units",
    "public_scope",
    "solicitation",
    "tags",
    "submit",
    "usage",
    "comment",
    "issue_id",
    "level",
    "adoption_id",
    "date",
    "units",
    "unit",
    "subtree",
    "due_on",
    "deadline",
    "period_start",
    "period_end",
    "kind",
    "topic",
    "requirements",
    "added_requirements",
    "text",
    "leader_name",
    "instructed_on",
    "points",
    "reason",
    "period",
    "issue",
    "submission",
    "report",
    "column",
    "contact",
    "opinion",
    "headline",
    "marking",
    "print_count",
    "columns",
    "submissions",
    "order",
    "items",
    "item",
    "ids",
    "action",
    "amount",
    "word",
    "id",
    "final",
    "code",
    "label",
    "template",
    "deadline_kind",
    "deadline_amount",
    "element_key",
    "element_label",
    "name",
    "source",
    "confirmed",
    "deadline_workdays",
    "due_workdays",
    "editor_note",
    "publication",
    "copy_from",
    "rule",
    "parent_code",
    "effective_from",
    "name",
    "code",
    "cap",
    "penalty",
    "minimum",
    "op",
    "note",
    "silent_weeks",
    "min_reporters",
]
GARBAGE = [
    "abc",
    "-1",
    "99999999999999999999",
    "²",
    "",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "2026-02-31",
    "x" * 5000,
    "nul\x00byte",
]


def _emergency_category() -> int:
    from baosong.reports.models import ItemCategory

    return ItemCategory.objects.get(code="emergency").pk


def test_garbage_posted_to_the_main_forms_never_causes_a_server_error(cast: Any, client_as: Any) -> None:
    w = build_world(cast)
    forms: dict[str, list[str]] = {
        "township_reporter": [
            "/reports/new",
            f"/reports/{w['draft']}/edit",
            f"/reports/{w['draft']}/autosave",
            f"/reports/{w['draft']}/checks",
            f"/reports/{w['draft']}/submit",
            f"/reports/{w['sent_report']}/follow-up",
            f"/instructions/{w['instruction']}/feedback",
        ],
        "county_editor": [
            "/inbox/bulk",
            *(f"/inbox/{w['waiting']}/{a}" for a in ("adopt", "decline", "return", "forward", "external")),
            f"/inbox/{w['adopted']}/edit",
            f"/inbox/{w['adopted']}/external",
            "/issues/new",
            *(f"/issues/{w['editing']}/{a}" for a in ("update", "add", "reorder", "merge")),
            *(f"/issues/{w['issue']}/items/{w['item']}/{a}" for a in ("edit", "move", "remove")),
            f"/issues/{w['issue']}/remind",
            "/solicitations/new",
            f"/solicitations/{w['city_notice']}/relay",
            f"/instructions/{w['instruction']}/assign",
            f"/stats/ledger/?unit={w['county']}",
            "/publish/new",
            "/notices/read",
            f"/oversight/omissions/{w['omission']}/handle",
            "/oversight/unit-settings",
        ],
        "county_leader": [f"/instructions/{w['instruction']}/close", f"/issues/{w['issue']}/withdraw"],
        "county_chief": [f"/issues/{w['editing']}/return"],
        "sysadmin": [
            *(f"/manage/rules/{a}" for a in ("deadline", "deadline-remove", "word", "word-remove")),
            "/manage/rules/categories/new",
            f"/manage/rules/categories/{_emergency_category()}/",
            *(f"/manage/rules/categories/{_emergency_category()}/{a}" for a in ("up", "retire", "restore")),
            *(f"/manage/calendar/2027/{a}" for a in ("day", "remove", "year")),
            "/manage/scoring/",
            f"/manage/scoring/{RuleSet.objects.order_by('pk').values_list('pk', flat=True).first()}/",
            "/oversight/settings",
        ],
    }
    findings: list[Finding] = []
    for user, urls in forms.items():
        client = client_as(user)
        for url in urls:
            for value in GARBAGE:
                data = dict.fromkeys(FORM_FIELDS, value)
                response, error = request(client, "POST", url, data)
                check(findings, user, "POST", url, response, f"{error} ({value[:20]!r})")
    assert not findings, "\n".join(map(str, findings))
