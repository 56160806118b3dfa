"""What the question parser needs to know about a DataFrame, computed once per frame.

:func:`schema_of` describes each column (kind, words of its name, how to read numbers or dates
stored as text), indexes the values of text columns of modest cardinality so that "female" or
"Sweden" can be found in a question, and spots summary rows such as ``Total`` that must stay out
of aggregates. Descriptions are cached per frame object (and rebuilt if its shape, columns or
dtypes change), so asking several questions of a large frame pays for the scan once.
"""

from __future__ import annotations

import re
import unicodedata
import weakref
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from ...parsers import DateFormats, date_formats
from .lexicon import SUMMARY_LABELS
from .text import split_name, word_list

__all__ = ["ColumnInfo", "Schema", "schema_of", "names_entity", "normalize_value", "read_numbers",
           "numbers_code", "dates_code", "NUMERIC_TEXT_PATTERN"]

#: what a cell holding a number written as text looks like: "1,234", "$5.00", "12%", " 578.55"
NUMERIC_TEXT_PATTERN = r"[,$€£%\s]"
DECIMAL_COMMA_PATTERN = r"[.$€£%\s]"  # "1.200,50": the dots go, the comma becomes a point
#: thousands/millions/billions written as a suffix: "€500K", "$1.2M", "3B"
SCALE_SUFFIXES = {"K": 1e3, "M": 1e6, "B": 1e9}
_NUMERIC_TEXT = re.compile(
    r"^\s*[-+]?[$€£]?\s*[-+]?(\d[\d,]*(\.\d+)?|\.\d+|\d{1,3}(\.\d{3})+(,\d+)?|\d+,\d{1,2})\s*"
    r"(%|[KMBkmb]|€)?\s*$")
#: "52.000", "1.200.000,50", "12,5": a dot between thousands, a comma before the decimals
_DOTTED_THOUSANDS = re.compile(r"\d\.\d{3}(?:\.\d{3}|,\d)|^\D*\d+,\d{1,2}\D*$")
_EURO_THOUSANDS = re.compile(r"^\D*\d{1,3}(?:\.\d{3})+\D*$")
#: durations as text: "0:31:26", "1:02:03.5", "3:04.39", "2 days 04:00:00"
_DURATION_TEXT = re.compile(r"^\s*(\d+\s*days?,?\s*)?\d{1,3}:\d{2}(:\d{2})?(\.\d+)?\s*$")
_UNIT = r"(?:weeks?|days?|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)"
#: durations spelled out: "7 days", "3 hours", "1 week 2 days", "45 min"
SPELLED_DURATION = re.compile(rf"^\s*\d+(?:\.\d+)?\s*{_UNIT}(?:,?\s*\d+(?:\.\d+)?\s*{_UNIT})*\s*$",
                              re.I)
_DURATION_WORDS = frozenset(word_list(
    "duration time times length runtime elapsed wait waiting lap laps delay handle handling "
    "resolution lasted"))
DURATION_SHARE = 0.9  # of the sample that must read as durations
#: "All places", "Total votes", "Grand total": a row that sums the others
_SUMMARY_START = re.compile(r"^(?:all|total|grand total|overall)\b(?: \w+)?$")
_SCALED = re.compile(r"\d\s*[KMBkmb]\s*$")
_ACCENTS = re.compile("[\u0300-\u036f]")
_PLACEHOLDERS = frozenset({"", "-", "–", "—", "n/a", "na", "none", "null", "?", "nan"})
_DATE_HINT = re.compile(r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[-/ .]\w{2,9}[-/ .,]+\d{2,4}|"
                        r"[A-Za-z]{3,9} \d{1,2}, \d{4}|^[A-Za-z]{3,9}\.? \d{4}$|^\d{4}-\d{2}$|"
                        r"^\d{1,2}/\d{4}$")
_BOOL_TEXT = {frozenset({"yes", "no"}): "yes", frozenset({"y", "n"}): "y",
              frozenset({"true", "false"}): "true", frozenset({"t", "f"}): "t"}
_ID_WORDS = frozenset({"id", "key", "uuid", "code", "index"})
_LABEL_WORDS = frozenset(word_list(
    "name title player team country nation city company person coach club athlete driver artist "
    "song film movie book product state county municipality school university opponent "
    "against episode"))

