"""Pages and the API offer the same actions: over random walks through each workflow, every cast member
who can open the object sees the same ``allowed_actions`` in the API as the page offers as buttons."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from baosong.core.actions import allowed_actions
from baosong.editorial import services as editorial
from baosong.editorial.models import Issue, Publication
from baosong.editorial.tests.conftest import adopted_at_county, sent_to_county
from baosong.reports import services
from baosong.reports.models import Report, Submission
from conftest import login

# Who looks at the objects: the township's desk, the county's desk and an outsider.
VIEWERS = [
    "township_reporter",
    "township_reviewer",
    "county_editor",
    "county_chief",
    "county_leader",
    "city_editor",
    "outsider_township_reporter",
]

REPORT_MOVES: dict[str, Callable[[Any, Any], Any]] = {
    "submit": lambda r, u: services.report_submit(report=r, by=u),
    "approve": lambda r, u: services.report_approve(report=r, by=u),
    "return": lambda r, u: services.report_return(report=r, by=u, comment="请补充"),
    "withdraw": lambda r, u: services.report_withdraw(report=r, by=u),
    "reopen": lambda r, u: services.report_reopen(report=r, by=u),
}
SUBMISSION_MOVES: dict[str, Callable[[Any, Any], Any]] = {
    "claim": lambda s, u: services.submission_claim(submission=s, by=u),
    "adopt": lambda s, u: services.submission_adopt(submission=s, by=u),
    "decline": lambda s, u: services.submission_decline(submission=s, by=u, comment="一般"),
    "return": lambda s, u: services.submission_return(submission=s, by=u, comment="请补充"),
    "forward": lambda s, u: services.submission_forward(submission=s, by=u),
    "resubmit": lambda s, u: services.submission_resubmit(
        submission=s, by=u, title=s.title, body=s.body + "补充。"
    ),
    "revoke": lambda s, u: services.submission_adoption_revoke(submission=s, by=u, reason="刊物撤回"),
}
ISSUE_MOVES: dict[str, Callable[[Any, Any], Any]] = {
    "submit": lambda i, u: editorial.issue_submit(issue=i, by=u),
    "withdraw": lambda i, u: editorial.issue_withdraw(issue=i, by=u, reason="内容有误"),
    "recall": lambda i, u: editorial.issue_recall(issue=i, by=u),
    "return": lambda i, u: editorial.issue_return(issue=i, by=u, comment="请压缩"),
    "sign": lambda i, u: editorial.issue_sign(issue=i, by=u),
    "distribute": lambda i, u: editorial.issue_distribute(issue=i, by=u),
    "publish": lambda i, u: editorial.issue_publish(issue=i, by=u),
}


class Viewers:
    def __init__(self, cast: Any, api: Any) -> None:
        self.cast = cast
        self.pages = {k: login(Client(), cast[k]) for k in VIEWERS}
        self.apis = {k: api(k) for k in VIEWERS}

    def page_actions(self, key: str, url: str, read: Callable[[Any], set[str]]) -> set[str]:
        """What the page offers; a page this user cannot open (or is sent on from, as a reader of an
        issue is to its reading page) offers nothing."""
        response = self.pages[key].get(url)
        if response.status_code in (302, 403, 404):
            return set()
        assert response.status_code == 200, (key, url, response.status_code)
        return read(response.context)

    def api_actions(self, key: str, url: str) -> set[str]:
        response = self.apis[key].get(url)
        if response.status_code in (403, 404):
            return set()
        assert response.status_code == 200, (key, url, response.content[:300])
        return set(response.json()["allowed_actions"])


def _walk(
    rng: random.Random,
    viewers: Viewers,
    obj: Any,
    moves: dict[str, Callable[[Any, Any], Any]],
    check: Callable[[Any], None],
    steps: int = 6,
) -> None:
    for _ in range(steps):
        obj = type(obj).objects.get(pk=obj.pk)
        check(obj)
        choices = [
            (key, action)
            for key in VIEWERS
            for action in allowed_actions(obj, viewers.cast[key].user)
            if action in moves
        ]
        if not choices:
            return
        key, action = rng.choice(choices)
        moves[action](obj, viewers.cast[key].user)


@pytest.mark.parametrize("seed", range(3))
def test_report_and_submission_pages_offer_what_the_api_allows(cast: Any, api: Any, seed: int) -> None:
    rng = random.Random(seed)
    viewers = Viewers(cast, api)

    def check_report(report: Report) -> None:
        for key in VIEWERS:
            page = viewers.page_actions(
                key, f"/reports/{report.pk}/", lambda c: {a for a, on in c["actions"].items() if on}
            )
            assert page == viewers.api_actions(key, f"/api/v1/reports/{report.pk}"), (key, report.status)

    def check_submission(sub: Submission) -> None:
        for key in VIEWERS:
            page = viewers.page_actions(key, f"/inbox/{sub.pk}/", lambda c: set(c["allowed"]))
            assert page == viewers.api_actions(key, f"/api/v1/submissions/{sub.pk}"), (key, sub.status)

    draft = services.report_create(by=cast.township_reporter.user, title="城关镇开展防汛演练", body="演练。")
    _walk(rng, viewers, draft, REPORT_MOVES, check_report)
    _walk(rng, viewers, sent_to_county(cast, "城关镇完成河道清淤"), SUBMISSION_MOVES, check_submission)


@pytest.mark.parametrize("seed", range(3))
def test_issue_page_offers_what_the_api_allows(cast: Any, api: Any, seed: int) -> None:
    rng = random.Random(seed)
    viewers = Viewers(cast, api)
    editor = cast.county_editor.user
    pub = Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")
    issue = editorial.issue_create(by=editor, publication=pub)
    editorial.issue_item_add(issue=issue, by=editor, submission_ids=[adopted_at_county(cast).pk])

    def check_issue(issue: Issue) -> None:
        for key in VIEWERS:
            page = viewers.page_actions(key, f"/issues/{issue.pk}/", lambda c: {a for a, _ in c["actions"]})
            assert page == viewers.api_actions(key, f"/api/v1/issues/{issue.pk}"), (key, issue.status)

    _walk(rng, viewers, issue, ISSUE_MOVES, check_issue, steps=8)


def test_instruction_page_offers_what_the_api_allows(cast: Any, api: Any) -> None:
    from baosong.instructions import services as instructions

    viewers = Viewers(cast, api)
    editor = cast.county_editor.user
    pub = Publication.objects.get(unit=cast.county_editor.unit, name="东湖政务信息")
    issue = editorial.issue_create(by=editor, publication=pub)
    editorial.issue_item_add(issue=issue, by=editor, submission_ids=[adopted_at_county(cast).pk])
    issue = editorial.issue_submit(issue=issue, by=editor)
    issue = editorial.issue_sign(issue=issue, by=cast.county_chief.user)
    editorial.issue_distribute(issue=issue, by=editor)
    ins = instructions.instruction_create(
        by=cast.county_leader.user, item=issue.items.first(), text="请总结。"
    )
    for _ in range(2):  # open, then closed
        ins.refresh_from_db()
        for key in VIEWERS:
            page = viewers.page_actions(key, f"/instructions/{ins.pk}/", lambda c: set(c["allowed"]))
            assert page == viewers.api_actions(key, f"/api/v1/instructions/{ins.pk}"), (key, ins.status)
        if ins.status == "open":
            assert "close" in allowed_actions(ins, editor)
            instructions.instruction_close(instruction=ins, by=editor)
