"""HTTP load test: the production-like stack (gunicorn as `make run` starts it, DEBUG off, collectstatic,
the task worker) on a seed_scale province, measured with locust, per page and for a working day.

    .venv/bin/python bench/load/run.py --quick                       # a smoke run, SQLite, ~5 minutes
    .venv/bin/python bench/load/run.py --items 50000 --data-dir /tmp/bs-load --keep
    .venv/bin/python bench/load/run.py --items 50000 --data-dir /tmp/bs-load --reuse   # the same data again
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/load/run.py \\
        --only postgresql --items 50000 --keep                       # database baosong_bench_load

Per vendor: a data directory (temporary unless --data-dir; it holds the generated keys, the SQLite file,
the logs), or a PostgreSQL database created for the run (--pg-db, default baosong_bench_load; a name
without "bench" is refused); bench/load/prepare.py seeds it (or, with --reuse, reuses what an earlier
--keep left) and picks the cast; collectstatic; the worker and gunicorn (2 workers × 4 threads, as
scripts/run_embedded.sh) with BAOSONG_BENCH_FLOOR=1; then bench/load/drive.py: every page at c=1 and
c=16 with the floor page measured before and after each round, then the working day. Results: Markdown
on stdout and bench/load/results-<vendor>-<items>.json.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

LOAD_DIR = Path(__file__).resolve().parent
ROOT = LOAD_DIR.parent.parent
PY = str(ROOT / ".venv/bin/python")
FULL = {"units": 30_000, "users": 50_000, "items": 50_000}
QUICK = {"units": 3_000, "users": 5_000, "items": 20_000}
STATS_PAGES = ("统计（月）", "统计（年）")
SLOW_PAGES = ("刊物 PDF",)


def log(msg: str) -> None:
    print(f"== {msg}", file=sys.stderr, flush=True)


def _pg(url: str, tool: str, *args: str) -> None:
    parts = urlsplit(url)
    env = dict(os.environ)
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    cmd = [tool, "-h", parts.hostname or "127.0.0.1", "-p", str(parts.port or 5432)]
    cmd += ["-U", unquote(parts.username or "postgres"), *args]
    subprocess.run(cmd, env=env, check=True)


def _keys(data: Path) -> None:
    data.mkdir(parents=True, exist_ok=True)
    for name, make in (
        ("secret_key", lambda: secrets.token_urlsafe(50)),
        ("audit_key", lambda: secrets.token_urlsafe(50)),
        ("file_key", lambda: secrets.token_hex(16)),
    ):
        path = data / name
        if not path.exists():
            path.write_text(make() + "\n")
            path.chmod(0o600)


def _wait_up(url: str, proc: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("gunicorn did not answer /healthz")


def _stop(proc: subprocess.Popen[Any] | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _commit() -> str:
    out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "baosong", "config"], cwd=ROOT, capture_output=True, text=True
    )
    return out.stdout.strip() + ("+changes" if dirty.stdout.strip() else "")


def plan(args: argparse.Namespace) -> dict[str, Any]:
    from pages import PAGES

    names = [p for p in PAGES if p not in ("floor", *SLOW_PAGES)]
    slow = [p for p in SLOW_PAGES if not args.pages or p in args.pages.split(",")]
    if args.pages:
        names = [p for p in names if p in args.pages.split(",")]
    pages = []
    for users in (1, 16):
        warmup = args.warmup if users == 1 else args.warmup * 2
        # The floor opens and closes each round; the slow pages come after it, since the requests still
        # being served when a run stops would weigh on the next.
        rounds = ["floor", *names, "floor", *slow]
        pages += [{"page": p, "users": users, "warmup": warmup, "duration": args.duration} for p in rounds]
    out: dict[str, Any] = {"pages": [] if args.day_only else pages}
    if args.day_minutes > 0:
        out["day"] = {
            "users": args.day_users,
            "spawn_rate": args.spawn_rate,
            "duration": args.day_minutes * 60,
        }
    return out


def stack_env(env: dict[str, str], data: Path, host: str) -> dict[str, str]:
    """The environment of the production-like stack on ``data``, answering at ``host``."""
    out = dict(
        env,
        BAOSONG_DATA_DIR=str(data),
        BAOSONG_DEBUG="0",
        BAOSONG_DEMO_MODE="0",
        BAOSONG_SECURE_COOKIES="0",  # plain HTTP on the loopback, as behind a TLS-terminating proxy
        BAOSONG_ALLOWED_HOSTS="127.0.0.1,localhost",
        BAOSONG_SITE_URL=host,
        BAOSONG_CSRF_TRUSTED_ORIGINS=host,
        BAOSONG_BENCH_FLOOR="1",
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONUNBUFFERED="1",
    )
    out.pop("BAOSONG_TESTING", None)
    return out


@contextlib.contextmanager
def stack(env: dict[str, str], data: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    """The task worker and gunicorn as scripts/run_embedded.sh starts them (2 workers × 4 threads), logs
    in ``data``; yields gunicorn once /healthz answers, stops both on the way out."""
    worker = server = None
    try:
        with open(data / "worker.log", "ab") as wlog:
            worker = subprocess.Popen(
                [PY, "manage.py", "worker"], env=env, cwd=ROOT, stdout=wlog, stderr=wlog
            )
        with open(data / "gunicorn.log", "ab") as glog:
            server = subprocess.Popen(
                [
                    str(ROOT / ".venv/bin/gunicorn"),
                    "config.wsgi:application",
                    "--bind",
                    f"127.0.0.1:{port}",
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    "--access-logfile",
                    str(data / "access.log"),
                    "--log-level",
                    "warning",
                ],
                env=env,
                cwd=ROOT,
                stdout=glog,
                stderr=glog,
            )
        _wait_up(f"http://127.0.0.1:{port}", server)
        yield server
    finally:
        _stop(server)
        _stop(worker)


def run_vendor(vendor: str, args: argparse.Namespace, env: dict[str, str], data: Path) -> dict[str, Any]:
    port = args.port
    host = f"http://127.0.0.1:{port}"
    env = stack_env(env, data, host)
    _keys(data)
    cast_file = data / "cast.json"
    log(f"{vendor}: prepare {args.units} units, {args.users} users, {args.items} items")
    started = time.perf_counter()
    cmd = [PY, str(LOAD_DIR / "prepare.py"), "--cast", str(cast_file)]
    cmd += ["--units", str(args.units), "--users", str(args.users), "--items", str(args.items)]
    subprocess.run(cmd + (["--reuse"] if args.reuse else []), env=env, cwd=ROOT, check=True)
    prepare_s = round(time.perf_counter() - started, 1)
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    cast = json.loads(cast_file.read_text(encoding="utf-8"))
    with stack(env, data, port):
        plan_file, out_file = data / "plan.json", data / "drive.json"
        plan_file.write_text(json.dumps(plan(args), ensure_ascii=False), encoding="utf-8")
        log(f"{vendor}: load from {host}")
        load_start = os.getloadavg()
        subprocess.run(
            [
                PY,
                str(LOAD_DIR / "drive.py"),
                "--host",
                host,
                "--cast",
                str(cast_file),
                "--plan",
                str(plan_file),
                "--out",
                str(out_file),
            ],
            cwd=ROOT,
            env=dict(env, LOAD_CAST=str(cast_file)),
            check=True,
        )
        driven = json.loads(out_file.read_text(encoding="utf-8"))
    return {
        "vendor": vendor,
        "commit": _commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "gunicorn": "2 workers × 4 threads",
        "scale": {"units": args.units, "users": args.users, "items": cast["items"]},
        "prepare_s": prepare_s,
        "cast": {k: v for k, v in cast.items() if k != "desks"},
        "day_desks": len(cast.get("desks", [])),
        "load_start": [round(x, 2) for x in load_start],
        "load_end": [round(x, 2) for x in os.getloadavg()],
        "pages": table(driven["pages"]),
        "day": driven.get("day"),
    }


def table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per page and concurrency, with the floor of that round (the mean of the floor measured
    before and after) and the page's requests/s as a share of it."""
    out = []
    for users in sorted({r["users"] for r in rows}):
        same = [r for r in rows if r["users"] == users]
        floors = [r for r in same if r["page"] == "floor"]
        floor_rps = sum(r["rps"] for r in floors) / len(floors) if floors else 0
        for r in same:
            if r["page"] == "floor" and r is not floors[0]:
                continue
            row = dict(r)
            if r["page"] == "floor":
                row["rps"] = round(floor_rps, 2)
                row["floor_runs"] = [f["rps"] for f in floors]
            row["ratio"] = round(r["rps"] / floor_rps, 2) if floor_rps else None
            out.append(row)
    return out


