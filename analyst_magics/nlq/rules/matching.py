"""Fuzzy matching of question words to column names and cell values.

A column is *mentioned* when question words cover enough of its name: the same word, its plural
or stem ("countries" ~ ``country``, "attended" ~ ``Attendance``), a synonym ("gender" ~ ``Sex``),
a spelled-out abbreviation ("average" ~ ``Avg.``), an abbreviation built from the starts of
consecutive words ("passenger class" ~ ``Pclass``, "family size" ~ ``FamSize``), or a close
spelling ("revnue" ~ ``revenue``). A value is mentioned when a phrase of the question equals a
cell of an indexed text column (see :mod:`~analyst_magics.nlq.rules.values`). Overlapping candidates
are resolved best first, so every word has one meaning.
"""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from typing import Any

from .lexicon import ABBREVIATIONS, CUE_WORDS, MODIFIER_TOKENS, NEGATIONS, STOPWORDS, SYNONYMS
from .mentions import ColumnMention, ValueMention
from .schema import ColumnInfo, Schema, normalize_value
from .text import Token, agent_stem, singular, split_name, stem
from .values import short_values_beside, value_candidates

__all__ = ["find_mentions", "columns_for_words"]

MIN_COVERAGE = 0.5
FRAMING_WEIGHT = 0.1  # of a name's words that frame it ("what", "is", "your", "do", "you")
SPREAD = 6  # words of one column name this far apart still name it together
MULTIWORD_BONUS = 0.05  # each extra word of a mention: "host name" before "name"
MIN_PREFIX, MAX_PREFIX = 3, 4  # column words this long may abbreviate a question word
#: "passengers" names PassengerId (and "orders" Order Date) less surely than a plain column
ID_DISCOUNT = 0.9
_LEVEL_EXACT, _LEVEL_PLURAL, _LEVEL_ABBREV, _LEVEL_STEM = 1.0, 0.95, 0.9, 0.85
_LEVEL_AGENT, _LEVEL_SYNONYM, _LEVEL_FUZZY, _LEVEL_COMPOSED, _LEVEL_AFFIX = (
    0.8, 0.75, 0.7, 0.65, 0.6)
#: the synonym groups of each word: "paid" is a fare (price) and a salary (money)
_SYNONYM_GROUPS: dict[str, list[int]] = {
    word: [i for i, group in enumerate(SYNONYMS) if word in group]
    for word in set().union(*SYNONYMS)}


def find_mentions(tokens: list[Token], schema: Schema, reserved: set[int] | frozenset[int] = (
        frozenset())) -> tuple[list[ColumnMention], list[ValueMention]]:
    """Column and value mentions of a question, each word used at most once, in word order.

    Words at ``reserved`` positions (cue phrases such as "standard deviation") are skipped.
    """
    index = _word_index(schema)
    free = [t for t in tokens if t.i not in reserved]
    candidates: list[ColumnMention | ValueMention] = [
        *_column_candidates(free, tokens, schema, index), *value_candidates(free, schema)]
    candidates.sort(key=lambda m: (-m.score, -len(m.positions), m.start, -_preference(m, schema)))
    taken: set[int] = set()
    columns: list[ColumnMention] = []
    values: list[ValueMention] = []
    for mention in candidates:
        if taken.isdisjoint(mention.positions):
            taken.update(mention.positions)
            if isinstance(mention, ColumnMention):
                columns.append(mention)
            else:
                values.append(mention)
    values += short_values_beside(tokens, schema, columns, taken | set(reserved))
    return sorted(columns, key=lambda m: m.start), sorted(values, key=lambda m: m.start)


def _preference(mention: ColumnMention | ValueMention, schema: Schema) -> int:
    """Among equally good column matches, names and ids before text, text before the rest."""
    if not isinstance(mention, ColumnMention) or mention.column not in set(
            c.name for c in schema.columns):
        return 0
    info = schema.column(mention.column)
    if set(info.words) & {"id", "name", "title", "key"}:
        return 2
    return 1 if info.kind == "text" else 0


