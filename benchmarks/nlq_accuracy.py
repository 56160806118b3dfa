"""Accuracy and precision of ``ask`` on both NLQ devsets, per category and overall.

Precision is correct / answered: how often an answer, once given, is right. A wrong answer is
worse than "I cannot answer that", so both figures count.

    python benchmarks/nlq_accuracy.py                   # the offline rules (the default)
    python benchmarks/nlq_accuracy.py --set nlq-devset-2 --out /tmp/nlq
    python benchmarks/nlq_accuracy.py --engine auto --jobs 4
    python benchmarks/nlq_accuracy.py --source wtq -v   # one source, every question shown

It wraps ``../shared/nlq-score.py`` (the scorer every engine is measured with): the rules run
in-process (``--python``); ``llm`` and ``auto`` can run questions in parallel, one process each
(``--cmd``, ``--jobs``). The tables and gold answers live in ``../shared/nlq-devset/`` and
``../shared/nlq-devset-2/``.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
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


SETS = ("nlq-devset", "nlq-devset-2")


def score(args: argparse.Namespace) -> int:
    scorer = args.shared / "nlq-score.py"
    if not scorer.is_file():
        print(f"error: the scorer is not at {scorer}; pass --shared DIR", file=sys.stderr)
        return 2
    print(f"engine={args.engine}  scorer={scorer}", flush=True)
    failed = 0
    for name in args.set or SETS:
        folder = args.shared / name
        if not (folder / "questions.jsonl").is_file():
            print(f"\n{name}: skipped, {folder / 'questions.jsonl'} is absent")
            continue
        out = args.out / f"{name}.jsonl" if args.out else Path(tempfile.mkstemp(".jsonl")[1])
        out.parent.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(_command(args, scorer, folder, out), cwd=ROOT, check=False,
                              capture_output=not args.verbose, text=True)
        if done.returncode != 0:
            print(f"\n{name}: the scorer failed\n{done.stderr or ''}", file=sys.stderr)
            failed = 1
            continue
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        _report(name, rows)
    return failed


def _command(args: argparse.Namespace, scorer: Path, folder: Path, out: Path) -> list[str]:
    command = [sys.executable, str(scorer), "--questions", str(folder / "questions.jsonl"),
               "--tables", str(folder), "--timeout", str(args.timeout), "--out", str(out)]
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
    return command


def _report(name: str, rows: list[dict[str, Any]]) -> None:
    """Accuracy and precision (correct / answered), overall and per category and source."""
    frame = pd.DataFrame({"category": [r.get("category") or r["answer_type"] for r in rows],
                          "source": [r.get("source") or "?" for r in rows],
                          "answered": [r["status"] == "ok" and r["prediction"] is not None
                                       for r in rows],
                          "correct": [bool(r["correct"]) for r in rows]})
    print(f"\n{name}: {len(rows)} questions")
    print(f"{'':<20}{'total':>7}{'answered':>10}{'correct':>9}{'wrong':>7}"
          f"{'accuracy':>10}{'precision':>11}")
    for by in ("category", "source"):
        for key, part in sorted(frame.groupby(by), key=lambda kv: -len(kv[1])):
            _line(f"{by[:3]} {key}", part)
    _line("ALL", frame)


def _line(label: str, part: pd.DataFrame) -> None:
    answered, correct = int(part["answered"].sum()), int(part["correct"].sum())
    precision = f"{correct / answered:.3f}" if answered else "-"
    print(f"{label:<20}{len(part):>7}{answered:>10}{correct:>9}{answered - correct:>7}"
          f"{correct / len(part):>10.3f}{precision:>11}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=ENGINES, default="rules")
    parser.add_argument("--jobs", type=int, default=1,
                        help="questions in parallel (llm and auto; one process each)")
    parser.add_argument("--source", action="append", default=[],
                        help="only this source: databench, dabench or wtq (repeatable)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds per question")
    parser.add_argument("--shared", type=Path, default=SHARED, help="the shared folder")
    parser.add_argument("--set", action="append", choices=SETS,
                        help="only this evaluation set (repeatable; default: both)")
    parser.add_argument("--out", type=Path,
                        help="folder for one JSON file per set, one line per question")
    parser.add_argument("-v", "--verbose", action="store_true", help="show every question")
    parser.add_argument("--answer-one", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.answer_one:
        return answer_one(args.engine)
    return score(args)


if __name__ == "__main__":
    sys.exit(main())
