"""Choosing the intent of a question once its cues, mentions and conditions are read.

:func:`choose` tries the intents from the most specific cue to the most general one (a
correlation or outlier question names itself; "how many" is the last resort) and returns the
first that fills its slots.
"""

from __future__ import annotations

from . import comparisons, ranking, statistics
from .context import DATE_KINDS, Context
from .cues import Cue
from .intents import Condition, Intent, IntentKind
from .lexicon import GENERIC_ROWS, STOPWORDS
from .matching import columns_for_words
from .mentions import ColumnMention
from .recording import negated_before, none_is_blank
from .schema import names_entity
from .text import same_root

__all__ = ["choose", "problem"]

#: a count of every row for a noun that names no column ("the total number of refunds") is more
#: often a column the rules did not find than the table's own rows: declined
EVERY_ROW_PENALTY = 0.55
UNKNOWN_RATE_PENALTY = 0.6
MIN_ROOT = 4  # shorter words before "rate" are not matched to values by their root
MAX_RATED_VALUES = 30  # a rate counts a status or a category, not one of thousands of names



def choose(ctx: Context, *, top: ranking.Top | None, threshold: float | None,
           comparison: comparisons.Comparison | None) -> Intent | None:
    """The intent of the question, or ``None`` when no reading fills its slots."""
    if comparison is not None:
        return comparisons.compare(ctx, comparison)
    if (rows := first_rows(ctx)) is not None:
        return rows
    steps = [
        ("corr", lambda: statistics.correlation(ctx)),
        ("outlier", lambda: statistics.outliers(ctx, threshold)),
        ("missing", lambda: statistics.missing(ctx)),
        ("yesno", lambda: comparisons.yes_no(ctx, top)),
        ("change", lambda: comparisons.change(ctx)),
        ("diff", lambda: comparisons.difference(ctx)),
        # "the bottom 6 values based on frequency" ranks the distribution
        ("distribution", lambda: statistics.distribution(ctx) if top is None else None),
        ("trend", lambda: statistics.trend(ctx)),
        ("time", lambda: statistics.trend(ctx) if statistics.per_period(ctx) else None),
        ("distinct", lambda: statistics.distinct(ctx)),
        ("mode", lambda: ranking.mode(ctx, ctx.cue("mode"), top.k if top else None)),  # type: ignore[arg-type]
        ("top", lambda: _top(ctx, top) if top else None),
        ("super", lambda: statistics.period_ranking(ctx)),
        ("share", lambda: share(ctx)),
        ("super", lambda: _superlative(ctx)),
        ("group", lambda: group(ctx)),
        ("agg", lambda: aggregate(ctx)),
        ("count", lambda: count(ctx)),
        ("describe", lambda: statistics.describe(ctx)),
        ("how_adj", lambda: _how(ctx)),
        ("wh", lambda: position(ctx) or lookup(ctx)),
        ("list", lambda: lookup(ctx)),
    ]
    for kind, build in steps:
        if (kind == "top" and top is not None) or ctx.has(kind):
            intent = build()
            if intent is not None:
                return intent
    return _values_where(ctx)


#: "first"/"top" count rows from the start, "last"/"bottom" from the end
_ENDS = {"first": "first", "top": "first", "last": "last", "bottom": "last"}
_ROW_NOUNS = frozenset({"row", "record", "entry", "line", "observation"})
#: rows shown when the question says "the first rows" without a number (pandas' own default)
DEFAULT_ROWS = 5


def first_rows(ctx: Context) -> Intent | None:
    """"the first 5 rows", "show the last ten records where region is N": rows by their
    position. An end word, perhaps a number, then a noun for rows; with a column left over
    ("top 5 rows by revenue") the rows are ranked, not counted from an end."""
    tokens = ctx.tokens
    for at, token in enumerate(tokens):
        end = _ENDS.get(token.low)
        if end is None:
            continue
        rest = tokens[at + 1:at + 3]
        number = rest[0] if rest and rest[0].kind == "number" else None
        noun = rest[1 if number else 0] if len(rest) > (1 if number else 0) else None
        if noun is None or noun.sing not in _ROW_NOUNS or ctx.free():
            continue
        if number is not None and (number.number is None or number.number < 1
                                   or not float(number.number).is_integer()):
            return None
        ctx.use([t.i for t in (token, number, noun) if t is not None])
        k = int(number.number) if number is not None and number.number else DEFAULT_ROWS
        return Intent(kind=IntentKind.ROWS, k=k, method=end, conditions=ctx.conditions)
    return None


