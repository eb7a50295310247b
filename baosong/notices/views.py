from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from baosong.notices.models import Notification
from baosong.notices.services import notifications_mark_read
from baosong.orgs.permissions import AuthedRequest, business_required


@business_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    qs = Notification.objects.filter(user=request.user).order_by("-created_at", "-id")
    if request.GET.get("unread") == "1":
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(
        request, "notices/list.html", {"page": page, "unread_only": request.GET.get("unread") == "1"}
    )


@business_required
def unread_count(request: AuthedRequest) -> HttpResponse:
    count = Notification.objects.filter(user=request.user, read_at__isnull=True).count()
    return render(request, "notices/unread_badge.html", {"count": count})


@require_POST
@business_required
def mark_read(request: AuthedRequest) -> HttpResponse:
    ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
    notifications_mark_read(user=request.user, ids=ids or None)
    return redirect("notification_list")


@business_required
def open_notification(request: AuthedRequest, pk: int) -> HttpResponse:
    note = Notification.objects.filter(user=request.user, pk=pk).first()
    if note is None:
        return redirect("notification_list")
    notifications_mark_read(user=request.user, ids=[note.pk])
    return redirect(note.url or "notification_list")
