"""``analyst-magics ask PATH "question" [--json]``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest


@pytest.fixture
def table(tmp_path: Path) -> Path:
    path = tmp_path / "sales.csv"
    pd.DataFrame({"region": ["North", "South", "North", "East"],
                  "revenue": [10.0, 20.0, 30.0, 5.0]}).to_csv(path, index=False)
    return path


def ask(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "analyst_magics", "ask", *args],
                          capture_output=True, text=True, timeout=300, check=False)


def test_ask_prints_the_answer_and_its_code(table: Path) -> None:
    done = ask(str(table), "total revenue in the North", "--engine", "rules")
    assert done.returncode == 0, done.stderr
    assert "40" in done.stdout.splitlines()[1]
    assert 'df["region"] == "North"' in done.stdout


def test_ask_json_is_the_answer_model(table: Path) -> None:
    done = ask(str(table), "average revenue by region", "--json", "--engine", "rules")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout, parse_constant=lambda c: pytest.fail(f"constant {c}"))
    assert data["kind"] == "table" and data["engine"] == "rules"
    assert dict(zip(data["value"]["index"], data["value"]["data"], strict=True)) == {
        "North": 20.0, "South": 20.0, "East": 5.0}
    assert data["chart"]["kind"] == "bar"


def test_unanswerable_question_exits_1_with_the_reason(table: Path) -> None:
    done = ask(str(table), "what is the meaning of life", "--engine", "rules")
    assert done.returncode == 1
    assert done.stderr.startswith("error: Cannot answer this offline") and not done.stdout
