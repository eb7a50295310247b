"""Baosong benchmarks at a year's volume of items: the editor inbox and the reporter's list.

    .venv/bin/python bench/bench_reports.py                  # seed_scale + 500,000 items
    .venv/bin/python bench/bench_reports.py --items 20000    # a smoke run

Runs on SQLite and, when DATABASE_URL is set, on PostgreSQL too.

Generates the province of ``seed_scale`` (30,000 units, 50,000 users) and ``--items`` items over ``--days``
days with ``baosong.demo.scale_items.seed_items``, then times, for the editor of the busiest county office
and a reporter of the busiest township: ``selectors.inbox`` and ``selectors.my_reports`` (first page of
30 rows fetched, and the count), the pages /inbox/ and /reports/ and the API /api/v1/inbox and
/api/v1/reports through Django's test client with a logged-in session.

Like bench/run.py every database is a throwaway one in its own child process: SQLite in a temporary
BAOSONG_DATA_DIR (or --data-dir), PostgreSQL in a database created on the server DATABASE_URL names
(default ``baosong_bench_items``, dropped before and after unless --keep). --reuse measures a database
kept by an earlier --keep run without generating again. Results: a Markdown table on stdout and
bench/reports-<vendor>.json (timings, sizes, the SQL of each page with its time, query plans).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from run import Bench, _git_commit, _pg_command, _pg_env, _with_database, markdown

BENCH_DIR = Path(__file__).resolve().parent
ROOT_DIR = BENCH_DIR.parent
SCALE_PASSWORD = "Scale#2026pw"  # the one password of every seed_scale account (baosong/demo/scale.py)
PAGE = 30  # rows per page on /inbox/ and /reports/


# --------------------------------------------------------------------------------------------- parent


def _run_child(vendor: str, env: dict[str, str], args: argparse.Namespace) -> dict[str, Any] | None:
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", vendor, "--runs", str(args.runs)]
    for option in ("units", "users", "items", "days", "seed"):
        cmd += [f"--{option}", str(getattr(args, option))]
    cmd += ["--reuse"] if args.reuse else []
    what = "existing data" if args.reuse else f"{args.units} units, {args.users} users, {args.items} items"
    print(f"== {vendor}: {what}", file=sys.stderr, flush=True)
    out = BENCH_DIR / f"reports-{vendor}.json"
    out.unlink(missing_ok=True)
    proc = subprocess.run(cmd, env=env, cwd=ROOT_DIR)
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

    if "sqlite" in args.only:
        data_dir = args.data_dir or tempfile.mkdtemp(prefix="baosong-bench-items-")
        if args.reuse and not (Path(data_dir) / "baosong.sqlite3").exists():
            print(f"== sqlite: nothing to reuse in {data_dir}", file=sys.stderr)
            return 2
        env = dict(base_env, BAOSONG_DATA_DIR=data_dir)
        env.pop("DATABASE_URL", None)
        try:
            r = _run_child("sqlite", env, args)
        finally:
            if args.keep or args.data_dir:
                print(f"== sqlite database kept in {data_dir}", file=sys.stderr)
            else:
                shutil.rmtree(data_dir, ignore_errors=True)
        failed |= r is None
        results += [r] if r else []

    url = os.environ.get("DATABASE_URL", "")
    if "postgresql" in args.only and url:
        named = unquote(urlsplit(url).path.lstrip("/"))
        if named == args.pg_db and "bench" not in named:
            print(f"== refusing to drop {named}, the database DATABASE_URL names", file=sys.stderr)
            return 2
        pg_env = _pg_env(url)
        if not args.reuse:
            subprocess.run(_pg_command(url, "dropdb", "--if-exists", args.pg_db), env=pg_env, check=True)
            subprocess.run(_pg_command(url, "createdb", args.pg_db), env=pg_env, check=True)
        try:
            r = _run_child("postgresql", dict(base_env, DATABASE_URL=_with_database(url, args.pg_db)), args)
        finally:
            if args.keep:
                print(f"== postgresql database {args.pg_db} kept", file=sys.stderr)
            else:
                subprocess.run(_pg_command(url, "dropdb", "--if-exists", args.pg_db), env=pg_env)
        failed |= r is None
        results += [r] if r else []
    elif "postgresql" in args.only:
        print("== postgresql skipped: DATABASE_URL is not set", file=sys.stderr)

    if results:
        print(markdown(results))
    return 1 if failed or any(r["problems"] for r in results) else 0


# ---------------------------------------------------------------------------------------------- child


def main_child(vendor: str, args: argparse.Namespace) -> int:
    sys.path.insert(0, str(ROOT_DIR))
    import django

    django.setup()
    from django.conf import settings

    settings.DEBUG = False  # the query log of DEBUG would be timed too (see bench/run.py)

    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from baosong.demo.scale import seed_scale
    from baosong.demo.scale_items import seed_items
    from baosong.orgs.models import Membership, Role, Unit, User
    from baosong.reports import selectors
    from baosong.reports.models import Report, ReviewAction, Revision, Submission

    b = Bench(vendor)
    with connection.cursor() as cur:
        cur.execute("select sqlite_version()" if vendor == "sqlite" else "show server_version")
        version = cur.fetchone()[0]
    b.notes["database"] = f"{'SQLite' if vendor == 'sqlite' else 'PostgreSQL'} {version.split()[0]}"
    b.notes["load_average_1min"] = [os.getloadavg()[0]]
    b.notes["commit"] = _git_commit()

    if not args.reuse:
        b.timed("migrate", "migrate (empty database)", lambda: call_command("migrate", verbosity=0))
        scale = b.timed(
            "seed_scale",
            f"seed_scale({args.units:,} units, {args.users:,} users)",
            lambda: seed_scale(units=args.units, users=args.users, seed=args.seed),
        )
        generated = b.timed(
            "seed_items",
            f"seed_items({args.items:,} items over {args.days} days)",
            lambda: seed_items(root=scale.root, items=args.items, days=args.days, seed=args.seed),
        )
        b.notes["generated"] = vars(generated)
        # Statistics, and on PostgreSQL the visibility map, as a settled system has them: autovacuum
        # analyses and vacuums a table within minutes of a bulk insert; SQLite never analyses by itself.
        statement = "ANALYZE" if vendor == "sqlite" else "VACUUM ANALYZE"

        def analyze() -> None:
            with connection.cursor() as cur:
                cur.execute(statement)

        b.timed("analyze", statement, analyze)

    # Whom to time: the editor of the county office receiving the most, a reporter of the busiest township,
    # and (the largest inbox of all) an editor of the province office.
    county_id, county_n = (
        Submission.objects.filter(is_active=True, target_unit__level="county", target_unit__kind="government")
        .values_list("target_unit")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    ) or (None, 0)
    town_id, town_n = (
        Report.objects.filter(source_unit__level="township")
        .values_list("source_unit")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    ) or (None, 0)
    province = Unit.objects.filter(level="province", parent=None).order_by("pk").first()

    def member(unit_id: int | None, role: str) -> User | None:
        m = Membership.objects.filter(unit_id=unit_id, role=role).order_by("user_id").first()
        return m.user if m else None

    editor = member(county_id, Role.EDITOR)
    reporter = member(town_id, Role.REPORTER)
    top_editor = member(province.pk if province else None, Role.EDITOR)
    if editor is None or reporter is None or top_editor is None:
        b.check(False, "no county editor, township reporter or province editor to time")
        return _write(b, vendor, args)
    User.objects.filter(pk__in=[editor.pk, reporter.pk, top_editor.pk]).update(must_change_password=False)
    top_n = Submission.objects.filter(is_active=True, target_unit=province).count()
    b.notes["sizes"] = {
        "items": Report.objects.count(),
        "submissions": Submission.objects.count(),
        "revisions": Revision.objects.count(),
        "review_actions": ReviewAction.objects.count(),
        "units": Unit.objects.count(),
        "users": User.objects.count(),
        "busiest_county_inbox": county_n,
        "busiest_township_items": town_n,
        "province_inbox": top_n,
    }
    b.notes["who"] = {
        "county": Unit.objects.get(pk=county_id).name,
        "county_editor": editor.username,
        "township": Unit.objects.get(pk=town_id).name,
        "township_reporter": reporter.username,
        "province_editor": top_editor.username,
    }
    with connection.cursor() as cur:
        if vendor == "sqlite":
            cur.execute("select page_count * page_size from pragma_page_count(), pragma_page_size()")
        else:
            cur.execute("select pg_database_size(current_database())")
        b.notes["database_bytes"] = cur.fetchone()[0]

    def client_for(user: User) -> Client:
        client = Client(HTTP_HOST="localhost")
        response = client.post("/accounts/login", {"username": user.username, "password": SCALE_PASSWORD})
        b.check(response.status_code == 302, f"login of {user.username}: {response.status_code}")
        return client

    editor_client, reporter_client, top_client = (
        client_for(editor),
        client_for(reporter),
        client_for(top_editor),
    )

    def page(client: Client, url: str, expect: str) -> None:
        response = client.get(url)
        if response.status_code != 200 or expect not in response.content.decode():
            raise AssertionError(f"GET {url}: {response.status_code}, {expect!r} not in the page")

    def api(client: Client, url: str, count: int) -> None:
        response = client.get(url)
        if response.status_code != 200 or response.json()["count"] != count:
            raise AssertionError(f"GET {url}: {response.status_code} {response.content[:200]!r}")

    inbox_n = selectors.inbox(editor).count()
    mine_n = selectors.my_reports(reporter).count()
    top_inbox_n = selectors.inbox(top_editor).count()
    county, town, top = "county editor", "township reporter", "province editor"
    cases: list[tuple[str, str, Any]] = [
        (
            "inbox_page",
            f"selectors.inbox({county}), first {PAGE} rows",
            lambda: list(selectors.inbox(editor)[:PAGE]),
        ),
        ("inbox_count", f"selectors.inbox({county}).count()", lambda: selectors.inbox(editor).count()),
        (
            "mine_page",
            f"selectors.my_reports({town}), first {PAGE} rows",
            lambda: list(selectors.my_reports(reporter)[:PAGE]),
        ),
        (
            "mine_count",
            f"selectors.my_reports({town}).count()",
            lambda: selectors.my_reports(reporter).count(),
        ),
        ("get_inbox", f"GET /inbox/ ({county})", lambda: page(editor_client, "/inbox/", f"共 {inbox_n} 条")),
        (
            "get_reports",
            f"GET /reports/ ({town})",
            lambda: page(reporter_client, "/reports/", f"共 {mine_n} 条"),
        ),
        (
            "api_inbox",
            f"GET /api/v1/inbox?page_size={PAGE} ({county})",
            lambda: api(editor_client, f"/api/v1/inbox?page_size={PAGE}", inbox_n),
        ),
        (
            "api_reports",
            f"GET /api/v1/reports?page_size={PAGE} ({town})",
            lambda: api(reporter_client, f"/api/v1/reports?page_size={PAGE}", mine_n),
        ),
        (
            "top_inbox_page",
            f"selectors.inbox({top}), first {PAGE} rows",
            lambda: list(selectors.inbox(top_editor)[:PAGE]),
        ),
        ("top_inbox_count", f"selectors.inbox({top}).count()", lambda: selectors.inbox(top_editor).count()),
        (
            "top_get_inbox",
            f"GET /inbox/ ({top})",
            lambda: page(top_client, "/inbox/", f"共 {top_inbox_n} 条"),
        ),
    ]

    # The SQL each case sends, with its time, and the plan of every statement on items or submissions.
    b.notes["queries"] = {}
    b.notes["plans"] = {}
    for key, _label, fn in cases:
        with CaptureQueriesContext(connection) as ctx:
            fn()
        b.notes["queries"][key] = [{"ms": round(float(q["time"]) * 1000, 2), "sql": q["sql"]} for q in ctx]
        if key.startswith(("inbox", "mine", "top_inbox")):
            b.notes["plans"][key] = [
                _plan(connection, vendor, q["sql"]) for q in ctx if "reports_" in q["sql"]
            ]

    for key, label, fn in cases:
        b.latency(key, f"{label}, p50 / p95 of {args.runs}", lambda i, fn=fn: fn(), args.runs)
    return _write(b, vendor, args)


def _plan(connection: Any, vendor: str, sql: str) -> dict[str, Any]:
    prefix = "EXPLAIN QUERY PLAN " if vendor == "sqlite" else "EXPLAIN (ANALYZE, BUFFERS) "
    with connection.cursor() as cur:
        cur.execute(prefix + sql)
        rows = cur.fetchall()
    lines = [r[-1] for r in rows] if vendor == "sqlite" else [r[0] for r in rows]
    return {"sql": sql, "plan": lines}


def _write(b: Bench, vendor: str, args: argparse.Namespace) -> int:
    b.notes["load_average_1min"].append(os.getloadavg()[0])
    result = {
        "vendor": vendor,
        "database": b.notes["database"],
        "python": platform.python_version(),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform()},
        "sizes": b.notes.get("sizes", {}),
        "notes": b.notes,
        "measures": b.measures,
        "problems": b.problems,
    }
    (BENCH_DIR / f"reports-{vendor}.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--items", type=int, default=500_000, help="items to generate (default 500,000)")
    parser.add_argument("--days", type=int, default=365, help="the items are spread over the last N days")
    parser.add_argument("--units", type=int, default=30_000)
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--runs", type=int, default=200, help="timed runs per case (after 5 warm-up runs)")
    parser.add_argument(
        "--only", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"]
    )
    parser.add_argument(
        "--pg-db", default="baosong_bench_items", help="database created (and dropped) for the run"
    )
    parser.add_argument(
        "--data-dir", help="SQLite: use (and keep) this BAOSONG_DATA_DIR instead of a temporary one"
    )
    parser.add_argument("--keep", action="store_true", help="keep the throwaway databases")
    parser.add_argument("--reuse", action="store_true", help="measure a kept database without generating")
    parser.add_argument("--child", choices=["sqlite", "postgresql"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return main_child(args.child, args)
    return main_parent(args)


if __name__ == "__main__":
    sys.exit(main())
