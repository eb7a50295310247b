"""The only writers of the portal: columns, site details, releases and their approval chain.

Keyword-only, typed, atomic, audited. A release's status changes only through ``workflow.release_transition``
(``issue_take_down`` creates the record of a direct publication already published, then withdraws it there).
"""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from baosong.core.audit import audit_record
from baosong.core.errors import Forbidden, ServiceError
from baosong.editorial import selectors as editorial_selectors
from baosong.editorial import services as editorial_services
from baosong.editorial.models import Issue, IssueStatus
from baosong.orgs.models import ReviewStep, Role, Unit, User
from baosong.orgs.selectors import chain_for, review_grant, roles_in_unit, user_has_role
from baosong.portal import selectors
from baosong.portal.models import (
    LIVE_STATUSES,
    PortalColumn,
    PortalRelease,
    PortalSite,
    ReleaseKind,
    ReleaseStatus,
)
from baosong.portal.workflow import release_transition
from baosong.reports.models import PublicScope, Report, ReportStatus, Submission, SubmissionStatus
from baosong.reports.services import content_marks

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
SITE_FIELDS = {"name": ("网站名称", 60), "host": ("主办单位", 100), "phone": ("联系电话", 40),
               "address": ("通讯地址", 120), "email": ("电子邮箱", 80), "icp": ("备案号", 60),
               "site_code": ("网站标识码", 10), "police_record": ("公安机关备案号", 60),
               "xxgk_guide": ("信息公开指南", 5000), "xxgk_rules": ("信息公开制度", 5000),
               "xxgk_apply": ("依申请公开说明", 5000)}  # fmt: skip
# The 网站标识码 issued through the national government-website system: ten letters or digits
# (e.g. 1100000088 for a local government, bm01000001 for a department).
_SITE_CODE = re.compile(r"^[0-9A-Za-z]{10}$")


# ---- columns and site (system administrator) ------------------------------------------------------


def _require_sysadmin(by: User) -> None:
    if not user_has_role(by, Role.SYSADMIN):
        raise Forbidden("只有系统管理员可以管理门户栏目。")


def _column_fields(name: str, slug: str, order: int, description: str) -> dict[str, Any]:
    name, slug, description = (name or "").strip(), (slug or "").strip().lower(), (description or "").strip()
    if not name or len(name) > 30:
        raise ServiceError("请填写栏目名称（不超过 30 字）。", "invalid_name")
    if not _SLUG.match(slug):
        raise ServiceError("英文标识只能使用小写字母、数字和连字符，不超过 40 个字符。", "invalid_slug")
    if not 0 <= order <= 999:
        raise ServiceError("排序须为 0–999 的整数。", "invalid_order")
    return {"name": name, "slug": slug, "order": order, "description": description[:200]}


def column_create(
    *, by: User, name: str, slug: str, order: int = 10, description: str = "", is_active: bool = True
) -> PortalColumn:
    _require_sysadmin(by)
    fields = _column_fields(name, slug, order, description)
    try:
        with transaction.atomic():
            column = PortalColumn.objects.create(**fields, is_active=is_active)
            audit_record(
                "portal.column",
                user=by,
                object_type="portal_column",
                object_id=column.pk,
                details={"created": {**fields, "is_active": is_active}},
            )
    except IntegrityError as exc:
        raise ServiceError("栏目名称或英文标识已被使用。", "duplicate_column") from exc
    return column


def column_update(
    *,
    by: User,
    column: PortalColumn,
    name: str,
    slug: str,
    order: int,
    description: str = "",
    is_active: bool = True,
) -> PortalColumn:
    _require_sysadmin(by)
    fields = {**_column_fields(name, slug, order, description), "is_active": is_active}
    try:
        with transaction.atomic():
            obj = PortalColumn.objects.select_for_update().get(pk=column.pk)
            before = {k: getattr(obj, k) for k in fields}
            for k, v in fields.items():
                setattr(obj, k, v)
            obj.save()
            audit_record(
                "portal.column",
                user=by,
                object_type="portal_column",
                object_id=obj.pk,
                details={"before": before, "after": fields},
            )
    except IntegrityError as exc:
        raise ServiceError("栏目名称或英文标识已被使用。", "duplicate_column") from exc
    return obj


