"""SQLite FTS5 over the segmented text (table ``search_fts``, external content, unicode61 tokenizer)."""

from __future__ import annotations

from django.db import connection

from baosong.search.backends.base import MatchSQL, SearchBackend


def fts_query(terms: list[str]) -> str:
    """Each term as an FTS5 string (double quotes doubled), all required: ``"扶贫" "工作"``."""
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


class SqliteBackend(SearchBackend):
    name = "sqlite-fts5"

    def match(self, terms: list[str]) -> MatchSQL:
        return MatchSQL(
            join="JOIN search_fts ON search_fts.rowid = d.id",
            where="search_fts MATCH %s",
            # bm25 is negative, smaller = better; the title weighs five times the body.
            rank="bm25(search_fts, 5.0, 1.0)",
            params_where=(fts_query(terms),),
        )

    def optimize(self) -> None:
        with connection.cursor() as cur:
            cur.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
