"""Questions about order: superlatives, top-k lists and most common values.

"Which year had the most visitors?", "the youngest employee", "top 3 cities with the most
stores", "the most common plan among the churned customers". They share two readings: the
*measure* that orders things (a column, a count of rows, a rate of a flag) and the *asked*
column (what the answer names).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .context import DATE_KINDS, Context
from .cues import Cue
from .intents import Condition, Intent, IntentKind
from .lexicon import INTENSIVE, LESS_IS_BETTER, RANK_NAMES, STOPWORDS
from .matching import columns_for_words
from .mentions import ColumnMention

__all__ = ["Measure", "Top", "group_column", "read_measure", "find_measure", "order_measure",
           "asked_column", "superlative", "top_k", "mode", "default_agg", "rank_like"]

_QUANTITY_WORDS = frozenset({"number", "count", "amount", "total", "of", "the", "a", "an",
                             "average", "mean"})
_QUALITY_WORDS = frozenset({"top", "bottom", "best", "worst"})
_BETTER_WORSE = frozenset({"best", "worst", "better", "worse"})
REPEATS = 0.7
#: a mention this weak names a column by a modifier: "sessions" for 'Session Duration'
PARTIAL_NAME = 0.5
GROUP_SCORE = 0.6  # how well a numeric column must be named to group by it
SHORT_TABLE = 20  # a column whose distinct/rows ratio is below this groups rows


@dataclass(frozen=True, slots=True)
class Measure:
    """What orders or is aggregated: ``agg`` of ``column``; ``column=None`` counts rows."""

    agg: str | None
    column: Any = None
    explicit: bool = False


@dataclass(frozen=True, slots=True)
class Top:
    """A "top k" construct: how many, which end ("max", "min", "first"), and its cue."""

    k: int
    direction: str
    cue: Cue


def rank_like(ctx: Context, column: Any, cue: Cue | None = None) -> bool:
    """Whether the best of ``column`` is its smallest value: ranks and positions ("top",
    "best"), and measures of which less is better ("best", "worst" time or mortality). Only
    words of quality flip; "highest rank" is the largest number, "top costs" the largest."""
    if column is None:
        return False
    word = ctx.word(cue.start) if cue is not None else "best"
    words = set(ctx.info(column).words)
    return (word in _QUALITY_WORDS and bool(words & RANK_NAMES)) or (
        word in _BETTER_WORSE and bool(words & LESS_IS_BETTER))


def default_agg(ctx: Context, column: Any) -> str:
    """Added up per group, unless the measure is an average-like quantity (age, price, rate)
    or the question judges quality ("the best satisfaction", "the worst rating"), which an
    average measures and a total does not."""
    info = ctx.info(column)
    if info.kind == "bool":
        return "sum"
    judged = any(t.low in _QUALITY for t in ctx.tokens)
    return "mean" if set(info.words) & INTENSIVE or judged else "sum"


_QUALITY = frozenset({"best", "worst", "better", "worse", "happiest", "unhappiest",
                      "satisfied", "rated"})


def repeats(ctx: Context, column: Any) -> bool:
    """Whether a column groups rows (values repeat) rather than naming each row."""
    info = ctx.info(column)
    if info.kind == "bool":
        return True
    if info.is_id:
        return False
    distinct = info.distinct if info.distinct is not None else ctx.df[column].nunique()
    rows = min(len(ctx.df), 2000)
    # a short table groups as soon as one value comes twice
    return distinct < REPEATS * rows or (rows < SHORT_TABLE and distinct < rows)


def read_measure(ctx: Context, start: int, exclude: tuple[Any, ...] = ()) -> Measure | None:
    """The measure named from ``start`` on: "number of survivors", "average fare", "revenue"."""
    agg, counting, pos = None, False, start
    while pos < len(ctx.tokens) and pos - start <= 4:
        word = ctx.word(pos)
        mention = _mention_at(ctx, pos, exclude)
        if mention is not None:
            info = ctx.info(mention.column)
            if info.is_id and _mention_at(ctx, mention.end + 1, exclude) is not None:
                pos = mention.end + 1  # "the average order amount": the amount of each order
                continue
            if not (ctx.numeric(mention.column) or info.kind == "bool"):
                return Measure("size") if counting else None
            if counting and mention.score < PARTIAL_NAME:
                return Measure("size")  # "the number of sessions": not 'Session Duration'
            ctx.use(mention.positions)
            if info.kind == "bool" and (counting or agg is None):
                rate = any(c.start == mention.end + 1 for c in ctx.cues_of("share"))
                return Measure("mean" if rate else "sum", mention.column, True)
            return Measure(agg, mention.column, agg is not None)
        cue = next((c for c in ctx.cues_of("agg") if c.start == pos), None)
        if cue is not None:
            agg, pos = cue.value, cue.end + 1
            continue
        if word in ("number", "count") or any(c.start == pos for c in ctx.cues_of("count")):
            counting = True
        elif word not in _QUANTITY_WORDS and word not in STOPWORDS and not any(
                pos < m.start <= pos + 2 for m in ctx.free()) and not any(
                pos in m.positions for m in ctx.columns):  # a column used for something else
            return Measure("size") if ctx.tokens[pos].kind == "word" else None
        pos += 1
    return Measure("size") if counting else None


def find_measure(ctx: Context, exclude: tuple[Any, ...] = ()) -> Measure:
    """The measure of a question wherever it is: after an aggregate or count word, a rated
    flag ("survival rate"), the first numeric column, else a count of rows."""
    for cue in [*ctx.cues_of("agg"), *ctx.cues_of("count")]:
        measure = read_measure(ctx, cue.start, exclude)
        if measure is not None and (measure.column is not None or measure.agg == "size"):
            return measure
    for cue in ctx.cues_of("share"):
        flag = next((m for m in ctx.free() if m.end == cue.start - 1 and m.column not in exclude
                     and ctx.info(m.column).kind == "bool"), None)
        if flag is not None:
            ctx.use(flag.positions)
            return Measure("mean", flag.column, True)
    numeric = next((m for m in ctx.free() if m.column not in exclude and ctx.numeric(m.column)),
                   None)
    if numeric is not None:
        ctx.use(numeric.positions)
        return Measure(None, numeric.column)
    return Measure("size")


def _mention_at(ctx: Context, pos: int, exclude: tuple[Any, ...]) -> ColumnMention | None:
    return next((m for m in ctx.free() if pos in m.positions and m.column not in exclude), None)


_WH_SKIP = frozenset({"is", "was", "are", "were", "the", "a", "an", "s", "of"})
_COPULAS = frozenset({"is", "was", "are", "were", "'s"})


def asked_column(ctx: Context, before: int | None = None) -> tuple[Any, bool]:
    """The column the answer names, and whether the question named it explicitly."""
    wh = ctx.cue("wh")
    starts = [c for c in (wh, ctx.cue("list")) if c is not None]
    for cue in starts:
        if cue.value == "who" and ctx.word(cue.end + 1) not in _COPULAS:
            continue  # "who scored …" names no column; "who are the authors of …" does
        pos = cue.end + 1
        while ctx.word(pos) in _WH_SKIP:
            pos += 1
        mention = next((m for m in ctx.free() if m.start == pos), None)
        if mention is None and cue.value == "what":  # "what is the net worth of …"
            mention = next((m for m in ctx.free() if m.start == pos + 1 and not _cue_at(ctx, pos)
                            and ctx.tokens[pos].kind == "word"), None)
        if mention is not None and (before is None or mention.start < before):
            ctx.use(mention.positions)
            return mention.column, True
    texts = [m for m in ctx.free() if ctx.info(m.column).kind in ("text", "bool")]
    if wh is not None and texts and wh.value in ("which", "who", "what"):
        ctx.use(texts[0].positions)
        return texts[0].column, True
    if ctx.cue("list") is not None or (wh is not None and wh.value in ("which", "who")):
        return ctx.schema.label_column, False
    return None, False


def _cue_at(ctx: Context, pos: int) -> bool:
    return any(c.start <= pos <= c.end for c in ctx.cues if c.kind not in ("list", "wh"))


def superlative(ctx: Context, cue: Cue) -> Intent | None:
    """"the youngest employee", "which year had the most visitors"."""
    direction, concept = cue.value
    said = next((m for m in ctx.free() if m.start < cue.start
                 and _implied_by(ctx, m.column, concept)), None)
    if said is not None:  # "the number of words of the longest review": its largest value
        ctx.use(said.positions)
        return Intent(kind=IntentKind.AGGREGATE, agg=direction, target=said.column,
                      conditions=ctx.conditions)
    asked, named = asked_column(ctx, before=cue.start)
    noun = None
    if concept and not named:  # "the deadliest year", "the richest country": the noun after it
        noun = next((m for m in ctx.free() if m.start == cue.end + 1
                     and ctx.info(m.column) not in columns_for_words(ctx.schema, concept)), None)
        if noun is not None:
            ctx.use(noun.positions)
            asked, named = noun.column, True
    measure = order_measure(ctx, cue, exclude=(asked,))
    if measure is None:
        return None
    measure = _rate_of_flag(ctx, cue, measure)
    if rank_like(ctx, measure.column, cue):  # "the best position" is the smallest number
        direction = "min" if direction == "max" else "max"
    ascending = direction == "min"
    if measure.column is not None and measure.column == asked:
        asked = None
    if asked is None:
        if measure.column is None:
            return None
        return Intent(kind=IntentKind.AGGREGATE, agg=direction, target=measure.column,
                      conditions=ctx.conditions)
    averaged = next((c for c in ctx.cues_of("agg") if c.start == cue.end + 1 or (
        c.value == "mean" and ctx.word(c.start) == "on")), None)  # "… the longest on average"
    if averaged is not None and concept:  # "the youngest average age": per group
        measure = Measure(averaged.value, measure.column, True)
    # "which match had …": a noun that is no column names the rows themselves
    row_level = (bool(concept) and averaged is None and noun is None) or not named or (
        not repeats(ctx, asked))
    if measure.agg == "size" and row_level:
        return None  # counting rows per value of a column whose values do not repeat
    if measure.agg == "size" or not row_level:
        agg = measure.agg or default_agg(ctx, measure.column)
        if measure.agg is None:
            ctx.warn(f"Took the {_agg_word(agg)} of '{measure.column}' per '{asked}'.", 0.05)
        return Intent(kind=IntentKind.GROUP_ARG, by=asked, target=measure.column, agg=agg,
                      ascending=ascending, conditions=ctx.conditions)
    return Intent(kind=IntentKind.ARG, target=measure.column, label=asked, ascending=ascending,
                  conditions=ctx.conditions)


def _rate_of_flag(ctx: Context, cue: Cue, measure: Measure) -> Measure:
    """"Which source converts best": the best is the highest rate of the flag the verb names
    (converted), not the most rows that have it."""
    if measure.agg != "size" or ctx.word(cue.start) not in _BETTER_WORSE:
        return measure
    flag = next((c for c in ctx.conditions if c.op == "true"), None)
    if flag is None:
        return measure
    ctx.conditions.remove(flag)
    return Measure("mean", flag.column, True)


def _agg_word(agg: str) -> str:
    return {"sum": "total", "mean": "average", "size": "row count"}.get(agg, agg)


def order_measure(ctx: Context, cue: Cue, exclude: tuple[Any, ...] = ()) -> Measure | None:
    """What a superlative orders by: its concept column ("oldest" -> age), the column named
    after it ("highest revenue"), a count ("most stores"), or a numeric column."""
    concept = cue.value[1]
    if concept:
        found = _concept_measure(ctx, cue, exclude)
        if found is not None:
            return found
        after = next((m for m in ctx.free() if cue.end < m.start <= cue.end + 2
                      and m.column not in exclude and ctx.numeric(m.column)), None)
        if after is None:  # "the oldest passenger" with no age column: nothing to order by
            return None
        ctx.use(after.positions)  # "the longest tornado length" (a column named otherwise)
        return Measure(None, after.column)
    measure = read_measure(ctx, cue.end + 1, exclude)
    verb = next((m for m in ctx.free() if cue.start - 3 <= m.end < cue.start
                 and m.column not in exclude and ctx.numeric(m.column)), None)
    if measure is not None and measure.agg == "size" and verb is not None:
        ctx.use(verb.positions)  # "won the most races": the column the verb names
        return Measure(None, verb.column)
    if measure is not None and (measure.column is not None or measure.agg == "size"):
        return measure
    numeric = [m for m in ctx.free() if m.column not in exclude and ctx.numeric(m.column)]
    if numeric:
        ctx.use(numeric[0].positions)
        return Measure(None, numeric[0].column)
    return Measure("size")


def _implied_by(ctx: Context, column: Any, concept: tuple[str, ...]) -> bool:
    """Whether a computed column is what a superlative's concept measures: "longest" of the
    length of a text."""
    info = ctx.info(column)
    return info.position < 0 and bool(set(info.words) & set(concept))


def _concept_measure(ctx: Context, cue: Cue, exclude: tuple[Any, ...]) -> Measure | None:
    """The column a superlative adjective implies: "oldest" -> age, "richest" -> net worth."""
    columns = columns_for_words(ctx.schema, cue.value[1])
    for mention in ctx.free():
        if mention.column not in exclude and (_implied_by(ctx, mention.column, cue.value[1])
                                              or ctx.info(mention.column) in columns):
            ctx.use(mention.positions)
            return Measure(None, mention.column)
    for info in columns:
        if info.numeric or info.kind in DATE_KINDS:
            ctx.warn(f"Took '{info.label}' for '{ctx.word(cue.start)}'.", 0.05)
            ctx.implied = True
            return Measure(None, info.name)
    return None


def top_k(ctx: Context, top: Top) -> Intent | None:
    """"top 3 cities with the most stores", "top 5 ranks", "3 oldest employees"."""
    k, direction = top.k, top.direction
    subject = next((m for m in ctx.free() if m.start > top.cue.start), None)
    if subject is not None:
        ctx.use(subject.positions)
    adjective = next((c for c in [top.cue, *ctx.cues_of("super")]
                      if c.kind == "super" and c.value[1]), None)
    # "the 3 youngest", "top 5 most expensive": the adjective says what orders them, and the
    # column named before the ranking may be the measure ("the word counts of the 3 longest");
    # else that column is what is asked ("the retweets of the 5 most favorited")
    if adjective is not None:
        measure = order_measure(ctx, adjective)
        asked, named = _named_before(ctx, top.cue.start)
    else:
        asked, named = _named_before(ctx, top.cue.start)
        measure = _top_measure(ctx, subject)
    ascending = direction == "min"
    if subject is None and measure is None:
        return None
    if measure is None or (measure.column == (subject.column if subject else None)):
        column = subject.column if subject is not None else None
        if column is None or not ctx.numeric(column):
            return _top_groups(ctx, column, Measure("size"), k, ascending)
        if rank_like(ctx, column, top.cue):
            ascending = not ascending
        wh = ctx.cue("wh")
        label = asked if named and asked != column else (
            ctx.schema.label_column if wh is not None and wh.value == "who" else None)
        return Intent(kind=IntentKind.TOP, target=column, k=k, ascending=ascending,
                      label=label, conditions=ctx.conditions)  # "who are the 4 highest-paid"
    if adjective is not None and adjective.value[0] != direction and top.cue is not adjective:
        ascending = adjective.value[0] == "min"  # "the top 4 cities where the youngest …"
    entity = adjective is not None and not any(m.start == adjective.end + 1 for m in ctx.columns)
    if subject is not None and repeats(ctx, subject.column) and not entity and (
            ctx.info(subject.column).categorical):
        return _top_groups(ctx, subject.column, measure, k, ascending)
    if measure.column is None:
        return None
    # "the ranks of the 4 youngest": the column asked for; "the word counts of the 3 longest":
    # the measure itself; else the rows' names
    said = any(m.column == measure.column and m.start < top.cue.start for m in ctx.columns)
    label = asked if named else subject.column if subject is not None else (
        None if said else ctx.schema.label_column)
    if rank_like(ctx, measure.column, top.cue):
        ascending = not ascending
    return Intent(kind=IntentKind.TOP, target=measure.column, label=label, k=k,
                  ascending=ascending, conditions=ctx.conditions)


def _named_before(ctx: Context, start: int) -> tuple[Any, bool]:
    """The column asked for before a ranking: "the authors of the 3 most retweeted posts"."""
    earlier = {m.column for m in ctx.free() if m.start < start}
    if not earlier:
        return None, False
    asked, named = asked_column(ctx, before=start)
    return (asked, True) if named and asked in earlier else (None, False)


def _top_measure(ctx: Context, subject: ColumnMention | None) -> Measure | None:
    start = subject.end + 1 if subject is not None else 0
    if any(c.start >= start for c in [*ctx.cues_of("distribution"), *ctx.cues_of("mode")]):
        return Measure("size")  # "the bottom 6 values based on frequency"
    for cue in [*ctx.cues_of("group"), *ctx.cues_of("super")]:
        if cue.start >= start:
            measure = read_measure(ctx, cue.end + 1)
            if measure is not None:
                return measure
    share = next((c for c in ctx.cues_of("share") if c.value == "rate"), None)
    if share is not None:
        flag = next((m for m in ctx.free() if m.end == share.start - 1), None)
        if flag is not None:
            ctx.use(flag.positions)
            return Measure("mean", flag.column, True)
    numeric = [m for m in ctx.free() if ctx.numeric(m.column)]
    if numeric:
        ctx.use(numeric[0].positions)
        return Measure(None, numeric[0].column)
    return None


def _top_groups(ctx: Context, column: Any, measure: Measure, k: int, ascending: bool
                ) -> Intent | None:
    if column is None:
        return None
    agg = measure.agg or default_agg(ctx, measure.column)
    return Intent(kind=IntentKind.GROUP, by=column, target=measure.column, agg=agg, k=k,
                  ascending=ascending, conditions=ctx.conditions)


def mode(ctx: Context, cue: Cue, k: int | None = None) -> Intent | None:
    """"the most common plan among churned customers", "which product was ordered the most"."""
    candidates = ctx.free()
    if not candidates:
        column = ctx.schema.label_column
        if column is None:
            return None
    else:
        nearest = min(candidates, key=lambda m: abs(m.start - cue.end))
        ctx.use(nearest.positions)
        column = nearest.column
    return Intent(kind=IntentKind.MODE, target=column, ascending=cue.value == "min", k=k,
                  conditions=ctx.conditions)


def top_condition(ctx: Context, top: Top) -> Condition | None:
    """"ranked in the top 5" as a row filter (for yes/no and count questions)."""
    k, direction, position = top.k, top.direction, top.cue.start
    subject = next((m for m in ctx.free() if m.start > position and ctx.numeric(m.column)),
                   None)
    if subject is None:
        return None
    ctx.use(subject.positions)
    largest = (direction == "max") != rank_like(ctx, subject.column, top.cue)
    return Condition(column=subject.column, op="top" if largest else "bottom", value=k,
                     words=f"top {k} {subject.column}", position=position)


def group_column(ctx: Context) -> Any:
    """The column named after "by", "per", "for each" that groups rows, used up."""
    for cue in ctx.cues_of("group"):
        mention = next((m for m in ctx.free() if cue.end < m.start <= cue.end + 2
                        and not any(c.start == m.end + 1 for c in ctx.cues_of("share"))), None)
        dated = ctx.info(mention.column).kind in DATE_KINDS if mention is not None else False
        # a number groups only when named in full ("per night" is not minimum_nights)
        numeric = ctx.info(mention.column).kind == "number" if mention is not None else False
        if mention is not None and ((repeats(ctx, mention.column) and not dated
                                     and (not numeric or mention.score >= GROUP_SCORE))
                                    or (dated and mention.score >= 0.9)):
            ctx.use([*cue.positions, *mention.positions])
            return mention.column
    return None
