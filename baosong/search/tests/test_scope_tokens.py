"""Scope tokens (baosong/search/scopes.py): the full-text index itself leaves out what a user may not open.
The tokens alone — without the SQL scope that still guards every search — give each cast member exactly the
documents the page selectors give; words in a document's text can never stand in for a token."""

from __future__ import annotations

from typing import Any

from baosong.search import indexer, scopes
from baosong.search.models import DocKind, SearchDocument
from baosong.search.selectors import SearchParams, _filters, _run, parse_query, scope_sql, search
from baosong.search.tests.conftest import draft, scope_world


def found(user: Any, *, tokens: bool, sql: bool) -> set[tuple[str, int]]:
    r = scopes.reach(user)
    where, params = _filters(SearchParams(q="工作"))
    rows, _ = _run(
        parse_query("工作"),
        scope_sql(r) if sql else "1 = 1",
        where,
        params,
        "date",
        1,
        100,
        scope_tokens=scopes.user_tokens(r) if tokens else None,
    )
    return {(row["kind"], row["object_id"]) for row in rows}


def test_the_tokens_alone_give_exactly_the_sql_scope_for_every_cast_member(cast: Any) -> None:
    scope_world(cast)
    everything = found(cast.county_editor.user, tokens=False, sql=False)
    assert len(everything) >= 6
    for key, actor in cast.items():
        if key.endswith("admin"):
            continue
        by_tokens = found(actor.user, tokens=True, sql=False)
        assert by_tokens == found(actor.user, tokens=False, sql=True), key
        assert by_tokens < everything or key == "province_editor", key


def test_each_kind_carries_the_tokens_of_who_may_find_it(cast: Any) -> None:
    scope_world(cast)
    county, town = cast.county_editor.unit, cast.township_reporter.unit
    item = SearchDocument.objects.filter(kind=DocKind.ITEM, title="城关镇工作动态第0条").get()
    assert f"ki{town.pk}" in item.seg_scope.split()
    assert f"kr{county.pk}" in item.seg_scope.split()  # it reached the county
    issue = SearchDocument.objects.filter(kind=DocKind.ISSUE).get()
    assert f"iu{county.pk}" in issue.seg_scope.split()
    assert any(t.startswith("ir") for t in issue.seg_scope.split())  # delivered to the townships


def test_words_in_the_text_never_open_a_document(cast: Any) -> None:
    """The sibling county's draft spells out the county editor's tokens in its title and body: the text
    columns and the scope column are apart, so the editor still cannot find it."""
    editor = cast.county_editor.user
    tokens = " ".join(scopes.user_tokens(scopes.reach(editor)))
    report = draft(cast.outsider_reporter, f"西林县草稿 {tokens}", f"内部草稿 {tokens}")
    indexer.index(DocKind.ITEM, [report.pk])
    first = scopes.user_tokens(scopes.reach(editor))[0]
    assert not search(editor, SearchParams(q=first)).hits
    assert not search(editor, SearchParams(q="内部草稿")).hits
    assert search(cast.outsider_reporter.user, SearchParams(q="内部草稿")).hits
