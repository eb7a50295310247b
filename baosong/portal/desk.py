"""The desk side of the portal: columns and site details (system administrator), release requests
(上网发布申请), the review queue of the people the current step names, and the 上网信息发布审核表 PDF."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from baosong.core.actions import record
from baosong.core.errors import ServiceError
from baosong.core.params import parse_count, parse_id
from baosong.core.refusals import return_to as refusals_return_to
from baosong.editorial import selectors as editorial_selectors
from baosong.orgs.models import Role
from baosong.orgs.permissions import AuthedRequest, business_required, role_required
from baosong.orgs.selectors import acting_unit_ids, units_acting_for
from baosong.portal import render as portal_render
from baosong.portal import selectors, services
from baosong.portal import workflow as portal_wf
from baosong.portal.models import PortalColumn, PortalRelease, PortalSite, ReleaseStatus
from baosong.portal.workflow import RELEASE, allowed_actions
from baosong.reports import selectors as report_selectors

# ---- columns and site (system administrator) ------------------------------------------------------


def _order(value: str | None) -> int:
    """A column's sort order: empty means 10; text that is no count goes to the service as -1, refused."""
    if not (value or "").strip():
        return 10
    order = parse_count(value)
    return -1 if order is None else order


@role_required(Role.SYSADMIN)
def manage_portal(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        refusals_return_to(request, reverse("portal_manage"))
        p = request.POST
        if p.get("op") == "site":
            services.site_update(by=request.user, **{k: p.get(k, "") for k in services.SITE_FIELDS})
            messages.success(request, "网站信息已保存。")
        else:
            services.column_create(
                by=request.user,
                name=p.get("name", ""),
                slug=p.get("slug", ""),
                order=_order(p.get("order")),
                description=p.get("description", ""),
                is_active=p.get("is_active") == "1",
            )
            messages.success(request, "栏目已添加。")
        return redirect("portal_manage")
    return render(
        request,
        "portal/desk/manage.html",
        {
            "columns": PortalColumn.objects.order_by("order", "id"),
            "site": PortalSite.objects.filter(pk=1).first() or PortalSite(),
            "public_site": selectors.site(),
        },
    )


@require_POST
@role_required(Role.SYSADMIN)
def manage_column(request: AuthedRequest, pk: int) -> HttpResponse:
    column = get_object_or_404(PortalColumn, pk=pk)
    refusals_return_to(request, reverse("portal_manage"))
    p = request.POST
    services.column_update(
        by=request.user,
        column=column,
        name=p.get("name", ""),
        slug=p.get("slug", ""),
        order=_order(p.get("order")),
        description=p.get("description", ""),
        is_active=p.get("is_active") == "1",
    )
    messages.success(request, f"栏目“{p.get('name', '').strip()}”已保存。")
    return redirect("portal_manage")


# ---- releases --------------------------------------------------------------------------------------


def _release(request: AuthedRequest, pk: int) -> PortalRelease:
    release = selectors.releases_visible_to(request.user).filter(pk=pk).first()
    if release is None:
        raise Http404
    return release


@business_required
def release_list(request: AuthedRequest) -> HttpResponse:
    qs = selectors.releases_visible_to(request.user).order_by("-created_at", "-id")
    status = request.GET.get("status", "")
    if status in ReleaseStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/desk/release_list.html",
        {
            "page": page,
            "status": status,
            "statuses": ReleaseStatus.choices,
            "queue_count": len(selectors.release_review_queue(request.user)),
            "may_request": bool(acting_unit_ids(request.user, Role.EDITOR)),
            "direct_issues": selectors.directly_published_issues(request.user)[:20],
        },
    )


@business_required
@require_POST
def issue_take_down(request: AuthedRequest, pk: int) -> HttpResponse:
    """从门户撤下 an issue published directly (one with a release is taken down on the release's page)."""
    issue = get_object_or_404(selectors.directly_published_issues(request.user), pk=pk)
    refusals_return_to(request, reverse("portal_releases"))
    release = services.issue_take_down(issue=issue, by=request.user, reason=request.POST.get("reason", ""))
    messages.success(request, f"{issue.label}已从门户撤下。")
    return redirect("portal_release_detail", release.pk)


@business_required
def release_queue(request: AuthedRequest) -> HttpResponse:
    return render(
        request, "portal/desk/release_queue.html", {"releases": selectors.release_review_queue(request.user)}
    )


