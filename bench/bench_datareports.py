"""Structured reports (数据报表) at province scale, over HTTP: a province collection of the 政务接待信息报告表
for one month in which 30,000 units each return 5 rows (150,000 rows), fixed bottom-up; then the province's
roll-up status page, the form dashboard and the province roll-up's XLSX (and PDF, DOCX, recipients'
package) through gunicorn, beside the floor page measured in the same run.

    .venv/bin/python bench/bench_datareports.py                # SQLite, then PostgreSQL if DATABASE_URL
    .venv/bin/python bench/bench_datareports.py --only sqlite --units 3000 --users 2000 --runs 20 \
        --duration 5 --cold 1                                  # a smoke run, about 2 minutes
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_datareports.py \\
        --only postgresql                                                  # database baosong_bench_dr

Per vendor, in a fresh data directory (SQLite) or database (--pg-db, default baosong_bench_dr; a name
without "bench" is refused): a child process migrates, seeds the units and users (``demo.scale``), creates
the collection with the province's editor (``collection_create``, five levels: province 20th, city 15th,
county 10th, township 5th of the next month, villages 10 working days after each 接待) and fixes every
return with ``demo.scale_datareports.seed_collection``, then ANALYZE. gunicorn then serves it as
scripts/run_embedded.sh does (2 workers × 4 threads, DEBUG off, BAOSONG_BENCH_FLOOR=1, the task worker
beside it), and this process
measures as the province's editor, logged in through the login page:

- the floor page, the status page of the province's roll-up (/datareports/c/<id>/) and the dashboard:
  ``--runs`` requests one after another (c=1), then 16 sessions for ``--duration`` seconds (c=16), the
  floor before and after each round;
- the province roll-up as XLSX, PDF and DOCX: cold (the format's files removed from the document cache
  before each request, ``--cold`` times) and warm (``--runs`` / 10 times from the cache), then the
  recipients' ZIP with the three documents in the cache;
- the gunicorn workers' peak memory (VmHWM) after the cold exports.

Results: Markdown on stdout and bench/results-datareports-<vendor>.json.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
PY = str(ROOT / ".venv/bin/python")
PASSWORD = "Scale#2026pw"  # seed_scale's password for every generated account
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _load_run() -> Any:
    """bench/load/run.py's helpers (keys, PostgreSQL tools, waiting for and stopping gunicorn)."""
    spec = importlib.util.spec_from_file_location("load_run", BENCH_DIR / "load" / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def log(msg: str) -> None:
    print(f"== {msg}", file=sys.stderr, flush=True)


# ---- the child process: data ---------------------------------------------------------------------------


def prepare(args: argparse.Namespace) -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # no SQL log in the timings
    from django.core.management import call_command
    from django.db import connection

    from baosong.datareports.models import Form, Return
    from baosong.datareports.services import collection_create
    from baosong.demo.scale import seed_scale
    from baosong.demo.scale_datareports import seed_collection
    from baosong.orgs.models import Membership, Role

    took: dict[str, float] = {}

    def step(name: str, fn: Any) -> Any:
        start = time.perf_counter()
        result = fn()
        took[name] = round(time.perf_counter() - start, 1)
        print(f"   {name}: {took[name]} s", file=sys.stderr, flush=True)
        return result

    step("migrate", lambda: call_command("migrate", verbosity=0))
    scale = step("seed_units_users", lambda: seed_scale(units=args.units, users=args.users))
    editor = Membership.objects.filter(unit=scale.root, role=Role.EDITOR).select_related("user").first()
    assert editor is not None
    form = Form.objects.get(code="reception")
    due = [("next_month_day", 20), ("next_month_day", 15), ("next_month_day", 10), ("next_month_day", 5)]
    levels = [{"due": {"kind": kind, "n": n}} for kind, n in due] + [
        {"due": {"kind": "event_workdays", "n": 10}}
    ]
    coll = collection_create(
        by=editor.user,
        form=form,
        root_unit=scale.root,
        period_kind="monthly",
        period="2026-03",
        levels=levels,
    )
    seeded = step("seed_collection", lambda: seed_collection(coll, rows_per_unit=args.rows))
    analyze = "VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE"
    with connection.cursor() as cur:
        step("analyze", lambda: cur.execute(analyze))
    root_children = Return.objects.filter(collection=coll, parent_unit=scale.root).count()
    cast = {
        "username": editor.user.username,
        "collection": coll.pk,
        "root": scale.root.pk,
        "form": form.pk,
        "returns": seeded.returns,
        "rows": seeded.rows,
        "root_children": root_children,
        "took": took,
    }
    Path(args.cast).write_text(json.dumps(cast, ensure_ascii=False), encoding="utf-8")


# ---- this process: HTTP --------------------------------------------------------------------------------


def session(host: str, username: str) -> Any:
    import requests

    s = requests.Session()
    page = s.get(f"{host}/accounts/login", timeout=60)
    token = CSRF.search(page.text)
    r = s.post(
        f"{host}/accounts/login",
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        },
        allow_redirects=False,
        timeout=60,
    )
    if r.status_code != 302 or "/accounts/" in r.headers.get("Location", ""):
        raise RuntimeError(f"login of {username} failed: {r.status_code} {r.headers.get('Location')}")
    return s


