"""The sandbox's processes: one holder per frame set, nothing outlives a call, no state carries.

These are the isolation guarantees that are about processes rather than system calls: code
run on one frame set shares memory with no process that ever held another set's frames
(read here from the processes' own memory), a call's child is gone when the call returns,
and no call can change what the next call on the same holder sees.
"""

from __future__ import annotations

import secrets
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analyst_magics.nlq.sandbox import SandboxError, run
from analyst_magics.nlq.sandbox.cache import Probe
from analyst_magics.nlq.sandbox.client import WorkerPool, pool

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc")


def _parent(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def _children(pid: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(stat.parent.name))
    return found


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _memory_holds(pid: int, needle: bytes) -> bool:
    """Whether ``needle`` is anywhere in the readable memory of process ``pid``."""
    found = False
    with open(f"/proc/{pid}/maps") as maps, open(f"/proc/{pid}/mem", "rb", 0) as mem:
        for line in maps:
            span, perms = line.split()[:2]
            if not perms.startswith("r") or line.rstrip().endswith(("[vvar]", "[vsyscall]")):
                continue
            start, end = (int(part, 16) for part in span.split("-"))
            try:
                mem.seek(start)
                found = found or needle in mem.read(end - start)
            except (OSError, OverflowError, ValueError):
                continue
    return found


@pytest.fixture
def own_pool() -> Iterator[WorkerPool]:
    workers = WorkerPool(size=2)
    yield workers
    workers.close()


def _call(workers: WorkerPool, code: str, **frames: pd.DataFrame) -> object:
    from marshal import dumps

    from analyst_magics.nlq.sandbox import compile_analysis

    return workers.run(dumps(compile_analysis(code)), frames, timeout=10, memory_mb=1024)


def _holder_of(workers: WorkerPool, *frames: pd.DataFrame) -> int:
    probes = [Probe(frame) for frame in frames]
    (pid,) = [holder.pid for holder in workers._idle if holder.cache.serves(probes)]
    return pid


def test_code_for_one_frame_set_shares_no_memory_with_another(own_pool: WorkerPool) -> None:
    marks = {name: f"mark-{name}-{secrets.token_hex(12)}" for name in ("hr", "sales")}
    hr = pd.DataFrame({"ssn": [marks["hr"]] * 3, "salary": [1.0, 2.0, 3.0]})
    sales = pd.DataFrame({"note": [marks["sales"]] * 3, "amount": [4.0, 5.0, 6.0]})
    assert _call(own_pool, "result = len(df)", df=hr) == 3
    assert _call(own_pool, "result = len(df)", df=sales) == 3
    hr_holder, sales_holder = _holder_of(own_pool, hr), _holder_of(own_pool, sales)
    server = own_pool.server_pid
    assert server is not None and hr_holder != sales_holder
    assert _parent(hr_holder) == server and _parent(sales_holder) == server
    try:
        assert _memory_holds(hr_holder, marks["hr"].encode())  # the check can find a mark
    except PermissionError:
        pytest.skip("this user cannot read the sandbox processes' memory")
    assert not _memory_holds(sales_holder, marks["hr"].encode())
    assert _memory_holds(sales_holder, marks["sales"].encode())
    assert not _memory_holds(server, marks["hr"].encode())
    assert not _memory_holds(server, marks["sales"].encode())
    for child in _children(sales_holder):  # its waiting child: forked from it alone
        assert not _memory_holds(child, marks["hr"].encode())


def test_a_call_binding_two_frame_sets_gets_a_holder_of_its_own(own_pool: WorkerPool) -> None:
    left, right = pd.DataFrame({"k": [1, 2]}), pd.DataFrame({"k": [2, 3]})
    _call(own_pool, "result = 1", df=left)
    assert _call(own_pool, "result = len(a.merge(b, on='k'))", a=left, b=right) == 1
    assert len(own_pool.pids) == 2
    assert _holder_of(own_pool, left) != _holder_of(own_pool, left, right)


@pytest.mark.parametrize(("code", "kind"), [
    ("result = df['x'].sum()", None),
    ("result = df.to_pickle('x')", "policy"),
    ("while True:\n    pass", "time_limit"),
    ("result = 'a' * 12345678901", "memory_limit"),
])
def test_no_process_outlives_a_call(code: str, kind: str | None) -> None:
    frame = pd.DataFrame({"x": np.arange(10.0)})
    run("result = 0", frame)
    (holder,) = [h.pid for h in pool()._idle if h.cache.serves([Probe(frame)])]
    ready = _children(holder)
    assert ready, "no child waits for the next call"
    if kind is None:
        run(code, frame, timeout=2)
    else:
        with pytest.raises(SandboxError) as err:
            run(code, frame, timeout=2, memory_mb=1024)
        assert err.value.kind == kind
    deadline = time.monotonic() + 2
    while any(map(_alive, ready)) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(map(_alive, ready)), "the child that ran the call still runs"
    assert len(_children(holder)) == 1  # only the next call's waiting child


def test_a_call_cannot_change_what_the_next_call_sees() -> None:
    frame = pd.DataFrame({"x": np.arange(5.0), "g": list("aabbc")})
    run("result = 0", frame)
    holder = _serving(frame)
    run("df['x'] = -1.0\ndf.columns = ['p', 'q']\ndf.query('p > 0', inplace=True)\n"
        "kept = 1\nresult = 0", frame)
    assert run("result = (list(df.columns), float(df['x'].sum()), len(df))", frame) \
        == (["x", "g"], 10.0, 5)
    with pytest.raises(SandboxError, match="NameError"):
        run("result = kept", frame)
    assert _serving(frame) == holder  # the same holder served every call
    assert list(frame.columns) == ["x", "g"] and frame["x"].sum() == 10.0


def _serving(frame: pd.DataFrame) -> int:
    (pid,) = [h.pid for h in pool()._idle if h.cache.serves([Probe(frame)])]
    return pid


def test_random_state_is_new_in_every_call() -> None:
    frame = pd.DataFrame({"x": np.arange(1000)})
    draws = {run("result = float(np.random.rand())", frame) for _ in range(3)}
    samples = {tuple(run("result = df.sample(5)['x'].tolist()", frame)) for _ in range(3)}
    assert len(draws) == 3 and len(samples) == 3


def test_the_child_holds_no_descriptor_but_its_result_pipe() -> None:
    """Seen from outside: while a call runs, its child has only 0-2 and one pipe open."""
    frame = pd.DataFrame({"x": [1.0]})
    run("result = 0", frame)
    (holder,) = [h.pid for h in pool()._idle if h.cache.serves([Probe(frame)])]
    import threading

    worker = threading.Thread(target=lambda: pytest.raises(
        SandboxError, run, "while True:\n    pass", frame, timeout=3))
    worker.start()
    time.sleep(1.0)
    seen = [fds for fds in map(_fds, _children(holder)) if fds and len(fds) <= 4]
    worker.join()
    assert seen, "the running child was not seen"
    (fds,) = seen
    result_pipe = max(fds)
    assert set(fds) == {0, 1, 2, result_pipe} and fds[result_pipe].startswith("pipe:")


def _fds(pid: int) -> dict[int, str] | None:
    try:
        return {int(fd.name): str(fd.readlink()) for fd in Path(f"/proc/{pid}/fd").iterdir()}
    except OSError:
        return None