_YEAR_WORDS = frozenset({"year", "season", "yr"})
#: words of a column that holds the year something happened: "First elected", "Founded"
_EVENT_WORDS = frozenset(word_list(
    "elected founded established opened built released release born died formed introduced "
    "launched completed debut joined inducted"))
_TIME_WORDS = frozenset({"date", "time", "day", "month", "year", "season", "when"})

SAMPLE_SIZE = 2000
TYPE_SAMPLE = 200  # values looked at to tell numbers, dates and flags written as text
MAX_DATE_LENGTH = 40
VALUE_INDEX_MAX = 5000  # text columns with more distinct values are not indexed
LARGE_FRAME = 50_000
MIN_NUMBERS = 3  # fewer group numbers (1, 1, 2) are as likely a small count
MIN_ID_ROWS = 20  # shorter runs of 1, 2, 3 … are as likely counts as row numbers
MAX_VALUE_LENGTH = 80
MAX_PREFIX_WORDS, MIN_PREFIX_LENGTH = 3, 5  # value starts indexed, and the shortest one-word one


@dataclass(slots=True)
class ColumnInfo:
    """One column as the parser sees it."""

    name: Any
    position: int
    kind: str  # number | bool | date | text | numtext | datetext | duration | durationtext | other
    words: tuple[str, ...]
    distinct: int | None = None
    unique_ratio: float = 0.0
    is_id: bool = False
    true_value: Any = None  # what "yes" is in a boolean-like column
    dates: DateFormats | None = None  # how a "datetext" column writes its dates
    yearlike: bool = False
    #: whole numbers 1, 2, 3 … in table order, repeated: a group's number (a round, a
    #: constituency), which is counted, never added up
    numbering: bool = False
    scaled: bool = False  # numbers written with K/M/B suffixes
    decimal_comma: bool = False  # "1.200,50": dots between thousands, a comma before decimals
    category: bool = False  # a pandas Categorical (grouped with observed=True)
    tz: bool = False  # dates with a time zone
    padded: bool = False  # text with stray spaces around some values (trimmed before use)
    #: cells that list several items ("Tokyo, Japan", "Tom Selleck, Ted Danson and …"): a
    #: value of the column is matched as one item of a cell, not as the whole cell
    listing: bool = False
    median_words: float = 0.0  # of a text column's cells: prose has many
    weeks: bool = False  # durations spelled out in weeks ("2 weeks"), which pandas reads as "2W"

    @property
    def label(self) -> str:
        return str(self.name)

    @property
    def numeric(self) -> bool:
        """Numbers, or numbers written as text (cleaned in the generated code)."""
        return self.kind in ("number", "numtext", "duration", "durationtext") or (
            self.kind == "bool" and self.true_value == 1)

    @property
    def categorical(self) -> bool:
        return self.kind in ("text", "bool") or (self.kind == "number" and self.distinct is not
                                                 None and self.distinct <= 30)


@dataclass(slots=True)
class Schema:
    """The columns of a frame, its value index and its summary rows."""

    columns: list[ColumnInfo]
    rows: int
    values: dict[str, list[tuple[Any, Any]]] = field(default_factory=dict)
    #: the first words of multi-word values: "entire home" for ``Entire home/apt``
    prefixes: dict[str, list[tuple[Any, Any]]] = field(default_factory=dict)
    #: the items of cells that list several ("cuba" for ``La Habana, Cuba``)
    items: dict[str, list[tuple[Any, Any]]] = field(default_factory=dict)
    summary: tuple[Any, Any] | None = None  # (column, label) of summary rows to leave out
    label_column: Any = None
    word_index: dict[tuple[str, str], list[Any]] = field(default_factory=dict)  # see matching
    column_words: frozenset[str] = frozenset()  # every word of every column name
    value_words: frozenset[str] = frozenset()  # first words of indexed values ("leyton")
    #: every word of the indexed values, with the columns whose cells hold it
    cell_words: dict[str, set[Any]] = field(default_factory=dict)
    entity_words: frozenset[str] = frozenset()  # what id columns identify ("customer")

    def column(self, name: Any) -> ColumnInfo:
        return next(c for c in self.columns if c.name == name)


