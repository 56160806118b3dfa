"""Process confinement of a sandbox run, applied in the forked child before the code runs.

These hold even if the policy layer had a hole: resource limits (address space, CPU time,
no file growth, no core dumps); on Linux a seccomp filter (no ``execve``, no sockets except
AF_UNIX, no ``ptrace``/``process_vm_*``) and a Landlock ruleset (no file writes anywhere,
reads only beneath the interpreter and its libraries, no TCP bind/connect, no signals to
processes outside the sandbox). Each kernel layer is best effort: a kernel without it keeps
the others; :func:`confine` reports which layers are active.
"""

from __future__ import annotations

import ctypes
import os
import platform
import resource
import signal
import socket
import struct
import sys
from pathlib import Path
from typing import Any

__all__ = ["Confinement", "confine", "current_address_space"]

_PR_SET_PDEATHSIG = 1
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_RET_ALLOW = 0x7FFF0000
_RET_EPERM = 0x00050000 | 1
# (AUDIT_ARCH, {syscall: number}) per machine; x32 calls (bit 30) are refused on x86_64.
_SYSCALLS = {
    "x86_64": (0xC000003E, {"socket": 41, "execve": 59, "execveat": 322, "ptrace": 101,
                            "process_vm_readv": 310, "process_vm_writev": 311}),
    "aarch64": (0xC00000B7, {"socket": 198, "execve": 221, "execveat": 281, "ptrace": 117,
                             "process_vm_readv": 270, "process_vm_writev": 271}),
}
_LANDLOCK_CREATE, _LANDLOCK_ADD, _LANDLOCK_RESTRICT = 444, 445, 446
_READ = (1 << 2) | (1 << 3)  # READ_FILE | READ_DIR
_READ_ROOTS = ("/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/local/lib", "/etc/ld.so.cache",
               "/usr/share/zoneinfo", "/etc/localtime", "/dev/null", "/dev/urandom",
               "/sys/devices/system/cpu", "/proc/self")


def current_address_space() -> int:
    """Bytes of virtual address space this process maps now (Linux; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE")


class Confinement:
    """Kernel objects prepared once in the worker, applied in each forked child."""

    def __init__(self) -> None:
        self.libc = ctypes.CDLL(None, use_errno=True) if sys.platform == "linux" else None
        self.ruleset = _landlock_ruleset(self.libc) if self.libc else -1
        self.program = _seccomp_program() if self.libc else None

    def apply(self, *, timeout: float, memory_mb: int) -> list[str]:
        """Limit this process for one run; returns the names of the layers in force."""
        extra = memory_mb * 1024 * 1024
        limit = current_address_space() + extra if sys.platform == "linux" else extra
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        cpu = int(timeout) + 2
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write then fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        _block_python_sockets()
        layers = ["rlimits", "python-sockets"]
        libc = self.libc
        if libc is None or libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
            return layers
        if self.ruleset >= 0 and libc.syscall(_LANDLOCK_RESTRICT, self.ruleset, 0) == 0:
            layers.append("landlock")
        if self.program is not None and libc.prctl(
                _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, self.program[1], 0, 0) == 0:
            layers.append("seccomp")
        return layers

    def die_with(self, parent: int) -> None:
        """Have the kernel kill this process when ``parent`` dies (Linux), so a worker that
        is killed mid-run (an interrupted caller, a crash) leaves no child running."""
        if self.libc is not None:
            self.libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # it died before the request took effect
            os._exit(1)


def confine(*, timeout: float, memory_mb: int) -> list[str]:
    """Confine this process now (prepares and applies a :class:`Confinement`)."""
    return Confinement().apply(timeout=timeout, memory_mb=memory_mb)


def _block_python_sockets() -> None:
    """Refuse socket creation at the Python level too (kernel layers may be missing)."""
    def refused(*args: object, **kwargs: object) -> None:
        raise PermissionError("network access is disabled in the analysis sandbox")
    socket.socket = refused  # type: ignore[assignment,misc]
    socket.create_connection = refused  # type: ignore[assignment]
    socket.socketpair = refused  # type: ignore[assignment]


def _seccomp_program() -> tuple[Any, bytes] | None:
    arch = _SYSCALLS.get(platform.machine())
    if arch is None:
        return None
    program = _filter(*arch, x32=platform.machine() == "x86_64")
    buffer = ctypes.create_string_buffer(b"".join(program))
    return buffer, struct.pack("HxxxxxxQ", len(program), ctypes.addressof(buffer))


def _filter(audit_arch: int, numbers: dict[str, int], *, x32: bool) -> list[bytes]:
    """A classic-BPF seccomp program (seccomp(2)); jump offsets count instructions skipped."""
    def op(code: int, k: int, jt: int = 0, jf: int = 0) -> bytes:
        return struct.pack("HBBI", code, jt, jf, k)
    load, jeq, jge, ret = 0x20, 0x15, 0x35, 0x06
    checks = [(jge, 0x40000000)] if x32 else []
    checks += [(jeq, numbers[name]) for name in ("execve", "execveat", "ptrace",
                                                 "process_vm_readv", "process_vm_writev")]
    deny_at = len(checks) + 3  # index of the EPERM return below, counted from the checks
    return [
        op(load, 4), op(jeq, audit_arch, 1, 0), op(ret, _RET_EPERM), op(load, 0),
        *(op(code, k, deny_at - (i + 1), 0) for i, (code, k) in enumerate(checks)),
        op(jeq, numbers["socket"], 0, 3), op(load, 16),  # args[0] of socket(): the family
        op(jeq, socket.AF_UNIX, 1, 0), op(ret, _RET_EPERM), op(ret, _RET_ALLOW),
    ]


def _landlock_ruleset(libc: ctypes.CDLL) -> int:
    """A ruleset: no writes anywhere, reads beneath the interpreter and system libraries."""
    abi = libc.syscall(_LANDLOCK_CREATE, None, 0, 1)
    if abi < 1:
        return -1
    handled_fs = (1 << 13) - 1 | (1 << 13 if abi >= 2 else 0) | (1 << 14 if abi >= 3 else 0) \
        | (1 << 15 if abi >= 5 else 0)
    handled_net = 0b11 if abi >= 4 else 0  # TCP bind and connect
    scoped = 0b11 if abi >= 6 else 0  # abstract unix sockets and signals
    attr = struct.pack("QQQ", handled_fs, handled_net, scoped)[:8 * (1 + (abi >= 4) + (abi >= 6))]
    ruleset = libc.syscall(_LANDLOCK_CREATE, attr, len(attr), 0)
    if ruleset >= 0:
        os.set_inheritable(ruleset, False)
        for root in _read_roots():
            _allow_read(libc, ruleset, root)
    return ruleset


def _read_roots() -> set[str]:
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, *_READ_ROOTS}
    roots.update(entry for entry in sys.path if entry)
    roots.add(str(Path(__file__).resolve().parents[3]))
    return {root for root in roots if os.path.exists(root)}


def _allow_read(libc: ctypes.CDLL, ruleset: int, path: str) -> None:
    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    try:
        access = _READ if os.path.isdir(path) else 1 << 2
        rule = struct.pack("=Qi", access, fd)
        libc.syscall(_LANDLOCK_ADD, ruleset, 1, rule, 0)
    finally:
        os.close(fd)