def site_update(*, by: User, **fields: str) -> PortalSite:
    _require_sysadmin(by)
    clean = {k: (fields.get(k) or "").strip() for k in SITE_FIELDS}
    for key, value in clean.items():
        label, limit = SITE_FIELDS[key]
        if len(value) > limit:
            raise ServiceError(f"“{label}”不能超过 {limit} 字。", "too_long")
    if clean["site_code"] and not _SITE_CODE.match(clean["site_code"]):
        raise ServiceError("网站标识码应为 10 位字母或数字（如 1100000088）。", "invalid_site_code")
    with transaction.atomic():
        site, _ = PortalSite.objects.select_for_update().get_or_create(pk=1)
        for k, v in clean.items():
            setattr(site, k, v)
        site.updated_at = timezone.now()
        site.save()
        audit_record("portal.site", user=by, object_type="portal_site", object_id=1, details=clean)
    return site


# ---- releases --------------------------------------------------------------------------------------


def portal_chain_for(unit: Unit, release: PortalRelease | None = None) -> list[dict[str, Any]]:
    """The unit's 上网发布审核 steps that apply to the release's content (conditional steps by category,
    urgency, 敏感, 负面/重大 — an issue carries the marks of any of its items), frozen on the release at
    submission; the shape of ``reports.services.review_chain_for``."""
    return chain_for(unit.pk, ReviewStep.Chain.PORTAL, **(_release_marks(release) if release else {}))


def _release_marks(release: PortalRelease) -> dict[str, Any]:
    if release.report_id is not None:
        return content_marks(Report.objects.get(pk=release.report_id))
    return editorial_selectors.issue_marks(release.issue_id or 0)


def _grant_step(release: PortalRelease) -> None:
    step = release.current_step
    if step is not None and step.get("unit_id"):
        review_grant(
            object_type="portal_release", object_id=release.pk, step=step, home_unit_id=release.unit_id
        )


def _editor_unit(by: User, unit: Unit) -> None:
    if Role.EDITOR not in roles_in_unit(by, unit):
        raise Forbidden("只有本单位的采编人员可以申请上网发布。")


def _column(column: PortalColumn | None, *, required: bool) -> PortalColumn | None:
    if column is None:
        if required:
            raise ServiceError("请选择发布栏目。", "column_required")
        return None
    if not column.is_active:
        raise ServiceError("该栏目已停用，请选择其他栏目。", "column_inactive")
    return column


_ALREADY = "该内容已有进行中的上网发布申请或已在门户发布。"


def _issue_not_open(issue: Issue) -> ServiceError:
    """Why an issue is not among ``selectors.issues_open_for_portal`` (the 上网发布 form's list)."""
    if PortalRelease.objects.filter(issue=issue, status__in=LIVE_STATUSES).exists():
        return ServiceError(_ALREADY, "release_exists")
    return ServiceError("只有已分发、尚未公开的刊物可以申请上网发布。", "issue_not_distributed")


def _item_not_open(report: Report, submission: Submission | None = None) -> ServiceError:
    """Why an item is not among ``selectors.submissions_open_for_portal`` / ``reports_open_for_portal``
    (read afresh: the caller's copy may predate a withdrawal)."""
    report = Report.objects.get(pk=report.pk)
    if submission is not None:
        submission = Submission.objects.get(pk=submission.pk)
    if submission is not None and submission.status != SubmissionStatus.ADOPTED:
        return ServiceError("只有已采用的信息可以申请上网发布。", "not_adopted")
    if report.public_scope != PublicScope.PUBLIC:
        return ServiceError("该信息的公开属性不是“主动公开”，不能在门户发布。", "not_public")
    if report.status != ReportStatus.SENT:
        if submission is not None:
            return ServiceError("该信息已撤回，不能在门户发布。", "not_sent")
        return ServiceError("只有已报出的本单位信息可以申请上网发布。", "not_sent")
    return ServiceError(_ALREADY, "release_exists")


