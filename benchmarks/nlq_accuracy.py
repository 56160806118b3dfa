"""Accuracy of ``ask`` on the NLQ devset, per category and overall.

    python benchmarks/nlq_accuracy.py                   # the offline rules (the default)
    python benchmarks/nlq_accuracy.py --engine auto --jobs 4
    python benchmarks/nlq_accuracy.py --source wtq -v   # one source, every question shown

It wraps ``../shared/nlq-score.py`` (the scorer every engine is measured with): the rules run
in-process (``--python``); ``llm`` and ``auto`` can run questions in parallel, one process each
(``--cmd``, ``--jobs``). The tables and gold answers live in ``../shared/nlq-devset/``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
ENGINES = ("rules", "auto", "llm")


def _answer(df: pd.DataFrame, question: str, engine: str) -> Any:
    from analyst_magics.nlq.engine import ask

    answer = ask(df, question, engine=engine)
    return None if answer.kind.value == "error" else answer.value


def answer_rules(df: pd.DataFrame, question: str) -> Any:
    """The scorer's ``--python`` entry point for the offline rules."""
    return _answer(df, question, "rules")


def answer_auto(df: pd.DataFrame, question: str) -> Any:
    return _answer(df, question, "auto")


def answer_llm(df: pd.DataFrame, question: str) -> Any:
    return _answer(df, question, "llm")


def _jsonable(value: Any) -> Any:
    """A value for the scorer's ``--cmd`` protocol: tables become {label: value} maps, which
    the scorer reads both ways (values and labels), as it reads a Series."""
    from analyst_magics.jsonable import to_jsonable

    if isinstance(value, pd.DataFrame) and value.shape[1] >= 2:
        value = pd.Series(value.iloc[:, -1].to_numpy(), index=value.iloc[:, 0])
    if isinstance(value, pd.DataFrame):
        value = value.iloc[:, 0]
    if isinstance(value, pd.Series):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    return to_jsonable(value)


def answer_one(engine: str) -> int:
    """``--cmd`` mode: answer $QUESTION about $TABLE and print one JSON line."""
    df = pd.read_csv(os.environ["TABLE"])
    print(json.dumps({"answer": _jsonable(_answer(df, os.environ["QUESTION"], engine))}))
    return 0


def score(args: argparse.Namespace) -> int:
    devset = args.shared / "nlq-devset"
    scorer = args.shared / "nlq-score.py"
    if not scorer.is_file():
        print(f"error: the scorer is not at {scorer}; pass --shared DIR", file=sys.stderr)
        return 2
    command = [sys.executable, str(scorer), "--questions", str(devset / "questions.jsonl"),
               "--tables", str(devset), "--timeout", str(args.timeout)]
    if args.engine == "rules" or args.jobs <= 1:
        command += ["--python", f"benchmarks.nlq_accuracy:answer_{args.engine}"]
    else:
        here = shlex.quote(str(Path(__file__).resolve()))
        command += ["--cmd", f"{shlex.quote(sys.executable)} {here} --answer-one "
                             f"--engine {args.engine}", "--jobs", str(args.jobs)]
    for source in args.source:
        command += ["--source", source]
    if args.verbose:
        command.append("--verbose")
    if args.out:
        command += ["--out", str(args.out)]
    print(f"engine={args.engine}  scorer={scorer}", flush=True)
    return subprocess.run(command, cwd=ROOT, check=False).returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=ENGINES, default="rules")
    parser.add_argument("--jobs", type=int, default=1,
                        help="questions in parallel (llm and auto; one process each)")
    parser.add_argument("--source", action="append", default=[],
                        help="only this source: databench, dabench or wtq (repeatable)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per question")
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared folder")
    parser.add_argument("--out", type=Path, help="one JSON line per question written here")
    parser.add_argument("-v", "--verbose", action="store_true", help="show every question")
    parser.add_argument("--answer-one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.answer_one:
        return answer_one(args.engine)
    return score(args)


if __name__ == "__main__":
    sys.exit(main())
