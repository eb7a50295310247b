"""The public portal (no login): columns, published issues and their 主动公开 items, released
bulletins, feeds and search. Nothing unpublished or non-public is ever shown: every read goes through
``portal.selectors``' public functions, and anything else answers 404."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import content_disposition_header
from django.utils.safestring import SafeString

from baosong.core.audit import audit_seq
from baosong.core.dbrouter import replica_ok
from baosong.core.errors import ServiceError
from baosong.editorial import documents, release
from baosong.editorial.models import Issue
from baosong.portal import selectors
from baosong.portal.models import PortalColumn, PortalRelease, ReleaseKind
from baosong.scoring import bulletins
from baosong.search.selectors import highlight, search_public
from baosong.signing import services as signing

PAGE_SIZE = 20


@dataclass(frozen=True)
class Entry:
    """One line of a list page: an item release, an issue, or a bulletin."""

    title: str
    url: str
    date: dt.datetime | None
    kind: str
    column: str = ""
    summary: str = ""


def _release_entry(r: PortalRelease) -> Entry:
    if r.kind == ReleaseKind.ISSUE and r.issue is not None:
        url = reverse("portal_issue", args=[r.issue_id])
        return Entry(r.title, url, r.published_at, "刊物", r.column.name if r.column else "")
    return Entry(
        r.title,
        reverse("portal_article", args=[r.pk]),
        r.published_at,
        "信息",
        r.column.name if r.column else "",
        _summary(r.body),
    )


def _issue_entry(i: Issue) -> Entry:
    title = f"{i.label}{('　' + i.headline) if i.headline else ''}"
    return Entry(title, reverse("portal_issue", args=[i.pk]), i.published_at, "刊物")


def _summary(text: str, n: int = 80) -> str:
    flat = " ".join(line.strip() for line in (text or "").splitlines() if line.strip())
    return flat if len(flat) <= n else flat[:n] + "…"


def _paginate(items: Any, page: int | str | None) -> Page:
    return Paginator(items, PAGE_SIZE).get_page(page)


def _pager(paged: Page, first: str, name: str, *args: Any) -> dict[str, Any]:
    """Links of a list's pages as paths (no query string), so the static copy can hold every page."""

    def url(n: int) -> str:
        return first if n == 1 else reverse(name, args=[*args, n])

    return {
        "number": paged.number,
        "count": paged.paginator.num_pages,
        "prev": url(paged.number - 1) if paged.has_previous() else "",
        "next": url(paged.number + 1) if paged.has_next() else "",
        "pages": [(n, url(n)) for n in paged.paginator.page_range] if paged.paginator.num_pages > 1 else [],
    }


def _render(
    request: HttpRequest, template: str, context: dict[str, Any], *, current: str = "", status: int = 200
) -> HttpResponse:
    """Every public page gets the site masthead/footer and the column navigation (two queries)."""
    base = {
        "site": selectors.site(),
        "nav_columns": list(selectors.public_columns()),
        "current": current,
        "export": getattr(request, "portal_export", False),
    }
    return render(request, template, {**base, **context}, status=status)


