"""Search reads: a user's search, always scoped like the pages, and the public portal's search.

Scope is applied in SQL on keys denormalised into the document row at indexing time, with the same rules
as the selectors of the pages (the tests prove the two agree):

- items — ``reports_visible_to``: the item's source unit is one of the user's units (any business role),
  or it reached (a submission to) a unit where the user is editor, chief or leader;
- issues — ``issues_visible_to``: the publication's unit is one where the user is editor, chief or leader,
  or the issue was delivered to one of the user's units or to the user by name;
- bulletins — the scoring pages: released bulletins of a unit under one of the user's desks (editor, chief,
  leader) or of an ancestor of (or equal to) one of the user's units.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from baosong.core.dbrouter import read_alias
from baosong.core.errors import ServiceError
from baosong.core.params import local_day_bounds
from baosong.editorial.models import IssueStatus
from baosong.orgs.models import Level, Unit, User
from baosong.reports.models import ReportStatus, Urgency
from baosong.reports.selectors import category_labels
from baosong.search import scopes, tokenize
from baosong.search.backends import backend
from baosong.search.models import DocKind

QUERY_MAX = 100
PAGE_SIZE_MAX = 100
TYPES = {"item": "信息", "issue": "刊物", "bulletin": "通报"}
SORTS = {"relevance": "按相关度", "date": "按日期"}
_PHRASE_RE = re.compile(r'"([^"]*)"|“([^”]*)”')


@dataclass
class SearchParams:
    q: str = ""
    type: str = ""
    unit: int | None = None
    category: str = ""
    urgency: str = ""
    status: str = ""
    level: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    publication_id: int | None = None
    sort: str = "relevance"
    page: int = 1
    page_size: int = 20


@dataclass
class ParsedQuery:
    terms: list[str]
    phrases: list[str]

    @property
    def needles(self) -> list[str]:
        return [*self.phrases, *self.terms]


# The hit labels, built once (a results page asks for them 80–100 times); the categories' once per request.
URGENCY_LABELS = dict(Urgency.choices)
STATUS_LABELS = {**dict(ReportStatus.choices), **dict(IssueStatus.choices), "released": "已发布"}
LEVEL_LABELS = dict(Level.choices)


@dataclass
class Hit:
    type: str
    id: int
    title: str
    title_html: SafeString
    snippet: SafeString
    url: str
    date: dt.datetime
    unit_name: str
    category: str
    urgency: str
    status: str
    adopted_level: str
    publication_id: int | None
    issue_id: int | None = None

    @property
    def type_label(self) -> str:
        return TYPES.get(self.type, "公开信息")

    @property
    def category_label(self) -> str:
        return category_labels().get(self.category, "")

    @property
    def urgency_label(self) -> str:
        return URGENCY_LABELS.get(self.urgency, "") if self.urgency != Urgency.NORMAL else ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, "")

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS.get(self.adopted_level, "")


@dataclass
class SearchResult:
    hits: list[Hit]
    count: int
    page: int
    page_size: int
    query: ParsedQuery = field(default_factory=lambda: ParsedQuery([], []))

    @property
    def pages(self) -> int:
        return max(1, -(-self.count // self.page_size))


def parse_query(q: str) -> ParsedQuery:
    """Quoted parts ("…" or “…”) are exact phrases; everything else is cut into required terms. A phrase
    also requires its own terms, so the index narrows the rows before the raw text is checked."""
    q = (q or "").strip()
    if not q:
        raise ServiceError("请输入检索词。", "empty_query", status=422)
    if len(q) > QUERY_MAX:
        raise ServiceError(f"检索词不能超过 {QUERY_MAX} 个字。", "query_too_long", status=422)
    phrases: list[str] = []
    for m in _PHRASE_RE.finditer(q):
        text = (m.group(1) or m.group(2) or "").strip()
        if text and text not in phrases:
            phrases.append(text)
    rest = _PHRASE_RE.sub(" ", q)
    terms: dict[str, None] = {}
    for part in [*phrases, rest]:
        for t in tokenize.query_terms(part):
            terms.setdefault(t, None)
    if not terms:
        raise ServiceError("检索词中没有可检索的文字。", "invalid_query", status=422)
    return ParsedQuery(terms=list(terms), phrases=phrases)


# ---- scope ----------------------------------------------------------------------------------------------


def _ints(values: list[int]) -> str:
    return ",".join(str(int(v)) for v in values) or "NULL"


def scope_sql(r: scopes.Reach) -> str:
    """The WHERE fragment that keeps only documents the user may open (ids inlined: they are integers).
    The full-text index has already narrowed the rows to the user's scope tokens (``search.scopes``); this
    is the same rule over the document's own columns, so a stale token can never show too much."""
    own_ids, desk_ids, ancestors = r.own_ids, r.desk_ids, r.ancestors
    reached = (
        "EXISTS (SELECT 1 FROM search_searchscope s WHERE s.document_id = d.id AND s.key = 'reached' "
        f"AND s.value IN ({_ints(desk_ids)}))"
    )
    items = f"(d.kind = 'item' AND (d.unit_id IN ({_ints(own_ids)}) OR {reached}))"
    readers = (
        "EXISTS (SELECT 1 FROM search_searchscope s WHERE s.document_id = d.id AND ("
        f"(s.key = 'reader_unit' AND s.value IN ({_ints(own_ids)})) OR "
        f"(s.key = 'reader_user' AND s.value = {int(r.user_id)})))"
    )
    issues = f"(d.kind = 'issue' AND (d.unit_id IN ({_ints(desk_ids)}) OR {readers}))"
    under_desk = " OR ".join(f"d.unit_path LIKE '{_like_prefix(path)}%%' ESCAPE '!'" for _, path in r.desk)
    desks = f" OR {under_desk}" if r.desk else ""
    bulletins = f"(d.kind = 'bulletin' AND (d.unit_id IN ({_ints(ancestors)}){desks}))"
    return f"({items} OR {issues} OR {bulletins})"


