"""Latency of ``ask(..., engine="rules")`` beside the hand-written pandas line, in one run.

    python benchmarks/ask_latency.py               # 10k and 1M rows, 5 question kinds
    python benchmarks/ask_latency.py --rows 10000 --repeat 9

For each frame size and question it prints the median of: ``plan`` (parse + code writing, the
frame's description already cached), ``ask`` (plan + sandboxed run + answer), and the hand-written
pandas line; and ``ask`` / pandas. Goals: plan under 20 ms; ask within 2x of pandas on 1M rows.
The first ``ask`` on a frame also pays for describing it and for sending it to the sandbox
worker once; that cost is printed apart ("first").
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

QUESTIONS: list[tuple[str, str, Callable[[pd.DataFrame], Any]]] = [
    ("aggregate", "total revenue", lambda df: df["revenue"].sum()),
    ("group-by", "average revenue by region",
     lambda df: df.groupby("region")["revenue"].mean()),
    ("filter+count", "how many orders have more than 10 units in the West",
     lambda df: int(((df["units"] > 10) & (df["region"] == "West")).sum())),
    ("arg-max group", "which product has the highest total revenue",
     lambda df: df.groupby("product")["revenue"].sum().idxmax()),
    ("top-k", "top 5 orders by revenue",
     lambda df: df.nlargest(5, "revenue")[["order_id", "revenue"]]),
]


def make_frame(rows: int, seed: int = 0) -> pd.DataFrame:
    """A sales table: ids, dates, two categories, units, prices and revenue."""
    rng = np.random.default_rng(seed)
    units = rng.integers(1, 25, rows)
    price = rng.gamma(2.0, 40.0, rows).round(2)
    return pd.DataFrame({
        "order_id": np.arange(100_000, 100_000 + rows),
        "date": pd.Timestamp("2022-01-01") + pd.to_timedelta(rng.integers(0, 1000, rows), "D"),
        "region": rng.choice(["North", "South", "East", "West"], rows),
        "product": rng.choice(["Laptop", "Phone", "Desk", "Chair", "Lamp", "Pen"], rows),
        "units": units,
        "price": price,
        "revenue": (units * price).round(2),
    })


def median_seconds(call: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def measure(df: pd.DataFrame, repeat: int) -> list[dict[str, Any]]:
    from analyst_magics.nlq.engine import ask
    from analyst_magics.nlq.rules import plan

    rows = []
    for kind, question, by_hand in QUESTIONS:
        start = time.perf_counter()
        first = ask(df, question, engine="rules")
        first_s = time.perf_counter() - start
        if first.kind.value == "error":
            raise SystemExit(f"{question!r} was not answered: {first.message}")
        rows.append({
            "kind": kind, "question": question, "first": first_s,
            "plan": median_seconds(lambda q=question: plan(df, q), repeat),
            "ask": median_seconds(lambda q=question: ask(df, q, engine="rules"), repeat),
            "pandas": median_seconds(lambda f=by_hand: f(df), repeat),
        })
    return rows


def report(size: int, rows: list[dict[str, Any]]) -> None:
    print(f"\n{size:,} rows")
    print(f"{'kind':<15}{'first ms':>10}{'plan ms':>10}{'ask ms':>10}{'pandas ms':>11}"
          f"{'ask/pandas':>12}  question")
    for row in rows:
        print(f"{row['kind']:<15}{row['first'] * 1e3:>10.1f}{row['plan'] * 1e3:>10.2f}"
              f"{row['ask'] * 1e3:>10.1f}{row['pandas'] * 1e3:>11.1f}"
              f"{row['ask'] / row['pandas']:>11.1f}x  {row['question']}")
    worst_plan = max(r["plan"] for r in rows) * 1e3
    ratio = statistics.median(r["ask"] / r["pandas"] for r in rows)
    print(f"slowest plan {worst_plan:.1f} ms (goal < 20 ms); median ask/pandas {ratio:.1f}x")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, action="append",
                        help="frame sizes (repeatable; default 10,000 and 1,000,000)")
    parser.add_argument("--repeat", type=int, default=7, help="runs per median")
    args = parser.parse_args(argv)
    for size in args.rows or [10_000, 1_000_000]:
        report(size, measure(make_frame(size), args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
