"""Shared fixtures: the data shapes every engine function must survive (see STYLE.md #10)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _numeric(n: int = 200) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    x = rng.normal(size=n)
    return pd.DataFrame({"x": x, "y": 2 * x + rng.normal(scale=0.1, size=n),
                         "k": rng.integers(0, 100, size=n)})


def _mixed(n: int = 300) -> pd.DataFrame:
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({
        "date": pd.date_range("2024-01-01", periods=n, freq="D"),
        "region": rng.choice(["north", "south", "east", "west"], size=n),
        "revenue": rng.gamma(2.0, 100.0, size=n),
        "units": rng.integers(1, 50, size=n),
        "active": rng.random(n) > 0.3,
        "note": rng.choice(["ok", "late", None], size=n),
    })
    frame.loc[frame.index[::17], "revenue"] = np.nan
    return frame


FRAMES = {
    "numeric": _numeric,
    "mixed": _mixed,
    "all_null": lambda: pd.DataFrame({"a": [np.nan] * 10, "b": [None] * 10}),
    "empty": lambda: pd.DataFrame({"a": pd.Series([], dtype=float),
                                   "b": pd.Series([], dtype=object)}),
    "one_row": lambda: pd.DataFrame({"a": [1.0], "b": ["x"]}),
    "one_column": lambda: pd.DataFrame({"a": np.arange(50, dtype=float)}),
    "tz_dates": lambda: pd.DataFrame({
        "when": pd.date_range("2024-03-01", periods=60, freq="h", tz="Europe/Paris"),
        "value": np.linspace(0, 1, 60)}),
    "high_cardinality": lambda: pd.DataFrame({
        "id": [f"id-{i:05d}" for i in range(2000)],
        "value": np.random.default_rng(2).normal(size=2000)}),
    "wide": lambda: pd.DataFrame(np.random.default_rng(3).normal(size=(20, 2000)),
                                 columns=[f"c{i}" for i in range(2000)]),
    "mixed_object": lambda: pd.DataFrame({"m": [1, "two", 3.0, None, True, "6"] * 5}),
}


@pytest.fixture(params=sorted(FRAMES), ids=sorted(FRAMES))
def frame(request: pytest.FixtureRequest) -> pd.DataFrame:
    """One of the data shapes every engine function must handle."""
    return FRAMES[request.param]()


@pytest.fixture
def shared_dir() -> Path:
    """``../shared`` beside the repository; tests that need it skip when it is absent."""
    if not SHARED.is_dir():
        pytest.skip(f"evaluation material not found at {SHARED} (it lives beside the repository)")
    return SHARED


CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--disable-quic"]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Debian's Chromium (scripts/test.sh installs it); tests that need it skip without it."""
    import shutil

    found = next((shutil.which(n) for n in ("chromium", "chromium-browser") if shutil.which(n)),
                 None)
    if found is None:
        pytest.skip("Chromium is not installed (scripts/test.sh installs Debian's chromium)")
    return found


@pytest.fixture(scope="module")
def browser(chromium_path: str):
    """A real headless Chromium driven by Playwright (no browser download: the system one).

    Module-scoped: Playwright's sync API keeps an event loop running while it is open, which
    the Jupyter server tests' own loop must not meet.
    """
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=chromium_path,
                                              args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()
