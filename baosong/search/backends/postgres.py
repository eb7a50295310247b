"""PostgreSQL: the stored ``tsv`` column (``to_tsvector('simple', …)`` of the segmented text, title
weighted A) with a GIN index."""

from __future__ import annotations

from baosong.search.backends.base import MatchSQL, SearchBackend


class PostgresBackend(SearchBackend):
    name = "postgresql-tsvector"
    window_count = True

    def match(self, terms: list[str], scope_tokens: list[str] | None = None) -> MatchSQL:
        # plainto_tsquery ANDs the words; 'simple' neither stems nor drops stop words, like the index.
        where, params = "d.tsv @@ plainto_tsquery('simple', %s)", [" ".join(terms)]
        if scope_tokens is not None:
            if not scope_tokens:
                return MatchSQL(join="", where="1 = 0", rank="d.id")
            # A second GIN index (scope_tsv): PostgreSQL ANDs the two bitmaps before reading any row.
            where += " AND d.scope_tsv @@ to_tsquery('simple', %s)"
            params.append(" | ".join(scope_tokens))
        return MatchSQL(
            join="",
            where=where,
            rank="-ts_rank(d.tsv, plainto_tsquery('simple', %s))",
            params_where=tuple(params),
            params_rank=(" ".join(terms),),
        )
