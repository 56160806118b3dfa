"""The holder pool: concurrent calls on one frame, bounded frame memory, interruption."""

from __future__ import annotations

import _thread
import marshal
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from analyst_magics.config import get_settings
from analyst_magics.nlq.sandbox import SandboxError, compile_analysis, run
from analyst_magics.nlq.sandbox.cache import FrameCache, Probe
from analyst_magics.nlq.sandbox.client import WorkerPool, pool

LIMITS = {"timeout": 10.0, "memory_mb": 1024}


def _call(workers: WorkerPool, code: str, **frames: pd.DataFrame) -> Any:
    return workers.run(marshal.dumps(compile_analysis(code)), frames, **LIMITS)


def _holders(workers: WorkerPool, frame: pd.DataFrame) -> int:
    """How many idle holders hold ``frame`` unchanged."""
    return sum(holder.cache.find(Probe(frame)) is not None for holder in workers._idle)


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _gone(pid: int) -> bool:
    """The process has ended (absent, or a zombie nobody has reaped yet)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


@pytest.fixture
def two() -> Iterator[WorkerPool]:
    workers = WorkerPool(size=2)
    yield workers
    workers.close()


def test_pool_size_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANALYST_SANDBOX_WORKERS", "3")
    get_settings.cache_clear()
    try:
        assert WorkerPool().size == 3 and WorkerPool(size=1).size == 1
    finally:
        monkeypatch.undo()
        get_settings.cache_clear()


def test_concurrent_calls_on_one_frame_do_not_queue(two: WorkerPool) -> None:
    frame = pd.DataFrame({"x": np.arange(1000.0)})
    starters = [threading.Thread(target=_call, args=(two, "result = 1"), kwargs={"df": frame})
                for _ in range(2)]
    for thread in starters:
        thread.start()
    for thread in starters:
        thread.join()
    assert len(two.pids) == 2 and _holders(two, frame) == 2  # each holder keeps its copy
    outcome: list[str] = []

    def slow() -> None:
        with pytest.raises(SandboxError) as err:
            two.run(marshal.dumps(compile_analysis("while True:\n    pass")), {"df": frame},
                    timeout=3.0, memory_mb=1024)
        outcome.append(err.value.kind)

    busy = threading.Thread(target=slow)
    busy.start()
    time.sleep(0.3)
    started = time.monotonic()
    assert _call(two, "result = float(df['x'].sum())", df=frame) == float(np.arange(1000).sum())
    assert busy.is_alive(), "the quick call waited for the slow one"
    assert time.monotonic() - started < 2.0
    busy.join()
    assert outcome == ["time_limit"]


def test_twenty_callers_at_once_get_their_own_answers(two: WorkerPool) -> None:
    frame = pd.DataFrame({"x": np.arange(100_000) % 97, "g": np.arange(100_000) % 7})
    answers: dict[int, Any] = {}

    def ask(i: int) -> None:
        answers[i] = _call(two, f"result = int(df.loc[df['g'] == {i % 7}, 'x'].sum()) + {i}",
                           df=frame)

    callers = [threading.Thread(target=ask, args=(i,)) for i in range(20)]
    for thread in callers:
        thread.start()
    for thread in callers:
        thread.join()
    assert answers == {i: int(frame.loc[frame["g"] == i % 7, "x"].sum()) + i for i in range(20)}
    assert len(two.pids) <= 2


def test_holders_beyond_the_budget_stop_least_recent_first() -> None:
    mb = 2**20
    workers = WorkerPool(size=1, frame_budget=60 * mb)
    frames = [pd.DataFrame({"x": np.full(5 * mb, float(i))}) for i in range(3)]  # 40 MB each
    try:
        first = None
        for i, frame in enumerate(frames):
            assert _call(workers, "result = float(df['x'].iloc[-1])", df=frame) == float(i)
            first = first or workers.pids[0]
        assert [_holders(workers, frame) for frame in frames] == [0, 0, 1]
        _wait_until(lambda: _gone(first))  # a stopped holder's frames left with its process
        # the frames of one call are all kept, budget or not
        assert _call(workers, "result = float(a['x'].iloc[0] + b['x'].iloc[0])",
                     a=frames[1], b=frames[2]) == 3.0
        assert [_holders(workers, frame) for frame in frames] == [0, 1, 1]
        assert len(workers.pids) == 1
    finally:
        workers.close()


def test_a_holder_of_a_collected_frame_stops() -> None:
    workers = WorkerPool(size=1)
    try:
        frame = pd.DataFrame({"x": np.arange(10.0)})
        _call(workers, "result = 1", df=frame)
        (holder,) = workers.pids
        del frame
        _call(workers, "result = 2", df=pd.DataFrame({"y": [1]}))
        assert holder not in workers.pids
        _wait_until(lambda: _gone(holder))
    finally:
        workers.close()


def _wait_until(condition: Any, seconds: float = 3.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert condition()


def test_a_waiting_child_that_died_is_replaced() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0]})
    assert run("result = len(df)", frame) == 2
    waiting = [child for holder in pool().pids for child in _children(holder)
               if not _gone(child)]
    assert waiting, "no child waits for the next call"
    for child in waiting:
        os.kill(child, signal.SIGKILL)
    deadline = time.monotonic() + 3
    while not all(map(_gone, waiting)) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert run("result = float(df['x'].sum())", frame) == 3.0
    assert not set(waiting) & {c for w in pool().pids for c in _children(w) if not _gone(c)}


@pytest.mark.parametrize("how", ["SIGINT", "interrupt_main"])
def test_interrupt_leaves_no_process_and_the_next_run_works(how: str) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0]})
    assert run("result = len(df)", frame) == 3  # a warm worker: the run itself is interrupted
    holders = pool().pids
    family: dict[int, list[int]] = {}  # holder -> its children while the run goes on

    def interrupt() -> None:
        time.sleep(1.0)
        family.update((holder, _children(holder)) for holder in holders)
        if how == "SIGINT":  # what Kernel -> Interrupt sends
            signal.pthread_kill(threading.main_thread().ident, signal.SIGINT)
        else:
            _thread.interrupt_main()

    timer = threading.Thread(target=interrupt)
    started = time.monotonic()
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        run("while True:\n    pass", frame, timeout=30)
    timer.join()
    assert time.monotonic() - started < 6.0
    (stopped,) = set(holders) - set(pool().pids)  # the interrupted holder, and only it
    processes = [stopped, *family[stopped]]
    assert len(processes) > 1, "the run's child process was not seen"
    deadline = time.monotonic() + 3
    while not all(map(_gone, processes)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert all(map(_gone, processes)), "the interrupted holder or a child of it still runs"
    assert run("result = float(df['x'].sum())", frame) == 6.0


@pytest.mark.parametrize("copy_on_write", [
    pytest.param(True, marks=pytest.mark.skipif(
        int(pd.__version__.split(".")[0]) < 3 and pd.get_option("mode.copy_on_write") is not True,
        reason="this pandas does not copy on write")),
    False])
def test_a_changed_frame_is_sent_again(copy_on_write: bool) -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0], "o": pd.Series([[1], "a", None], dtype=object)})

    def probe() -> Probe:
        return Probe(frame, copy_on_write=copy_on_write)

    def held() -> FrameCache:
        cache = FrameCache()
        cache.add(probe(), 100)
        return cache

    cache = held()
    assert cache.serves([probe()]) and cache.serves([probe(), probe()])  # one frame, two names
    assert not cache.serves([probe(), Probe(frame.copy(), copy_on_write=copy_on_write)])
    frame.loc[0, "x"] = 5.0
    assert not cache.serves([probe()])
    cache = held()
    frame.iloc[[0, 1]] = frame.iloc[[1, 0]].to_numpy()  # same values, other rows
    assert not cache.serves([probe()])
    cache = held()
    frame.loc[2, "o"] = "c"  # one text cell
    assert not cache.serves([probe()])


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_a_forked_copy_of_the_caller_starts_its_own_sandbox() -> None:
    frame = pd.DataFrame({"x": [1.0, 2.0]})
    assert run("result = float(df['x'].sum())", frame) == 3.0
    before = (pool().server_pid, pool().pids)
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the forked copy
        try:
            answer = run("result = float(df['x'].max())", frame)
            os.write(write_fd, f"{answer} {pool().server_pid}".encode())
        finally:
            pool().close()
            os._exit(0)
    os.close(write_fd)
    answer, server = os.read(read_fd, 100).decode().split()
    os.close(read_fd)
    os.waitpid(pid, 0)
    assert float(answer) == 2.0 and int(server) != before[0]
    assert (pool().server_pid, pool().pids) == before  # the original's sandbox is untouched
    assert run("result = float(df['x'].min())", frame) == 1.0
