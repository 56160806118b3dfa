"""load() for every format and every bad file, and column-name normalisation."""

from __future__ import annotations

import json
import tracemalloc
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyst_magics.config import get_settings
from analyst_magics.data_utils import load, new_column_names, normalize_column_names
from analyst_magics.errors import DataLoadError
from analyst_magics.readers import HEAD_BYTES, describe_binary, sniff_delimiter


@pytest.fixture
def table() -> pd.DataFrame:
    """Ints, floats with NaN, text with a comma, quote and accent, a repeated value."""
    return pd.DataFrame({
        "id": [1, 2, 3, 4],
        "Unit Price": [1.5, np.nan, 3.25, 1e6],
        "city": ["Paris", "S\u00e3o Paulo", 'say "hi", ok', "Paris"],
    })


def _same(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got.reset_index(drop=True), expected, check_dtype=False)
    assert [got[c].dtype.kind for c in got] == [expected[c].dtype.kind for c in expected]


# --- round trips -----------------------------------------------------------------------------

@pytest.mark.parametrize(("suffix", "sep"), [("csv", ","), ("csv", ";"), ("csv", "\t"),
                                             ("csv", "|"), ("tsv", "\t"), ("txt", "|"),
                                             ("txt", ";")])
def test_delimited_round_trip_with_sniffed_delimiter(tmp_path: Path, table: pd.DataFrame,
                                                     suffix: str, sep: str) -> None:
    path = tmp_path / f"data.{suffix}"
    table.to_csv(path, sep=sep, index=False)
    got = load(path)
    _same(got, table)
    assert got.attrs == {"name": "data", "source": str(path)}


@pytest.mark.parametrize("orient", ["records", "columns", "split", "lines", "envelope"])
def test_json_round_trip(tmp_path: Path, table: pd.DataFrame, orient: str) -> None:
    path = tmp_path / "data.json"
    if orient == "envelope":
        path.write_text(json.dumps({"data": table.to_dict(orient="records")}))
    else:
        options = {"index": False} if orient == "split" else {}
        table.to_json(path, orient="records" if orient == "lines" else orient,
                      lines=orient == "lines", **options)
    _same(load(path), table)


def test_json_records_are_flattened_and_may_differ(tmp_path: Path) -> None:
    path = tmp_path / "nested.json"
    path.write_text('[{"a": 1, "b": {"c": 2}}, {"a": 3, "d": "x"}]')
    got = load(path)
    assert got.columns.tolist() == ["a", "b.c", "d"] and got["a"].tolist() == [1, 3]


def test_excel_round_trip_and_sheets(tmp_path: Path, table: pd.DataFrame) -> None:
    path = tmp_path / "book.xlsx"
    with pd.ExcelWriter(path) as writer:
        table.to_excel(writer, sheet_name="first", index=False)
        table.head(2).to_excel(writer, sheet_name="second", index=False)
        pd.DataFrame().to_excel(writer, sheet_name="blank", index=False)
    _same(load(path), table)
    _same(load(path, sheet="second"), table.head(2))
    _same(load(path, sheet=1), table.head(2))
    with pytest.raises(DataLoadError, match=r"no sheet 'third'.*'first', 'second', 'blank'"):
        load(path, sheet="third")
    with pytest.raises(DataLoadError, match=r"no sheet 5.*from 0 to 2"):
        load(path, sheet=5)
    with pytest.raises(DataLoadError, match=r"sheet 'blank' is empty\. Choose another sheet"):
        load(path, sheet=2)


def test_parquet_round_trip_keeps_dtypes(tmp_path: Path, table: pd.DataFrame) -> None:
    path = tmp_path / "data.parquet"
    typed = table.assign(when=pd.date_range("2024-01-01", periods=4, tz="UTC"),
                         kind=pd.Categorical(["a", "b", "a", "b"]))
    typed.to_parquet(path)
    pd.testing.assert_frame_equal(load(path, name="typed"), typed)
    assert load(path, name="typed").attrs["name"] == "typed"


