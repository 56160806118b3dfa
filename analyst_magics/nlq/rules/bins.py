"""Ranges listed in a question, as groups of a numeric column: "which fare range was the most
common: (0-50, 50-100, 100-150, 150+)?", "the top 4 age groups ('0-18', '18-30', …) by
survivors".

The question gives the bins, so the answer uses them as written: a column cut at their edges
(``pd.cut``, each bin holding its upper edge, the first its lower one too), labelled with the
question's own words, computed on a copy. Ranges must follow one another (each starts where
another ends); anything else is not read as bins.
"""

from __future__ import annotations

import re

from .context import Context
from .intents import Derived
from .mentions import ColumnMention

__all__ = ["read_bins", "bins_code"]

_RANGE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s*[-–]\s*(\d+(?:\.\d+)?)(?![\w.])"
                    r"|(?<![\w.])(\d+(?:\.\d+)?)\s*\+")
_BIN_NOUNS = frozenset({"range", "ranges", "group", "groups", "bracket", "brackets", "band",
                        "bands", "bin", "bins", "bucket", "buckets", "interval", "intervals"})
MIN_BINS = 2


def read_bins(ctx: Context, question: str) -> None:
    """Add the binned column a question's listed ranges define, mentioned where it says
    "<column> range"."""
    bins = _ranges(question)
    noun = next((t for t in ctx.tokens if t.low in _BIN_NOUNS), None)
    if bins is None or noun is None:
        return
    column = next((m for m in ctx.columns if m.end == noun.i - 1
                   and ctx.info(m.column).numeric), None)
    if column is None:
        return
    name = f"{column.column} {noun.low.rstrip('s')}"
    labels = [label for label, _, _ in bins]
    edges = [bins[0][1], *(high for _, _, high in bins)]
    ctx.derived.append(Derived(name=name, op="bins", columns=[column.column],
                               edges=edges, labels=labels))
    ctx.columns = [m for m in ctx.columns if m is not column]
    ctx.columns.append(ColumnMention(name, (*column.positions, noun.i), 2.0))
    ctx.columns.sort(key=lambda m: m.start)
    ctx.use(t.i for t in ctx.tokens if t.i > noun.i and t.kind in ("number", "quoted", "symbol")
            and (any(ch.isdigit() for ch in t.text) or t.text == "+"))


def _ranges(question: str) -> list[tuple[str, float, float]] | None:
    """``(label, low, high)`` of each range, in order, when they follow one another."""
    found = []
    for match in _RANGE.finditer(question):
        if match.group(3) is not None:
            low = float(match.group(3))
            found.append((f"{match.group(3)}+", low, float("inf")))
        else:
            low, high = float(match.group(1)), float(match.group(2))
            if high <= low:
                return None
            found.append((match.group(0).replace(" ", ""), low, high))
    found.sort(key=lambda item: item[1])
    if len(found) < MIN_BINS or any(a[2] != b[1] for a, b in zip(found, found[1:],
                                                                     strict=False)):
        return None
    return found


def bins_code(target: str, source: str, edges: list[float], labels: list[str]) -> str:
    """The line that cuts ``source`` into the question's bins."""
    shown = ", ".join('float("inf")' if edge == float("inf") else f"{edge:g}" for edge in edges)
    names = ", ".join(f'"{label}"' for label in labels)
    return (f"{target} = pd.cut({source}, bins=[{shown}], labels=[{names}], "
            "include_lowest=True)")
