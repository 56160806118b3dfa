"""The deterministic semantic parser: a question and a frame in, a :class:`Parse` out.

Reading happens in passes over one :class:`~analyst_magics.nlq.rules.context.Context`: cue phrases,
column and value mentions, constructs that own their numbers ("top 5", "|z| > 3", a derived
feature), row conditions, and finally the intent, chosen by the strongest cue present. Every
assumption is written to ``warnings``; every doubtful step lowers ``confidence``.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from . import builders, comparisons
from .bins import read_bins
from .codegen.code import literal
from .conditions import extract_conditions
from .context import DURATION_KINDS, Context
from .cues import Cue, find_cues, reserved_positions
from .durations import read_elapsed, read_time_to, read_unit
from .expectation import Expected, expected_answer
from .intents import Condition, Derived, Intent, IntentKind, Parse
from .lengths import read_lengths
from .lexicon import COMMON_VERBS, QUARTILES, STOPWORDS
from .matching import find_mentions
from .mentions import ColumnMention
from .periods import read_periods
from .ranking import Top
from .schema import Schema, normalize_value, schema_of
from .text import Token, singular, split_name, stem, tokenize, word_list

__all__ = ["parse", "CONFIDENT"]

#: parses at or above this confidence are answered by the rules even when a model is configured
CONFIDENT = 0.6
#: below this confidence the rules decline rather than answer: a reading that ignored most of
#: the question (or guessed its column) would be an invented answer
ANSWER_FLOOR = 0.5
_OPERATORS = {"sum": "+", "plus": "+", "+": "+", "adding": "+", "add": "+",
              "difference": "-", "minus": "-", "-": "-", "−": "-", "–": "-",
              "subtracting": "-", "subtract": "-",
              "product": "*", "times": "*", "*": "*", "multiplying": "*", "multiply": "*",
              "ratio": "/", "divided": "/", "/": "/", "dividing": "/", "divide": "/"}
#: "subtracting B from A" names its operands in the other order
_REVERSED = frozenset({"subtracting", "subtract"})
_NAME = re.compile(r"[A-Z][a-z]+[A-Z]\w*|[A-Za-z]+_\w+")  # FamilySize, family_size
#: intents about the whole table, which need no column named
_WHOLE_TABLE = frozenset({IntentKind.COUNT, IntentKind.MISSING, IntentKind.DESCRIBE,
                          IntentKind.CORRELATION, IntentKind.STRONGEST_CORRELATION,
                          IntentKind.POSITION})
CLEANING_WINDOW = 9  # words after "fill"/"drop" in which the column and "missing" are named
AFTER_MISSING = 6  # … or after "missing": "drop every row with a missing value in the Age column"
MIN_NOTED = 4  # shorter unused words are not listed
UNUSED_PENALTY, MAX_UNUSED = 0.05, 0.2  # confidence lost per unused word, and at most
UNUSED_NUMBER_PENALTY = 0.6  # a number left unused is a condition left out: below the floor
#: words that, left unread, change the rows or the computation asked for: a sequence
#: ("consecutive", "in a row"), an order relative to another row ("next", "after"), a
#: comparison ("than", "more"), a sameness ("same", "also"), an exclusion ("besides")
UNREAD_OPERATORS = frozenset(word_list(
    "consecutive straight streak next previous preceding following prior subsequent "
    "same also again another than more fewer less before after besides except excluding "
    "between until since per each still yet"))
UNREAD_PENALTY = 0.6
#: words after which a number bounds the rows: a preposition, a comparison, a month
_BOUNDING = frozenset({
    "in", "on", "at", "during", "since", "after", "before", "over", "under", "above", "below",
    "than", "least", "most", "between", "from", "to", "until", "till", "and", "within", "exceeds",
    "exceeded", "exceeding", "beyond", "past", "january", "february", "march", "april", "may",
    "june", "july", "august", "september", "october", "november", "december", "jan", "feb", "mar",
    "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "equal", "equals", "is",
    "was", "were", "are", "of", "with", "by", "around", "about", "exactly", "year", "season"})
EXACT = 0.95  # a word that names a column this well is that column, not a new name
#: verbs that set missing values aside without changing the rows asked about
_SKIPPING = frozenset({"ignore", "ignoring", "exclude", "excluding", "skip", "skipping",
                       "disregard", "disregarding"})
_MISSING_NOUNS = frozenset({"values", "value", "data", "entries", "cells", "ones"})
_JOINERS = frozenset({"and", "the", "of", "columns", "column", ",", "with", "by", "from",
                      "to"})
_THRESHOLD_WORDS = ("z", "score", "zscore", "deviation", "deviations", "sigma", "std", "iqr",
                    "times", "sd", "sds")


def parse(df: pd.DataFrame, question: str) -> Parse:
    """Understand ``question`` about ``df``: an intent with its slots, or what went wrong."""
    ctx = _context(df, question)
    _read_derived(ctx)
    _read_expression(ctx)
    read_elapsed(ctx)
    read_time_to(ctx)
    read_lengths(ctx)
    read_bins(ctx, question)
    unit = read_unit(ctx)
    _read_quantile(ctx)
    _read_cleaning(ctx)
    _drop_cue_only(ctx)
    threshold = _read_threshold(ctx)
    top = _read_top(ctx)
    comparison = comparisons.read_comparison(ctx) if ctx.has("yesno") else None
    read_periods(ctx)
    extract_conditions(ctx)
    intent = builders.choose(ctx, top=top, threshold=threshold, comparison=comparison)
    if intent is not None and expected_answer(
            question, ctx.schema.column_words, ctx.schema.value_words,
            ctx.schema.entity_words) is Expected.LABEL:
        intent = _labelled(ctx, intent)
    understood = _understood(ctx)
    if intent is None:
        return Parse(confidence=0.0, warnings=ctx.warnings, understood=understood,
                     problem=builders.problem(ctx))
    named = ctx.columns or ctx.values or ctx.conditions or ctx.implied or (
        intent.kind is IntentKind.ROWS and intent.k is not None)  # "the first 5 rows"
    if not named and intent.kind not in _WHOLE_TABLE:
        return Parse(confidence=0.0, warnings=ctx.warnings, understood=understood,
                     problem="no column or value of the table is named in the question")
    intent.derived = ctx.derived
    if unit is not None and intent.target is not None and (
            ctx.info(intent.target).kind in DURATION_KINDS):
        intent.unit = unit[0]
        ctx.use(unit[1])
    _warn_unused(ctx)
    _check_counted(ctx, intent)
    confidence = max(0.0, min(1.0, 1.0 - ctx.penalty))
    return Parse(intent=intent, confidence=round(confidence, 3), warnings=ctx.warnings,
                 understood=understood, unused=ctx.unused)


def _context(df: pd.DataFrame, question: str) -> Context:
    schema = schema_of(df)
    tokens = tokenize(question)
    cues = find_cues(tokens)
    names = frozenset(c.words[0] for c in schema.columns if len(c.words) == 1)
    reserved = reserved_positions(tokens, cues, names) - _named_in_full(tokens, schema)
    columns, values = find_mentions(tokens, schema, reserved)
    return Context(question=question, df=df, tokens=tokens, schema=schema, cues=cues,
                   columns=columns, values=values)


def _named_in_full(tokens: list[Token], schema: Schema) -> set[int]:
    """Positions of a column name of several words written out in full ("is outlier",
    "total amount"): a cue word inside it is part of the name."""
    low = [t.low for t in tokens]
    found: set[int] = set()
    for column in schema.columns:
        words, n = list(column.words), len(column.words)
        if n > 1:
            found.update(p for s in range(len(low) - n + 1) if low[s:s + n] == words
                         for p in range(s, s + n))
    return found


def _drop_cue_only(ctx: Context) -> None:
    """"total number of orders": ``Total`` is a cue here, not the column named Total."""
    keep = []
    for mention in ctx.columns:
        following = [m for m in ctx.columns if mention.end < m.start <= mention.end + 3]
        if mention.cue_only and following:
            continue
        keep.append(mention)
    ctx.columns = keep


# ----------------------------------------------------------------------------- derived


def _read_derived(ctx: Context) -> None:
    """'Create a feature "FamilySize" as the sum of SibSp and Parch' -> a derived column."""
    tokens = ctx.tokens
    for token in tokens:
        named = token.i > 0 and tokens[token.i - 1].low in ("called", "named")
        if not (token.kind == "quoted" or _NAME.fullmatch(token.text) or named):
            continue
        if any(token.i in m.positions and m.score >= EXACT for m in ctx.columns):
            continue  # an existing column, not a new one
        follow = [t.low for t in tokens[token.i + 1:token.i + 4]]
        link = next((k for k, w in enumerate(follow)
                     if w in ("as", "=", "equal", "defined", "by")), None)
        if link is None or any(w not in ("feature", "column", "variable") for w in
                               follow[:link]):
            continue
        definition = _definition(ctx, token.i + 1 + link)
        if definition is None:
            continue
        op, parts, end = definition
        ctx.derived.append(Derived(name=token.text, op=op, columns=parts))
        ctx.use(range(token.i, end + 1))
        _mention_derived(ctx, token.text)
        return


def _definition(ctx: Context, start: int) -> tuple[str, list[Any], int] | None:
    """An operator and the columns it joins after ``start``: "the sum of A and B", "A + B"."""
    window = range(start, min(start + 8, len(ctx.tokens)))
    words = [ctx.word(p) for p in window if ctx.word(p) in _OPERATORS]
    ops = [_OPERATORS[w] for w in words]
    first = next((m for m in ctx.columns if m.start in window), None)
    if not ops or first is None or len(set(ops)) > 1:
        return None  # "(A - B) / C" mixes operators: not read rather than misread
    chosen = [first]
    for mention in ctx.columns:
        gap = range(chosen[-1].end + 1, mention.start)
        if mention.start > chosen[-1].end and len(gap) <= 3 and all(
                ctx.word(p) in _JOINERS or ctx.word(p) in _OPERATORS for p in gap):
            chosen.append(mention)
    if len(chosen) < 2:
        return None
    columns: list[Any] = [m.column for m in chosen]
    if words[0] in _REVERSED and ctx.word(chosen[1].start - 1) == "from":
        columns.reverse()
    end = chosen[-1].end
    constant = ctx.tokens[end + 2] if end + 2 < len(ctx.tokens) else None
    if constant is not None and constant.kind == "number" and _OPERATORS.get(
            ctx.word(end + 1)) == ops[0]:  # "SibSp + Parch + 1"
        columns.append(constant.number)
        end += 2
    return ops[0], columns, end


def _read_expression(ctx: Context) -> None:
    """"the median of High minus Low", "average of Close - Open": an aggregate of two columns
    joined by an operator is the aggregate of a column computed from them."""
    for cue in ctx.cues_of("agg"):
        start = cue.end + 2 if ctx.word(cue.end + 1) == "of" else cue.end + 1
        first = next((m for m in ctx.columns if m.start == start or (
            m.start == start + 1 and ctx.word(start) == "the")), None)
        if first is None:
            continue
        op = _OPERATORS.get(ctx.word(first.end + 1)) if ctx.word(first.end + 1) not in (
            "sum", "difference", "product", "ratio") else None
        second = next((m for m in ctx.columns if m.start == first.end + 2), None)
        if op is None or second is None or not (ctx.info(first.column).numeric
                                                and ctx.info(second.column).numeric):
            continue
        name = f"{first.column} {op} {second.column}"
        ctx.derived.append(Derived(name=name, op=op, columns=[first.column, second.column]))
        ctx.columns = [m for m in ctx.columns if m not in (first, second)]
        ctx.columns.append(ColumnMention(name, tuple(range(first.start, second.end + 1)), 2.0))
        ctx.columns.sort(key=lambda m: m.start)
        return


def _mention_derived(ctx: Context, name: str) -> None:
    wanted = normalize_value(name)
    spots = [t.i for t in ctx.tokens if normalize_value(t.text) == wanted and t.i not in
             ctx.consumed]
    ctx.columns = [m for m in ctx.columns if not set(m.positions) & set(spots)]
    ctx.columns += [ColumnMention(name, (i,), 2.0) for i in spots]
    ctx.columns.sort(key=lambda m: m.start)


def _read_cleaning(ctx: Context) -> None:
    """"Fill the missing ages with the mean", "drop rows with missing Age": data preparation
    the question asks for before its answer."""
    for cue in ctx.cues_of("clean"):
        missing = next((c for c in ctx.cues_of("missing") if cue.start < c.start <= cue.end + 6),
                       None)
        window = range(cue.start, max(cue.start + CLEANING_WINDOW, missing.end + AFTER_MISSING)
                       if missing is not None else cue.start + CLEANING_WINDOW)
        mention = next((m for m in ctx.columns if m.start in window), None)
        if missing is not None and mention is None and ctx.word(cue.start) in _SKIPPING:
            # "the median of Close (ignoring missing values)": pandas' reducers skip them
            ctx.use([*cue.positions, *missing.positions,
                     *(p for p in (missing.end + 1,) if ctx.word(p) in _MISSING_NOUNS)])
            continue
        if missing is None or mention is None:
            continue
        used = [*cue.positions, *missing.positions, *mention.positions]
        if ctx.word(cue.start).startswith(("fill", "imput", "replac")):
            how = _filler(ctx, mention, window)
            if how is None:
                continue
            filler, positions = how
            used += positions
            ctx.derived.append(Derived(name=mention.column, op=f"fill:{filler}",
                                       columns=[mention.column]))
        else:
            ctx.conditions.append(Condition(column=mention.column, op="notna",
                                            words=_span(ctx, cue.start, mention.end),
                                            position=cue.start))
        ctx.use(used)


def _filler(ctx: Context, mention: ColumnMention, window: range) -> tuple[str, list[int]] | None:
    """What missing values are filled with: "with the mean (age)", "with zero", "with 0"."""
    link = next((p for p in window if p > mention.end and ctx.word(p) == "with"), None)
    if link is None:
        return None
    for pos in range(link + 1, link + 4):
        agg = next((c for c in ctx.cues_of("agg") if c.start == pos
                    and c.value in ("mean", "median")), None)
        token = ctx.tokens[pos] if pos < len(ctx.tokens) else None
        if agg is not None:
            same = [m for m in ctx.columns if m.start == agg.end + 1 and m.column == mention.column]
            return agg.value, [link, *agg.positions, *(p for m in same for p in m.positions)]
        if token is not None and token.low in ("mode", "zero", "zeros") or (
                token is not None and token.kind == "number"):
            value = "mode" if token.low == "mode" else literal(token.number or 0)
            return value, [link, pos]
    return None


def _read_quantile(ctx: Context) -> None:
    """"the 90th percentile", "the third quartile": an aggregate cue with its fraction."""
    for token in ctx.tokens:
        word = token.low
        if word not in ("percentile", "quantile", "quartile") or token.i == 0:
            continue
        before = ctx.tokens[token.i - 1]
        if word == "quartile":
            fraction = QUARTILES.get(before.low) or QUARTILES.get(
                {1.0: "first", 2.0: "second", 3.0: "third"}.get(before.number or 0, ""))
        else:
            fraction = before.number / 100 if before.number is not None else None
        if fraction is None or not 0 < fraction < 1:
            continue
        ctx.cues.append(Cue("agg", before.i, token.i, f"quantile:{fraction:g}"))
        ctx.use([before.i])  # the number belongs to the cue, which stays readable
        ctx.columns = [m for m in ctx.columns if not {before.i, token.i} & set(m.positions)]


# ----------------------------------------------------------------------------- owned numbers


def _read_threshold(ctx: Context) -> float | None:
    """The number of "|z| > 3", "more than 3 standard deviations", "1.5 times the IQR"."""
    if not ctx.has("outlier"):
        return None
    for token in ctx.tokens:
        if token.kind != "number":
            continue
        around = {ctx.word(p) for p in range(token.i - 4, token.i + 3)}
        if around & set(_THRESHOLD_WORDS):
            ctx.use([token.i])
            for cue in ctx.cues_of("cmp"):
                if cue.end < token.i and token.i - cue.end <= 2:
                    ctx.use(cue.positions)
            return token.number
    return None


def _read_top(ctx: Context) -> Top | None:
    """"top 5", "bottom 3", "5 highest", "3 oldest", "show 10 rows"."""
    inside_comparisons = {p for c in ctx.cues_of("cmp") for p in c.positions}
    for cue in ctx.cues_of("super"):
        if cue.start in inside_comparisons:
            continue  # "at least 30": a comparison, not a top 30
        word = ctx.word(cue.start)
        before, after = ctx.tokens[cue.start - 1] if cue.start else None, (
            ctx.tokens[cue.end + 1] if cue.end + 1 < len(ctx.tokens) else None)
        if after is not None and after.kind == "number" and not after.ordinal and (
                word in ("top", "bottom") or _counted_after(ctx, after.i)):
            ctx.use([*cue.positions, after.i])
            return Top(int(after.number or 1), cue.value[0], cue)
        if before is not None and before.kind == "number" and not before.ordinal and (
                before.i not in ctx.consumed):
            ctx.use([before.i, *([] if cue.value[1] else cue.positions)])
            return Top(int(before.number or 1), cue.value[0], cue)
    for cue in [*ctx.cues_of("list"), *ctx.cues_of("wh")]:  # "list the 3 …", "which 3 …",
        pos = cue.end + 1  # "who are the 4 …"
        while ctx.word(pos) in ("the", "are", "were", "is", "was"):
            pos += 1
        after = ctx.tokens[pos] if pos < len(ctx.tokens) else None
        if after is not None and after.kind == "number" and not after.ordinal:
            ctx.use([after.i])
            later = next((c for c in ctx.cues_of("super") if c.start > pos), None)
            return Top(int(after.number or 1), later.value[0] if later else "max", cue)
    return None


def _counted_after(ctx: Context, position: int) -> bool:
    """"lowest 3 ages": a number after a superlative counts the items that follow it."""
    return position + 1 < len(ctx.tokens) and any(
        position < m.start <= position + 2 for m in ctx.columns) and not any(
        c.start == position + 1 for c in ctx.cues_of("cmp"))


# ----------------------------------------------------------------------------- reporting


def _understood(ctx: Context) -> list[str]:
    found = [f"column '{m.column}' from '{_span(ctx, m.start, m.end)}'" for m in ctx.columns]
    found += [f"condition {c.describe()}" for c in ctx.conditions]
    kinds = sorted({c.kind for c in ctx.cues if c.kind not in ("neg", "any", "wh", "list")})
    if kinds:
        found.append("cue words: " + ", ".join(kinds))
    return found


def _span(ctx: Context, start: int, end: int) -> str:
    return " ".join(t.text for t in ctx.tokens[start:end + 1])


def _labelled(ctx: Context, intent: Intent) -> Intent:
    """"What store had the lowest margin?": a question asking for a label, read as the
    largest or smallest value, asks for the label of the row that has it."""
    if intent.kind != IntentKind.AGGREGATE or intent.agg not in ("max", "min"):
        return intent
    label = next((m.column for m in ctx.columns if m.column != intent.target
                  and ctx.info(m.column).kind == "text" and m.start < _first_cue(ctx)), None)
    if label is None:
        return intent
    return Intent(kind=IntentKind.ARG, target=intent.target, label=label,
                  ascending=intent.agg == "min", conditions=intent.conditions)


def _first_cue(ctx: Context) -> int:
    return min((c.start for c in ctx.cues if c.kind in ("agg", "super")), default=len(ctx.tokens))


def _check_counted(ctx: Context, intent: Intent) -> None:
    """A count of rows stands in for a measure only when the question counts: "total profit by
    region", "the highest lifetime value" or "revenue per month" (with no revenue column) name
    a quantity no column holds, and counting rows would answer another question."""
    operations = [c for c in ctx.cues if c.kind in _OPERATION_CUES
                  and not ctx.consumed & set(c.positions)
                  and not any(c.start in m.positions for m in [*ctx.columns, *ctx.values])]
    if operations and intent.kind in _READS_ROWS:
        # "the difference in weight between A and B" read as A's weight, "the album with the
        # highest spot" read as every album: the operation asked for was left out
        ctx.warn(f"'{ctx.word(operations[0].start)}' was not read: the answer would leave out "
                 "what it asks for.", UNREAD_PENALTY)
        return
    unread = [c for c in ctx.cues_of("agg") if c.value in _STATISTICS
              and not any(c.start in m.positions for m in ctx.columns)]
    if intent.kind in (IntentKind.COUNT, IntentKind.OUTLIERS, IntentKind.DISTINCT) and unread:
        # "the average number of days between …", "after removing the outliers, what is the
        # mean": a count would drop the statistic asked for
        ctx.warn(f"'{ctx.word(unread[0].start)}' was not read: a count would answer another "
                 "question.", UNREAD_PENALTY)
        return
    if intent.agg != "size" or intent.target is not None or intent.kind not in _MEASURED:
        return
    words = {t.low for t in ctx.tokens}
    if not words & _COUNT_WORDS and (words & _QUANTITY_WORDS or ctx.unused):
        ctx.warn("No column was found for the quantity asked for; counting rows would answer "
                 "another question.", UNREAD_PENALTY)


_OPERATION_CUES = frozenset({"diff", "change", "super"})
_READS_ROWS = frozenset({IntentKind.LOOKUP, IntentKind.ROWS, IntentKind.POSITION,
                         IntentKind.COUNT, IntentKind.DISTINCT})
_STATISTICS = frozenset({"mean", "median", "std", "var", "pstd", "pvar", "skew", "kurt"})
_MEASURED = frozenset({IntentKind.GROUP, IntentKind.GROUP_ARG, IntentKind.TREND,
                       IntentKind.DIFFERENCE, IntentKind.AGGREGATE})
_QUANTITY_WORDS = frozenset({
    "highest", "lowest", "largest", "smallest", "biggest", "greatest", "total", "average",
    "mean", "median", "sum", "maximum", "minimum", "max", "min", "best", "worst"})
_COUNT_WORDS = frozenset({"most", "fewest", "least", "many", "number", "count", "counts",
                          "times", "often", "frequent", "frequently", "rows", "entries",
                          "records", "occurrences", "popular", "common", "frequency",
                          "represented", "representation", "prevalent", "widespread"})


def _unread_cue(ctx: Context, token: Any) -> bool:
    """Whether a comparison cue ("after", "than", "more") was read by no step: left alone, it
    changes what is asked ("the order after SO-10010")."""
    return not any(token.i in c.positions and ctx.consumed.issuperset(c.positions)
                   for c in ctx.cues) and token.low in UNREAD_OPERATORS


#: cue words whose meaning is lost when no step reads them
_ORDERING_CUES = frozenset({"after", "before", "than", "next", "previous", "since", "until"})


def _warn_other_modifier(ctx: Context, unused: list[str]) -> None:
    """"the average resolution time" with only Handle Time: the column shares the head noun,
    and the question's own modifier ("resolution") says it means another time."""
    spots = {t.i for t in ctx.tokens if t.text in unused}
    for mention in ctx.columns:
        if mention.start - 1 not in spots or not isinstance(mention.column, str):
            continue
        named = [w for w in split_name(re.sub(r"\(.*?\)|\[.*?\]", " ", mention.column))
                 if w not in _NAME_FILLERS]
        said = {form for p in mention.positions
                for form in (ctx.tokens[p].sing, stem(ctx.tokens[p].low))}
        matched = [w for w in named if w in said or stem(w) in said]
        if named and named[-1] in matched and len(matched) < len(named):
            ctx.warn(f"'{ctx.tokens[mention.start - 1].text} {ctx.word(mention.start)}' is not "
                     f"'{mention.column}'.", UNREAD_PENALTY)
            return


