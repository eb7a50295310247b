"""Read replicas against a real streaming replica: a second PostgreSQL server on a free port, made from the
test server with pg_basebackup -R and replaying its WAL. Pages under replica_ok read it (asserted by the
connection alias that ran their queries); a user's own write, a replica that lags past the limit and a
stopped replica all read the primary."""

from __future__ import annotations

import copy
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.core.signals import request_started
from django.db import connection, connections, reset_queries
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test import Client
from django.test.utils import CaptureQueriesContext

from baosong.core import dbrouter
from baosong.core.dbrouter import COOKIE, replica_databases
from baosong.reports.tests.conftest import ITEM
from baosong.search.tests.conftest import sent_to_county, settle

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"),
    reason="streaming replication needs PostgreSQL (run with DATABASE_URL=postgres://…)",
)

ROUTERS = ["baosong.core.dbrouter.ReplicaRouter"]
HEALTH_CHECK = "pg_last_wal_replay_lsn"  # the router's own lag check, not a page's query


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Replica:
    datadir: Path
    port: int
    bin: Path
    as_owner: list[str]
    primary: dict[str, Any]

    def ctl(self, *args: str) -> None:
        done = subprocess.run(
            [*self.as_owner, str(self.bin / "pg_ctl"), "-D", str(self.datadir), "-w", "-t", "60", *args],
            capture_output=True,
            text=True,
            timeout=90,
        )
        if done.returncode:
            log = self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""
            raise AssertionError(f"pg_ctl {args[-1]}: {done.stdout}{done.stderr}\n{log}")

    @property
    def log(self) -> Path:
        return self.datadir.parent / "server.log"

    def start(self) -> None:
        self.ctl("-l", str(self.log), "start")

    def stop(self) -> None:
        self.ctl("-m", "fast", "stop")

    def sql(self, query: str, *, primary: bool = False) -> Any:
        params = self.primary if primary else {**self.primary, "port": self.port}
        with psycopg.connect(**params, autocommit=True, connect_timeout=5) as conn:
            return conn.execute(query).fetchone()

    def wait_replayed(self, timeout: float = 60) -> None:
        """Until the replica has replayed everything the primary has written so far."""
        (lsn,) = self.sql("SELECT pg_current_wal_lsn()::text", primary=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.sql(f"SELECT pg_last_wal_replay_lsn() >= '{lsn}'::pg_lsn")[0]:
                    return
            except psycopg.OperationalError:
                pass  # still starting
            time.sleep(0.1)
        raise AssertionError(f"the replica did not replay up to {lsn} in {timeout}s")


def _allow_replication(primary: dict[str, Any]) -> None:
    """pg_basebackup and the standby connect with the replication protocol, which `host all …` lines do not
    cover. A test server whose first replication rule for 127.0.0.1 is not `trust` (or that has none) gets
    one, first in the file (first match wins), and reloads. CI runs as root and can; elsewhere: skipped."""
    with psycopg.connect(**primary, autocommit=True) as conn:
        first = conn.execute(
            "SELECT auth_method FROM pg_hba_file_rules"
            " WHERE type <> 'local' AND 'replication' = ANY(database)"
            " AND (address IN ('127.0.0.1', 'all', 'samehost') OR address IS NULL)"
            " ORDER BY line_number LIMIT 1"
        ).fetchone()
        if first and first[0] == "trust":
            return
        hba = Path(conn.execute("SHOW hba_file").fetchone()[0])
        if not os.access(hba, os.W_OK):
            pytest.skip(f"{hba} allows no trusted replication from 127.0.0.1 and cannot be changed here")
        rule = "# added by baosong/core/tests/test_replicas.py\nhost replication all 127.0.0.1/32 trust\n"
        hba.write_text(rule + hba.read_text(encoding="utf-8"), encoding="utf-8")
        conn.execute("SELECT pg_reload_conf()")
        time.sleep(0.5)


@pytest.fixture(scope="module")
def replica(django_db_setup: None, django_db_blocker: Any, _session_seed: Any) -> Iterator[Replica]:
    """A hot standby of the test server, made after the test database exists (so it has it)."""
    # The `db` tests' seeded cast is one long transaction with a savepoint per test: while a transaction
    # with that many subtransactions is open on the primary, a new standby cannot take a snapshot and
    # accepts no connection. The transactional tests below drop it anyway; drop it before the backup.
    _session_seed.drop()
    with django_db_blocker.unblock():
        db = connection.settings_dict
        version = connection.cursor().connection.info.server_version // 10000
    primary = {"host": db["HOST"] or "127.0.0.1", "port": int(db["PORT"] or 5432), "user": db["USER"]}
    primary["dbname"] = db["NAME"]
    bin_dir = Path(f"/usr/lib/postgresql/{version}/bin")
    if not (bin_dir / "pg_ctl").exists():
        pytest.skip(f"PostgreSQL {version} server tools ({bin_dir}) are not installed")
    _allow_replication(primary)
    as_owner: list[str] = []
    datadir = Path(tempfile.mkdtemp(prefix="baosong-replica-"))
    if os.geteuid() == 0:  # the server refuses to run as root: the data directory belongs to postgres
        as_owner = ["runuser", "-u", "postgres", "--"]
        shutil.chown(datadir, "postgres", "postgres")
    datadir.chmod(0o700)
    port = _free_port()
    server = Replica(datadir / "data", port, bin_dir, as_owner, primary)
    backup = subprocess.run(
        [*as_owner, str(bin_dir / "pg_basebackup"), "-h", primary["host"], "-p", str(primary["port"]),
         "-U", primary["user"], "-D", str(server.datadir), "-R", "-X", "stream", "-c", "fast"],
        capture_output=True, text=True, timeout=180,
    )  # fmt: skip
    if backup.returncode:
        shutil.rmtree(datadir, ignore_errors=True)
        raise AssertionError(f"pg_basebackup failed: {backup.stderr}")
    # Debian keeps the configuration outside the data directory: the standby gets its own, minimal one.
    conf = {
        "postgresql.conf": f"port = {port}\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = ''\n"
        "hot_standby = on\nfsync = off\nshared_buffers = 16MB\nmax_standby_streaming_delay = 5s\n",
        "pg_hba.conf": "host all all 127.0.0.1/32 trust\n",
        "pg_ident.conf": "",
    }
    for name, text in conf.items():
        (server.datadir / name).write_text(text, encoding="utf-8")
        if as_owner:
            shutil.chown(server.datadir / name, "postgres", "postgres")
    try:
        server.start()
        server.wait_replayed()
        yield server
    finally:
        subprocess.run(
            [*as_owner, str(bin_dir / "pg_ctl"), "-D", str(server.datadir), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
        )
        shutil.rmtree(datadir, ignore_errors=True)


def _this_tests_case() -> Any:
    """The test case class pytest-django made for this test: Django refuses connections to aliases not in its
    ``databases``, which were fixed before `replica1` existed. Found in the connection guard it installed."""
    for cell in BaseDatabaseWrapper.ensure_connection.__closure__ or ():
        if isinstance(cell.cell_contents, type) and hasattr(cell.cell_contents, "databases"):
            return cell.cell_contents
    raise AssertionError("no test case guards the connections")


@pytest.fixture
def routed(transactional_db: None, replica: Replica, settings: Any) -> Iterator[Replica]:
    """`replica1` in DATABASES (the test database's name on the replica's port) and the router on."""
    default = connections["default"].settings_dict
    url = f"postgres://{default['USER']}@127.0.0.1:{replica.port}/{default['NAME']}"
    alias = {**copy.deepcopy(default), **replica_databases(default, [url], conn_max_age=0)["replica1"]}
    alias["TEST"] = {**default["TEST"], "MIRROR": "default"}
    connections.settings["replica1"] = alias
    settings.DATABASES["replica1"] = alias  # the same dict as connections.settings, unless overridden
    settings.DATABASE_ROUTERS = ROUTERS
    # Paused replay must not count as lag by chance on a slow machine: the lag test sets its own limit.
    settings.REPLICA_MAX_LAG_SECONDS = 3600
    settings.READ_YOUR_WRITES_SECONDS = 10
    dbrouter.reset_health()
    case = _this_tests_case()
    case.databases = {*case.databases, "replica1"}
    try:
        yield replica
    finally:
        case.databases = case.databases - {"replica1"}
        connections["replica1"].close()
        del connections["replica1"]
        connections.settings.pop("replica1", None)
        settings.DATABASES.pop("replica1", None)
        dbrouter.reset_health()


class _Captured(CaptureQueriesContext):
    """CaptureQueriesContext without its ensure_connection(): the replica may be down."""

    def __enter__(self) -> _Captured:
        self.force_debug_cursor = self.connection.force_debug_cursor
        self.connection.force_debug_cursor = True
        self.initial_queries = len(self.connection.queries_log)
        self.final_queries = None
        request_started.disconnect(reset_queries)
        return self


def _get(client: Client, url: str, **params: str) -> tuple[str, int, int]:
    """The page's text and how many of its queries ran on the replica and on the primary (the router's lag
    check left out)."""
    with (
        _Captured(connections["replica1"]) as on_replica,
        _Captured(connections["default"]) as on_primary,
    ):
        response = client.get(url, params)
    assert response.status_code == 200, (url, response.status_code)
    count = sum(1 for q in on_replica.captured_queries if HEALTH_CHECK not in q["sql"])
    return response.content.decode(), count, len(on_primary.captured_queries)


def _as_reader(client: Client) -> Client:
    """Logging in is a write: the person's requests read the primary for a while. Here that time is over."""
    client.cookies.pop(COOKIE, None)
    return client


def _statistics_and_search_read_committed_data_from_the_replica(
    cast: Any, client_as: Any, routed: Replica
) -> None:
    editor = _as_reader(client_as("county_editor"))
    title = "城关镇举办副本同步测试专题培训"
    sent_to_county(cast, title)
    settle()
    routed.wait_replayed()

    text, on_replica, _ = _get(editor, "/search/", q="副本同步")
    assert "专题培训" in text and on_replica > 0  # the words searched for are highlighted: a part between
    text, on_replica, _ = _get(editor, "/stats/")
    assert on_replica > 0 and "统计" in text
    # Lists and the public portal read it as well.
    assert _get(editor, "/inbox/")[1] > 0
    assert _get(Client(), "/portal/")[1] > 0


def _a_users_own_write_is_visible_to_them_at_once(cast: Any, client_as: Any, routed: Replica) -> None:
    reporter = _as_reader(client_as("township_reporter"))
    routed.sql("SELECT pg_wal_replay_pause()")
    try:
        response = reporter.post("/reports/new", {**ITEM, "urgency": "normal", "public_scope": "internal"})
        assert response.status_code == 302, response.content.decode()[:300]
        assert COOKIE in response.cookies
        text, on_replica, on_primary = _get(reporter, "/reports/")
        assert ITEM["title"] in text and on_replica == 0 and on_primary > 0
        # The same person once the window has passed: the replica, which has not replayed the new item yet.
        text, on_replica, _ = _get(_as_reader(reporter), "/reports/")
        assert ITEM["title"] not in text and on_replica > 0
    finally:
        routed.sql("SELECT pg_wal_replay_resume()")
    routed.wait_replayed()
    text, on_replica, _ = _get(reporter, "/reports/")
    assert ITEM["title"] in text and on_replica > 0


def _a_replica_lagging_past_the_limit_is_not_read(
    cast: Any, client_as: Any, routed: Replica, settings: Any
) -> None:
    editor = _as_reader(client_as("county_editor"))
    title = "新桥镇完成副本延迟测试演练"
    routed.sql("SELECT pg_wal_replay_pause()")
    try:
        sent_to_county(cast, title)
        settle()
        time.sleep(1.2)
        # Within the limit: the replica answers, without the item it has not replayed.
        text, on_replica, _ = _get(editor, "/search/", q="延迟测试")
        assert on_replica > 0 and "新桥镇完成" not in text
        settings.REPLICA_MAX_LAG_SECONDS = 1
        dbrouter.reset_health()
        text, on_replica, on_primary = _get(editor, "/search/", q="延迟测试")
        assert on_replica == 0 and on_primary > 0 and "新桥镇完成" in text
    finally:
        routed.sql("SELECT pg_wal_replay_resume()")
    routed.wait_replayed()
    settings.REPLICA_MAX_LAG_SECONDS = 10
    dbrouter.reset_health()
    text, on_replica, _ = _get(editor, "/search/", q="延迟测试")
    assert on_replica > 0 and "新桥镇完成" in text


def _a_stopped_replica_falls_back_to_the_primary(cast: Any, client_as: Any, routed: Replica) -> None:
    editor = _as_reader(client_as("county_editor"))
    title = "城关镇召开副本故障切换工作会"
    sent_to_county(cast, title)
    settle()
    routed.wait_replayed()
    assert _get(editor, "/search/", q="故障切换")[1] > 0
    routed.stop()
    try:
        # The page that finds it gone answers from the primary, the replica marked down for a few seconds…
        text, _, _ = _get(editor, "/search/", q="故障切换")
        assert "工作会" in text and dbrouter._health["replica1"][0] is False
        # …during which no page asks it again.
        for url in ("/stats/", "/inbox/", "/reports/"):
            _, on_replica, on_primary = _get(editor, url)
            assert on_replica == 0 and on_primary > 0
        # Its lag check, when due, finds it down as well: the primary again, without an error.
        dbrouter.reset_health()
        text, on_replica, _ = _get(editor, "/search/", q="故障切换")
        assert "工作会" in text and on_replica == 0 and dbrouter._health["replica1"][0] is False
    finally:
        routed.start()
    routed.wait_replayed()
    dbrouter.reset_health()
    assert _get(editor, "/search/", q="故障切换")[1] > 0


# Two tests of two parts each: every transactional test seeds the cast and empties every table afterwards,
# which costs more than the parts themselves.


def test_pages_read_the_replica_and_answer_from_the_primary_when_it_stops(cast, client_as, routed):
    _statistics_and_search_read_committed_data_from_the_replica(cast, client_as, routed)
    _a_stopped_replica_falls_back_to_the_primary(cast, client_as, routed)


def test_own_writes_and_a_replica_lagging_past_the_limit_read_the_primary(cast, client_as, routed, settings):
    _a_users_own_write_is_visible_to_them_at_once(cast, client_as, routed)
    _a_replica_lagging_past_the_limit_is_not_read(cast, client_as, routed, settings)
