"""Regenerates the manual's screenshots: each role of the demo cast logs in to real Chromium with the sample
content seeded (``manage.py seed_samples``) and opens the pages the manual describes; each view is saved as
a 1280×800 JPEG into baosong/help/static/help/shots/. Fails when a manual page references a screenshot
this test does not produce."""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.management import call_command
from django.db.models import Count

from baosong.editorial.models import Issue, IssueStatus
from baosong.instructions.models import Instruction
from baosong.reports import services as report_services
from baosong.reports.models import Report, Submission
from baosong.solicitations.models import Solicitation
from conftest import CHROMIUM, browser_login

from .shots import MAX_BYTES, SHOTS, referenced_shots

SHOT_SIZE = {"width": 1280, "height": 800}

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="Debian chromium is not installed"),
]

# A draft the pre-submit checks refuse: a 身份证号 with a valid checksum and a classification marking.
CHECKS_TITLE = "城关镇完成低保对象年度复核"
CHECKS_BODY = (
    "城关镇近日完成2026年度低保对象复核工作，共入户核查312户，停发17户，新纳入9户。\n"
    "其中张某（身份证号11010519491231002X）因家庭收入超过标准已停发。\n"
    "【内部】复核中发现的问题另行专题报告。"
)


@dataclass
class Shot:
    name: str
    actor: str
    url: str
    scroll_to: str = ""  # text of a heading to bring to the top before the picture
    before: Callable[[Any], None] | None = None


def _compose_an_issue(page: Any) -> None:
    """The editor starts a new issue from 刊物 and puts the first two candidates in it."""
    page.get_by_role("button", name="《东湖政务信息》").click()
    page.get_by_text("已新建").first.wait_for()
    boxes = page.locator("input[name=submissions]")
    boxes.first.wait_for()
    for i in range(min(2, boxes.count())):
        boxes.nth(i).check()
    page.get_by_role("button", name="编入本期").click()
    page.wait_for_load_state("networkidle")


def _plan(cast: Any) -> list[Shot]:
    township = cast.township_reporter.unit
    county = cast.county_editor.unit
    draft = Report.objects.filter(source_unit=township, status="draft").order_by("pk").first()
    reporter = cast.township_reporter.user
    blocked = report_services.report_create(by=reporter, title=CHECKS_TITLE, body=CHECKS_BODY)
    returned = Submission.objects.filter(status="returned", report__source_unit=township).first()
    trail = (
        Report.objects.filter(source_unit=township)
        .annotate(levels=Count("submissions"))
        .order_by("-levels", "pk")
        .first()
    )
    received = Submission.objects.filter(target_unit=county, status="received").order_by("pk").first()
    solicitation = Solicitation.objects.filter(deadline__isnull=False).first()
    instruction = Instruction.objects.first()
    published = Issue.objects.filter(publication__unit=county, status=IssueStatus.PUBLISHED).first()
    pending = Issue.objects.filter(status=IssueStatus.PENDING_SIGNATURE).first()
    assert all([draft, returned, trail, received, solicitation, instruction, published, pending])
    return [
        Shot("home-reporter.jpg", "township_reporter", "/"),
        Shot("reporter-edit.jpg", "township_reporter", f"/reports/{draft.pk}/edit"),
        Shot("reporter-checks.jpg", "township_reporter", f"/reports/{blocked.pk}/edit"),
        Shot("reporter-trail.jpg", "township_reporter", f"/reports/{trail.pk}/", scroll_to="处理轨迹"),
        Shot("reporter-returned.jpg", "township_reporter", f"/reports/{returned.report_id}/"),
        Shot("reporter-feedback.jpg", "township_reporter", f"/instructions/{instruction.pk}/"),
        Shot("reporter-solicitation.jpg", "county_reporter", f"/solicitations/{solicitation.pk}/"),
        Shot("reviewer-queue.jpg", "township_reviewer", "/reports/review/"),
        Shot("home-editor.jpg", "county_editor", "/"),
        Shot("editor-inbox.jpg", "county_editor", "/inbox/"),
        Shot("editor-submission.jpg", "county_editor", f"/inbox/{received.pk}/"),
        Shot("editor-stats.jpg", "county_editor", "/stats/"),
        Shot("editor-compose.jpg", "county_editor", "/issues/", before=_compose_an_issue),
        Shot("editor-solicitation.jpg", "city_editor", f"/solicitations/{solicitation.pk}/"),
        Shot("chief-sign.jpg", "city_chief", f"/issues/{pending.pk}/"),
        Shot("leader-reading.jpg", "county_leader", f"/reading/{published.pk}/"),
        Shot("leader-instruction.jpg", "county_leader", f"/instructions/{instruction.pk}/"),
        Shot("sysadmin-unit.jpg", "sysadmin", f"/manage/units/{county.pk}/", scroll_to="审核流程"),
        Shot("sysadmin-users.jpg", "sysadmin", "/manage/users/"),
        Shot("secadmin-accounts.jpg", "secadmin", "/security/accounts?q=zhen_xinxiyuan"),
        Shot("auditadmin-audit.jpg", "auditadmin", "/audit/"),
    ]


def test_the_manual_screenshots_are_taken_from_the_sample_content(live_server, cast, browser_context):
    call_command("seed_samples", stdout=io.StringIO())
    plan = _plan(cast)
    taken: set[str] = set()
    actor, page = "", None
    for shot in plan:
        if shot.actor != actor:
            # One person at a time: a closed context leaves no htmx poll or preview load running against
            # the live server's single in-memory SQLite connection while the next person logs in.
            if page is not None:
                page.context.close()
            actor, page = (
                shot.actor,
                browser_login(browser_context, live_server.url, cast[shot.actor], SHOT_SIZE),
            )
        page.goto(f"{live_server.url}{shot.url}")
        page.wait_for_load_state("networkidle")
        if shot.before:
            shot.before(page)
        if shot.scroll_to:
            heading = page.get_by_role("heading", name=shot.scroll_to).first
            heading.evaluate("e => { e.scrollIntoView(); window.scrollBy(0, -120); }")
        else:
            page.evaluate("window.scrollTo(0, 0)")
        assert page.locator("a.help-link").count() == 1, shot.name
        path = SHOTS / shot.name
        page.screenshot(path=str(path), type="jpeg", quality=70)
        assert path.stat().st_size < MAX_BYTES, (shot.name, path.stat().st_size)
        taken.add(shot.name)
    if page is not None:
        page.context.close()
    missing = referenced_shots() - taken
    assert not missing, f"the manual shows screenshots this test does not take: {sorted(missing)}"
