from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_POST

from baosong.core import selectors
from baosong.core.audit import EVENT_LABELS, audit_record, audit_verify
from baosong.core.models import AuditEvent
from baosong.core.permissions import AuthedRequest, role_required
from baosong.orgs.models import Role
from baosong.orgs.selectors import user_admin_role


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    user = request.user
    admin_role = user_admin_role(user)
    context: dict[str, object] = {"admin_role": admin_role}
    if admin_role == Role.SYSADMIN:
        context["figures"] = selectors.sysadmin_figures(user)
    elif admin_role == Role.SECADMIN:
        context["figures"] = selectors.secadmin_figures()
    elif admin_role == Role.AUDITADMIN:
        context["figures"] = selectors.auditadmin_figures()
    else:
        context["units"] = selectors.business_figures(user)
    return render(request, "core/home.html", context)


def healthz(request: HttpRequest) -> JsonResponse:
    db_ok = True
    try:
        with connection.cursor() as cur:
            cur.execute("SELECT 1")
    except Exception:
        db_ok = False
    worker = selectors.worker_status(int(settings.WORKER_HEARTBEAT_SECONDS) * 4) if db_ok else {"ok": False}
    if settings.TASK_BACKEND == "immediate":
        worker = {"ok": True, "mode": "immediate"}
    ok = db_ok and bool(worker["ok"])
    body = {
        "status": "ok" if ok else "degraded",
        "database": {"ok": db_ok, "vendor": connection.vendor},
        "worker": worker,
    }
    return JsonResponse(body, status=200 if ok else 503)


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@role_required(Role.AUDITADMIN)
def audit_list(request: AuthedRequest) -> HttpResponse:
    qs = AuditEvent.objects.order_by("-seq")
    f = request.GET
    errors = []
    date_from, date_to = _parse_date(f.get("from")), _parse_date(f.get("to"))
    if (f.get("from") and not date_from) or (f.get("to") and not date_to):
        errors.append("日期格式应为 年-月-日，例如 2026-01-31。")
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(created_at__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(
            created_at__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
        )
    if f.get("user"):
        term = f["user"].strip()
        qs = qs.filter(user_id=int(term)) if term.isdigit() else qs.filter(user_name__contains=term)
    if f.get("unit", "").strip().isdigit():
        qs = qs.filter(unit_id=int(f["unit"]))
    if f.get("type") in EVENT_LABELS:
        qs = qs.filter(event_type=f["type"])
    if f.get("outcome") in AuditEvent.Outcome.values:
        qs = qs.filter(outcome=f["outcome"])
    page = Paginator(qs, 50).get_page(f.get("page"))
    for event in page.object_list:
        event.label = EVENT_LABELS.get(event.event_type, event.event_type)
    query = f.copy()
    query.pop("page", None)
    return render(
        request,
        "core/audit_list.html",
        {
            "page": page,
            "event_labels": sorted(EVENT_LABELS.items()),
            "outcomes": AuditEvent.Outcome.choices,
            "f": f,
            "errors": errors,
            "query": query.urlencode(),
        },
    )


@require_POST
@role_required(Role.AUDITADMIN)
def audit_verify_view(request: AuthedRequest) -> HttpResponse:
    result = audit_verify()
    with transaction.atomic():
        audit_record(
            "audit.verify",
            user=request.user,
            outcome="success" if result.ok else "failure",
            details={"checked": result.checked, "first_bad_seq": result.first_bad_seq},
        )
    return render(request, "core/partials/verify_result.html", {"result": result})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"title": "无权访问", "message": "您的账户没有访问此页面的权限。"},
        status=403,
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(
        request,
        "core/error.html",
        {"title": "页面不存在", "message": "您访问的页面不存在或无权查看。"},
        status=404,
    )
