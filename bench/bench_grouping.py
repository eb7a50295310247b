"""Same-event grouping benchmark: signature time per item, grouping time for a day's inbox of 1,000
items (in memory and through the page's selector on a database), and quality on the labelled set.

    .venv/bin/python bench/bench_grouping.py [--items 1000] [--runs 20] [--compare]

Runs in a throwaway SQLite database (a temporary BAOSONG_DATA_DIR) with the demo province; with
DATABASE_URL set it uses that PostgreSQL database instead (it must be empty or a test database: the
script migrates it and adds demo data). ``--compare`` also measures SimHash (64 bits over the same
tokens, pairs within a Hamming distance, the same time, place and number checks) on the labelled set.
Prints Markdown tables and writes bench/grouping-<vendor>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))
from bench.timing import timed  # noqa: E402

QUALITY_SETS = [  # (name, events, days, seeds): tuning used seeds 1–5; these are held out
    ("一周 80 个事件（约 190 条）", 80, 7, (101, 102, 103, 104, 105)),
    ("一周 200 个事件（约 480 条）", 200, 7, (101, 102, 103, 104, 105)),
    ("一天 450 个事件（约 1,100 条）", 450, 1, (101, 102)),
]


def docs_of(items: list[Any]) -> list[Any]:
    from baosong.grouping import neardup

    return [
        neardup.Doc(
            key=it.key,
            signature=tuple(neardup.signature(it.title, it.body)),
            features=frozenset(neardup.features(it.title, it.body)),
            place=neardup.place_of(it.place, it.title, it.body),
            when=it.event_time or it.sent_at,
        )
        for it in items
    ]


def pooled(groups_and_labels: list[tuple[list[list[int]], dict[int, int]]]) -> dict[str, float]:
    from baosong.grouping import neardup

    tp = fp = fn = 0
    purity = []
    for groups, labels in groups_and_labels:
        by_event: dict[int, list[int]] = defaultdict(list)
        for k, e in labels.items():
            by_event[e].append(k)
        truth = neardup.pairs_of(by_event.values())
        predicted = neardup.pairs_of(groups)
        tp, fp, fn = tp + len(truth & predicted), fp + len(predicted - truth), fn + len(truth - predicted)
        purity.append(neardup.quality(groups, labels).purity)
    return {
        "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 3),
        "purity": round(statistics.mean(purity), 3),
        "true_pairs": tp + fn,
    }


def simhash(features: frozenset[str]) -> int:
    totals = [0] * 64
    for f in features:
        h = int.from_bytes(hashlib.blake2b(f.encode(), digest_size=8).digest(), "big")
        for bit in range(64):
            totals[bit] += 1 if h >> bit & 1 else -1
    return sum(1 << bit for bit in range(64) if totals[bit] > 0)


def simhash_groups(docs: list[Any], max_distance: int) -> list[list[int]]:
    """All pairs (the labelled sets are small), confirmed by Hamming distance instead of similarity."""
    from baosong.grouping import neardup

    hashes = [simhash(d.features) for d in docs]
    parent = list(range(len(docs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j in itertools.combinations(range(len(docs)), 2):
        a, b = docs[i], docs[j]
        if (
            bin(hashes[i] ^ hashes[j]).count("1") <= max_distance
            and abs(a.when - b.when) <= neardup.WINDOW
            and neardup.places_compatible(a.place, b.place)
            and not neardup.facts_disagree(
                neardup.facts_by_unit(a.features), neardup.facts_by_unit(b.features)
            )
        ):
            parent[find(i)] = find(j)
    comps: dict[int, list[int]] = defaultdict(list)
    for i in range(len(docs)):
        comps[find(i)].append(docs[i].key)
    return [c for c in comps.values() if len(c) >= 2]


def quality(compare: bool) -> dict[str, Any]:
    from baosong.grouping import neardup
    from baosong.grouping.eventset import labelled_set

    out: dict[str, Any] = {"threshold": neardup.THRESHOLD, "sets": []}
    for name, events, days, seeds in QUALITY_SETS:
        runs = []
        for seed in seeds:
            items = labelled_set(events=events, seed=seed, days=days)
            runs.append((docs_of(items), {it.key: it.event for it in items}))
        row: dict[str, Any] = {"name": name, "items": sum(len(d) for d, _ in runs)}
        row["minhash"] = pooled([(neardup.group(d), labels) for d, labels in runs])
        if compare and events <= 200:
            best = None
            for distance in (8, 12, 16, 20, 24, 28):
                q = pooled([(simhash_groups(d, distance), labels) for d, labels in runs])
                f1 = 2 * q["precision"] * q["recall"] / (q["precision"] + q["recall"] or 1)
                if best is None or f1 > best[0]:
                    best = (f1, distance, q)
            assert best is not None
            row["simhash"] = {"distance": best[1], **best[2]}
        out["sets"].append(row)
        print(f"  {name}: {row}", file=sys.stderr)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--compare", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("BAOSONG_DATA_DIR", tempfile.mkdtemp(prefix="baosong-bench-grouping-"))
    os.environ.setdefault("BAOSONG_DEBUG", "1")
    os.environ.setdefault("BAOSONG_DEMO_MODE", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from baosong.demo.province import seed_demo
    from baosong.grouping import neardup
    from baosong.grouping import services as grouping
    from baosong.grouping.eventset import labelled_set
    from baosong.orgs.models import Unit, User
    from baosong.reports.models import URGENCY_RANK, Report, ReportStatus, Submission

    # A day's inbox: the labelled generator's events squeezed into one day (dense on purpose: the
    # same kinds of event in the same eight townships); the --items consecutive sendings that span the
    # shortest time (under 24 hours for 1,000), in the order they arrive.
    generated = sorted(labelled_set(events=args.items * 9 // 10, seed=2026, days=1), key=lambda i: i.sent_at)
    n = args.items
    first = min(
        range(len(generated) - n + 1), key=lambda k: generated[k + n - 1].sent_at - generated[k].sent_at
    )
    items = generated[first : first + n]
    span_hours = (items[-1].sent_at - items[0].sent_at).total_seconds() / 3600
    print(f"== {connection.vendor}: {len(items)} items sent within {span_hours:.1f} h", file=sys.stderr)

    neardup.signature("预热", "加载分词词典")
    start = time.perf_counter()
    for it in items:
        neardup.features(it.title, it.body)
    tokens_ms = (time.perf_counter() - start) * 1000 / len(items)
    feature_sets = [neardup.features(it.title, it.body) for it in items]
    start = time.perf_counter()
    for f in feature_sets:
        neardup.minhash(f)
    minhash_ms = (time.perf_counter() - start) * 1000 / len(items)
    docs = docs_of(items)
    in_memory = timed(lambda: neardup.group(docs), args.runs)
    candidates = len(neardup.candidate_pairs(docs))
    groups = neardup.group(docs)

    call_command("migrate", verbosity=0)
    seed_demo()
    editor = User.objects.get(username="xian_bianji")
    county = Unit.objects.get(code="DEMO-C1-1")
    towns = list(Unit.objects.filter(parent=county).order_by("sort_order"))
    author = User.objects.get(username="zhen_xinxiyuan")
    now = timezone.now()
    shift = now - max(it.sent_at for it in items) - dt.timedelta(minutes=5)
    reports = Report.objects.bulk_create(
        [
            Report(
                title=it.title[:200],
                body=it.body,
                category=it.category,
                place=it.place,
                event_time=it.event_time + shift if it.event_time else None,
                source_unit=towns[i % len(towns)],
                author=author,
                status=ReportStatus.SENT,
                sent_at=it.sent_at + shift,
            )
            for i, it in enumerate(items)
        ]
    )
    Submission.objects.bulk_create(
        [
            Submission(
                report=r,
                target_unit=county,
                sender_unit=r.source_unit,
                title=r.title,
                body=r.body,
                category=r.category,
                urgency_rank=URGENCY_RANK["normal"],
                received_at=r.sent_at,
            )
            for r in reports
        ]
    )
    start = time.perf_counter()
    rebuilt = grouping.signatures_rebuild()
    rebuild_s = time.perf_counter() - start
    page = timed(lambda: grouping.inbox_groups(editor), args.runs)
    db_groups = grouping.inbox_groups(editor)

    result = {
        "vendor": connection.vendor,
        "load_average": os.getloadavg(),
        "items": len(items),
        "span_hours": round(span_hours, 1),
        "tokens_ms_per_item": round(tokens_ms, 2),
        "minhash_ms_per_item": round(minhash_ms, 2),
        "rebuild_signatures_s": round(rebuild_s, 2),
        "rebuilt": rebuilt,
        "candidate_pairs": candidates,
        "groups": len(groups),
        "grouped_items": sum(len(g) for g in groups),
        "group_in_memory": in_memory,
        "inbox_groups_selector": page,
        "db_groups": len(db_groups),
        "quality": quality(args.compare),
    }
    print("| 测量 | 结果 |\n|---|---|")
    print(f"| 分词与特征（每条） | {result['tokens_ms_per_item']} ms |")
    print(f"| MinHash 签名（每条，64 个哈希） | {result['minhash_ms_per_item']} ms |")
    print(f"| 重算 {rebuilt} 条签名（`rebuild_signatures`） | {result['rebuild_signatures_s']} s |")
    for label, t in ((f"内存中归并 {len(items)} 条", in_memory), ("`inbox_groups`（含两次查询）", page)):
        figures = f"{t['median_ms']} / {t['p95_ms']} / {t['cpu_median_ms']} ms"
        print(f"| {label}（中位数 / p95 / CPU） | {figures} |")
    print(f"| 候选对 / 分组 / 入组条数 | {candidates} / {len(groups)} / {result['grouped_items']} |")
    for row in result["quality"]["sets"]:
        print(f"| {row['name']} | {row['minhash']} {row.get('simhash', '')} |")
    (BENCH_DIR / f"grouping-{connection.vendor}.json").write_text(
        json.dumps(result, ensure_ascii=False, indent=2)
    )


if __name__ == "__main__":
    main()
