"""Cue phrases of a question: the words that say *what* to compute, not *on what*.

A cue is a phrase with a kind and a value: ``("agg", "mean")`` for "average", ``("cmp", ">=")``
for "at least", ``("super", ...)`` for "youngest". The parser reads the cues and the column and
value mentions together to choose an intent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .lexicon import (
    AGGREGATES,
    COMPARATIVE_ADJECTIVES,
    COMPARATORS,
    HOW_ADJECTIVES,
    SUPERLATIVES,
    TIME_UNITS,
    TRAILING_COMPARATORS,
    YES_NO_STARTS,
)
from .text import Token, word_list

__all__ = ["Cue", "find_cues", "reserved_positions"]

_W = str.split
_TABLE: list[tuple[tuple[str, ...], str, Any]] = [
    *((p, "agg", v) for p, v in AGGREGATES.items() if v not in ("max", "min")),
    *((p, "agg", v) for p, v in {("maximum",): "max", ("max",): "max", ("minimum",): "min",
                                  ("min",): "min"}.items()),
    *(((w,), "super", (d, concept)) for w, (concept, d) in SUPERLATIVES.items()
      if w not in ("maximum", "max", "minimum", "min")),
    (("most", "expensive"), "super", ("max", SUPERLATIVES["expensive"][0])),
    (("least", "expensive"), "super", ("min", SUPERLATIVES["expensive"][0])),
    (("most", "recent"), "super", ("max", SUPERLATIVES["recent"][0])),
    *((p, "cmp", v) for p, v in COMPARATORS.items()),
    *((p, "cmp_after", v) for p, v in TRAILING_COMPARATORS.items()),
    *(((w, "than"), "cmp_adj", v) for w, v in COMPARATIVE_ADJECTIVES.items()),
    (("between",), "between", None),
    *((tuple(_W(p)), "text", "contains") for p in (
        "contain", "contains", "containing", "include", "includes", "including", "mention",
        "mentions", "mentioning", "with the word", "in their", "in its", "in the")),
    *((tuple(_W(f"{verb} with")), "text", op) for op, verbs in (
        ("startswith", "start starts starting begin begins beginning"),
        ("endswith", "end ends ending")) for verb in verbs.split()),
    *((("how", adjective), "how_adj", concept) for adjective, concept in HOW_ADJECTIVES.items()),
    *((tuple(_W(p)), "diff", None) for p in (
        "difference", "differ", "differs", "how many more", "how much more", "how many fewer",
        "how much less", "how much higher", "how much lower", "gap")),
    *((tuple(_W(p)), "change", None) for p in (
        "growth", "grow", "grew", "grown", "change", "changed", "increase", "increased",
        "decrease", "decreased", "rise", "rose", "risen", "decline", "declined", "evolution",
        "evolved", "went up", "went down", "go up", "go down")),
    *((tuple(_W(p)), "count", None) for p in (
        "how many", "number of", "count of", "count", "how often", "amount of",
        "the number of", "number")),
    *((tuple(_W(p)), "group", None) for p in (
        "by", "per", "for each", "for every", "in each", "across", "each", "grouped by",
        "broken down by", "split by", "for all")),
    *((tuple(_W(p)), "distinct", None) for p in ("unique", "distinct", "different")),
    *((tuple(_W(p)), "missing", None) for p in (
        "missing", "null", "nulls", "nan", "nans", "na", "empty", "blank", "not available",
        "missing values", "null values")),
    *((tuple(_W(p)), "corr", "pearson") for p in (
        "correlation", "correlated", "correlate", "correlations", "correlation coefficient",
        "pearson", "pearson correlation", "pearson correlation coefficient", "relationship",
        "pearson s", "r value")),
    (("spearman",), "corr", "spearman"), (("kendall",), "corr", "kendall"),
    *((tuple(_W(p)), "outlier", "zscore") for p in (
        "outlier", "outliers", "anomaly", "anomalies", "anomalous", "extreme values",
        "z score", "zscore", "z scores")),
    *((tuple(_W(p)), "outlier", "iqr") for p in ("iqr", "interquartile range", "tukey")),
    *((tuple(_W(p)), "share", "percent") for p in ("percentage", "percent", "%", "pct",
                                                    "what percent")),
    *((tuple(_W(p)), "share", "percent") for p in ("share",)),
    *((tuple(_W(p)), "share", "fraction") for p in ("proportion", "fraction", "ratio")),
    (("rate",), "share", "rate"),
    *((tuple(_W(p)), "distribution", None) for p in (
        "distribution", "histogram", "breakdown", "break down", "spread", "value counts",
        "frequency", "frequencies", "distributed")),
    *((tuple(_W(p)), "trend", None) for p in (
        "trend", "trends", "over time", "over the years", "evolution", "evolve", "evolved",
        "time series", "growth", "changed over time", "change over time")),
    *(((w,), "time", f) for w, f in TIME_UNITS.items()),
    *((tuple(_W(p)), "mode", "max") for p in (
        "most common", "most frequent", "most frequently", "most popular", "most often", "mode",
        "the most often", "appears most", "occurs most", "occurred the most", "occurs the most",
        "appears the most", "appeared the most", "occurred most", "most occurrences")),
    *((tuple(_W(p)), "mode", "min") for p in (
        "least common", "least frequent", "least popular", "rarest", "least often")),
    *((tuple(_W(p)), "describe", None) for p in (
        "describe", "summary", "summarize", "summarise", "statistics", "stats",
        "summary statistics", "descriptive statistics")),
    *((tuple(_W(p)), "list", None) for p in ("list", "show", "display", "name", "give me",
                                             "what are", "which are", "enumerate")),
    *((tuple(_W(p)), "remain", None) for p in (
        "left", "remain", "remaining", "remains", "after removing", "without the outliers",
        "after removal", "excluding outliers")),
    *((tuple(_W(p)), "any", None) for p in ("any", "there", "some", "at least one", "exist",
                                            "exists")),
    *((tuple(_W(p)), "neg", None) for p in ("not", "non", "no", "never", "without", "except",
                                            "excluding", "other than", "none")),
    *((tuple(_W(p)), "feature", None) for p in ("feature", "new column", "new feature",
                                                "new variable", "create", "add a column")),
    (("coefficient", "of", "variation"), "agg", "cv"),
    *((tuple(_W(p)), "clean", None) for p in (
        "fill", "filling", "fills", "filled", "impute", "imputing", "imputed", "replace",
        "replacing", "drop", "dropping", "remove", "removing", "exclude", "excluding",
        "ignore", "ignoring", "discard", "discarding", "delete", "deleting")),
    (("population", "standard", "deviation"), "agg", "pstd"),
    (("population", "variance"), "agg", "pvar"),
    (("sample", "standard", "deviation"), "agg", "std"),
]
_BY_LENGTH = sorted(_TABLE, key=lambda entry: -len(entry[0]))
_MAX_WORDS = max(len(p) for p, _, _ in _TABLE)
_INDEX: dict[tuple[str, ...], list[tuple[str, Any]]] = {}
for _phrase, _kind, _value in _BY_LENGTH:
    _INDEX.setdefault(_phrase, []).append((_kind, _value))
_WH_WORDS = frozenset({"which", "what", "who", "whom", "whose", "where", "when"})
_COMPARATIVES = frozenset({"higher", "larger", "bigger", "greater", "more", "lower", "smaller",
                           "fewer", "less"})
#: cue words that can also be the name of a column ("Total", "Rank", "Rate")
_MAY_BE_COLUMN = frozenset(word_list(
    "total count number rate share percent percentage pct max min rank range mode trend "
    "distribution score sum value name summary frequency ratio spread growth each per by no "
    "population left there any some top best worst"))


@dataclass(frozen=True, slots=True)
class Cue:
    """A cue phrase found at token positions ``start..end``."""

    kind: str
    start: int
    end: int
    value: Any = None

    @property
    def positions(self) -> range:
        return range(self.start, self.end + 1)


#: verbs of a polite request: "could you list …" asks for a list, not whether one can
_REQUESTS = frozenset({"list", "tell", "show", "give", "name", "find", "provide", "identify",
                       "calculate", "compute", "count", "determine", "say", "get", "return"})


def _request(tokens: list[Token]) -> bool:
    """"Could you list …", "can you please tell me …": a request, not a yes/no question."""
    lows = [t.low for t in tokens[:4] if t.low != "please"]
    return len(lows) > 2 and lows[0] in ("can", "could", "would", "will") and (
        lows[1] == "you" and lows[2] in _REQUESTS)


def find_cues(tokens: list[Token]) -> list[Cue]:
    """Every cue phrase of the question (a word may start several cues of different kinds)."""
    lows = [t.low if t.kind in ("word", "symbol") else None for t in tokens]
    cues: list[Cue] = []
    for start in range(len(tokens)):
        for size in range(min(_MAX_WORDS, len(tokens) - start), 0, -1):
            phrase = tuple(lows[start:start + size])
            for kind, value in _INDEX.get(phrase, ()):  # type: ignore[arg-type]
                if not any(c.kind == kind and c.start <= start <= c.end for c in cues):
                    cues.append(Cue(kind, start, start + size - 1, value))
    cues = [c for c in cues if not (c.kind == "super" and tokens[c.start].low in _COMPARATIVES
                                    and c.end + 1 < len(tokens)
                                    and tokens[c.end + 1].low in ("than", "or"))
            and not (c.kind == "count" and c.end + 1 < len(tokens)  # "number 1": a position
                     and tokens[c.end + 1].kind == "number")]
    if tokens and tokens[0].low in YES_NO_STARTS and not _request(tokens):
        cues.append(Cue("yesno", 0, 0))
    wh = next((t for t in tokens[:3] if t.low in _WH_WORDS), None)
    if wh is not None and all(t.low in ("on", "in", "for", "at", "from", "by", "during")
                              for t in tokens[:wh.i]):
        cues.append(Cue("wh", wh.i, wh.i, wh.low))
    return cues


def reserved_positions(tokens: list[Token], cues: list[Cue],
                       names: frozenset[str] = frozenset()) -> set[int]:
    """Token positions that belong to cue phrases and never name a column or a value.

    ``names`` are one-word column names: a cue word that is one ("Overall", "Total") stays free.
    """
    reserved: set[int] = set()
    for cue in cues:
        if cue.kind == "list" and cue.start == 0:
            reserved.update(cue.positions)  # "Name the host …": a verb, not the column "name"
        if cue.kind in ("neg", "any", "list", "wh", "yesno", "group", "remain", "feature",
                        "time"):
            continue
        words = [tokens[p].low for p in cue.positions]
        if len(words) > 1 or (words[0] not in _MAY_BE_COLUMN and words[0] not in names):
            reserved.update(cue.positions)
    return reserved
