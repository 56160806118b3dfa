"""Canonical dataset names and cleaned user text.

A client's file name or dataset name is only ever a label: stored paths are chosen by the server.
Labels are still canonicalised so that they render safely and cannot impersonate each other
(NFKC folds fullwidth forms, zero-width characters are dropped, control and bidirectional
override characters are refused).
"""

from __future__ import annotations

import re
import unicodedata

from .errors import APIError

__all__ = ["MAX_NAME_CHARS", "canonical_name", "clean_text", "dataset_name", "split_filename"]

MAX_NAME_CHARS = 100
#: Bidirectional controls (embeddings, overrides, isolates, marks) that disguise text.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c")
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
WINDOWS_DEVICES = frozenset(
    ["CON", "PRN", "AUX", "NUL"] + [f"COM{i}" for i in range(1, 10)]
    + [f"LPT{i}" for i in range(1, 10)])
_SPACES = re.compile(r"\s+")


def _forbidden(text: str) -> tuple[int, str] | None:
    for index, char in enumerate(text):
        if char in BIDI_CONTROLS or unicodedata.category(char) == "Cc":
            return index, char
    return None


def canonical_name(text: str, *, what: str, max_chars: int = MAX_NAME_CHARS) -> str:
    """``text`` as a safe label: NFKC, no zero-width characters, single spaces, capped length.

    Control and bidirectional-override characters are refused with a 400 that names the
    character and its position, because a label that hides its real text is never intended.
    """
    found = _forbidden(text)
    if found is not None:
        index, char = found
        raise APIError(400, f"The {what} contains the control character U+{ord(char):04X} at "
                            f"position {index}. Rename it without control or text-direction "
                            "characters and upload again.")
    name = _SPACES.sub(" ", unicodedata.normalize("NFKC", text).translate(ZERO_WIDTH))
    name = name.strip().rstrip(". ").strip()[:max_chars].rstrip(". ")
    if name.split(".")[0].upper() in WINDOWS_DEVICES:
        name = "_" + name
    return name


def dataset_name(text: str) -> str:
    """A dataset's label: :func:`canonical_name`, and no path in it ("../../tmp/x" is "tmp-x",
    "sales 2024/Q1" is "sales 2024-Q1"), so no client or log reader mistakes it for one."""
    name = canonical_name(text, what="dataset name")
    parts = [p.strip() for p in re.split(r"[\\/]+", name)]
    return "-".join(p for p in parts if p.strip(".")).strip()


def split_filename(filename: str) -> tuple[str, str]:
    """``(stem, extension)`` of a client file name: last path segment, lower-case extension."""
    base = canonical_name(filename, what="file name", max_chars=len(filename))
    base = re.split(r"[\\/]", base)[-1].strip()
    stem, dot, ext = base.rpartition(".") if "." in base else (base, "", "")
    stem = stem[:MAX_NAME_CHARS].rstrip(". ")
    if stem.split(".")[0].upper() in WINDOWS_DEVICES:
        stem = "_" + stem
    return stem, ext.strip().lower()


def clean_text(text: str) -> str:
    """User text for the engine and the log: NFKC, control/bidi/zero-width characters removed."""
    text = unicodedata.normalize("NFKC", text).translate(ZERO_WIDTH)
    kept = "".join(" " if (c in BIDI_CONTROLS or unicodedata.category(c) == "Cc") else c
                   for c in text)
    return _SPACES.sub(" ", kept).strip()
