"""The working day of bench/load (its locust scenarios and recorder) against a running server, for the
cluster: bench/bench_cluster.py and baosong/core/tests/test_cluster.py. Two steps, two processes:

    cluster_load.py cast --out cast.json
        In the deployment's environment (DATABASE_URL …): the cast of the demo province that
        scripts/run_cluster.sh seeds (seed_demo), in the shape bench/load/prepare.py writes for a
        seed_scale province, so bench/load/locustfile.py runs on it unchanged.

    cluster_load.py run --host URL --cast cast.json --users N --seconds S [--wait A,B] --out result.json
        The working day (Reporter, Reviewer, Editor, Leader, PortalVisitor) with N users for S seconds,
        counted once every user has logged in. --wait A,B replaces the scenario's pause of 3–12 s between
        a user's actions: 0,0 keeps N requests in flight (a closed loop at fixed concurrency, for
        requests/s), a short pause compresses a day into seconds. --floor also measures the floor page
        (/bench/floor/, BAOSONG_BENCH_FLOOR=1) at the same concurrency, before and after the day.
        --ready-file is written when counting starts, --done-file when it ends; --stop-file, once it
        exists, ends the day early. --seconds 0 with --floor: the floor page only.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DEMO_DESKS = ("DEMO-C1-1", "DEMO-C1-2")  # the demo's two county desks with editors and reporters


def demo_cast() -> dict[str, Any]:
    import datetime as dt

    from baosong.demo.province import DEMO_PASSWORD
    from baosong.orgs.models import Membership, ReviewStep, Role, Unit
    from baosong.reports.models import Report, Submission

    sys.path.insert(0, str(BENCH / "load"))
    from prepare import _editor, _open_issue

    def members(unit: Unit, role: str, *, below: bool, reviewed_only: bool = False) -> list[str]:
        rows = Membership.objects.filter(role=role, user__is_active=True)
        rows = rows.filter(unit__path__startswith=unit.path) if below else rows.filter(unit=unit)
        if reviewed_only:
            rows = rows.filter(unit_id__in=ReviewStep.objects.values("unit_id"))
        return list(rows.order_by("pk").values_list("user__username", flat=True))

    desks = []
    for code in DEMO_DESKS:
        county = Unit.objects.get(code=code)
        editor = _editor(county)
        assert editor is not None, f"{code} has no editor: run seed_demo first"
        townships = Unit.objects.filter(parent=county, level="township")
        reporters = [u for t in townships for u in members(t, Role.REPORTER, below=False)]
        leaders = members(county, Role.LEADER, below=False)
        desks.append(
            {
                "county": county.name,
                "editor": editor.username,
                "leader": leaders[0] if leaders else None,
                "issue": _open_issue(county, editor).pk,
                "reporters": reporters,
                "reviewers": members(county, Role.REVIEWER, below=True, reviewed_only=True),
            }
        )
    county = Unit.objects.get(code=DEMO_DESKS[0])
    county_editor = _editor(county)
    province_editor = _editor(Unit.objects.get(code="DEMO-P"))
    reporter = desks[0]["reporters"][0]
    item = Report.objects.filter(author__username=reporter).order_by("-pk").first()
    sub = Submission.objects.filter(target_unit=county, is_active=True).order_by("-pk").first()
    month = dt.date.today().strftime("%Y-%m")
    return {
        "password": DEMO_PASSWORD,
        "province": "demo",
        "county": county.name,
        "items": Report.objects.count(),
        "users": {
            "province_editor": province_editor.username if province_editor else county_editor.username,
            "county_editor": county_editor.username if county_editor else "",
            "reporter": reporter,
        },
        "ids": {
            "item": item.pk if item else None,
            "submission": sub.pk if sub else None,
            "issue": desks[0]["issue"],
        },
        "month": month,
        "year": month[:4],
        "desks": desks,
    }


def cmd_cast(args: argparse.Namespace) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    Path(args.out).write_text(json.dumps(demo_cast(), ensure_ascii=False, indent=2), encoding="utf-8")


def percentile(samples: list[float], q: float) -> float:
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1)


def run_day(args: argparse.Namespace, drive: Any, locustfile: Any) -> dict[str, Any]:
    """bench/load/drive.py's run_day (same classes, same recorder, same counting window), which also ends
    early when --stop-file appears, and tells --ready-file when counting starts."""
    import gevent
    from locust.env import Environment

    classes = [
        locustfile.Reporter,
        locustfile.Reviewer,
        locustfile.Editor,
        locustfile.Leader,
        locustfile.PortalVisitor,
    ]
    env = Environment(user_classes=classes, host=args.host)
    rec = drive.Recorder()
    env.events.request.add_listener(rec)
    runner = env.create_local_runner()
    rate = args.spawn_rate or max(1.0, args.users / 2)
    ramp_started = time.time()
    runner.start(args.users, spawn_rate=rate)
    deadline = time.time() + args.users / rate + 300
    while time.time() < deadline:
        spawned = dict(runner.user_classes_count)
        visitors = spawned.get("PortalVisitor", 0)
        if sum(spawned.values()) >= args.users and locustfile.LOGGED_IN["n"] >= args.users - visitors:
            break
        gevent.sleep(0.5)
    ramp_s = round(time.time() - ramp_started, 1)
    ramp_errors = rec.errors_any_time
    counts = dict(runner.user_classes_count)
    rec.on = True
    if args.ready_file:
        Path(args.ready_file).write_text("counting\n")
    started = time.perf_counter()
    end = started + args.seconds
    load_samples = []
    while time.perf_counter() < end:
        if args.stop_file and os.path.exists(args.stop_file):
            break
        gevent.sleep(min(1.0, max(0.05, end - time.perf_counter())))
        if not load_samples or time.perf_counter() - started >= 10 * len(load_samples):
            load_samples.append([round(x, 2) for x in os.getloadavg()])
    rec.on = False
    seconds = time.perf_counter() - started
    if args.done_file:
        Path(args.done_file).write_text("counted\n")
    runner.quit()
    actions = rec.summary(seconds)
    total = sum(a["requests"] for a in actions.values())
    samples = [s for name, rows in rec.samples.items() for s in rows]
    return {
        "users": args.users,
        "spawn_rate": rate,
        "ramp_s": ramp_s,
        "user_classes": counts,
        "seconds": round(seconds, 1),
        "requests": total,
        "rps": round(total / seconds, 2),
        "p50_ms": percentile(samples, 0.50),
        "p95_ms": percentile(samples, 0.95),
        "errors": sum(a["errors"] for a in actions.values()),
        "errors_during_ramp": ramp_errors,
        "errors_any_time": rec.errors_any_time,
        "error_messages": rec.messages,
        "actions": actions,
        "load_samples": load_samples,
    }


def cmd_run(args: argparse.Namespace) -> None:
    os.environ["LOAD_CAST"] = args.cast
    sys.path.insert(0, str(BENCH / "load"))
    import drive  # locust (gevent) is imported here, in this process only
    import locustfile
    from locust import between

    if args.wait is not None:
        low, high = (float(x) for x in args.wait.split(","))
        for cls in (
            locustfile.Reporter,
            locustfile.Reviewer,
            locustfile.Editor,
            locustfile.Leader,
            locustfile.PortalVisitor,
        ):
            cls.wait_time = between(low, high)
    out: dict[str, Any] = {"host": args.host, "users": args.users, "wait": args.wait}
    floor = {"page": "floor", "users": args.users, "warmup": 2, "duration": args.floor_seconds}
    if args.floor:
        out["floor_before"] = drive.run_page(args.host, floor)
    if args.seconds > 0:
        out["day"] = run_day(args, drive, locustfile)
    if args.floor and args.seconds > 0:
        out["floor_after"] = drive.run_page(args.host, floor)
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("cast")
    c.add_argument("--out", required=True)
    r = sub.add_parser("run")
    r.add_argument("--host", required=True)
    r.add_argument("--cast", required=True)
    r.add_argument("--users", type=int, default=8)
    r.add_argument("--spawn-rate", type=float, default=0)
    r.add_argument("--seconds", type=float, default=20)
    r.add_argument("--wait", help="pause between a user's actions, 'low,high' seconds (default 3,12)")
    r.add_argument("--floor", action="store_true", help="also the floor page, before and after")
    r.add_argument("--floor-seconds", type=float, default=10)
    r.add_argument("--ready-file", help="written once every user has logged in and counting starts")
    r.add_argument("--stop-file", help="the day ends early once this file exists")
    r.add_argument("--done-file", help="written when counting ends")
    r.add_argument("--out", required=True)
    args = parser.parse_args()
    if args.cmd == "cast":
        cmd_cast(args)
    else:
        cmd_run(args)


if __name__ == "__main__":
    main()