def test_every_frame_shape_survives_csv_and_parquet(tmp_path: Path, frame: pd.DataFrame) -> None:
    try:
        frame.to_parquet(tmp_path / "f.parquet")
    except ValueError:  # pyarrow cannot store a column of mixed Python types; CSV can
        assert frame.map(type).nunique().max() > 2
    else:
        pd.testing.assert_frame_equal(load(tmp_path / "f.parquet"), frame)
    frame.to_csv(tmp_path / "f.csv", index=False)
    got = load(tmp_path / "f.csv")
    assert got.shape == frame.shape and got.columns.tolist() == [str(c) for c in frame.columns]


# --- encodings and delimiters ----------------------------------------------------------------

@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "latin-1", "utf-16"])
def test_encodings_are_sniffed(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "people.csv"
    path.write_bytes("nom;ville\nRen\u00e9;Montr\u00e9al\nZo\u00eb;K\u00f6ln\n".encode(encoding))
    got = load(path)
    assert got.columns.tolist() == ["nom", "ville"]
    assert got["nom"].tolist() == ["Ren\u00e9", "Zo\u00eb"]


def test_non_utf8_bytes_past_the_sniffed_head_fall_back(tmp_path: Path) -> None:
    path = tmp_path / "late.csv"
    rows = "\n".join(["name,n"] + ["plain,1"] * (HEAD_BYTES // 8) + ["caf\u00e9 \u20ac,2"])
    path.write_bytes(rows.encode("cp1252"))
    assert load(path)["name"].iloc[-1] == "caf\u00e9 \u20ac"


def test_quoted_delimiters_do_not_fool_the_sniffer(tmp_path: Path) -> None:
    path = tmp_path / "quoted.csv"
    path.write_text('a;b\n"1,5";"x, y, z"\n"2,5";"p, q"\n')
    assert load(path).to_dict("list") == {"a": ["1,5", "2,5"], "b": ["x, y, z", "p, q"]}


@pytest.mark.parametrize(("sample", "expected"), [
    ("a,b,c\n1,2,3\n", ","), ("a;b\n1,5;2\n", ";"), ("a\tb\n1\t2\n", "\t"),
    ("a|b|c\n1|2|3\n", "|"), ("single\n1\n2\n", ","), ("", ","),
])
def test_sniff_delimiter(sample: str, expected: str) -> None:
    assert sniff_delimiter(sample) == expected


# --- awkward tables --------------------------------------------------------------------------

def test_header_only_file_gives_a_zero_row_frame(tmp_path: Path) -> None:
    path = tmp_path / "header.csv"
    path.write_text("region,revenue,date\n")
    got = load(path)
    assert got.shape == (0, 3) and got.columns.tolist() == ["region", "revenue", "date"]


def test_duplicate_column_names_get_pandas_suffixes(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("a,a,b,a\n1,2,3,4\n")
    got = load(path)
    assert got.columns.tolist() == ["a", "a.1", "b", "a.2"] and got.iloc[0].tolist() == [1, 2, 3, 4]


def test_mixed_type_column_is_kept_as_text(tmp_path: Path) -> None:
    path = tmp_path / "mixed.csv"
    path.write_text("m,n\n1,1\ntwo,2\n3.5,3\nTrue,4\n,5\n")
    got = load(path)
    assert got["m"].tolist()[:4] == ["1", "two", "3.5", "True"] and pd.isna(got["m"].iloc[4])
    assert got["n"].dtype.kind == "i"


def test_type_change_far_down_a_large_file_reads_in_one_piece(tmp_path: Path) -> None:
    path = tmp_path / "late_text.csv"
    pd.DataFrame({"a": [1.5] * 299_999 + ["x"], "b": 1}).to_csv(path, index=False)
    got = load(path)  # pandas' chunked default would warn (DtypeWarning) and mix types
    assert got["a"].iloc[-1] == "x" and got["a"].iloc[0] == "1.5"


@pytest.mark.parametrize("shape", [(1, 3), (5, 1), (3, 2000)])
def test_small_and_wide_csv(tmp_path: Path, shape: tuple[int, int]) -> None:
    rows, cols = shape
    frame = pd.DataFrame(np.arange(rows * cols).reshape(rows, cols),
                         columns=[f"c{i}" for i in range(cols)])
    frame.to_csv(tmp_path / "t.csv", index=False)
    pd.testing.assert_frame_equal(load(tmp_path / "t.csv"), frame)


# --- bad files -------------------------------------------------------------------------------

def _zip(path: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("hello.txt", "hello")
    return path


BAD_FILES = {
    "missing": (lambda d: d / "nope.csv", r"does not exist.*Check the path"),
    "directory": (lambda d: d, r"is a directory"),
    "xls": (lambda d: _write(d / "old.xls", b"\xd0\xcf\x11\xe0rest"),
            r"'\.xls' files are not supported.*\.csv.*\.parquet"),
    "no extension": (lambda d: _write(d / "README", b"a,b\n1,2\n"),
                     r"files without an extension are not supported"),
    "docx": (lambda d: _zip(d / "report.docx"), r"'\.docx' files are not supported"),
    "empty": (lambda d: _write(d / "empty.csv", b""), r"the file is empty"),
    "blank": (lambda d: _write(d / "blank.csv", b"\xef\xbb\xbf \n\n"), r"the file is empty"),
    "zip as csv": (lambda d: _zip(d / "book.csv"),
                   r"named \.csv but holds a zip archive.*rename it to \.xlsx"),
    "parquet as csv": (lambda d: _write(d / "p.csv", b"PAR1junk"),
                       r"holds a Parquet file.*rename it to \.parquet"),
    "binary as csv": (lambda d: _write(d / "b.csv", b"\x01\x02\x00\x03" * 10),
                      r"holds binary data.*Export the data as CSV"),
    "pdf as json": (lambda d: _write(d / "doc.json", b"%PDF-1.4"), r"holds a PDF document"),
    "text as xlsx": (lambda d: _write(d / "t.xlsx", b"a,b\n1,2\n"),
                     r"named \.xlsx but holds text.*rename it to \.csv"),
    "text as parquet": (lambda d: _write(d / "t.parquet", b"a,b\n"),
                        r"named \.parquet but holds text"),
    "xls as xlsx": (lambda d: _write(d / "old.xlsx", b"\xd0\xcf\x11\xe0" + b"\x00" * 20),
                    r"legacy Office file.*Export the data"),
    "zip as xlsx": (lambda d: _zip(d / "notbook.xlsx"), r"as Excel: .*export it again"),
    "broken parquet": (lambda d: _write(d / "broken.parquet", b"PAR1" + b"\x00" * 30),
                       r"as Parquet: .*valid Parquet file"),
    "invalid json": (lambda d: _write(d / "bad.json", b'{"a": 1,'),
                     r"not valid JSON \(.*line 1.*Fix the file"),
    "scalar json": (lambda d: _write(d / "s.json", b'"hello"'),
                    r"holds str \"hello\", not a table"),
    "empty json": (lambda d: _write(d / "e.json", b"[]"), r"holds list \[\], not a table"),
    "bad json lines": (lambda d: _write(d / "l.json", b'{"a": 1}\n{"a": \n'),
                       r"not valid JSON Lines"),
    "ragged csv": (lambda d: _write(d / "r.csv", b"a,b\n1,2,3\n"),
                   r"first data row has 3 fields but the header has 2"),
    "ragged later": (lambda d: _write(d / "r2.csv", b"a,b\n1,2\n1,2,3\n"),
                     r"as CSV: .*Expected 2 fields"),
}


def _write(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_files_raise_one_readable_error(tmp_path: Path, case: str) -> None:
    make, message = BAD_FILES[case]
    path = make(tmp_path)
    with pytest.raises(DataLoadError, match=message) as caught:
        load(path)
    assert str(path) in str(caught.value)
    assert caught.value.__cause__ is None  # no traceback from inside pandas behind it


@pytest.mark.parametrize("source", [None, 3, ["a.csv"], pd.DataFrame({"a": [1]})],
                         ids=lambda v: type(v).__name__)
def test_non_paths_are_refused(source: object) -> None:
    with pytest.raises(DataLoadError, match=r"load\(\) takes a file path \(str or pathlib\.Path\), "
                                            rf"got {type(source).__name__}\."):
        load(source)  # type: ignore[arg-type]


def test_sheet_is_refused_for_files_without_sheets(tmp_path: Path) -> None:
    with pytest.raises(DataLoadError, match=r"sheet='x'.*only \.xlsx"):
        load(_write(tmp_path / "a.csv", b"a\n1\n"), sheet="x")


def test_allowed_extensions_come_from_settings(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path / "a.json", b'[{"a": 1}]')
    monkeypatch.setenv("ANALYST_ALLOWED_EXTENSIONS", "csv,parquet")
    get_settings.cache_clear()
    try:
        with pytest.raises(DataLoadError, match=r"'\.json' files are not supported.*\.csv, "
                                                r"\.parquet \(or add it to ANALYST_ALLOWED"):
            load(path)
    finally:
        monkeypatch.delenv("ANALYST_ALLOWED_EXTENSIONS")
        get_settings.cache_clear()
    assert load(path)["a"].tolist() == [1]


def test_describe_binary() -> None:
    assert describe_binary(b"a,b\n") is None
    assert describe_binary("\ufeffa,b".encode("utf-16")) is None
    assert describe_binary(b"PAR1...") == "a Parquet file"


# --- column names --------------------------------------------------------------------------

def test_normalize_column_names_rules() -> None:
    mapping = normalize_column_names(
        ["Order Date", " Unit Price ($) ", "2024", "", "Caf\u00e9", "Unnamed: 5", "a--b", 7, None])
    assert mapping == {
        "Order Date": "order_date", " Unit Price ($) ": "unit_price", "2024": "col_2024",
        "": "unnamed_3", "Caf\u00e9": "cafe", "Unnamed: 5": "unnamed_5", "a--b": "a_b",
        "7": "col_7", "None": "none",
    }


def test_new_column_names_are_unique_even_against_existing_suffixes() -> None:
    names = new_column_names(["Price", "price", "price_2", "PRICE", "", ""])
    assert names == ["price", "price_3", "price_2", "price_4", "unnamed_4", "unnamed_5"]
    assert normalize_column_names(["a", "A"]) == {"a": "a", "A": "a_2"}
    assert normalize_column_names(["a", "a"]) == {"a": "a"}


@settings(max_examples=50, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=10), st.integers()), max_size=40))
def test_new_column_names_are_unique_identifiers(columns: list[object]) -> None:
    names = new_column_names(columns)
    assert len(names) == len(columns) and len(set(names)) == len(names)
    assert all(n and not n[0].isdigit() and n == n.lower() for n in names)
    assert all(n.replace("_", "a").isalnum() or n.isidentifier() for n in names)


@pytest.fixture
def narrow_limit(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setenv("ANALYST_MAX_COLUMNS", "50")
    get_settings.cache_clear()
    yield 50
    get_settings.cache_clear()


def _wide_files(directory: Path, columns: int) -> list[Path]:
    frame = pd.DataFrame([list(range(columns))], columns=[f"c{i}" for i in range(columns)])
    paths = [directory / f"wide.{ext}" for ext in ("csv", "tsv", "json", "parquet", "xlsx")]
    frame.to_csv(paths[0], index=False)
    frame.to_csv(paths[1], index=False, sep="\t")
    paths[2].write_text(frame.to_json(orient="records"))
    frame.to_parquet(paths[3])
    frame.to_excel(paths[4], index=False)
    return paths


def test_too_many_columns_are_refused_in_every_format(tmp_path: Path, narrow_limit: int) -> None:
    for path in _wide_files(tmp_path, narrow_limit + 1):
        with pytest.raises(DataLoadError, match=r"51 columns.*limit of 50 \(ANALYST_MAX_COLUMNS\)"):
            load(path)
    for path in _wide_files(tmp_path, narrow_limit):
        assert load(path).shape[1] == narrow_limit


def test_a_header_of_a_million_commas_is_refused_before_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "commas.csv"
    path.write_bytes(b"," * 1_000_000 + b"\n1\n")
    tracemalloc.start()
    try:
        with pytest.raises(DataLoadError, match="1,000,001 columns"):
            load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 50 * 2**20  # building the frame would take more than a gigabyte
