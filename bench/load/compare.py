"""Growth of each page's cost from one load run to another (bench/load/run.py results), e.g. 50,000 to
500,000 items on the same database: p95 and requests/s at each concurrency, side by side, and the ratio.

    .venv/bin/python bench/load/compare.py bench/load/results-postgresql-50000.json \\
        bench/load/results-postgresql-500000.json

The growth target (issue 13): p95 at 500,000 items at most 1.3 × the p95 at 50,000, on every page.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

TARGET = 1.3


def rows(path: Path) -> dict[tuple[str, int], dict[str, Any]]:
    result = json.loads(path.read_text(encoding="utf-8"))
    return {(r["page"], r["users"]): r for r in result["pages"]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("small", type=Path)
    parser.add_argument("large", type=Path)
    args = parser.parse_args()
    small, large = rows(args.small), rows(args.large)
    print("| page | c | p95 ms (small) | p95 ms (large) | × | req/s (small) | req/s (large) | ÷ floor |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for key, a in small.items():
        b = large.get(key)
        if b is None:
            continue
        growth = b["p95_ms"] / a["p95_ms"] if a["p95_ms"] else 0
        flag = " ✗" if growth > TARGET and key[0] != "floor" else ""
        cells = [key[0], key[1], a["p95_ms"], b["p95_ms"], f"{growth:.2f}{flag}", a["rps"], b["rps"]]
        print("| " + " | ".join(str(c) for c in [*cells, b.get("ratio")]) + " |")


if __name__ == "__main__":
    main()
