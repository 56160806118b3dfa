"""The devset scorer runs against the rules engine (a smoke test: no accuracy threshold here;
the figure is measured by ``benchmarks/nlq_accuracy.py``)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_scorer(shared: Path, *extra: str) -> str:
    devset = shared / "nlq-devset"
    done = subprocess.run(
        [sys.executable, str(shared / "nlq-score.py"), "--questions",
         str(devset / "questions.jsonl"), "--tables", str(devset),
         "--python", "benchmarks.nlq_accuracy:answer_rules", *extra],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_scorer_runs_on_a_sample_of_the_devset(shared_dir: Path) -> None:
    output = run_scorer(shared_dir, "--limit", "8")
    found = re.search(r"accuracy=(\d\.\d+) answered=(\d+)/(\d+)", output)
    assert found, output[-1000:]
    assert int(found.group(3)) == 8
    assert "status: " in output and "error=" not in output and "timeout=" not in output


@pytest.mark.slow
def test_scorer_runs_on_the_whole_devset(shared_dir: Path) -> None:
    output = run_scorer(shared_dir)
    assert re.search(r"accuracy=\d\.\d+ answered=\d+/61", output), output[-1000:]