def _how(ctx: Context) -> Intent | None:
    """"How old is Player 10?": the column the adjective names, in the rows that match."""
    cue = ctx.cue("how_adj")
    column = next((c.name for c in columns_for_words(ctx.schema, cue.value) if c.numeric),
                  None) if cue is not None else None
    if column is None or not ctx.conditions:
        return None
    ctx.implied = True
    return Intent(kind=IntentKind.LOOKUP, label=column, conditions=ctx.conditions)


def _values_where(ctx: Context) -> Intent | None:
    """"revenue where region is S": no cue, one column and conditions — its values."""
    free = ctx.free()
    if len(free) == 1 and ctx.conditions:
        ctx.use(free[0].positions)
        return _over_period(ctx, free[0].column) or Intent(
            kind=IntentKind.LOOKUP, label=free[0].column, conditions=ctx.conditions)
    if not free and ctx.conditions:  # "players whose potential is higher than their overall"
        return Intent(kind=IntentKind.ROWS, conditions=ctx.conditions)
    return None


# ----------------------------------------------------------------------------- aggregates


def _superlative(ctx: Context) -> Intent | None:
    cue = ctx.cue("super")
    return ranking.superlative(ctx, cue) if cue is not None else None


def share(ctx: Context) -> Intent | None:
    cue = ctx.cue("share")
    if cue is None or ctx.has("super"):
        return None  # "which sex had the higher survival rate" orders by the rate
    if any(cue.start in m.positions and ctx.numeric(m.column) for m in ctx.free()):
        return None  # "total bonus rate": the word names a column of rates, summed as asked
    flag = next((m for m in ctx.free() if m.end == cue.start - 1), None)
    flagged = flag is not None and ctx.info(flag.column).kind == "bool"
    ratio = None if flagged else _ratio(ctx, cue)  # "conversion rate" of a flag is its mean
    if ratio is not None:
        return ratio
    stored = columns_for_words(ctx.schema, ("percent",)) if cue.value == "percent" else []
    if stored and ctx.conditions and len(stored) == 1:  # a "%" column already holds it
        return Intent(kind=IntentKind.LOOKUP, label=stored[0].name, conditions=ctx.conditions)
    by = ranking.group_column(ctx)
    percent = cue.value == "percent" or (cue.value == "rate" and _in_percent(ctx))
    if cue.value == "rate" and (flag is None or ctx.info(flag.column).kind != "bool"):
        rated = _rated_value(ctx, cue.start - 1)
        if rated is not None:  # "return rate": the share of rows whose status is Returned
            return Intent(kind=IntentKind.SHARE, by=by, conditions=ctx.conditions,
                          predicate=[rated], percent=percent)
        if flag is None or ctx.info(flag.column).kind != "bool":
            # "bounce rate" with nothing that bounces: the shares of the groups would answer
            ctx.warn(f"No column or value says what '{ctx.word(cue.start - 1)} rate' counts.",
                     UNKNOWN_RATE_PENALTY)
    if flag is not None and ctx.info(flag.column).kind == "bool":
        ctx.use(flag.positions)
        kind = IntentKind.GROUP if by is not None else IntentKind.AGGREGATE
        return Intent(kind=kind, agg="mean", target=flag.column, by=by, percent=percent,
                      conditions=ctx.conditions)
    target = next((m.column for m in ctx.free() if ctx.numeric(m.column)
                   and ctx.names_head(m)), None)  # "share of sessions": of rows, not seconds
    if not ctx.conditions and by is None:
        column = next((m.column for m in ctx.free()), None)
        if column is None:
            return None
        return Intent(kind=IntentKind.SHARE, by=column, percent=percent)
    if by is not None and not ctx.conditions and target is None:
        return Intent(kind=IntentKind.SHARE, by=by, percent=percent)
    base, subset = ctx.conditions[:-1], ctx.conditions[-1:]
    return Intent(kind=IntentKind.SHARE, target=target, by=by, conditions=base,
                  predicate=subset, percent=percent)