_NAME_FILLERS = frozenset({"of", "the", "in", "per", "a", "and", "usd", "eur", "pct", "id"})


def _asked_noun(ctx: Context) -> Any:
    """The noun a "who/what/which is the … of" question asks for: "manager" in "who is the
    manager of sales"."""
    wh = ctx.cue("wh") or next((c for c in ctx.cues if c.kind == "wh"), None)
    if wh is None:
        return None
    position = wh.end + 1
    if ctx.word(position) in ("is", "was", "are", "were", "'s"):
        position += 1
    if ctx.word(position) not in ("the", "a", "an"):
        return None
    after = position + 1
    while after + 1 < len(ctx.tokens) and ctx.word(after + 1) not in _ASKED_ENDS:
        after += 1  # "the store manager of": the last word before "of"
    if after >= len(ctx.tokens) or ctx.word(after + 1) not in _ASKED_ENDS:
        return None
    phrase = range(position + 1, after + 1)
    named = {p for m in [*ctx.columns, *ctx.values] for p in m.positions} | {
        p for c in ctx.cues for p in c.positions} | ctx.consumed
    return None if named & set(phrase) else ctx.tokens[after]


_ASKED_ENDS = frozenset({"of", "for", "in", "at", "on", "with", "from", "who", "that",
                         "which", "whose", "to", "by", "between", "and"})


