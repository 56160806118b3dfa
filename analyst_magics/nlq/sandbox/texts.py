"""Text made from objects in analysis code, without the memory addresses in it.

``repr()``, ``str()``, ``format()``, f-strings and ``%`` formatting of a function, an
iterator or a group-by write ``<… at 0x7f3a…>``: where the interpreter keeps that object.
Addresses are what turns an out-of-bounds read into a reach for any object, so analysis code
gets text with every address replaced by ``0x…``. Plain values (numbers, text, dates...) are
formatted as they are. The policy (``policy.py``) routes f-string fields, ``%`` and direct
``str(x)`` calls here; ``repr``, ``format``, ``print`` and ``hash`` are replaced in the
builtins (``facades.py``), ``hash`` refusing objects whose hash is their address. This is
defence in depth, not a boundary: ``str`` handed on as a function (``map(str, ...)``,
``astype(str)``) still writes addresses, so raw memory itself must stay out of reach.

>>> safe_str(lambda: 0).startswith("<function <lambda> at 0x…")
True
"""

from __future__ import annotations

import builtins
import datetime
import decimal
import re
from typing import Any

import numpy as np
from RestrictedPython.PrintCollector import PrintCollector

from .refusals import refuse

__all__ = ["ScrubbedPrint", "field", "safe_format", "safe_hash", "safe_modulo", "safe_repr",
           "safe_str", "scrubbed"]

_ADDRESS = re.compile(r"0x[0-9a-fA-F]{6,}")
_PLAIN = (str, int, float, complex, bool, type(None), bytes, np.generic, datetime.date,
          datetime.time, datetime.timedelta, decimal.Decimal)
_HASHABLE = (*_PLAIN, tuple, frozenset, range)


def _plain(value: Any) -> bool:
    return isinstance(value, _PLAIN)


def scrubbed(text: str) -> str:
    """``text`` with memory addresses replaced by ``0x…``."""
    return _ADDRESS.sub("0x…", text)


def safe_repr(value: Any) -> str:
    text = builtins.repr(value)
    return text if _plain(value) else scrubbed(text)


def safe_str(value: Any) -> str:
    text = builtins.str(value)
    return text if _plain(value) else scrubbed(text)


def safe_format(value: Any, spec: str = "") -> str:
    text = builtins.format(value, spec)
    return text if _plain(value) else scrubbed(text)


def field(value: Any) -> Any:
    """An f-string field: plain values as they are (so ``:.2f`` still applies), anything
    else as its text without addresses."""
    return value if _plain(value) else safe_str(value)


def safe_modulo(left: Any, right: Any) -> Any:
    """``left % right``: text formatting gets its addresses scrubbed, numbers are untouched."""
    result = left % right
    return scrubbed(result) if isinstance(left, str) else result


def _hashes_plainly(value: Any, depth: int = 0) -> bool:
    if isinstance(value, (tuple, frozenset)):
        return depth < 16 and all(_hashes_plainly(item, depth + 1) for item in value)
    return isinstance(value, _HASHABLE)


class ScrubbedPrint(PrintCollector):
    """``print()`` for analysis code: what it collects (``printed``) has no addresses."""

    def __call__(self) -> str:
        return scrubbed(super().__call__())


def safe_hash(value: Any) -> int:
    if not _hashes_plainly(value):
        refuse(f"hash() of {type(value).__name__} objects is not available: it would reveal "
               "where they are in memory.")
    return builtins.hash(value)
