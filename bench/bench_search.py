"""Search benchmark: build the index for every item (reindex) and the search p95 as a provincial editor,
for a common two-character word, a rare word and a quoted phrase, on the seed_scale province.

    .venv/bin/python bench/bench_search.py --items 50000
    .venv/bin/python bench/bench_search.py --items 500000

Runs in a throwaway SQLite database (temporary BAOSONG_DATA_DIR); with DATABASE_URL it uses that
PostgreSQL database (it must be empty). With an existing BAOSONG_DATA_DIR / DATABASE_URL that already
holds at least ``--items`` items (seeded earlier by ``manage.py seed_scale``), seeding is skipped.
Results: a Markdown table on stdout and bench/search-<vendor>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
from bench.timing import timed  # noqa: E402

QUERIES = [
    ("常见词", "防汛"),
    ("常见词（按日期）", "安全生产"),
    ("少见词", "渗漏"),
    ("短语", '"防汛应急演练"'),
    ("两词同现", "燃气 报警器"),
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=30_000)
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--skip-reindex", action="store_true", help="keep the index already built")
    args = parser.parse_args()
    os.environ.setdefault("BAOSONG_DATA_DIR", tempfile.mkdtemp(prefix="baosong-bench-search-"))
    os.environ.setdefault("BAOSONG_DEBUG", "1")
    os.environ.setdefault("BAOSONG_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from baosong.demo.scale import seed_scale
    from baosong.demo.scale_items import seed_items
    from baosong.orgs.models import Membership, Role, Unit
    from baosong.reports.models import Report
    from baosong.search import indexer
    from baosong.search.models import SearchDocument
    from baosong.search.selectors import SearchParams, search

    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    existing = Report.objects.count()
    if existing >= args.items:
        print(f"== {vendor}: reusing {existing} items", file=sys.stderr)
        root = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
    else:
        print(
            f"== {vendor}: seeding {args.units} units, {args.users} users, {args.items} items",
            file=sys.stderr,
        )
        scale = seed_scale(units=args.units, users=args.users)
        seed_items(root=scale.root, items=args.items, days=365)
        root = scale.root
    items = Report.objects.count()
    result: dict[str, Any] = {"vendor": vendor, "items": items}

    if not args.skip_reindex:
        started = time.perf_counter()

        def progress(kind: str, done: int) -> None:
            if done % 50_000 < indexer.BATCH:
                print(f"  {kind} {done}: {time.perf_counter() - started:.0f} s", file=sys.stderr)

        counts = indexer.reindex(progress=progress)
        result["reindex_s"] = round(time.perf_counter() - started, 1)
        result["documents"] = counts
        print(f"reindex: {result['reindex_s']} s {counts}", file=sys.stderr)
    if vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("ANALYZE search_searchdocument")
            cur.execute("ANALYZE search_searchscope")
            cur.execute(
                "SELECT pg_total_relation_size('search_searchdocument')"
                " + pg_total_relation_size('search_searchscope')"
            )
            result["index_mb"] = round(cur.fetchone()[0] / 2**20)
    else:
        with connection.cursor() as cur:
            cur.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search_%'")
            size = cur.fetchone()[0]
            result["index_mb"] = round((size or 0) / 2**20)

    editor = Membership.objects.filter(unit=root, role=Role.EDITOR).select_related("user").first().user
    client = Client()
    client.force_login(editor)
    result["queries"] = []
    for label, q in QUERIES:
        sort = "date" if "按日期" in label else "relevance"
        params = SearchParams(q=q, sort=sort)
        found = search(editor, params)
        row = {
            "label": label,
            "q": q,
            "sort": sort,
            "matches": found.count,
            "selector": timed(lambda p=params: search(editor, p), args.runs),
            "page": timed(
                lambda q=q, s=sort: client.get("/search/", {"q": q, "sort": s}), max(10, args.runs // 4)
            ),
        }
        result["queries"].append(row)
        print(f"{label} {q}: {found.count} hits, {row['selector']}, page {row['page']}", file=sys.stderr)
    result["documents_total"] = SearchDocument.objects.count()

    out = BENCH_DIR / f"search-{vendor}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=2))
    print("\n| 查询 | 检索词 | 排序 | 命中条数 | 检索 p50 (ms) | 检索 p95 (ms) | 页面 p95 (ms) |")
    print("|---|---|---|---:|---:|---:|---:|")
    for r in result["queries"]:
        print(
            f"| {r['label']} | `{r['q']}` | {'日期' if r['sort'] == 'date' else '相关度'} | {r['matches']} "
            f"| {r['selector']['median_ms']} | {r['selector']['p95_ms']} | {r['page']['p95_ms']} |"
        )
    if "reindex_s" in result:
        print(
            f"\n重建索引（reindex）：{result['reindex_s']} 秒，{result['documents']}，"
            f"索引占用约 {result['index_mb']} MB"
        )


if __name__ == "__main__":
    main()
