"""Overhead of the sandbox against the same pandas code run directly in this process.

Prints median and p95 of ``run()`` for a groupby-mean on 10k and 1M rows, asked back to back
(warm workers, frame already in the worker), the direct in-process times, the 10k case at an
interactive pace (questions 0.2 s apart, when a worker's next child is ready and practised),
two callers asking at once on the 1M frame (the pool runs them side by side), and the
first-question cost on a new 1M-row frame. The machine's load average is printed at the
start and the end: on a shared machine, compare runs made at similar load.
Last line: ``sandbox_overhead_ms_10k=<ms> sandbox_ratio_1m=<ratio>`` (back to back).

    python benchmarks/sandbox_overhead.py
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from analyst_magics.nlq.sandbox import run
from analyst_magics.nlq.sandbox.client import pool

CODE = "result = df.groupby('region')['sales'].mean()"
REPEATS = 30
PACE_S = 0.2


def make_frame(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({f"x{i}": rng.normal(size=rows) for i in range(15)})
    frame["region"] = rng.choice(["North", "South", "East", "West"], size=rows)
    frame["product"] = rng.choice(list("ABCDEFG"), size=rows)
    frame["sales"] = rng.gamma(2.0, 50.0, size=rows)
    frame["units"] = rng.integers(1, 20, size=rows)
    frame["date"] = pd.date_range("2020-01-01", periods=rows, freq="min")
    return frame


def timings(function: Callable[[], object], repeats: int = REPEATS,
            pause: float = 0.0) -> list[float]:
    out = []
    for _ in range(repeats):
        time.sleep(pause)
        start = time.perf_counter()
        function()
        out.append((time.perf_counter() - start) * 1000)
    return out


def summary(values: list[float]) -> tuple[float, float]:
    return statistics.median(values), float(np.percentile(values, 95))


def measure(frame: pd.DataFrame) -> tuple[float, float]:
    run(CODE, frame)  # the frame crosses once
    sandbox = summary(timings(lambda: run(CODE, frame)))
    direct = summary(timings(lambda: frame.groupby("region")["sales"].mean()))
    print(f"{len(frame):>9,} rows x {frame.shape[1]} cols: sandbox median {sandbox[0]:7.1f} ms "
          f"p95 {sandbox[1]:7.1f} ms | direct median {direct[0]:7.1f} ms p95 {direct[1]:7.1f} ms")
    return sandbox[0], direct[0]


def side_by_side(frame: pd.DataFrame, callers: int = 2, repeats: int = 10) -> float:
    """Median time of one call while ``callers`` threads ask at once."""
    results: list[list[float]] = []
    threads = [threading.Thread(target=lambda: results.append(
        timings(lambda: run(CODE, frame), repeats))) for _ in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return statistics.median(value for values in results for value in values)


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    print(f"load average (1, 5, 15 min) at start: {load()}")
    start = time.perf_counter()
    run("result = 0", pd.DataFrame({"a": [1]}))
    print(f"worker start (import pandas, warm-up): {(time.perf_counter() - start) * 1000:.0f} ms")
    small = make_frame(10_000)
    small_box, small_direct = measure(small)
    paced = statistics.median(timings(lambda: run(CODE, small), 10, pause=PACE_S))
    print(f"   10,000 rows, questions {PACE_S:g} s apart: sandbox median {paced:7.1f} ms")
    big = make_frame(1_000_000)
    big_box, big_direct = measure(big)
    print(f"1,000,000 rows, 2 callers at once: median call {side_by_side(big):7.1f} ms")
    fresh = make_frame(1_000_000, seed=1)
    start = time.perf_counter()
    run(CODE, fresh)
    print(f"first question on a new 1M-row frame: {(time.perf_counter() - start) * 1000:.0f} ms")
    pool().close()
    print(f"load average (1, 5, 15 min) at end: {load()}")
    print(f"sandbox_overhead_ms_10k={small_box - small_direct:.1f} "
          f"sandbox_ratio_1m={big_box / big_direct:.2f}")


if __name__ == "__main__":
    main()