def _bounds_something(ctx: Context, position: int) -> bool:
    """Whether the number at ``position`` follows a preposition or a comparison ("in 2003",
    "over 20,000", "than 5", "june 3, 1999"): a condition. A number inside a name ("the 2013
    season", "S&P 500"), an ordinal, a number word or a number that is part of a column's name
    is not."""
    token = ctx.tokens[position]
    if token.ordinal or not any(ch.isdigit() for ch in token.text):
        return False
    if any(token.low in info.words for info in ctx.schema.columns):
        return False
    before = next((t.low for t in reversed(ctx.tokens[:position]) if t.kind != "symbol"), "")
    return before in _BOUNDING or token.money or token.percent


def _listed_number(ctx: Context, position: int) -> bool:
    """Whether the number at ``position`` is one of a list the question gives ("the age ranges
    0-18, 18-30, 30-50"): bins or options the reading would have to use."""
    near = [t for t in ctx.tokens[max(0, position - 3):position + 4]
            if t.kind == "number" and t.i != position and t.i not in ctx.consumed]
    return len(near) >= 2 and any(ch.isdigit() for ch in ctx.tokens[position].text)


def _warn_unread_values(ctx: Context, unused: list[str]) -> None:
    """A word left unused that is a word of the table's cells ("korea" of ``Republic of
    Korea``) is most likely a condition the reading missed: the answer would cover every row.
    The noun a count or a "which" counts or names ("how many games", "which team") describes
    the rows, and is not one."""
    counted = {ctx.word(c.end + 1) for c in ctx.cues if c.kind in ("count", "wh")}
    # "white voters": the noun after a value names what the value is
    beside = {ctx.word(m.end + 1) for m in ctx.values} | {ctx.word(m.start - 1)
                                                          for m in ctx.values}
    unread = []
    for word in dict.fromkeys(unused):
        low = word.lower()
        columns = ctx.schema.cell_words.get(low) or ctx.schema.cell_words.get(singular(low))
        if columns and not {low} & (counted | beside | ctx.schema.column_words):
            unread.append((word, sorted(columns, key=str)))
    if unread:
        shown = "; ".join(f"'{word}' (in {', '.join(repr(str(c)) for c in columns[:3])})"
                          for word, columns in unread)
        ctx.warn(f"Words of the table's cells were not read as conditions: {shown}.",
                 UNREAD_PENALTY)


