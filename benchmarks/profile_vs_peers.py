"""Time ``am.profile`` + ``am.insights`` and ``am.clean`` against named peers, in one run.

One synthetic frame (fixed seed; 1,000,000 rows × 20 mixed columns by default, ``--rows`` for
another size) is written once to Parquet under ``benchmarks/.cache/`` and every tool reads that
same file:

- ``am.profile`` + ``am.insights`` (and ``am.profile`` alone), ``am.clean``;
- the pandas floor: ``describe(include="all")`` plus ``corr(numeric_only=True)``;
- skrub's ``TableReport``, rendered with ``.html()``;
- ydata-profiling with ``minimal=True``, rendered with ``.to_html()``. ydata-profiling 4.18 pins
  ``pandas<3`` and ``numpy<2.4``, so it runs as a subprocess in its own virtual environment
  (``benchmarks/.cache/ydata-venv``, created here with pip on first use).

Peak extra memory is the largest resident set size (RSS, sampled every few milliseconds by a
thread) above the RSS measured just before the tool started, after freeing what the allocators
hold. The last line is machine-readable::

    profile_speedup_vs_ydata=<r> profile_speedup_vs_skrub=<r> profile_vs_floor=<r>
    clean_s_per_million_rows=<s> peak_extra_mem_vs_frame=<r>

Run: ``python benchmarks/profile_vs_peers.py [--rows 100000] [--repeat 1] [--skip-ydata]``.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import gc
import json
import os
import subprocess
import threading
import time
import venv
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import psutil

CACHE = Path(__file__).resolve().parent / ".cache"
YDATA_VENV = CACHE / "ydata-venv"
YDATA_REQUIREMENTS = ["ydata-profiling==4.18.*", "pyarrow", "psutil", "setuptools"]
SEED = 20240601
SAMPLE_INTERVAL_S = 0.005
WORDS = np.array([
    "alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliet",
    "kilo", "lima", "mike", "november", "oscar", "papa", "quebec", "romeo", "sierra", "tango",
    "uniform", "victor", "whiskey", "xray", "yankee", "zulu", "red", "green", "blue", "amber",
    "late", "early", "fast", "slow", "broken", "fine", "great", "poor", "ok", "refund", "again",
    "never", "always"])


# --------------------------------------------------------------------------- the frame


def make_frame(rows: int, seed: int = SEED) -> pd.DataFrame:
    """20 mixed columns: floats with NaN and outliers, ints, categoricals, dates, a flag, text."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "amount": _with_nan(rng, rng.lognormal(3.0, 1.0, rows), 0.05),
        "score": _with_nan(rng, rng.normal(50.0, 10.0, rows), 0.01),
        "ratio": _with_nan(rng, rng.uniform(0.0, 1.0, rows), 0.20),
        "sensor": _with_outliers(rng, rng.normal(0.0, 1.0, rows), 0.001),
        "price": rng.gamma(2.0, 20.0, rows).round(2),
        "sparse_metric": _with_nan(rng, rng.exponential(5.0, rows), 0.60),
        "quantity": rng.poisson(3.0, rows),
        "age": rng.integers(18, 91, rows),
        "order_id": rng.permutation(rows) + 100_000,
        "rating": rng.integers(1, 6, rows),
        "channel": _labels(rng, rows, 5, "channel", categorical=True),
        "region": _labels(rng, rows, 50, "region"),
        "product": _labels(rng, rows, 1_000, "product"),
        "store": _labels(rng, rows, 200, "store", categorical=True),
        "customer": _labels(rng, rows, 20_000, "customer"),
        "ordered_at": pd.Timestamp("2022-01-01")
        + pd.to_timedelta(rng.integers(0, 3 * 365 * 86_400, rows), unit="s"),
        "shipped_at": _with_nat(rng, pd.Timestamp("2022-01-03")
                                + pd.to_timedelta(rng.integers(0, 3 * 365, rows), unit="D"), 0.1),
        "returned": rng.random(rows) < 0.08,
        "comment": _text(rng, rows),
        "discount": rng.choice([0.0, 0.05, 0.1, 0.2], rows),
    })
    return frame