def read_numbers(series: pd.Series, scaled: bool, decimal_comma: bool = False) -> pd.Series:
    """Numbers written as text, read the way :func:`numbers_code` writes it in generated code."""
    if decimal_comma:
        raw = series.astype(str).str.replace(DECIMAL_COMMA_PATTERN, "", regex=True).str.replace(
            ",", ".", regex=False)
    else:
        raw = series.astype(str).str.replace(NUMERIC_TEXT_PATTERN, "", regex=True)
    if not scaled:
        return pd.to_numeric(raw, errors="coerce")
    raw = raw.str.upper()
    factor = raw.str[-1].map(SCALE_SUFFIXES).fillna(1)
    return pd.to_numeric(raw.str.rstrip("KMB"), errors="coerce") * factor


def numbers_code(ref: str, scaled: bool, decimal_comma: bool = False) -> list[str]:
    """Lines that replace the text column ``ref`` with its numbers (see :func:`read_numbers`)."""
    if decimal_comma:
        stripped = (f"{ref}.astype(str).str.replace(r\"{DECIMAL_COMMA_PATTERN}\", \"\", regex=True)"
                    ".str.replace(\",\", \".\", regex=False)")
    else:
        stripped = f"{ref}.astype(str).str.replace(r\"{NUMERIC_TEXT_PATTERN}\", \"\", regex=True)"
    if not scaled:
        return [f"{ref} = pd.to_numeric({stripped}, errors=\"coerce\")"]
    scales = "{" + ", ".join(f'"{k}": {int(v)}' for k, v in SCALE_SUFFIXES.items()) + "}"
    return [f"raw = {stripped}.str.upper()",
            f"{ref} = pd.to_numeric(raw.str.rstrip(\"KMB\"), errors=\"coerce\") * "
            f"raw.str[-1].map({scales}).fillna(1)"]


def names_entity(info: ColumnInfo) -> bool:
    """Whether a column identifies things ("Customer ID", "order_key"), unique or repeated."""
    return bool(set(info.words) & _ID_WORDS) and len(info.words) > 1


def dates_code(ref: str, dates: DateFormats) -> str:
    """An expression reading the text column ``ref`` as dates, as the profile read it: each
    format in turn (a column may mix "2024-03-05" and "05.03.2024"), never a guess per value
    (which takes "05.03.2024" for May)."""
    utc = ", utc=True" if dates.utc else ""
    reads = [f"pd.to_datetime({ref}, format=\"{fmt}\", errors=\"coerce\"{utc})"
             for fmt in dates.formats]
    return reads[0] + "".join(f".fillna(\n    {read})" for read in reads[1:])


def normalize_value(value: Any) -> str:
    """A cell value as matching sees it: lower case, no accents, words only, single spaces."""
    text = unicodedata.normalize("NFKD", str(value).lower())
    return " ".join(re.findall(r"[^\W_]+", _ACCENTS.sub("", text)))


_CACHE: dict[int, tuple[tuple[Any, ...], Schema]] = {}


def schema_of(df: pd.DataFrame) -> Schema:
    """The (cached) schema of ``df``."""
    key = id(df)
    fingerprint = (df.shape, tuple(map(str, df.columns)), tuple(map(str, df.dtypes)))
    cached = _CACHE.get(key)
    if cached is not None and cached[0] == fingerprint:
        return cached[1]
    schema = _build(df)
    if key not in _CACHE:
        weakref.finalize(df, _CACHE.pop, key, None)
    _CACHE[key] = (fingerprint, schema)
    return schema


def _build(df: pd.DataFrame) -> Schema:
    head = df.head(SAMPLE_SIZE)
    numbers = _number_stats(df, head)
    columns = [_describe(df.iloc[:, i], head.iloc[:, i], i, len(df), numbers)
               for i in range(df.shape[1])]
    schema = Schema(columns=columns, rows=len(df))
    for info in columns:
        if info.kind in ("text", "bool") and _indexable(df.iloc[:, info.position], info):
            _index_values(schema, info, df.iloc[:, info.position])
    schema.summary = _summary_rows(df, columns)
    schema.label_column = _label_column(columns)
    schema.column_words = frozenset(w for info in columns for w in info.words)
    schema.value_words = frozenset(key.split(" ", 1)[0] for key in schema.values)
    schema.entity_words = frozenset(w for info in columns if names_entity(info)
                                    for w in info.words if w not in _ID_WORDS and not w.isdigit())
    return schema