def _ratio(ctx: Context, cue: Cue) -> Intent | None:
    """A ratio of two counts or amounts, totals over totals: "the ratio of clicks to
    impressions", "the click rate" with Clicks and Impressions columns (clicks over the one
    base the table counts), per group with "by"."""
    if cue.value not in ("rate", "fraction"):
        return None
    numeric = [m for m in ctx.free() if ctx.numeric(m.column) and not ctx.info(m.column).is_id]
    pair = next(((a, b) for a in numeric for b in numeric if a.end < b.start
                 and ctx.word(b.start - 1) in ("to", "over", "per", "by")
                 and b.start - a.end <= 2), None)
    if pair is None and cue.value == "rate":
        before = cue.start - 2 if ctx.word(cue.start - 1) == "through" else cue.start - 1
        word = ctx.word(before)  # "click-through rate" counts clicks
        counted = [c for c in ctx.schema.columns if c.numeric and not c.is_id
                   and c.kind != "bool" and any(same_root(word, w) for w in c.words)]
        bases = [c for c in ctx.schema.columns if c.numeric and not c.is_id and c.kind != "bool"
                 and set(c.words) & RATE_BASES and c not in counted]
        if len(counted) == 1 and len(bases) == 1 and len(word) >= MIN_ROOT:
            ctx.use(range(before, cue.start))
            ctx.implied = True
            first, second = counted[0].name, bases[0].name
        else:
            return None
    elif pair is None:
        return None
    else:
        first, second = pair[0].column, pair[1].column
        ctx.use([*pair[0].positions, *pair[1].positions, pair[1].start - 1])
    ctx.use(cue.positions)
    by = ranking.group_column(ctx)
    return Intent(kind=IntentKind.SHARE, method="ratio", target=first, other=second, by=by,
                  conditions=ctx.conditions, percent=_in_percent(ctx))


#: what a rate is counted against: "click rate" is clicks per impression
RATE_BASES = frozenset({"impressions", "sessions", "visits", "visitors", "views", "users",
                        "leads", "clicks", "sent", "deliveries", "attempts", "calls", "orders",
                        "shots", "applications"})


def _in_percent(ctx: Context) -> bool:
    """"in percent", "as a percentage", "%": the rate is asked for as a percentage."""
    return any(c.value == "percent" for c in ctx.cues_of("share"))


def _rated_value(ctx: Context, position: int) -> Condition | None:
    """The value a rate counts: "return rate" is the share of rows whose status is Returned,
    "cancellation rate" of those Cancelled. The word before "rate" shares its root with one
    value of one column of few values."""
    word = ctx.word(position)
    if len(word) < MIN_ROOT or position in ctx.consumed:
        return None
    found = []
    for info in ctx.schema.columns:
        if info.kind != "text" or not info.distinct or info.distinct > MAX_RATED_VALUES:
            continue
        values = ctx.df[info.name].dropna().astype(str).unique()
        found += [(info.name, v) for v in values if same_root(word, v.lower())]
    if len(found) != 1:
        return None
    column, value = found[0]
    ctx.use([position])
    ctx.implied = True
    return Condition(column=column, op="==", value=value, words=word, position=position)


def group(ctx: Context, top: ranking.Top | None = None) -> Intent | None:
    """"average revenue by region", "…, top 5"."""
    by = ranking.group_column(ctx)
    if by is None:
        return None
    if ctx.info(by).kind in DATE_KINDS:
        return statistics.trend(ctx)
    measure = ranking.find_measure(ctx, exclude=(by,))
    agg = measure.agg or ranking.default_agg(ctx, measure.column)
    if agg == "mean" and top is None and _per_entity(ctx, by):
        # "the average revenue per customer": the mean over customers of each one's total
        return Intent(kind=IntentKind.AGGREGATE, by=by, target=measure.column, agg="mean",
                      conditions=ctx.conditions)
    if measure.agg is None:
        ctx.warn(f"Took the {'average' if agg == 'mean' else 'total'} of '{measure.column}' "
                 f"per '{by}'.", 0.05)
    return Intent(kind=IntentKind.GROUP, by=by, target=measure.column, agg=agg,
                  k=top.k if top else None, ascending=top is not None and top.direction == "min",
                  conditions=ctx.conditions)


_OTHER_GROUPINGS = frozenset({"by", "each", "every", "across", "grouped"})


def _per_entity(ctx: Context, by: object) -> bool:
    """Whether the groups are things an id column counts, named after "per" (a rate per
    customer), rather than categories ("per region", or "by customer": one value each)."""
    words = {t.low for t in ctx.tokens}
    return names_entity(ctx.info(by)) and "per" in words and not words & _OTHER_GROUPINGS


def _top(ctx: Context, top: ranking.Top) -> Intent | None:
    """"top 3 countries by …" names its subject; "average revenue by region, top 5" does not."""
    if any(m.start > top.cue.end for m in ctx.free()):
        return ranking.top_k(ctx, top)
    return group(ctx, top) or ranking.top_k(ctx, top)


