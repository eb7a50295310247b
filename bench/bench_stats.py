"""Statistics benchmark: the province dashboard, a monthly province 通报 (XLSX), rebuilding the rollups and
recompute_scores for a year, on the seed_scale province.

    .venv/bin/python bench/bench_stats.py --items 50000      # the smaller run
    .venv/bin/python bench/bench_stats.py --items 500000     # a year at province scale

Runs in a throwaway SQLite database (temporary BAOSONG_DATA_DIR); with DATABASE_URL it uses that
PostgreSQL database (it must be empty). seed_items writes the workflow's rows directly, without domain
events, so the script first writes the events the workflow would have written for them (report.sent for
every sent item, submission.adopt for every adoption) — then the rollups are rebuilt (a full recount) and
the ledger recomputed from those events, both timed. Results: a Markdown table and bench/stats-<vendor>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
from bench.item_events import write_item_events  # noqa: E402
from bench.timing import once, timed  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=30_000)
    parser.add_argument("--users", type=int, default=50_000)
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument(
        "--recompute-days",
        type=int,
        default=366,
        help="recompute the ledger for this many days back (a year)",
    )
    parser.add_argument(
        "--existing",
        metavar="DATA_DIR",
        help="time the pages on a data directory an earlier run left (no seeding, no rebuild)",
    )
    args = parser.parse_args()
    if args.existing:
        os.environ["BAOSONG_DATA_DIR"] = args.existing
    os.environ.setdefault("BAOSONG_DATA_DIR", tempfile.mkdtemp(prefix="baosong-bench-stats-"))
    os.environ.setdefault("BAOSONG_DEBUG", "1")
    os.environ.setdefault("BAOSONG_ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    import datetime as dt

    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.utils import timezone

    from baosong.demo.scale import seed_scale
    from baosong.demo.scale_items import seed_items
    from baosong.orgs.models import Membership, Role
    from baosong.scoring import bulletins
    from baosong.scoring.rollups import rebuild
    from baosong.scoring.selectors import parse_period
    from baosong.scoring.services import recompute_scores

    call_command("migrate", verbosity=0)
    vendor = connection.vendor
    print(f"== {vendor}: {args.units} units, {args.users} users, {args.items} items", file=sys.stderr)
    today = timezone.localdate()
    # The current month: seed_scale creates every unit today, so earlier months would expect no unit.
    month = today.strftime("%Y-%m")
    year = str(today.year)

    def time_pages(root: Any) -> dict[str, Any]:
        editor = Membership.objects.filter(unit=root, role=Role.EDITOR).select_related("user").first().user
        client = Client()
        login = client.post("/accounts/login", {"username": editor.username, "password": "Scale#2026pw"})
        assert login.status_code == 302
        assert client.get(f"/stats/?period={month}").status_code == 200
        timings = {
            "dashboard_province_month": timed(lambda: client.get(f"/stats/?period={month}"), args.runs),
            "dashboard_province_year": timed(lambda: client.get(f"/stats/?period={year}"), args.runs),
            "api_stats_province_month": timed(lambda: client.get(f"/api/v1/stats?period={month}"), args.runs),
            "bulletin_province_month_xlsx": timed(
                lambda: client.get(f"/api/v1/bulletins/{month}.xlsx"), max(3, args.runs // 4)
            ),
            "bulletin_province_month_pdf": timed(lambda: client.get(f"/api/v1/bulletins/{month}.pdf"), 3),
        }
        timings["bulletin_rows"] = len(bulletins.bulletin_data(root, parse_period(month))["ranking"])
        print("| measurement | median ms | p95 ms | runs |\n|---|---|---|---|")
        for name, v in timings.items():
            if isinstance(v, dict):
                print(f"| {name} | {v['median_ms']} | {v['p95_ms']} | {v['runs']} |")
        return timings

    if args.existing:
        from baosong.orgs.models import Unit

        root = Unit.objects.filter(parent__isnull=True, code__startswith="S").order_by("pk").first()
        root = root or Unit.objects.filter(parent__isnull=True).order_by("pk").first()
        results = {"vendor": vendor, "existing": args.existing, **time_pages(root)}
        (BENCH_DIR / f"stats-{vendor}-existing.json").write_text(
            json.dumps(results, ensure_ascii=False, indent=2)
        )
        return
    scale, t_units = once(lambda: seed_scale(units=args.units, users=args.users))
    _, t_items = once(lambda: seed_items(root=scale.root, items=args.items, days=365))

    events, t_events = once(write_item_events)
    start, end = today - dt.timedelta(days=366), today + dt.timedelta(days=1)
    rows, t_rebuild = once(lambda: rebuild(start, end))
    tz = timezone.get_current_timezone()
    recompute_start = today - dt.timedelta(days=args.recompute_days)
    ledger, t_recompute = once(
        lambda: recompute_scores(
            start=dt.datetime.combine(recompute_start, dt.time.min, tzinfo=tz),
            end=dt.datetime.combine(end, dt.time.min, tzinfo=tz),
        )
    )
    results: dict[str, Any] = {
        "vendor": vendor,
        "units": args.units,
        "users": args.users,
        "items": args.items,
        "seed_units_s": t_units,
        "seed_items_s": t_items,
        "events": events,
        "write_events_s": t_events,
        "rollup_rows": rows,
        "rebuild_rollups_year_s": t_rebuild,
        "ledger_rows": ledger["written"],
        "recompute_days": args.recompute_days,
        "recompute_scores_s": t_recompute,
        **time_pages(scale.root),
    }
    for name in ("seed_items_s", "write_events_s", "rebuild_rollups_year_s", "recompute_scores_s"):
        print(f"| {name} | {results[name]} s | | 1 |")
    print(f"events {events}, rollup rows {rows}, ledger rows {ledger['written']}")
    (BENCH_DIR / f"stats-{vendor}-{args.items}.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2)
    )


if __name__ == "__main__":
    main()
