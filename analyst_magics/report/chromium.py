"""Print an HTML page to PDF with a system Chromium, headless and offline."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..config import get_settings
from ..errors import AnalystError

__all__ = ["ChromiumNotFoundError", "find_chromium", "print_to_pdf"]

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
#: How long charts may take to draw (Chromium's virtual time, in ms).
RENDER_BUDGET_MS = 20_000
PRINT_TIMEOUT_S = 120
#: Paper widths, and the left and right page margins the report's print stylesheet sets.
PAPER_WIDTH_MM = {"A4": 210.0, "Letter": 215.9}
SIDE_MARGIN_MM = 12
#: Flags for a headless run that never reaches the network (the page itself is offline).
FLAGS = (
    "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-quic", "--mute-audio", "--hide-scrollbars",
    "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
)


class ChromiumNotFoundError(AnalystError):
    """No Chromium to print PDFs with."""


def find_chromium(explicit: str | None = None) -> str:
    """The Chromium to use: ``explicit``, ``ANALYST_CHROMIUM``, or the first one on ``PATH``."""
    chosen = explicit or get_settings().chromium
    if chosen:
        path = shutil.which(chosen)
        if path is None:
            raise ChromiumNotFoundError(
                f"Chromium not found at {chosen!r} (from ANALYST_CHROMIUM or the chromium "
                "option). Point it at an existing executable, or unset it to search PATH.")
        return path
    for name in CANDIDATES:
        path = shutil.which(name)
        if path is not None:
            return path
    raise ChromiumNotFoundError(
        "PDF reports need Chromium and none was found on PATH. Install it (Debian/Ubuntu: "
        "sudo apt-get install chromium) or set ANALYST_CHROMIUM to its path. HTML reports "
        "work without it.")


def print_width_px(paper: str) -> int:
    """The printable width of ``paper`` in CSS pixels (96 per inch)."""
    return round((PAPER_WIDTH_MM[paper] - 2 * SIDE_MARGIN_MM) / 25.4 * 96)


def print_to_pdf(page: Path, pdf: Path, *, chromium: str | None = None,
                 paper: str | None = None, timeout: float = PRINT_TIMEOUT_S) -> Path:
    """Render ``page`` in headless Chromium, let its scripts finish, and print it to ``pdf``.

    The window is as wide as the printable width of the paper, so charts and tables are laid
    out once, at the size they are printed.
    """
    executable = find_chromium(chromium)
    width = print_width_px(paper or get_settings().paper)
    with tempfile.TemporaryDirectory(prefix="analyst-chromium-") as profile:
        args = [executable, *FLAGS, f"--user-data-dir={profile}", f"--window-size={width},1000",
                f"--virtual-time-budget={RENDER_BUDGET_MS}", f"--print-to-pdf={pdf}",
                page.resolve().as_uri()]
        if getattr(os, "geteuid", lambda: -1)() == 0:  # Chromium refuses root without it
            args.insert(1, "--no-sandbox")
        try:
            done = subprocess.run(args, capture_output=True, text=True, timeout=timeout,
                                  check=False)
        except subprocess.TimeoutExpired:
            raise AnalystError(f"Chromium did not finish printing {page.name} within "
                               f"{timeout:.0f} s.") from None
    if done.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        tail = (done.stderr or "").strip().splitlines()[-3:]
        raise AnalystError(f"Chromium could not print {page.name} to PDF (exit "
                           f"{done.returncode}): {' | '.join(tail)}")
    return pdf
