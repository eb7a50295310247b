"""The public portal: published issues and their 主动公开 items. No login; nothing else is shown."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from baosong.editorial.selectors import public_items, published_issues


def portal_home(request: HttpRequest) -> HttpResponse:
    page = Paginator(published_issues(), 20).get_page(request.GET.get("page"))
    return render(request, "portal/home.html", {"page": page})


def portal_issue(request: HttpRequest, pk: int) -> HttpResponse:
    issue = published_issues().filter(pk=pk).first()
    if issue is None:
        raise Http404
    return render(request, "portal/issue.html", {"issue": issue, "items": public_items(issue)})