@business_required
def release_new(request: AuthedRequest) -> HttpResponse:
    if not bool(acting_unit_ids(request.user, Role.EDITOR)):
        raise PermissionDenied("editor")
    columns = selectors.public_columns()
    if request.method == "POST":
        p = request.POST
        kind, _, raw = p.get("target", "").partition(":")
        target_id = parse_id(raw) or 0
        column = columns.filter(pk=parse_id(p.get("column")) or 0).first() if p.get("column") else None
        # Looked up among what the user may see, as the API does: another unit's object answers 404.
        target: dict[str, Any] = {}
        if kind == "issue":
            target["issue"] = editorial_selectors.issue_for(request.user, target_id)
        elif kind == "sub":
            target["submission"] = report_selectors.submission_for_editor(request.user, target_id)
        elif kind == "report":
            target["report"] = report_selectors.report_for(request.user, target_id)
        try:
            release = services.release_create(
                by=request.user, column=column, contact=p.get("contact", ""), **target
            )
            if p.get("submit") == "1":
                release = services.release_submit(release=release, by=request.user)
                messages.success(
                    request,
                    "已在门户发布。" if release.status == ReleaseStatus.PUBLISHED else "已提交上网发布审核。",
                )
            else:
                messages.success(request, "发布申请已保存，可稍后提交审核。")
            return redirect("portal_release_detail", release.pk)
        except ServiceError as exc:
            # The form again with the item, column and telephone as chosen (a permission refusal too: it
            # is audited all the same).
            messages.error(request, exc.message)
    p = request.POST
    chosen_kind, _, chosen_raw = (p.get("target") or f"issue:{request.GET.get('issue', '')}").partition(":")
    chosen_id = parse_id(chosen_raw)
    return render(
        request,
        "portal/desk/release_new.html",
        {
            **selectors.portal_candidates(request.user),
            "columns": columns,
            # A refused request comes back with the item, column and telephone as chosen.
            "selected_kind": chosen_kind,
            "selected_id": chosen_id,
            "selected_column": p.get("column", ""),
            "contact": p.get("contact", ""),
            # Without a 上网发布审核 chain the editor's request publishes at once: the button says so.
            "has_chain": any(
                services.portal_chain_for(u) for u in units_acting_for(request.user, Role.EDITOR)
            ),
        },
        status=400 if request.method == "POST" else 200,
    )


@business_required
def release_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    release = _release(request, pk)
    actions = allowed_actions(release, request.user)
    chain = release.review_chain or services.portal_chain_for(release.unit, release)
    trail = list(release.actions.select_related("by").order_by("at", "id"))
    public_url = ""
    if release.status == ReleaseStatus.PUBLISHED:
        public_url = (
            f"/portal/issues/{release.issue_id}/" if release.issue_id else f"/portal/articles/{release.pk}/"
        )
    return render(
        request,
        "portal/desk/release_detail.html",
        {
            "release": release,
            "actions": [(a, RELEASE.actions[a].label) for a in actions],
            "may_edit": "submit" in actions,
            "chain": [
                {
                    **s,
                    "done": release.status == ReleaseStatus.PUBLISHED or i < release.review_step,
                    "current": release.status == ReleaseStatus.IN_REVIEW and i == release.review_step,
                }
                for i, s in enumerate(chain)
            ],
            "frozen": bool(release.review_chain),
            "trail": trail,
            "columns": selectors.public_columns(),
            "public_url": public_url,
            "paragraphs": [p for p in release.body.splitlines() if p.strip()],
        },
    )


@require_POST
@business_required
def release_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    release = _release(request, pk)
    p, by = request.POST, request.user
    done: dict[str, Callable[[], PortalRelease]] = {
        "submit": lambda: services.release_submit(release=release, by=by),
        "approve": lambda: services.release_approve(release=release, by=by, opinion=p.get("opinion", "")),
        "return": lambda: services.release_return(release=release, by=by, opinion=p.get("opinion", "")),
        "recall": lambda: services.release_recall(release=release, by=by),
        "cancel": lambda: services.release_cancel(release=release, by=by),
        "withdraw": lambda: services.release_withdraw(release=release, by=by, reason=p.get("reason", "")),
        "update": lambda: services.release_update(
            release=release,
            by=by,
            column=selectors.public_columns().filter(pk=parse_id(p.get("column")) or 0).first(),
            contact=p.get("contact", ""),
        ),
    }
    if action not in done:
        raise Http404
    refusals_return_to(request, reverse("portal_release_detail", args=[release.pk]))
    result = done[action]()
    if result.status == ReleaseStatus.PUBLISHED and action in {"submit", "approve"}:
        messages.success(request, "审核通过，已在门户网站发布。")
    else:
        messages.success(
            request, "已保存。" if action == "update" else f"已{RELEASE.actions[action].label}。"
        )
    if action in {"approve", "return"}:
        return redirect("portal_release_queue")
    return redirect("portal_release_detail", release.pk)


@business_required
def release_sheet(request: AuthedRequest, pk: int) -> HttpResponse:
    release = _release(request, pk)
    with transaction.atomic():
        record(
            portal_wf.SHEET,
            by=request.user,
            unit_id=release.unit_id,
            object_type="portal_release",
            object_id=release.pk,
        )
    data = portal_render.release_sheet_pdf(release)
    response = HttpResponse(data, content_type="application/pdf")
    name = f"上网信息发布审核表-{release.pk}-{dt.date.today():%Y%m%d}.pdf"
    response["Content-Disposition"] = content_disposition_header(True, name) or ""
    response["Cache-Control"] = "private, no-store"
    return response