def _number_stats(df: pd.DataFrame, head: pd.DataFrame) -> dict[int, tuple[Any, ...]]:
    """(min, max, whole numbers?, distinct in the head) of every numeric column, computed
    column-block-wise: a frame of thousands of columns is described in one pass."""
    positions = [i for i, dtype in enumerate(df.dtypes)
                 if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_bool_dtype(dtype)]
    if not positions:
        return {}
    block, top = df.iloc[:, positions], head.iloc[:, positions]
    lows, highs = block.min().to_numpy(), block.max().to_numpy()
    whole = ((top % 1 == 0) | top.isna()).all().to_numpy()
    distinct = top.nunique().to_numpy()
    return {pos: (lows[k], highs[k], bool(whole[k]), int(distinct[k]))
            for k, pos in enumerate(positions)}


def _describe(series: pd.Series, head: pd.Series, position: int, rows: int,
              numbers: dict[int, tuple[Any, ...]]) -> ColumnInfo:
    info = ColumnInfo(name=series.name, position=position, kind="other",
                      words=split_name(str(series.name)))
    dtype = series.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        info.category = True
        dtype = dtype.categories.dtype
        series, head = series.astype(dtype), head.astype(dtype)
    if pd.api.types.is_bool_dtype(dtype):
        info.kind, info.true_value = "bool", True
    elif pd.api.types.is_datetime64_any_dtype(dtype):
        info.kind, info.tz = "date", isinstance(dtype, pd.DatetimeTZDtype)
    elif pd.api.types.is_timedelta64_dtype(dtype):
        info.kind = "duration"
    elif pd.api.types.is_numeric_dtype(dtype):
        stats = numbers.get(position) or (series.min(), series.max(), False, head.nunique())
        _describe_number(series, info, rows, stats)
    elif pd.api.types.is_string_dtype(dtype) or pd.api.types.is_object_dtype(dtype):
        _describe_text(series, head, info)
    if info.distinct is None and info.kind in ("number", "text", "bool"):
        info.distinct = int(head.nunique())
    info.unique_ratio = (info.distinct or 0) / max(1, min(rows, SAMPLE_SIZE))
    return info


def _describe_number(series: pd.Series, info: ColumnInfo, rows: int,
                     stats: tuple[Any, ...]) -> None:
    info.kind = "number"
    low, high, whole, distinct = stats
    info.distinct = distinct
    if pd.isna(low):
        return
    words = set(info.words)
    integral = pd.api.types.is_integer_dtype(series.dtype) or whole
    if low == 0 and high == 1 and integral and not words & _ID_WORDS:
        info.kind, info.true_value = "bool", 1
        return
    info.yearlike = bool(integral and low >= 1800 and high <= 2100
                         and words & (_YEAR_WORDS | _EVENT_WORDS))
    info.numbering = bool(integral and low in (0, 1) and distinct >= MIN_NUMBERS
                          and high - low + 1 == series.nunique() < series.count()
                          and series.dropna().is_monotonic_increasing)
    sequence = (pd.api.types.is_integer_dtype(series.dtype) and rows >= MIN_ID_ROWS
                and high - low == rows - 1 and series.is_monotonic_increasing
                and series.is_unique)
    info.is_id = bool(words & _ID_WORDS or info.words[:1] == ("unnamed",)
                      or (sequence and not info.yearlike))


