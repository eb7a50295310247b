"""The search page: one box, filters, results scoped to what the user may open."""

from __future__ import annotations

from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from baosong.core.dbrouter import replica_ok
from baosong.core.errors import ServiceError
from baosong.editorial.models import IssueStatus
from baosong.editorial.selectors import issues_visible_to
from baosong.orgs.models import BUSINESS_ROLES, Level, Unit
from baosong.orgs.permissions import AuthedRequest, business_required
from baosong.orgs.selectors import units_acting_for
from baosong.reports.models import ReportStatus, Urgency
from baosong.reports.selectors import category_filter_choices
from baosong.search import selectors
from baosong.search.forms import params_from
from baosong.search.selectors import SORTS, TYPES

STATUS_CHOICES = [
    *[(v, f"信息：{label}") for v, label in ReportStatus.choices],
    *[(v, f"刊物：{label}") for v, label in IssueStatus.choices],
]


@business_required
@replica_ok
def search_page(request: AuthedRequest) -> HttpResponse:
    result = None
    error = ""
    data = request.GET
    if (data.get("q") or "").strip():
        try:
            result = selectors.search(request.user, params_from(data))
        except ServiceError as exc:
            error = exc.message
    own = units_acting_for(request.user, *BUSINESS_ROLES)
    units = list(Unit.objects.filter(Q(pk__in=own) | Q(parent__in=own)).order_by("path")[:300])
    publications = list(
        issues_visible_to(request.user)
        .values_list("publication_id", "publication__name")
        .distinct()
        .order_by("publication__name")
    )
    keep = {k: str(v) for k, v in data.items() if k != "page" and v}
    return render(
        request,
        "search/search.html",
        {
            "f": data,
            "result": result,
            "error": error,
            "query": urlencode(keep),
            "types": TYPES.items(),
            "sorts": SORTS.items(),
            "categories": category_filter_choices(),
            "urgencies": Urgency.choices,
            "statuses": STATUS_CHOICES,
            "levels": Level.choices,
            "units": units,
            "publications": publications,
        },
        status=422 if error else 200,
    )
