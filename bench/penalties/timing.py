"""p50/p95 and throughput of a call, printed on one line (shared by the penalties benchmarks)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def timed(label: str, func: Callable[[], Any], runs: int = 200, warmup: int = 5) -> tuple[float, float]:
    for _ in range(warmup):
        func()
    samples = []
    start = time.perf_counter()
    for _ in range(runs):
        t = time.perf_counter()
        func()
        samples.append((time.perf_counter() - t) * 1000)
    total = time.perf_counter() - start
    samples.sort()
    p50, p95 = statistics.median(samples), samples[int(len(samples) * 0.95) - 1]
    print(f"{label:<58} p50 {p50:7.2f} ms  p95 {p95:7.2f} ms  {runs / total:8.1f} /s  ({runs} calls)")
    return p50, p95
