"""The system calls a confined child may make: an allowlist, as a seccomp BPF program.

Everything not listed fails with ``EPERM``: sockets of every family and every way to use one
(``connect``, ``sendto``, ``sendmsg``...), ``io_uring``, process creation, ``ptrace``,
``process_vm_*``, ``pidfd_*``, ``bpf``, ``userfaultfd``, ``perf_event_open``, file creation,
renaming, removal and metadata changes, mounts and namespaces, and whatever a later kernel
adds. Some calls are allowed with their arguments checked:

- ``openat``/``open`` only without a write, create, truncate or append flag;
- ``mmap`` never shared *and* writable (a shared writable mapping writes through to a file);
- no ``clone`` at all, threads included: analysis runs on one thread (BLAS is told so, and
  pandas and Arrow start none on the paths it uses), a thread cannot race a guard, and a
  thread bomb cannot exhaust the machine's process ids (the kernel does not apply
  ``RLIMIT_NPROC`` to root); ``clone3`` fails with ``ENOSYS``, as on an older kernel;
- ``tgkill`` only to the child itself; ``prlimit64`` only to read its own limits;
  ``ioctl`` only ``TCGETS`` (Python's ``isatty``); ``fcntl`` only descriptor and status
  flags and ``F_DUPFD``; ``prctl`` only thread names.

The program is built in the child that loads it, because it names the child's own pid.
"""

from __future__ import annotations

import ctypes
import platform
import struct
import sys
from dataclasses import dataclass, field

__all__ = ["ARCHITECTURES", "Program", "allowlist_program"]

_ALLOWED = (
    "read", "write", "readv", "writev", "pread64", "lseek", "close", "fstat", "newfstatat",
    "statx", "stat", "lstat", "getdents64", "readlink", "readlinkat", "access", "faccessat",
    "faccessat2", "getcwd", "dup", "dup2", "dup3", "select", "pselect6", "poll", "ppoll",
    "clock_gettime", "clock_getres", "gettimeofday", "time", "nanosleep", "clock_nanosleep",
    "futex", "set_robust_list", "rseq", "sched_yield", "sched_getaffinity", "gettid", "getpid",
    "getppid", "exit", "exit_group", "rt_sigaction", "rt_sigprocmask", "rt_sigreturn",
    "sigaltstack", "restart_syscall", "getrandom", "uname", "getuid", "geteuid", "getgid",
    "getegid", "getgroups", "getresuid", "getresgid", "getrlimit", "brk", "munmap", "mremap",
    "mprotect", "madvise", "sysinfo", "getrusage", "times", "set_tid_address", "fstatfs",
    "statfs",
)
_CHECKED = ("openat", "open", "mmap", "clone3", "tgkill", "prlimit64", "ioctl",
            "fcntl", "prctl")


@dataclass(frozen=True)
class Architecture:
    """A machine's audit architecture and system call numbers (from the kernel's unistd.h)."""

    audit: int
    numbers: dict[str, int]
    #: Bit that marks the x32 ABI on x86_64 (its calls are refused).
    x32_bit: int = 0


