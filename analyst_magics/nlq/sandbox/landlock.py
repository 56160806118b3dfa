"""What a confined child may read: a Landlock ruleset built and enforced by the child itself.

The ruleset handles every file access right the kernel knows (so none is granted unless a
rule grants it), TCP bind and connect (no rule: none), and from ABI 6 abstract UNIX sockets
and signals outside the child. The only rules are *read* rules on the places the interpreter
and its libraries are loaded from (:func:`read_roots`), never the working directory, the
repository around an editable install, HOME, ``/proc`` or the data directory. The child
creates the ruleset, enforces it and closes it, so no descriptor of it survives into the
analysis code or into a sibling: a rule added later can widen nothing.
"""

from __future__ import annotations

import ctypes
import os
import struct
import sys
import sysconfig
from collections.abc import Iterable
from pathlib import Path

__all__ = ["abi", "build", "enforce", "read_roots"]

_CREATE, _ADD_RULE, _RESTRICT = 444, 445, 446
_CREATE_VERSION = 1
_RULE_PATH_BENEATH = 1
_READ_FILE, _READ_DIR = 1 << 2, 1 << 3
_SYSTEM_ROOTS = ("/usr/lib", "/usr/lib64", "/lib", "/lib64", "/usr/local/lib",
                 "/etc/ld.so.cache", "/usr/share/zoneinfo", "/etc/localtime", "/dev/null",
                 "/dev/urandom", "/sys/devices/system/cpu")


def abi(libc: ctypes.CDLL) -> int:
    """The Landlock ABI version the kernel offers (0 without Landlock)."""
    version = libc.syscall(_CREATE, None, 0, _CREATE_VERSION)
    return max(int(version), 0)


def read_roots() -> tuple[str, ...]:
    """Where the interpreter, the installed packages and the loaded libraries live."""
    roots = set(_SYSTEM_ROOTS)
    paths = sysconfig.get_paths()
    roots.update(paths[key] for key in ("stdlib", "platstdlib", "purelib", "platlib")
                 if key in paths)
    libdir = sysconfig.get_config_var("LIBDIR")
    if libdir:
        roots.add(libdir)
    for name, module in list(sys.modules.items()):
        location = getattr(module, "__file__", None)
        if "." in name or not isinstance(location, str):
            continue
        path = Path(location)
        roots.add(str(path.parent if path.name == "__init__.py" else path))
    return _outermost(root for root in roots if os.path.exists(root))


def _outermost(paths: Iterable[str]) -> tuple[str, ...]:
    """The paths not beneath another one of them (a rule covers what lies beneath it)."""
    kept: list[Path] = []
    for path in sorted({Path(p) for p in paths}, key=lambda p: len(p.parts)):
        if not any(path.is_relative_to(root) for root in kept):
            kept.append(path)
    return tuple(sorted(str(path) for path in kept))


def _ruleset_attr(version: int) -> bytes:
    handled_fs = (1 << 13) - 1
    handled_fs |= (1 << 13 if version >= 2 else 0) | (1 << 14 if version >= 3 else 0) \
        | (1 << 15 if version >= 5 else 0)
    handled_net = 0b11 if version >= 4 else 0  # TCP bind and connect
    scoped = 0b11 if version >= 6 else 0  # abstract UNIX sockets and signals
    fields = 1 + (version >= 4) + (version >= 6)
    return struct.pack("QQQ", handled_fs, handled_net, scoped)[:8 * fields]


def build(libc: ctypes.CDLL, roots: tuple[str, ...]) -> int:
    """A ruleset that allows reading beneath ``roots`` and nothing else; -1 without
    Landlock. Build it in the process that will enforce it, and enforce it there."""
    version = abi(libc)
    if version < 1:
        return -1
    attr = _ruleset_attr(version)
    ruleset = int(libc.syscall(_CREATE, attr, len(attr), 0))
    if ruleset >= 0:
        for root in roots:
            _allow_read(libc, ruleset, root)
    return ruleset


def enforce(libc: ctypes.CDLL, ruleset: int) -> bool:
    """Restrict this process by ``ruleset`` and close it; needs ``PR_SET_NO_NEW_PRIVS``."""
    if ruleset < 0:
        return False
    try:
        return libc.syscall(_RESTRICT, ruleset, 0) == 0
    finally:
        os.close(ruleset)


def _allow_read(libc: ctypes.CDLL, ruleset: int, path: str) -> None:
    try:
        fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
    except OSError:  # gone since the roots were listed
        return
    try:
        access = _READ_FILE | _READ_DIR if os.path.isdir(path) else _READ_FILE
        libc.syscall(_ADD_RULE, ruleset, _RULE_PATH_BENEATH, struct.pack("=Qi", access, fd), 0)
    finally:
        os.close(fd)
