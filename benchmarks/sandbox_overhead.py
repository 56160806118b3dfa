"""Overhead of the sandbox against the same pandas code run directly in this process.

Prints median and p95 of ``run()`` for a groupby-mean on 10k and 1M rows (warm worker, frame
already in the worker), the direct in-process times, and the first-question cost on a new
1M-row frame. Last line: ``sandbox_overhead_ms_10k=<ms> sandbox_ratio_1m=<ratio>``.

    python benchmarks/sandbox_overhead.py
"""

from __future__ import annotations

import statistics
import time

import numpy as np
import pandas as pd

from analyst_magics.nlq.sandbox import run
from analyst_magics.nlq.sandbox.client import pool

CODE = "result = df.groupby('region')['sales'].mean()"
REPEATS = 30


def make_frame(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({f"x{i}": rng.normal(size=rows) for i in range(15)})
    frame["region"] = rng.choice(["North", "South", "East", "West"], size=rows)
    frame["product"] = rng.choice(list("ABCDEFG"), size=rows)
    frame["sales"] = rng.gamma(2.0, 50.0, size=rows)
    frame["units"] = rng.integers(1, 20, size=rows)
    frame["date"] = pd.date_range("2020-01-01", periods=rows, freq="min")
    return frame


def timings(function, repeats: int = REPEATS) -> list[float]:
    out = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), float(np.percentile(values, 95))


def measure(rows: int) -> tuple[float, float]:
    frame = make_frame(rows)
    run(CODE, frame)  # the frame crosses once
    sandbox = summary(timings(lambda: run(CODE, frame)))
    direct = summary(timings(lambda: frame.groupby("region")["sales"].mean()))
    print(f"{rows:>9,} rows x {frame.shape[1]} cols: sandbox median {sandbox[0]:7.1f} ms "
          f"p95 {sandbox[1]:7.1f} ms | direct median {direct[0]:7.1f} ms p95 {direct[1]:7.1f} ms")
    return sandbox[0], direct[0]


def main() -> None:
    start = time.perf_counter()
    run("result = 0", pd.DataFrame({"a": [1]}))
    print(f"worker start (import pandas, warm-up): {(time.perf_counter() - start) * 1000:.0f} ms")
    small_box, small_direct = measure(10_000)
    big_box, big_direct = measure(1_000_000)
    fresh = make_frame(1_000_000, seed=1)
    start = time.perf_counter()
    run(CODE, fresh)
    print(f"first question on a new 1M-row frame: {(time.perf_counter() - start) * 1000:.0f} ms")
    pool().close()
    print(f"sandbox_overhead_ms_10k={small_box - small_direct:.1f} "
          f"sandbox_ratio_1m={big_box / big_direct:.2f}")


if __name__ == "__main__":
    main()
