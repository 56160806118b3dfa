"""The ``analyst-magics`` command line (also ``python -m analyst_magics``)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ._version import __version__
from .config import BACKENDS
from .errors import AnalystError
from .models import Engine, ReportFormat
from .progress import ProgressLine

__all__ = ["main", "build_parser"]

DEFAULT_OUT = Path("analyst-output")
FORMATS = tuple(f.value for f in ReportFormat)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="analyst-magics",
        description="Analyze tables and answer questions about them, offline.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    analyze = commands.add_parser(
        "analyze", help="clean, profile, find insights, answer questions; write the results",
        description="Load a table (CSV, TSV, XLSX, JSON, Parquet) or the bundled sample, clean "
                    "it, profile it, find insights, answer questions, and write the results.")
    source = analyze.add_mutually_exclusive_group(required=True)
    source.add_argument("path", nargs="?", type=Path, help="the table to analyze")
    source.add_argument("--sample", action="store_true", help="analyze the bundled sample data")
    analyze.add_argument("-q", "--question", action="append", default=[], metavar="Q",
                         help="a question to answer (repeatable)")
    analyze.add_argument("--format", default=("json", "html"), type=_formats,
                         help=f"comma-separated output formats: {', '.join(FORMATS)} "
                              "(default: json,html; pdf needs Chromium)")
    analyze.add_argument("--out", type=Path, default=DEFAULT_OUT,
                         help=f"output directory (default: ./{DEFAULT_OUT})")
    analyze.add_argument("--name", help="dataset name (default: the file name)")
    analyze.add_argument("--no-clean", action="store_true", help="analyze the data as loaded")
    analyze.add_argument("--quiet", action="store_true", help="no progress display")

    profile = commands.add_parser(
        "profile", help="profile a table: statistics and a type per column",
        description="Profile a table: per-column statistics and semantic types. A file larger "
                    "than memory is profiled where it lies, by DuckDB (--backend).")
    profile.add_argument("path", type=Path, help="the table (CSV, TSV, XLSX, JSON, Parquet)")
    profile.add_argument("--backend", choices=BACKENDS, default=None,
                         help="pandas (in memory), duckdb (the file, queried where it lies) or "
                              "auto (DuckDB for files over a quarter of RAM; default "
                              "ANALYST_BACKEND)")
    profile.add_argument("--name", help="dataset name (default: the file name)")
    profile.add_argument("--json", action="store_true", help="print the profile as strict JSON")
    profile.add_argument("--quiet", action="store_true", help="no progress display")

    ask = commands.add_parser(
        "ask", help="answer one question about a table, with the pandas code behind it",
        description="Load a table and answer one question about it; prints the answer and the "
                    "pandas code that produced it.")
    ask.add_argument("path", type=Path, help="the table (CSV, TSV, XLSX, JSON, Parquet)")
    ask.add_argument("question", help='the question, e.g. "average revenue by region"')
    ask.add_argument("--engine", choices=tuple(e.value for e in Engine), default="auto",
                     help="auto (default), the offline rules, or the configured model")
    ask.add_argument("--json", action="store_true", help="print the answer as strict JSON")
    return parser


def _formats(text: str) -> tuple[str, ...]:
    chosen = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"unknown format {', '.join(unknown) or text!r}; choose from {', '.join(FORMATS)}")
    return chosen


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 error, 2 usage)."""
    args = build_parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except AnalystError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


def _run_analyze(args: argparse.Namespace) -> int:
    import analyst_magics as am

    df = am.sample_data() if args.sample else am.load(args.path)
    progress = None if args.quiet else ProgressLine(sys.stderr)
    result = am.analyze(df, args.question, name=args.name, clean=not args.no_clean,
                        progress=progress)
    if progress is not None:
        progress.close()
    args.out.mkdir(parents=True, exist_ok=True)
    written = []
    if "json" in args.format:
        path = args.out / "analysis.json"
        path.write_text(json.dumps(result.to_dict(), allow_nan=False, indent=2), encoding="utf-8")
        written.append(path)
    reports = [f for f in args.format if f != "json"]
    if reports:
        written += am.build_report(result, formats=reports, out_dir=args.out).paths.values()
    print(result.summary())
    print("\nWritten:\n" + "\n".join(f"  {p.resolve()}" for p in written))
    return 0


def _run_profile(args: argparse.Namespace) -> int:
    import analyst_magics as am

    table = am.load(args.path, name=args.name, backend=args.backend)
    progress = None if args.quiet else ProgressLine(sys.stderr)
    result = am.profile(table, progress=progress)  # named by load: --name or the file's stem
    if progress is not None:
        progress.close()
    print(result.to_json(indent=2) if args.json else result.summary())
    return 0


def _run_ask(args: argparse.Namespace) -> int:
    import analyst_magics as am

    answer = am.ask(am.load(args.path), args.question, engine=args.engine)
    failed = answer.kind.value == "error"
    if args.json:
        print(answer.to_json(indent=2))
    elif failed:
        print(f"error: {answer.message}", file=sys.stderr)
    else:
        print(answer.summary())
    return 1 if failed else 0


_COMMANDS = {"analyze": _run_analyze, "profile": _run_profile, "ask": _run_ask}
