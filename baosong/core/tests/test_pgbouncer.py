"""Behind pgbouncer in transaction pooling: two Django processes (settings with BAOSONG_PGBOUNCER=1) run the
reporting flow at the same time through a real pgbouncer whose pool has one server connection, so their
transactions take turns on the same PostgreSQL session: nothing may rely on session state."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from baosong.core.models import AuditEvent
from baosong.reports.models import Report, Submission

PGBOUNCER = Path("/usr/sbin/pgbouncer")
pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="pgbouncer pools PostgreSQL connections (run with DATABASE_URL=postgres://…)",
    ),
    pytest.mark.skipif(not PGBOUNCER.exists(), reason="pgbouncer is not installed (apt install pgbouncer)"),
]

# One process's part: write an item, send it through review to the county (row locks, audit, domain events,
# the search consumer), and read the rows back with .iterator() (a server-side cursor would not survive the
# pool between its fetches).
FLOW = """
import json, sys, django
django.setup()
from django.conf import settings
from django.db import connection
from baosong.core.outbox import deliver
from baosong.orgs.models import User
from baosong.reports import services
from baosong.reports.models import Report
from baosong.search.models import SearchDocument

reporter, reviewer, title = sys.argv[1:4]
reporter, reviewer = (User.objects.get(username=u) for u in (reporter, reviewer))
report = services.report_create(by=reporter, title=title, body=title + "。", category="work_update")
report = services.report_submit(report=report, by=reporter)
while report.status == "in_review":
    report = services.report_approve(report=report, by=reviewer)
deliver("search")
found = list(SearchDocument.objects.filter(title=title).values_list("title", flat=True))
rows = sum(1 for _ in Report.objects.order_by("pk").iterator(chunk_size=1))
print(json.dumps({
    "status": report.status, "found": found, "iterated": rows,
    "port": connection.settings_dict["PORT"],
    "server_side_cursors_off": connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"],
}))
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _admin(port: int, command: str) -> list[list[str]]:
    """pgbouncer's admin console (simple query protocol only: psql)."""
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-d", "pgbouncer", "-AtF", "|", "-c",
         command],
        check=True, capture_output=True, text=True, timeout=10,
    ).stdout  # fmt: skip
    return [line.split("|") for line in out.splitlines() if line]


@pytest.fixture
def bouncer(transactional_db: None) -> Iterator[int]:
    """pgbouncer on a free port in front of the test server: transaction pooling, one server connection."""
    db = connection.settings_dict
    port = _free_port()
    work = Path(tempfile.mkdtemp(prefix="baosong-pgbouncer-"))
    ini = (Path(settings.BASE_DIR) / "deploy" / "pgbouncer" / "pgbouncer.ini").read_text(encoding="utf-8")
    # The shipped example, with this test's addresses and files (what an operator changes too).
    overrides = {
        "listen_addr": "127.0.0.1",
        "listen_port": str(port),
        "unix_socket_dir": "",
        "auth_type": "trust",
        "auth_file": str(work / "userlist.txt"),
        "logfile": str(work / "pgbouncer.log"),
        "pidfile": str(work / "pgbouncer.pid"),
        "default_pool_size": "1",
        "min_pool_size": "0",
        "reserve_pool_size": "0",
        "admin_users": "postgres",
        "stats_users": "postgres",
    }
    lines = []
    for line in ini.splitlines():
        key = line.split("=", 1)[0].strip()
        if key in overrides or key.startswith("*"):
            continue
        lines.append(line)
        if line.strip() == "[databases]":
            lines.append(f"* = host={db['HOST'] or '127.0.0.1'} port={db['PORT'] or 5432}")
        if line.strip() == "[pgbouncer]":
            lines.extend(f"{k} = {v}" for k, v in overrides.items())
    (work / "pgbouncer.ini").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (work / "userlist.txt").write_text(f'"{db["USER"]}" ""\n', encoding="utf-8")
    as_user: list[str] = []
    if os.geteuid() == 0:  # pgbouncer will not run as root
        as_user = ["-u", "postgres"]
        shutil.chown(work, "postgres")
        for f in work.iterdir():
            shutil.chown(f, "postgres")
    proc = subprocess.Popen(
        [str(PGBOUNCER), *as_user, str(work / "pgbouncer.ini")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    err = proc.stderr.read() if proc.stderr else b""
                    raise AssertionError(f"pgbouncer did not start: {err!r}") from None
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(work, ignore_errors=True)
        # Its server connections end with it; wait for them, or the test database cannot be dropped.
        deadline = time.monotonic() + 10
        with connection.cursor() as cur:
            while time.monotonic() < deadline:
                cur.execute(
                    "SELECT count(*) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
                if not cur.fetchone()[0]:
                    break
                time.sleep(0.1)


def test_two_processes_run_the_reporting_flow_through_transaction_pooling(cast, bouncer):
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@127.0.0.1:{bouncer}/{db['NAME']}",
        "BAOSONG_PGBOUNCER": "1",
        "BAOSONG_TESTING": "1",
        "BAOSONG_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    people = [cast.township_reporter.user, cast.township_reviewer.user]
    titles = ["城关镇推进连接池甲号工作", "城关镇推进连接池乙号工作"]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", FLOW, *(u.username for u in people), title],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for title in titles
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))

    for title, result in zip(titles, results, strict=True):
        assert result["port"] == bouncer and result["server_side_cursors_off"] is True
        assert result["status"] == "sent" and title in result["found"]
        assert result["iterated"] >= 1
    # What the processes wrote is on the server, with its audit trail.
    for title in titles:
        report = Report.objects.get(title=title)
        assert Submission.objects.filter(report=report, target_unit=cast.county_editor.unit).count() == 1
        assert AuditEvent.objects.filter(object_type="report", object_id=report.pk).exists()
    # And it went through the pool: one server connection for the two processes' many transactions.
    pools = {row[0]: row for row in _admin(bouncer, "SHOW POOLS") if row[0] == db["NAME"]}
    stats = {row[0]: row for row in _admin(bouncer, "SHOW STATS") if row[0] == db["NAME"]}
    assert pools and stats
    servers = _admin(bouncer, "SHOW SERVERS")
    assert len([s for s in servers if db["NAME"] in s]) == 1
    assert int(stats[db["NAME"]][1]) > 20  # total_xact_count
