"""The replica settings and the read-your-writes mark, on any database (the routing itself, against a real
streaming replica, is in test_replicas.py)."""

from __future__ import annotations

import re
import runpy
from pathlib import Path
from typing import Any

import pytest

from baosong.core.dbrouter import COOKIE, ReplicaRouter, replica_ok
from baosong.reports.models import Report

SETTINGS = Path(__file__).resolve().parents[3] / "config" / "settings.py"
PRIMARY = "postgres://baosong:pw@10.0.0.11:6432/baosong"


def _settings(monkeypatch: pytest.MonkeyPatch, **env: str) -> dict[str, Any]:
    for name in ("DATABASE_URL", "BAOSONG_REPLICA_URLS", "BAOSONG_PGBOUNCER"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_replica_urls_become_replica_aliases_mirroring_the_test_database(monkeypatch):
    s = _settings(
        monkeypatch,
        DATABASE_URL=PRIMARY,
        BAOSONG_REPLICA_URLS="postgres://baosong:pw@10.0.0.12:5432/baosong, postgres://ro:pw2@10.0.0.13/baosong",
        BAOSONG_PGBOUNCER="1",
    )
    dbs = s["DATABASES"]
    assert list(dbs) == ["default", "replica1", "replica2"]
    assert (dbs["replica1"]["HOST"], dbs["replica1"]["PORT"]) == ("10.0.0.12", 5432)
    assert (dbs["replica2"]["HOST"], dbs["replica2"]["USER"]) == ("10.0.0.13", "ro")
    for alias in ("replica1", "replica2"):
        assert dbs[alias]["TEST"] == {"MIRROR": "default"}
        assert dbs[alias]["OPTIONS"]["connect_timeout"] == 2
        assert dbs[alias]["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert dbs["default"]["DISABLE_SERVER_SIDE_CURSORS"] is True
    assert s["DATABASE_ROUTERS"] == ["baosong.core.dbrouter.ReplicaRouter"]


def test_without_replicas_there_is_no_router_and_pgbouncer_is_off(monkeypatch):
    s = _settings(monkeypatch, DATABASE_URL=PRIMARY)
    assert list(s["DATABASES"]) == ["default"] and "DATABASE_ROUTERS" not in s
    assert s["DATABASES"]["default"].get("DISABLE_SERVER_SIDE_CURSORS", False) is False


def test_replicas_without_a_postgresql_primary_stop_start_up(monkeypatch):
    from config.env import ConfigError

    with pytest.raises(ConfigError, match="BAOSONG_REPLICA_URLS needs DATABASE_URL"):
        _settings(monkeypatch, BAOSONG_REPLICA_URLS="postgres://baosong@10.0.0.12/baosong")


def test_writes_and_reads_outside_a_replica_scope_go_to_the_primary():
    router = ReplicaRouter()
    assert router.db_for_write(Report) == "default"
    assert router.db_for_read(Report) == "default"
    with replica_ok():
        # No replica configured here: the scope reads the primary too.
        assert router.db_for_read(Report) == "default"
        assert router.db_for_write(Report) == "default"
    assert router.allow_migrate("replica1", "reports") is False
    assert router.allow_migrate("default", "reports") is None


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
def test_a_users_write_marks_their_next_requests_for_the_primary(cast, client_as, settings):
    # A replica alias only in the settings the middleware reads (nothing connects to it in this test).
    settings.DATABASES = {**settings.DATABASES, "replica1": {"ENGINE": "django.db.backends.postgresql"}}
    settings.READ_YOUR_WRITES_SECONDS = 7
    client = client_as("township_reporter")  # logging in is a POST that wrote
    mark = client.cookies[COOKIE]
    assert mark["max-age"] == 7 and mark["httponly"]
    # A GET writes nothing: no new mark; a refused POST (nothing committed) neither.
    client.cookies.pop(COOKIE)
    assert client.get("/reports/").status_code == 200 and COOKIE not in client.cookies
    assert client.post("/reports/new", {"title": ""}).status_code >= 400 and COOKIE not in client.cookies


def test_without_replicas_no_mark_is_set(cast, client_as):
    client = client_as("township_reporter")
    assert COOKIE not in client.cookies


# Session state does not survive pgbouncer's transaction pooling: the next transaction of the same client may
# run on another server session, and the session it leaves may serve another client.
SESSION_SCOPED = re.compile(
    r"pg_(try_)?advisory_lock(_shared)?\s*\(|\bLISTEN\s|\bUNLISTEN\s|\bSET\s+SESSION\b|"
    r"\bCREATE\s+(GLOBAL\s+|LOCAL\s+)?TEMP(ORARY)?\s|\bPREPARE\s+\w+\s+AS\b|\bDECLARE\s+\w+.*\bWITH\s+HOLD\b",
    re.IGNORECASE,
)


def test_no_code_keeps_session_state_that_transaction_pooling_would_lose():
    root = Path(__file__).resolve().parents[2]
    found = [
        f"{path.relative_to(root.parent)}:{n}: {line.strip()}"
        for path in sorted(root.rglob("*.py"))
        if "/tests/" not in str(path)
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if SESSION_SCOPED.search(line)
    ]
    hint = "session-scoped PostgreSQL state (use pg_advisory_xact_lock, SET LOCAL…):"
    assert not found, "\n".join([hint, *found])
