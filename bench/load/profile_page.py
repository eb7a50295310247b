"""Where one page's time goes, on the database a load run kept: its SQL (count, time, the slowest
statements with their plans) and a cProfile of the request, through Django's test client in-process.

    BAOSONG_DATA_DIR=/tmp/bs-load-50k .venv/bin/python bench/load/profile_page.py 统计（年）
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/baosong_bench_load BAOSONG_DATA_DIR=/tmp/x \\
        .venv/bin/python bench/load/profile_page.py 检索 常见词 --runs 20

The page names and the cast are those of bench/load/pages.py and the data directory's cast.json.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import sys
import time
from pathlib import Path

LOAD_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(LOAD_DIR.parent.parent))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("page", nargs="+", help="a page name of pages.PAGES (words joined by spaces)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    data = Path(os.environ["BAOSONG_DATA_DIR"])
    cast_file = data / "cast.json" if (data / "cast.json").exists() else data / "pg" / "cast.json"
    os.environ["LOAD_CAST"] = str(cast_file)
    os.environ.setdefault("BAOSONG_DEBUG", "1")
    os.environ.setdefault("BAOSONG_ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    settings.DEBUG = False
    sys.path.insert(0, str(LOAD_DIR))
    from pages import PAGES, page_path

    name = " ".join(args.page)
    who, _ = PAGES[name]
    path = page_path(name)
    cast = json.loads(cast_file.read_text(encoding="utf-8"))
    client = Client()
    if who:
        from baosong.orgs.models import User

        client.force_login(User.objects.get(username=cast["users"][who]))
    client.get(path)  # warm: templates, the first connection
    timings = []
    for _ in range(args.runs):
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    print(f"{name} {path}: HTTP {response.status_code}, {len(response.content)} bytes")
    print(f"  median {timings[len(timings) // 2]:.1f} ms, max {timings[-1]:.1f} ms over {args.runs} runs")

    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        client.get(path)
        total = (time.perf_counter() - start) * 1000
    sql_ms = sum(float(q["time"]) for q in ctx.captured_queries) * 1000
    print(f"  {len(ctx.captured_queries)} queries, {sql_ms:.1f} ms of {total:.1f} ms in SQL")
    slow = sorted(ctx.captured_queries, key=lambda q: -float(q["time"]))[:5]
    for q in slow:
        print(f"\n  {float(q['time']) * 1000:.1f} ms: {q['sql'][:600]}")
        if q["sql"].lstrip().upper().startswith("SELECT"):
            explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN ANALYZE "
            try:
                with connection.cursor() as cur:
                    cur.execute(explain + q["sql"])
                    for row in cur.fetchall():
                        print("     ", " ".join(str(c) for c in row))
            except Exception as exc:  # a statement whose parameters were inlined lossily
                print(f"      (no plan: {exc})")

    profile = cProfile.Profile()
    profile.enable()
    for _ in range(3):
        client.get(path)
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("cumulative").print_stats(r"baosong|django/(shortcuts|template/loader)", args.top)
    stats.sort_stats("tottime").print_stats(args.top)
    print(out.getvalue())


if __name__ == "__main__":
    main()
