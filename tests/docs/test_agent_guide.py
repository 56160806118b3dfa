"""The commands of CURSOR.md and CONTRIBUTING.md run as written, from the repository root.

Left out, by a phrase they contain: running this very suite, installing into the environment,
and installing git hooks (each is what CI does anyway, or changes the machine).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"```bash\n(.*?)```", re.S)
INLINE = re.compile(r"`((?:bash|cd|\.venv/bin/)[^`]*)`")
NOT_RUN = {"bash scripts/test.sh": "this very suite",
           "pip install -e": "installs into the environment",
           "pre-commit install": "installs git hooks"}


def commands(name: str) -> list[str]:
    text = (ROOT / name).read_text()
    lines = [line.split("  #")[0].strip() for block in BLOCK.findall(text)
             for line in block.splitlines()]
    found = [line for line in lines if line] + INLINE.findall(BLOCK.sub("", text))
    return [c for c in dict.fromkeys(found) if not any(p in c for p in NOT_RUN)]


@pytest.mark.slow
@pytest.mark.parametrize("guide", ["CURSOR.md", "CONTRIBUTING.md"])
def test_the_guides_commands_run(guide: str) -> None:
    found = commands(guide)
    assert len(found) >= 3, found
    venv = str(Path(sys.executable).parent)  # the environment running these tests
    for command in found:
        command = command.replace(".venv/bin", venv)
        done = subprocess.run(command, shell=True, cwd=ROOT, capture_output=True, text=True,
                              timeout=900, env={**os.environ, "PYTHON": sys.executable})
        assert done.returncode == 0, f"{command}\n{(done.stdout + done.stderr)[-2000:]}"
