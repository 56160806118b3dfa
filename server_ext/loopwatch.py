"""How late the server's IOLoop runs a short periodic tick, and why.

A tick due every ``INTERVAL_S`` that runs ``lag`` seconds late means no callback could run
for that long. The loop thread's own CPU time over the same window tells the two causes apart:
CPU close to the lag means code on the loop blocked it; CPU close to zero means the thread was
waiting (for a core, or for the GIL held by another thread). A watchdog thread notes where the
loop thread is when a tick is ``STALL_S`` overdue, so the log names the code that blocked it.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import traceback

from tornado.ioloop import PeriodicCallback

__all__ = ["LoopWatch"]

INTERVAL_S = 0.05
#: lateness worth a log line with the loop thread's stack
STALL_S = 0.1
#: innermost frames of that stack kept in the log line
STACK_DEPTH = 6


class LoopWatch:
    """Worst lateness of the IOLoop since start (``report()`` for ``/health``)."""

    def __init__(self, log: logging.Logger | None = None) -> None:
        self.log = log
        self.worst_lag = self.worst_cpu = 0.0
        self._last = self._last_cpu = 0.0
        self._callback: PeriodicCallback | None = None
        self._stopped = threading.Event()
        self._stall_stack = ""

    def start(self) -> None:
        self._last = 0.0  # the first tick sets the baseline: startup is not lag
        self._callback = PeriodicCallback(self._tick, INTERVAL_S * 1000)
        self._callback.start()
        if self.log is not None:
            threading.Thread(target=self._watch, args=(threading.get_ident(),),
                             name="analyst-loopwatch", daemon=True).start()

    def stop(self) -> None:
        self._stopped.set()
        if self._callback is not None:
            self._callback.stop()

    def _tick(self) -> None:
        now, cpu = time.monotonic(), time.thread_time()
        lag = now - self._last - INTERVAL_S if self._last else 0.0
        if lag > self.worst_lag:
            self.worst_lag, self.worst_cpu = lag, cpu - self._last_cpu
        if lag > STALL_S and self.log is not None:
            self.log.warning("analyst: the IOLoop was blocked for %.0f ms (%.0f ms of it CPU "
                             "on the loop thread)%s", 1000 * lag,
                             1000 * (cpu - self._last_cpu), self._stall_stack)
        self._stall_stack = ""
        self._last, self._last_cpu = now, cpu

    def _watch(self, loop_thread: int) -> None:
        """Sample the loop thread's stack once per stall, while it is still stalled."""
        while not self._stopped.wait(INTERVAL_S):
            last = self._last
            if not last or self._stall_stack or time.monotonic() - last < INTERVAL_S + STALL_S:
                continue
            frame = sys._current_frames().get(loop_thread)
            if frame is not None:
                stack = [f for f in traceback.extract_stack(frame)
                         if not f.filename.startswith("<frozen importlib")]  # name the import
                where = traceback.format_list(stack[-STACK_DEPTH:])
                self._stall_stack = "; it was in:\n" + "".join(where)

    def report(self) -> dict[str, float]:
        return {"max_lag_ms": round(1000 * max(self.worst_lag, 0.0), 1),
                "loop_cpu_in_max_lag_ms": round(1000 * self.worst_cpu, 1)}
