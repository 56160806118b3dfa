"""The README's code blocks run as written: Python and magics in an IPython shell, the command
line in a shell, the curl calls against a real Jupyter server.

Blocks that install the package, run this very suite, need a model's API key or run a
benchmark are what CI does anyway or cannot run here; they are listed and checked to be
the only ones left out.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import analyst_magics as am
from analyst_magics.config import get_settings

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"```(\w*)\n(.*?)```", re.S)
#: Blocks not run, by a phrase they contain, and why.
NOT_RUN = {"pip install .": "installs the package (the CI machine does it)",
           "ANALYST_LLM_BASE_URL=": "needs a model endpoint and its key",
           "benchmarks/": "a benchmark, not a check"}
sys.path.insert(0, str(ROOT / "tests" / "server"))


def blocks() -> list[tuple[str, str]]:
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer((ROOT / "README.md").read_text())]


def _kind(language: str, code: str) -> str:
    if any(phrase in code for phrase in NOT_RUN):
        return "skipped"
    if language == "python" or code.lstrip().startswith("%%"):
        return "ipython"
    if "curl " in code:
        return "curl"
    return "shell"


def test_every_block_is_run_or_left_out_for_a_reason() -> None:
    kinds = [_kind(lang, code) for lang, code in blocks()]
    assert kinds.count("ipython") >= 3 and "curl" in kinds and "shell" in kinds
    assert kinds.count("skipped") <= len(NOT_RUN)


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A directory with the ``sales.csv`` the README loads, and reports written inside it."""
    am.sample_data().to_csv(tmp_path / "sales.csv", index=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANALYST_DATA_DIR", str(tmp_path / "data"))
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


@pytest.mark.slow
def test_python_and_magic_blocks(workdir: Path) -> None:
    from IPython.testing.globalipapp import start_ipython

    shell = start_ipython()  # IPython's one test shell, shared with tests/notebook
    shell.reset(new_session=False)  # a namespace of its own, with IPython's internals
    try:
        for language, code in blocks():
            if _kind(language, code) == "ipython":
                result = shell.run_cell(code)
                assert result.success, f"README block failed:\n{code}\n{result.error_in_exec!r}"
        assert isinstance(shell.user_ns["sales"], type(am.sample_data(rows=5)))
        assert list((workdir / "data" / "reports").glob("*.html"))
    finally:
        shell.reset(new_session=False)  # leave no frames behind for the next test


def _commands(code: str) -> list[str]:
    """Shell lines of a block, continuation lines joined and ``[--optional]`` parts dropped."""
    joined = re.sub(r"\\\n\s*", " ", code)
    lines = [line.split("#")[0].strip() for line in joined.splitlines()]
    return [re.sub(r"\s*\[[^\]]*\]", "", line) for line in lines if line]


@pytest.mark.slow
def test_command_line_blocks(workdir: Path) -> None:
    tool = shutil.which("analyst-magics", path=str(Path(sys.executable).parent))
    assert tool is not None
    for language, code in blocks():
        if _kind(language, code) != "shell":
            continue
        for command in _commands(code):
            if command.startswith("bash scripts/test.sh"):
                continue  # this very suite
            command = command.replace("analyst-magics", tool, 1)
            done = subprocess.run(command, shell=True, cwd=workdir, capture_output=True,
                                  text=True, timeout=600, env=os.environ)
            assert done.returncode == 0, f"{command}\n{done.stderr[-2000:]}"


@pytest.mark.slow
def test_curl_blocks(workdir: Path) -> None:
    from live_server import live_server

    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    with live_server(workdir / "home") as server:
        base = server.url.rsplit("/analyst/v1", 1)[0]
        for language, code in blocks():
            if _kind(language, code) != "curl":
                continue
            for command in _commands(code):
                command = command.replace("http://localhost:8888", base).replace(
                    "$TOKEN", server.token)
                done = subprocess.run(command + " --fail-with-body -sS", shell=True, cwd=workdir,
                                      capture_output=True, text=True, timeout=300)
                assert done.returncode == 0, f"{command}\n{done.stdout[-1000:]}{done.stderr}"
