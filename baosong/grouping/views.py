"""Pages of same-event grouping: the groups in the editor's inbox, one group side by side, 综合 from it,
and the fragment the inbox page loads (reports never imports search: its template only names our URLs)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from baosong.core.errors import NotFound, ServiceError
from baosong.core.params import parse_ids
from baosong.grouping import services as grouping
from baosong.orgs.models import Role
from baosong.orgs.permissions import AuthedRequest, role_required


def _group(request: AuthedRequest, pk: int) -> grouping.EventGroup:
    try:
        return grouping.group_for(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc


@role_required(Role.EDITOR)
def groups_page(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "grouping/groups.html",
        {"groups": grouping.inbox_groups(request.user), "open_days": grouping.OPEN_DAYS},
    )


@role_required(Role.EDITOR)
def groups_fragment(request: AuthedRequest) -> HttpResponse:
    """The inbox page's banner, and a 同一事件 ×N badge for each of its rows (``ids``) in a group."""
    ids = set(parse_ids(request.GET.get("ids", "").split(",")))
    groups = grouping.inbox_groups(request.user)
    badges = [(m.pk, g) for g in groups for m in g.members if m.pk in ids]
    return render(request, "grouping/partials/inbox_groups.html", {"groups": groups, "badges": badges})


@role_required(Role.EDITOR)
def group_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _group_page(request, _group(request, pk))


def _group_page(request: AuthedRequest, group: grouping.EventGroup, status: int = 200) -> HttpResponse:
    """The side-by-side page; after a refused 综合 it comes back (4xx) with the title and issue chosen."""
    issues, publications = grouping.compose_targets(request.user, group)
    return render(
        request,
        "grouping/group_detail.html",
        {
            "group": group,
            "issues": issues,
            "publications": publications,
            "title": request.POST.get("title", group.title) if request.method == "POST" else group.title,
            "target": request.POST.get("target", ""),
        },
        status=status,
    )


@require_POST
@role_required(Role.EDITOR)
def group_compose(request: AuthedRequest, pk: int) -> HttpResponse:
    group = _group(request, pk)
    issues, publications = grouping.compose_targets(request.user, group)
    choice = request.POST.get("target", "")
    issue = next((i for i in issues if f"issue:{i.pk}" == choice), None)
    publication = next((p for p in publications if f"new:{p.pk}" == choice), None)
    if issue is None and publication is None:
        messages.error(request, "请选择编入哪一期刊物，或新建一期。")
        return _group_page(request, group, status=400)
    try:
        issue, _ = grouping.group_compose(
            group=group,
            by=request.user,
            issue=issue,
            publication=publication,
            title=request.POST.get("title", ""),
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _group_page(request, group, status=exc.status)
    messages.success(request, f"已将 {group.size} 条信息综合为一条，编入《{issue.publication.name}》。")
    return redirect("issue_detail", issue.pk)
