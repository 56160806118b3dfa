"""What kind of answer a question asks for, read from its wording alone, and whether a value is
one.

English marks the expected answer in the first words of a question: an auxiliary verb opens a
yes/no question ("is", "does", "were"), "how many" asks for a count, "which" and "who" ask for a
label, "list" and a number of items ("the top 5") ask for several, "by" or "per" followed by
a noun asks for one value per group. A reading whose result is of another kind has misread the
question, however sure each of its steps was: a table where a number was asked, a yes where a
choice between two named options was asked. The check needs no knowledge of the table.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from enum import StrEnum
from typing import Any

import pandas as pd

from .text import singular

__all__ = ["Expected", "expected_answer", "intent_mismatch", "mismatch", "not_an_option",
           "options"]


class Expected(StrEnum):
    BOOLEAN = "a yes/no answer"
    CHOICE = "one of the options it names"
    COUNT = "a count"
    NUMBER = "a number"
    LABEL = "a name or a value"
    SEVERAL = "a list of values"
    TABLE = "one value per group"
    ANY = "anything"


#: words that open a yes/no question
_AUXILIARIES = frozenset({
    "is", "are", "was", "were", "am", "do", "does", "did", "has", "have", "had", "can", "could",
    "will", "would", "should", "shall", "may", "might", "must", "isn't", "aren't", "wasn't",
    "weren't", "doesn't", "don't", "didn't", "hasn't", "haven't"})
#: polite or framing openings that do not change what is asked
_OPENINGS = re.compile(r"^(?:(?:so|ok|okay|please|hey|now|and|also|then|tell me|show me|"
                       r"(?:can|could|would|will) you(?: please)?(?= (?:list|tell|show|give|"
                       r"name|find|provide|identify|calculate|compute|count|determine|say|get|"
                       r"return)\b)|i want to know|i'd like to know|"
                       r"do you know|find out|check)\s*[,:]?\s+)+", re.I)
_COUNT = re.compile(r"^(?:how many\b|count\b|(?:what|which) (?:is|was|are|were|'s) (?:the|its|"
                    r"their|his|her|our|your) "
                    r"(?:total |overall )?(?:number|count) of\b|(?:the )?(?:total )?"
                    r"(?:number|count) of\b)", re.I)
_NUMBER = re.compile(
    r"^(?:how (?:much|long|old|far|big|large|tall|high|often)\b|(?:what|which) (?:is|was|are|"
    r"were|'s) (?:the|its|their|his|her|our|your) (?:\w+ )?(?:average|mean|median|sum|total|"
    r"maximum|minimum|max|min|highest|lowest|standard deviation|variance|range|ratio|"
    r"proportion|percentage|percent|share|rate|correlation|difference|skewness|kurtosis)\b|"
    r"(?:what|which) (?:percentage|percent|proportion|fraction|share|ratio)\b|"
    r"by (?:what|how many) (?:percent|percentage|amount|margin|factor|points)\b|by how much\b|"
    r"(?:average|mean|median|sum|total) (?:of|value of)\b)", re.I)
#: "which store", "who", "what store had …", "for which client", "the store with the most"
_LABEL = re.compile(
    r"^(?:which|who|whom|whose|where|when)\b|^what (?:\w+ )?(?:is|was|were|are) the "
    r"(?:name|title)\b|^what (?!percentage|percent|proportion|fraction|share|ratio|number|"
    r"amount|total|sum|average|mean|median|rate)\w+ (?:had|has|have|did|does|do|won|scored|"
    r"got|received|made|earned|sold)\b|^(?:in|on|at|for|from|against|to|with|by|during) "
    r"(?:which|what|whom)\b|^the \w+ (?:with|that|who|which) (?:the )?(?:most|least|fewest|"
    r"highest|lowest|largest|smallest|best|worst|greatest|biggest)\b", re.I)
_SEVERAL = re.compile(r"^(?:list|name|enumerate|give me|show)\b|^(?:which|what|who) (?:(?:are|"
                      r"were|is|was) )?(?:the )?\d+ |\b(?:top|bottom|first|last|"
                      r"highest|lowest|largest|smallest|most|least) \d+\b|\b\d+ (?:most|least|"
                      r"highest|lowest|largest|smallest|biggest|top|bottom|best|worst)\b|^what "
                      r"are the\b", re.I)
_HOW_LONG = re.compile(r"^(?:on average, )?how many (?:seconds|minutes|hours|days|weeks)\b",
                       re.I)
#: a number of items asked for: "the top 5", "the 3 oldest", "the 4 least common"
_NUMBERED = re.compile(r"\b(?:top|bottom|first|last) (?:[2-9]|\d\d+)\b|\b(?:[2-9]|\d\d+) (?:most|"
                       r"least|top|bottom|best|worst|\w+est)\b", re.I)
_GROUPING = re.compile(r"(?:(\w+)\s+)?\b(by|per|for each|for every|across|in each|of each|"
                       r"each|every)\s+(\w+)", re.I)
#: words before "by" that make it a grouping whatever follows: "grouped by", "broken down by"
_ED_NOT_PARTICIPLES = frozenset({"speed", "breed", "hundred", "indeed"})
_GROUPED = frozenset({"grouped", "down", "split", "breakdown", "segmented", "bucketed"})
#: past participles that are not formed with "-ed": "the fare paid by", "the races won by"
_IRREGULAR_PARTICIPLES = frozenset({
    "paid", "won", "made", "held", "run", "done", "given", "taken", "seen", "written",
    "driven", "sold", "bought", "built", "brought", "caught", "taught", "told", "found", "kept",
    "led", "lost", "met", "read", "sent", "spent", "hit", "put", "set", "shot", "beaten",
    "chosen", "drawn", "eaten", "flown", "known", "ridden", "spoken", "stolen", "thrown",
    "worn", "begun", "sung", "got", "gotten", "struck", "fought", "dealt", "meant"})
_TABLE = re.compile(r"\b(?:distribution|describe|summary|summarize|summarise|trend|over time|"
                    r"matrix|histogram|respectively|separately)\b|^compare\b", re.I)
_NOT_GROUPS = frozenset({"far", "how", "what", "the", "a", "an", "one", "his", "her", "their",
                         "its", "itself", "which", "whom", "whose", "this", "that", "these",
                         "those", "each", "every", "all", "any", "some",
                         # "every row with a missing value", "each time": not groups
                         "row", "rows", "record", "records", "entry", "entries", "time",
                         "single", "other"})
#: verbs that open a sentence preparing the data rather than asking
_PREPARATIONS = frozenset({"create", "add", "define", "make", "remove", "drop", "fill",
                           "convert", "extract", "replace", "exclude", "ignore", "use",
                           "consider", "assume", "treat", "round", "apply"})
_AVERAGE = re.compile(r"\b(?:average|mean|avg)\b", re.I)
_OPTIONS = re.compile(r"\b\w+\W+or\W+\w+", re.I)
#: text that states a quantity: a number, a duration or an amount, perhaps with its unit
_QUANTITY = re.compile(r"^\s*[-+−]?[$€£¥]?\s*\d[\d,.:]*\s*(?:%|[^\W\d_]{1,12}\.?)?\s*$")
_DURATION = re.compile(r"^\s*-?\d+ days? \d{1,2}:\d\d:\d\d(?:\.\d+)?\s*$")
_SENTENCES = re.compile(r"(?<=[.?!])\s+(?=[A-Z])")
#: a phrase set before the question proper: "in the 1992-1993 season, how many …", "after
#: removing the outliers, what is …"
_LEADING_PHRASE = re.compile(
    r"^(?:in|on|at|for|during|after|before|among|from|since|through|within|across|between|"
    r"excluding|including|ignoring|using|of|according to|based on)\b[^,?]{1,80},\s*(?=\w)",
    re.I)


def expected_answer(question: str, columns: Collection[str] | None = None,
                    values: Collection[str] = (), entities: Collection[str] = ()) -> Expected:
    """The kind of answer ``question`` asks for, or :attr:`Expected.ANY` when its wording does
    not say.

    ``columns`` are the words of the table's column names and ``values`` the first words of its
    cell values, when known: "by" groups by a column ("revenue by region") or by something the
    table lacks ("revenue by channel", which then cannot be answered), never by an agent that
    is a value ("the time run by France") or follows a determiner ("paid by the customers").
    A question of several sentences ("Is there a correlation? Give the coefficient.") expects
    something only when all of them say the same; a sentence that prepares the data ("Create
    a feature …", "Remove the outliers …") asks for nothing. ``entities`` are the words of what id
    columns identify: "the average revenue per customer" is one rate, not a value per group.
    """
    parts = [part for part in _SENTENCES.split(question) if part.strip()]
    asking = [part for part in parts if part.split(" ", 1)[0].lower() not in _PREPARATIONS]
    kinds = {_expected_one(part, columns, values, entities) for part in asking or parts}
    return kinds.pop() if len(kinds) == 1 else Expected.ANY


def _expected_one(question: str, columns: Collection[str] | None,
                  values: Collection[str], entities: Collection[str] = ()) -> Expected:
    text = _OPENINGS.sub("", " ".join(question.strip().split())).rstrip("?.! ")
    text = _LEADING_PHRASE.sub("", text)
    first = text.split(" ", 1)[0].lower() if text else ""
    if first in _AUXILIARIES:
        return Expected.CHOICE if _OPTIONS.search(text) else Expected.BOOLEAN
    rate = _AVERAGE.search(text) is not None
    grouped = _TABLE.search(text) is not None or any(
        _groups(match[1], match[2], match[3], columns, values)
        and not (rate and match[2].lower() == "per" and singular(match[3].lower()) in entities)
        for match in _GROUPING.finditer(text))
    if _HOW_LONG.search(text):  # "how many days does it take": a duration, in days
        return Expected.TABLE if grouped else Expected.NUMBER
    if _COUNT.search(text):
        return Expected.TABLE if grouped else Expected.COUNT
    if _NUMBERED.search(text):  # "what are the 5 highest ages", "the top 3 scores"
        return Expected.SEVERAL
    if _NUMBER.search(text):
        return Expected.TABLE if grouped else Expected.NUMBER
    if _LABEL.search(text):
        return Expected.SEVERAL if _SEVERAL.search(text) else Expected.LABEL
    if _SEVERAL.search(text):
        return Expected.SEVERAL
    return Expected.TABLE if grouped else Expected.ANY


def _groups(before: str | None, marker: str, word: str, columns: Collection[str] | None,
            values: Collection[str]) -> bool:
    """Whether ``marker word`` ("by region", "per day") names groups. "by" after a past
    participle names an agent ("the fare paid by passengers", "games attended by fans")
    unless a distributive follows ("paid by each customer")."""
    low, previous = word.lower(), (before or "").lower()
    if marker.lower() == "by" and (low in ("each", "every") or previous in _GROUPED):
        return True
    if marker.lower() == "by" and _participle(previous):
        return False
    if low in _NOT_GROUPS or low.isdigit():
        return False
    return columns is None or low in columns or low.rstrip("s") in columns or (
        low not in values)


def _participle(word: str) -> bool:
    return word in _IRREGULAR_PARTICIPLES or (
        len(word) > 4 and word.endswith("ed") and word not in _ED_NOT_PARTICIPLES)


def mismatch(expected: Expected, value: Any) -> str | None:
    """Why ``value`` (a plain value: a Python scalar, a list, a Series or a DataFrame) is not the
    kind of answer expected, or ``None`` when it is."""
    got = _shape(value)
    accepted = {
        Expected.BOOLEAN: {"boolean"},
        Expected.CHOICE: {"label"},
        Expected.COUNT: {"count", "one", "one row"},
        Expected.NUMBER: {"count", "number", "one", "one row"},
        Expected.LABEL: {"label", "count", "number", "one", "several"},  # not a one-row table
        Expected.SEVERAL: {"label", "count", "number", "one", "one row", "several", "table"},
        Expected.TABLE: {"one", "one row", "several", "table"},
        Expected.ANY: {"boolean", "label", "count", "number", "one", "one row", "several",
                       "table"},
    }[expected]
    if got in accepted:
        return None
    return f"the question asks for {expected.value}, and this reading gives {_NAMES[got]}"


_NAMES = {"boolean": "a yes/no answer", "count": "a count", "number": "a number",
          "label": "a name or a value", "one": "a single value", "one row": "a one-row table",
          "several": "a list of values", "table": "a table", "none": "no value"}


def _shape(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "count" if value >= 0 else "number"
    if isinstance(value, float):
        integral = math.isfinite(value) and value.is_integer() and value >= 0
        return "count" if integral else "number"
    if isinstance(value, pd.Timedelta):
        return "number"  # a duration: "how long does it take"
    if isinstance(value, (pd.Series, pd.DataFrame)):
        return "one row" if len(value) == 1 and value.ndim == 1 else "table"
    if isinstance(value, list):
        return "one" if len(value) == 1 else "several"
    if value is None:
        return "none"
    if isinstance(value, str) and (_QUANTITY.match(value) or _DURATION.match(value)):
        return "number"  # "3:04.39", "$1,200", "36 t", "12%", "1 days 01:51:00"
    if isinstance(value, str) and not re.search(r"[^\W_]", value):
        return "none"  # a placeholder cell ("[[]]", "—", "."), which names nothing
    return "label"


#: intents whose result is computed from the data rather than read from it: a "which" or "who"
#: question asks for a label of the data, never for one of these
_COMPUTED = frozenset({"count", "aggregate", "difference", "share", "correlation", "describe",
                       "exists", "all", "check", "compare"})
#: intents that answer yes or no
_YES_NO = frozenset({"exists", "all", "check", "compare"})


def intent_mismatch(expected: Expected, intent_kind: str) -> str | None:
    """Why an intent of ``intent_kind`` cannot answer a question expecting ``expected``."""
    if expected in (Expected.LABEL, Expected.CHOICE) and intent_kind in _COMPUTED:
        return (f"the question asks for {expected.value}, and the reading computes "
                f"{'a yes/no answer' if intent_kind in _YES_NO else 'a number'}")
    if expected in (Expected.COUNT, Expected.NUMBER) and intent_kind in _YES_NO:
        return f"the question asks for {expected.value}, and the reading answers yes or no"
    return None


MAX_OPTION_WORDS = 4


def options(question: str) -> tuple[str, str] | None:
    """The two options a question ends with: "…, lhotse or makalu?", "… in the anxhi club or
    the cska club?" (each a few words; the one before "or" as long as the one after)."""
    text = question.strip().rstrip("?.! ").lower()
    clause = re.split(r"[,:;]", text)[-1]
    before, sep, after = clause.rpartition(" or ")
    if not sep:
        return None
    second = _option_words(after)
    if not second or len(second) > MAX_OPTION_WORDS:
        return None
    words = _option_words(before)
    first = words if clause != text else words[-len(second):]
    if not first or len(first) > MAX_OPTION_WORDS:
        return None
    return " ".join(first), " ".join(second)


def _option_words(text: str) -> list[str]:
    words = re.findall(r"[^\W_]+", text)
    while words and words[0] in ("the", "a", "an"):
        words = words[1:]
    return words


def not_an_option(choices: tuple[str, str] | None, value: Any) -> str | None:
    """Why ``value`` is none of the options the question offers, or ``None``: an answer to
    "which is higher, A or B?" names A or B (in part: "Tom Boonen" for "boonen")."""
    if isinstance(value, list) and choices is not None:
        if len(value) != 1:  # both, or neither: no choice was made
            return (f"the question offers '{choices[0]}' or '{choices[1]}', and this reading "
                    f"gives {len(value)} values")
        value = value[0]
    if choices is None or isinstance(value, bool) or not isinstance(value, (str, int, float)):
        return None
    got = set(re.findall(r"[^\W_]+", str(value).lower()))
    for choice in choices:
        wanted = set(choice.split())
        if wanted <= got or (got and got <= wanted):
            return None
    return (f"the question offers '{choices[0]}' or '{choices[1]}', and this reading gives "
            f"'{value}'")
