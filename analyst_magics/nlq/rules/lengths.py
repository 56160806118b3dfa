"""Lengths of text as measures: "the post with the most words", "the word counts of the 3
longest posts", "the number of non-space characters in the text".

A question that counts the words or characters of something written asks for a column the
table does not have: the length of each cell of its text column, computed on a copy. Which
column is the text: the one the question names ("the number of words in the title"), else the
one whose name is the noun the question uses ("posts" for ``post``, "reviews" for
``review_text``), else the table's only column of prose.
"""

from __future__ import annotations

from typing import Any

from .context import Context
from .intents import Derived
from .mentions import ColumnMention

__all__ = ["read_lengths", "LENGTH_OPS"]

#: how each kind of length is computed from a Series of text (see the code writer)
LENGTH_OPS = {"words": ".str.split().str.len()", "characters": ".str.len()",
              "letters": ".str.replace(r\"\\s\", \"\", regex=True).str.len()"}
_UNITS = {"word": "words", "words": "words", "character": "characters",
          "characters": "characters", "chars": "characters", "letters": "letters",
          "letter": "letters"}
#: nouns for a piece of writing, which name the text column when no column is named
_WRITINGS = frozenset({"post", "posts", "tweet", "tweets", "review", "reviews", "comment",
                       "comments", "message", "messages", "article", "articles", "text",
                       "texts", "title", "titles", "description", "descriptions", "body",
                       "content", "answer", "answers", "note", "notes", "sentence",
                       "sentences", "headline", "headlines", "name", "names"})
_LENGTH_WORDS = frozenset({"length", "lengths", "long"})
PROSE_WORDS = 8  # median words of a column of prose
_WINDOW = 6  # words around the unit in which the text column is named


def read_lengths(ctx: Context) -> None:
    """Add the length column a question measures, mentioned where its unit is said."""
    for token in ctx.tokens:
        unit = _UNITS.get(token.low)
        if unit is None or token.i in ctx.consumed:
            continue
        if unit == "characters" and ctx.word(token.i - 1) in ("non", "space") or (
                ctx.word(token.i - 1) == "whitespace"):
            unit = "letters"  # "non-space characters"
        column = _text_column(ctx, token.i)
        if column is None:
            return
        name = f"{unit} in {column}"
        ctx.derived.append(Derived(name=name, op=f"length:{unit}", columns=[column]))
        spot = _unit_phrase(ctx, token.i)
        ctx.columns = [m for m in ctx.columns if not set(m.positions) & set(spot)
                       and not (m.column == column and _near(m, token.i))]
        ctx.columns.append(ColumnMention(name, spot, 2.0))
        ctx.columns.sort(key=lambda m: m.start)
        ctx.cues = [c for c in ctx.cues if not set(c.positions) & set(spot)]  # "number of"
        # "the length of the longest post": the words that said which text, and how long
        ctx.use(t.i for t in ctx.tokens if t.low in _LENGTH_WORDS or (
            t.low in _WRITINGS and not any(t.i in m.positions for m in ctx.columns)))
        return


def _unit_phrase(ctx: Context, position: int) -> tuple[int, ...]:
    """The words that say the length: "number of words", "word counts", "characters"."""
    start = position
    if ctx.word(position - 1) == "of" and ctx.word(position - 2) in ("number", "count"):
        start = position - 2
    end = position + 1 if ctx.word(position + 1) in ("count", "counts") else position
    return tuple(range(start, end + 1))


def _near(mention: ColumnMention, position: int) -> bool:
    return abs(mention.start - position) <= _WINDOW


def _text_column(ctx: Context, position: int) -> Any:
    texts = {c.name: c for c in ctx.schema.columns if c.kind == "text"}
    named = [m.column for m in ctx.columns if m.column in texts and _near(m, position)]
    writing = [c for c in named if set(texts[c].words) & _WRITINGS]
    if writing or named:
        return (writing or named)[0]
    nouns = {t.low for t in ctx.tokens if t.low in _WRITINGS}
    by_noun = [c for c in texts.values() if set(c.words) & nouns]
    if len(by_noun) == 1:
        return by_noun[0].name
    prose = [c for c in texts.values() if c.median_words >= PROSE_WORDS]
    return prose[0].name if len(prose) == 1 else None
