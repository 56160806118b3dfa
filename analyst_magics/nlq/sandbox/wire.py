"""Length-prefixed messages over pipes, between the parent, the worker and its children.

Waits are cut into short slices so that a signal handled between them (Ctrl-C in a kernel,
``_thread.interrupt_main()``) is raised promptly even when no system call is interrupted.
Large payloads travel as separate segments written straight from their buffers and read
straight into preallocated ones, so a frame is not joined or copied on the way.
"""

from __future__ import annotations

import contextlib
import os
import select
import struct
import sys
import time
from collections.abc import Sequence

__all__ = ["read_message", "read_segments", "widen_pipe", "write_message", "write_segments"]

_LENGTH = struct.Struct("<Q")
#: Longest single wait between checks for pending signals, in seconds.
_SLICE_S = 0.1
#: Pipe capacity asked for (Linux caps it at /proc/sys/fs/pipe-max-size, 1 MiB by default).
_PIPE_BYTES = 1 << 20


def widen_pipe(fd: int) -> None:
    """Ask for a larger pipe buffer (fewer wake-ups per megabyte); harmless where refused."""
    if sys.platform == "linux":
        import fcntl

        with contextlib.suppress(OSError):
            fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, _PIPE_BYTES)


def write_message(fd: int, *parts: bytes | memoryview) -> None:
    """Send one length-prefixed message made of ``parts`` (written without joining them)."""
    views = [memoryview(part).cast("B") for part in parts]
    write_segments(fd, [_LENGTH.pack(sum(view.nbytes for view in views)), *views])


def write_segments(fd: int, segments: Sequence[bytes | memoryview]) -> None:
    """Write buffers back to back, straight from memory (the reader knows their sizes)."""
    for segment in segments:
        data = memoryview(segment).cast("B")
        while data:
            data = data[os.write(fd, data):]


def read_message(fd: int, deadline: float | None = None,
                 limit: int | None = None) -> bytearray:
    """Receive one message; ``TimeoutError`` at the deadline, ``EOFError`` if the peer left,
    ``OverflowError`` if it announces more than ``limit`` bytes (checked before allocating)."""
    (length,) = _LENGTH.unpack(_read_into(fd, bytearray(_LENGTH.size), deadline))
    if limit is not None and length > limit:
        raise OverflowError(length)
    return _read_into(fd, bytearray(length), deadline)


def read_segments(fd: int, sizes: Sequence[int], deadline: float | None) -> list[bytearray]:
    """Read raw segments of known sizes into new writable buffers (no further copy)."""
    return [_read_into(fd, bytearray(size), deadline) for size in sizes]


def _read_into(fd: int, buffer: bytearray, deadline: float | None) -> bytearray:
    """Fill ``buffer`` from ``fd``: the kernel copies straight into it, nothing is joined."""
    view, filled = memoryview(buffer), 0
    while filled < len(buffer):
        _wait(fd, deadline)
        count = os.readv(fd, [view[filled:]])
        if not count:
            raise EOFError
        filled += count
    return buffer


def _wait(fd: int, deadline: float | None) -> None:
    """Wait until ``fd`` is readable, in slices; ``TimeoutError`` at the deadline.

    Without a deadline the read itself blocks (the worker waiting for its next request).
    """
    while deadline is not None:
        wait = min(_SLICE_S, deadline - time.monotonic())
        if wait <= 0:
            raise TimeoutError
        if select.select([fd], [], [], wait)[0]:
            return