def _describe_text(series: pd.Series, head: pd.Series, info: ColumnInfo) -> None:
    sample = head.dropna()
    if head.dtype == object:  # numbers beside blanks ("", 3, 4) are numbers written as text
        sample = sample[sample.map(lambda v: isinstance(v, (str, int, float))
                                   and not isinstance(v, bool))]
    if sample.empty:
        info.kind = "text" if len(head.dropna()) == 0 else "other"
        return
    text = sample.astype(str).str.strip()
    meaningful = text[~text.str.lower().isin(_PLACEHOLDERS)].head(TYPE_SAMPLE)
    if len(meaningful) and meaningful.str.match(_NUMERIC_TEXT).mean() >= 0.9:
        info.kind = "numtext"
        info.scaled = bool(meaningful.str.contains(_SCALED).any())
        info.decimal_comma = _decimal_comma(meaningful)
        info.yearlike = bool(set(info.words) & (_YEAR_WORDS | _EVENT_WORDS)) and bool(
            meaningful.str.match(r"(18|19|20)\d\d\b").all())  # "1943–1946, 1949" too
        return
    info.padded = bool((text != sample.astype(str)).any())
    info.median_words = float(text.head(TYPE_SAMPLE).str.count(r"\s+").median() + 1)
    if len(meaningful) and _is_duration_text(meaningful, info.words):
        info.kind = "durationtext"
        info.weeks = bool(meaningful.str.contains(r"\d\s*weeks?\b", case=False).any())
        return
    lowered = frozenset(text.str.lower().unique())
    for values, true_value in _BOOL_TEXT.items():
        if lowered and lowered <= values and len(lowered) == 2:
            info.kind, info.true_value = "bool", true_value
            return
    info.kind = "text"
    if meaningful.str.len().max() <= MAX_DATE_LENGTH and meaningful.str.contains(
            _DATE_HINT).mean() >= 0.9:
        dates = date_formats(pd.Series(meaningful.unique()), min_ratio=0.9)
        if dates.formats:
            info.kind, info.dates = "datetext", dates
    info.is_id = bool(set(info.words) & _ID_WORDS) and sample.nunique() >= 0.95 * len(sample)


def _decimal_comma(sample: pd.Series) -> bool:
    """Whether numbers are written the continental way: "1.200.000,50" or "12,5" anywhere, or
    euro amounts whose every dot is followed by three digits ("€52.000")."""
    if sample.str.contains(_DOTTED_THOUSANDS).any():
        return True
    dotted = sample[sample.str.contains(".", regex=False)]
    return bool(len(dotted)) and bool(sample.str.contains("€", regex=False).any()) and bool(
        dotted.str.match(_EURO_THOUSANDS).all())


def _is_duration_text(sample: pd.Series, words: tuple[str, ...]) -> bool:
    """Whether text reads as durations: "7 days", "3 hours" or "1:02:03" (hours, minutes,
    seconds) anywhere, "3:04.39" or "12:30" (minutes and seconds, or a clock?) only in a column
    whose name says duration."""
    if sample.str.match(SPELLED_DURATION).mean() >= DURATION_SHARE and not sample.str.fullmatch(
            r"\s*\d+(?:\.\d+)?\s*[hms]\s*", case=False).all():  # "7 days"; "5 m" may be metres
        return True
    if sample.str.match(_DURATION_TEXT).mean() < DURATION_SHARE:
        return False
    return bool(set(words) & _DURATION_WORDS) or bool(sample.str.count(":").ge(2).mean() >= (
        DURATION_SHARE))


def _indexable(series: pd.Series, info: ColumnInfo) -> bool:
    if info.distinct is not None and info.distinct > SAMPLE_SIZE // 2 and (
            len(series) > LARGE_FRAME):
        return False  # a high-cardinality column of a large frame: names, ids, free text
    info.distinct = int(series.nunique())
    return info.distinct <= VALUE_INDEX_MAX


def _index_values(schema: Schema, info: ColumnInfo, series: pd.Series) -> None:
    values = pd.Series(pd.unique(series.dropna()), dtype=object)
    text = values.astype(str)
    stripped = text.str.strip()
    if (stripped != text).any():  # index the trimmed values: the code trims the column too
        info.padded = True
        values = text = stripped.drop_duplicates()
    short = text.str.len() <= MAX_VALUE_LENGTH
    values, text = values[short], text[short]
    keys = _normalize_many(text)
    if not text.str.contains("://", regex=False).any():  # a link's words name nothing
        _index_items(schema, info, text)
        if keys.str.count(" ").median() < MAX_ITEM_WORDS:  # names and categories, not prose
            _index_words(schema, info, keys)
    bare = _normalize_many(text.str.replace(r"\(.*?\)|\[.*?\]", " ", regex=True))
    for value, key, key2 in zip(values.tolist(), keys.tolist(), bare.tolist(), strict=True):
        for k in {key, key2} - {""}:
            schema.values.setdefault(k, []).append((info.name, value))
        words = key.split()
        for size in range(1, min(len(words), MAX_PREFIX_WORDS + 1)):
            # most of the value, and not a short common word: "entire home" (home/apt)
            if 2 * size > len(words) and (size > 1 or len(words[0]) >= MIN_PREFIX_LENGTH):
                schema.prefixes.setdefault(" ".join(words[:size]), []).append((info.name, value))