#: x86_64 from ``asm/unistd_64.h``; aarch64 from ``asm-generic/unistd.h``.
ARCHITECTURES = {
    "x86_64": Architecture(0xC000003E, {
        "read": 0, "write": 1, "open": 2, "close": 3, "stat": 4, "fstat": 5, "lstat": 6,
        "poll": 7, "lseek": 8, "mmap": 9, "mprotect": 10, "munmap": 11, "brk": 12,
        "rt_sigaction": 13, "rt_sigprocmask": 14, "rt_sigreturn": 15, "ioctl": 16,
        "pread64": 17, "readv": 19, "writev": 20, "access": 21, "select": 23,
        "sched_yield": 24, "mremap": 25, "madvise": 28, "dup": 32, "dup2": 33,
        "nanosleep": 35, "getpid": 39, "exit": 60, "uname": 63, "fcntl": 72,
        "getcwd": 79, "readlink": 89, "gettimeofday": 96, "getrlimit": 97, "getrusage": 98,
        "sysinfo": 99, "times": 100, "getuid": 102, "getgid": 104, "geteuid": 107,
        "getegid": 108, "getppid": 110, "getgroups": 115, "getresuid": 118,
        "getresgid": 120, "sigaltstack": 131, "statfs": 137, "fstatfs": 138, "prctl": 157,
        "gettid": 186, "time": 201, "futex": 202, "sched_getaffinity": 204,
        "getdents64": 217, "set_tid_address": 218, "restart_syscall": 219,
        "clock_gettime": 228, "clock_getres": 229, "clock_nanosleep": 230,
        "exit_group": 231, "tgkill": 234, "openat": 257, "newfstatat": 262,
        "readlinkat": 267, "faccessat": 269, "pselect6": 270, "ppoll": 271,
        "set_robust_list": 273, "dup3": 292, "prlimit64": 302, "getrandom": 318,
        "statx": 332, "rseq": 334, "clone3": 435, "faccessat2": 439}, x32_bit=0x40000000),
    "aarch64": Architecture(0xC00000B7, {
        "getcwd": 17, "dup": 23, "dup3": 24, "fcntl": 25, "ioctl": 29, "statfs": 43,
        "fstatfs": 44, "faccessat": 48, "openat": 56, "close": 57, "getdents64": 61,
        "lseek": 62, "read": 63, "write": 64, "readv": 65, "writev": 66, "pread64": 67,
        "pselect6": 72, "ppoll": 73, "readlinkat": 78, "newfstatat": 79, "fstat": 80,
        "exit": 93, "exit_group": 94, "set_tid_address": 96, "futex": 98,
        "set_robust_list": 99, "nanosleep": 101, "clock_gettime": 113, "clock_getres": 114,
        "clock_nanosleep": 115, "sched_getaffinity": 123, "sched_yield": 124,
        "restart_syscall": 128, "tgkill": 131, "sigaltstack": 132, "rt_sigaction": 134,
        "rt_sigprocmask": 135, "rt_sigreturn": 139, "getresuid": 148, "getresgid": 150,
        "times": 153, "getgroups": 158, "uname": 160, "getrlimit": 163, "getrusage": 165,
        "prctl": 167, "gettimeofday": 169, "getpid": 172, "getppid": 173, "getuid": 174,
        "geteuid": 175, "getgid": 176, "getegid": 177, "gettid": 178, "sysinfo": 179,
        "brk": 214, "munmap": 215, "mremap": 216, "mmap": 222,
        "mprotect": 226, "madvise": 233, "prlimit64": 261, "getrandom": 278, "statx": 291,
        "rseq": 293, "clone3": 435, "faccessat2": 439}),
}

_EPERM, _ENOSYS = 1, 38
_RET_ALLOW, _RET_ERRNO, _RET_KILL = 0x7FFF0000, 0x00050000, 0x80000000
_LD, _JEQ, _JGE, _JSET, _RET = 0x20, 0x15, 0x35, 0x45, 0x06
#: open flags that write: O_WRONLY O_RDWR O_CREAT O_TRUNC O_APPEND __O_TMPFILE.
_WRITE_FLAGS = 0x1 | 0x2 | 0x40 | 0x200 | 0x400 | 0x400000
_MAP_SHARED, _PROT_WRITE = 0x1, 0x2
_TCGETS = 0x5401
#: F_DUPFD F_GETFD F_SETFD F_GETFL F_SETFL F_DUPFD_CLOEXEC.
_FCNTL_COMMANDS = (0, 1, 2, 3, 4, 1030)
_PR_SET_NAME, _PR_GET_NAME = 15, 16


