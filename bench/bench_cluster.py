"""One web node against two behind nginx: the working day of bench/load at a fixed concurrency.

    .venv/bin/python bench/bench_cluster.py                  # a fresh cluster in a temporary directory
    .venv/bin/python bench/bench_cluster.py --users 16 --seconds 60 --keep --cluster-dir /tmp/bs-bench

Starts scripts/run_cluster.sh (PostgreSQL primary + streaming replica, Redis, two web nodes of
2 gunicorn workers x 4 threads each, as `make run`, two task workers, nginx) with BAOSONG_BENCH_FLOOR=1,
builds the demo cast (bench/cluster_load.py cast), then measures, one after the other:

    1 node       the working day sent to web node 1 directly (node 2 idle)
    nginx→1      through nginx, node 2 stopped (what nginx itself costs)
    nginx→2      through nginx, both nodes

each after --warmup seconds of the same load (not counted: a freshly started node loads its search
dictionary and templates on first use), with --users simulated people acting without pause (a closed
loop: always --users requests in flight, so requests/s is what the stack serves, not what the people
ask for), and the floor page (/bench/floor/: the middleware, the session, one indexed query) measured
at the same concurrency before and after, as bench/load/run.py does, so a busy machine shows in the
floor too. During each measured window it also reads the CPU time (/proc) of every part — web nodes,
task workers, PostgreSQL primary and replica, Redis, nginx — and divides by the requests served: CPU
ms per request, the figure the sizing table in docs/deployment.md is built from, since it depends far
less on what else the machine runs than requests/s does. Results: Markdown on stdout and
bench/results-cluster.json. Everything runs on this one machine: the load generator, nginx, both
nodes, the workers, PostgreSQL and Redis share its cores, so the ratio is a floor of what two machines
give.
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
SETUPS = {"1": "1 node", "n1": "nginx→1 node", "n2": "nginx→2 nodes"}
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


def _ticks(pid: int) -> int:
    """CPU time of a process and of its children it has reaped, in clock ticks (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return sum(int(x) for x in fields[11:15])  # utime, stime, cutime, cstime


def _children() -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            out.setdefault(ppid, []).append(int(entry.name))
    return out


def _tree(pid: int, children: dict[int, list[int]]) -> list[int]:
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(children.get(p, []))
    return found


def _pid(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def cpu(directory: Path) -> dict[str, float]:
    """CPU seconds so far of each part of the cluster: the web nodes (gunicorn masters and their workers),
    the task workers, PostgreSQL (primary, replica: each postmaster and its backends), Redis, nginx."""
    st = state(directory)
    children = _children()
    run = directory / "run"
    roots: dict[str, list[int | None]] = {
        "web": [_pid(run / f"web{i + 1}.pid") for i in range(len(st["WEB_PORTS"].split()))],
        "workers": [_pid(run / f"worker{i + 1}.pid") for i in range(int(st.get("WORKERS", 2)))],
        "redis": [_pid(run / "redis.pid")],
        "nginx": [_pid(run / "nginx.pid")],
    }
    for name in ("primary", "replica"):
        pidfile = next(iter(directory.glob(f"pg/{name}/postmaster.pid")), None)
        if pidfile is None:  # Debian's default place (see run_cluster.sh)
            tag = st["PG_PRIMARY" if name == "primary" else "PG_REPLICA"]
            pidfile = Path(f"/var/lib/postgresql/15/{tag}/postmaster.pid")
        roots[f"pg_{name}"] = [_pid(pidfile)]
    hz = os.sysconf("SC_CLK_TCK")
    return {
        part: sum(_ticks(p) for root in pids if root for p in _tree(root, children)) / hz
        for part, pids in roots.items()
    }


def _wait_file(path: Path, proc: subprocess.Popen[Any]) -> None:
    while not path.exists():
        if proc.poll() is not None:
            raise RuntimeError(f"the load driver ended before writing {path.name}")
        time.sleep(0.05)


def measure(label: str, host: str, cast: Path, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    stem = label.replace("→", "-").replace(" ", "_")
    log(f"{label}: {args.users} users for {args.seconds} s against {host}")
    driver = [PY, str(BENCH / "cluster_load.py"), "run", "--host", host, "--cast", str(cast)]
    driver += ["--users", str(args.users), "--floor-seconds", str(args.floor_seconds)]

    def floor(name: str) -> dict[str, Any]:
        out = work / f"{stem}-{name}.json"
        subprocess.run([*driver, "--floor", "--seconds", "0", "--out", str(out)], cwd=ROOT, check=True)
        return dict(json.loads(out.read_text())["floor_before"])

    # Warm up, not counted: a node's processes load the search dictionary, templates and the rest on
    # first use (a second or more of CPU each), which would be charged to the first measured requests.
    warm = work / f"{stem}-warmup.json"
    subprocess.run(
        [*driver, "--seconds", str(args.warmup), "--wait", "0,0", "--out", str(warm)], cwd=ROOT, check=True
    )
    before = floor("floor-before")
    out, ready, done = (work / f"{stem}-{x}" for x in ("day.json", "counting", "counted"))
    for f in (ready, done):
        f.unlink(missing_ok=True)
    day_cmd = [*driver, "--seconds", str(args.seconds), "--wait", "0,0"]
    proc = subprocess.Popen(
        [*day_cmd, "--ready-file", str(ready), "--done-file", str(done), "--out", str(out)], cwd=ROOT
    )
    _wait_file(ready, proc)
    cpu_start, wall_start = cpu(work), time.perf_counter()
    _wait_file(done, proc)
    cpu_end, wall = cpu(work), time.perf_counter() - wall_start
    if proc.wait() != 0:
        raise RuntimeError(f"the load driver failed: exit {proc.returncode}")
    day = json.loads(out.read_text())["day"]
    after = floor("floor-after")
    floors = [before["rps"], after["rps"]]
    floor_rps = sum(floors) / len(floors)
    used = {part: round(cpu_end[part] - cpu_start[part], 2) for part in cpu_start}
    per_request = {part: round(1000 * v / max(1, day["requests"]), 1) for part, v in used.items()}
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
        "floor_rps": round(floor_rps, 1),
        "floor_runs": floors,
        "floor_p50_ms": [before["p50_ms"], after["p50_ms"]],
        "ratio_to_floor": round(day["rps"] / floor_rps, 3) if floor_rps else None,
        "cpu_seconds": used,
        "cpu_wall_seconds": round(wall, 1),
        "cpu_ms_per_request": per_request,
        "load": day["load_samples"],
        "actions": day["actions"],
    }
    log(
        f"{label}: {row['rps']} req/s, p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms,"
        f" errors {row['errors']}; floor {row['floor_rps']} req/s; CPU ms/request {per_request}"
    )
    return row


def markdown(result: dict[str, Any]) -> str:
    rows = result["rows"]
    base = next((r["rps"] for r in rows if r["setup"] == "1 node"), rows[0]["rps"]) or 1
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
    parts = list(rows[0]["cpu_ms_per_request"])
    lines += ["", "CPU ms per request (measured window):", ""]
    lines += ["| setup | " + " | ".join(parts) + " |", "|---|" + "---:|" * len(parts)]
    for r in rows:
        lines.append(f"| {r['setup']} | " + " | ".join(str(r["cpu_ms_per_request"][p]) for p in parts) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=45)
    parser.add_argument("--floor-seconds", type=float, default=10)
    parser.add_argument("--order", default="1,n1,n2", help="setups in this order: 1, n1, n2")
    parser.add_argument("--warmup", type=float, default=15, help="seconds of the day, not counted, first")
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
        rows = []
        # Each setup writes items, so later ones find a little more data: --order reverses the bias.
        for setup in args.order.split(","):
            pid2 = _pid(directory / "run" / "web2.pid")
            pid2 = pid2 if pid2 and Path(f"/proc/{pid2}").exists() else None
            if setup == "n1" and pid2:
                os.kill(pid2, signal.SIGTERM)  # nginx with node 2 stopped
                while Path(f"/proc/{pid2}").exists():
                    time.sleep(0.2)
                time.sleep(6)  # nginx's fail_timeout: node 2 is no longer tried first
            if setup == "n2" and not pid2:
                cluster(env, "start")  # starts only what is missing: node 2
            host = web1 if setup == "1" else nginx
            rows.append(measure(SETUPS[setup], host, cast, args, directory))
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
            "order": args.order,
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