def _with_nan(rng: np.random.Generator, values: np.ndarray, share: float) -> np.ndarray:
    return np.where(rng.random(values.size) < share, np.nan, values)


def _with_outliers(rng: np.random.Generator, values: np.ndarray, share: float) -> np.ndarray:
    return np.where(rng.random(values.size) < share, values * 1_000.0, values)


def _with_nat(rng: np.random.Generator, values: pd.DatetimeIndex, share: float) -> pd.Series:
    return pd.Series(values).mask(rng.random(len(values)) < share)


def _labels(rng: np.random.Generator, rows: int, cardinality: int, prefix: str, *,
            categorical: bool = False) -> pd.Series:
    names = pd.Index([f"{prefix}_{i:05d}" for i in range(cardinality)])
    # half uniform (every label appears), half a long Zipf tail (a few labels dominate)
    tail = np.minimum(rng.zipf(1.3, rows) - 1, cardinality - 1)
    codes = np.where(rng.random(rows) < 0.5, rng.integers(0, cardinality, rows), tail)
    values = pd.Categorical.from_codes(rng.permutation(cardinality)[codes], categories=names)
    return pd.Series(values if categorical else np.asarray(values, dtype=object))


def _text(rng: np.random.Generator, rows: int) -> pd.Series:
    parts = [pd.Series(WORDS[rng.integers(0, WORDS.size, rows)]) for _ in range(3)]
    text = parts[0].str.cat(parts[1:], sep=" ")
    return text.mask(rng.random(rows) < 0.3)


def frame_path(rows: int) -> Path:
    """The cached Parquet file of ``rows`` rows, written on first use."""
    path = CACHE / f"frame_{rows}_{SEED}.parquet"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        make_frame(rows).to_parquet(tmp, index=False)
        tmp.replace(path)
    return path


# --------------------------------------------------------------------------- measuring


@dataclass
class Measurement:
    seconds: float
    peak_extra_bytes: int
    note: str = ""
    cpu_seconds: float = float("nan")


def _release_memory() -> None:
    """Give freed memory back to the system, so the next baseline RSS is honest."""
    gc.collect()
    import pyarrow as pa  # every tool here reads Parquet through it

    pa.default_memory_pool().release_unused()
    with contextlib.suppress(OSError):  # not glibc: baselines are a little less exact
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def measure(func: Callable[[], Any], repeat: int = 1) -> Measurement:
    """Best wall time of ``repeat`` calls, its CPU time, and the largest RSS rise in a call.

    CPU time (all threads of this process) is printed too because it moves far less than wall
    time when other work shares the machine.
    """
    best, cpu, peak = float("inf"), float("nan"), 0
    for _ in range(repeat):
        _release_memory()
        sampler = _RssSampler()
        with sampler:
            start, start_cpu = time.perf_counter(), time.process_time()
            func()
            wall = time.perf_counter() - start
        if wall < best:
            best, cpu = wall, time.process_time() - start_cpu
        peak = max(peak, sampler.peak_extra)
    return Measurement(best, peak, cpu_seconds=cpu)


class _RssSampler:
    """Samples this process's RSS in a thread; ``peak_extra`` is the peak above the baseline."""

    def __init__(self) -> None:
        self._process = psutil.Process()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.baseline = self.peak = 0

    def __enter__(self) -> _RssSampler:
        self.baseline = self.peak = self._process.memory_info().rss
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._process.memory_info().rss)

    def _run(self) -> None:
        while not self._stop.wait(SAMPLE_INTERVAL_S):
            self.peak = max(self.peak, self._process.memory_info().rss)

    @property
    def peak_extra(self) -> int:
        return self.peak - self.baseline


# --------------------------------------------------------------------------- the tools


