"""Words and numbers of a question: tokens, plural and stem forms, numbers written in words.

Matching works on normalised forms so that "Countries", "country" and "COUNTRY" meet, and
"survivors", "survived" and "survival" share a stem. The rules are deliberately light (no
dictionary): they only need to bring together the forms people use for column names and values.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import lru_cache

__all__ = ["Spanned", "Token", "tokenize", "split_name", "singular", "stem", "agent_stem",
           "word_list"]



def word_list(text: str) -> list[str]:
    """The words of a space-separated list: how the vocabularies here are written down."""
    return text.split()


_QUOTED = r"\"(?P<dq>[^\"]+)\"|“(?P<cq>[^”]+)”|(?<![\w'])'(?P<sq>[^']+)'(?![\w])|‘(?P<tq>[^’]+)’"
_NUMBER = (r"(?:(?P<cur>[$€£])\s?)?(?P<num>[-+−]?(?:\d[\d,]*(?:\.\d+)?|\.\d+))"
           r"(?:\s?(?P<pct>%)|(?P<ord>st|nd|rd|th)\b|\s?(?P<mult>k|m|bn|million|billion|thousand)\b)?")
_WORD = r"(?P<word>[^\W\d_](?:[\w]|['’](?=[a-zA-Z]))*)"
_SYMBOL = r"(?P<sym>>=|<=|!=|==|≥|≤|[<>=%$*+/|]|(?<=\s)[-−–](?=\s))"  # " - " subtracts
_DATE = r"(?P<date>\d{4}-\d{1,2}-\d{1,2})\b"
_LEXER = re.compile("|".join((_QUOTED, _DATE, _NUMBER, _WORD, _SYMBOL)))

_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "bn": 1e9, "billion": 1e9}
_UNITS = word_list("zero one two three four five six seven eight nine ten eleven twelve "
                   "thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty")
NUMBER_WORDS = {w: i for i, w in enumerate(_UNITS)} | {
    "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "dozen": 12}
ORDINAL_WORDS = {w: i + 1 for i, w in enumerate(word_list(
    "first second third fourth fifth sixth seventh eighth ninth tenth"))}

_IRREGULAR = {
    "people": "person", "men": "man", "women": "woman", "children": "child", "won": "win",
    "lost": "loss", "lose": "loss", "losses": "loss", "sold": "sell", "bought": "buy",
    "paid": "pay", "spent": "spend", "born": "birth", "series": "series", "species": "species",
    "news": "news", "data": "data", "was": "was", "has": "has", "does": "does", "is": "is",
}
_SUFFIXES = ("ization", "isation", "ations", "ation", "ition", "ions", "ion", "ances", "ance",
             "ences", "ence", "ments", "ment", "ness", "ings", "ing", "ed", "al", "ity")
_AGENT_SUFFIXES = ("ers", "ors", "er", "or", "ee")  # "voters", "attendees": "vot", "attend"
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+(?:\.\d+)?|[^\W\d_]+")


class Spanned:
    """Something that covers token positions of a question (a mention, a cue)."""

    __slots__ = ()
    positions: tuple[int, ...]

    @property
    def start(self) -> int:
        return self.positions[0]

    @property
    def end(self) -> int:
        return self.positions[-1]


@dataclass(frozen=True, slots=True)
class Token:
    """One token of a question, with the forms matching needs."""

    i: int
    text: str
    kind: str  # "word", "number", "quoted", "date" (2015-01-02) or "symbol"
    number: float | None = None
    ordinal: bool = False
    percent: bool = False
    money: bool = False

    @property
    def low(self) -> str:
        return self.text.lower()

    @property
    def sing(self) -> str:
        return singular(self.low)

    @property
    def stem(self) -> str:
        return stem(self.low)

    @property
    def capitalized(self) -> bool:
        return self.kind == "word" and self.text[:1].isupper()


def tokenize(question: str) -> list[Token]:
    """Split a question into words, numbers, quoted phrases and comparison symbols."""
    tokens: list[Token] = []
    for match in _LEXER.finditer(question):
        group = match.lastgroup
        quoted = match.group("dq") or match.group("cq") or match.group("sq") or match.group("tq")
        if quoted is not None:
            tokens.append(Token(len(tokens), quoted.strip(), "quoted"))
        elif match.group("date") is not None:
            tokens.append(Token(len(tokens), match.group("date"), "date"))
        elif match.group("num") is not None:
            tokens.append(_number_token(len(tokens), match))
        elif match.group("word") is not None:
            tokens.extend(_word_tokens(len(tokens), match.group("word")))
        elif group == "sym":
            tokens.append(Token(len(tokens), match.group("sym"), "symbol"))
    return tokens


def _number_token(i: int, match: re.Match[str]) -> Token:
    text = match.group("num")
    value = float(text.replace(",", "").replace("−", "-"))
    mult = match.group("mult")
    if mult:
        value *= _MULTIPLIERS[mult.lower()]
    return Token(i, text, "number", number=value, ordinal=bool(match.group("ord")),
                 percent=bool(match.group("pct")), money=bool(match.group("cur")))


def _word_tokens(i: int, word: str) -> list[Token]:
    """A word, with contractions split ("didn't" -> "did", "not"; "what's" -> "what")."""
    word = word.replace("’", "'")
    low = word.lower()
    if low.endswith("n't"):
        base = "can" if low == "can't" else ("will" if low == "won't" else word[:-3])
        return [Token(i, base, "word"), Token(i + 1, "not", "word")]
    if "'" in word:
        word = word.split("'")[0]
    if low in NUMBER_WORDS:
        return [Token(i, word, "number", number=float(NUMBER_WORDS[low]))]
    if low in ORDINAL_WORDS:
        return [Token(i, word, "number", number=float(ORDINAL_WORDS[low]), ordinal=True)]
    return [Token(i, word, "word")]


@lru_cache(maxsize=8192)
def split_name(name: str) -> tuple[str, ...]:
    """Lower-case words of a column name: camelCase, snake_case, spaces and punctuation split."""
    return tuple(part.lower() for part in _CAMEL.findall(str(name).replace("%", " percent ")))


@lru_cache(maxsize=16384)
def singular(word: str) -> str:
    """``word`` without a plural ending ("countries" -> "country", "classes" -> "class")."""
    if word in _IRREGULAR and _IRREGULAR[word] in ("person", "man", "woman", "child"):
        return _IRREGULAR[word]
    if len(word) <= 3 or not word.isalpha() or word in _IRREGULAR:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("sses", "shes", "ches", "xes", "zzes")):
        return word[:-2]
    if word.endswith(("ss", "us", "is")):
        return word
    return word[:-1] if word.endswith("s") else word


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """A light stem ("survived", "survival" -> "surviv"; "attendance" -> "attend")."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    base = singular(word)
    if len(base) <= 4 or not base.isalpha():
        return base
    for suffix in _SUFFIXES:
        if base.endswith(suffix) and len(base) - len(suffix) >= 3:
            base = base[: -len(suffix)]
            break
    if base.endswith("is") and len(base) > 5:  # British "-ise"/"-isation" spelling
        base = base[:-2] + "iz"
    if base.endswith("e") and len(base) > 4:
        base = base[:-1]
    if len(base) > 4 and base[-1] == base[-2] and base[-1] not in "aeiouls":
        base = base[:-1]
    return base


@lru_cache(maxsize=16384)
def agent_stem(word: str) -> str:
    """The stem of a noun for the one who does something ("survivors" -> "surviv")."""
    base = singular(word)
    for suffix in _AGENT_SUFFIXES:
        if base.endswith(suffix) and len(base) - len(suffix) >= 4:
            return stem(base[: -len(suffix)] + "ed")
    return stem(word)


MIN_SHARED_ROOT = 5


def same_root(first: str, second: str) -> bool:
    """Whether two words share a root: "return" and "returned", "conversion" and "converted",
    "cancellation" and "cancelled" (a common start of five letters or more, and most of the
    shorter word)."""
    shared = len(os.path.commonprefix([first, second]))
    return shared >= max(MIN_SHARED_ROOT, 0.6 * min(len(first), len(second)))
