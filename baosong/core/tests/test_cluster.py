"""The cluster on one machine (scripts/run_cluster.sh): a PostgreSQL primary and streaming replica, Redis,
two web nodes behind nginx, two workers. The working day of bench/load runs against nginx while one web
node is stopped (SIGTERM) and started again, and no request fails.

Real parts only, started here and removed at the end (`run_cluster.sh destroy`), even when the test fails.
Select it with `-m cluster`; it needs PostgreSQL's cluster tools, nginx and redis-server, and root.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "run_cluster.sh"
PY = str(ROOT / ".venv" / "bin" / "python")
TOOLS = ("pg_createcluster", "pg_basebackup", "nginx", "redis-server")

pytestmark = [
    pytest.mark.cluster,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
        reason="the cluster is PostgreSQL (primary + streaming replica): not run on SQLite",
    ),
    pytest.mark.skipif(
        os.geteuid() != 0 or not all(shutil.which(t) for t in TOOLS),
        reason="needs root and " + ", ".join(TOOLS),
    ),
]


def _free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def _lines(path: Path) -> int:
    """Requests in a gunicorn access log, not counting the script's own /healthz probes."""
    if not path.exists():
        return 0
    return sum(1 for line in path.read_text(errors="replace").splitlines() if "/healthz" not in line)


class Cluster:
    def __init__(self, directory: Path) -> None:
        self.dir = directory
        nginx, web1, web2, pg1, pg2, redis = _free_ports(6)
        self.url = f"http://127.0.0.1:{nginx}"
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("BAOSONG_", "DATABASE_URL", "DJANGO_", "PYTEST", "LOAD_"))
        }
        self.env = dict(
            env,
            BAOSONG_CLUSTER_DIR=str(directory),
            BAOSONG_CLUSTER_PORT=str(nginx),
            BAOSONG_CLUSTER_WEB_PORTS=f"{web1},{web2}",
            BAOSONG_CLUSTER_PG_PORTS=f"{pg1},{pg2}",
            BAOSONG_CLUSTER_REDIS_PORT=str(redis),
            # Quicker to start on a busy machine, and nothing here is about them: one gunicorn process per
            # node (4 threads), and demo passwords hashed with few iterations (seed_demo, and every login).
            BAOSONG_CLUSTER_GUNICORN="--workers 1 --threads 4",
            BAOSONG_PASSWORD_ITERATIONS="2000",
        )

    def run(self, command: str, timeout: float = 300) -> str:
        done = subprocess.run(
            ["bash", str(SCRIPT), command],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
        assert done.returncode == 0, f"run_cluster.sh {command}: {done.stdout}\n{done.stderr}"
        return done.stdout

    def node_env(self) -> dict[str, str]:
        env = dict(self.env)
        for line in (self.dir / "baosong.env").read_text().splitlines():
            key, _, value = line.partition("=")
            env[key] = value
        return env


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    # Under /tmp and open to others: the postgres account keeps its data directories in here.
    directory = Path(tempfile.mkdtemp(prefix="bs-cluster-", dir="/tmp"))
    directory.chmod(0o755)
    c = Cluster(directory)
    try:
        yield c
    finally:
        try:
            c.run("destroy", timeout=120)
        finally:
            shutil.rmtree(directory, ignore_errors=True)


def _wait_for(path: Path, seconds: float, proc: subprocess.Popen[Any]) -> None:
    deadline = time.time() + seconds
    while not path.exists():
        assert proc.poll() is None, "the load driver ended before its users had logged in"
        assert time.time() < deadline, f"{path.name} not written within {seconds} s"
        time.sleep(0.2)


def test_working_day_through_nginx_survives_a_web_node_restart(cluster: Cluster) -> None:
    out = cluster.run("start")
    assert cluster.url in out and "sheng_bianji" in out  # the URL and the demo logins
    status = cluster.run("status")
    assert "streaming" in status, status  # the replica follows the primary

    logs, run = cluster.dir / "logs", cluster.dir / "run"
    cast, result = cluster.dir / "cast.json", cluster.dir / "load.json"
    ready, stop = cluster.dir / "counting", cluster.dir / "stop"
    subprocess.run(
        [PY, "bench/cluster_load.py", "cast", "--out", str(cast)],
        env=cluster.node_env(),
        cwd=ROOT,
        check=True,
        timeout=120,
    )
    # The working day, compressed (a pause of 0.2–1 s between a person's actions instead of 3–12 s),
    # until node 1 has stopped, started again and served again (--stop-file), 3 minutes at most.
    load = subprocess.Popen(
        [
            *(PY, "bench/cluster_load.py", "run", "--host", cluster.url, "--cast", str(cast)),
            *("--users", "8", "--spawn-rate", "4", "--seconds", "180", "--wait", "0.2,1"),
            *("--ready-file", str(ready), "--stop-file", str(stop), "--out", str(result)),
        ],
        cwd=ROOT,
        env=cluster.env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        _wait_for(ready, 120, load)
        time.sleep(3)
        web1 = int((run / "web1.pid").read_text())
        os.kill(web1, signal.SIGTERM)  # as systemctl stop does
        deadline = time.time() + 40
        while Path(f"/proc/{web1}").exists() and time.time() < deadline:
            time.sleep(0.1)
        assert not Path(f"/proc/{web1}").exists(), "web node 1 did not stop within 40 s"
        down_web1, down_web2 = _lines(logs / "web1.access.log"), _lines(logs / "web2.access.log")
        time.sleep(3)
        up_web1, up_web2 = _lines(logs / "web1.access.log"), _lines(logs / "web2.access.log")
        cluster.run("start")  # idempotent: starts only what is not running, here web node 1
        assert int((run / "web1.pid").read_text()) != web1
        deadline = time.time() + 60
        while _lines(logs / "web1.access.log") < up_web1 + 20 and time.time() < deadline:
            assert load.poll() is None, "the load driver ended early"
            time.sleep(0.5)
        stop.write_text("")
        _, stderr = load.communicate(timeout=120)
    finally:
        if load.poll() is None:
            os.killpg(load.pid, signal.SIGKILL)
            load.wait()
    assert load.returncode == 0, stderr[-2000:]

    day = json.loads(result.read_text())["day"]
    # Every request answered: no status >= 400, no connection error, no redirect to the login page.
    assert day["errors_any_time"] == 0, day["error_messages"]
    assert day["requests"] >= 100, day
    assert {"写信息并提交", "工作台", "门户首页"} <= set(day["actions"])
    # While node 1 was down node 2 alone answered through nginx; node 1 served again after its restart.
    assert up_web1 == down_web1 and up_web2 > down_web2, (down_web1, up_web1, down_web2, up_web2)
    assert _lines(logs / "web1.access.log") >= up_web1 + 20

    cluster.run("stop")
    assert "stopped" in cluster.run("status")
    assert not (run / "nginx.pid").exists()
    sys.stdout.write(f"cluster load: {day['requests']} requests, {day['rps']} req/s, 0 errors\n")
