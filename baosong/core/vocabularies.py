"""Coded vocabularies that a lower app shows but an upper app owns.

A unit's review chain (orgs) may add a step for items of one category, but the categories are the
reports app's table, which orgs may not import. Reports registers the vocabulary at start-up (its
``AppConfig.ready()``); orgs asks for it by name. An unregistered vocabulary is empty."""

from __future__ import annotations

from collections.abc import Callable

Choices = list[tuple[str, str]]

_PROVIDERS: dict[str, Callable[[], Choices]] = {}

REPORT_CATEGORY = "report_category"


def register_vocabulary(name: str, provider: Callable[[], Choices]) -> None:
    """``provider()`` returns (code, label) pairs, read afresh on every call (it may read the database)."""
    _PROVIDERS[name] = provider


def vocabulary(name: str) -> Choices:
    provider = _PROVIDERS.get(name)
    return provider() if provider is not None else []
