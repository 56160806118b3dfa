"""How late the server's IOLoop runs a short periodic tick, and why.

A tick due every ``INTERVAL_S`` that runs ``lag`` seconds late means no callback could run
for that long. The loop thread's own CPU time over the same window tells the two causes apart:
CPU close to the lag means code on the loop blocked it; CPU close to zero means the thread was
waiting (for a core, or for the GIL held by another thread).
"""

from __future__ import annotations

import time

from tornado.ioloop import PeriodicCallback

__all__ = ["LoopWatch"]

INTERVAL_S = 0.05


class LoopWatch:
    """Worst lateness of the IOLoop since start (``report()`` for ``/health``)."""

    def __init__(self) -> None:
        self.worst_lag = self.worst_cpu = 0.0
        self._last = self._last_cpu = 0.0
        self._callback: PeriodicCallback | None = None

    def start(self) -> None:
        self._last = 0.0  # the first tick sets the baseline: startup is not lag
        self._callback = PeriodicCallback(self._tick, INTERVAL_S * 1000)
        self._callback.start()

    def stop(self) -> None:
        if self._callback is not None:
            self._callback.stop()

    def _tick(self) -> None:
        now, cpu = time.monotonic(), time.thread_time()
        lag = now - self._last - INTERVAL_S if self._last else 0.0
        if lag > self.worst_lag:
            self.worst_lag, self.worst_cpu = lag, cpu - self._last_cpu
        self._last, self._last_cpu = now, cpu

    def report(self) -> dict[str, float]:
        return {"max_lag_ms": round(1000 * max(self.worst_lag, 0.0), 1),
                "loop_cpu_in_max_lag_ms": round(1000 * self.worst_cpu, 1)}
