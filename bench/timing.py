"""Timing helpers shared by the benchmarks: repeated runs with a warm-up, and one-off operations."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def timed(fn: Callable[[], Any], runs: int) -> dict[str, float]:
    """Median and p95 in ms of ``runs`` calls, after one warm-up call (templates, fonts, caches)."""
    fn()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return {
        "median_ms": round(statistics.median(samples), 1),
        "p95_ms": round(samples[min(len(samples) - 1, int(len(samples) * 0.95))], 1),
        "runs": runs,
    }


def once(fn: Callable[[], Any]) -> tuple[Any, float]:
    """The result of one call and its duration in seconds."""
    start = time.perf_counter()
    result = fn()
    return result, round(time.perf_counter() - start, 2)
