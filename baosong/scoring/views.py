"""Statistics dashboards, rankings and their exports. Interfaces only."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header

from baosong.core.audit import audit_record
from baosong.core.errors import NotFound, ServiceError
from baosong.orgs.models import Role, Unit
from baosong.orgs.permissions import AuthedRequest, role_required
from baosong.scoring import exports, selectors

DESK = (Role.EDITOR, Role.CHIEF, Role.LEADER)


def _scope(request: AuthedRequest) -> tuple[Unit, selectors.Period]:
    unit = request.GET.get("unit", "")
    try:
        root = selectors.scoring_root(request.user, int(unit) if unit.isdigit() else None)
        period = selectors.parse_period(request.GET.get("period") or timezone.localdate().strftime("%Y-%m"))
    except NotFound as exc:
        raise Http404 from exc
    return root, period


def _breadcrumbs(request: AuthedRequest, root: Unit) -> list[Unit]:
    """The path from the user's own top unit down to the unit shown (for drilling back up)."""
    top = selectors.scoring_root(request.user, None)
    ids = [int(x) for x in root.path.strip("/").split("/") if x]
    chain = {u.pk: u for u in Unit.objects.filter(pk__in=ids)}
    return [chain[i] for i in ids if i in chain and chain[i].path.startswith(top.path)]


@role_required(*DESK)
def stats_dashboard(request: AuthedRequest) -> HttpResponse:
    try:
        root, period = _scope(request)
    except ServiceError as exc:
        return render(request, "scoring/dashboard.html", {"error": exc.message}, status=400)
    data = selectors.dashboard(root, period)
    charts = {
        "trend": data["trend"],
        "categories": [{"name": n, "value": v} for n, v in data["categories"] if v],
        "levels": [{"name": n, "value": v} for n, v in data["levels"]],
        "units": [
            {"name": r.unit_name, "submitted": r.counters["submitted"], "adopted": r.adopted}
            for r in data["rows"]
        ],
    }
    return render(
        request,
        "scoring/dashboard.html",
        {
            **data,
            "charts": charts,
            "crumbs": _breadcrumbs(request, root),
            "period_text": period.text,
        },
    )


@role_required(*DESK)
def stats_export(request: AuthedRequest) -> HttpResponse:
    try:
        root, period = _scope(request)
    except ServiceError as exc:
        return HttpResponse(exc.message, status=400, content_type="text/plain; charset=utf-8")
    data = selectors.dashboard(root, period)
    rows = [exports.stats_row(r) for r in [*data["rows"], data["own"], data["total"]]]
    rows[-1][0] = f"{root.name}（合计）"
    authors = [[a["author__full_name"], a["unit__name"], float(a["points"])] for a in data["authors"]]
    title = f"{root.name} {period.label} 政务信息工作统计"
    content = exports.workbook(
        [
            ("分单位统计", title, exports.STATS_HEADERS, rows),
            ("信息员积分前十", title, ["信息员", "单位", "积分"], authors),
            ("类别构成", title, ["类别", "报送信息"], [list(c) for c in data["categories"]]),
        ]
    )
    audit_record(
        "stats.export",
        user=request.user,
        unit_id=root.pk,
        object_type="stats",
        object_id=root.pk,
        details={"period": period.text},
    )
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition_header(True, f"{title}.xlsx") or ""
    return response
