"""The public portal: published issues and their 主动公开 items. No login; nothing else is shown."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from baosong.editorial.selectors import public_items, published_issues
from baosong.scoring.models import Bulletin


def _public_bulletins() -> QuerySet[Bulletin]:
    return Bulletin.objects.filter(status=Bulletin.Status.RELEASED, to_portal=True).select_related("unit")


def portal_home(request: HttpRequest) -> HttpResponse:
    page = Paginator(published_issues(), 20).get_page(request.GET.get("page"))
    bulletins = _public_bulletins().order_by("-released_at")[:10]
    return render(request, "portal/home.html", {"page": page, "bulletins": bulletins})


def portal_bulletin(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = _public_bulletins().filter(pk=pk).first()
    if bulletin is None:
        raise Http404
    return render(request, "portal/bulletin.html", {"bulletin": bulletin, "data": bulletin.snapshot})


def portal_issue(request: HttpRequest, pk: int) -> HttpResponse:
    issue = published_issues().filter(pk=pk).first()
    if issue is None:
        raise Http404
    return render(request, "portal/issue.html", {"issue": issue, "items": public_items(issue)})
