"""Full-text backends behind one interface; the one in use follows the database vendor."""

from __future__ import annotations

from django.db import connection

from baosong.search.backends.base import SearchBackend


def backend() -> SearchBackend:
    if connection.vendor == "postgresql":
        from baosong.search.backends.postgres import PostgresBackend

        return PostgresBackend()
    from baosong.search.backends.sqlite import SqliteBackend

    return SqliteBackend()
