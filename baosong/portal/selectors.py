"""Reads for the portal. Public reads show only what the chain (or a direct publish) put on the portal
and only 主动公开 content; desk reads are scoped to the units the user acts for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from baosong.editorial.models import Issue, IssueItem, IssueStatus, Publication
from baosong.editorial.selectors import public_items, published_issues
from baosong.orgs.models import Role, Unit, User
from baosong.orgs.selectors import acting_unit_ids, granted_ids, step_names_user, units_acting_for
from baosong.portal.models import (
    LIVE_STATUSES,
    PortalColumn,
    PortalRelease,
    PortalSite,
    ReleaseKind,
    ReleaseStatus,
)
from baosong.reports.models import PublicScope, Report, ReportStatus, Submission, SubmissionStatus
from baosong.scoring.models import Bulletin


@dataclass(frozen=True)
class Site:
    name: str
    host: str
    phone: str
    address: str
    email: str
    icp: str
    site_code: str = ""
    police_record: str = ""
    xxgk_guide: str = ""
    xxgk_rules: str = ""
    xxgk_apply: str = ""


def site() -> Site:
    """The masthead and footer: the administrator's settings, else the top unit's name."""
    row = PortalSite.objects.filter(pk=1).first()
    root = (
        Unit.objects.filter(parent__isnull=True, is_active=True, external=False)
        .order_by("sort_order", "id")
        .first()
    )
    host = (row.host if row and row.host else "") or (root.name if root else "政务信息报送平台")
    return Site(
        name=(row.name if row and row.name else "") or "政务信息公开",
        host=host,
        phone=row.phone if row else "",
        address=row.address if row else "",
        email=row.email if row else "",
        icp=row.icp if row else "",
        site_code=row.site_code if row else "",
        police_record=row.police_record if row else "",
        xxgk_guide=row.xxgk_guide if row else "",
        xxgk_rules=row.xxgk_rules if row else "",
        xxgk_apply=row.xxgk_apply if row else "",
    )


# ---- public reads ----------------------------------------------------------------------------------


def public_columns() -> QuerySet[PortalColumn]:
    return PortalColumn.objects.filter(is_active=True).order_by("order", "id")


def public_issues() -> QuerySet[Issue]:
    """Published issues, minus those taken off the portal (a withdrawn release and no live one since)."""
    releases = PortalRelease.objects.filter(issue=OuterRef("pk"))
    return published_issues().exclude(
        Exists(releases.filter(status=ReleaseStatus.WITHDRAWN))
        & ~Exists(releases.filter(status=ReleaseStatus.PUBLISHED))
    )


def public_issue(pk: int) -> Issue | None:
    return public_issues().filter(pk=pk).first()


def public_publications() -> list[dict[str, object]]:
    """Each publication with published issues, and its years (newest first) with counts."""
    rows = (
        public_issues()
        .order_by()
        .values("publication_id", "publication__name", "publication__unit__name", "year")
        .distinct()
    )
    pubs: dict[int, dict[str, object]] = {}
    for r in rows:
        entry = pubs.setdefault(
            r["publication_id"],
            {"id": r["publication_id"], "name": r["publication__name"], "unit": r["publication__unit__name"],
             "years": []},
        )  # fmt: skip
        years = entry["years"]
        assert isinstance(years, list)
        if r["year"] and r["year"] not in years:
            years.append(r["year"])
    for entry in pubs.values():
        years = entry["years"]
        assert isinstance(years, list)
        years.sort(reverse=True)
    return sorted(pubs.values(), key=lambda e: str(e["name"]))


def public_publication(pk: int) -> Publication | None:
    return Publication.objects.filter(pk=pk, issues__in=public_issues()).select_related("unit").first()


def public_issue_items(issue: Issue) -> list[IssueItem]:
    return public_items(issue)


def issue_wholly_public(issue: Issue, public: list[IssueItem]) -> bool:
    """Every item of the issue is public: only then may the portal offer the issue's file, which holds all."""
    return bool(public) and len(public) == issue.items.count()


def public_releases() -> QuerySet[PortalRelease]:
    """Item releases on the portal whose item is still 主动公开 and not withdrawn, newest first."""
    return (
        PortalRelease.objects.filter(status=ReleaseStatus.PUBLISHED)
        .filter(
            Q(kind=ReleaseKind.ISSUE)
            | Q(report__public_scope=PublicScope.PUBLIC, report__status=ReportStatus.SENT)
        )
        .filter(Q(kind=ReleaseKind.ITEM) | Q(issue__in=public_issues()))
        .select_related("column", "unit", "issue__publication")
        .order_by("-published_at", "-id")
    )


