"""Federation benchmark: two live deployments on this machine (each its own database, gunicorn with one
worker process × 4 threads, and its own task worker), A's township mapped to B's county.

- throughput: with the peer suspended at A, N items with an attachment each are written, submitted and
  approved through A's API (their packages wait in A's outbox); then the peer is resumed and the time until
  B has acknowledged all N is measured — packages per second A → B, by A's one worker;
- end-to-end latency: M items one at a time with the peer active, from A's approval answer to the item in
  B's county inbox (B's API polled every 50 ms), p50 and p95;
- floor, in the same run: a bare POST of the same size to B's receiving end that B refuses at once (an
  unknown key) — the HTTP round trip plus parsing, without crypto or database writes.

    .venv/bin/python bench/bench_federation.py                     # SQLite, 100 items
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres .venv/bin/python bench/bench_federation.py

Results: Markdown on stdout and bench/federation-<vendor>.json.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent))

PDF = ("%PDF-1.4\n1 0 obj<<>>endobj\n% " + "防汛演练现场照片说明" * 3000 + "\ntrailer<<>>\n%%EOF\n").encode()


def _inbox_count(b: Any, prefix: str) -> int:
    items = b.call("get", "/api/v1/inbox?page_size=100&q=" + urllib.parse.quote(prefix), key="county_editor")
    return sum(1 for i in items["items"] if i["title"].startswith(prefix))


def _floor(url: str, size: int, n: int) -> float:
    body = json.dumps({"header": {"v": 1}, "pad": "x" * size}).encode()
    started = time.perf_counter()
    for _ in range(n):
        request = urllib.request.Request(url + "/federation/inbox", data=body, method="POST")
        request.add_header("Content-Type", "application/json")
        try:
            urllib.request.urlopen(request, timeout=10).read()
        except urllib.error.HTTPError as exc:
            exc.read()
    return (time.perf_counter() - started) / n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100)
    parser.add_argument("--latency-items", type=int, default=20)
    args = parser.parse_args()

    from baosong.federation.testing import Deployment, federate, setup_both  # drives two deployments

    postgres = os.environ.get("DATABASE_URL")
    vendor = "postgresql" if postgres else "sqlite"
    root = Path(tempfile.mkdtemp(prefix="bs-fed-bench-"))
    a, b = Deployment(root, "a", postgres_url=postgres), Deployment(root, "b", postgres_url=postgres)
    try:
        setup_both(a, b)
        a.start()
        b.start()
        fed = federate(a, b)
        mirror, b_on_a = fed["mirror"], fed["b_on_a"]

        # Throughput: queue N packages while suspended, then resume and time the drain.
        a.call("post", f"/api/v1/federation/peers/{b_on_a['id']}/suspend", key="sysadmin")
        started = time.perf_counter()
        for i in range(args.items):
            a.send_item(f"吞吐测试信息{i:04d}", target=mirror, attachment=PDF)
        writing = time.perf_counter() - started
        a.call("post", f"/api/v1/federation/peers/{b_on_a['id']}/resume", key="sysadmin")
        started = time.perf_counter()
        while True:
            peer = a.call("get", f"/api/v1/federation/peers/{b_on_a['id']}", key="sysadmin")
            if peer["pending"] == 0:
                break
            if time.perf_counter() - started > 900:
                raise SystemExit("the outbox did not drain in 15 minutes")
            time.sleep(0.1)
        drain = time.perf_counter() - started
        received = b.count("federation.Message", direction="in", kind="item")

        # Latency: one item at a time.
        latencies = []
        for i in range(args.latency_items):
            title = f"时延测试信息{i:03d}"
            a.send_item(title, target=mirror)
            sent = time.perf_counter()
            while not _inbox_count(b, title):
                time.sleep(0.05)
            latencies.append(time.perf_counter() - sent)

        size = len(json.dumps({"pdf": PDF.decode()}))
        floor = _floor(b.url, int(size * 1.37), 50)
        result = {
            "vendor": vendor,
            "items": args.items,
            "attachment_bytes": len(PDF),
            "received_at_b": received,
            "write_submit_approve_seconds": round(writing, 2),
            "drain_seconds": round(drain, 2),
            "packages_per_second": round(args.items / drain, 2),
            "seconds_per_package": round(drain / args.items, 4),
            "floor_post_seconds": round(floor, 4),
            "latency_p50_seconds": round(statistics.median(latencies), 3),
            "latency_p95_seconds": round(sorted(latencies)[int(0.95 * (len(latencies) - 1))], 3),
            "latency_items": len(latencies),
            "cpus": os.cpu_count(),
        }
        out = BENCH_DIR / f"federation-{vendor}.json"
        out.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n")
        print(f"## 跨系统报送（{vendor}）\n")
        print("| 指标 | 值 |\n|---|---|")
        for key, value in result.items():
            print(f"| {key} | {value} |")
    finally:
        a.stop()
        b.stop()


if __name__ == "__main__":
    main()
