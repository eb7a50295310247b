"""Real Chromium over the main business pages of every role, with the sample content seeded
(``manage.py seed_samples``): no serious or critical axe-core violation at 1366×768, the 工作台 and a list
also at 390×844; and the keyboard path: a "跳到主要内容" skip link first, a visible focus outline on links
and buttons. Screenshots go to test-artifacts/a11y/."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from baosong.demo.samples import seed_samples
from baosong.editorial import services as editorial
from baosong.editorial.models import Issue, IssueStatus, Publication
from baosong.instructions.models import Instruction
from baosong.reports import services as report_services
from baosong.reports.models import Report, ReportStatus, Submission, SubmissionStatus
from baosong.scoring import bulletins
from baosong.solicitations.selectors import solicitations_visible_to
from conftest import ARTIFACTS, CHROMIUM, DESKTOP, PHONE, axe_violations
from conftest import browser_login as _login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed"),
]

SHOTS = ARTIFACTS / "a11y"


@dataclass
class Visit:
    actor: str  # a cast key, or "" for a logged-out visitor
    name: str
    url: str
    before: Callable[[], None] | None = None  # brings the data into the state the page should show
    then: Callable[[Any], None] | None = None  # what the person does on the page before it is checked


def _report_text(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"  [{v['impact']}] {v['id']}: {v['help']}")
        for node in v["nodes"][:6]:
            lines.append(f"      {' > '.join(map(str, node['target']))}  {node['html'][:140]}")
        # axe's words for the first node say why (the measured contrast and colours, the missing name).
        why = v["nodes"][0]["summary"].splitlines() if v["nodes"] else []
        if why:
            lines.append(f"      ↳ {why[-1].strip()[:200]}")
        if len(v["nodes"]) > 6:
            lines.append(f"      … and {len(v['nodes']) - 6} more")
    return "\n".join(lines)


def _walk(browser_context: Any, url: str, cast: Any, visits: list[Visit], viewport: dict[str, int]) -> str:
    """Each visit's serious/critical violations, as a readable report ("" when there are none)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    found: list[str] = []
    actor, page = None, None
    for visit in visits:
        if page is None or visit.actor != actor:
            # One person at a time: the in-memory SQLite live server shares one connection.
            if page is not None:
                page.context.close()
            actor = visit.actor
            page = _login(browser_context, url, cast[actor] if actor else None, viewport)
        if visit.before:
            visit.before()
        response = page.goto(f"{url}{visit.url}")
        assert response is not None and response.status == 200, (visit.name, visit.url)
        page.wait_for_load_state("networkidle")
        if visit.then:
            visit.then(page)
        page.screenshot(path=str(SHOTS / f"{visit.name}-{viewport['width']}.png"), full_page=True)
        violations = axe_violations(page)
        if violations:
            found.append(f"{visit.name} ({visit.actor or '未登录'}) {visit.url}\n{_report_text(violations)}")
    if page is not None:
        page.context.close()
    return "\n".join(found)


def _seed(cast: Any) -> dict[str, Any]:
    """The sample content plus what the walk needs beyond it: an issue of the county in editing, a 通报."""
    seed_samples()
    editor, county = cast.county_editor.user, cast.county_editor.unit
    township = cast.township_reporter.unit
    adopted = Submission.objects.filter(
        target_unit=county, status=SubmissionStatus.ADOPTED, issue_sources=None
    )
    issue = editorial.issue_create(
        by=editor, publication=Publication.objects.get(unit=county, name="东湖政务信息")
    )
    editorial.issue_item_add(issue=issue, by=editor, submission_ids=[adopted.first().pk], column="工作动态")
    bulletin = bulletins.bulletin_for_period(
        by=editor, unit=county, period=timezone.localdate().strftime("%Y-%m")
    )
    # A draft the pre-submit checks stop: a 身份证号 with a valid checksum and a classification marking.
    blocked = report_services.report_create(
        by=cast.township_reporter.user,
        title="城关镇完成低保对象年度复核",
        body="其中张某（身份证号11010519491231002X）因家庭收入超过标准已停发。\n【内部】另行专题报告。",
    )
    return {
        "blocked": blocked,
        "issue": issue,
        "bulletin": bulletin,
        "report": Report.objects.filter(source_unit=township, status=ReportStatus.SENT)
        .order_by("pk")
        .first(),
        "in_review": Report.objects.filter(source_unit=township, status=ReportStatus.IN_REVIEW).first(),
        "received": Submission.objects.filter(target_unit=county, status=SubmissionStatus.RECEIVED).first(),
        "solicitation": solicitations_visible_to(cast.township_reporter.user).first(),
        "published": Issue.objects.filter(publication__unit=county, status=IssueStatus.PUBLISHED).first(),
        "instruction": Instruction.objects.first(),
    }


