"""Time and size of the HTML and PDF reports, for the bundled sample and for 1M rows.

The analysis itself (clean, profile, insights, answers) is done first and not timed: this
measures turning an ``Analysis`` into files. The 1M-row frame is the one of
``profile_vs_peers.py`` (20 mixed columns); charts of large data are aggregated or sampled, so
the report stays small. Goals: HTML under 2 s and PDF under 10 s for the sample, the 1M-row HTML
under 6 MB. PDF needs Chromium (``chromium`` on PATH or ``ANALYST_CHROMIUM``).

    python benchmarks/report_build.py                 # sample and 1,000,000 rows
    python benchmarks/report_build.py --rows 100000   # a smaller large case

Last line: ``report_html_s_sample=<s> report_pdf_s_sample=<s> report_html_mb_1m=<MB>``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import analyst_magics as am
from analyst_magics.errors import AnalystError
from analyst_magics.models import Analysis

sys.path.insert(0, str(Path(__file__).resolve().parent))
from profile_vs_peers import make_frame  # noqa: E402  (the shared 20-column benchmark frame)

QUESTIONS = ["how many rows are there?", "average revenue by region",
             "top 5 product categories by total revenue"]
LARGE_QUESTIONS = ["how many rows are there?", "average amount by region"]


def build(analysis: Analysis, fmt: str, out: Path) -> tuple[float, float]:
    """Seconds and MB of one report format."""
    start = time.perf_counter()
    path = am.build_report(analysis, formats=(fmt,), out_dir=out).paths[fmt]
    return time.perf_counter() - start, path.stat().st_size / 1e6


def line(label: str, seconds: float, megabytes: float) -> None:
    print(f"{label:<34} {seconds:7.2f} s {megabytes:8.2f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows of the large case")
    args = parser.parse_args()
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="analyst-report-bench-") as tmp:
        out = Path(tmp)
        sample = am.analyze(am.sample_data(), QUESTIONS, name="sample")
        build(sample, "html", out)  # warm-up: templates, plotly.js, nbconvert
        html_s, html_mb = build(sample, "html", out)
        line("sample: html", html_s, html_mb)
        try:
            pdf_s, pdf_mb = build(sample, "pdf", out)
            line("sample: pdf (headless Chromium)", pdf_s, pdf_mb)
        except AnalystError as exc:
            pdf_s = float("nan")
            print(f"sample: pdf skipped: {exc}")
        large = am.analyze(make_frame(args.rows), LARGE_QUESTIONS, name=f"{args.rows}-rows")
        big_s, big_mb = build(large, "html", out)
        line(f"{args.rows:,} rows: html", big_s, big_mb)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    print(f"report_html_s_sample={html_s:.2f} report_pdf_s_sample={pdf_s:.2f} "
          f"report_html_mb_1m={big_mb:.2f}")


if __name__ == "__main__":
    main()