def markdown(result: dict[str, Any]) -> str:
    s = result["scale"]
    lines = [
        f"### {result['vendor']}: {s['units']} units, {s['users']} users, {s['items']} items"
        f" (commit {result['commit']}, load {result['load_start']} → {result['load_end']})",
        "",
        "| page | c | req/s | p50 ms | p95 ms | ÷ floor | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result["pages"]:
        flag = ""
        if r["users"] == 16 and r["page"] != "floor" and (r["ratio"] or 0) < 0.5:
            flag = " ✗"
        if r["users"] == 16 and r["page"] in STATS_PAGES and r["p95_ms"] >= 200:
            flag = " ✗"
        lines.append(
            f"| {r['page']} | {r['users']} | {r['rps']} | {r['p50_ms']} | {r['p95_ms']} | {r['ratio']}{flag}"
            f" | {r['errors']} |"
        )
    day = result.get("day")
    if day:
        lines += [
            "",
            f"Working day: {day['users']} users {day['user_classes']}, {day['seconds']} s,"
            f" {day['requests']} requests,"
            f" {day['rps']} req/s, errors {day['errors']} (ramp {day['errors_during_ramp']})",
            "",
            "| action | requests | req/s | p50 ms | p95 ms | max ms | errors |",
            "|---|---:|---:|---:|---:|---:|---:|",
        ]
        for name, a in day["actions"].items():
            lines.append(
                f"| {name} | {a['requests']} | {a['rps']} | {a['p50_ms']} | {a['p95_ms']} | {a['max_ms']}"
                f" | {a['errors']} |"
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--units", type=int)
    parser.add_argument("--users", type=int)
    parser.add_argument("--items", type=int)
    parser.add_argument("--quick", action="store_true", help="3,000 units, 20,000 items, short runs")
    parser.add_argument("--data-dir", help="SQLite: keep the data here (reused with --reuse)")
    parser.add_argument("--pg-db", default="baosong_bench_load")
    parser.add_argument(
        "--reuse", action="store_true", help="measure the database a --keep run left (and keep it again)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the database for --reuse")
    parser.add_argument("--port", type=int, default=8900)
    parser.add_argument("--duration", type=float, default=20, help="seconds measured per page and c")
    parser.add_argument("--warmup", type=float, default=3, help="seconds before counting (doubled at c=16)")
    parser.add_argument("--pages", help="only these pages (comma-separated names)")
    parser.add_argument("--day-only", action="store_true", help="only the working day")
    parser.add_argument("--day-minutes", type=float, default=10)
    parser.add_argument("--day-users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=2, help="users started per second")
    parser.add_argument("--label", default="", help="results-<vendor>-<items>-<label>.json")
    args = parser.parse_args()
    # A stopped run still stops its gunicorn and worker (the finally blocks below).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    base = QUICK if args.quick else FULL
    for k in ("units", "users", "items"):
        if getattr(args, k) is None:
            setattr(args, k, base[k])
    if args.quick:
        args.duration = min(args.duration, 5)
        args.day_minutes = min(args.day_minutes, 1)
        args.day_users = min(args.day_users, 40)
        args.spawn_rate = max(args.spawn_rate, 4)
    sys.path.insert(0, str(LOAD_DIR))
    url = os.environ.get("DATABASE_URL", "")
    vendors = [args.only] if args.only else ["sqlite"] + (["postgresql"] if url else [])
    env = dict(os.environ)
    results = []
    for vendor in vendors:
        data = Path(args.data_dir) if args.data_dir else Path(tempfile.mkdtemp(prefix="baosong-load-"))
        if vendor == "postgresql":
            if not url:
                log("postgresql: DATABASE_URL is not set")
                return 2
            if "bench" not in args.pg_db:
                log(f"refusing to use {args.pg_db}: the name of a database this run drops must hold 'bench'")
                return 2
            if not args.reuse:
                _pg(url, "dropdb", "--if-exists", args.pg_db)
                _pg(url, "createdb", args.pg_db)
            parts = urlsplit(url)
            env = dict(os.environ, DATABASE_URL=urlunsplit(parts._replace(path="/" + args.pg_db)))
            data = data / "pg" if args.data_dir else data
        else:
            env = dict(os.environ)
            env.pop("DATABASE_URL", None)
            if args.data_dir and not args.reuse and (data / "baosong.sqlite3").exists():
                log(f"{data} already holds a database: pass --reuse, or another --data-dir")
                return 2
        try:
            result = run_vendor(vendor, args, env, data)
        finally:
            # A reused database took an hour or more to build: a --reuse run never removes it.
            keep = args.keep or args.reuse
            if not keep and not args.data_dir:
                shutil.rmtree(data, ignore_errors=True)
            if vendor == "postgresql" and not keep:
                _pg(url, "dropdb", "--if-exists", args.pg_db)
        suffix = ("-day" if args.day_only else "") + (f"-{args.label}" if args.label else "")
        out = LOAD_DIR / f"results-{vendor}-{args.items}{suffix}.json"
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        results.append(result)
        print(markdown(result), flush=True)
        print()
    day_errors = sum((r.get("day") or {}).get("errors_any_time", 0) for r in results)
    return 1 if day_errors else 0


if __name__ == "__main__":
    sys.exit(main())
