"""One web node against two behind nginx: the working day of bench/load at a fixed concurrency.

    .venv/bin/python bench/bench_cluster.py                  # a fresh cluster in a temporary directory
    .venv/bin/python bench/bench_cluster.py --users 16 --seconds 60 --keep --cluster-dir /tmp/bs-bench

Starts scripts/run_cluster.sh (PostgreSQL primary + streaming replica, Redis, two web nodes of
2 gunicorn workers × 4 threads each, as `make run`, two task workers, nginx) with BAOSONG_BENCH_FLOOR=1,
builds the demo cast (bench/cluster_load.py cast), then measures, one after the other:

    1 node       the working day sent to web node 1 directly (node 2 idle)
    nginx→1      through nginx, node 2 stopped (what nginx itself costs)
    nginx→2      through nginx, both nodes

each with --users simulated people acting without pause (a closed loop: always --users requests in
flight, so requests/s is what the stack serves, not what the people ask for), and the floor page
(/bench/floor/: the middleware, the session, one indexed query) measured at the same concurrency before
and after, as bench/load/run.py does, so a busy machine shows in the floor too. Results: Markdown on
stdout and bench/results-cluster.json. Everything runs on this one machine: the load generator, nginx,
both nodes, the workers, PostgreSQL and Redis share its cores, so the ratio is a floor of what two
machines give.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
PY = str(ROOT / ".venv/bin/python")
SCRIPT = str(ROOT / "scripts/run_cluster.sh")


def log(msg: str) -> None:
    print(f"== {msg}", file=sys.stderr, flush=True)


def cluster(env: dict[str, str], command: str) -> str:
    done = subprocess.run(
        ["bash", SCRIPT, command], env=env, cwd=ROOT, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    if done.returncode != 0:
        raise RuntimeError(f"run_cluster.sh {command}: {done.stdout}\n{done.stderr}")
    return done.stdout


def state(directory: Path) -> dict[str, str]:
    out = {}
    for name in ("cluster.env", "baosong.env"):
        for line in (directory / name).read_text().splitlines():
            if "=" in line and not line.startswith("#"):
                key, _, value = line.partition("=")
                out[key] = value.strip('"')
    return out


def measure(label: str, host: str, cast: Path, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    out = work / f"{label.replace('→', '-')}.json"
    log(f"{label}: {args.users} users for {args.seconds} s against {host}")
    subprocess.run(
        [
            *(PY, str(BENCH / "cluster_load.py"), "run", "--host", host, "--cast", str(cast)),
            *("--users", str(args.users), "--seconds", str(args.seconds), "--wait", "0,0"),
            *("--floor", "--floor-seconds", str(args.floor_seconds), "--out", str(out)),
        ],
        cwd=ROOT,
        check=True,
    )
    raw = json.loads(out.read_text())
    day = raw["day"]
    floors = [raw["floor_before"]["rps"], raw["floor_after"]["rps"]]
    floor = sum(floors) / len(floors)
    row = {
        "setup": label,
        "host": host,
        "users": args.users,
        "seconds": day["seconds"],
        "requests": day["requests"],
        "rps": day["rps"],
        "p50_ms": day["p50_ms"],
        "p95_ms": day["p95_ms"],
        "errors": day["errors_any_time"],
        "floor_rps": round(floor, 1),
        "floor_runs": floors,
        "floor_p50_ms": [raw["floor_before"]["p50_ms"], raw["floor_after"]["p50_ms"]],
        "ratio_to_floor": round(day["rps"] / floor, 3) if floor else None,
        "load": day["load_samples"],
        "actions": day["actions"],
    }
    log(
        f"{label}: {row['rps']} req/s, p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms,"
        f" errors {row['errors']}; floor {row['floor_rps']} req/s"
    )
    return row


def markdown(result: dict[str, Any]) -> str:
    rows = result["rows"]
    base = rows[0]["rps"] or 1
    lines = [
        f"Working day at c={result['users']} (no pause), {result['seconds']} s each;"
        f" {result['machine']['cpus']} cores; gunicorn {result['gunicorn']} per node;"
        f" commit {result['commit']}",
        "",
        "| setup | req/s | ÷ 1 node | p50 ms | p95 ms | errors | floor req/s | ÷ floor |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['setup']} | {r['rps']} | {round(r['rps'] / base, 2)} | {r['p50_ms']} | {r['p95_ms']}"
            f" | {r['errors']} | {r['floor_rps']} | {r['ratio_to_floor']} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=45)
    parser.add_argument("--floor-seconds", type=float, default=10)
    parser.add_argument("--cluster-dir", help="reuse (or keep) the cluster here; default a temporary one")
    parser.add_argument("--keep", action="store_true", help="leave the cluster running")
    parser.add_argument("--out", default=str(BENCH / "results-cluster.json"))
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    directory = Path(args.cluster_dir or tempfile.mkdtemp(prefix="bs-bench-cluster-", dir="/tmp"))
    directory.mkdir(parents=True, exist_ok=True)
    directory.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BAOSONG_", "DATABASE_URL", "DJANGO_"))}
    env.update(BAOSONG_CLUSTER_DIR=str(directory), BAOSONG_BENCH_FLOOR="1")
    try:
        log(f"cluster in {directory}")
        cluster(env, "start")
        st = state(directory)
        nginx = f"http://127.0.0.1:{st['NGINX_PORT']}"
        web1 = f"http://127.0.0.1:{st['WEB_PORTS'].split()[0]}"
        cast = directory / "cast.json"
        node_env = dict(env, **{k: v for k, v in st.items() if k.startswith(("BAOSONG_", "DATABASE_URL"))})
        subprocess.run(
            [PY, str(BENCH / "cluster_load.py"), "cast", "--out", str(cast)],
            env=node_env,
            cwd=ROOT,
            check=True,
        )
        load_start = os.getloadavg()
        rows = [measure("1 node", web1, cast, args, directory)]
        # nginx with node 2 stopped, then both again (run_cluster.sh start starts only what is missing).
        pid2 = int((directory / "run" / "web2.pid").read_text())
        os.kill(pid2, signal.SIGTERM)
        while Path(f"/proc/{pid2}").exists():
            time.sleep(0.2)
        time.sleep(6)  # nginx's fail_timeout: node 2 is no longer tried first
        rows.append(measure("nginx→1 node", nginx, cast, args, directory))
        cluster(env, "start")
        rows.append(measure("nginx→2 nodes", nginx, cast, args, directory))
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        result = {
            "what": "working day (bench/load/locustfile.py), no pause, one node vs two behind nginx",
            "commit": commit,
            "users": args.users,
            "seconds": args.seconds,
            "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
            "gunicorn": "2 workers × 4 threads",
            "workers": int(st.get("WORKERS", 2)),
            "data": "seed_demo province (bench/cluster_load.py cast) plus what the runs write",
            "load_start": [round(x, 2) for x in load_start],
            "load_end": [round(x, 2) for x in os.getloadavg()],
            "rows": rows,
        }
        Path(args.out).write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        print(markdown(result), flush=True)
    finally:
        if not args.keep:
            cluster(env, "destroy")
            shutil.rmtree(directory, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
