from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from baosong.core.errors import NotFound
from baosong.core.params import parse_ids
from baosong.notifications import selectors
from baosong.notifications.services import notifications_mark_read
from baosong.orgs.permissions import AuthedRequest, business_required


@business_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    qs = selectors.notifications_for(request.user, unread=request.GET.get("unread") == "1")
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request, "notifications/list.html", {"page": page, "unread_only": request.GET.get("unread") == "1"}
    )


@business_required
def unread_count(request: AuthedRequest) -> HttpResponse:
    count = selectors.unread_count(request.user)
    return render(request, "notifications/unread_badge.html", {"count": count})


@require_POST
@business_required
def mark_read(request: AuthedRequest) -> HttpResponse:
    ids = parse_ids(request.POST.getlist("ids"))
    count = notifications_mark_read(user=request.user, ids=ids or None)
    messages.success(request, f"已将 {count} 条通知标为已读。" if count else "没有未读通知。")
    return redirect("notification_list")


@business_required
def open_notification(request: AuthedRequest, pk: int) -> HttpResponse:
    try:
        note = selectors.notification_for(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc
    notifications_mark_read(user=request.user, ids=[note.pk])
    return redirect(note.url or "notification_list")
