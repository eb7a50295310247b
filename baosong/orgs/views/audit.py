"""The audit administrator's pages: the audit log (filtered, named, exported) and the verification of its
chain."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from baosong.core.actions import audit_choice_groups, record
from baosong.core.audit import audit_record, audit_verify
from baosong.core.exports import table_response
from baosong.core.models import AuditEvent
from baosong.orgs import auditlog
from baosong.orgs.models import Role
from baosong.orgs.permissions import AuthedRequest, role_required
from baosong.orgs.workflow import EXPORT_AUDIT

PAGE_SIZE = 50


def _query_without(query: QueryDict, *names: str) -> str:
    """The query string without ``names``, ready for more parameters ("a=1&" or "")."""
    rest = query.copy()
    for name in names:
        rest.pop(name, None)
    text = rest.urlencode()
    return f"{text}&" if text else ""


def _page(
    request: AuthedRequest, parsed: auditlog.ParsedFilters, *, errors: list[str] | None = None
) -> HttpResponse:
    f = parsed.filters
    errors = [*parsed.errors, *(errors or [])]
    page = None
    rows: list[auditlog.AuditRow] = []
    if not parsed.errors:
        page = Paginator(auditlog.audit_events(f), PAGE_SIZE).get_page(request.GET.get("page"))
        rows = auditlog.audit_rows(list(page.object_list))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "orgs/audit_list.html",
        {
            "page": page,
            "rows": rows,
            "f": f,
            "typed": request.GET,
            "summary": auditlog.filter_summary(f),
            "type_groups": audit_choice_groups(),
            "outcomes": AuditEvent.Outcome.choices,
            "errors": errors,
            "unit_choices": parsed.unit_choices,
            "query": query.urlencode(),
            "links": {
                "user": _query_without(query, "user"),
                "unit": _query_without(query, "unit", "unit_q"),
                "object": _query_without(query, "object"),
            },
            "verify": auditlog.verify_state(),
            "export_max": auditlog.EXPORT_MAX,
        },
        status=400 if errors else 200,
    )


@role_required(Role.AUDITADMIN)
def audit_list(request: AuthedRequest) -> HttpResponse:
    return _page(request, auditlog.parse_filters(request.GET))


@role_required(Role.AUDITADMIN)
def audit_export(request: AuthedRequest, fmt: str) -> HttpResponseBase:
    """The filtered records as XLSX or CSV, as the page shows them. The export is itself audited, with its
    filters and its row count; the file holds exactly those rows (``export_snapshot``)."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    parsed = auditlog.parse_filters(request.GET)
    if parsed.errors:
        return _page(request, parsed)
    qs = auditlog.export_snapshot(parsed.filters)
    count = qs.count()
    if count > auditlog.EXPORT_MAX:
        return _page(
            request,
            parsed,
            errors=[
                f"符合条件的记录有 {count} 条，超过单次导出上限 {auditlog.EXPORT_MAX} 条，"
                "请缩小时间范围或增加筛选条件后分批导出。"
            ],
        )
    with transaction.atomic():
        record(
            EXPORT_AUDIT,
            by=request.user,
            unit_id=request.user.primary_unit_id,
            object_type="",
            details={"filters": parsed.filters.as_details(), "rows": count, "format": fmt},
        )
    return table_response(
        auditlog.export_table(qs),
        fmt=fmt,
        filename=auditlog.export_filename(),
        sheet="审计日志",
        freeze="A2",
        widths=auditlog.EXPORT_WIDTHS,
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
    if request.headers.get("HX-Target") == "audit-verify":
        # The audit page swaps its whole verification card: the result and the new state together.
        return render(
            request,
            "orgs/partials/audit_verify_state.html",
            {"verify": auditlog.verify_state(), "result": result},
        )
    if request.headers.get("HX-Request"):
        return render(request, "orgs/partials/verify_result.html", {"result": result})
    (messages.success if result.ok else messages.error)(request, result.message)
    return redirect("audit_list")
