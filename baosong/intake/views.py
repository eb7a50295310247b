"""The quarantine pages (邮件来稿): interfaces over intake selectors and services."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from baosong.core.actions import allowed_actions
from baosong.core.errors import NotFound, ServiceError
from baosong.core.params import parse_id
from baosong.intake import selectors, services
from baosong.intake.models import IntakeMessage, IntakeStatus
from baosong.orgs.models import Membership, Role
from baosong.orgs.permissions import AuthedRequest, role_required

ROLES = (Role.EDITOR,)
CANDIDATES = 50


def _message(request: AuthedRequest, pk: int) -> IntakeMessage:
    try:
        return selectors.message_for(request.user, pk)
    except NotFound as exc:
        raise Http404 from exc


@role_required(*ROLES)
def intake_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status", IntakeStatus.QUARANTINED)
    status = status if status in IntakeStatus.values else ""  # "all" (or anything else): every status
    page = Paginator(selectors.quarantine(request.user, status=status or None), 30).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "intake/list.html",
        {"page": page, "status": status, "statuses": IntakeStatus.choices},
    )


def _candidates(message: IntakeMessage, q: str) -> list[Membership]:
    """信息员 of the mailbox's subtree whose name or unit matches ``q`` (the sender's name at first)."""
    if message.mailbox_unit is None:
        return []
    qs = Membership.objects.filter(
        role=Role.REPORTER,
        unit__path__startswith=message.mailbox_unit.path,
        unit__is_active=True,
        user__is_active=True,
    )
    if q:
        qs = qs.filter(Q(user__full_name__contains=q) | Q(unit__name__contains=q))
    return list(qs.select_related("user", "unit").order_by("unit__path", "user__full_name")[:CANDIDATES])


@role_required(*ROLES)
def intake_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    allowed = allowed_actions(message, request.user)
    q = request.GET.get("q", message.sender_name).strip()[:50]
    preview = None
    if message.stored_name:
        parsed = services.parse(services._raw(message))
        preview = {"body": parsed.body[:3000], "files": [name for name, _ in parsed.files]}
    return render(
        request,
        "intake/detail.html",
        {
            "message": message,
            "allowed": allowed,
            "q": q,
            "candidates": _candidates(message, q) if "release" in allowed else [],
            "preview": preview,
        },
    )


@require_POST
@role_required(*ROLES)
def intake_release(request: AuthedRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    unit_text, _, author_text = request.POST.get("candidate", "").partition(":")
    unit_id, author_id = parse_id(unit_text), parse_id(author_text)
    if not unit_id or not author_id:
        messages.error(request, "请选择要放行到的单位及其信息员。")
        return redirect("intake_detail", pk=message.pk)
    try:
        services.intake_release(message=message, by=request.user, unit_id=unit_id, author_id=author_id)
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "已放行：邮件已生成该单位信息员的草稿，由其核对后报送。")
    return redirect("intake_detail", pk=message.pk)


@require_POST
@role_required(*ROLES)
def intake_discard(request: AuthedRequest, pk: int) -> HttpResponse:
    message = _message(request, pk)
    services.intake_discard(message=message, by=request.user)
    messages.success(request, "已丢弃该邮件（原件仍加密保存，处理记入审计日志）。")
    return redirect("intake_list")