def _open_the_unit_tree(page: Any) -> None:
    """Two levels of the 单位树 open: the children come as htmx fragments with their own toggles."""
    for _ in range(2):
        unit = page.locator(".tree li.has-kids:not(:has(> details[open]))").first.get_attribute("id")
        page.locator(f"#{unit} > details > summary").click(position={"x": 6, "y": 10})  # on the ▸
        page.locator(f"#{unit} .kids li").first.wait_for()


def _plan(cast: Any) -> list[Visit]:
    d = _seed(cast)
    assert all(d.values()), {k: v for k, v in d.items() if not v}
    editor = cast.county_editor.user
    issue = d["issue"]

    def send_for_signature() -> None:
        editorial.issue_submit(issue=Issue.objects.get(pk=issue.pk), by=editor)

    return [
        Visit("", "login", "/accounts/login"),
        Visit("township_reporter", "reporter-home", "/"),
        Visit("township_reporter", "reporter-reports", "/reports/"),
        Visit("township_reporter", "reporter-new", "/reports/new"),
        Visit("township_reporter", "reporter-checks", f"/reports/{d['blocked'].pk}/edit"),
        Visit("township_reporter", "reporter-profile", "/accounts/profile"),
        Visit("township_reporter", "reporter-staff", "/staff/"),
        Visit("township_reporter", "reporter-report", f"/reports/{d['report'].pk}/"),
        Visit("township_reporter", "reporter-solicitations", "/solicitations/"),
        Visit("township_reporter", "reporter-solicitation", f"/solicitations/{d['solicitation'].pk}/"),
        Visit("township_reporter", "reporter-notices", "/notices/"),
        Visit("township_reporter", "reporter-reading", "/reading/"),
        Visit("township_reporter", "help", "/help/"),
        Visit("township_reviewer", "reviewer-queue", "/reports/review/"),
        Visit("township_reviewer", "reviewer-report", f"/reports/{d['in_review'].pk}/"),
        Visit("county_editor", "editor-inbox", "/inbox/"),
        Visit("county_editor", "editor-submission", f"/inbox/{d['received'].pk}/"),
        Visit("county_editor", "editor-groups", "/inbox/groups/"),
        Visit("county_editor", "editor-issues", "/issues/"),
        Visit("county_editor", "editor-issue-editing", f"/issues/{issue.pk}/"),
        Visit("county_editor", "editor-instructions", "/instructions/"),
        Visit("county_editor", "editor-solicitation-new", "/solicitations/new"),
        Visit("county_editor", "editor-stats", "/stats/"),
        Visit("county_editor", "editor-bulletins", "/bulletins/"),
        Visit("county_editor", "editor-bulletin", f"/bulletins/{d['bulletin'].pk}/"),
        Visit("county_editor", "editor-ledger", "/reports/ledger/"),
        Visit("county_editor", "editor-search", "/search/?q=%E9%98%B2%E6%B1%9B"),  # 防汛
        Visit("county_editor", "editor-stats-ledger", "/stats/ledger/"),
        Visit("county_editor", "editor-publish", "/publish/"),
        Visit("county_chief", "chief-issue", f"/issues/{issue.pk}/", before=send_for_signature),
        Visit("county_leader", "leader-reading", f"/reading/{d['published'].pk}/"),
        Visit("county_leader", "leader-instruction", f"/instructions/{d['instruction'].pk}/"),
        Visit("sysadmin", "sysadmin-units", "/manage/units/", then=_open_the_unit_tree),
        Visit("sysadmin", "sysadmin-users", "/manage/users/"),
        Visit("sysadmin", "sysadmin-import", "/manage/import"),
        Visit("sysadmin", "sysadmin-rules", "/manage/rules/"),
        Visit("sysadmin", "sysadmin-category", "/manage/rules/categories/new"),
        Visit("sysadmin", "sysadmin-calendar", "/manage/calendar/2027/"),
        Visit("sysadmin", "sysadmin-publications", "/manage/publications/"),
        Visit("sysadmin", "sysadmin-templates", "/manage/templates/"),
        Visit("sysadmin", "sysadmin-scoring", "/manage/scoring/"),
        Visit("sysadmin", "sysadmin-portal", "/manage/portal/"),
        Visit("secadmin", "secadmin-accounts", "/security/accounts"),
        Visit("secadmin", "secadmin-locked", "/security/locked"),
        Visit("secadmin", "secadmin-sessions", "/security/sessions"),
        Visit("secadmin", "secadmin-policy", "/security/policy"),
        Visit("auditadmin", "auditadmin-audit", "/audit/"),
    ]


