"""Text that leaves the engine: escaped for HTML and logs, personal data masked for prompts.

Two jobs live here. :func:`sanitize_text` makes user text safe to render or log.
:func:`mask_pii` and :func:`find_pii` hide e-mail addresses, phone numbers, payment cards,
US social security numbers and IBANs before sample rows or column names reach a language
model or a report; the recognisers are in :mod:`analyst_magics.pii_recognizers`.

Masking works on a *normalised* copy of the text (NFKC, invisible format characters such as
zero-width spaces removed, every Unicode digit read as its ASCII digit, every dash as ``-``), so
full-width digits and zero-width joins do not hide a number. A value in which nothing is found
comes back exactly as given; a value in which something is found comes back normalised, with
each finding replaced by the placeholder.

>>> mask_pii("write to ann@example.com")
'write to <EMAIL_ADDRESS>'
>>> sanitize_text("<b>hi</b>\\nthere")
'&lt;b&gt;hi&lt;/b&gt; there'
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from typing import Any, NamedTuple, TypeVar

import numpy as np
import pandas as pd

from . import pii_recognizers as rec
from .errors import AnalystError

__all__ = ["ELLIPSIS", "MAX_TEXT_LENGTH", "PII_TYPES", "PIIMatch", "find_pii", "mask_pii",
           "hide_column", "mask_value", "pii_columns",
           "sanitize_text"]

#: Default cap, in characters, of :func:`sanitize_text` output (before HTML escaping).
MAX_TEXT_LENGTH = 2000
#: Appended where :func:`sanitize_text` cut the text.
ELLIPSIS = "…"
#: Entity types :func:`find_pii` reports, named as Presidio names them.
PII_TYPES = tuple(rec.ENTITIES)

# NFKC and control-character removal run on at most this many characters per allowed output
# character, so a huge input costs no more than a small one; past it the output is marked cut.
_PRECUT_FACTOR = 4
_ARROW_STRING = pd.StringDtype("pyarrow")  # regex pre-filters then run in RE2, vectorised
_NON_ASCII = r"[^\x00-\x7f]"

#: A column holds personal data when more than this share of the values read from it do.
PII_COLUMN_SHARE = 0.5
#: Values read per column to tell what it holds (distinct values of its first rows).
PII_COLUMN_SAMPLE = 200
_SAMPLE_ROWS = 20_000
#: Integers shorter than this hold no phone, card or SSN.
_MIN_PII_DIGITS = 7
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_NOT_WORD = re.compile(r"[\W_]+")
_DIGIT_EDGE = re.compile(r"(?<=[^\W\d_])(?=\d)|(?<=\d)(?=[^\W\d_])")

_Masked = TypeVar("_Masked", str, pd.Series, pd.DataFrame)


class PIIMatch(NamedTuple):
    """One finding: its Presidio entity type and where it is in the normalised text."""

    type: str
    start: int
    end: int
    value: str


# --------------------------------------------------------------------------- sanitising


def sanitize_text(text: object, *, max_length: int = MAX_TEXT_LENGTH) -> str:
    """Make user text safe to put in HTML or in a log line.

    The text is converted with ``str()``, NFKC-normalised (so full-width ``＜`` cannot slip
    past escaping as a look-alike), stripped of control and invisible format characters
    (bidirectional overrides, zero-width characters), cut to ``max_length`` characters with a
    trailing ``…``, and HTML-escaped, quotes included.

    Line breaks and tabs become single spaces: a newline in a logged value would let a user
    forge a log line, and HTML ignores them anyway. Split multi-line text into lines first if
    the lines matter. Escaping is not idempotent (``&`` becomes ``&amp;`` each time), so call
    this once, where the text enters HTML or the log. ``max_length`` counts characters of the
    text, not of the escaped markup, which can be up to six times longer.

    Examples
    --------
    >>> sanitize_text('<script>alert("x")</script>')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;'
    >>> sanitize_text("a" * 10, max_length=5)
    'aaaa…'
    """
    if isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1:
        raise AnalystError(
            f"sanitize_text(max_length=…) must be a positive whole number of characters, "
            f"got {max_length!r}. Pass e.g. max_length={MAX_TEXT_LENGTH}.")
    raw = str(text)
    limit = _PRECUT_FACTOR * max_length
    clean = unicodedata.normalize("NFKC", raw[:limit]).translate(rec.tables().sanitize)
    if len(raw) > limit or len(clean) > max_length:
        clean = clean[: max_length - 1] + ELLIPSIS
    return html.escape(clean, quote=True)


# --------------------------------------------------------------------------- finding PII


def find_pii(text: str) -> list[PIIMatch]:
    """List the personal data in ``text``, left to right.

    Offsets and values refer to the normalised text (see the module docstring), which is
    ``text`` itself for plain ASCII text. Overlapping candidates are resolved in a fixed order
    (e-mail, IBAN, card, SSN, phone): the first recogniser to claim characters keeps them.

    Examples
    --------
    >>> find_pii("card 4111 1111 1111 1111, ssn 078-05-1123")
    [PIIMatch(type='CREDIT_CARD', start=5, end=24, value='4111 1111 1111 1111'), \
PIIMatch(type='US_SSN', start=30, end=41, value='078-05-1123')]
    """
    if not isinstance(text, str):
        raise AnalystError(f"find_pii() takes a str, got {type(text).__name__}. "
                           "Use mask_pii() for a Series or DataFrame, or str(value) first.")
    normal = rec.normalise(text)
    return [PIIMatch(rec.ENTITY_OF_TAG[m.group()[0]], m.start(), m.end(), normal[m.start():m.end()])
            for m in rec.TAG_RUN.finditer(rec.tag(normal))]


# --------------------------------------------------------------------------- masking


def mask_pii(value: _Masked, *, columns: bool = True, placeholder: str = "<{type}>") -> _Masked:
    """Replace personal data in a string, a Series or every text column of a DataFrame.

    Parameters
    ----------
    value : str, pandas.Series or pandas.DataFrame
        Never modified; a new object of the same type is returned.
    columns : bool
        Also mask column names (a Series' name), since headers reach prompts and reports too.
    placeholder : str
        What replaces each finding; ``{type}`` becomes the entity type, e.g.
        ``EMAIL_ADDRESS``. It is substituted literally, never through ``str.format``.

    Returns
    -------
    Same type as ``value``. Text in text columns (object, string and categorical) is masked,
    nested cells (lists, dicts) included, which then come back as their masked text. A
    column that still holds personal data by what it holds (:func:`pii_columns`: int64 phone
    numbers, bare digit strings under a "phone" header...) has every value replaced by the
    placeholder, whatever its dtype. Other columns, the index and missing values are left
    as they are, and dtypes are kept. Each distinct string is examined once, so a column of
    a million rows with few distinct values costs little more than those values.

    Examples
    --------
    >>> import pandas as pd
    >>> mask_pii(pd.Series(["ann@example.com", "no contact"])).tolist()
    ['<EMAIL_ADDRESS>', 'no contact']
    """
    if not isinstance(placeholder, str):
        raise AnalystError(f"mask_pii(placeholder=…) must be a str such as '<{{type}}>', "
                           f"got {type(placeholder).__name__}.")
    if isinstance(value, str):
        return _mask_text(value, placeholder)
    if isinstance(value, pd.Series):
        out = _mask_column(value, placeholder)
        if columns:
            out.name = _mask_label(value.name, placeholder)
        return out
    if isinstance(value, pd.DataFrame):
        return _mask_frame(value, columns=columns, placeholder=placeholder)
    raise AnalystError(f"mask_pii() takes a str, a pandas Series or a DataFrame, got "
                       f"{type(value).__name__}. Convert the value with str() first.")


def _fill(placeholder: str, entity: str) -> str:
    return placeholder.replace("{type}", entity)


def _mask_text(text: str, placeholder: str) -> str:
    if not rec.ANY_HINT.search(text):
        return text
    tagged = rec.tag(rec.normalise(text))
    if not rec.TAG_RUN.search(tagged):
        return text
    return rec.TAG_RUN.sub(lambda m: _fill(placeholder, rec.ENTITY_OF_TAG[m.group()[0]]), tagged)


def _mask_label(label: Any, placeholder: str) -> Any:
    if isinstance(label, str):
        return _mask_text(label, placeholder)
    if isinstance(label, tuple):  # MultiIndex columns
        return tuple(_mask_label(part, placeholder) for part in label)
    return label


def _mask_frame(frame: pd.DataFrame, *, columns: bool, placeholder: str) -> pd.DataFrame:
    out = frame.copy(deep=False)  # new container; columns are replaced, never written into
    hidden = pii_columns(frame)
    for position, dtype in enumerate(frame.dtypes):
        column = frame.iloc[:, position]
        if _is_text(dtype):
            column = _mask_column(column, placeholder)
            name = _header_words(frame.columns[position])
            if position in hidden and _column_entity(name, column) is None:
                del hidden[position]  # masking the text was enough ("call <PHONE_NUMBER>")
        if position in hidden:
            column = hide_column(column, hidden[position], placeholder)
        if column is not frame.iloc[:, position]:
            out.isetitem(position, column)
    if columns and (isinstance(frame.columns, pd.MultiIndex) or _is_text(frame.columns.dtype)):
        out.columns = frame.columns.map(lambda label: _mask_label(label, placeholder))
    return out


def _is_text(dtype: Any) -> bool:
    return (pd.api.types.is_object_dtype(dtype)
            or isinstance(dtype, pd.StringDtype | pd.CategoricalDtype)
            or (isinstance(dtype, pd.ArrowDtype) and pd.api.types.is_string_dtype(dtype)))


def _mask_column(column: pd.Series, placeholder: str) -> pd.Series:
    """Mask one column through its distinct strings; everything else is kept as it is."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return _mask_categorical(column, placeholder)
    if pd.api.types.is_object_dtype(column.dtype):
        return _mask_objects(column, placeholder)
    if not _is_text(column.dtype):
        return column.copy()
    codes, uniques = pd.factorize(column)  # Arrow dictionary encoding: fast, NA -> -1
    masked = _mask_texts(pd.Series(uniques), placeholder)
    if (masked.to_numpy() == np.asarray(uniques)).all():
        return column.copy()
    values = pd.array(masked, dtype=column.dtype).take(codes, allow_fill=True)
    return pd.Series(values, index=column.index, name=column.name)


def _mask_objects(column: pd.Series, placeholder: str) -> pd.Series:
    """An object column: its ``str`` cells, and the text of nested cells (lists, dicts...);
    numbers, booleans and missing values stay."""
    values = column.to_numpy(dtype=object)
    if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
        rows = np.arange(len(values))  # the common case: strings and missing values only
        nested = np.empty(0, dtype=np.intp)
    else:
        kinds = pd.Series(values, dtype=object).map(type)
        rows = np.flatnonzero(kinds.eq(str).to_numpy())
        nested = np.flatnonzero(kinds.isin(_NESTED).to_numpy())
    codes, uniques = pd.factorize(values[rows])
    masked = _mask_texts(pd.Series(uniques, dtype=object), placeholder).to_numpy(dtype=object)
    changed = np.append(masked != uniques, False)[codes]  # code -1, a missing value: kept
    replaced = {int(row): text for row in nested
                if (text := mask_value(values[row], placeholder=placeholder)) is not values[row]}
    if not changed.any() and not replaced:
        return column.copy()
    values = values.copy()  # the array is a read-only view of the input
    values[rows[changed]] = masked[codes[changed]]
    for row, text in replaced.items():
        values[row] = text
    return pd.Series(values, index=column.index, name=column.name, dtype=object)


def mask_value(value: Any, *, placeholder: str = "<{type}>") -> Any:
    """One cell masked: a string as :func:`mask_pii` masks it, a list, tuple, set or dict by
    its text (the masked text when it held personal data, else the value itself)."""
    if isinstance(value, str):
        return _mask_text(value, placeholder)
    if not isinstance(value, _NESTED):
        return value
    text = _nested_text(value)
    masked = _mask_text(text, placeholder)
    return value if masked == text else masked


_NESTED = (list, tuple, set, frozenset, dict)


def _nested_text(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):  # keys json cannot write, circular containers
        return str(value)


# --------------------------------------------------------------------------- whole columns


def pii_columns(frame: pd.DataFrame) -> dict[int, str]:
    """The columns that hold personal data by what they hold, whatever their dtype.

    A column counts when more than :data:`PII_COLUMN_SHARE` of the values read from it
    (up to :data:`PII_COLUMN_SAMPLE` distinct values of its first rows) hold personal data,
    each read as text after the column's name, which gives the context a bare number needs:
    an int64 column "phone" of 4155550132, a "ssn" column whose leading zeros were lost,
    a column of card numbers. Returns ``{position: entity type}``.

    Examples
    --------
    >>> import pandas as pd
    >>> pii_columns(pd.DataFrame({"phone": [4155550132, 2125550199], "n": [1, 2]}))
    {0: 'PHONE_NUMBER'}
    """
    found = {}
    for position in range(frame.shape[1]):
        column = frame.iloc[:, position]
        entity = _column_entity(_header_words(frame.columns[position]), column)
        if entity is not None:
            found[position] = entity
    return found


def hide_column(column: pd.Series, entity: str, placeholder: str = "<{type}>") -> pd.Series:
    """``column`` with every value that is not missing replaced by the placeholder."""
    values = pd.Series(_fill(placeholder, entity), index=column.index, name=column.name,
                       dtype=object)
    return values.mask(column.isna(), None)


def _header_words(label: Any) -> str:
    """A column label as words ("mobileNumber", "phone_2" -> "mobile Number", "phone"): the
    context its values are read in."""
    text = rec.normalise(" ".join(map(str, label)) if isinstance(label, tuple) else str(label))
    words = _NOT_WORD.sub(" ", _CAMEL.sub(" ", text)).split()
    words = [part for word in words for part in _DIGIT_EDGE.split(word)]
    return " ".join(word for word in words if not word.isdigit())


def _column_entity(name: str, column: pd.Series) -> str | None:
    texts = _value_texts(name, column.iloc[:_SAMPLE_ROWS].dropna())
    if not texts:
        return None
    label = f"{name}: "
    kinds = [next((m.type for m in find_pii(label + text) if m.start >= len(label)), None)
             for text in texts]
    hits = [kind for kind in kinds if kind is not None]
    if len(hits) <= PII_COLUMN_SHARE * len(texts):
        return None
    return max(set(hits), key=hits.count)


def _value_texts(name: str, values: pd.Series) -> list[str]:
    """Distinct values of a column as the text a person would read, if any could be PII."""
    dtype = values.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        values = pd.Series(dtype.categories)
        dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) or not (
            pd.api.types.is_numeric_dtype(dtype) or _is_text(dtype)):
        return []
    if pd.api.types.is_numeric_dtype(dtype):
        numbers = values.to_numpy(dtype=float)
        whole = numbers[(numbers == np.round(numbers)) & (np.abs(numbers) < 1e19)]
        if not len(whole) or np.abs(whole).max() < 10 ** (_MIN_PII_DIGITS - 1):
            return []
        return [str(int(v)) for v in pd.unique(whole)[:PII_COLUMN_SAMPLE]]
    cells = values.to_numpy(dtype=object)
    try:
        distinct = pd.unique(cells)[:PII_COLUMN_SAMPLE]
    except TypeError:  # unhashable cells (lists, dicts): by their text
        distinct = pd.unique(np.array([_cell_text(cell) for cell in cells], dtype=object))
    return [_cell_text(cell) for cell in distinct[:PII_COLUMN_SAMPLE]]