def run_ours(df: pd.DataFrame, repeat: int) -> dict[str, Measurement | None]:
    """``am.profile`` alone, ``am.profile`` + ``am.insights``, and ``am.clean``; None if missing."""
    import analyst_magics as am

    results: dict[str, Measurement | None] = {"profile": measure(lambda: am.profile(df), repeat)}
    insights, clean = _public("insights"), _public("clean")
    results["profile+insights"] = None if insights is None else measure(
        lambda: insights(df, profile=am.profile(df)), repeat)
    results["clean"] = None if clean is None else measure(lambda: clean(df), repeat)
    return results


def _public(name: str) -> Callable[..., Any] | None:
    """A public function of the package, or None while its module is not written yet."""
    import analyst_magics as am

    try:
        return getattr(am, name)
    except (ImportError, AttributeError):
        return None


def run_floor(df: pd.DataFrame, repeat: int) -> Measurement:
    return measure(lambda: (df.describe(include="all"), df.corr(numeric_only=True)), repeat)


def run_skrub(df: pd.DataFrame, repeat: int) -> Measurement | None:
    try:
        from skrub import TableReport
    except ImportError:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        TableReport(df.head(1_000), verbose=0).html()  # warm-up: imports and templates
        return measure(lambda: TableReport(df, verbose=0).html(), repeat)