def _warn_qualified_measure(ctx: Context, unused: list[str]) -> None:
    """"the spend on marketing", "revenue for subscriptions": a measure narrowed by a noun
    no column or value holds is another quantity than the column's whole."""
    for token in ctx.tokens:
        if token.text not in unused or ctx.word(token.i - 1) not in ("on", "for"):
            continue
        measure = next((m for m in ctx.columns if m.end == token.i - 2
                        and ctx.numeric(m.column)), None)
        rows = singular(token.low) != token.low or singular(token.low) in (
            ctx.schema.entity_words)  # "the wealth for billionaires": of the rows themselves
        if measure is not None and not rows:
            ctx.warn(f"'{ctx.word(measure.end)} {ctx.word(token.i - 1)} {token.text}' narrows "
                     f"'{measure.column}' in a way no column or value says.", UNREAD_PENALTY)
            return


def _warn_unused(ctx: Context) -> None:
    """Words that matched nothing are listed: a filter the rules could not read shows here.

    A number nobody used is a condition the reading dropped ("in 2003", "above 20,000"): the
    answer would cover rows the question excludes, so the reading cannot be trusted."""
    cue_words = {p for c in ctx.cues for p in c.positions}
    unused = []
    for token in ctx.tokens:
        if token.i in ctx.consumed or any(
                token.i in m.positions for m in [*ctx.columns, *ctx.values]):
            continue
        if token.i in cue_words and not (token.low in _ORDERING_CUES and _unread_cue(ctx, token)):
            continue
        if token.kind == "quoted":
            ctx.warn(f"'{token.text}' is neither a column nor a value of the table; it was "
                     "not used.", UNREAD_PENALTY)
            ctx.unused.append(token.text)
        elif token.kind in ("number", "date") and _bounds_something(ctx, token.i):
            ctx.warn(f"The number '{token.text}' was not used: a condition on it was not "
                     "understood.", UNUSED_NUMBER_PENALTY)
            ctx.unused.append(token.text)
        elif token.kind == "number" and _listed_number(ctx, token.i):
            ctx.warn(f"The numbers listed around '{token.text}' were not used.",
                     UNUSED_NUMBER_PENALTY)
            ctx.unused.append(token.text)
        elif token.capitalized and token.i > 0 and len(token.text) > 1 and token.text.isupper():
            ctx.warn(f"'{token.text}' does not appear in the table; the answer covers all "
                     "rows.", 0.3)
            ctx.unused.append(token.text)
        elif token.low in UNREAD_OPERATORS and not ctx.word(token.i + 1).endswith("ing"):
            # "after removing the outliers" orders the steps; "after 2010" or "after X" filters
            ctx.warn(f"'{token.text}' changes what is asked in a way the rules do not read.",
                     UNREAD_PENALTY)
            ctx.unused.append(token.text)
        elif token.kind == "word" and len(token.low) >= MIN_NOTED and token.low not in (
                STOPWORDS | COMMON_VERBS):
            unused.append(token.text)
    _warn_other_modifier(ctx, unused)
    asked = _asked_noun(ctx)
    if asked is not None and asked.text in unused:
        ctx.warn(f"The question asks for '{asked.text}', which no column holds.",
                 UNREAD_PENALTY)
    _warn_unread_values(ctx, unused)
    _warn_qualified_measure(ctx, unused)
    if unused:
        ctx.unused.extend(unused)
        ctx.warn("Not used (no column or value matched): " + ", ".join(
            f"'{w}'" for w in unused) + ".", min(UNUSED_PENALTY * len(unused), MAX_UNUSED))
