"""Question phrases that equal cell values: "female", "Sweden" for ``Sweden (SWE)``,
"brazilians" for ``Brazil``, "women" for ``F`` in a sex column, "Texas" for ``TX``, "entire
homes" for ``Entire home/apt``, and short codes beside their column ("region N").
"""

from __future__ import annotations

from .lexicon import CODED_COLUMNS, CUE_WORDS, NEGATIONS, STOPWORDS, US_STATES, VALUE_ALIASES
from .mentions import ColumnMention, ValueMention
from .schema import Schema, normalize_value
from .text import Token, singular

__all__ = ["value_candidates", "short_values_beside"]

MAX_VALUE_WORDS = 6
_DEMONYM_ENDINGS = ("ians", "ian", "ans", "an", "ns", "n", "ese", "ish", "is", "i", "ers", "er")


def value_candidates(tokens: list[Token], schema: Schema) -> list[ValueMention]:
    if not schema.values:
        return []
    found = []
    for token in tokens:
        if token.kind == "quoted":
            hits = schema.values.get(normalize_value(token.text))
            if hits:
                found.append(ValueMention((token.i,), tuple(hits), 2.0))
    words = [t for t in tokens if t.kind in ("word", "number")]
    for start in range(len(words)):
        for size in range(min(MAX_VALUE_WORDS, len(words) - start), 0, -1):
            span = words[start:start + size]
            if span[-1].i - span[0].i != size - 1:
                continue
            mention = _span_value(span, schema)
            if mention:
                found.append(mention)
                break
    return found


def _span_value(span: list[Token], schema: Schema) -> ValueMention | None:
    if len(span) == 1 and not _can_be_value(span[0]):
        return None
    positions = tuple(t.i for t in span)
    key = " ".join(normalize_value(t.text) for t in span)
    hits = schema.values.get(key)
    if hits:
        return ValueMention(positions, tuple(hits), 0.9 + 0.05 * len(span))
    plural = " ".join([*(normalize_value(t.text) for t in span[:-1]), singular(span[-1].low)])
    hits = schema.values.get(plural)
    if hits:
        return ValueMention(positions, tuple(hits), 0.85 + 0.05 * len(span))
    hits = schema.items.get(key) or schema.items.get(plural)
    if hits:  # "cuba" for ``La Habana, Cuba``
        return ValueMention(positions, tuple(hits), 0.8 + 0.05 * len(span))
    if key in US_STATES:
        hits = [h for h in schema.values.get(US_STATES[key], ()) if str(h[1]).isupper()]
        if hits:
            return ValueMention(positions, tuple(hits), 0.85 + 0.05 * len(span))
    starts = schema.prefixes.get(key) or schema.prefixes.get(plural)
    if starts and len(starts) == 1:  # the start of exactly one value: "entire homes"
        return ValueMention(positions, tuple(starts), 0.55 + 0.05 * len(span))
    if len(span) == 1 and span[0].low in VALUE_ALIASES:
        return _alias(span[0], schema)
    if len(span) == 1 and len(span[0].low) >= 5:
        return _demonym(span[0], schema)
    return None


def _alias(token: Token, schema: Schema) -> ValueMention | None:
    """"women" -> ``female`` (or ``F`` in a sex/gender column)."""
    for key in VALUE_ALIASES[token.low]:
        hits = [(col, value) for col, value in schema.values.get(key, ())
                if len(key) > 1 or set(schema.column(col).words) & CODED_COLUMNS]
        if hits:
            return ValueMention((token.i,), tuple(hits), 0.8)
    return None


def _can_be_value(token: Token) -> bool:
    low = token.low
    if token.kind == "number":
        return not token.ordinal and len(token.text) >= 2
    return len(low) >= 2 and low not in STOPWORDS and low not in CUE_WORDS and (
        low not in NEGATIONS)


def _demonym(token: Token, schema: Schema) -> ValueMention | None:
    """"brazilians" -> ``Brazil``, "italian" -> ``Italy``, "germans" -> ``Germany``."""
    low = token.low
    for ending in _DEMONYM_ENDINGS:
        if not low.endswith(ending):
            continue
        base = low[: -len(ending)]
        for key in (base, base + "y", base + "a", base + "e"):
            hits = schema.values.get(key)
            if hits and len(key) >= 4:
                return ValueMention((token.i,), tuple(hits), 0.6)
    return None


def short_values_beside(tokens: list[Token], schema: Schema, columns: list[ColumnMention],
                         taken: set[int]) -> list[ValueMention]:
    """Codes too short to find alone, next to their column: "region N", "grade = A"."""
    found = []
    for mention in columns:
        for pos in (mention.end + 1, mention.end + 2, mention.start - 1):
            if pos in taken or not 0 <= pos < len(tokens) or tokens[pos].kind != "word":
                continue
            if pos == mention.end + 2 and tokens[mention.end + 1].low not in ("=", "is"):
                continue
            hits = [h for h in schema.values.get(normalize_value(tokens[pos].text), ())
                    if h[0] == mention.column]
            if hits:
                taken.add(pos)
                found.append(ValueMention((pos,), tuple(hits), 0.9))
                break
    return found