def run_ydata(path: Path, repeat: int, timeout: float) -> Measurement | None:
    """ydata-profiling minimal, in its own virtual environment, on the same Parquet file."""
    python = _ydata_python()
    print(f"ydata-profiling runs as a subprocess in {YDATA_VENV} (pandas<3, numpy<2.4) "
          f"on {path.name}", flush=True)
    done = subprocess.run(
        [str(python), __file__, "--ydata-worker", str(path), "--repeat", str(repeat)],
        capture_output=True, text=True, timeout=timeout, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        print(f"ydata-profiling failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
        return None
    found = json.loads(lines[-1])
    return Measurement(found["seconds"], found["peak_extra_bytes"], found["note"],
                       found["cpu_seconds"])


def _ydata_python() -> Path:
    python = YDATA_VENV / "bin" / "python"
    if not python.exists():
        log = CACHE / "ydata-venv-install.log"
        print(f"creating {YDATA_VENV} and installing {' '.join(YDATA_REQUIREMENTS)} with pip "
              f"(once; log in {log}) ...", flush=True)
        venv.create(YDATA_VENV, with_pip=True)
        with log.open("w") as out:
            subprocess.run([str(python), "-m", "pip", "install", *YDATA_REQUIREMENTS],
                           stdout=out, stderr=subprocess.STDOUT, check=True)
    return python


def ydata_worker(path: Path, repeat: int) -> None:
    """Inside the ydata venv: time ``ProfileReport(minimal=True).to_html()``, print JSON."""
    warnings.simplefilter("ignore")
    from ydata_profiling import ProfileReport

    df = pd.read_parquet(path)
    ProfileReport(df.head(1_000), minimal=True, progress_bar=False).to_html()  # warm-up
    described: list[float] = []

    def report() -> None:
        profile = ProfileReport(df, minimal=True, progress_bar=False)
        start = time.perf_counter()
        profile.get_description()
        described.append(time.perf_counter() - start)
        profile.to_html()

    found = measure(report, repeat)
    note = f"description {min(described):.2f} s + HTML; pandas {pd.__version__}"
    print(json.dumps({"seconds": found.seconds, "cpu_seconds": found.cpu_seconds,
                      "peak_extra_bytes": found.peak_extra_bytes, "note": note}))


# --------------------------------------------------------------------------- report


def _line(label: str, found: Measurement | None, missing: str = "not available yet") -> str:
    if found is None:
        return f"{label:<38} {missing}"
    return (f"{label:<38} {found.seconds:7.2f} s (cpu {found.cpu_seconds:6.2f} s)   "
            f"peak +{found.peak_extra_bytes / 2**20:6.1f} MiB"
            + (f"   ({found.note})" if found.note else ""))


def _ratio(numerator: float | None, denominator: float | None) -> str:
    if numerator is None or denominator is None or denominator <= 0:
        return "n/a"
    return f"{numerator / denominator:.2f}"


def _seconds(found: Measurement | None) -> float | None:
    return None if found is None else found.seconds


def _cpu(found: Measurement | None) -> float | None:
    return None if found is None else found.cpu_seconds


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the frame")
    parser.add_argument("--repeat", type=int, default=1, help="best of this many runs per tool")
    parser.add_argument("--skip-ydata", action="store_true", help="do not run ydata-profiling")
    parser.add_argument("--ydata-timeout", type=float, default=1_800.0, help="seconds")
    parser.add_argument("--ydata-worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.ydata_worker is not None:
        ydata_worker(args.ydata_worker, args.repeat)
        return
    path = frame_path(args.rows)
    df = pd.read_parquet(path)
    frame_bytes = int(df.memory_usage(deep=True).sum())
    print(f"frame: {len(df):,} rows x {df.shape[1]} columns, {frame_bytes / 2**20:.0f} MiB in "
          f"pandas {pd.__version__} (numpy {np.__version__}); {path}")
    print(f"machine: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start "
          "(shared machines make every figure noisy); memory = peak RSS above the start")
    _warm_up(df)
    floor = run_floor(df, args.repeat)
    ours = run_ours(df, args.repeat)
    skrub = run_skrub(df, args.repeat)
    ydata = None if args.skip_ydata else run_ydata(path, args.repeat, args.ydata_timeout)
    _print_results(floor, ours, skrub, ydata, rows=len(df), frame_bytes=frame_bytes,
                   ydata_skipped=args.skip_ydata)


def _warm_up(df: pd.DataFrame) -> None:
    """Import and run everything once on a small slice, so timings exclude one-time costs."""
    import analyst_magics as am

    small = df.head(1_000)
    run_floor(small, 1)
    prof = am.profile(small)
    insights, clean = _public("insights"), _public("clean")
    if insights is not None:
        insights(small, profile=prof)
    if clean is not None:
        clean(small)


def _print_results(floor: Measurement, ours: dict[str, Measurement | None],
                   skrub: Measurement | None, ydata: Measurement | None, *, rows: int,
                   frame_bytes: int, ydata_skipped: bool) -> None:
    main_key = "profile+insights" if ours["profile+insights"] is not None else "profile"
    headline = ours[main_key]
    print(_line("pandas floor (describe + corr)", floor))
    print(_line("am.profile", ours["profile"]))
    print(_line("am.profile + am.insights", ours["profile+insights"]))
    print(_line("am.clean", ours["clean"]))
    print(_line("skrub TableReport (.html())", skrub, "not installed (pip install skrub)"))
    print(_line("ydata-profiling minimal (.to_html())", ydata,
                "skipped" if ydata_skipped else "failed"))
    if main_key == "profile":
        print("ratios below use am.profile alone: am.insights is not available yet")
    print(f"cpu-time ratios (steadier on a shared machine): "
          f"vs_ydata={_ratio(_cpu(ydata), _cpu(headline))} "
          f"vs_skrub={_ratio(_cpu(skrub), _cpu(headline))} "
          f"vs_floor={_ratio(_cpu(headline), floor.cpu_seconds)}")
    clean = ours["clean"]
    per_million = "n/a" if clean is None else f"{clean.seconds / (rows / 1e6):.2f}"
    memory = _ratio(headline.peak_extra_bytes if headline else None, frame_bytes)
    print(f"profile_speedup_vs_ydata={_ratio(_seconds(ydata), _seconds(headline))} "
          f"profile_speedup_vs_skrub={_ratio(_seconds(skrub), _seconds(headline))} "
          f"profile_vs_floor={_ratio(_seconds(headline), floor.seconds)} "
          f"clean_s_per_million_rows={per_million} peak_extra_mem_vs_frame={memory}")


if __name__ == "__main__":
    main()
