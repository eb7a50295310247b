"""The audit administrator's pages: the audit log and the verification of its chain."""

from __future__ import annotations

import datetime as dt

from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from baosong.core.actions import audit_choices, audit_label, registry
from baosong.core.audit import audit_record, audit_verify
from baosong.core.models import AuditEvent
from baosong.core.params import local_day_bounds, parse_id
from baosong.orgs.models import Role
from baosong.orgs.permissions import AuthedRequest, role_required


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
    start, end = local_day_bounds(date_from, date_to)
    if start:
        qs = qs.filter(created_at__gte=start)
    if end:
        qs = qs.filter(created_at__lt=end)
    if f.get("user"):
        term = f["user"].strip()
        user_id = parse_id(term)
        qs = qs.filter(user_id=user_id) if user_id else qs.filter(user_name__contains=term)
    if unit_id := parse_id(f.get("unit")):
        qs = qs.filter(unit_id=unit_id)
    if f.get("type") in registry.audit_types:
        qs = qs.filter(event_type=f["type"])
    if f.get("outcome") in AuditEvent.Outcome.values:
        qs = qs.filter(outcome=f["outcome"])
    page = Paginator(qs, 50).get_page(f.get("page"))
    for event in page.object_list:
        event.label = audit_label(event.event_type, event.details)
    query = f.copy()
    query.pop("page", None)
    return render(
        request,
        "orgs/audit_list.html",
        {
            "page": page,
            "event_labels": audit_choices(),
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
    return render(request, "orgs/partials/verify_result.html", {"result": result})
