"""Baosong benchmarks: province-scale seeding, unit and user imports, subtree queries.

    .venv/bin/python bench/run.py            # 30,000 units / 50,000 users (make bench)
    .venv/bin/python bench/run.py --quick    # 3,000 units / 5,000 users, a smoke run

Runs on the embedded SQLite and, when DATABASE_URL is set, on PostgreSQL. Each run works on its own
throwaway database: SQLite in a temporary BAOSONG_DATA_DIR; PostgreSQL in a database created for the
run (default ``baosong_bench``, dropped first and after) on the server DATABASE_URL names; the database
DATABASE_URL itself names is not used, and the run refuses to drop it unless its name holds "bench".
Results are printed as a Markdown table and written to bench/results-<vendor>.json.

Every database runs in its own child process, because Django's settings are fixed at start-up.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT_DIR = BENCH_DIR.parent
FULL = {"units": 30_000, "users": 50_000}
QUICK = {"units": 3_000, "users": 5_000}
DEFAULT_PASSWORD = "Bench#2026pass"  # the shared first-login password of the user import
FALLBACK_USERS = 5_000  # if the full seed fails, a smaller one still gives the query figures a tree


# --------------------------------------------------------------------------------------------- parent


def _pg_command(url: str, tool: str, *args: str) -> list[str]:
    parts = urlsplit(url)
    cmd = [
        tool,
        "-h",
        parts.hostname or "127.0.0.1",
        "-p",
        str(parts.port or 5432),
        "-U",
        unquote(parts.username or "postgres"),
    ]
    return cmd + list(args)


def _pg_env(url: str) -> dict[str, str]:
    env = dict(os.environ)
    password = urlsplit(url).password
    if password:
        env["PGPASSWORD"] = unquote(password)
    return env


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _run_child(vendor: str, env: dict[str, str], args: argparse.Namespace) -> dict[str, Any] | None:
    cmd = [
        sys.executable,
        str(Path(__file__).resolve()),
        "--child",
        vendor,
        "--runs",
        str(args.runs),
        "--units",
        str(args.units),
        "--users",
        str(args.users),
    ]
    print(f"== {vendor}: {args.units} units, {args.users} users", file=sys.stderr, flush=True)
    proc = subprocess.run(cmd, env=env, cwd=ROOT_DIR)
    out = BENCH_DIR / f"results-{vendor}.json"
    if proc.returncode != 0 or not out.exists():
        print(f"== {vendor}: failed (exit {proc.returncode})", file=sys.stderr)
        return None
    return json.loads(out.read_text(encoding="utf-8"))


def main_parent(args: argparse.Namespace) -> int:
    base_env = dict(os.environ)
    base_env.update(
        {"DJANGO_SETTINGS_MODULE": "config.settings", "BAOSONG_DEBUG": "1", "PYTHONUNBUFFERED": "1"}
    )
    base_env.pop("BAOSONG_TESTING", None)
    results: list[dict[str, Any]] = []
    failed = False
    for stale in BENCH_DIR.glob("results-*.json"):
        stale.unlink()

    if "sqlite" in args.only:
        data_dir = tempfile.mkdtemp(prefix="baosong-bench-")
        env = dict(base_env, BAOSONG_DATA_DIR=data_dir)
        env.pop("DATABASE_URL", None)
        try:
            r = _run_child("sqlite", env, args)
        finally:
            if not args.keep:
                shutil.rmtree(data_dir, ignore_errors=True)
            else:
                print(f"== sqlite database kept in {data_dir}", file=sys.stderr)
        failed |= r is None
        results += [r] if r else []

    url = os.environ.get("DATABASE_URL", "")
    if "postgresql" in args.only and url:
        bench_url = _with_database(url, args.pg_db)
        named = unquote(urlsplit(url).path.lstrip("/"))
        if named == args.pg_db and "bench" not in named:
            print(
                f"== refusing to drop {named}, the database DATABASE_URL names; pass --pg-db", file=sys.stderr
            )
            return 2
        pg_env = _pg_env(url)
        subprocess.run(_pg_command(url, "dropdb", "--if-exists", args.pg_db), env=pg_env, check=True)
        subprocess.run(_pg_command(url, "createdb", args.pg_db), env=pg_env, check=True)
        try:
            r = _run_child("postgresql", dict(base_env, DATABASE_URL=bench_url), args)
        finally:
            if not args.keep:
                subprocess.run(_pg_command(url, "dropdb", "--if-exists", args.pg_db), env=pg_env)
            else:
                print(f"== postgresql database {args.pg_db} kept", file=sys.stderr)
        failed |= r is None
        results += [r] if r else []
    elif "postgresql" in args.only:
        print("== postgresql skipped: DATABASE_URL is not set", file=sys.stderr)

    if results:
        print(markdown(results))
    return 1 if failed or any(r["problems"] for r in results) else 0


def markdown(results: list[dict[str, Any]]) -> str:
    lines = [
        "| Measure | " + " | ".join(r["database"] for r in results) + " |",
        "|---|" + "---:|" * len(results),
    ]
    keys: list[str] = []
    labels: dict[str, str] = {}
    for r in results:
        for m in r["measures"]:
            if m["key"] not in labels:
                keys.append(m["key"])
                labels[m["key"]] = m["label"]
    for key in keys:
        cells = []
        for r in results:
            m = next((m for m in r["measures"] if m["key"] == key), None)
            cells.append(m["text"] if m else "—")
        lines.append(f"| {labels[key]} | " + " | ".join(cells) + " |")
    lines.append("")
    for r in results:
        sizes = ", ".join(f"{k.replace('_', ' ')} {v:,}" for k, v in r["sizes"].items())
        load = " → ".join(f"{x:.2f}" for x in r["notes"]["load_average_1min"])
        commit = r["notes"]["commit"]
        lines.append(f"{r['database']}: {sizes}; 1-minute load average {load} (start → end); commit {commit}")
        for p in r["problems"]:
            lines.append(f"PROBLEM ({r['database']}): {p}")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------- child


def _git_commit() -> str:
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT_DIR, capture_output=True, text=True).stdout.strip()

    changed = git("status", "--porcelain", "--untracked-files=no")
    return git("rev-parse", "--short", "HEAD") + (" with uncommitted changes" if changed else "")


def _seconds(s: float) -> str:
    return f"{s:.2f} s" if s < 10 else f"{s:.1f} s"


class Bench:
    def __init__(self, vendor: str) -> None:
        self.vendor = vendor
        self.measures: list[dict[str, Any]] = []
        self.problems: list[str] = []
        self.notes: dict[str, Any] = {}

    def check(self, ok: bool, message: str) -> None:
        if not ok:
            self.problems.append(message)
            print(f"   PROBLEM: {message}", file=sys.stderr, flush=True)

    def timed(self, key: str, label: str, fn: Callable[[], Any]) -> Any:
        started = time.perf_counter()
        value = fn()
        seconds = time.perf_counter() - started
        self.measures.append(
            {"key": key, "label": label, "seconds": round(seconds, 3), "text": _seconds(seconds)}
        )
        print(f"   {label}: {seconds:.2f} s", file=sys.stderr, flush=True)
        return value

    def attempt(self, key: str, label: str, fn: Callable[[], Any]) -> Any:
        """Like ``timed``, but a failure is a result too: recorded with its time and error, returns None."""
        started = time.perf_counter()
        try:
            return self.timed(key, label, fn)
        except Exception as exc:
            seconds = time.perf_counter() - started
            error = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            self.measures.append(
                {"key": key, "label": label, "seconds": round(seconds, 3), "error": error,
                 "text": f"fails after {_seconds(seconds)}: {error}"}
            )  # fmt: skip
            self.problems.append(f"{label}: {error}")
            print(f"   {label}: FAILED after {seconds:.2f} s: {error}", file=sys.stderr, flush=True)
            return None

    def latency(self, key: str, label: str, fn: Callable[[int], Any], runs: int) -> None:
        for i in range(5):  # warm-up: connection, statement and page caches
            fn(i)
        samples = []
        for i in range(runs):
            started = time.perf_counter()
            fn(i)
            samples.append((time.perf_counter() - started) * 1000)
        q = statistics.quantiles(samples, n=100, method="inclusive")
        p50, p95 = q[49], q[94]
        self.measures.append(
            {
                "key": key,
                "label": label,
                "runs": runs,
                "p50_ms": round(p50, 3),
                "p95_ms": round(p95, 3),
                "max_ms": round(max(samples), 3),
                "text": f"{p50:.2f} / {p95:.2f} ms",
            }
        )
        print(f"   {label}: p50 {p50:.2f} ms, p95 {p95:.2f} ms", file=sys.stderr, flush=True)


def main_child(vendor: str, args: argparse.Namespace) -> int:
    sys.path.insert(0, str(ROOT_DIR))
    import django

    django.setup()
    from django.conf import settings

    # BAOSONG_DEBUG=1 only spares the run any secrets; the query log DEBUG keeps would add its own
    # cost to every statement (on SQLite it re-quotes every bulk-insert parameter), so it goes off.
    settings.DEBUG = False

    from django.contrib.auth.hashers import make_password
    from django.core.management import call_command
    from django.db import connection, transaction
    from generators import UNIT_HEADER, USER_HEADER, spoil_unit_rows, to_csv, to_xlsx, unit_rows, user_rows

    from baosong.demo.scale import seed_scale
    from baosong.orgs.imports import ImportRefused, import_units, import_users
    from baosong.orgs.models import Membership, Role, Unit, User
    from baosong.orgs.selectors import units_visible_to
    from baosong.orgs.services import membership_add, unit_create, user_create

    b = Bench(vendor)
    with connection.cursor() as cur:
        cur.execute("select sqlite_version()" if vendor == "sqlite" else "show server_version")
        version = cur.fetchone()[0]
    b.notes["database"] = f"{'SQLite' if vendor == 'sqlite' else 'PostgreSQL'} {version.split()[0]}"
    n_units, n_users = args.units, args.users

    b.notes["load_average_1min"] = [os.getloadavg()[0]]
    b.notes["commit"] = _git_commit()
    b.timed("migrate", "migrate (empty database)", lambda: call_command("migrate", verbosity=0))
    # What one account's own 初始密码 costs, against the single hash of a shared password.
    b.timed(
        "password_hash",
        f"one password hash (PBKDF2-SM3, {settings.PASSWORD_ITERATIONS:,} iterations)",
        lambda: make_password(DEFAULT_PASSWORD),
    )

    # The importing administrator needs a unit to belong to, so the province root comes first and the
    # file holds the 30,000 units below it, parents named by code — as a province's own file would.
    root = unit_create(
        by=None, name="基准测试省人民政府办公厅", code="BENCH-P", level="province", parent=None
    )
    admin = user_create(
        by=None, username="bench-admin", full_name="基准管理员", primary_unit=root, password="Qz7#mKv2-wLp9"
    )
    membership_add(by=None, user=admin, unit=root, role=Role.SYSADMIN)

    started = time.perf_counter()
    rows = unit_rows(count=n_units, root_code=root.code, prefix="BU")
    files = {"csv": to_csv(UNIT_HEADER, rows), "xlsx": to_xlsx(UNIT_HEADER, rows)}
    bad_rows = [list(r) for r in rows]
    bad_numbers = spoil_unit_rows(bad_rows)
    bad_files = {"csv": to_csv(UNIT_HEADER, bad_rows), "xlsx": to_xlsx(UNIT_HEADER, bad_rows)}
    b.notes["unit_file_bytes"] = {k: len(v) for k, v in files.items()}
    b.notes["generate_unit_files_s"] = round(time.perf_counter() - started, 2)

    def drop_imported() -> None:
        # The two formats import the same codes, so the first import's units go before the second.
        # One statement: the self-referencing foreign key is deferred to commit in both databases.
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(
                f"DELETE FROM {Unit._meta.db_table} WHERE path LIKE %s AND id <> %s",
                [root.path + "%", root.pk],
            )

    for fmt in ("csv", "xlsx"):
        outcome = b.timed(
            f"import_units_{fmt}",
            f"import {n_units:,} units, {fmt.upper()}",
            lambda fmt=fmt: import_units(by=admin, data=files[fmt], filename=f"units.{fmt}", scope=[root]),
        )
        b.check(outcome.accepted and outcome.rows == n_units, f"{fmt} unit import created {outcome.rows}")
        subtree = Unit.objects.filter(path__startswith=root.path)
        b.check(subtree.count() == n_units + 1, f"{fmt} unit import: subtree has {subtree.count()} units")
        b.check(not subtree.filter(path="").exists(), f"{fmt} unit import left units without a path")
        deepest = subtree.order_by("-depth").values_list("depth", "path").first()
        b.check(
            deepest is not None and deepest[0] == 4 and deepest[1].count("/") == 6,
            f"{fmt} unit import: deepest unit {deepest}",
        )
        drop_imported()

    before = Unit.objects.count()
    for fmt in ("csv", "xlsx"):

        def refused(fmt: str = fmt) -> list[dict[str, Any]]:
            try:
                import_units(by=admin, data=bad_files[fmt], filename=f"units-bad.{fmt}", scope=[root])
            except ImportRefused as exc:
                return exc.errors
            return []

        errors = b.timed(
            f"refuse_units_{fmt}", f"refuse {n_units:,}-unit {fmt.upper()} with 5 bad rows", refused
        )
        b.check(
            [e["row"] for e in errors] == bad_numbers,
            f"{fmt} refusal reported rows {[e['row'] for e in errors]}, expected {bad_numbers}",
        )
        b.check(Unit.objects.count() == before, f"{fmt} refusal wrote units")

    scale = b.attempt(
        "seed_scale",
        f"seed_scale({n_units:,} units, {n_users:,} users)",
        lambda: seed_scale(units=n_units, users=n_users),
    )
    if scale is None:  # rolled back whole; seed fewer accounts so the query figures can still be taken
        scale = b.timed(
            "seed_scale_fallback",
            f"seed_scale({n_units:,} units, {min(n_users, FALLBACK_USERS):,} users) after that failure",
            lambda: seed_scale(units=n_units, users=min(n_users, FALLBACK_USERS)),
        )
    b.check(Unit.objects.filter(path__startswith=scale.root.path).count() == n_units, "seed_scale unit count")
    # Statistics as a settled system has them (PostgreSQL's autovacuum would gather them within minutes),
    # so the plans timed are not those of the minute after a bulk load.
    with connection.cursor() as cur:
        cur.execute("ANALYZE")

    province = scale.root
    counties = list(
        Unit.objects.filter(path__startswith=province.path, level="county", kind="government").order_by("pk")
    )
    editors = list(
        User.objects.filter(memberships__role=Role.EDITOR, memberships__unit__in=counties).order_by("pk")
    )
    b.check(bool(counties) and bool(editors), "seeded tree has no county editors")
    sizes = [Unit.objects.filter(path__startswith=c.path).count() for c in counties]
    b.notes["sizes"] = {
        "units_in_table": Unit.objects.count(),
        "province_subtree_units": Unit.objects.filter(path__startswith=province.path).count(),
        "counties": len(counties),
        "county_subtree_units_mean": round(sum(sizes) / len(sizes), 1) if sizes else 0,
        "users_in_table": User.objects.count(),
        "memberships_in_table": Membership.objects.count(),
    }
    county_sql = Unit.objects.filter(path__startswith=counties[0].path).values("pk")
    b.notes["plan_county_subtree"] = county_sql.explain()

    runs = args.runs
    b.latency(
        "q_county_count",
        f"county subtree count, p50 / p95 of {runs}",
        lambda i: Unit.objects.filter(path__startswith=counties[i % len(counties)].path).count(),
        runs,
    )
    b.latency(
        "q_county_rows",
        f"county subtree rows (id, name, path) fetched, p50 / p95 of {runs}",
        lambda i: list(
            Unit.objects.filter(path__startswith=counties[i % len(counties)].path).values_list(
                "pk", "name", "path"
            )
        ),
        runs,
    )
    b.latency(
        "q_visible_count",
        f"units_visible_to(county editor).count(), p50 / p95 of {runs}",
        lambda i: units_visible_to(editors[i % len(editors)]).count(),
        runs,
    )
    b.latency(
        "q_province_count",
        f"province subtree count, p50 / p95 of {runs}",
        lambda i: Unit.objects.filter(path__startswith=province.path).count(),
        runs,
    )

    unit_codes = list(
        Unit.objects.filter(path__startswith=province.path).order_by("pk").values_list("code", flat=True)
    )
    user_file = to_csv(USER_HEADER, user_rows(count=n_users, unit_codes=unit_codes, prefix="bu"))
    b.notes["user_file_bytes"] = len(user_file)
    users_before = User.objects.count()
    outcome = b.attempt(
        "import_users_csv",
        f"import {n_users:,} users, CSV, shared password",
        lambda: import_users(
            by=admin,
            data=user_file,
            filename="users.csv",
            scope=[province],
            default_password=DEFAULT_PASSWORD,
        ),
    )
    b.check(User.objects.count() == users_before + n_users, "user import count")
    b.check(
        Membership.objects.filter(user__username__startswith="bu", role=Role.REPORTER).count() == n_users,
        "user import memberships",
    )

    b.notes["load_average_1min"].append(os.getloadavg()[0])
    result = {
        "vendor": vendor,
        "database": b.notes["database"],
        "units": n_units,
        "users": n_users,
        "python": platform.python_version(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "sizes": b.notes["sizes"],
        "notes": b.notes,
        "measures": b.measures,
        "problems": b.problems,
    }
    (BENCH_DIR / f"results-{vendor}.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="3,000 units / 5,000 users")
    parser.add_argument("--units", type=int, help="units in the import file and in seed_scale")
    parser.add_argument("--users", type=int, help="users in seed_scale and in the user import")
    parser.add_argument("--runs", type=int, default=200, help="timed runs per query (after 5 warm-up runs)")
    parser.add_argument(
        "--only", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    parser.add_argument("--pg-db", default="baosong_bench", help="database created (and dropped) for the run")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway databases")
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    size = QUICK if args.quick else FULL
    args.units = args.units or size["units"]
    args.users = args.users or size["users"]
    if args.child:
        return main_child(args.child, args)
    return main_parent(args)


if __name__ == "__main__":
    sys.exit(main())