def _index_items(schema: Schema, info: ColumnInfo, text: pd.Series) -> None:
    """Index the items of a column whose cells list several (a share of them at least
    :data:`LISTING_SHARE`); prose, whose cells or pieces are long, is not a list."""
    items = text.str.split(_ITEM_SEPARATORS).explode().str.strip()
    items = items[items.str.len() > 0]
    if len(items) < (1 + LISTING_SHARE) * len(text) or (
            items.str.count(" ").median() + 1 > MAX_ITEM_WORDS) or (
            text.str.count(" ").median() + 1 > MAX_LIST_WORDS):
        return
    info.listing = True
    items = items.drop_duplicates()
    keys = _normalize_many(items)
    for item, key in zip(items.tolist(), keys.tolist(), strict=True):
        if key and len(key.split()) <= MAX_ITEM_WORDS:
            schema.items.setdefault(key, []).append((info.name, item))
    _index_words(schema, info, keys)


def _index_words(schema: Schema, info: ColumnInfo, keys: pd.Series) -> None:
    """The words of a column's values that tell some rows from others: a word most values
    share ("Series" of every ``… Super Series`` title) picks out no rows."""
    counts = Counter(word for key in keys.tolist() for word in set(key.split()))
    for word, count in counts.items():
        if count <= COMMON_WORD_SHARE * len(keys):
            schema.cell_words.setdefault(word, set()).add(info.name)


#: what separates the items of a cell: a comma, a semicolon, a line break, "and", " & ", " / "
_ITEM_SEPARATORS = re.compile(r"\s*(?:[,;\n]|\s[/&]\s|\band\b)\s*")
LISTING_SHARE = 0.3  # the extra items per cell, on average, of a column that lists
MAX_ITEM_WORDS = 4
MAX_LIST_WORDS = 16  # longer cells are prose, whatever their commas
COMMON_WORD_SHARE = 0.5


def _normalize_many(text: pd.Series) -> pd.Series:
    """:func:`normalize_value` for many strings at once."""
    folded = text.str.lower().str.normalize("NFKD").str.replace(_ACCENTS.pattern, "", regex=True)
    return folded.str.replace(r"[\W_]+", " ", regex=True).str.strip()


def _summary_rows(df: pd.DataFrame, columns: list[ColumnInfo]) -> tuple[Any, Any] | None:
    """A text column (or dates written as text: "Jan 2023" … "Total") whose first row or one
    of its last two reads ``Total``, ``All places`` or the like."""
    if len(df) < 3:
        return None
    ends = pd.concat([df.head(1), df.tail(2)])
    for info in columns:
        if info.kind not in ("text", "datetext"):
            continue
        cells = ends.iloc[:, info.position].dropna().astype(str)
        lowered = cells.str.strip().str.lower()
        hits = cells[lowered.isin(SUMMARY_LABELS) | lowered.str.match(_SUMMARY_START)]
        if len(hits):
            return info.name, hits.iloc[-1]
    return None


def _label_column(columns: list[ColumnInfo]) -> Any:
    """The column that names a row (a name or title), used to answer "which …" questions."""
    texts = [c for c in columns
             if c.kind == "text" and not c.is_id and not set(c.words) & _TIME_WORDS]
    for info in texts:
        if set(info.words) & _LABEL_WORDS and info.unique_ratio >= 0.5:
            return info.name
    unique = [c for c in texts if c.unique_ratio >= 0.8]
    if unique:
        return unique[0].name
    return texts[0].name if texts else None
