"""Process confinement of a sandbox run, applied by the forked child to itself before the code.

These hold even if the policy layer had a hole, each on its own:

- descriptors: every one but the result pipe (and ``/dev/null`` on 0-2) is closed, so the
  code holds no pipe to the worker, no ruleset, no file;
- resource limits: address space, CPU time, no file growth, no core dumps, few descriptors;
- capabilities dropped (a child of a root process is root), not dumpable, no new privileges;
- Landlock (``landlock.py``): reads only beneath the interpreter and its libraries, no
  writes anywhere, no TCP, no signals or abstract sockets outside the child;
- seccomp (``seccomp.py``): an allowlist of system calls, with writes, sockets, process
  creation and shared writable mappings refused by their arguments.

Each kernel layer is best effort: a kernel without it keeps the others, and
:meth:`Confinement.apply` reports which layers are in force.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import socket
import struct
import sys
from dataclasses import dataclass
from pathlib import Path

from . import landlock, seccomp

__all__ = ["Confinement", "Prepared", "confine", "current_address_space"]

_PR_SET_PDEATHSIG = 1
_PR_SET_DUMPABLE = 4
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_CAPABILITY_VERSION_3 = 0x20080522
#: Descriptors the code may open at once (a lazy import needs one or two).
_MAX_OPEN_FILES = 32


def current_address_space() -> int:
    """Bytes of virtual address space this process maps now (Linux; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


@dataclass
class Prepared:
    """The kernel objects of one child's confinement, built ahead of its request."""

    ruleset: int
    program: seccomp.Program | None


class Confinement:
    """What a child needs to confine itself, read once in the worker before forking."""

    def __init__(self) -> None:
        self.libc = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None
        self.roots = landlock.read_roots() if self.libc else ()

    def prepare(self) -> Prepared:
        """Build this process's Landlock ruleset and seccomp program (not enforced yet).

        Cheap to do in a waiting child, so that a call does not wait for it; the ruleset
        is this process's own descriptor, which :meth:`apply` enforces and closes.
        """
        if self.libc is None:
            return Prepared(-1, None)
        return Prepared(landlock.build(self.libc, self.roots),
                        seccomp.allowlist_program(os.getpid()))

    def apply(self, *, timeout: float, memory_mb: int, keep: tuple[int, ...] = (),
              prepared: Prepared | None = None) -> list[str]:
        """Confine this process for one run, keeping only descriptors 0-2 and ``keep``;
        returns the names of the layers in force."""
        prepared = prepared or self.prepare()
        _close_descriptors((*keep, prepared.ruleset))
        extra = memory_mb * 1024 * 1024
        limit = current_address_space() + extra if sys.platform == "linux" else extra
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        cpu = int(timeout) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write then fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        _block_python_sockets()
        layers = ["descriptors", "rlimits", "python-sockets"]
        libc = self.libc
        if libc is None:
            return layers
        if _drop_capabilities(libc):
            layers.append("capabilities")
        libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
        if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return layers
        if landlock.enforce(libc, prepared.ruleset):  # closes the ruleset
            layers.append("landlock")
        resource.setrlimit(resource.RLIMIT_NOFILE, (_MAX_OPEN_FILES, _MAX_OPEN_FILES))
        program = prepared.program
        if program is not None and libc.prctl(
                _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, program.fprog, 0, 0) == 0:
            layers.append("seccomp")
        return layers

    def die_with(self, parent: int) -> None:
        """Have the kernel kill this process when ``parent`` dies (Linux), so a worker that
        is killed mid-run (an interrupted caller, a crash) leaves no child running."""
        if self.libc is not None:
            self.libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # it died before the request took effect
            os._exit(1)


def confine(*, timeout: float, memory_mb: int, keep: tuple[int, ...] = ()) -> list[str]:
    """Confine this process now (prepares and applies a :class:`Confinement`)."""
    return Confinement().apply(timeout=timeout, memory_mb=memory_mb, keep=keep)


def _close_descriptors(keep: tuple[int, ...]) -> None:
    """Close every descriptor above 2 except ``keep`` (close_range(2) where available)."""
    start = 3
    for fd in sorted(set(keep)):
        if fd >= start:
            os.closerange(start, fd)
            start = fd + 1
    os.closerange(start, os.sysconf("SC_OPEN_MAX") if sys.platform != "linux" else 2**31 - 1)


def _drop_capabilities(libc: ctypes.CDLL) -> bool:
    """Empty the effective, permitted and inheritable capability sets (a root child)."""
    if os.geteuid() != 0 or not hasattr(libc, "capset"):
        return False
    header = struct.pack("Ii", _CAPABILITY_VERSION_3, 0)
    return libc.capset(header, bytes(24)) == 0


def _block_python_sockets() -> None:
    """Refuse socket creation at the Python level too (kernel layers may be missing)."""
    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError("network access is disabled in the analysis sandbox")
    socket.socket = refused  # type: ignore[assignment,misc]
    socket.create_connection = refused  # type: ignore[assignment]
    socket.socketpair = refused  # type: ignore[assignment]
