"""PostgreSQL: the stored ``tsv`` column (``to_tsvector('simple', …)`` of the segmented text, title
weighted A) with a GIN index."""

from __future__ import annotations

from baosong.search.backends.base import MatchSQL, SearchBackend


class PostgresBackend(SearchBackend):
    name = "postgresql-tsvector"
    window_count = True

    def match(self, terms: list[str]) -> MatchSQL:
        # plainto_tsquery ANDs the words; 'simple' neither stems nor drops stop words, like the index.
        return MatchSQL(
            join="",
            where="d.tsv @@ plainto_tsquery('simple', %s)",
            rank="-ts_rank(d.tsv, plainto_tsquery('simple', %s))",
            params_where=(" ".join(terms),),
            params_rank=(" ".join(terms),),
        )