def shared(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A public page is the same for every visitor: its answer is kept ``PORTAL_CACHE_SECONDS`` under its
    path and the newest audit record, so anything published, withdrawn or edited shows at once. The static
    copy (portal.export) and answers other than 200 are never kept."""

    @wraps(view)
    @replica_ok  # a public page bears a few seconds of lag; its cache key is read from the same replica
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        seconds = int(settings.PORTAL_CACHE_SECONDS)
        if seconds <= 0 or request.method != "GET" or getattr(request, "portal_export", False):
            return view(request, *args, **kwargs)
        path = hashlib.sha256(request.get_full_path().encode()).hexdigest()
        key = f"portal:page:{audit_seq()}:{path}"
        found = cache.get(key)
        if found is not None:
            content_type, body = found
            return HttpResponse(body, content_type=content_type)
        response = view(request, *args, **kwargs)
        if response.status_code == 200 and not response.streaming and not response.cookies:
            cache.set(key, (response["Content-Type"], response.content), seconds)
        return response

    return wrapped


# ---- pages -----------------------------------------------------------------------------------------


@shared
def portal_home(request: HttpRequest) -> HttpResponse:
    columns = list(selectors.public_columns())
    releases = list(selectors.public_releases()[:200])
    by_column: dict[int, list[Entry]] = {c.pk: [] for c in columns}
    for r in releases:
        if r.column_id in by_column and len(by_column[r.column_id]) < 6:
            by_column[r.column_id].append(_release_entry(r))
    latest = [_release_entry(r) for r in releases if r.kind == ReleaseKind.ITEM][:8]
    issues = [_issue_entry(i) for i in selectors.public_issues()[:8]]
    return _render(
        request,
        "portal/home.html",
        {
            "latest": latest,
            "issues": issues,
            "blocks": [(c, by_column[c.pk]) for c in columns],
            "publications": selectors.public_publications(),
            "bulletins": list(selectors.public_bulletins().defer("snapshot")[:6]),
        },
        current="home",
    )


@shared
def portal_column(request: HttpRequest, slug: str, page: int = 1) -> HttpResponse:
    column = selectors.public_columns().filter(slug=slug).first()
    if column is None:
        raise Http404
    qs = selectors.public_releases().filter(column=column)
    paged = _paginate(qs, page)
    if page > max(paged.paginator.num_pages, 1):
        raise Http404
    return _render(
        request,
        "portal/column.html",
        {
            "column": column,
            "page": paged,
            "entries": [_release_entry(r) for r in paged.object_list],
            "pager": _pager(paged, reverse("portal_column", args=[slug]), "portal_column_page", slug),
        },
        current=slug,
    )


@shared
def portal_archive(request: HttpRequest) -> HttpResponse:
    return _render(
        request,
        "portal/archive.html",
        {"publications": selectors.public_publications()},
        current="issues",
    )


@shared
def portal_publication_year(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    publication = selectors.public_publication(pk)
    if publication is None:
        raise Http404
    issues = list(
        selectors.public_issues().filter(publication=publication, year=year).order_by("-number", "-id")
    )
    if not issues:
        raise Http404
    years = next((p["years"] for p in selectors.public_publications() if p["id"] == pk), [])
    return _render(
        request,
        "portal/publication_year.html",
        {"publication": publication, "year": year, "years": years, "issues": issues},
        current="issues",
    )


@shared
def portal_issue(request: HttpRequest, pk: int) -> HttpResponse:
    issue = selectors.public_issue(pk)
    if issue is None:
        raise Http404
    items = selectors.public_issue_items(issue)
    whole = selectors.issue_wholly_public(issue, items)
    return _render(
        request,
        "portal/issue.html",
        {"issue": issue, "items": items, "formats": list(documents.RENDERERS) if whole else []},
        current="issues",
    )


def _signed_download(data: bytes, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(data, content_type=documents.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition_header(fmt != "pdf", filename) or ""
    return response


def portal_issue_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The issue's signed file, the same bytes its readers got (verifiable at /verify/) — only for an issue
    whose every item is public: the file holds them all."""
    issue = selectors.public_issue(pk)
    if issue is None or fmt not in documents.RENDERERS:
        raise Http404
    if not selectors.issue_wholly_public(issue, selectors.public_issue_items(issue)):
        raise Http404
    data = release.issue_file(issue, fmt)
    return _signed_download(data, f"{release.issue_title(issue)}.{fmt}", fmt)


def portal_bulletin_document(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    bulletin = selectors.public_bulletins().filter(pk=pk).first()
    if bulletin is None or fmt not in bulletins.FORMATS:
        raise Http404
    data = signing.document_bytes(bulletins.bulletin_fixed(bulletin, fmt))
    return _signed_download(data, f"{bulletins.bulletin_title(bulletin)}.{fmt}", fmt)


@shared
def portal_issue_item(request: HttpRequest, pk: int, item_pk: int) -> HttpResponse:
    issue = selectors.public_issue(pk)
    if issue is None:
        raise Http404
    items = selectors.public_issue_items(issue)
    item = next((i for i in items if i.pk == item_pk), None)
    if item is None:
        raise Http404
    units = list(dict.fromkeys(s.submission.report.source_unit.name for s in item.sources.all()))
    return _render(
        request,
        "portal/issue_item.html",
        {"issue": issue, "item": item, "units": units},
        current="issues",
    )


@shared
def portal_article(request: HttpRequest, pk: int) -> HttpResponse:
    release = selectors.public_article(pk)
    if release is None:
        raise Http404
    return _render(
        request,
        "portal/article.html",
        {"release": release, "paragraphs": [p for p in release.body.splitlines() if p.strip()]},
        current=release.column.slug if release.column else "",
    )


@shared
def portal_bulletins(request: HttpRequest, page: int = 1) -> HttpResponse:
    paged = _paginate(selectors.public_bulletins(), page)
    if page > max(paged.paginator.num_pages, 1):
        raise Http404
    return _render(
        request,
        "portal/bulletins.html",
        {"page": paged, "pager": _pager(paged, reverse("portal_bulletins"), "portal_bulletins_page")},
        current="bulletins",
    )


@shared
def portal_bulletin(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.public_bulletins().filter(pk=pk).first()
    if bulletin is None:
        raise Http404
    return _render(
        request,
        "portal/bulletin.html",
        {"bulletin": bulletin, "data": bulletin.snapshot, "formats": list(bulletins.FORMATS)},
        current="bulletins",
    )


# ---- 网站地图 and 政府信息公开 ------------------------------------------------------------------------

XXGK_SECTIONS = [
    ("guide", "信息公开指南", "公开的主体、范围、方式和程序，以及咨询和监督的联系方式。"),
    ("rules", "信息公开制度", "本网站信息公开工作遵循的法规和发布审核制度。"),
    ("fdzdgknr", "法定主动公开内容", "按栏目列出本网站主动公开的信息、政务刊物和工作通报。"),
    ("annual", "信息公开年报", "政府信息公开工作年度报告。"),
    ("apply", "依申请公开", "如何申请获取未主动公开的政府信息。"),
]
_XXGK_TITLES = {key: title for key, title, _ in XXGK_SECTIONS}


@shared
def portal_sitemap(request: HttpRequest) -> HttpResponse:
    columns = list(selectors.public_columns())
    return _render(
        request,
        "portal/sitemap.html",
        {
            "columns": columns,
            "publications": selectors.public_publications(),
            "bulletin_count": selectors.public_bulletins().count(),
            "sections": XXGK_SECTIONS,
        },
        current="sitemap",
    )


def _paragraphs(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _public_contents() -> dict[str, Any]:
    """法定主动公开内容: every column with its newest entries and its total, the publications by year, the
    latest bulletins — a fixed number of queries whatever the number of rows."""
    columns = list(selectors.public_columns())
    counts = dict(
        selectors.public_releases()
        .order_by()
        .values_list("column_id")
        .annotate(n=Count("id"))
        .values_list("column_id", "n")
    )
    by_column: dict[int, list[Entry]] = {c.pk: [] for c in columns}
    for r in selectors.public_releases()[:300]:
        if r.column_id in by_column and len(by_column[r.column_id]) < 5:
            by_column[r.column_id].append(_release_entry(r))
    return {
        "blocks": [(c, by_column[c.pk], counts.get(c.pk, 0)) for c in columns],
        "publications": selectors.public_publications(),
        "bulletins": list(selectors.public_bulletins().defer("snapshot")[:5]),
        "bulletin_count": selectors.public_bulletins().count(),
    }


@shared
def portal_xxgk(request: HttpRequest, section: str = "") -> HttpResponse:
    if section and section not in _XXGK_TITLES:
        raise Http404
    site = selectors.site()
    context: dict[str, Any] = {
        "sections": XXGK_SECTIONS,
        "section": section,
        "section_title": _XXGK_TITLES.get(section, ""),
    }
    if section == "guide":
        context["custom"] = _paragraphs(site.xxgk_guide)
    elif section == "rules":
        context["custom"] = _paragraphs(site.xxgk_rules)
    elif section == "apply":
        context["custom"] = _paragraphs(site.xxgk_apply)
    elif section == "fdzdgknr":
        context |= _public_contents()
    return _render(request, f"portal/xxgk/{section or 'index'}.html", context, current="xxgk")


# ---- search ----------------------------------------------------------------------------------------


@dataclass
class SearchHit:
    type: str
    id: int
    title: str
    snippet: SafeString
    url: str
    date: dt.datetime | None


@dataclass
class SearchResult:
    items: list[SearchHit] = field(default_factory=list)
    count: int = 0


def _article_hits(q: str) -> list[SearchHit]:
    """Items put on the portal through a release (their reviewed text lives in the portal's own table,
    which the search index below the portal does not read): few rows, a substring match is enough."""
    hits = []
    for r in (
        selectors.public_releases()
        .filter(kind=ReleaseKind.ITEM)
        .filter(Q(title__icontains=q) | Q(body__icontains=q))
        .order_by("-published_at")[:50]
    ):
        hits.append(
            SearchHit(
                "item",
                r.pk,
                r.title,
                highlight(r.body, [q]),
                reverse("portal_article", args=[r.pk]),
                r.published_at,
            )
        )
    return hits


def _public_search(q: str, *, page: int, page_size: int) -> SearchResult:
    """The full-text index over public content (主动公开 items of published issues, bulletins released to the
    portal), minus issues taken off the portal, with the portal's released articles first."""
    try:
        found = search_public(q, page=page, page_size=page_size)
    except ServiceError:
        return SearchResult()
    issue_ids = {h.issue_id for h in found.hits if h.type == "public_item" and h.issue_id}
    live = set(selectors.public_issues().filter(pk__in=issue_ids).values_list("pk", flat=True))
    hits: list[SearchHit] = []
    for h in found.hits:
        if h.type == "bulletin":
            url = reverse("portal_bulletin", args=[h.id])
        elif h.issue_id in live:
            url = reverse("portal_issue_item", args=[h.issue_id, h.id])
        else:
            continue
        hits.append(SearchHit(h.type, h.id, h.title, h.snippet, url, h.date))
    articles = _article_hits(q)
    if page == 1:
        hits = articles + hits
    return SearchResult(items=hits, count=found.count + len(articles))


@replica_ok
def portal_search(request: HttpRequest) -> HttpResponse:
    q = " ".join(request.GET.get("q", "").split())[:60]
    try:
        page = max(int(request.GET.get("page", "1")), 1)
    except ValueError:
        page = 1
    result: Any = None
    if q:
        result = _public_search(q, page=min(page, 500), page_size=PAGE_SIZE)
    pages = -(-result.count // PAGE_SIZE) if result else 0
    return _render(
        request,
        "portal/search.html",
        {"q": q, "result": result, "page": page, "pages": pages},
        current="search",
    )


# ---- feeds -----------------------------------------------------------------------------------------


def _feed(
    request: HttpRequest, *, title: str, link: str, entries: list[Entry], feed_url: str
) -> HttpResponse:
    base = getattr(request, "portal_base_url", None) or request.build_absolute_uri("/").rstrip("/")
    site = selectors.site()
    feed = Atom1Feed(
        title=f"{site.host} {title}",
        link=base + link,
        description=f"{site.host}{site.name}",
        language="zh-CN",
        feed_url=base + feed_url,
        author_name=site.host,
    )
    for e in entries:
        feed.add_item(
            title=e.title,
            link=base + e.url,
            description=e.summary or e.title,
            unique_id=base + e.url,
            pubdate=e.date or timezone.now(),
            updateddate=e.date or timezone.now(),
            categories=[e.column] if e.column else None,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


@shared
def portal_feed(request: HttpRequest) -> HttpResponse:
    entries = [_release_entry(r) for r in selectors.public_releases()[:30]]
    entries += [_issue_entry(i) for i in selectors.public_issues()[:20]]
    epoch = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
    entries.sort(key=lambda e: e.date or epoch, reverse=True)
    return _feed(
        request,
        title="最新发布",
        link=reverse("portal_home"),
        entries=entries[:30],
        feed_url=reverse("portal_feed"),
    )


@shared
def portal_column_feed(request: HttpRequest, slug: str) -> HttpResponse:
    column: PortalColumn | None = selectors.public_columns().filter(slug=slug).first()
    if column is None:
        raise Http404
    entries = [_release_entry(r) for r in selectors.public_releases().filter(column=column)[:30]]
    return _feed(
        request,
        title=column.name,
        link=reverse("portal_column", args=[slug]),
        entries=entries,
        feed_url=reverse("portal_column_feed", args=[slug]),
    )
