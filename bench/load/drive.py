"""Runs the locust scenarios of bench/load/locustfile.py in-process (locust as a library), so each run
can log its users in, warm up, and only then start counting. Called by bench/load/run.py:

    drive.py --host URL --cast cast.json --plan plan.json --out result.json

plan.json: {"pages": [{"page", "users", "warmup", "duration"}, ...]} and/or
{"day": {"users", "spawn_rate", "duration"}}. Every request is timed by locust; the figures here are
computed from all the samples of the measured window (not locust's rounded percentiles).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import gevent
from locust.env import Environment

sys.path.insert(0, str(Path(__file__).resolve().parent))


def percentile(samples: list[float], q: float) -> float:
    if not samples:
        return 0.0
    ordered = sorted(samples)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1)


class Recorder:
    """Samples per request name, counted only while ``on``."""

    def __init__(self) -> None:
        self.on = False
        self.samples: dict[str, list[float]] = {}
        self.errors: dict[str, int] = {}
        self.messages: dict[str, int] = {}
        self.errors_any_time = 0

    def __call__(self, request_type: str, name: str, response_time: float, exception: Any, **kw: Any) -> None:
        if exception is not None:
            self.errors_any_time += 1
            msg = f"{name}: {exception}"[:200]
            self.messages[msg] = self.messages.get(msg, 0) + 1
        if not self.on or name == "(probe)":
            return
        self.samples.setdefault(name, []).append(response_time)
        if exception is not None:
            self.errors[name] = self.errors.get(name, 0) + 1

    def summary(self, seconds: float) -> dict[str, dict[str, Any]]:
        return {
            name: {
                "requests": len(s),
                "rps": round(len(s) / seconds, 2),
                "p50_ms": percentile(s, 0.50),
                "p95_ms": percentile(s, 0.95),
                "max_ms": round(max(s), 1),
                "errors": self.errors.get(name, 0),
            }
            for name, s in sorted(self.samples.items())
        }


def run_page(host: str, spec: dict[str, Any]) -> dict[str, Any]:
    import locustfile

    ready = {"n": 0}

    class One(locustfile.PageUser):
        abstract = False
        page = spec["page"]
        slots = itertools.count()

        def on_start(self) -> None:
            super().on_start()
            ready["n"] += 1

    env = Environment(user_classes=[One], host=host)
    rec = Recorder()
    env.events.request.add_listener(rec)
    runner = env.create_local_runner()
    users = int(spec["users"])
    runner.start(users, spawn_rate=users)
    deadline = time.time() + 120
    while ready["n"] < users and time.time() < deadline:
        gevent.sleep(0.1)
    gevent.sleep(float(spec["warmup"]))
    rec.on = True
    load_before = os.getloadavg()
    started = time.perf_counter()
    gevent.sleep(float(spec["duration"]))
    rec.on = False
    seconds = time.perf_counter() - started
    runner.quit()
    # Requests cut off by the stop are still being served: let them finish before the next run.
    longest = max(rec.samples.get(spec["page"], [0.0]) or [0.0]) / 1000
    gevent.sleep(min(60.0, 1.0 + 2 * longest))
    row = rec.summary(seconds).get(
        spec["page"], {"requests": 0, "rps": 0, "p50_ms": 0, "p95_ms": 0, "errors": 0}
    )
    row.update(
        page=spec["page"],
        users=users,
        seconds=round(seconds, 1),
        logged_in=ready["n"],
        errors_any_time=rec.errors_any_time,
        error_messages=rec.messages,
        load_before=[round(x, 2) for x in load_before],
        load_after=[round(x, 2) for x in os.getloadavg()],
    )
    print(
        f"   {spec['page']} c={users}: {row['rps']} req/s, p50 {row['p50_ms']} ms, p95 {row['p95_ms']} ms,"
        f" errors {row['errors']}",
        file=sys.stderr,
        flush=True,
    )
    return row


def run_day(host: str, spec: dict[str, Any]) -> dict[str, Any]:
    import locustfile

    classes = [
        locustfile.Reporter,
        locustfile.Reviewer,
        locustfile.Editor,
        locustfile.Leader,
        locustfile.PortalVisitor,
    ]
    env = Environment(user_classes=classes, host=host)
    rec = Recorder()
    env.events.request.add_listener(rec)
    runner = env.create_local_runner()
    users, rate = int(spec["users"]), float(spec["spawn_rate"])
    load_start = os.getloadavg()
    ramp_started = time.time()
    runner.start(users, spawn_rate=rate)
    # Counting starts once every person has logged in (each login is one password hash).
    deadline = time.time() + users / rate + 300
    while time.time() < deadline:
        spawned = dict(runner.user_classes_count)
        visitors = spawned.get("PortalVisitor", 0)
        if sum(spawned.values()) >= users and locustfile.LOGGED_IN["n"] >= users - visitors:
            break
        gevent.sleep(1)
    ramp_s = round(time.time() - ramp_started, 1)
    ramp_errors = rec.errors_any_time
    counts = dict(runner.user_classes_count)
    rec.on = True
    started = time.perf_counter()
    load_samples = []
    end = started + float(spec["duration"])
    while time.perf_counter() < end:
        gevent.sleep(min(30.0, max(0.1, end - time.perf_counter())))
        load_samples.append([round(x, 2) for x in os.getloadavg()])
    rec.on = False
    seconds = time.perf_counter() - started
    runner.quit()
    actions = rec.summary(seconds)
    total = sum(a["requests"] for a in actions.values())
    return {
        "users": users,
        "spawn_rate": rate,
        "ramp_s": ramp_s,
        "user_classes": counts,
        "seconds": round(seconds, 1),
        "requests": total,
        "rps": round(total / seconds, 2),
        "errors": sum(a["errors"] for a in actions.values()),
        "errors_during_ramp": ramp_errors,
        "errors_any_time": rec.errors_any_time,
        "error_messages": rec.messages,
        "actions": actions,
        "load_start": [round(x, 2) for x in load_start],
        "load_samples": load_samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", required=True)
    parser.add_argument("--cast", required=True)
    parser.add_argument("--plan", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    os.environ["LOAD_CAST"] = args.cast
    plan = json.loads(Path(args.plan).read_text(encoding="utf-8"))
    out: dict[str, Any] = {"pages": []}
    for spec in plan.get("pages", []):
        out["pages"].append(run_page(args.host, spec))
        Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    if plan.get("day"):
        out["day"] = run_day(args.host, plan["day"])
    Path(args.out).write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