def aggregate(ctx: Context) -> Intent | None:
    intent = _aggregate(ctx)
    return _per_named_group(ctx, intent) if intent is not None else None


def _per_named_group(ctx: Context, intent: Intent) -> Intent:
    """"Compare the mean revenue of men and women", "average age of Sales vs Support": an
    aggregate over several values of one column joined by "and" asks for it per value. A total
    of named rows ("total points of A and B") stays one number unless the question compares."""
    if intent.kind != IntentKind.AGGREGATE:
        return intent
    listed = next((c for c in intent.conditions if c.op == "in" and len(c.value) >= 2), None)
    if listed is None:
        return intent
    spots = [c.position for c in ctx.separate_conditions if c.column == listed.column]
    between = {ctx.word(p) for p in range(min(spots), max(spots) + 1)} if spots else set()
    comparing = bool(between & _VERSUS) or any(t.low in _COMPARING for t in ctx.tokens)
    if "or" in between or not (comparing or intent.agg not in _ADDITIVE):
        return intent
    return intent.model_copy(update={"kind": IntentKind.GROUP, "by": listed.column})


_VERSUS = frozenset({"vs", "versus", "against"})
_COMPARING = frozenset({"compare", "compared", "comparing", "comparison", "each", "respectively",
                        "separately", "per"})
_ADDITIVE = frozenset({"sum", "size", "count"})


def _aggregate(ctx: Context) -> Intent | None:
    by = ranking.group_column(ctx)
    named = {p for m in ctx.free() for p in m.positions}
    # a cue word that is also a column ("Overall", "Total") comes after the other cues
    for cue in sorted(ctx.cues_of("agg"), key=lambda c: (c.start in named, c.start)):
        measure = ranking.read_measure(ctx, cue.start)
        if measure is not None and measure.column is not None:
            kind = IntentKind.GROUP if by is not None else IntentKind.AGGREGATE
            return Intent(kind=kind, agg=measure.agg or cue.value, target=measure.column,
                          by=by, conditions=ctx.conditions)
    target = ctx.take_numeric()
    created = [d.name for d in ctx.derived if not d.op.startswith("fill:")]
    if target is None and created:  # "… then calculate its mean": the feature just made
        target = created[-1]
    found = ctx.cue("agg")
    if target is None or found is None:
        return None
    kind = IntentKind.GROUP if by is not None else IntentKind.AGGREGATE
    return Intent(kind=kind, agg=found.value, target=target, by=by, conditions=ctx.conditions)


def count(ctx: Context) -> Intent | None:
    cue = ctx.cue("count")
    filtered = {c.column for c in ctx.conditions}
    subject = next((m for m in ctx.free() if cue and cue.end < m.start <= cue.end + 2
                    and m.column not in filtered), None)
    verb = next((m for m in ctx.free() if cue and m.start > cue.end and ctx.numeric(m.column)
                 and m.column not in filtered), None)
    times = cue is not None and ctx.word(cue.end + 1) == "times"  # "how many times": rows
    having = verb is not None and ctx.word(verb.start - 1) in _HAVING
    if verb is not None and (having or (subject is not None
                                        and not ctx.numeric(subject.column))):
        ctx.use([*(subject.positions if subject else ()), *verb.positions])  # "parties won seats"
        return Intent(kind=IntentKind.COUNT, conditions=[*ctx.conditions, _some_of(ctx, verb)])
    if subject is None and verb is not None and not times and not ctx.info(verb.column).yearlike:
        # "how many games did X win": Won; "how many members were elected" counts members
        ctx.use(verb.positions)
        return Intent(kind=IntentKind.AGGREGATE, agg="sum", target=verb.column,
                      conditions=ctx.conditions)
    if subject is not None:
        info = ctx.info(subject.column)
        ctx.use(subject.positions)
        if ctx.numeric(subject.column) and info.kind != "bool" and not info.numbering:
            return Intent(kind=IntentKind.AGGREGATE, agg="sum", target=subject.column,
                          conditions=ctx.conditions)
        if (info.kind == "text" or info.numbering or info.yearlike) and ranking.repeats(
                ctx, subject.column):  # "how many constituencies", "how many years"
            return Intent(kind=IntentKind.DISTINCT, target=subject.column, agg="count",
                          conditions=ctx.conditions)
    if not ctx.conditions and not _only_rows_asked(ctx):
        return None
    unused = [t.text for t in ctx.tokens if t.i not in ctx.consumed and t.kind == "word"
              and t.low not in STOPWORDS and t.low not in _ROW_WORDS
              and not any(t.i in c.positions for c in ctx.cues)]
    if not ctx.conditions and unused:
        ctx.warn(f"Counted every row, taking '{' '.join(unused)}' to mean a row each.",
                 EVERY_ROW_PENALTY)
    return Intent(kind=IntentKind.COUNT, conditions=ctx.conditions)