def _cell_text(cell: Any) -> str:
    if isinstance(cell, str):
        return cell
    return _nested_text(cell) if isinstance(cell, _NESTED) else str(cell)


def _mask_categorical(column: pd.Series, placeholder: str) -> pd.Series:
    categories = pd.Series(column.cat.categories)
    masked = _mask_column(categories, placeholder)
    if masked.equals(categories):
        return column.copy()
    # masked categories may coincide ("<EMAIL_ADDRESS>" twice): merge them, keep the order
    new_codes, new_categories = pd.factorize(masked)
    codes = column.cat.codes.to_numpy()
    codes = np.where(codes >= 0, new_codes[codes], -1)
    values = pd.Categorical.from_codes(codes, categories=new_categories,
                                       ordered=column.cat.ordered)
    return pd.Series(values, index=column.index, name=column.name)


def _mask_texts(texts: pd.Series, placeholder: str) -> pd.Series:
    """Mask distinct strings.

    Pre-filters run vectorised in RE2 on Arrow strings, so only likely candidates reach the
    Python recognisers, which run on object arrays (the Arrow path would only convert back).
    """
    work = texts.astype(_ARROW_STRING)
    work = work[_contains(work, rec.ANY_HINT.pattern)]
    spelled = _contains(work, rec.AT_SPELLINGS.pattern)
    if spelled.any():
        work[spelled] = work[spelled].str.replace(rec.AT_SPELLINGS.pattern, "@", regex=True)
    exotic = _contains(work, _NON_ASCII)
    if exotic.any():
        normal = work[exotic].str.normalize("NFKC").astype(object)
        work[exotic] = normal.str.translate(rec.tables().fold)
    for recogniser in rec.RECOGNISERS:
        hit = _contains(work, recogniser.hint)
        if hit.any():
            candidates = work[hit].astype(object)
            work[hit] = candidates.str.replace(recogniser.pattern, recogniser.tag, regex=True)
    work = work[_contains(work, rec.TAG_CLASS)]
    for entity, tag in rec.TAG_OF_ENTITY.items():
        replacement = _fill(placeholder, entity).replace("\\", "\\\\")
        work = work.str.replace(re.escape(tag) + "+", replacement, regex=True)
    out = texts.copy()
    out[work.index] = work.astype(object)
    return out


def _contains(texts: pd.Series, pattern: str) -> np.ndarray:
    return np.asarray(texts.str.contains(pattern), dtype=bool)