def test_main_pages_of_every_role_have_no_serious_axe_violation(live_server, cast, browser_context):
    found = _walk(browser_context, live_server.url, cast, _plan(cast), DESKTOP)
    assert not found, f"axe-core finds serious or critical violations at 1366×768:\n{found}"


def _open_the_menu(page: Any) -> None:
    page.locator("label[for=nav-toggle]").click()
    page.get_by_role("navigation", name="主菜单").wait_for()


def test_workbench_and_lists_have_no_serious_axe_violation_on_a_phone(live_server, cast, browser_context):
    seed_samples()
    visits = [
        Visit("", "login", "/accounts/login"),
        Visit("township_reporter", "reporter-home", "/"),
        Visit("township_reporter", "reporter-menu", "/", then=_open_the_menu),
        Visit("township_reporter", "reporter-reports", "/reports/"),
        Visit("county_editor", "editor-home", "/"),
        Visit("county_editor", "editor-inbox", "/inbox/"),
    ]
    found = _walk(browser_context, live_server.url, cast, visits, PHONE)
    assert not found, f"axe-core finds serious or critical violations at 390×844:\n{found}"


# The element that has focus: what it is, and whether a ring shows around it.
FOCUSED = """() => {
  const e = document.activeElement;
  const s = getComputedStyle(e);
  const r = e.getBoundingClientRect();
  return {
    tag: e.tagName.toLowerCase(),
    id: e.id,
    text: (e.innerText || e.getAttribute("aria-label") || "").trim().slice(0, 20),
    outline: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2,
    onScreen: r.bottom > 0 && r.top < window.innerHeight && r.width > 1,
  };
}"""


def test_the_keyboard_skips_to_the_content_and_sees_where_focus_is(live_server, cast, browser_context):
    seed_samples()
    page = _login(browser_context, live_server.url, cast.township_reporter, DESKTOP)
    page.goto(f"{live_server.url}/reports/")
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUSED)
    assert first["text"] == "跳到主要内容" and first["onScreen"] and first["outline"], first
    page.screenshot(path=str(SHOTS / "skip-link.png"))
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED)["id"] == "main"
    page.keyboard.press("Tab")
    inside = page.evaluate("() => document.querySelector('main').contains(document.activeElement)")
    assert inside, "Tab after the skip link should land in the page's content, not in the menu"
    for _ in range(4):
        page.keyboard.press("Tab")
    page.screenshot(path=str(SHOTS / "focus-content.png"))
    # From the top, every link and button Tab reaches (menu, user box, the list) shows its focus ring.
    page.goto(f"{live_server.url}/reports/")
    seen, missing = 0, []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused["tag"] in ("a", "button", "summary"):
            seen += 1
            if seen == 3:
                page.screenshot(path=str(SHOTS / "focus-menu.png"))
            if not focused["outline"]:
                missing.append(focused)
    assert seen >= 20, seen
    assert not missing, f"focus is invisible on: {missing}"
    page.context.close()


def test_the_folded_menu_opens_from_the_keyboard_on_a_phone(live_server, cast, browser_context):
    page = _login(browser_context, live_server.url, cast.township_reporter, PHONE)
    menu = page.get_by_role("navigation", name="主菜单")
    assert not menu.is_visible()
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the brand
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.id") == "nav-toggle"
    page.keyboard.press("Space")
    assert menu.is_visible()
    page.context.close()


def test_login_otp_and_search_pages_pass_every_axe_rule(live_server, cast, browser_context, monkeypatch):
    """The doors every role goes through are held to all of axe's rules, the moderate and minor ones too
    (a page's one h1, search landmarks told apart by name)."""
    import conftest

    monkeypatch.setattr(conftest, "AXE_BLOCKING", ("critical", "serious", "moderate", "minor"))
    seed_samples()
    url, found = live_server.url, {}
    page = _login(browser_context, url, None, DESKTOP)
    found["login"] = axe_violations(page)
    admin = cast.sysadmin
    page.get_by_label("用户名").fill(admin.user.username)
    page.get_by_label("密码").fill(admin.password)
    page.get_by_role("button", name="登 录").click()
    page.wait_for_url(lambda u: "/accounts/otp" in u)
    found["otp"] = axe_violations(page)
    page.context.close()
    page = _login(browser_context, url, cast.county_editor, DESKTOP)
    page.goto(f"{url}/search/?q=%E9%98%B2%E6%B1%9B")
    found["search"] = axe_violations(page)
    page.context.close()
    report = "\n".join(f"{name}\n{_report_text(v)}" for name, v in found.items() if v)
    assert not report, f"axe-core finds violations:\n{report}"
