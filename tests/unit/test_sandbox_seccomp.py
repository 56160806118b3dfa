"""The seccomp allowlist's system call numbers, checked against the kernel's own headers."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analyst_magics.nlq.sandbox import seccomp

HEADERS = {
    "x86_64": [Path("/usr/include/x86_64-linux-gnu/asm/unistd_64.h"),
               Path("/usr/include/asm/unistd_64.h")],
    "aarch64": [Path("/usr/include/asm-generic/unistd.h")],
}
#: Calls the generic (aarch64) table never had: their *at successors replace them.
X86_ONLY = {"open", "stat", "lstat", "access", "readlink", "dup2", "select", "poll", "time"}


def _numbers(header: Path) -> dict[str, int]:
    """``__NR_name`` -> number, following the generic table's ``__NR3264_`` aliases."""
    text = header.read_text()
    direct = {name: int(number) for name, number in
              re.findall(r"#define __NR(?:3264)?_(\w+)\s+(\d+)\b", text)}
    for name, alias in re.findall(r"#define __NR_(\w+)\s+__NR3264_(\w+)\b", text):
        if alias in direct:
            direct.setdefault(name, direct[alias])
    return direct


@pytest.mark.parametrize("machine", sorted(seccomp.ARCHITECTURES))
def test_numbers_match_the_kernel_headers(machine: str) -> None:
    header = next((path for path in HEADERS[machine] if path.is_file()), None)
    if header is None:
        pytest.skip(f"no {machine} unistd.h on this machine (Debian's linux-libc-dev has it)")
    kernel = _numbers(header)
    ours = seccomp.ARCHITECTURES[machine].numbers
    assert {name: number for name, number in ours.items() if kernel.get(name) != number} == {}


@pytest.mark.parametrize("machine", sorted(seccomp.ARCHITECTURES))
def test_every_listed_call_has_a_number(machine: str) -> None:
    numbers = seccomp.ARCHITECTURES[machine].numbers
    listed = set(seccomp._ALLOWED) | set(seccomp._CHECKED)
    missing = listed - numbers.keys() - (X86_ONLY if machine != "x86_64" else set())
    assert missing == set()


def test_the_program_is_well_formed() -> None:
    program = seccomp._program(seccomp.ARCHITECTURES["x86_64"], pid=4242)
    assert len(program) % 8 == 0 and len(program) // 8 < 256
    assert program.count(b"\x06\x00") >= 3  # allow, deny and kill returns