def _some_of(ctx: Context, mention: ColumnMention) -> Condition:
    """"had children": more than none; "did not give a score": none (a blank or a 0, see
    :func:`~.recording.none_is_blank`)."""
    words = ctx.word(mention.start)
    if not negated_before(ctx, mention.start, window=4):
        return Condition(column=mention.column, op=">", value=0, words=words,
                         position=mention.start)
    if none_is_blank(ctx, mention.column):
        return Condition(column=mention.column, op="isna", words=words, position=mention.start)
    return Condition(column=mention.column, op="==", value=0, words=words,
                     position=mention.start)


_HAVING = frozenset({"have", "has", "had", "with", "having"})  # "passengers who had children"
_ROW_WORDS = frozenset({"how", "many", "are", "is", "there", "in", "the", "dataset", "table",
                        "data", "total", "of", "number", "what", "count", "we", "do", "have",
                        "does", "it", "contain", "this", "listed", "present", "recorded"})


def _only_rows_asked(ctx: Context) -> bool:
    """"How many rows/passengers are there?": nothing but a count of rows is asked."""
    content = [t for t in ctx.tokens if t.i not in ctx.consumed and t.kind == "word"
               and t.low not in _ROW_WORDS]
    return len(content) <= 1 or all(t.low in GENERIC_ROWS for t in content)


def position(ctx: Context) -> Intent | None:
    """"who was the opponent in the first match?", "which team finished last?"."""
    word = next((t for t in ctx.tokens if t.i not in ctx.consumed
                 and t.low in ("first", "last", "final")
                 and ctx.word(t.i + 1) not in ("column", "columns", "variable")), None)
    if word is None:
        return None
    asked, _ = ranking.asked_column(ctx)
    asked = asked if asked is not None else ctx.schema.label_column  # "the last single"
    if asked is None:
        return None
    ctx.use([word.i])
    return Intent(kind=IntentKind.POSITION, label=asked, ascending=word.low == "first",
                  conditions=ctx.conditions)


def lookup(ctx: Context) -> Intent | None:
    asked, named = ranking.asked_column(ctx)
    if not ctx.conditions:
        if asked is not None and named and ctx.has("list"):
            return Intent(kind=IntentKind.DISTINCT, target=asked, agg="list")
        return None
    listing = ctx.cue("list")
    showing = listing is not None and ctx.word(listing.start) in ("show", "display")
    if asked is None or showing or (not named and listing is not None):
        return Intent(kind=IntentKind.ROWS, conditions=ctx.conditions)
    return _over_period(ctx, asked) or Intent(kind=IntentKind.LOOKUP, label=asked,
                                              conditions=ctx.conditions)


def _over_period(ctx: Context, column: object) -> Intent | None:
    """"What was the revenue in Q1 2024?": a measure over a calendar period is its total (its
    average for a rate or a price), not the list of the period's values."""
    if not ctx.numeric(column) or not any(c.part is not None or _days(c)
                                          for c in ctx.conditions):
        return None
    agg = ranking.default_agg(ctx, column)
    ctx.warn(f"Took the {'total' if agg == 'sum' else 'average'} of '{column}' over the "
             "period.", 0.05)
    return Intent(kind=IntentKind.AGGREGATE, agg=agg, target=column, conditions=ctx.conditions)


def _days(condition: Condition) -> bool:
    """Whether a condition is a span of days ("between 1 Feb and 15 April 2024", "since 1 June
    2024"); one day ("on 2022-01-04") is not a period."""
    return condition.dated and condition.op in ("between", "<", "<=", ">", ">=")


def problem(ctx: Context) -> str:
    """Why no intent was found, in one sentence."""
    if not ctx.columns and not ctx.values:
        return "no column or value of the table is named in the question"
    kinds = {c.kind for c in ctx.cues}
    if not kinds & {"agg", "count", "super", "corr", "outlier", "missing", "distinct", "share",
                    "distribution", "trend", "mode", "yesno", "wh", "list", "describe", "time",
                    "group"}:
        return "the question does not say what to compute (an average, a count, a maximum…)"
    return "the columns named do not fit what is asked"

