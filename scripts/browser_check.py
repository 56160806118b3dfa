"""Run ``python -m jupyterlab.browser_check`` against an environment, in Debian's Chromium.

JupyterLab's browser check starts the lab, loads it in Playwright's Chromium and fails on any
error in the browser console or the server log: it is how an extension shows that it loads.
It installs Playwright with npm and then its browser from Playwright's CDN, which a closed
network cannot reach. This script installs the pinned Playwright from ``browser_check/``'s lock
file (npm registry), and gives Playwright a browsers directory in which its Chromium is the
system's: the check then runs offline. Usage::

    python scripts/browser_check.py [--python ENV/bin/python] [--chromium PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent / "browser_check"
#: Playwright's name for each browser build and the executable inside it (linux x64).
EXECUTABLES = {
    "chromium": ("chrome-linux64", "chrome"),
    "chromium-headless-shell": ("chrome-headless-shell-linux64", "chrome-headless-shell"),
}
#: Installed along with chromium; only used to record videos, which the check does not.
UNUSED = ("ffmpeg",)


def system_chromium(explicit: str | None) -> Path:
    """The Chromium binary itself: Debian's ``/usr/bin/chromium`` is a wrapper script."""
    for candidate in (explicit, "/usr/lib/chromium/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise SystemExit("no Chromium found: install it (sudo apt-get install chromium) "
                     "or pass --chromium PATH")


def app_dir(python: str) -> Path:
    """JupyterLab's application directory of that environment, where the check installs."""
    out = subprocess.run([python, "-c", "from jupyterlab.commands import get_app_dir; "
                          "print(get_app_dir())"], check=True, capture_output=True, text=True)
    return Path(out.stdout.strip())


def install_playwright(target: Path) -> None:
    """The pinned Playwright in ``target/node_modules``, where the check looks for it."""
    target.mkdir(parents=True, exist_ok=True)
    for name in ("package.json", "package-lock.json"):
        shutil.copy(HERE / name, target / name)
    subprocess.run(["npm", "ci", "--silent", "--no-audit", "--no-fund"], cwd=target, check=True)


def link_browsers(target: Path, chromium: Path) -> Path:
    """A Playwright browsers directory whose Chromium builds are ``chromium``."""
    manifest = target / "node_modules" / "playwright-core" / "browsers.json"
    revisions = {b["name"]: b["revision"] for b in json.loads(manifest.read_text())["browsers"]}
    browsers = target / "browsers"
    for name, (folder, executable) in EXECUTABLES.items():
        build = browsers / f"{name.replace('-', '_')}-{revisions[name]}"
        (build / folder).mkdir(parents=True, exist_ok=True)
        link = build / folder / executable
        link.unlink(missing_ok=True)
        link.symlink_to(chromium)
        (build / "INSTALLATION_COMPLETE").touch()
    for name in UNUSED:
        build = browsers / f"{name}-{revisions[name]}"
        build.mkdir(parents=True, exist_ok=True)
        (build / "INSTALLATION_COMPLETE").touch()
    return browsers


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable,
                        help="the environment's Python (default: this one)")
    parser.add_argument("--chromium", help="the Chromium binary (default: Debian's)")
    args = parser.parse_args(argv)
    target = app_dir(args.python) / "browser_test"
    install_playwright(target)
    env = dict(os.environ, PLAYWRIGHT_BROWSERS_PATH=str(
        link_browsers(target, system_chromium(args.chromium))))
    root = ["--allow-root"] if os.geteuid() == 0 else []  # containers and CI run as root
    # The check ends with os._exit, so no server extension shuts down: its own session lets
    # the processes it leaves (worker pools) be ended with it, and not hold our pipes open.
    check = subprocess.Popen([args.python, "-m", "jupyterlab.browser_check", *root],
                             env=env, start_new_session=True)
    try:
        return check.wait()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(check.pid, signal.SIGTERM)


if __name__ == "__main__":
    sys.exit(main())