def _like_prefix(path: str) -> str:
    # Unit paths are "/1/12/": digits and slashes only, but escape anyway.
    return re.sub(r"[^0-9/]", "", path)


def _like_escape(text: str) -> str:
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


# ---- the query --------------------------------------------------------------------------------------------


def _filters(p: SearchParams) -> tuple[list[str], list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    if p.type:
        where.append("d.kind = %s")
        params.append(p.type)
    if p.unit is not None:
        path = Unit.objects.filter(pk=p.unit).values_list("path", flat=True).first()
        if path is None:
            raise ServiceError("单位不存在。", "invalid_unit", status=422)
        where.append("d.unit_path LIKE %s ESCAPE '!'")
        params.append(_like_escape(path) + "%")
    for column, value in (
        ("category", p.category),
        ("urgency", p.urgency),
        ("status", p.status),
        ("adopted_level", p.level),
    ):
        if value:
            where.append(f"d.{column} = %s")
            params.append(value)
    start, end = local_day_bounds(p.date_from, p.date_to)
    # Raw SQL: the bound goes to the database as the ORM writes the column (SQLite: UTC text), else a local
    # midnight compared as text misses the first eight hours of a Shanghai day.
    adapt = connection.ops.adapt_datetimefield_value
    if start:
        where.append("d.date >= %s")
        params.append(adapt(start))
    if end:
        where.append("d.date < %s")
        params.append(adapt(end))
    if p.publication_id is not None:
        where.append("d.publication_id = %s")
        params.append(p.publication_id)
    return where, params


def validate(p: SearchParams) -> None:
    """Refuse unknown filter values with a Chinese message (a 422), never a 500."""
    checks = [
        (p.type, set(TYPES), "类型"),
        (p.category, category_labels(), "类别"),
        (p.urgency, set(Urgency.values), "紧急程度"),
        (p.level, set(Level.values), "采用层级"),
        (p.sort, set(SORTS), "排序"),
    ]
    for value, allowed, label in checks:
        if value and value not in allowed:
            raise ServiceError(f"{label}取值无效。", "invalid_filter", status=422)
    if p.status and len(p.status) > 20:
        raise ServiceError("状态取值无效。", "invalid_filter", status=422)
    if p.page < 1 or not 1 <= p.page_size <= PAGE_SIZE_MAX:
        raise ServiceError("分页参数无效。", "invalid_page", status=422)
    if p.date_from and p.date_to and p.date_from > p.date_to:
        raise ServiceError("开始日期不能晚于结束日期。", "invalid_date_range", status=422)


def _run(
    parsed: ParsedQuery,
    scope: str,
    where: list[str],
    params: list[Any],
    sort: str,
    page: int,
    page_size: int,
    scope_tokens: list[str] | None = None,
) -> tuple[list[dict[str, Any]], int]:
    b = backend()
    m = b.match(parsed.terms, scope_tokens)
    conditions = [m.where, scope, *where]
    cond_params: list[Any] = [*m.params_where, *params]
    for phrase in parsed.phrases:
        conditions.append("(d.title LIKE %s ESCAPE '!' OR d.content LIKE %s ESCAPE '!')")
        like = "%" + _like_escape(phrase) + "%"
        cond_params += [like, like]
    where_sql = " AND ".join(f"({c})" for c in conditions)
    base = f"FROM search_searchdocument d {m.join} WHERE {where_sql}"
    order = f"{m.rank}, d.date DESC, d.id DESC" if sort == "relevance" else "d.date DESC, d.id DESC"
    order_params: list[Any] = list(m.params_rank) if sort == "relevance" else []
    columns = (
        "d.id, d.kind, d.object_id, d.title, d.content, d.unit_name, d.date, d.category, d.urgency, "
        "d.status, d.adopted_level, d.publication_id, d.parent_id"
    )
    # A raw query: the router is not asked, so ask which connection this scope reads (a replica on the page).
    with connections[read_alias()].cursor() as cur:
        # PostgreSQL: one pass, the sort sees every match anyway, so a window count costs no extra scan.
        # SQLite: FTS5's bm25() is refused next to a window function; a separate COUNT (no ranking) is cheap.
        total = ", COUNT(*) OVER () AS total" if b.window_count else ""
        cur.execute(
            f"SELECT {columns}{total} {base} ORDER BY {order} LIMIT %s OFFSET %s",
            [*m.params_join, *cond_params, *order_params, page_size, (page - 1) * page_size],
        )
        names = [c[0] for c in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        if rows and b.window_count:
            count = rows[0]["total"]
        elif page == 1 and len(rows) < page_size:
            count = len(rows)
        else:
            cur.execute(f"SELECT COUNT(*) {base}", [*m.params_join, *cond_params])
            count = cur.fetchone()[0]
    for r in rows:
        if isinstance(r["date"], str):  # SQLite through a raw cursor
            r["date"] = dt.datetime.fromisoformat(r["date"])
        if timezone.is_naive(r["date"]):
            r["date"] = timezone.make_aware(r["date"], dt.UTC)
    return rows, count


def _url(row: dict[str, Any]) -> str:
    kind = row["kind"]
    if kind == DocKind.ITEM:
        return reverse("report_detail", args=[row["object_id"]])
    if kind == DocKind.ISSUE:
        return reverse("issue_detail", args=[row["object_id"]])
    if kind == DocKind.BULLETIN:
        return reverse("bulletin_detail", args=[row["object_id"]])
    return ""


def _hits(rows: list[dict[str, Any]], parsed: ParsedQuery) -> list[Hit]:
    hits = []
    for r in rows:
        hits.append(
            Hit(
                type=r["kind"],
                id=r["object_id"],
                title=r["title"],
                title_html=highlight(r["title"], parsed.needles, width=0),
                snippet=highlight(r["content"], parsed.needles),
                url=_url(r),
                date=r["date"],
                unit_name=r["unit_name"],
                category=r["category"] if r["kind"] == DocKind.ITEM else "",
                urgency=r["urgency"],
                status=r["status"],
                adopted_level=r["adopted_level"],
                publication_id=r["publication_id"],
                issue_id=r["parent_id"],
            )
        )
    return hits


def search(user: User, p: SearchParams) -> SearchResult:
    """The user's search: only what the pages would show the user. Raises ServiceError (422) on bad input."""
    validate(p)
    parsed = parse_query(p.q)
    where, params = _filters(p)
    r = scopes.reach(user)
    rows, count = _run(
        parsed, scope_sql(r), where, params, p.sort, p.page, p.page_size, scope_tokens=scopes.user_tokens(r)
    )
    return SearchResult(_hits(rows, parsed), count, p.page, p.page_size, parsed)


def search_public(q: str, *, page: int = 1, page_size: int = 20) -> SearchResult:
    """The portal's search: items of published issues that are 主动公开, and released bulletins marked for
    the portal. Hits carry ``type`` "public_item" (``id`` is the issue item, ``issue_id`` its issue) or
    "bulletin"; ``url`` is left to the portal."""
    validate(SearchParams(q=q, page=page, page_size=page_size))
    parsed = parse_query(q)
    scope = (
        f"((d.kind = '{DocKind.PUBLIC_ITEM}' AND d.status = 'published') OR "
        f"(d.kind = '{DocKind.BULLETIN}' AND d.category = 'portal'))"
    )
    rows, count = _run(parsed, scope, [], [], "relevance", page, page_size)
    hits = _hits(rows, parsed)
    for h in hits:
        h.url = ""
    return SearchResult(hits, count, page, page_size, parsed)


# ---- snippets ------------------------------------------------------------------------------------------


def highlight(text: str, needles: list[str], *, width: int = 120) -> SafeString:
    """HTML-escaped ``text`` (a window of ``width`` characters around the first match, or all of it with
    width 0) with every occurrence of a needle in <mark>."""
    text = text or ""
    lowered = text.lower()
    needles = sorted({n.lower() for n in needles if n}, key=len, reverse=True)
    if width:
        first = min((i for i in (lowered.find(n) for n in needles) if i >= 0), default=0)
        start = max(0, first - width // 3)
        end = min(len(text), start + width)
        window = text[start:end].replace("\n", " ")
        prefix, suffix = ("…" if start > 0 else ""), ("…" if end < len(text) else "")
    else:
        start, window, prefix, suffix = 0, text, "", ""
    low = window.lower()
    marks = [False] * len(window)
    for n in needles:
        pos = low.find(n)
        while pos >= 0:
            for i in range(pos, pos + len(n)):
                marks[i] = True
            pos = low.find(n, pos + len(n))
    out: list[str] = [prefix]
    i = 0
    while i < len(window):
        j = i
        while j < len(window) and marks[j] == marks[i]:
            j += 1
        piece = html.escape(window[i:j])
        out.append(f"<mark>{piece}</mark>" if marks[i] else piece)
        i = j
    out.append(suffix)
    return mark_safe("".join(out))