@dataclass
class _Assembler:
    """Classic BPF with symbolic jump targets, resolved when the program is finished."""

    code: list[tuple[int, int | str, int | str, int]] = field(default_factory=list)
    labels: dict[str, int] = field(default_factory=dict)

    def op(self, code: int, k: int, true: int | str = 0, false: int | str = 0) -> None:
        self.code.append((code, true, false, k))

    def label(self, name: str) -> None:
        self.labels[name] = len(self.code)

    def argument(self, index: int, high: bool = False) -> None:
        """Load the low (or high) 32 bits of system call argument ``index``."""
        self.op(_LD, 16 + 8 * index + (4 if high else 0))

    def finish(self) -> bytes:
        def offset(at: int, target: int | str) -> int:
            if isinstance(target, int):
                return target
            jump = self.labels[target] - at - 1
            if not 0 <= jump <= 255:
                raise ValueError(f"seccomp jump to {target} out of range")
            return jump
        return b"".join(struct.pack("HBBI", code, offset(i, t), offset(i, f), k)
                        for i, (code, t, f, k) in enumerate(self.code))


def _program(arch: Architecture, pid: int) -> bytes:
    asm, nr = _Assembler(), arch.numbers
    asm.op(_LD, 4)  # seccomp_data.arch
    asm.op(_JEQ, arch.audit, 0, "kill")
    asm.op(_LD, 0)  # seccomp_data.nr
    if arch.x32_bit:
        asm.op(_JGE, arch.x32_bit, "deny", 0)
    for name in _ALLOWED:
        if name in nr:
            asm.op(_JEQ, nr[name], "allow", 0)
    for name in _CHECKED:
        if name in nr:
            asm.op(_JEQ, nr[name], name, 0)
    asm.op(_RET, _RET_ERRNO | _EPERM)
    asm.label("openat")
    asm.argument(2)
    asm.op(_JSET, _WRITE_FLAGS, "deny", "allow")
    asm.label("open")
    asm.argument(1)
    asm.op(_JSET, _WRITE_FLAGS, "deny", "allow")
    asm.label("mmap")
    asm.argument(3)
    asm.op(_JSET, _MAP_SHARED, 0, "allow")
    asm.argument(2)
    asm.op(_JSET, _PROT_WRITE, "deny", "allow")
    asm.label("clone3")
    asm.op(_RET, _RET_ERRNO | _ENOSYS)
    asm.label("tgkill")
    asm.argument(0)
    asm.op(_JEQ, pid, "allow", "deny")
    asm.label("prlimit64")
    for index, high in ((0, False), (0, True), (2, False), (2, True)):  # pid 0, no new limit
        asm.argument(index, high)
        asm.op(_JEQ, 0, 0, "deny")
    asm.op(_RET, _RET_ALLOW)
    asm.label("ioctl")
    asm.argument(1)
    asm.op(_JEQ, _TCGETS, "allow", "deny")
    asm.label("fcntl")
    asm.argument(1)
    for command in _FCNTL_COMMANDS:
        asm.op(_JEQ, command, "allow", 0)
    asm.op(_RET, _RET_ERRNO | _EPERM)
    asm.label("prctl")
    asm.argument(0)
    asm.op(_JEQ, _PR_SET_NAME, "allow", 0)
    asm.op(_JEQ, _PR_GET_NAME, "allow", "deny")
    asm.label("allow")
    asm.op(_RET, _RET_ALLOW)
    asm.label("deny")
    asm.op(_RET, _RET_ERRNO | _EPERM)
    asm.label("kill")
    asm.op(_RET, _RET_KILL)
    return asm.finish()


@dataclass
class Program:
    """A loaded-ready ``struct sock_fprog`` and the buffer it points into."""

    instructions: ctypes.Array
    fprog: bytes


def allowlist_program(pid: int) -> Program | None:
    """The filter for process ``pid`` on this machine, or None where it is not known."""
    arch = ARCHITECTURES.get(platform.machine())
    if arch is None or sys.byteorder != "little":
        return None
    code = _program(arch, pid)
    buffer = ctypes.create_string_buffer(code, len(code))
    return Program(buffer, struct.pack("HxxxxxxQ", len(code) // 8, ctypes.addressof(buffer)))
