"""The benchmark item generator, run small: its items must look like what the workflow would have made."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from baosong.demo.scale import seed_scale
from baosong.demo.scale_items import seed_items
from baosong.orgs.models import Membership, Role, Unit
from baosong.reports import checks
from baosong.reports.models import Report, ReportStatus, ReviewAction, Revision, Submission, SubmissionStatus

ITEMS = 2_000
DECIDED = {
    SubmissionStatus.ADOPTED,
    SubmissionStatus.DECLINED,
    SubmissionStatus.FORWARDED,
    SubmissionStatus.RETURNED,
}


@pytest.fixture
def generated(db):  # type: ignore[no-untyped-def]
    # 600 units, 1,200 users: every county office and the first 19 counties' townships and departments,
    # each unit with two people (an editor and a reporter in county offices, two reporters elsewhere, one
    # of whom becomes the reviewer where the unit reviews before sending).
    tree = seed_scale(units=600, users=1200, seed=3, prefix="TS")
    now = timezone.now()
    result = seed_items(root=tree.root, items=ITEMS, days=365, seed=3, now=now)
    return tree, result, now


def _roles() -> dict[tuple[int, int], set[str]]:
    roles: dict[tuple[int, int], set[str]] = defaultdict(set)
    for user_id, unit_id, role in Membership.objects.values_list("user_id", "unit_id", "role"):
        roles[(user_id, unit_id)].add(role)
    return roles


def test_items_come_from_township_and_county_units_written_by_their_reporters(generated):
    _tree, result, now = generated
    assert result.items == Report.objects.count() == ITEMS
    roles = _roles()
    units = {u.pk: u for u in Unit.objects.all()}
    for r in Report.objects.all():
        source = units[r.source_unit_id]
        assert source.level in {"township", "county"}, source.name
        assert Role.REPORTER in roles[(r.author_id, r.source_unit_id)]
        assert [t.pk for t in r.targets.all()] == [source.parent_id]
        assert now - dt.timedelta(days=366) <= r.created_at <= r.updated_at <= now


def test_sent_items_have_one_active_submission_per_target_and_the_authors_revision(generated):
    sent = Report.objects.filter(status=ReportStatus.SENT).prefetch_related("targets")
    assert sent.count() > 0.8 * ITEMS
    active = Counter(
        Submission.objects.filter(is_active=True, report__status=ReportStatus.SENT).values_list(
            "report_id", "target_unit_id"
        )
    )
    first_revision = {
        rev.report_id: rev for rev in Revision.objects.filter(submission__isnull=True).order_by("-id")
    }
    for r in sent:
        for target in r.targets.all():
            assert active[(r.pk, target.pk)] == 1
        rev = first_revision[r.pk]
        assert (rev.by_id, rev.unit_id, rev.created_at) == (r.author_id, r.source_unit_id, r.sent_at)
        assert r.submitted_at is not None and r.sent_at is not None and r.due_at is not None
        assert r.submitted_at <= r.sent_at and r.late == (r.sent_at > r.due_at)
        assert r.review_step == len(r.review_chain)
    assert set(Revision.objects.filter(submission__isnull=True).values_list("report_id", flat=True)) >= set(
        sent.values_list("pk", flat=True)
    )


def test_report_statuses_agree_with_their_review_trails(generated):
    actions: dict[int, list[str]] = defaultdict(list)
    for report_id, action in ReviewAction.objects.order_by("created_at", "id").values_list(
        "report_id", "action"
    ):
        actions[report_id].append(action)
    subs = Counter(Submission.objects.values_list("report_id", flat=True))
    active = Counter(Submission.objects.filter(is_active=True).values_list("report_id", flat=True))
    seen: Counter[str] = Counter()
    for r in Report.objects.all():
        trail = actions[r.pk]
        seen[r.status] += 1
        if r.status == ReportStatus.DRAFT:
            assert not trail and not subs[r.pk] and r.submitted_at is None and r.sent_at is None
        elif r.status == ReportStatus.IN_REVIEW:
            assert trail[-1] == ReviewAction.Action.SUBMIT and r.review_chain and not subs[r.pk]
        elif r.status == ReportStatus.RETURNED:
            assert trail[-1] == ReviewAction.Action.RETURN and r.review_chain and not subs[r.pk]
        elif r.status == ReportStatus.WITHDRAWN:
            assert trail[-1] == ReviewAction.Action.WITHDRAW and not active[r.pk]
        else:
            assert trail[0] == ReviewAction.Action.SUBMIT and ReviewAction.Action.SEND in trail
            assert trail.count(ReviewAction.Action.APPROVE) >= (1 if r.review_chain else 0)
    assert set(seen) == set(ReportStatus.values), seen
    assert 0.75 < seen[ReportStatus.SENT] / ITEMS < 0.95


def test_submission_statuses_and_forwarding_chains_upward(generated):
    roles = _roles()
    units = {u.pk: u for u in Unit.objects.all()}
    subs = {s.pk: s for s in Submission.objects.select_related("report")}
    # 修改后重报: the author's revision on the submission, which is then received again.
    resubmitted = set(
        Revision.objects.filter(submission__isnull=False, unit_id=F("report__source_unit_id")).values_list(
            "submission_id", flat=True
        )
    )
    seen: Counter[str] = Counter()
    longest = 0
    for s in subs.values():
        seen[s.status] += 1
        if s.status == SubmissionStatus.RECEIVED:
            assert s.claimed_by_id is None and s.decided_at is None
        else:
            assert Role.EDITOR in roles[(s.claimed_by_id, s.target_unit_id)]
            assert s.claimed_at is not None
            assert s.received_at <= s.claimed_at or s.pk in resubmitted
        if s.status == SubmissionStatus.CLAIMED:
            assert s.decided_by_id is None and s.decided_at is None
        if s.status in DECIDED:
            assert Role.EDITOR in roles[(s.decided_by_id, s.target_unit_id)]
            assert s.claimed_at is not None and s.decided_at is not None
            assert s.claimed_at <= s.decided_at and s.received_at <= s.decided_at
        if s.status == SubmissionStatus.ADOPTED:
            assert s.usage
        if s.status == SubmissionStatus.RETURNED:
            assert s.comment
        if s.status == SubmissionStatus.FORWARDED:
            assert s.forwarded_at == s.decided_at
        if s.forwarded_from_id is None:
            assert s.sender_unit_id == s.report.source_unit_id
            assert s.target_unit_id == units[s.report.source_unit_id].parent_id
            continue
        below = subs[s.forwarded_from_id]
        assert below.report_id == s.report_id
        assert below.status in {SubmissionStatus.FORWARDED, SubmissionStatus.ADOPTED}
        assert s.sender_unit_id == below.target_unit_id
        assert s.target_unit_id == units[below.target_unit_id].parent_id
        assert s.received_at == below.forwarded_at and s.is_active
        depth, up = 1, below
        while up.forwarded_from_id:
            depth, up = depth + 1, subs[up.forwarded_from_id]
        longest = max(longest, depth)
    assert longest >= 2, "no item went county → city → province"
    assert {"received", "claimed", "adopted", "declined", "forwarded"} <= set(seen), seen
    levels = Counter(units[s.target_unit_id].level for s in subs.values())
    assert levels["county"] > levels["city"] > levels["province"] > 0


def test_texts_read_like_government_information_and_pass_the_pre_submit_checks(generated):
    reports = list(Report.objects.all())
    categories = Counter(r.category for r in reports)
    assert categories.most_common(1)[0][0] == "work_update" and len(categories) == 7
    urgencies = Counter(r.urgency for r in reports)
    assert urgencies["normal"] > 0.85 * ITEMS and urgencies["urgent"] and urgencies["very_urgent"]
    assert len({r.title for r in reports}) > 0.9 * ITEMS
    for r in reports:
        assert 8 <= len(r.title) <= settings.REPORT_TITLE_MAX, r.title
        assert 2 <= len(r.body.split("\n")) <= 5, r.body
        assert "{" not in r.title + r.body, r.body
        assert any(ch.isdigit() for ch in r.body), r.body
    for r in reports[::10]:
        assert checks.run_checks(r)["blocking"] == [], (r.title, checks.run_checks(r))
    follow_ups = [r for r in reports if r.follow_up_of_id]
    assert follow_ups and all(r.category == "emergency" and r.follow_up_no >= 1 for r in follow_ups)


def test_the_command_seeds_units_users_and_items(db):
    call_command("seed_scale", units=400, users=500, items=300, days=30, prefix="CM", verbosity=0)
    assert Unit.objects.filter(code__startswith="CM").count() == 400
    assert Report.objects.count() == 300
    assert Report.objects.filter(created_at__lt=timezone.now() - dt.timedelta(days=31)).count() == 0
