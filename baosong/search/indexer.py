"""Builds document rows from the source tables: items, issues, released bulletins and the public items of
published issues. ``index_*`` replace the rows of the given objects (a vanished or no longer indexable
object loses its row); ``reindex`` rebuilds everything in batches."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from baosong.editorial.models import Issue, IssueItem, IssueItemSource, IssueRecipient, IssueStatus
from baosong.orgs.models import LEVEL_RANK, Unit
from baosong.reports.models import ExternalAdoption, Report, Submission
from baosong.scoring.models import Bulletin
from baosong.search import tokenize
from baosong.search.models import DocKind, SearchDocument, SearchScope, SearchState
from baosong.search.scopes import document_tokens

BATCH = 2000
# As created by migration 0001 (re-created by reindex after the bulk delete).
SQLITE_DELETE_TRIGGER = (
    "CREATE TRIGGER search_fts_ad AFTER DELETE ON search_searchdocument BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, seg_title, seg_body, seg_scope) "
    "VALUES ('delete', old.id, old.seg_title, old.seg_body, old.seg_scope); END"
)
Row = tuple[SearchDocument, list[tuple[str, int]]]


def _extra_text(base_title: str, base_body: str, copies: Iterable[tuple[str, str]]) -> tuple[str, str]:
    """What the editors' working copies add to the author's text: titles that differ, and paragraphs
    not already in the body (a working copy is mostly the same text)."""
    titles: list[str] = []
    paras: list[str] = []
    seen_paras = {p.strip() for p in base_body.split("\n") if p.strip()}
    for title, body in copies:
        if title and title != base_title and title not in titles:
            titles.append(title)
        for p in (body or "").split("\n"):
            p = p.strip()
            if p and p not in seen_paras:
                seen_paras.add(p)
                paras.append(p)
    return "\n".join(titles), "\n".join(paras)


def _highest(levels: Iterable[str]) -> str:
    found = [lv for lv in levels if lv in LEVEL_RANK]
    return min(found, key=LEVEL_RANK.__getitem__) if found else ""


def item_rows(ids: list[int]) -> list[Row]:
    reports = list(
        Report.objects.filter(pk__in=ids)
        .select_related("source_unit")
        .only(
            "pk",
            "title",
            "body",
            "category",
            "urgency",
            "status",
            "created_at",
            "sent_at",
            "source_unit__name",
            "source_unit__short_name",
            "source_unit__path",
        )
    )
    subs: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for s in Submission.objects.filter(report_id__in=ids).values(
        "report_id", "target_unit_id", "status", "title", "body", "target_unit__level"
    ):
        subs[s["report_id"]].append(dict(s))
    external: dict[int, list[str]] = defaultdict(list)
    for rid, level in ExternalAdoption.objects.filter(report_id__in=ids).values_list("report_id", "level"):
        external[rid].append(level)
    pubs: dict[int, int] = {}
    for rid, pub in (
        IssueItemSource.objects.filter(active=True, submission__report_id__in=ids)
        .order_by("id")
        .values_list("submission__report_id", "item__issue__publication_id")
    ):
        pubs[rid] = pub
    rows: list[Row] = []
    for r in reports:
        mine = subs.get(r.pk, [])
        extra_title, extra_body = _extra_text(r.title, r.body, [(s["title"], s["body"]) for s in mine])
        adopted = [s["target_unit__level"] for s in mine if s["status"] == "adopted"] + external.get(r.pk, [])
        title_text = r.title + ("\n" + extra_title if extra_title else "")
        body_text = r.body + ("\n" + extra_body if extra_body else "")
        doc = SearchDocument(
            kind=DocKind.ITEM,
            object_id=r.pk,
            title=r.title[:300],
            content=body_text if not extra_title else body_text + "\n" + extra_title,
            seg_title=tokenize.segmented(title_text),
            seg_body=tokenize.segmented(body_text),
            unit_id=r.source_unit_id,
            unit_path=r.source_unit.path,
            unit_name=r.source_unit.short_name or r.source_unit.name,
            category=r.category,
            urgency=r.urgency,
            status=r.status,
            adopted_level=_highest(adopted),
            publication_id=pubs.get(r.pk),
            date=r.sent_at or r.created_at,
        )
        reached = sorted({s["target_unit_id"] for s in mine})
        rows.append((doc, [(SearchScope.Key.REACHED, u) for u in reached]))
    return rows


def _issue_date(issue: Issue) -> dt.datetime:
    return issue.published_at or issue.distributed_at or issue.signed_at or issue.created_at


def issue_rows(ids: list[int]) -> list[Row]:
    issues = list(Issue.objects.filter(pk__in=ids).select_related("publication__unit"))
    items: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for issue_id, title, body in IssueItem.objects.filter(issue_id__in=ids).values_list(
        "issue_id", "title", "body"
    ):
        items[issue_id].append((title, body))
    readers: dict[int, set[tuple[str, int]]] = defaultdict(set)
    for issue_id, unit_id, user_id in IssueRecipient.objects.filter(
        issue_id__in=ids, delivered_at__isnull=False
    ).values_list("issue_id", "unit_id", "user_id"):
        if unit_id:
            readers[issue_id].add((SearchScope.Key.READER_UNIT, unit_id))
        if user_id:
            readers[issue_id].add((SearchScope.Key.READER_USER, user_id))
    rows: list[Row] = []
    for issue in issues:
        unit = issue.publication.unit
        title = issue.label + (f" {issue.headline}" if issue.headline else "")
        parts = [f"{t}\n{b}" for t, b in items.get(issue.pk, [])]
        content = "\n".join(parts)
        doc = SearchDocument(
            kind=DocKind.ISSUE,
            object_id=issue.pk,
            title=title[:300],
            content=content,
            seg_title=tokenize.segmented(title),
            seg_body=tokenize.segmented(content),
            unit_id=unit.pk,
            unit_path=unit.path,
            unit_name=unit.short_name or unit.name,
            status=issue.status,
            publication_id=issue.publication_id,
            date=_issue_date(issue),
        )
        rows.append((doc, sorted(readers.get(issue.pk, set()))))
    return rows


def public_item_rows(issue_ids: list[int]) -> list[Row]:
    """The portal's documents: items of published issues whose every source is 主动公开."""
    rows: list[Row] = []
    issues = {
        i.pk: i
        for i in Issue.objects.filter(pk__in=issue_ids, status=IssueStatus.PUBLISHED).select_related(
            "publication__unit"
        )
    }
    if not issues:
        return rows
    scopes: dict[int, list[str]] = defaultdict(list)
    for item_id, scope in IssueItemSource.objects.filter(item__issue_id__in=list(issues)).values_list(
        "item_id", "submission__report__public_scope"
    ):
        scopes[item_id].append(scope)
    for item in IssueItem.objects.filter(issue_id__in=list(issues)).order_by("issue_id", "position", "id"):
        found = scopes.get(item.pk, [])
        if not found or any(s != "public" for s in found):
            continue
        issue = issues[item.issue_id]
        unit = issue.publication.unit
        doc = SearchDocument(
            kind=DocKind.PUBLIC_ITEM,
            object_id=item.pk,
            title=item.title[:300],
            content=item.body,
            seg_title=tokenize.segmented(item.title),
            seg_body=tokenize.segmented(item.body),
            unit_id=unit.pk,
            unit_path=unit.path,
            unit_name=issue.publication.name,
            status=issue.status,
            publication_id=issue.publication_id,
            parent_id=issue.pk,
            date=_issue_date(issue),
        )
        rows.append((doc, []))
    return rows