def public_article(pk: int) -> PortalRelease | None:
    return public_releases().filter(pk=pk, kind=ReleaseKind.ITEM).first()


def public_bulletins() -> QuerySet[Bulletin]:
    return (
        Bulletin.objects.filter(status=Bulletin.Status.RELEASED, to_portal=True)
        .select_related("unit")
        .order_by("-released_at", "-id")
    )


# ---- desk reads ------------------------------------------------------------------------------------


def live_release_targets() -> dict[str, QuerySet[PortalRelease, Any]]:
    """Issues and items that already have a live request (or are on the portal), as subqueries."""
    live = PortalRelease.objects.filter(status__in=LIVE_STATUSES)
    return {
        "issue": live.filter(issue__isnull=False).values("issue_id"),
        "report": live.filter(report__isnull=False).values("report_id"),
    }


def issues_open_for_portal() -> QuerySet[Issue]:
    """Issues that may be proposed for the portal: distributed ones, and published ones taken off it (they
    may go up again) — none already on the portal or with a request in progress."""
    return (
        Issue.objects.filter(status__in=[IssueStatus.DISTRIBUTED, IssueStatus.PUBLISHED])
        .exclude(pk__in=live_release_targets()["issue"])
        .exclude(pk__in=public_issues().values("pk"))
    )


def submissions_open_for_portal() -> QuerySet[Submission]:
    """Items adopted at a unit that may be proposed there: 主动公开, still 报出 (not withdrawn), and with no
    request in progress or on the portal."""
    return Submission.objects.filter(
        status=SubmissionStatus.ADOPTED,
        report__public_scope=PublicScope.PUBLIC,
        report__status=ReportStatus.SENT,
    ).exclude(report_id__in=live_release_targets()["report"])


def reports_open_for_portal() -> QuerySet[Report]:
    """A unit's own sent 主动公开 items with no request in progress or on the portal."""
    return Report.objects.filter(status=ReportStatus.SENT, public_scope=PublicScope.PUBLIC).exclude(
        pk__in=live_release_targets()["report"]
    )


def portal_candidates(user: User) -> dict[str, QuerySet[Any]]:
    """What the editor may propose on the 上网发布 form, for the units where they edit (newest first)."""
    units = acting_unit_ids(user, Role.EDITOR)
    return {
        "issues": issues_open_for_portal()
        .filter(publication__unit_id__in=units)
        .select_related("publication")
        .order_by("-distributed_at")[:30],
        "submissions": submissions_open_for_portal()
        .filter(target_unit_id__in=units)
        .select_related("report__source_unit")
        .order_by("-decided_at")[:50],
        "own": reports_open_for_portal()
        .filter(source_unit_id__in=units)
        .select_related("source_unit")
        .order_by("-submitted_at")[:30],
    }


def directly_published_issues(user: User) -> QuerySet[Issue]:
    """Issues of the user's desk units on the portal without a release (published directly), newest first:
    the 上网发布 page offers to take them down."""
    units = units_acting_for(user, Role.EDITOR, Role.CHIEF, Role.LEADER)
    return (
        public_issues()
        .filter(publication__unit__in=units)
        .exclude(Exists(PortalRelease.objects.filter(issue=OuterRef("pk"), status=ReleaseStatus.PUBLISHED)))
        .select_related("publication")
        .order_by("-published_at", "-id")
    )


def releases_visible_to(user: User) -> QuerySet[PortalRelease]:
    """Releases of the units where the user has a business role (the desk and the reviewers there)."""
    units = units_acting_for(user, Role.EDITOR, Role.CHIEF, Role.LEADER, Role.REVIEWER, Role.REPORTER)
    # A reviewer outside the unit (县委宣传部) sees the releases sent to their step, nothing else.
    granted = granted_ids(user, "portal_release")
    return PortalRelease.objects.filter(Q(unit__in=units) | Q(pk__in=granted)).select_related(
        "unit", "column", "requested_by", "issue__publication"
    )


def release_review_queue(user: User) -> list[PortalRelease]:
    """Releases waiting at a step that names this user (filtered precisely in Python: few rows)."""
    pending = releases_visible_to(user).filter(status=ReleaseStatus.IN_REVIEW).order_by("submitted_at", "id")
    return [r for r in pending if step_names_user(r.current_step, user, home_unit_id=r.unit_id)]
