"""The one wheel carries the sidebar: built from this checkout, installed into a fresh venv
with no Node on PATH, JupyterLab lists the extension as enabled and OK, and ``pip check``
finds the environment consistent (the Binder and container steps install the same way), and
JupyterLab's own browser check loads the lab with no error in the console or the server log."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BUILT = ROOT / "analyst_magics" / "labextension" / "package.json"


def _run(*command: str | Path, env: dict[str, str] | None = None,
         timeout: float = 900) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True,
                          timeout=timeout, env=env)
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return done


@pytest.mark.slow
def test_the_wheel_installs_the_sidebar_without_node(tmp_path: Path) -> None:
    jupyterlab = pytest.importorskip("jupyterlab")
    if not BUILT.exists():
        pytest.skip("the sidebar is not built: run scripts/build_labextension.sh")
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path / "dist", ROOT)
    wheel = next((tmp_path / "dist").glob("analyst_magics-*.whl"))
    venv = tmp_path / "venv"
    _run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    # the same JupyterLab as the test environment; pip's cache makes this an offline copy
    _run(python, "-m", "pip", "install", "-q", wheel, f"jupyterlab=={jupyterlab.__version__}")
    _run(python, "-m", "pip", "check")  # as binder/postBuild does after the same install
    no_node = {key: value for key, value in os.environ.items() if key != "PATH"}
    no_node["PATH"] = str(venv / "bin")  # no /usr/bin: Debian's node lives there
    assert shutil.which("node", path=no_node["PATH"]) is None
    listed = _run(venv / "bin" / "jupyter", "labextension", "list", env=no_node)
    line = next((ln for ln in (listed.stdout + listed.stderr).splitlines()
                 if "analyst-magics" in ln), "")
    assert "enabled" in line and "OK" in line, listed.stdout + listed.stderr
    server = _run(venv / "bin" / "jupyter", "server", "extension", "list", env=no_node)
    assert "analyst_magics" in server.stdout + server.stderr
    notebook = tmp_path / "n.ipynb"
    notebook.write_text('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
    _run(venv / "bin" / "jupyter", "nbconvert", "--to", "analyst_html", notebook, env=no_node)
    assert (tmp_path / "n.html").exists()
    if shutil.which("npm") is None or shutil.which("chromium") is None:
        pytest.skip("JupyterLab's browser check needs npm (for Playwright) and Debian's chromium")
    # the check itself runs Playwright under Node; the install above never needed it
    checked = _run(sys.executable, ROOT / "scripts" / "browser_check.py", "--python", python)
    assert "Browser test complete" in checked.stdout + checked.stderr
