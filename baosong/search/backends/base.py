"""The interface every full-text backend implements.

A backend answers one question: which document rows (``search_searchdocument``, alias ``d``) contain all
of these terms, and how relevant is each. It contributes SQL fragments; the filters, the scope, the
phrase check on the raw text, the count and the paging are common SQL built by ``baosong.search.engine``.
A national deployment would implement the same interface over OpenSearch (see docs/deployment.md): there
the backend would run the whole query and return ids, counts and scores instead of SQL fragments."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class MatchSQL:
    """``join`` goes after ``FROM search_searchdocument d``; ``where`` is ANDed with the other
    conditions; ``rank`` is an expression where smaller means more relevant."""

    join: str
    where: str
    rank: str
    params_join: tuple[Any, ...] = ()
    params_where: tuple[Any, ...] = ()
    params_rank: tuple[Any, ...] = ()


class SearchBackend(ABC):
    name = "base"
    window_count = False  # the page query may carry COUNT(*) OVER () next to the rank

    @abstractmethod
    def match(self, terms: list[str], scope_tokens: list[str] | None = None) -> MatchSQL:
        """SQL that keeps the documents containing every term (tokens from ``query_terms``) and, given
        ``scope_tokens``, at least one of them in the document's scope column (``search.scopes``): the
        index itself leaves out what the user may not open. An empty list keeps nothing."""

    def optimize(self) -> None:  # noqa: B027 - optional hook, a no-op unless a backend needs it
        """Compact the index after a full rebuild (optional)."""