def columns_for_words(schema: Schema, words: tuple[str, ...]) -> list[ColumnInfo]:
    """Columns whose name holds one of ``words`` (or its stem), best (earliest word) first."""
    found: list[ColumnInfo] = []
    for word in words:
        for info in schema.columns:
            stems = {stem(w) for w in _expanded(info.words)}
            short = any(MIN_PREFIX <= len(w) <= MAX_PREFIX and w.isalpha() and word.startswith(w)
                        and w not in MODIFIER_TOKENS for w in info.words)  # "len" for "length"
            if (stem(word) in stems or short) and info not in found:
                found.append(info)
    return found


# ----------------------------------------------------------------------------- columns


def _expanded(words: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(ABBREVIATIONS.get(w, w) for w in words)


def _weights(info: ColumnInfo) -> list[float]:
    """How much each word of a column name counts towards a mention of it."""
    main = set(split_name(re.sub(r"\(.*?\)|\[.*?\]", " ", str(info.name))))
    weights = []
    for word in info.words:
        weight = 1.0 if word in main else 0.5
        if word in STOPWORDS and word not in MODIFIER_TOKENS or len(word) == 1:
            weight *= FRAMING_WEIGHT  # a survey's column "What is your age?" is about age
        weights.append(weight * (0.25 if word in MODIFIER_TOKENS or word.isdigit() else 1.0))
    if all(w < 0.5 for w in weights):
        weights = [1.0] * len(weights)
    return weights


def _head_word(words: tuple[str, ...]) -> int:
    """The position of a column name's head noun: its last word that is not a unit
    ("amount" in "amount_usd", "channel" in "Sales Channel")."""
    for position in range(len(words) - 1, -1, -1):
        if words[position] not in _UNIT_WORDS and not words[position].isdigit():
            return position
    return len(words) - 1


_UNIT_WORDS = frozenset({
    "usd", "eur", "gbp", "chf", "jpy", "euro", "euros", "dollars", "pct", "percent", "km", "kg",
    "m", "cm", "mm", "mi", "lbs", "lb", "g", "s", "sec", "secs", "min", "mins", "h", "hrs",
    "k", "mn", "bn", "thousands", "millions", "in", "of", "the", "m2", "sq", "ft"})


def _word_index(schema: Schema) -> dict[tuple[str, str], list[Any]]:
    """``(kind, key) -> [(column position, word position, level, word)]``, built once."""
    if schema.word_index:
        return schema.word_index
    index: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for info in schema.columns:
        head = _head_word(info.words)
        for wi, word in enumerate(info.words):
            entries = {("x", singular(word)): _LEVEL_EXACT, ("s", stem(word)): _LEVEL_STEM}
            expansion = ABBREVIATIONS.get(word)
            if expansion:
                entries[("x", singular(expansion))] = _LEVEL_ABBREV
                entries.setdefault(("s", stem(expansion)), _LEVEL_STEM)
            for form in (word, stem(word), expansion or word):
                # a synonym names a column by its head noun: "revenue" is "Sales", not
                # "Sales Channel" (a channel); a flag by any word ("Left Company")
                if form in _SYNONYM_GROUPS and (wi == head or info.kind == "bool"):
                    for group in _SYNONYM_GROUPS[form]:
                        entries.setdefault(("y", str(group)), _LEVEL_SYNONYM)
            if word.isalpha() and MIN_PREFIX <= len(word) <= MAX_PREFIX:
                entries.setdefault(("a", word), _LEVEL_AFFIX)
            if word.isalpha() and len(word) >= 5:
                for cut in (1, 2):
                    entries.setdefault(("p", word[cut:]), _LEVEL_AFFIX)
                    entries.setdefault(("p", word[:-cut]), _LEVEL_AFFIX)
                index[("f", word[0])].append((info.position, wi, _LEVEL_FUZZY, word))
            for key, level in entries.items():
                index[key].append((info.position, wi, level, word))
        if len(info.words) > 1:  # "SibSp" written as one word
            for wi, word in enumerate(info.words):
                index[("x", "".join(info.words))].append((info.position, wi, _LEVEL_EXACT, word))
    schema.word_index = dict(index)
    return schema.word_index


def _token_hits(token: Token, schema: Schema, index: dict[tuple[str, str], list[Any]]
                ) -> list[tuple[int, int, float]]:
    """``(column position, word position, level)`` for every column word ``token`` matches."""
    low = token.low
    if not low.isalnum() or low in STOPWORDS or low in NEGATIONS:
        return []
    keys: list[tuple[tuple[str, str], float | None]] = [
        (("x", singular(low)), None), (("s", stem(low)), None)]
    if singular(low) != low:
        keys.append((("x", low), None))
    for group in _SYNONYM_GROUPS.get(low, _SYNONYM_GROUPS.get(stem(low), [])):
        keys.append((("y", str(group)), None))
    agent = agent_stem(low)
    if agent != stem(low):
        keys.append((("s", agent), _LEVEL_AGENT))
    hits = []
    for key, cap in keys:
        for col, wi, level, word in index.get(key, ()):
            if cap is not None:
                if schema.columns[col].kind != "bool":
                    continue
                level = cap
            elif key[0] == "x" and level == _LEVEL_EXACT and word != low and (
                    "".join(schema.columns[col].words) != low):
                level = _LEVEL_PLURAL
            hits.append((col, wi, level))
    if not hits and len(low) >= 4:
        hits = [(c, wi, lv) for c, wi, lv, _ in index.get(("p", singular(low)), ())]
    if not hits and len(low) >= 5 and low.isalpha():  # "injuries" for a column "inj"
        hits = [(c, wi, lv) for size in range(MIN_PREFIX, len(low) - 1)
                for c, wi, lv, _ in index.get(("a", low[:size]), ())]
    if not hits and len(low) >= 5 and low.isalpha():
        hits = _fuzzy_hits(low, index)
    return hits


def _fuzzy_hits(low: str, index: dict[tuple[str, str], list[Any]]) -> list[tuple[int, int, float]]:
    hits = []
    for col, wi, level, word in index.get(("f", low[0]), ()):
        if abs(len(word) - len(low)) <= 2 and difflib.SequenceMatcher(
                None, low, word).ratio() >= 0.85:
            hits.append((col, wi, level))
    return hits


def _column_candidates(free: list[Token], tokens: list[Token], schema: Schema,
                       index: dict[tuple[str, str], list[Any]]) -> list[ColumnMention]:
    per_column: dict[int, list[tuple[int, int, float]]] = defaultdict(list)
    found: list[ColumnMention] = []
    for token in free:
        if token.kind == "quoted":
            found.extend(_quoted_columns(token, schema))
        elif token.kind == "word" and "_" in token.text.strip("_"):
            found.extend(_identifier_columns(token, schema))
        elif token.kind in ("word", "number"):
            for col, wi, level in _token_hits(token, schema, index):
                per_column[col].append((token.i, wi, level))
    for info in schema.columns:
        per_column[info.position].extend(_composed_hits(free, info, per_column[info.position]))
    for col, hits in per_column.items():
        if hits:
            found.extend(_clusters(tokens, schema.columns[col], hits))
    return found


def _identifier_columns(token: Token, schema: Schema) -> list[ColumnMention]:
    """A name written as code writes it ("unit_price", "is_outlier") names the column it spells,
    and nothing else: its parts are not read as separate words."""
    parts = tuple(p for p in token.low.split("_") if p)
    return [ColumnMention(info.name, (token.i,), 2.0) for info in schema.columns
            if normalize_value(info.name) == normalize_value(token.text) or info.words == parts]


def _quoted_columns(token: Token, schema: Schema) -> list[ColumnMention]:
    wanted = normalize_value(token.text)
    return [ColumnMention(info.name, (token.i,), 2.0) for info in schema.columns
            if normalize_value(info.name) == wanted]


def _composed_hits(tokens: list[Token], info: ColumnInfo,
                   hits: list[tuple[int, int, float]]) -> list[tuple[int, int, float]]:
    """Hits for names abbreviated from consecutive question words ("Pclass", "SibSp")."""
    matched = {wi for _, wi, level in hits if level >= _LEVEL_STEM}
    words = [t for t in tokens if t.kind == "word" and t.low not in STOPWORDS and t.low.isalpha()]
    targets: list[tuple[tuple[int, ...], str]] = [
        ((wi,), word) for wi, word in enumerate(info.words) if wi not in matched]
    if len(info.words) > 1 and not matched:
        targets.append((tuple(range(len(info.words))), "".join(info.words)))
    found: list[tuple[int, int, float]] = []
    for indices, word in targets:
        if not word.isalpha() or not 4 <= len(word) <= 12:
            continue
        for start in range(len(words)):
            used = _compose(word, words, start)
            if used:
                found.extend((t.i, wi, _LEVEL_COMPOSED) for t in used for wi in indices)
                break
    return found


def _compose(word: str, words: list[Token], start: int) -> list[Token] | None:
    """Question words from ``start`` whose prefixes spell ``word``, at least two of them."""
    def walk(rest: str, k: int, used: list[Token]) -> list[Token] | None:
        if not rest:
            return used if len(used) >= 2 and len(used[-1].low) >= 2 else None
        if k >= len(words) or (used and words[k].i - used[-1].i > 2):
            return None
        low = words[k].low
        for size in range(min(len(low), len(rest)), 0, -1):
            if (size >= 2 or not used) and rest.startswith(low[:size]):
                result = walk(rest[size:], k + 1, [*used, words[k]])
                if result:
                    return result
        return None

    return walk(word, start, [])


def _clusters(tokens: list[Token], info: ColumnInfo,
              hits: list[tuple[int, int, float]]) -> list[ColumnMention]:
    """Group a column's hits into runs of nearby words and score each run."""
    weights = _weights(info)
    total = sum(weights)
    runs: list[list[tuple[int, int, float]]] = []
    for hit in sorted(hits):
        if runs and _joinable(tokens, runs[-1][-1][0], hit[0]):
            runs[-1].append(hit)
        else:
            runs.append([hit])
    found = [m for m in (_scored(tokens, info, run, weights, total) for run in runs) if m]
    if not found and len(runs) > 1 and runs[-1][0][0] - runs[0][-1][0] <= SPREAD:
        # "scored more than 20 goals": the words of "Goals Scored" apart, each too little alone
        merged = _scored(tokens, info, [hit for run in runs for hit in run], weights, total)
        found = [merged] if merged else []
    return found


def _scored(tokens: list[Token], info: ColumnInfo, run: list[tuple[int, int, float]],
            weights: list[float], total: float) -> ColumnMention | None:
    best: dict[int, float] = {}
    for _, wi, level in run:
        best[wi] = max(level, best.get(wi, 0.0))
    coverage = sum(weights[wi] for wi in best) / total
    if coverage < MIN_COVERAGE or (len(best) == 1 and len({p for p, _, _ in run}) > 1
                                   and not _joinable(tokens, run[0][0], run[-1][0])):
        return None  # one word of the name said twice apart is two mentions, not one
    if len(best) == 1 and len({p for p, _, _ in run}) > 1:
        # "revenue by sales": one word of the name matched twice (once by a synonym) is the
        # best-matching word alone; the other word is free for another column
        run = [max(run, key=lambda hit: hit[2])]
    level = sum(best[wi] * weights[wi] for wi in best) / sum(weights[wi] for wi in best)
    positions = tuple(sorted({pos for pos, _, _ in run}))
    cue_only = all(tokens[p].low in CUE_WORDS for p in positions)
    secondary = info.is_id or info.kind in ("date", "datetext")
    score = coverage * level * (ID_DISCOUNT if secondary and coverage < 1 else 1.0) + (
        MULTIWORD_BONUS * (len(positions) - 1))
    return ColumnMention(info.name, positions, round(score, 4), cue_only)


def _joinable(tokens: list[Token], left: int, right: int) -> bool:
    if right - left > 3:
        return False
    between = [tokens[k] for k in range(left + 1, right)]
    if any(t.low in ("and", "or") for t in between):
        return False  # "the start date and the cancel date": two names, not one
    return all(t.low in STOPWORDS or t.kind == "symbol" for t in between)