def _flatten(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if any("\u4e00" <= ch <= "\u9fff" for ch in value) else []
    if isinstance(value, dict):
        return [s for v in value.values() for s in _flatten(v)]
    if isinstance(value, list):
        return [s for v in value for s in _flatten(v)]
    return []


def bulletin_title(b: Bulletin) -> str:
    return f"{b.unit.name}{b.period}信息工作通报（{b.year}年第{b.number}期）"


def bulletin_rows(ids: list[int]) -> list[Row]:
    rows: list[Row] = []
    for b in Bulletin.objects.filter(pk__in=ids, status=Bulletin.Status.RELEASED).select_related("unit"):
        title = bulletin_title(b)
        names = list(dict.fromkeys(_flatten(b.snapshot)))
        content = "\n".join([b.remarks, *names]).strip()
        doc = SearchDocument(
            kind=DocKind.BULLETIN,
            object_id=b.pk,
            title=title[:300],
            content=content,
            seg_title=tokenize.segmented(title),
            seg_body=tokenize.segmented(content),
            unit_id=b.unit_id,
            unit_path=b.unit.path,
            unit_name=b.unit.short_name or b.unit.name,
            status=b.status,
            # The portal flag rides in `category` (bulletins have no category): "portal" or "".
            category="portal" if b.to_portal else "",
            date=b.released_at or b.created_at,
        )
        rows.append((doc, []))
    return rows


BUILDERS: dict[str, Callable[[list[int]], list[Row]]] = {
    DocKind.ITEM: item_rows,
    DocKind.ISSUE: issue_rows,
    DocKind.BULLETIN: bulletin_rows,
}


def _write(rows: list[Row]) -> None:
    for doc, keys in rows:
        doc.seg_scope = document_tokens(doc.kind, doc.unit_id, doc.unit_path, keys)
    docs = SearchDocument.objects.bulk_create([doc for doc, _ in rows], batch_size=500)
    scopes = [
        SearchScope(document_id=doc.pk, key=key, value=value)
        for doc, (_, keys) in zip(docs, rows, strict=True)
        for key, value in keys
    ]
    SearchScope.objects.bulk_create(scopes, batch_size=2000)


def _delete(kind: str, ids: list[int], *, field: str = "object_id") -> None:
    doc_ids = list(
        SearchDocument.objects.filter(kind=kind, **{f"{field}__in": ids}).values_list("pk", flat=True)
    )
    if doc_ids:
        SearchScope.objects.filter(document_id__in=doc_ids).delete()
        SearchDocument.objects.filter(pk__in=doc_ids).delete()


def index(kind: str, ids: Iterable[int]) -> int:
    """Replace the documents of these objects (items, issues or bulletins). Issues also refresh their
    public items. Returns how many documents were written."""
    ids = sorted(set(ids))
    written = 0
    for start in range(0, len(ids), BATCH):
        chunk = ids[start : start + BATCH]
        rows = BUILDERS[kind](chunk)
        with transaction.atomic():
            _delete(kind, chunk)
            _write(rows)
            if kind == DocKind.ISSUE:
                _delete(DocKind.PUBLIC_ITEM, chunk, field="parent_id")
                public = public_item_rows(chunk)
                _write(public)
                written += len(public)
        written += len(rows)
    return written


# ---- full rebuild ---------------------------------------------------------------------------------------


def unit_stamp() -> str:
    """A cheap fingerprint of the unit table for the dictionary: count, highest id, newest creation."""
    row = Unit.objects.order_by("-pk").values_list("pk", "created_at").first()
    return f"{Unit.objects.count()}:{row[0] if row else 0}:{row[1].timestamp() if row else 0}"


def dictionary_bump() -> None:
    state = SearchState.current()
    SearchState.objects.filter(pk=state.pk).update(
        dict_version=state.dict_version + 1, unit_stamp=unit_stamp()
    )
    tokenize.reset()


def _id_batches(model: Any, batch: int) -> Iterable[list[int]]:
    last = 0
    while True:
        chunk = list(model.objects.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:batch])
        if not chunk:
            return
        yield chunk
        last = chunk[-1]


