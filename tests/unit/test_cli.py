from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from analyst_magics.cli import build_parser
from analyst_magics.progress import ProgressLine


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "analyst_magics", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


@pytest.mark.slow
def test_analyze_sample_writes_strict_json_and_a_report(tmp_path: Path) -> None:
    done = _cli("analyze", "--sample", "--out", "out", "-q", "how many rows are there?",
                "--format", "json,html", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads((tmp_path / "out" / "analysis.json").read_text(),
                      parse_constant=lambda c: pytest.fail(f"non-strict JSON constant {c}"))
    assert data["metadata"]["name"] == "sample_orders"
    assert data["metadata"]["rows"] > 1000
    assert data["insights"] and data["cleaning"]["steps"] and data["profile"]["column_profiles"]
    assert data["answers"][0]["question"] == "how many rows are there?"
    assert "Top insights" in done.stdout and str(tmp_path / "out" / "analysis.json") in done.stdout
    assert "100%" in done.stderr  # progress shown
    html = list((tmp_path / "out").glob("sample_orders-*.html"))
    assert len(html) == 1 and str(html[0]) in done.stdout


def test_missing_file_is_a_one_line_error(tmp_path: Path) -> None:
    done = _cli("analyze", "nope.csv", "--out", "out", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stderr.startswith("error: ") and "nope.csv" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(("argv", "message"), [
    (["analyze"], "one of the arguments path --sample is required"),
    (["analyze", "--sample", "--format", "docx"], "unknown format 'docx'; choose from html"),
    (["frobnicate"], "invalid choice"),
])
def test_usage_errors(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args(argv)
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


def test_progress_line_without_terminal(tmp_path: Path) -> None:
    log = tmp_path / "log.txt"
    with log.open("w") as stream:
        progress = ProgressLine(stream)
        for stage, fraction in [("cleaning", 0.1), ("cleaning", 0.2), ("answering: a", 0.8),
                                ("answering: b", 0.9)]:
            progress(stage, fraction)
        progress.close()
    assert log.read_text().splitlines() == [" 10% cleaning", " 80% answering: a"]


@pytest.mark.parametrize("backend", ["pandas", "duckdb"])
def test_profile_prints_the_profile_from_either_backend(tmp_path: Path, backend: str) -> None:
    pytest.importorskip("duckdb")
    from analyst_magics.sample import sample_data

    sample_data().to_parquet(tmp_path / "orders.parquet")
    done = _cli("profile", "orders.parquet", "--backend", backend, "--json", "--quiet",
                cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["name"] == "orders" and data["rows"] == len(sample_data())
    assert {c["name"] for c in data["column_profiles"]} == set(sample_data().columns)
    text = _cli("profile", "orders.parquet", "--backend", backend, cwd=tmp_path)
    assert text.returncode == 0 and "orders" in text.stdout and "100%" in text.stderr


def test_profile_refuses_an_unknown_backend(tmp_path: Path) -> None:
    done = _cli("profile", "x.csv", "--backend", "spark", cwd=tmp_path)
    assert done.returncode == 2 and "invalid choice: 'spark'" in done.stderr
