"""Probes for each class of isolation hole: unrestricted Python in a confined child.

The isolation layer must hold on its own, as if the policy had let the code through, so
these probes run plain Python (no RestrictedPython, no guards) in a forked child after the
sandbox's own :class:`Confinement` has been applied. Each attack must fail with the errno of
a refusal; each control (what analysis code needs) must still work, so a probe that fails
for an unrelated reason shows up as a failing control rather than as a pass.
"""

from __future__ import annotations

import errno
import json
import os
import socket
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from analyst_magics.nlq.sandbox.confine import Confinement

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the kernel layers are Linux's")

ROOT = Path(__file__).resolve().parents[2]
REFUSED = {errno.EPERM, errno.EACCES, errno.EBADF, errno.ENOSYS}


def _confined(code: str, keep_open: bool = False) -> dict[str, Any]:
    """Run ``code`` (unrestricted Python) in a forked child confined as a sandbox run is.

    Returns ``{"outcome": "allowed" | exception name, "errno": ..., "layers": [...]}``.
    With ``keep_open``, a pipe and a Landlock ruleset are opened before confinement, and
    their numbers are given to the code as ``LEAKED`` (they must be closed by then).
    """
    confinement = Confinement()
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        report: dict[str, Any] = {}
        try:
            os.close(read_fd)
            leaked = _leak() if keep_open else []
            report["layers"] = confinement.apply(timeout=10, memory_mb=8192, keep=(write_fd,))
            scope: dict[str, Any] = {"LEAKED": leaked, "PARENT": os.getppid()}
            exec(textwrap.dedent(code), scope)  # noqa: S102 - the attack under test
            report["outcome"] = "allowed"
            report["value"] = repr(scope.get("result"))[:200]
        except BaseException as exc:  # noqa: BLE001 - the outcome is the report
            report["outcome"] = type(exc).__name__
            report["errno"] = getattr(exc, "errno", None)
            report["message"] = str(exc)[:200]
        os.write(write_fd, json.dumps(report).encode())
        os._exit(0)
    os.close(write_fd)
    chunks = []
    while chunk := os.read(read_fd, 65536):
        chunks.append(chunk)
    os.close(read_fd)
    os.waitpid(pid, 0)
    return json.loads(b"".join(chunks))


def _leak() -> list[int]:
    """Descriptors a careless worker would leave open: a pipe and a Landlock ruleset."""
    import ctypes

    leaked = list(os.pipe())
    ruleset = ctypes.CDLL(None).syscall(444, None, 0, 0)
    return [*leaked, ruleset] if ruleset >= 0 else leaked


def _landlock_abi() -> int:
    import ctypes

    from analyst_magics.nlq.sandbox import landlock

    return landlock.abi(ctypes.CDLL(None, use_errno=True))


def _refused(report: dict[str, Any]) -> bool:
    return report["outcome"] != "allowed" and report.get("errno") in REFUSED