def get(s: Any, url: str) -> tuple[float, int, int]:
    start = time.perf_counter()
    r = s.get(url, timeout=600, allow_redirects=False)
    size = len(r.content)
    return (time.perf_counter() - start) * 1000, r.status_code, size


def pct(samples: list[float], q: float) -> float:
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1) if ordered else 0.0


def summary(
    name: str, users: int, samples: list[float], errors: int, seconds: float, size: int = 0
) -> dict[str, Any]:
    return {
        "page": name,
        "users": users,
        "requests": len(samples),
        "rps": round(len(samples) / seconds, 2) if seconds else 0,
        "p50_ms": pct(samples, 0.5),
        "p95_ms": pct(samples, 0.95),
        "max_ms": round(max(samples), 1) if samples else 0,
        "errors": errors,
        "bytes": size,
    }


def sequential(s: Any, name: str, url: str, runs: int, warmup: int = 5) -> dict[str, Any]:
    for _ in range(warmup):
        get(s, url)
    samples, errors, size = [], 0, 0
    started = time.perf_counter()
    for _ in range(runs):
        ms, status, size = get(s, url)
        samples.append(ms)
        errors += status != 200
    return summary(name, 1, samples, errors, time.perf_counter() - started, size)


def concurrent(sessions: list[Any], name: str, url: str, seconds: float, warmup: float) -> dict[str, Any]:
    samples: list[float] = []
    errors = [0]
    state = {"on": False, "stop": False}
    lock = threading.Lock()

    def work(s: Any) -> None:
        while not state["stop"]:
            ms, status, _ = get(s, url)
            if state["on"]:
                with lock:
                    samples.append(ms)
                    errors[0] += status != 200

    threads = [threading.Thread(target=work, args=(s,)) for s in sessions]
    for t in threads:
        t.start()
    time.sleep(warmup)
    state["on"] = True
    started = time.perf_counter()
    time.sleep(seconds)
    state["on"] = False
    took = time.perf_counter() - started
    state["stop"] = True
    for t in threads:
        t.join()
    return summary(name, len(sessions), samples, errors[0], took)


def worker_peak_kb(master: int) -> int:
    """The largest VmHWM (peak resident memory) among gunicorn's workers."""
    peak = 0
    for task in Path(f"/proc/{master}/task").glob("*/children"):
        for pid in task.read_text().split():
            status = Path(f"/proc/{pid}/status")
            if status.exists():
                for line in status.read_text().splitlines():
                    if line.startswith("VmHWM:"):
                        peak = max(peak, int(line.split()[1]))
    return peak


