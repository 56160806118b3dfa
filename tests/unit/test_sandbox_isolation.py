"""The isolation layer: limits, worker replacement, no leaks, confinement, result transfer."""

from __future__ import annotations

import os
import signal
import time

import numpy as np
import pandas as pd
import pytest

from analyst_magics.nlq.sandbox import SandboxError, run
from analyst_magics.nlq.sandbox.client import pool, worker_environment

LIMIT_S = 2.0


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    return pd.DataFrame({"g": ["a", "b", "a"], "x": [1.0, 2.0, 3.0],
                         "s": pd.Series(["aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!"] * 3, dtype=object)})


@pytest.mark.parametrize(("code", "kinds"), [
    ("while True:\n    pass", {"time_limit"}),
    ("result = 9**9**9**9", {"time_limit", "memory_limit"}),
    ("a = np.ones((20000, 20000))\nresult = float((a @ a).sum())", {"time_limit", "memory_limit"}),
    ("result = df['s'].str.match(r'(a+)+$').sum()", {"time_limit"}),  # Python re backtracking
    ("result = 'a' * 12345678901", {"memory_limit"}),
    ("chunks = []\nwhile True:\n    chunks.append(' ' * 10**8)", {"memory_limit", "time_limit"}),
])
def test_resource_limits(code: str, kinds: set[str], small: pd.DataFrame) -> None:
    run("result = 0", small)  # a warm worker: the limit is measured, not the start-up
    started = time.monotonic()
    with pytest.raises(SandboxError) as err:
        run(code, small, timeout=LIMIT_S, memory_mb=1024)
    assert err.value.kind in kinds, str(err.value)
    assert time.monotonic() - started < LIMIT_S + 1.0
    assert run("result = len(df)", small) == 3  # the caller keeps answering


def test_parent_survives_a_killed_worker(small: pd.DataFrame) -> None:
    assert run("result = df['x'].sum()", small) == 6.0
    pids = pool().pids
    assert pids
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    assert run("result = df['x'].max()", small) == 3.0
    # the holder of this frame was replaced (holders of other tests' frames are replaced
    # when their frames are next used)
    assert set(pool().pids) - set(pids)


def test_no_state_leaks_between_runs(small: pd.DataFrame) -> None:
    run("df['leak'] = 1\ndf.loc[0, 'x'] = 100.0\nresult = 0", small)
    assert "leak" not in small.columns and small.loc[0, "x"] == 1.0
    assert run("result = list(df.columns)", small) == ["g", "x", "s"]
    assert run("result = float(df['x'].sum())", small) == 6.0
    run("kept = 1\nresult = 0", small)
    with pytest.raises(SandboxError, match="NameError"):
        run("result = kept", small)  # every run starts from a fresh namespace


def test_changed_frames_are_sent_again() -> None:
    frame = pd.DataFrame({"x": np.arange(5.0)})
    assert run("result = df['x'].sum()", frame) == 10.0
    frame.loc[0, "x"] = 50.0  # in place: the worker's copy is stale and must be replaced
    assert run("result = df['x'].sum()", frame) == 60.0
    frame.columns = ["y"]
    assert run("result = list(df.columns)", frame) == ["y"]


def test_several_named_frames() -> None:
    left = pd.DataFrame({"k": [1, 2], "a": [10, 20]})
    right = pd.DataFrame({"k": [1, 2], "b": [3, 4]})
    code = "result = left.merge(right, on='k')['b'].sum()"
    assert run(code, {"left": left, "right": right}) == 7
    with pytest.raises(SandboxError, match="Frame name '_x' cannot be used"):
        run(code, {"_x": left})


def test_results_round_trip(frame: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(run("result = df", frame), frame)


def test_plain_values_and_refused_objects(small: pd.DataFrame) -> None:
    assert run("result = (1, 2.5, None, float('nan') != 0, {'a': [1, {2}]}, 2**70)", small) \
        == (1, 2.5, None, True, {"a": [1, {2}]}, 2**70)
    assert run("result = df['x'].to_numpy()", small).tolist() == [1.0, 2.0, 3.0]
    with pytest.raises(SandboxError, match="Cannot return the result") as err:
        run("result = len", small)
    assert err.value.kind == "runtime"
    with pytest.raises(SandboxError, match="line 2: KeyError") as err:
        run("x = 1\nresult = df['missing']", small)
    assert err.value.kind == "runtime"


def test_worker_environment_is_scrubbed(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("OPENAI_API_KEY", "GITHUB_TOKEN", "DB_PASSWORD", "JUPYTER_TOKEN",
                 "HTTPS_PROXY", "ANALYST_LLM_API_KEY", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "s3cr3t")
    env = worker_environment("/tmp/sandbox-home")
    assert "s3cr3t" not in env.values()
    assert env["HOME"] == "/tmp/sandbox-home" and env["OPENBLAS_NUM_THREADS"] == "1"
