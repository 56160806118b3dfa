"""The notebook face: ``%ask`` and ``%%analyze``.

Each magic parses its line into one typed argument object, makes one engine call and lets the
result display itself. Errors from the engine show as one short line; ``--debug`` shows the
traceback instead.
"""

from __future__ import annotations

import argparse
import re
import shlex
import sys
import traceback
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from IPython.core.magic import Magics, cell_magic, line_magic, magics_class

from .errors import AnalystError
from .models import Engine, ReportFormat
from .namespace import find_frame, standalone_code

__all__ = ["AnalystMagics", "AskArgs", "AnalyzeArgs", "parse_ask", "parse_analyze",
           "load_ipython_extension"]

ENGINES = tuple(e.value for e in Engine)
REPORT_FORMATS = tuple(f.value for f in ReportFormat)


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of exiting, so a typo is a message, not a dead kernel."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise AnalystError(f"{self.prog}: {message}. Usage: {self.usage}")


@dataclass
class AskArgs:
    question: str
    frame: str | None = None
    engine: str = "auto"
    insert: bool = False
    output: str | None = None
    debug: bool = False


@dataclass
class AnalyzeArgs:
    frame: str | None = None
    questions: list[str] = field(default_factory=list)
    report: tuple[str, ...] = ()
    clean: bool = True
    questions_only: bool = False
    debug: bool = False


def _ask_parser() -> _Parser:
    parser = _Parser(prog="%ask", add_help=False,
                     usage='%ask [dataframe] "question" [--engine auto|rules|llm] [--insert] '
                           "[-o name] [--debug]")
    parser.add_argument("words", nargs="+")
    parser.add_argument("--engine", choices=ENGINES, default="auto")
    parser.add_argument("--insert", action="store_true")
    parser.add_argument("-o", "--output", metavar="NAME")
    parser.add_argument("--debug", action="store_true")
    return parser


def _analyze_parser() -> _Parser:
    parser = _Parser(prog="%%analyze", add_help=False,
                     usage="%%analyze [dataframe] [--report html,pdf,ipynb,zip] [--no-clean] "
                           "[--questions-only] [--debug]")
    parser.add_argument("frame", nargs="?")
    parser.add_argument("--report", default="", type=_report_formats)
    parser.add_argument("--no-clean", dest="clean", action="store_false")
    parser.add_argument("--questions-only", action="store_true")
    parser.add_argument("--debug", action="store_true")
    return parser


def _report_formats(text: str) -> tuple[str, ...]:
    chosen = tuple(f.strip().lower() for f in text.split(",") if f.strip())
    unknown = [f for f in chosen if f not in REPORT_FORMATS]
    if unknown:
        raise argparse.ArgumentTypeError(
            f"unknown report format {', '.join(unknown)}; choose from {', '.join(REPORT_FORMATS)}")
    return chosen


def _split(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError as exc:  # an unclosed quote
        raise AnalystError(f"Cannot read the magic's arguments ({exc}). Put the question in "
                           'double quotes: %ask df "average revenue by region"') from None


_NAME_THEN_QUOTE = re.compile(r"""\s*[A-Za-z_]\w*\s+["']""")


def parse_ask(line: str, namespace: dict[str, Any]) -> AskArgs:
    """Parse ``%ask``'s line. The first word names a DataFrame when it is one in ``namespace``."""
    ns = _ask_parser().parse_args(_split(line))
    words = list(ns.words)
    frame = None
    # A name before a quoted question names the frame, even one that does not exist (so a
    # misspelt name is an error that says so, not part of the question).
    named = _NAME_THEN_QUOTE.match(line) is not None
    if len(words) > 1 and words[0].isidentifier() and (
            named or isinstance(namespace.get(words[0]), pd.DataFrame)):
        frame = words.pop(0)
    return AskArgs(question=" ".join(words), frame=frame, engine=ns.engine, insert=ns.insert,
                   output=ns.output, debug=ns.debug)


def parse_analyze(line: str, cell: str) -> AnalyzeArgs:
    """Parse ``%%analyze``'s line; the cell holds one question per line (``#`` lines skipped)."""
    ns = _analyze_parser().parse_args(_split(line))
    lines = (q.strip() for q in cell.splitlines())
    questions = [q for q in lines if q and not q.startswith("#")]
    return AnalyzeArgs(frame=ns.frame, questions=questions, report=ns.report, clean=ns.clean,
                       questions_only=ns.questions_only, debug=ns.debug)


@magics_class
class AnalystMagics(Magics):
    """``%ask`` and ``%%analyze``."""

    @line_magic
    def ask(self, line: str) -> Any:
        """%ask [dataframe] "question" [--engine auto|rules|llm] [--insert] [-o name] [--debug]"""
        return self._guarded(line, self._ask, line)

    @cell_magic
    def analyze(self, line: str, cell: str) -> Any:
        """%%analyze [dataframe] [--report html,pdf] [--no-clean] [--questions-only] [--debug]

        One question per line in the cell body (may be empty).
        """
        return self._guarded(line, self._analyze, line, cell)

    @property
    def _ipython(self) -> Any:
        if self.shell is None:  # registered magics always have a shell; say so if not
            raise AnalystError("The analyst magics need a running IPython shell.")
        return self.shell

    @property
    def _namespace(self) -> dict[str, Any]:
        return self._ipython.user_ns

    def _ask(self, line: str) -> Any:
        from .nlq.engine import ask

        args = parse_ask(line, self._namespace)
        name, df = find_frame(args.frame, self._namespace)
        answer = ask(df, args.question, engine=args.engine)
        if args.output:
            self._namespace[args.output] = answer
        if args.insert and answer.code:
            self._ipython.set_next_input(standalone_code(answer.code, name, self._namespace),
                                         replace=False)
        if answer.chart is not None:
            from .display import show_chart

            show_chart(answer.chart)
        return answer

    def _analyze(self, line: str, cell: str) -> Any:
        from .display import progress_display

        args = parse_analyze(line, cell)
        name, df = find_frame(args.frame, self._namespace)
        with progress_display() as progress:
            if args.questions_only:
                from .nlq.engine import ask

                return [ask(df, q) for q in args.questions]
            from .analysis import analyze

            result = analyze(df, args.questions, name=name, clean=args.clean, progress=progress)
        if args.report:
            from .display import show_report_links
            from .report import build_report

            show_report_links(build_report(result, formats=args.report))
        return result

    def _guarded(self, line: str, work: Any, *args: Any) -> Any:
        debug = "--debug" in line.split()
        try:
            return work(*args)
        except KeyboardInterrupt:
            print("Interrupted.", file=sys.stderr)
        except Exception as exc:
            if debug:  # the whole traceback, which IPython would hide for the package's errors
                traceback.print_exception(type(exc), exc, exc.__traceback__, file=sys.stderr)
            elif isinstance(exc, AnalystError):
                print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
            else:  # an engine bug: say so briefly, keep the notebook readable
                print(f"Internal error ({type(exc).__name__}: {exc}). Run again with --debug "
                      "for the traceback, and please report it.", file=sys.stderr)
        return None


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext analyst_magics``: the magics, and in a kernel the sidebar's comm target."""
    from .sidebar import register

    ipython.register_magics(AnalystMagics)
    register(ipython)
