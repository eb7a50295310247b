"""信息台账 export at volume: CSV and XLSX of N items for the county editor of the demo province.

    .venv/bin/python bench/bench_ledger.py                 # 50,000 items, SQLite in a temporary directory
    .venv/bin/python bench/bench_ledger.py --items 5000    # a smoke run

Seeds the demo province, then N items from 城关镇 sent to 东湖区 (every third adopted, every tenth forwarded
to the city and declined there, every twentieth with an external adoption), and times the export the page
and the API serve (``ledger_csv_stream`` / ``ledger_xlsx_file`` over ``ledger_queryset``), with the number
of SQL queries. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT_DIR = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=50_000)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="baosong-ledger-")
    os.environ.update(BAOSONG_DATA_DIR=data_dir, BAOSONG_DEBUG="1", DJANGO_SETTINGS_MODULE="config.settings")
    os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT_DIR))
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from baosong.demo.province import seed_demo
    from baosong.orgs.models import Unit, User
    from baosong.reports import ledger
    from baosong.reports.models import ExternalAdoption, Report, ReportStatus, Submission, SubmissionStatus

    seed_demo()
    editor = User.objects.get(username="xian_bianji")
    city_editor = User.objects.get(username="shi_bianji")
    author = User.objects.get(username="zhen_xinxiyuan")
    township, county, city = (Unit.objects.get(code=c) for c in ("DEMO-C1-1-1", "DEMO-C1-1", "DEMO-C1"))
    now = timezone.now()
    started = time.perf_counter()
    for start in range(0, args.items, 5000):
        n = min(5000, args.items - start)
        reports = Report.objects.bulk_create(
            [
                Report(
                    title=f"城关镇工作动态第{start + i}号",
                    body="正文",
                    source_unit=township,
                    author=author,
                    status=ReportStatus.SENT,
                    sent_at=now,
                    late=(start + i) % 17 == 0,
                )
                for i in range(n)
            ]
        )
        subs = []
        for i, r in enumerate(reports):
            k = start + i
            adopted = k % 3 == 0
            subs.append(
                Submission(
                    report=r,
                    target_unit=county,
                    sender_unit=township,
                    title=r.title,
                    category=r.category,
                    status=SubmissionStatus.ADOPTED if adopted else SubmissionStatus.RECEIVED,
                    usage="issue" if adopted else "",
                    decided_by=editor if adopted else None,
                    decided_at=now if adopted else None,
                    forwarded_at=now if k % 10 == 0 and adopted else None,
                )
            )
            if k % 10 == 0 and adopted:
                subs.append(
                    Submission(
                        report=r,
                        target_unit=city,
                        sender_unit=county,
                        title=r.title,
                        category=r.category,
                        status=SubmissionStatus.DECLINED,
                        decided_by=city_editor,
                        decided_at=now,
                    )
                )
        Submission.objects.bulk_create(subs)
        ExternalAdoption.objects.bulk_create(
            [
                ExternalAdoption(
                    report=r,
                    publication_name="清源日报",
                    level="province",
                    date=now.date(),
                    unit=county,
                    recorded_by=editor,
                )
                for i, r in enumerate(reports)
                if (start + i) % 20 == 0
            ]
        )
    seeded = time.perf_counter() - started
    rows = []
    qs = ledger.ledger_queryset(editor, ledger.LedgerFilters())
    for fmt in ("csv", "xlsx"):
        with CaptureQueriesContext(connection) as ctx:
            t0 = time.perf_counter()
            if fmt == "csv":
                size = sum(len(chunk.encode()) for chunk in ledger.ledger_csv_stream(qs))
            else:
                f = ledger.ledger_xlsx_file(qs)
                size = len(f.read())
            elapsed = time.perf_counter() - t0
        rows.append((fmt, elapsed, len(ctx.captured_queries), size))
    print(f"{args.items} items seeded in {seeded:.1f} s (SQLite, {data_dir})\n")
    print("| format | rows | time | queries | size |")
    print("|---|---|---|---|---|")
    for fmt, elapsed, queries, size in rows:
        print(f"| {fmt} | {args.items} | {elapsed:.1f} s | {queries} | {size / 1e6:.1f} MB |")


if __name__ == "__main__":
    main()
