"""The sidebar's TypeScript checks and unit tests (comm protocol, REST client), run by npm in
``labextension/`` so that they count in the one test command."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

LABEXTENSION = Path(__file__).resolve().parents[2] / "labextension"


@pytest.mark.slow
def test_typescript_checks_and_unit_tests_pass() -> None:
    if shutil.which("npm") is None or not (LABEXTENSION / "node_modules").is_dir():
        pytest.skip("Node packages are not installed: run scripts/build_labextension.sh")
    done = subprocess.run(["npm", "test", "--silent"], cwd=LABEXTENSION, capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, (done.stdout + done.stderr)[-4000:]