@pytest.fixture(scope="module")
def secrets_on_disk(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    home = tmp_path_factory.mktemp("home")
    (home / ".env").write_text("ANALYST_LLM_API_KEY=sk-secret\n")
    existing = home / "existing.py"
    existing.write_text("x = 1\n")
    return {"env": str(home / ".env"), "existing": str(existing), "dir": str(home)}


FILE_ATTACKS = {
    "write-existing": "os.open(EXISTING, os.O_WRONLY)",
    "read-write-existing": "os.open(EXISTING, os.O_RDWR)",
    "create": "os.open(DIR + '/new', os.O_WRONLY | os.O_CREAT, 0o644)",
    "append": "os.open(EXISTING, os.O_WRONLY | os.O_APPEND)",
    "tmpfile": "os.open(DIR, os.O_TMPFILE | os.O_WRONLY, 0o600)",
    "module-for-write": "import numpy\nopen(numpy.__file__, 'r+b')",
    "truncate": "import numpy\nos.truncate(numpy.__file__, 0)",
    "rename": "os.rename(EXISTING, EXISTING + '.bak')",
    "unlink": "os.unlink(EXISTING)",
    "mkdir": "os.mkdir(DIR + '/d')",
    "chmod": "import numpy\nos.chmod(numpy.__file__, 0o777)",
    "utime": "import numpy\nos.utime(numpy.__file__, (0, 0))",
    "symlink": "os.symlink('/etc/passwd', DIR + '/l')",
    "shared-writable-map": "import mmap\nmmap.mmap(-1, 4096, flags=mmap.MAP_SHARED, "
                           "prot=mmap.PROT_READ | mmap.PROT_WRITE)",
    "shared-writable-file-map": "import mmap, numpy\nf = open(numpy.__file__, 'rb')\n"
                                "mmap.mmap(f.fileno(), 0, flags=mmap.MAP_SHARED, "
                                "prot=mmap.PROT_READ | mmap.PROT_WRITE)",
    "leaked-ruleset": "import ctypes, struct\nfd = LEAKED[-1]\n"
                      "r = ctypes.CDLL(None, use_errno=True).syscall(445, fd, 1, "
                      "struct.pack('=Qi', 2, -1), 0)\n"
                      "assert r == -1\nraise OSError(ctypes.get_errno(), 'refused')",
    "leaked-pipe": "import fcntl\n[fcntl.fcntl(fd, fcntl.F_GETFD) for fd in LEAKED]",
    "new-ruleset": "import ctypes\nr = ctypes.CDLL(None, use_errno=True).syscall(444, None, 0, "
                   "0)\nassert r == -1\nraise OSError(ctypes.get_errno(), 'refused')",
}

NETWORK_ATTACKS = {
    "inet-udp": "import _socket\n_socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)",
    "inet-tcp": "import _socket\n_socket.socket(_socket.AF_INET, _socket.SOCK_STREAM)",
    "inet6": "import _socket\n_socket.socket(_socket.AF_INET6, _socket.SOCK_DGRAM)",
    "unix": "import _socket\n_socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)",
    "netlink": "import _socket\n_socket.socket(_socket.AF_NETLINK, _socket.SOCK_RAW, 0)",
    "packet": "import _socket\n_socket.socket(17, _socket.SOCK_RAW, 0)",
    "socketpair": "import _socket\n_socket.socketpair()",
    "io-uring": "import ctypes\nparams = ctypes.create_string_buffer(120)\n"
                "r = ctypes.CDLL(None, use_errno=True).syscall(425, 8, params)\n"
                "assert r == -1\nraise OSError(ctypes.get_errno(), 'refused')",
}

PROCESS_ATTACKS = {
    "fork": "os.fork()",
    "posix-spawn": "os.posix_spawn('/bin/true', ['true'], {})",
    "subprocess": "import subprocess\nsubprocess.run(['true'])",
    "system": "r = os.system('true')\nassert r != 0\nraise OSError(errno.EPERM, 'refused')",
    "clone-raw": "import ctypes\nr = ctypes.CDLL(None, use_errno=True).syscall(56, 17, 0, 0, 0, "
                 "0)\nassert r == -1\nraise OSError(ctypes.get_errno(), 'refused')",
    "vfork-raw": "import ctypes\nr = ctypes.CDLL(None, use_errno=True).syscall(58)\n"
                 "assert r == -1\nraise OSError(ctypes.get_errno(), 'refused')",
    "thread": "import _thread\ntry:\n    _thread.start_new_thread(print, ())\n"
              "except RuntimeError:\n    raise OSError(errno.EPERM, 'refused') from None",
    "clone-thread-raw": "import ctypes\nr = ctypes.CDLL(None, use_errno=True).syscall(56, "
                        "0x50f00, 0, 0, 0, 0)\nassert r == -1\n"
                        "raise OSError(ctypes.get_errno(), 'refused')",
    "setsid": "os.setsid()",
    "signal-parent": "os.kill(PARENT, 0)",
    "ptrace": "import ctypes\nr = ctypes.CDLL(None, use_errno=True).syscall(101, 16, PARENT, 0, "
              "0)\nassert r == -1\nraise OSError(ctypes.get_errno(), 'refused')",
    "pidfd-open": "os.pidfd_open(PARENT)",
    "raise-limits": "import resource\ntry:\n    resource.setrlimit(resource.RLIMIT_AS, "
                    "(resource.RLIM_INFINITY, resource.RLIM_INFINITY))\nexcept ValueError:\n"
                    "    raise OSError(errno.EPERM, 'refused') from None",
    "no-new-seccomp": "import ctypes\nr = ctypes.CDLL(None, use_errno=True).prctl(22, 0, 0, 0, "
                      "0)\nassert r == -1\nraise OSError(ctypes.get_errno(), 'refused')",
}

READ_ATTACKS = {
    "own-environ": "open('/proc/self/environ').read()",
    "parent-environ": "open(f'/proc/{PARENT}/environ').read()",
    "parent-maps": "open(f'/proc/{PARENT}/maps').read()",
    "parent-memory": "open(f'/proc/{PARENT}/mem', 'rb').read(1)",
    "proc-listing": "os.listdir('/proc')",
    "dotenv": "open(ENV).read()",
    "home-listing": "os.listdir(DIR)",
    "repository-root": "open(ROOT + '/pyproject.toml').read()",
    "git": "os.listdir(ROOT + '/.git')",
    "passwd": "open('/etc/passwd').read()",
    "root-listing": "os.listdir('/')",
}

CONTROLS = {
    "arithmetic": "result = sum(range(10))",
    "pandas": "import pandas as pd\nresult = pd.DataFrame({'a': [1, 2]})['a'].sum()",
    "lazy-import": "import xml.dom.minidom\n"
                   "result = xml.dom.minidom.parseString('<a/>').documentElement.tagName",
    "read-library": "import pandas\nresult = len(open(pandas.__file__).read()) > 0",
    "private-map": "import mmap\nm = mmap.mmap(-1, 4096, flags=mmap.MAP_PRIVATE)\nm[0] = 1\n"
                   "result = m[0]",
    "urandom": "result = len(os.urandom(16))",
    "raise-signal-self": "import signal\nsignal.signal(signal.SIGUSR1, lambda *a: None)\n"
                         "signal.raise_signal(signal.SIGUSR1)\nresult = 1",
}


def _prelude(secrets: dict[str, str]) -> str:
    return (f"import os, errno\nEXISTING = {secrets['existing']!r}\nDIR = {secrets['dir']!r}\n"
            f"ENV = {secrets['env']!r}\nROOT = {str(ROOT)!r}\n")


@pytest.mark.parametrize(("name", "code"), [
    *FILE_ATTACKS.items(), *NETWORK_ATTACKS.items(), *PROCESS_ATTACKS.items(),
    *READ_ATTACKS.items()], ids=lambda v: v if isinstance(v, str) and "\n" not in v else None)
def test_attack_is_refused_by_isolation_alone(name: str, code: str,
                                              secrets_on_disk: dict[str, str]) -> None:
    report = _confined(_prelude(secrets_on_disk) + code, keep_open=name.startswith("leaked"))
    if "landlock" not in report["layers"] and not _landlock_abi():
        pytest.skip("this kernel has no Landlock: the file-access layer cannot be tested here")
    assert {"landlock", "seccomp"} <= set(report["layers"]), report
    assert _refused(report), report
    assert Path(secrets_on_disk["existing"]).read_text() == "x = 1\n"
    assert sorted(os.listdir(secrets_on_disk["dir"])) == [".env", "existing.py"]


@pytest.mark.parametrize(("name", "code"), CONTROLS.items(), ids=list(CONTROLS))
def test_what_analysis_needs_still_works(name: str, code: str,
                                         secrets_on_disk: dict[str, str]) -> None:
    report = _confined(_prelude(secrets_on_disk) + code)
    assert report["outcome"] == "allowed", report


def test_no_datagram_leaves_a_confined_child() -> None:
    listener = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    listener.bind(("127.0.0.1", 0))
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    report = _confined(f"import _socket\ns = _socket.socket(_socket.AF_INET, _socket.SOCK_DGRAM)"
                       f"\ns.sendto(b'x', ('127.0.0.1', {port}))")
    assert _refused(report), report
    with pytest.raises(TimeoutError):
        listener.recv(16)
    listener.close()