def release_create(
    *,
    by: User,
    issue: Issue | None = None,
    submission: Submission | None = None,
    report: Report | None = None,
    column: PortalColumn | None = None,
    contact: str = "",
) -> PortalRelease:
    """A draft request (上网信息发布审核表) for an issue of the editor's unit (distributed, not yet on the
    portal), an item adopted at the unit, or the unit's own sent item — only 主动公开 items: what the
    form offers (``selectors.portal_candidates``), by the same rules."""
    if sum(x is not None for x in (issue, submission, report)) != 1:
        raise ServiceError("请选择要发布的一期刊物或一条信息。", "target_required")
    fields: dict[str, Any] = {"requested_by": by, "contact": (contact or "").strip()[:40]}
    if issue is not None:
        unit = issue.publication.unit
        _editor_unit(by, unit)
        if not selectors.issues_open_for_portal().filter(pk=issue.pk).exists():
            raise _issue_not_open(issue)
        fields |= {
            "kind": ReleaseKind.ISSUE,
            "issue": issue,
            "title": f"{issue.label}{(' ' + issue.headline) if issue.headline else ''}",
            "provider": unit.name,
            "column": _column(column, required=False),
        }
    else:
        if submission is not None:
            unit = submission.target_unit
            _editor_unit(by, unit)
            report = submission.report
            if not selectors.submissions_open_for_portal().filter(pk=submission.pk).exists():
                raise _item_not_open(report, submission)
            title, body = submission.title or report.title, submission.body or report.body
        else:
            assert report is not None
            unit = report.source_unit
            _editor_unit(by, unit)
            if not selectors.reports_open_for_portal().filter(pk=report.pk).exists():
                raise _item_not_open(report)
            title, body = report.title, report.body
        fields |= {
            "kind": ReleaseKind.ITEM,
            "report": report,
            "submission": submission,
            "title": title,
            "body": body,
            "provider": report.source_unit.name,
            "column": _column(column, required=True),
        }
    try:
        with transaction.atomic():
            release = PortalRelease.objects.create(unit=unit, **fields)
            audit_record(
                "portal.release",
                user=by,
                unit_id=unit.pk,
                object_type="portal_release",
                object_id=release.pk,
                details={"action": "create", "kind": release.kind, "title": release.title[:100]},
            )
    except IntegrityError as exc:  # a request made at the same moment
        raise ServiceError(_ALREADY, "release_exists") from exc
    return release


def release_update(
    *, release: PortalRelease, by: User, column: PortalColumn | None, contact: str = ""
) -> PortalRelease:
    """Change the column or contact while the request is a draft or was returned."""
    with transaction.atomic():
        obj = PortalRelease.objects.select_for_update(of=("self",)).select_related("unit").get(pk=release.pk)
        _editor_unit(by, obj.unit)
        if obj.status not in (ReleaseStatus.DRAFT, ReleaseStatus.RETURNED):
            raise ServiceError("提交审核后不能修改，请先撤回申请。", "not_editable", status=409)
        obj.column = _column(column, required=obj.kind == ReleaseKind.ITEM)
        obj.contact = (contact or "").strip()[:40]
        obj.save(update_fields=["column", "contact"])
        audit_record(
            "portal.release",
            user=by,
            unit_id=obj.unit_id,
            object_type="portal_release",
            object_id=obj.pk,
            details={"action": "update", "column_id": obj.column_id},
        )
    return obj


def _put_on_portal(release: PortalRelease, by: User) -> str:
    """Called inside the transition's transaction on the final approval (or a chain-less submission)."""
    if release.kind == ReleaseKind.ISSUE:
        assert release.issue_id is not None
        issue = Issue.objects.select_related("publication").get(pk=release.issue_id)
        if issue.status == IssueStatus.DISTRIBUTED:
            editorial_services.issue_publish(issue=issue, by=by, portal_release_id=release.pk)
        elif issue.status != IssueStatus.PUBLISHED:
            raise ServiceError(
                "该期刊物已不在可公开状态（可能已撤回）。", "issue_not_publishable", status=409
            )
    else:
        report = Report.objects.get(pk=release.report_id or 0)
        if report.public_scope != PublicScope.PUBLIC or report.status == ReportStatus.WITHDRAWN:
            raise ServiceError("该信息已撤回或不再主动公开，不能发布。", "not_public", status=409)
    release.published_at = timezone.now()
    return ReleaseStatus.PUBLISHED