def measure(
    host: str, cast: dict[str, Any], args: argparse.Namespace, cache: Path, master: int, load_run: Any
) -> dict[str, Any]:
    editor = session(host, cast["username"])
    coll, root, form = cast["collection"], cast["root"], cast["form"]
    pages = {
        "floor": f"{host}/bench/floor/",
        "汇总状态页": f"{host}/datareports/c/{coll}/",
        "报表统计页": f"{host}/datareports/forms/{form}/dashboard",
    }
    rows: list[dict[str, Any]] = []
    for users in (1, 16):
        log(f"pages at c={users}")
        sessions = [editor] if users == 1 else [session(host, cast["username"]) for _ in range(users)]
        for name in ["floor", *[p for p in pages if p != "floor"], "floor"]:
            if users == 1:
                row = sequential(editor, name, pages[name], args.runs)
            else:
                row = concurrent(sessions, name, pages[name], args.duration, args.warmup)
            log(f"   {name} c={users}: {row['rps']} req/s, p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms")
            rows.append(row)
    files = []
    base = f"{host}/datareports/c/{coll}/u/{root}"
    for fmt in ("xlsx", "pdf", "docx"):
        url = f"{base}/rollup.{fmt}"
        cold = []
        for _ in range(args.cold):
            for old in cache.glob(f"*.{fmt}.sm4"):  # this format's files only: the others stay warm
                old.unlink()
            ms, status, size = get(editor, url)
            assert status == 200, (fmt, status)
            cold.append(ms)
            log(f"   {fmt} cold: {ms / 1000:.2f} s, {size} bytes")
        warm = sequential(editor, f"{fmt} warm", url, max(3, args.runs // 10), warmup=0)
        files.append(
            {"format": fmt, "cold_s": [round(ms / 1000, 2) for ms in cold], "bytes": size, "warm": warm}
        )
        log(f"   {fmt} warm: p50 {warm['p50_ms']} ms, p95 {warm['p95_ms']} ms")
    package = sequential(editor, "package.zip", f"{base}/v/1/package.zip", 3, warmup=0)
    log(f"   package.zip (documents cached): p50 {package['p50_ms']} ms, {package['bytes']} bytes")
    return {
        "pages": load_run.table(rows),
        "files": files,
        "package": package,
        "worker_peak_mb": worker_peak_kb(master) // 1024,
    }


def run_vendor(
    vendor: str, args: argparse.Namespace, env: dict[str, str], data: Path, load_run: Any
) -> dict[str, Any]:
    host = f"http://127.0.0.1:{args.port}"
    cache = data / "documents"
    env = dict(load_run.stack_env(env, data, host), BAOSONG_DOCUMENT_CACHE_DIR=str(cache))
    load_run._keys(data)
    cast_file = data / "cast.json"
    log(f"{vendor}: {args.units} units, {args.users} users, {args.rows} rows a unit")
    cmd = [PY, __file__, "--prepare", "--cast", str(cast_file), "--units", str(args.units)]
    cmd += ["--users", str(args.users), "--rows", str(args.rows)]
    subprocess.run(cmd, env=env, cwd=ROOT, check=True)
    cast = json.loads(cast_file.read_text(encoding="utf-8"))
    subprocess.run([PY, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=ROOT, check=True)
    load_start = os.getloadavg()
    with load_run.stack(env, data, args.port) as server:
        measured = measure(host, cast, args, cache, server.pid, load_run)
    return {
        "vendor": vendor,
        "commit": load_run._commit(),
        "cpus": os.cpu_count(),
        "gunicorn": "2 workers × 4 threads",
        "data": {k: cast[k] for k in ("returns", "rows", "root_children", "took")},
        "load_start": [round(x, 2) for x in load_start],
        "load_end": [round(x, 2) for x in os.getloadavg()],
        **measured,
    }


def markdown(r: dict[str, Any]) -> str:
    d = r["data"]
    lines = [
        f"### {r['vendor']}: {d['returns']} returns, {d['rows']} rows (commit {r['commit']},"
        f" load {r['load_start']} → {r['load_end']}, seeding {d['took']})",
        "",
        "| page | c | req/s | p50 ms | p95 ms | ÷ floor | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for p in r["pages"]:
        lines.append(
            f"| {p['page']} | {p['users']} | {p['rps']} | {p['p50_ms']} | {p['p95_ms']} | {p['ratio']}"
            f" | {p['errors']} |"
        )
    lines += ["", "| file | cold s | bytes | warm p50 ms | warm p95 ms |", "|---|---|---:|---:|---:|"]
    for f in r["files"]:
        lines.append(
            f"| {f['format']} | {' / '.join(str(s) for s in f['cold_s'])} | {f['bytes']}"
            f" | {f['warm']['p50_ms']} | {f['warm']['p95_ms']} |"
        )
    p = r["package"]
    lines.append(f"| package.zip (documents cached) | — | {p['bytes']} | {p['p50_ms']} | {p['p95_ms']} |")
    lines.append(f"\ngunicorn worker peak memory: {r['worker_peak_mb']} MB")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--units", type=int, default=30_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--rows", type=int, default=5, help="rows each unit returns")
    parser.add_argument("--runs", type=int, default=100, help="requests per page at c=1")
    parser.add_argument("--duration", type=float, default=15, help="seconds per page at c=16")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--cold", type=int, default=3, help="cold renders of each file")
    parser.add_argument("--pg-db", default="baosong_bench_dr")
    parser.add_argument("--port", type=int, default=8901)
    parser.add_argument("--keep", action="store_true", help="keep the data directory / database")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--cast", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        sys.path.insert(0, str(ROOT))
        prepare(args)
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    load_run = _load_run()
    url = os.environ.get("DATABASE_URL", "")
    vendors = [args.only] if args.only else ["sqlite"] + (["postgresql"] if url else [])
    for vendor in vendors:
        data = Path(tempfile.mkdtemp(prefix="baosong-dr-"))
        env = dict(os.environ)
        if vendor == "postgresql":
            if not url or "bench" not in args.pg_db:
                log("postgresql: DATABASE_URL is not set, or --pg-db does not hold 'bench'")
                return 2
            load_run._pg(url, "dropdb", "--if-exists", args.pg_db)
            load_run._pg(url, "createdb", args.pg_db)
            env["DATABASE_URL"] = urlunsplit(urlsplit(url)._replace(path="/" + args.pg_db))
        else:
            env.pop("DATABASE_URL", None)
        try:
            result = run_vendor(vendor, args, env, data, load_run)
        finally:
            if not args.keep:
                shutil.rmtree(data, ignore_errors=True)
                if vendor == "postgresql":
                    load_run._pg(url, "dropdb", "--if-exists", args.pg_db)
        out = BENCH_DIR / f"results-datareports-{vendor}.json"
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        print(markdown(result), flush=True)
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
