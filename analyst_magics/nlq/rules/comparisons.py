"""Questions that compare: yes/no questions and differences.

"Were there any passengers who paid more than $500?" (some row matches), "Are all billionaires
older than 20?" (every row matches), "Is the richest person self-made?" (the row with the largest
value satisfies something), "Is the average fare above 30?" and "Is the average fare of women
higher than that of men?" (an aggregate against a number or against itself on other rows),
"How many more gold medals did A win than B?" (a difference).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from . import ranking
from .context import Context
from .cues import Cue
from .intents import Condition, Intent, IntentKind

__all__ = ["Comparison", "change", "read_comparison", "compare", "yes_no", "difference",
           "split_sides"]

_MORE = frozenset({"more", "greater", "higher", "larger", "bigger"})
_LESS = frozenset({"fewer", "less", "lower", "smaller"})
_EVERY = frozenset({"all", "every", "each"})
_UNSIGNED = frozenset({"difference", "differ", "differs", "gap"})  # "how many more" is signed
_BEFORE_SIDE = frozenset({"the", "a", "an", "in", "for", "of", "at", "on", "that", "those",
                          "among", "from"})
NO_MEASURE_PENALTY = 0.6  # enough to decline: the reading would not be of the question


@dataclass(frozen=True, slots=True)
class Comparison:
    """A comparison read before the conditions: its reducer, column, operator and other side
    (a number, or the position where the other side's words start)."""

    agg: str
    target: Any
    op: str
    number: float | None = None
    split: int | None = None


def read_comparison(ctx: Context) -> Comparison | None:
    """"Is the average fare above 30?", "… higher than that of men?", "more men than women"."""
    agg = ctx.cue("agg")
    cmp = next((c for c in ctx.cues_of("cmp") if agg is not None and c.start > agg.end), None)
    if agg is not None and cmp is not None:
        target = next((m for m in ctx.free() if agg.end < m.start < cmp.start
                       and ctx.numeric(m.column)), None)
        if target is None:
            return None
        number = next((t for t in ctx.tokens[cmp.end + 1:cmp.end + 3] if t.kind == "number"),
                      None)
        ctx.use([*agg.positions, *target.positions, *cmp.positions])
        if number is not None:
            ctx.use([number.i])
            return Comparison(agg.value, target.column, cmp.value, number=number.number)
        return Comparison(agg.value, target.column, cmp.value, split=cmp.end + 1)
    return _more_than(ctx)


def _more_than(ctx: Context) -> Comparison | None:
    """"Are there more male than female passengers?": two row counts (or sums); "do women
    have a higher average revenue than men?": two averages; "do women spend more than men?"
    compares a quantity the table must hold."""
    than = next((t.i for t in ctx.tokens if t.low == "than"), None)
    word = next((t for t in ctx.tokens[:than] if t.low in _MORE | _LESS), None) if than else None
    if than is None or word is None:
        return None
    if than == word.i + 1 and not _side_after(ctx, than):
        return None  # "more than $500" is a condition, not two sides
    target = next((m for m in ctx.free() if word.i < m.start < than and ctx.numeric(m.column)),
                  None) or next((m for m in ctx.free() if m.start < than
                                 and ctx.numeric(m.column)), None)
    agg = next((c for c in ctx.cues_of("agg") if c.value not in ("max", "min")), None)
    ctx.use([word.i, than, *(agg.positions if agg is not None else ())])
    op = ">" if word.low in _MORE else "<"
    if target is not None:
        ctx.use(target.positions)
        return Comparison(agg.value if agg is not None else "sum", target.column, op,
                          split=than)
    if agg is not None or than == word.i + 1:
        ctx.warn("No column was found for the quantity compared; counting rows would answer "
                 "another question.", NO_MEASURE_PENALTY)
    return Comparison("size", None, op, split=than)


def _side_after(ctx: Context, than: int) -> bool:
    """Whether "than" is followed by the other side of a comparison (a value of the data, such
    as "men"), rather than by the number of a condition."""
    after = [p for p in range(than + 1, than + 4) if ctx.word(p) not in _BEFORE_SIDE]
    return bool(after) and any(after[0] in v.positions for v in ctx.values)


def split_sides(ctx: Context, split: int) -> tuple[list[Condition], list[Condition],
                                                   list[Condition]] | None:
    """Conditions common to both sides, those of the first side and those of the second.

    The sides differ on one column (the one the words after ``split`` name first); conditions
    on other columns hold for both: "Did more men than women survive?".
    """
    separate = ctx.separate_conditions
    second = [c for c in separate if c.position >= split]
    if not second:
        return None
    column = second[0].column
    left = [c for c in separate if c.position < split and c.column == column]
    right = [c for c in second if c.column == column]
    common = [c for c in separate if c.column != column]
    if not left:
        return None
    return common, left, right


def compare(ctx: Context, spec: Comparison) -> Intent | None:
    if spec.split is None:
        return Intent(kind=IntentKind.COMPARE, agg=spec.agg, target=spec.target,
                      method=spec.op, other=spec.number, conditions=ctx.conditions)
    sides = split_sides(ctx, spec.split)
    if sides is None:
        return None
    common, left, right = sides
    return Intent(kind=IntentKind.COMPARE, agg=spec.agg, target=spec.target, method=spec.op,
                  conditions=common, predicate=left, other=right)


def yes_no(ctx: Context, top: ranking.Top | None) -> Intent | None:
    """Some row matches, every row matches, or the top row satisfies something."""
    cue = next((c for c in ctx.cues_of("super")), None)
    if cue is not None and top is None:
        checked = _check(ctx, cue)
        if checked is not None:
            return checked
    conditions = list(ctx.conditions)
    if top is not None:
        extra = ranking.top_condition(ctx, top)
        conditions += [extra] if extra is not None else []
    if not conditions:
        return None
    if any(t.low in _EVERY for t in ctx.tokens[:4]) and len(conditions) >= 1:
        return Intent(kind=IntentKind.ALL, conditions=conditions[:-1], predicate=conditions[-1:])
    return Intent(kind=IntentKind.EXISTS, conditions=conditions)


def _check(ctx: Context, cue: Cue) -> Intent | None:
    """"Is the customer with the largest order a member?": the top row satisfies something."""
    before = [c for c in ctx.conditions if c.position < cue.start]
    after = [c for c in ctx.conditions if c.position > cue.start]
    measure = ranking.order_measure(ctx, cue)
    if measure is None or measure.column is None or measure.agg == "size" or not after:
        return None
    return Intent(kind=IntentKind.CHECK, target=measure.column, ascending=cue.value[0] == "min",
                  conditions=before, predicate=after)


def difference(ctx: Context) -> Intent | None:
    """"How many more gold medals did A win than B?", "the difference in age between X and Y"."""
    sides = _two_values(ctx)
    if sides is None:
        return _spread(ctx)
    common, left, right = sides
    measure = ranking.find_measure(ctx, exclude=(left[0].column,))
    agg = measure.agg or ("sum" if measure.column is not None else "size")
    if agg == "size" and not ctx.cues_of("count") and not any(
            t.low in ("times", "many", "rows", "entries", "records") for t in ctx.tokens):
        # "the difference in land area between A and B" names a quantity; with no column
        # for it, counting the rows of each side would answer another question
        ctx.warn("No column was found for the quantity compared; counting rows would answer "
                 "another question.", NO_MEASURE_PENALTY)
    unsigned = any(ctx.word(c.start) in _UNSIGNED for c in ctx.cues_of("diff"))
    if any(ctx.word(c.start) == "how" for c in ctx.cues_of("diff")):
        ctx.use(t.i for t in ctx.tokens if t.low == "than")  # "how much higher is A than B"
    return Intent(kind=IntentKind.DIFFERENCE, agg=agg, target=measure.column,
                  conditions=common, predicate=left, other=right, method="abs" if unsigned
                  else "signed")


def change(ctx: Context) -> Intent | None:
    """"Growth in revenue from 2023 to 2024", "percent change in sales between Q1 and Q2
    2024": the measure in the later period minus the earlier one, relative to it when a
    percentage or a rate is asked for."""
    ends = _two_periods(ctx)
    if ends is None:
        return None
    common, first, second = ends
    column = first.column
    measure = ranking.find_measure(ctx, exclude=(column,))
    agg = measure.agg or (ranking.default_agg(ctx, measure.column) if measure.column else "size")
    relative = any(c.value == "percent" for c in ctx.cues_of("share")) or any(
        t.low in ("rate", "relative", "relatively") for t in ctx.tokens)
    ctx.use([p for c in ctx.cues_of("change") for p in c.positions])
    return Intent(kind=IntentKind.DIFFERENCE, agg=agg, target=measure.column,
                  conditions=common, predicate=[first], other=[second],
                  method="relative_change" if relative else "change", percent=relative)


def _two_periods(ctx: Context) -> tuple[list[Condition], Condition, Condition] | None:
    """The two ends of a change: "from 2023 to 2024" (read as a range of years), or two values
    of one period part ("between Q1 and Q2"), the conditions on other parts holding for both."""
    for cond in ctx.conditions:
        common = [c for c in ctx.conditions if c is not cond]
        if cond.op == "between" and isinstance(cond.value, tuple):
            low, high = cond.value
            return (common, cond.model_copy(update={"op": "==", "value": low}),
                    cond.model_copy(update={"op": "==", "value": high}))
        if cond.op == "in" and len(cond.value) == 2 and (
                cond.part is not None or ctx.info(cond.column).yearlike):
            low, high = cond.value
            return (common, cond.model_copy(update={"op": "==", "value": low}),
                    cond.model_copy(update={"op": "==", "value": high}))
    return None


def _spread(ctx: Context) -> Intent | None:
    """"the difference between the most and least points": the range of a column."""
    ends = {c.value[0] for c in ctx.cues_of("super")} | {
        c.value for c in ctx.cues_of("agg") if c.value in ("max", "min")}
    target = next((m for m in ctx.free() if ctx.numeric(m.column)), None)
    if ends != {"max", "min"} or target is None:
        return None
    ctx.use(target.positions)
    return Intent(kind=IntentKind.AGGREGATE, agg="range", target=target.column,
                  conditions=ctx.conditions)


def _two_values(ctx: Context) -> tuple[list[Condition], list[Condition],
                                       list[Condition]] | None:
    """The two sides of a difference: two values (or yes and no) of one column."""
    separate = ctx.separate_conditions
    for i, first in enumerate(separate):
        second = next((c for c in separate[i + 1:] if c.column == first.column), None)
        if second is not None:
            common = [c for c in separate if c.column != first.column]
            return common, [first], [second]
    return None