def release_submit(*, release: PortalRelease, by: User) -> PortalRelease:
    """Freeze the unit's chain and send it to its first step; with no chain the content goes up now."""

    def change(r: PortalRelease) -> str:
        r.review_chain = portal_chain_for(r.unit, r)
        r.review_step = 0
        r.submitted_at = timezone.now()
        if not r.review_chain:
            return _put_on_portal(r, by)
        r.status = ReleaseStatus.IN_REVIEW
        _grant_step(r)
        return ReleaseStatus.IN_REVIEW

    return release_transition(release, "submit", by, change=change)


def release_approve(*, release: PortalRelease, by: User, opinion: str = "") -> PortalRelease:
    opinion = (opinion or "").strip()[:500] or "同意。"

    def change(r: PortalRelease) -> str:
        if r.review_step + 1 < len(r.review_chain or []):
            r.review_step += 1
            _grant_step(r)
            return ReleaseStatus.IN_REVIEW
        r.review_step = len(r.review_chain or [])
        return _put_on_portal(r, by)

    return release_transition(release, "approve", by, opinion=opinion, change=change)


def release_return(*, release: PortalRelease, by: User, opinion: str) -> PortalRelease:
    opinion = (opinion or "").strip()[:500]
    if not opinion:
        raise ServiceError("退回时请填写审核意见。", "opinion_required")
    return release_transition(release, "return", by, opinion=opinion)


def release_recall(*, release: PortalRelease, by: User) -> PortalRelease:
    return release_transition(release, "recall", by)


def release_cancel(*, release: PortalRelease, by: User) -> PortalRelease:
    return release_transition(release, "cancel", by)


def release_withdraw(*, release: PortalRelease, by: User, reason: str) -> PortalRelease:
    """Take the content off the portal (the issue itself stays published in the office's records)."""
    reason = (reason or "").strip()[:200]
    if not reason:
        raise ServiceError("从门户撤下时请填写原因。", "reason_required")

    def change(r: PortalRelease) -> None:
        r.withdrawn_at, r.withdraw_reason = timezone.now(), reason

    return release_transition(release, "withdraw", by, opinion=reason, change=change)


def issue_take_down(*, issue: Issue, by: User, reason: str) -> PortalRelease:
    """从门户撤下 a published issue. One that went up through a release is withdrawn there; one published
    directly (the issue's own 公开发布, e.g. through the API) first gets its publication recorded as a
    release, which is then withdrawn — so the portal, the records and a later re-release treat both alike.
    The issue stays published in the office's records, with its number and adoptions."""
    reason = (reason or "").strip()[:200]
    if not reason:
        raise ServiceError("从门户撤下时请填写原因。", "reason_required")
    with transaction.atomic():
        obj = (
            Issue.objects.select_for_update(of=("self",)).select_related("publication__unit").get(pk=issue.pk)
        )
        unit = obj.publication.unit
        if not {Role.EDITOR, Role.CHIEF, Role.LEADER} & roles_in_unit(by, unit):
            raise Forbidden("只有刊物所属单位的采编人员、主编或领导可以从门户撤下。")
        if obj.status != IssueStatus.PUBLISHED:
            raise ServiceError("只有已在门户公开的刊物可以撤下。", "issue_not_published", status=409)
        release = PortalRelease.objects.filter(issue=obj, status=ReleaseStatus.PUBLISHED).first()
        if release is None:
            if PortalRelease.objects.filter(issue=obj, status=ReleaseStatus.WITHDRAWN).exists():
                raise ServiceError("该期刊物已从门户撤下。", "already_taken_down", status=409)
            release = PortalRelease.objects.create(
                unit=unit,
                kind=ReleaseKind.ISSUE,
                issue=obj,
                title=f"{obj.label}{(' ' + obj.headline) if obj.headline else ''}",
                provider=unit.name,
                requested_by=by,
                status=ReleaseStatus.PUBLISHED,
                published_at=obj.published_at,
            )
            audit_record(
                "portal.release",
                user=by,
                unit_id=unit.pk,
                object_type="portal_release",
                object_id=release.pk,
                details={"action": "record_direct", "issue_id": obj.pk, "title": release.title[:100]},
            )
        return release_withdraw(release=release, by=by, reason=reason)
