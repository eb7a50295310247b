"""Reads of publications and issues, always scoped by what the user may see, and the builders of the
plain documents the renderers draw."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Prefetch, Q, QuerySet, Value, When
from django.utils import timezone

from baosong.core.errors import NotFound
from baosong.editorial.document import (
    DistributionLine,
    DocColumn,
    DocItem,
    IssueDocument,
    ReviewSheet,
    ReviewSheetStep,
    TemplateStyle,
)  # fmt: skip
from baosong.editorial.models import (
    Issue,
    IssueItem,
    IssueItemSource,
    IssueRecipient,
    IssueStatus,
    IssueTemplate,
    Publication,
    RecipientGroup,
)  # fmt: skip
from baosong.orgs.models import BUSINESS_ROLES, Role, User
from baosong.orgs.selectors import acting_unit_ids, admin_scope_units
from baosong.reports.models import Report, Submission, SubmissionStatus
from baosong.reports.selectors import InboxFilters, category_label, inbox

DESK_ROLES = (Role.EDITOR, Role.CHIEF, Role.LEADER)
RELEASED = [IssueStatus.DISTRIBUTED, IssueStatus.PUBLISHED, IssueStatus.WITHDRAWN]


def _unit_ids(user: User, *roles: str) -> list[int]:
    return acting_unit_ids(user, *roles)


def publications_admin(user: User) -> QuerySet[Publication]:
    return (
        Publication.objects.filter(unit__in=admin_scope_units(user))
        .select_related("unit", "template")
        .order_by("unit__path", "name")
    )


def publication_admin_for(user: User, pk: int) -> Publication:
    pub = publications_admin(user).filter(pk=pk).first()
    if pub is None:
        raise NotFound()
    return pub


def publications_for_desk(user: User, *roles: str) -> QuerySet[Publication]:
    """Publications of the units where the user edits, signs or leads."""
    return (
        Publication.objects.filter(unit_id__in=_unit_ids(user, *(roles or DESK_ROLES)), is_active=True)
        .select_related("unit")
        .order_by("unit__path", "name")
    )


def reading_lines(user: User) -> QuerySet[IssueRecipient]:
    """Distribution lines delivered to the user by name, or to a unit the user belongs to."""
    units = _unit_ids(user, *BUSINESS_ROLES)
    return IssueRecipient.objects.filter(Q(user=user) | Q(unit_id__in=units), delivered_at__isnull=False)


def issues_visible_to(user: User) -> QuerySet[Issue]:
    """The desk side (its publication's unit: editors, chiefs, leaders) sees every issue; recipients see
    the issues distributed to them."""
    desk = _unit_ids(user, *DESK_ROLES)
    delivered = reading_lines(user).filter(issue=OuterRef("pk"))
    return Issue.objects.filter(Q(publication__unit_id__in=desk) | Exists(delivered))


def issue_for(user: User, pk: int) -> Issue:
    issue = issues_visible_to(user).select_related("publication__unit", "signed_by").filter(pk=pk).first()
    if issue is None:
        raise NotFound()
    return issue


def is_desk(user: User, issue: Issue) -> bool:
    return issue.publication.unit_id in _unit_ids(user, *DESK_ROLES)


def desk_issues(user: User, *, status: str | None = None, publication: int | None = None) -> QuerySet[Issue]:
    qs = (
        Issue.objects.filter(publication__unit_id__in=_unit_ids(user, *DESK_ROLES))
        .select_related("publication__unit", "signed_by")
        .annotate(item_count=Count("items"))
    )
    if status:
        qs = qs.filter(status=status)
    if publication:
        qs = qs.filter(publication_id=publication)
    return qs.order_by("-created_at", "-id")


def signing_queue(user: User) -> QuerySet[Issue]:
    """Issues waiting for this user's signature (the publication's signer role in its unit)."""
    chief = _unit_ids(user, Role.CHIEF)
    leader = _unit_ids(user, Role.LEADER)
    return (
        Issue.objects.filter(status=IssueStatus.PENDING_SIGNATURE)
        .filter(
            Q(publication__signer_role=Role.CHIEF, publication__unit_id__in=chief)
            | Q(publication__signer_role=Role.LEADER, publication__unit_id__in=leader)
        )
        .select_related("publication__unit")
        .annotate(item_count=Count("items"))
        .order_by("submitted_at")
    )


def issue_items(issue: Issue) -> list[IssueItem]:
    sources = IssueItemSource.objects.select_related(
        "submission__report__source_unit", "submission__report__author"
    ).order_by("position", "id")
    return list(
        issue.items.prefetch_related(Prefetch("sources", queryset=sources)).order_by("position", "id")
    )


def candidates(
    user: User, issue: Issue, filters: InboxFilters | None = None, *, adopted_only: bool = False
) -> QuerySet[Submission]:
    """Submissions the issue can take: adopted (or still undecided, to 采用 straight in) at the
    publication's unit and not printed in a live issue. The inbox's filters apply."""
    statuses: list[str] = [SubmissionStatus.ADOPTED]
    if not adopted_only:
        statuses += [SubmissionStatus.RECEIVED, SubmissionStatus.CLAIMED]
    f = filters or InboxFilters()
    if f.status and f.status in statuses:
        statuses = [f.status]
    printed = IssueItemSource.objects.filter(submission=OuterRef("pk"), active=True)
    base = inbox(user, InboxFilters(**{**f.__dict__, "status": None}), unit_id=issue.publication.unit_id)
    return base.filter(status__in=statuses).exclude(Exists(printed))


def in_received_order(submission_ids: list[int]) -> list[int]:
    """The order submissions join an issue, whatever order they were ticked or listed in: as they were
    received (oldest first), so the items read in the order events were reported. Duplicates are dropped;
    ids of no submission stay at the end, for the service to refuse."""
    ids = list(dict.fromkeys(submission_ids))
    known = list(
        Submission.objects.filter(pk__in=ids).order_by("received_at", "id").values_list("pk", flat=True)
    )
    return known + [pk for pk in ids if pk not in set(known)]


def in_closing_order(recipients: QuerySet[Any]) -> QuerySet[Any]:
    """Recipients in the closing block's order, 报 then 送 then 发, not the codes' alphabetical one."""
    return recipients.annotate(
        group_rank=Case(
            *(When(group=g, then=Value(i)) for i, g in enumerate(["up", "peer", "down"])),
            default=Value(3),
            output_field=IntegerField(),
        )
    ).order_by("group_rank", "position", "id")


def issue_readers(issue: Issue) -> list[IssueRecipient]:
    return list(in_closing_order(issue.recipients.select_related("unit", "user", "read_by")))


def issues_of_report(report: Report) -> list[dict[str, Any]]:
    """Where an item was printed (for its trail): issue label, status and when."""
    rows = (
        IssueItemSource.objects.filter(submission__report=report)
        .select_related("item__issue__publication__unit")
        .order_by("item__issue__created_at")
    )
    return [
        {
            "issue": s.item.issue,
            "unit": s.item.issue.publication.unit.name,
            "label": s.item.issue.label,
            "status": s.item.issue.get_status_display(),
            "active": s.active,
        }
        for s in rows
    ]


def published_issues() -> QuerySet[Issue]:
    return (
        Issue.objects.filter(status=IssueStatus.PUBLISHED)
        .select_related("publication__unit")
        .order_by("-published_at", "-id")
    )


def public_items(issue: Issue) -> list[IssueItem]:
    """Only items whose every source is 主动公开 reach the portal."""
    items = issue_items(issue)
    return [
        i
        for i in items
        if i.sources.all() and all(s.submission.report.public_scope == "public" for s in i.sources.all())
    ]


# ---- documents -------------------------------------------------------------------------------------


def template_style(template: IssueTemplate | None) -> TemplateStyle:
    if template is None:
        return TemplateStyle()
    return TemplateStyle(
        masthead_text=template.masthead_text,
        masthead_color=template.masthead_color,
        masthead_font=template.masthead_font,
        masthead_size_pt=float(template.masthead_size_pt),
        body_font=template.body_font,
        heading_font=template.heading_font,
        kai_font=template.kai_font,
        title_font=template.title_font,
        show_closing_block=template.show_closing_block,
        variant=template.variant,
    )


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in (text or "").splitlines() if p.strip()]


def issue_document(issue: Issue, items: list[IssueItem] | None = None) -> IssueDocument:
    pub = issue.publication
    template = (pub.supplement_template or pub.template) if issue.is_supplement else pub.template
    items = issue_items(issue) if items is None else items
    columns: list[DocColumn] = []
    briefs: list[DocItem] = []
    for item in items:
        doc_item = DocItem(
            title=item.title,
            paragraphs=_paragraphs(item.body),
            sources=list(dict.fromkeys(s.submission.report.source_unit.name for s in item.sources.all())),
            editor_note=item.editor_note.strip(),
            is_brief=item.kind == IssueItem.Kind.BRIEF,
        )
        if doc_item.is_brief:
            briefs.append(doc_item)
        elif columns and columns[-1].name == item.column:
            columns[-1].items.append(doc_item)
        else:
            columns.append(DocColumn(name=item.column, items=[doc_item]))
    distribution = []
    for group in RecipientGroup:
        names = [r.name for r in issue.recipients.all() if r.group == group.value]
        if names:
            distribution.append(DistributionLine(label=group.label, names=names))
    signed = timezone.localdate(issue.signed_at) if issue.signed_at else None
    return IssueDocument(
        publication_name=pub.name,
        number_text=issue.number_text,
        issuing_unit=pub.unit.name,
        date=signed,
        style=template_style(template),
        columns=columns,
        briefs=briefs,
        headline=issue.headline,
        marking=issue.marking,
        distribution=distribution,
        print_count=issue.print_count,
        withdrawn=issue.status == IssueStatus.WITHDRAWN,
    )


def review_sheet(report: Report) -> ReviewSheet:
    """政务信息报送审核表: the author's submission, each review step, then each target's decision."""
    steps = [
        ReviewSheetStep(
            label=a.step_label or a.get_action_display(),
            person=a.actor.full_name,
            unit=report.source_unit.name,
            time=a.created_at,
            opinion=a.comment or a.get_action_display(),
        )
        for a in report.review_actions.select_related("actor").order_by("created_at", "id")
    ]
    for s in report.submissions.select_related("target_unit", "decided_by", "claimed_by").order_by(
        "received_at", "id"
    ):
        person = s.decided_by or s.claimed_by
        steps.append(
            ReviewSheetStep(
                label=f"{s.target_unit.short_name or s.target_unit.name}{s.get_status_display()}",
                person=person.full_name if person else "",
                unit=s.target_unit.name,
                time=s.decided_at or s.claimed_at or s.received_at,
                opinion=s.comment or s.get_usage_display() or s.get_status_display(),
            )
        )
    return ReviewSheet(
        title=report.title,
        unit=report.source_unit.name,
        author=report.author.full_name,
        author_phone=report.author.office_phone or report.author.mobile or "",
        category=category_label(report.category),
        urgency=report.get_urgency_display(),
        public_scope=report.get_public_scope_display(),
        created=report.created_at,
        sent=report.sent_at,
        paragraphs=_paragraphs(report.body),
        steps=steps,
    )


def issue_marks(issue_id: int) -> dict[str, bool]:
    """What conditional review steps read of an issue: whether any of its items is 敏感 or 负面/重大."""
    reports = Report.objects.filter(
        submissions__issue_sources__item__issue_id=issue_id, submissions__issue_sources__active=True
    )
    return {
        "sensitive": reports.filter(sensitive=True).exists(),
        "negative": reports.filter(negative=True).exists(),
    }
