"""SQLite FTS5 over the segmented text (table ``search_fts``, external content, unicode61 tokenizer)."""

from __future__ import annotations

from django.db import connection

from baosong.search.backends.base import MatchSQL, SearchBackend


def fts_query(terms: list[str]) -> str:
    """Each term as an FTS5 string (double quotes doubled), all required: ``"扶贫" "工作"``."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


class SqliteBackend(SearchBackend):
    name = "sqlite-fts5"

    def match(self, terms: list[str], scope_tokens: list[str] | None = None) -> MatchSQL:
        # The words only in the text columns, the scope tokens only in their own column (a word an author
        # writes can never match a scope token); FTS5 intersects the two itself.
        expression = "{seg_title seg_body} : (" + fts_query(terms) + ")" if terms else ""
        if scope_tokens is not None:
            if not scope_tokens:
                return MatchSQL(join="", where="1 = 0", rank="d.id")
            scoped = "{seg_scope} : (" + " OR ".join(scope_tokens) + ")"
            expression = f"{expression} AND {scoped}" if expression else scoped
        return MatchSQL(
            join="JOIN search_fts ON search_fts.rowid = d.id",
            where="search_fts MATCH %s",
            # bm25 is negative, smaller = better; the title weighs five times the body, scope tokens nothing.
            rank="bm25(search_fts, 5.0, 1.0, 0.0)",
            params_where=(expression,),
        )

    def optimize(self) -> None:
        with connection.cursor() as cur:
            cur.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