def _truncate() -> None:
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred FK checks pending would block TRUNCATE
            cur.execute("TRUNCATE search_searchscope, search_searchdocument RESTART IDENTITY")
        else:
            # Without the delete trigger (it would remove each row from the index one by one), then the
            # whole FTS5 index at once; the trigger comes back in the same transaction.
            cur.execute("DROP TRIGGER IF EXISTS search_fts_ad")
            cur.execute("DELETE FROM search_searchscope")
            cur.execute("DELETE FROM search_searchdocument")
            cur.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
            cur.execute(SQLITE_DELETE_TRIGGER)


def reindex(*, batch: int = BATCH, progress: Callable[[str, int], None] | None = None) -> dict[str, int]:
    """Rebuild every document from the tables: the dictionary is re-read first, then items, issues (with
    their public items) and bulletins, in batches of ``batch`` objects, each batch its own transaction."""
    from baosong.search.backends import backend

    dictionary_bump()
    started = timezone.now()
    with transaction.atomic():
        _truncate()
    counts: dict[str, int] = {}
    for kind, model in ((DocKind.ITEM, Report), (DocKind.ISSUE, Issue), (DocKind.BULLETIN, Bulletin)):
        done = 0
        for chunk in _id_batches(model, batch):
            rows = BUILDERS[kind](chunk)
            with transaction.atomic():
                _write(rows)
                if kind == DocKind.ISSUE:
                    public = public_item_rows(chunk)
                    _write(public)
                    counts[DocKind.PUBLIC_ITEM] = counts.get(DocKind.PUBLIC_ITEM, 0) + len(public)
            done += len(rows)
            if progress:
                progress(kind, done)
        counts[kind] = done
    backend().optimize()
    SearchState.objects.filter(pk=1).update(
        reindexed_at=timezone.now(), items_watermark=started, issues_watermark=started
    )
    return counts
