"""Reads of items and submissions, always scoped by what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone

from baosong.core.context import request_memo
from baosong.core.errors import NotFound
from baosong.core.params import local_day_bounds
from baosong.orgs.models import BUSINESS_ROLES, Role, Unit, User
from baosong.orgs.selectors import acting_unit_ids, granted_ids, memberships_of, step_names_user, subtree_q
from baosong.reports.models import (
    Attachment,
    Category,
    DeadlineRule,
    ForwardRequest,
    ForwardStatus,
    ItemCategory,
    Report,
    ReportStatus,
    Submission,
    SubmissionStatus,
    VerificationRequest,
    VerificationStatus,
)

# ---- categories (信息类别): a small table every list labels its rows from -----------------------------

CATEGORIES_MEMO = "reports.categories"
DEADLINE_RULES_MEMO = "reports.deadline_rules"


@dataclass(frozen=True)
class CategoryTable:
    rows: list[ItemCategory]
    by_code: dict[str, ItemCategory]
    labels: dict[str, str]


def _category_table() -> CategoryTable:
    def build() -> CategoryTable:
        rows = list(ItemCategory.objects.order_by("sort_order", "id"))
        return CategoryTable(rows, {c.code: c for c in rows}, {c.code: c.label for c in rows})

    return request_memo(CATEGORIES_MEMO, build)


def item_categories() -> list[ItemCategory]:
    """Every category in the office's order, retired ones included (old items keep theirs). Read once per
    request: a page labels any number of rows from it without a query per row."""
    return _category_table().rows


def category_by_code() -> dict[str, ItemCategory]:
    return _category_table().by_code


def category_labels() -> dict[str, str]:
    """code → name, retired ones included; an unknown code shows as itself."""
    return _category_table().labels


def category_label(code: str) -> str:
    return category_labels().get(code, code)


def default_category() -> str:
    """The category a new item starts with: 工作动态 while it is in use, else the first one in use."""
    live = [c.code for c in item_categories() if not c.retired]
    return Category.WORK_UPDATE if Category.WORK_UPDATE in live else next(iter(live), Category.WORK_UPDATE)


def category_filter_choices() -> list[tuple[str, str]]:
    """(code, name) of every category, for the filters of lists (old items keep retired ones)."""
    return [(c.code, f"{c.label}（已停用）" if c.retired else c.label) for c in item_categories()]


def deadline_rules() -> dict[tuple[str, str], DeadlineRule]:
    """(category, urgency) → rule, read once per request (the review queue checks every item's 时限)."""
    return request_memo(
        DEADLINE_RULES_MEMO, lambda: {(r.category, r.urgency): r for r in DeadlineRule.objects.all()}
    )


def _unit_ids(user: User, *roles: str) -> list[int]:
    return acting_unit_ids(user, *roles)


def reports_visible_to(user: User) -> QuerySet[Report]:
    """Own unit's items (any business role there), plus items that reached a unit where the user is an
    editor/chief/leader. Drafts never leave their unit: a sibling's draft is invisible."""
    own = _unit_ids(user, *BUSINESS_ROLES)
    handling = _unit_ids(user, Role.EDITOR, Role.CHIEF, Role.LEADER)
    # `+ 0` keeps SQLite from probing the per-row subquery through the target-unit index (every
    # submission of a busy county, per item: quadratic on lists like the ledger); it looks the item's few
    # submissions up by report instead. PostgreSQL plans it the same either way.
    reached = Submission.objects.annotate(target_plus=F("target_unit_id") + 0).filter(
        report=OuterRef("pk"), target_plus__in=handling
    )
    # An item sent to a reviewer outside its unit (县委宣传部) for their step: that one, nothing else.
    return Report.objects.filter(
        Q(source_unit_id__in=own) | Exists(reached) | Q(pk__in=granted_ids(user, "report"))
    )


def co_unit_candidates(unit: Unit) -> QuerySet[Unit]:
    """合报: the units an item of ``unit`` may name as joint authors — its active peers (same parent). A
    unit without a parent (the province) has none."""
    if unit.parent_id is None:
        return Unit.objects.none()
    return (
        Unit.objects.filter(parent_id=unit.parent_id, is_active=True)
        .exclude(pk=unit.pk)
        .order_by("sort_order")
    )


def report_for(user: User, pk: int) -> Report:
    report = (
        reports_visible_to(user).select_related("source_unit", "author", "follow_up_of").filter(pk=pk).first()
    )
    if report is None:
        raise NotFound()
    return report


def attachment_for(user: User, pk: int, *, report: Report | None = None) -> Attachment:
    """An attachment (not removed) of an item the user may see — of ``report`` when given; else NotFound,
    whether it does not exist or belongs to an item out of sight."""
    qs = Attachment.objects.filter(pk=pk, removed_at__isnull=True)
    attachment = (qs.filter(report=report) if report is not None else qs).first()
    if attachment is None:
        raise NotFound()
    attachment.report = report if report is not None else report_for(user, attachment.report_id)
    return attachment


def report_attachments(report: Report) -> QuerySet[Attachment]:
    return report.attachments.filter(removed_at__isnull=True).select_related("uploaded_by").order_by("id")


def my_reports(
    user: User, *, mine: bool = False, status: str | None = None, q: str | None = None
) -> QuerySet[Report]:
    units = _unit_ids(user, Role.REPORTER, Role.REVIEWER)
    qs = Report.objects.filter(source_unit_id__in=units).select_related("source_unit", "author")
    if mine:
        qs = qs.filter(author=user)
    if status == ReportStatus.RETURNED:
        # 退回修改 from the unit's review or from an upper unit's editor: either way the author revises.
        returned_above = Submission.objects.filter(
            report=OuterRef("pk"), is_active=True, status=SubmissionStatus.RETURNED
        )
        qs = qs.filter(Q(status=status) | Exists(returned_above))
    elif status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(title__contains=q)
    return qs.order_by("-updated_at", "-id")


def review_queue(user: User) -> QuerySet[Report]:
    """Items waiting at a review step this user may act on (filtered precisely in Python: few rows)."""
    units = _unit_ids(user, Role.REVIEWER, Role.CHIEF, Role.LEADER, Role.EDITOR, Role.REPORTER)
    return (
        Report.objects.filter(source_unit_id__in=units, status=ReportStatus.IN_REVIEW)
        .select_related("source_unit", "author")
        .order_by("submitted_at")
    )


def reviews_waiting_for(user: User) -> list[Report]:
    """Items whose current review step is this user's, oldest first: the memberships once, then the
    unit's items in review (few rows), matched in Python by the workflow's own step rule."""
    from baosong.reports.workflow import waiting_step_for

    roles_by_unit: dict[int, set[str]] = {}
    for unit_id, role, active in memberships_of(user):
        if active:
            roles_by_unit.setdefault(unit_id, set()).add(role)
    if not roles_by_unit:
        return []
    items = (
        Report.objects.filter(source_unit_id__in=list(roles_by_unit), status=ReportStatus.IN_REVIEW)
        .select_related("source_unit", "author")
        .order_by("submitted_at", "id")
    )
    mine = [r for r in items if waiting_step_for(r, user_id=user.pk, roles=roles_by_unit[r.source_unit_id])]
    # Items of other units whose current step names a role of this user's unit (a reviewer outside).
    outside = (
        Report.objects.filter(pk__in=granted_ids(user, "report"), status=ReportStatus.IN_REVIEW)
        .exclude(source_unit_id__in=list(roles_by_unit))
        .select_related("source_unit", "author")
        .order_by("submitted_at", "id")
    )
    from baosong.reports.workflow import current_step

    mine += [r for r in outside if step_names_user(current_step(r), user, home_unit_id=r.source_unit_id)]
    return mine


def _step_who(user: User) -> Q:
    """Queue rows whose current step names this user: the person, or a role they hold in a unit."""
    who = Q(step_user=user)
    for unit_id, role, active in memberships_of(user):
        if active:
            who |= Q(step_unit_id=unit_id, step_role=role)
    return who


def forward_queue(user: User) -> QuerySet[ForwardRequest]:
    """转报 waiting for this user's signature, oldest first."""
    return (
        ForwardRequest.objects.filter(_step_who(user), status=ForwardStatus.PENDING)
        .select_related("unit", "submission__report__source_unit", "requested_by")
        .order_by("created_at", "id")
    )


def forward_requests_visible_to(user: User) -> QuerySet[ForwardRequest]:
    """The forwarding unit's desk (editor, chief, leader) sees its requests; a signer sees those sent to
    them (an outside signer: those and nothing else)."""
    desk = _unit_ids(user, Role.EDITOR, Role.CHIEF, Role.LEADER)
    return ForwardRequest.objects.filter(Q(unit_id__in=desk) | Q(pk__in=granted_ids(user, "forward_request")))


def forward_request_for(user: User, pk: int) -> ForwardRequest:
    fr = (
        forward_requests_visible_to(user)
        .select_related(
            "unit", "submission__report__source_unit", "submission__report__author", "requested_by"
        )
        .filter(pk=pk)
        .first()
    )
    if fr is None:
        raise NotFound()
    return fr


@dataclass
class InboxFilters:
    status: str | None = None
    category: str | None = None
    urgency: str | None = None
    source_unit: int | None = None
    late: bool | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str | None = None
    sort: str = "default"
    urgent: bool = False  # 紧急 and 特急 together
    verifying: bool = False  # 待核实: an open verification request


URGENCY_TO_RANK = {"very_urgent": 0, "urgent": 1, "normal": 2}
OPEN = [SubmissionStatus.RECEIVED, SubmissionStatus.CLAIMED]  # awaiting this unit's decision


def inbox(
    user: User, filters: InboxFilters | None = None, *, unit_id: int | None = None
) -> QuerySet[Submission]:
    """Submissions to the units where the user is an editor: open urgent items by remaining time, then the
    other open items, then the decided ones (newest first)."""
    f = filters or InboxFilters()
    units = _unit_ids(user, Role.EDITOR)
    if unit_id is not None:
        units = [u for u in units if u == unit_id]
    qs = Submission.objects.filter(target_unit_id__in=units, is_active=True).select_related(
        "report", "report__source_unit", "sender_unit", "target_unit", "claimed_by"
    )
    if f.status:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.urgency in URGENCY_TO_RANK:
        qs = qs.filter(urgency_rank=URGENCY_TO_RANK[f.urgency])
    elif f.urgent:
        qs = qs.filter(urgency_rank__lt=URGENCY_TO_RANK["normal"])
    if f.source_unit:
        from baosong.orgs.models import Unit

        root = Unit.objects.filter(pk=f.source_unit).first()
        qs = qs.filter(subtree_q([root.path], prefix="report__source_unit__")) if root else qs.none()
    now = timezone.now()
    if f.late is True:
        qs = qs.filter(
            Q(report__late=True)
            | Q(status__in=[SubmissionStatus.RECEIVED, SubmissionStatus.CLAIMED], due_at__lt=now)
        )
    start, end = local_day_bounds(f.date_from, f.date_to)
    if start:
        qs = qs.filter(received_at__gte=start)
    if end:
        qs = qs.filter(received_at__lt=end)
    if f.q:
        qs = qs.filter(title__contains=f.q)
    if f.verifying:
        waiting = VerificationRequest.objects.filter(
            submission=OuterRef("pk"), status=VerificationStatus.OPEN
        )
        qs = qs.filter(Exists(waiting))
    if f.sort == "due":
        return qs.order_by("due_at", "-received_at")
    if f.sort == "oldest":
        return qs.order_by("received_at")
    return in_inbox_order(qs)


def in_inbox_order(qs: QuerySet[Submission]) -> QuerySet[Submission]:
    """The inbox's order (its page, the 工作台): open (not yet decided) items first; among them urgent
    ones by the time they have left, the one due soonest on top; then the other open items, newest first;
    decided items last, newest first. Stored on the row (Submission.set_inbox_order), read by an index."""
    return qs.order_by("inbox_order", "inbox_due", "-received_at", "-id")


def submission_for_editor(user: User, pk: int) -> Submission:
    sub = inbox(user).filter(pk=pk).first()
    if sub is None:
        raise NotFound()
    return sub


def submission_for_author(user: User, pk: int) -> Submission:
    units = _unit_ids(user, Role.REPORTER)
    sub = (
        Submission.objects.select_related("report", "target_unit")
        .filter(pk=pk, report__source_unit_id__in=units, is_active=True)
        .first()
    )
    if sub is None:
        raise NotFound()
    return sub


def report_trail(report: Report) -> list[dict[str, Any]]:
    """Each level's decision, in the order the item travelled (县采用 → 市转报 → 省未采用)."""
    subs = (
        Submission.objects.filter(report=report)
        .select_related("target_unit", "sender_unit", "decided_by", "claimed_by")
        .order_by("received_at", "id")
    )
    return [
        {
            "submission_id": s.pk,
            "unit_id": s.target_unit_id,
            "unit_name": s.target_unit.name,
            "level": s.target_unit.level,
            "from_unit_id": s.sender_unit_id,
            "from_unit_name": s.sender_unit.name,
            "status": s.status,
            "status_label": s.get_status_display(),
            "active": s.is_active,
            "usage": s.usage or None,
            "comment": s.comment,
            "received_at": s.received_at,
            "claimed_at": s.claimed_at,
            "decided_at": s.decided_at,
            "forwarded_at": s.forwarded_at,
            "actor": s.decided_by.full_name if s.decided_by else None,
            "receive_seconds": s.receive_seconds,
        }
        for s in subs
    ]


def _acted(report: Any) -> QuerySet[Submission]:
    # A 转报 waiting for its sign-off is the target's act too: withdrawing under it would send a
    # withdrawn item up when the signer signs.
    return Submission.objects.filter(report=report, is_active=True).filter(
        ~Q(status=SubmissionStatus.RECEIVED) | Q(claimed_by__isnull=False) | Q(forward_pending=True)
    )


def with_targets_acted(qs: QuerySet[Report]) -> QuerySet[Report]:
    """A list whose rows offer their actions: whether a target has acted comes with each row (one
    subquery) instead of one query per row in targets_have_acted."""
    return qs.annotate(targets_acted=Exists(_acted(OuterRef("pk"))))


def targets_have_acted(report: Report) -> bool:
    """A target unit has started on the sent item (claimed or decided): it can no longer be withdrawn
    (report_withdraw refuses it under a lock; pages use this to not offer a button that cannot work).
    A row read through with_targets_acted carries the answer."""
    known = getattr(report, "targets_acted", None)
    if known is not None:
        return bool(known)
    return _acted(report).exists()


def follow_up_chain(report: Report, user: User | None = None) -> QuerySet[Report]:
    """The item's 初报 and 续报s (those ``user`` may see, when given: a reviewer outside the unit sees
    only what was sent to them)."""
    root = report.chain_root_id
    qs = reports_visible_to(user) if user is not None else Report.objects.all()
    return qs.filter(Q(pk=root) | Q(follow_up_of_id=root)).order_by("follow_up_no", "id")


# ---- 核实 (verification requests) -------------------------------------------------------------------

# How far up a forwarded copy may travel from the unit that asked (县 → 市 → 省 → 国家).
_FORWARD_HOPS = (
    "forwarded_from",
    "forwarded_from__forwarded_from",
    "forwarded_from__forwarded_from__forwarded_from",
)


def verifications_visible_to(user: User) -> QuerySet[VerificationRequest]:
    """A verification request is seen by the asking unit's editors, chiefs and leaders, by the source unit's
    people (the author, its 信息员 and reviewers), and by the desks of the units that received a copy
    forwarded from the asking unit's submission (the trail an editor decides adoption with). Nobody else:
    another unit's request answers 404."""
    desk = _unit_ids(user, Role.EDITOR, Role.CHIEF, Role.LEADER)
    own = _unit_ids(user, *BUSINESS_ROLES)
    upward = Q()
    for hop in _FORWARD_HOPS:
        upward |= Q(**{f"{hop}_id": OuterRef("submission_id")})
    forwarded_to_me = Submission.objects.filter(upward, report=OuterRef("report_id"), target_unit_id__in=desk)
    return VerificationRequest.objects.filter(
        Q(asking_unit_id__in=desk)
        | Q(source_unit_id__in=own)
        | Q(report__author=user)
        | (Exists(forwarded_to_me) if desk else Q(pk__in=[]))
    )


def _verification_rows(qs: QuerySet[VerificationRequest]) -> QuerySet[VerificationRequest]:
    return qs.select_related(
        "report", "asking_unit", "source_unit", "asked_by", "answered_by", "withdrawn_by", "submission"
    ).order_by("-asked_at", "-id")


def verification_for(user: User, pk: int) -> VerificationRequest:
    found = _verification_rows(verifications_visible_to(user).filter(pk=pk)).first()
    if found is None:
        raise NotFound()
    return found


def submission_lineage(submission: Submission) -> list[int]:
    """The submission and the copies it was forwarded from, nearest first (one query: the item's few)."""
    parents = dict(
        Submission.objects.filter(report_id=submission.report_id).values_list("pk", "forwarded_from_id")
    )
    chain: list[int] = []
    current: int | None = submission.pk
    while current is not None and current not in chain:
        chain.append(current)
        current = parents.get(current)
    return chain


def verifications_of_submission(submission: Submission) -> list[VerificationRequest]:
    """The verification trail an editor sees on a submission: the requests this unit made, and those made by
    the units below that forwarded it here. The caller has the submission through submission_for_editor."""
    return list(
        _verification_rows(
            VerificationRequest.objects.filter(submission_id__in=submission_lineage(submission))
        )
    )


def verifications_of_report(user: User, report: Report) -> list[VerificationRequest]:
    """The requests on the item page: all of them for its source unit, what the user may see otherwise."""
    return list(_verification_rows(verifications_visible_to(user).filter(report=report)))


def verifications_list(
    user: User, *, status: str | None = None, asked: bool | None = None
) -> QuerySet[VerificationRequest]:
    """The user's requests: ``asked`` True — those the user's units asked; False — those asked of the user's
    units (to answer); None — both."""
    qs = verifications_visible_to(user)
    if asked is True:
        qs = qs.filter(asking_unit_id__in=_unit_ids(user, Role.EDITOR, Role.CHIEF, Role.LEADER))
    elif asked is False:
        qs = qs.filter(Q(source_unit_id__in=_unit_ids(user, *BUSINESS_ROLES)) | Q(report__author=user))
    if status:
        qs = qs.filter(status=status)
    return _verification_rows(qs)


def open_verifications_since(submission_ids: list[int]) -> dict[int, dt.datetime]:
    """submission id → when its oldest open verification request was asked (the inbox's 待核实 mark): one
    query for a page of rows."""
    rows = (
        VerificationRequest.objects.filter(submission_id__in=submission_ids, status=VerificationStatus.OPEN)
        .values_list("submission_id", "asked_at")
        .order_by("asked_at")
    )
    since: dict[int, dt.datetime] = {}
    for sub_id, asked_at in rows:
        since.setdefault(sub_id, asked_at)
    return since
