"""sanitize_text, find_pii and mask_pii: escaping, recognisers, evasions, every container type."""

from __future__ import annotations

import html
import time
import unicodedata

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from analyst_magics.errors import AnalystError
from analyst_magics.security import ELLIPSIS, PII_TYPES, find_pii, mask_pii, sanitize_text

# --------------------------------------------------------------------------- sanitize_text


@pytest.mark.parametrize(("text", "expected"), [
    ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
    ('<img src=x onerror="alert(\'x\')">',
     "&lt;img src=x onerror=&quot;alert(&#x27;x&#x27;)&quot;&gt;"),
    ("＜script＞", "&lt;script&gt;"),  # full-width look-alikes are normalised, then escaped
    ("Tom & Jerry", "Tom &amp; Jerry"),
])
def test_sanitize_escapes_markup(text: str, expected: str) -> None:
    assert sanitize_text(text) == expected


def test_sanitize_removes_control_and_invisible_characters() -> None:
    text = "a\x00b\x1b[31mc\u202ed\u200be\ufeff\x7f"
    assert sanitize_text(text) == "ab[31mcde"


def test_sanitize_keeps_each_value_on_one_line() -> None:
    forged = "bob\n2026-01-01 INFO admin logged in\r\n\tdone\u2028end"
    out = sanitize_text(forged)
    assert "\n" not in out and "\r" not in out and "\u2028" not in out
    assert out == "bob 2026-01-01 INFO admin logged in   done end"


@pytest.mark.parametrize("max_length", [1, 5, 50])
def test_sanitize_caps_length_with_an_ellipsis(max_length: int) -> None:
    out = sanitize_text("x" * 1000, max_length=max_length)
    assert len(out) == max_length and out.endswith(ELLIPSIS)
    assert sanitize_text("x" * max_length, max_length=max_length) == "x" * max_length


def test_sanitize_cuts_before_escaping_and_bounds_work_on_huge_input() -> None:
    out = sanitize_text("<" * 10, max_length=4)
    assert out == "&lt;&lt;&lt;" + ELLIPSIS  # never half an entity
    started = time.perf_counter()
    huge = sanitize_text("\u200b" * 5_000_000 + "tail", max_length=10)
    assert time.perf_counter() - started < 1.0
    assert huge == ELLIPSIS  # invisible characters removed; what was cut is marked


@pytest.mark.parametrize(("value", "expected"), [
    (42, "42"), (None, "None"), (3.5, "3.5"), (b"<b>", "b&#x27;&lt;b&gt;&#x27;"),
    (pd.Timestamp("2024-01-02"), "2024-01-02 00:00:00"),
])
def test_sanitize_accepts_any_object(value: object, expected: str) -> None:
    assert sanitize_text(value) == expected


@pytest.mark.parametrize("max_length", [0, -1, 2.5, True])
def test_sanitize_refuses_a_bad_length(max_length: object) -> None:
    with pytest.raises(AnalystError, match=r"max_length=…\) must be a positive whole number"):
        sanitize_text("x", max_length=max_length)  # type: ignore[arg-type]


@given(st.text())
def test_sanitize_output_never_holds_markup_or_line_breaks(text: str) -> None:
    out = sanitize_text(text, max_length=50)
    assert not set(out) & set("<>\"'\n\r\x00")
    assert len(html.unescape(out)) <= 50


# --------------------------------------------------------------------------- recognisers


@pytest.mark.parametrize(("text", "kind"), [
    ("mail jo.doe+tag@sub.example.co.uk now", "EMAIL_ADDRESS"),
    ("4111-1111-1111-1111", "CREDIT_CARD"),
    ("5105 1051 0510 5100", "CREDIT_CARD"),
    ("2223 0031 2200 3222", "CREDIT_CARD"),  # Mastercard 2-series
    ("3782 822463 10005", "CREDIT_CARD"),  # Amex 4-6-5
    ("122000000000003", "CREDIT_CARD"),  # UATP, 15 digits
    ("078.05.1123", "US_SSN"),
    ("ssn 078051121", "US_SSN"),
    ("gb29 nwbk 6016 1331 9268 19", "IBAN_CODE"),  # the checksum holds in any case
    ("GB29 NWBK 6016 1331 9268 19", "IBAN_CODE"),
    ("NL91ABNA0417164300", "IBAN_CODE"),
    ("+44 (0)20 7946 0958", "PHONE_NUMBER"),
    ("+91 98765 43210", "PHONE_NUMBER"),
    ("call 0049 30 1234567", "PHONE_NUMBER"),
    ("415.555.0132", "PHONE_NUMBER"),
    ("1-800-222-5678", "PHONE_NUMBER"),
    ("(030) 1234567", "PHONE_NUMBER"),
    ("01 42 68 53 00", "PHONE_NUMBER"),
    ("my phone number is 4258829090", "PHONE_NUMBER"),
    ("SSN-078-05-1123", "US_SSN"),
    ("card 4111111111111111/12", "CREDIT_CARD"),
    ("Diners 3056 930902 5904", "CREDIT_CARD"),
    ("(call me: (201) 765-7181)", "PHONE_NUMBER"),
    ("(02-6114139)", "PHONE_NUMBER"),
])
def test_each_entity_is_found(text: str, kind: str) -> None:
    found = find_pii(text)
    assert [match.type for match in found] == [kind]
    assert kind in PII_TYPES
    assert mask_pii(text).count(f"<{kind}>") == 1


@pytest.mark.parametrize("text", [
    "4111 1111 1111 1112",  # Luhn fails
    "1748503543012",  # millisecond timestamp: Luhn-valid, no issuer range
    "GB29 NWBK 6016 1331 9268 18",  # mod-97 fails
    "219099999", "id 219099999",  # nine bare digits are no SSN without the word
    "666-12-3456", "123-45-0000", "219-09-99990", "078-05-1120",
    "2024-03-15", "15.03.2024 10:30", "192.168.100.200", "v10.15.7", "release 2.31.0",
    "123e4567-e89b-12d3-a456-426614174000", "ISBN 0-306-40615-2", "total 1,234,567.89",
    "ZIP 94105-1804", "order 4258829090", "1 2 3 4 5 6 7 8 9 10 11 12 13 14",
    "icon@2x.png", "user@localhost", "DE89 3704 0044 0532 0130 01",
    "#50631789 113553.60",  # neighbouring numbers make no card
    "af65fa0f-0039-0009-4714-55967861bdd6", "00475286-7227-927d-8e5a-56df86273203",
    "58288258-8661-0913-a65e-0abfeac6907d", "0049301234567",
    "21:03 3863 3863", "72,449,046 5331 86302", "$69,007.00 02068-9505 247", "02235-2376 32",
    "00965-8766 234", "order 682584 8607", "1.594.614 2541", "43171-4216 9280 43171-4216",
])
def test_lookalikes_are_left_alone(text: str) -> None:
    assert find_pii(text) == []
    assert mask_pii(text) == text


def test_runs_hold_several_numbers() -> None:
    text = "phones 052 5552606 074-7111234; cards 4111 1111 1111 1111 2 times"
    assert [(m.type, m.value) for m in find_pii(text)] == [
        ("PHONE_NUMBER", "052 5552606"), ("PHONE_NUMBER", "074-7111234"),
        ("CREDIT_CARD", "4111 1111 1111 1111")]


def test_offsets_point_into_the_normalised_text() -> None:
    text = "ｃａｒｄ ４１１１ １１１１ １１１１ １１１１!"
    (match,) = find_pii(text)
    normal = unicodedata.normalize("NFKC", text)
    assert match == ("CREDIT_CARD", 5, 24, "4111 1111 1111 1111")
    assert normal[match.start:match.end] == match.value


@pytest.mark.parametrize(("text", "value"), [
    ("ann＠example.com", "ann@example.com"),
    ("a\u00adn\u200bn@exam\u200cple.com", "ann@example.com"),
    ("ann (at) example [dot] com", "ann"),
    ("4111\u00a01111\u00a01111\u00a01111", "4111"),
    ("078\u201305\u20131123", "1123"),
    ("٠٧٨-٠٥-١١٢٣", "1123"),  # Arabic-Indic digits
    ("+1\u202f415\u202f555\u202f0132", "0132"),
])
def test_evasions_are_masked_on_the_normalised_text(text: str, value: str) -> None:
    masked = mask_pii(text)
    assert find_pii(text)
    assert value not in masked and unicodedata.normalize("NFKC", text) not in masked


@pytest.mark.parametrize("text", [
    "a" * 200_000 + "@", "a." * 100_000 + "@x", "a@" + "b." * 100_000 + "1",
    "x@" + "a-b." * 50_000 + "-", "a (at) " * 30_000, "AB12" + " ABCD" * 50_000,
])
def test_hostile_text_is_scanned_quickly(text: str) -> None:
    started = time.perf_counter()
    find_pii(text)
    assert time.perf_counter() - started < 3  # a quadratic scan would take minutes


@pytest.mark.parametrize("unit", ["1 ", " 1", "-1", "4111 "])
def test_long_digit_runs_cost_linear_time(unit: str) -> None:
    def cost(repeats: int) -> float:
        text = ("+1" if unit == " 1" else "0") + unit * repeats
        started = time.perf_counter()
        find_pii(text)
        return time.perf_counter() - started

    small, large = min(cost(2_000) for _ in range(2)), min(cost(8_000) for _ in range(2))
    assert large < 8 * small + 0.05  # linear: about 4 times; quadratic: 16


# --------------------------------------------------------------------------- mask_pii on str


def test_placeholder_is_substituted_literally() -> None:
    text = "ann@example.com"
    assert mask_pii(text, placeholder="[{type}]") == "[EMAIL_ADDRESS]"
    assert mask_pii(text, placeholder="{0.__class__}") == "{0.__class__}"
    assert mask_pii(pd.Series([text]), placeholder=r"\1 {type}").tolist() == [r"\1 EMAIL_ADDRESS"]


@pytest.mark.parametrize("value", [5, None, ["ann@example.com"], b"ann@example.com"])
def test_mask_refuses_other_types(value: object) -> None:
    with pytest.raises(AnalystError, match=r"mask_pii\(\) takes a str, a pandas Series or a "):
        mask_pii(value)  # type: ignore[type-var]
    with pytest.raises(AnalystError, match="find_pii"):
        find_pii(value)  # type: ignore[arg-type]


def inert(text: str) -> bool:
    """No digit, '@' or bracket, even after normalisation: nothing a recogniser can start on."""
    normal = unicodedata.normalize("NFKC", text)
    return not any(char.isdigit() or char in "@([{<" for char in normal)


@settings(max_examples=100)
@given(st.text().filter(inert))
def test_text_without_digits_or_at_is_unchanged(text: str) -> None:
    assert mask_pii(text) == text
    assert mask_pii(pd.Series([text, text])).tolist() == [text, text]


_PIECES = st.sampled_from(["ann@example.com", "4111 1111 1111 1111", "078-05-1123", " ", "x",
                           "+1 415 555 0132", "DE89 3704 0044 0532 0130 00", "2024-03-15", "7",
                           "０", "\u200b", "(at)", "-", "."])


@settings(max_examples=60)
@given(st.lists(st.lists(_PIECES, max_size=6).map("".join), max_size=8))
def test_series_masking_matches_string_masking(texts: list[str]) -> None:
    series = pd.Series(texts, dtype=object)
    before = series.copy()
    assert mask_pii(series).tolist() == [mask_pii(text) for text in texts]
    pd.testing.assert_series_equal(series, before)


# --------------------------------------------------------------------------- Series, DataFrame


@pytest.mark.parametrize("dtype", [object, "str", "string", "category",
                                   pd.ArrowDtype(pa.large_string())])
def test_series_keeps_index_name_dtype_and_missing_values(dtype: object) -> None:
    series = pd.Series(["ann@example.com", None, "fine", "ann@example.com", "bo@x.org"],
                       index=pd.Index([10, 3, 7, 1, 5], name="row"), name="contact", dtype=dtype)
    before = series.copy()
    out = mask_pii(series)
    pd.testing.assert_series_equal(series, before)
    assert out.index.equals(series.index) and out.name == "contact"
    assert str(out.dtype) == str(series.dtype)  # a categorical's categories change, its kind not
    assert out.isna().tolist() == [False, True, False, False, False]
    assert out.dropna().astype(str).tolist() == ["<EMAIL_ADDRESS>", "fine", "<EMAIL_ADDRESS>",
                                                 "<EMAIL_ADDRESS>"]


def test_object_columns_mask_strings_and_nested_cells() -> None:
    cells = ["ann@example.com", 4111111111111111, 3.5, None, np.nan, ["ann@example.com"], True]
    out = mask_pii(pd.Series(cells, dtype=object))
    assert out.iloc[0] == "<EMAIL_ADDRESS>"
    assert out.iloc[1:].tolist()[:2] == cells[1:3] and out.iloc[5] == '["<EMAIL_ADDRESS>"]'
    assert out.iloc[3] is None and np.isnan(out.iloc[4]) and out.iloc[6] is True


def test_dataframe_masks_text_columns_and_headers_only() -> None:
    frame = pd.DataFrame({
        "email ann@example.com": ["ann@example.com", "call 415-555-0132"],
        "amount": [4111111111111111, 2],
        "when": pd.to_datetime(["2024-01-01", "2024-01-02"]),
        "kind": pd.Categorical(["078-05-1123", "plain"]),
    }, index=["a", "b"])
    before = frame.copy()
    out = mask_pii(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert list(out.columns) == ["email <EMAIL_ADDRESS>", "amount", "when", "kind"]
    assert out.dtypes.astype(str).tolist() == frame.dtypes.astype(str).tolist()
    assert out.index.equals(frame.index)
    assert out.iloc[:, 0].tolist() == ["<EMAIL_ADDRESS>", "call <PHONE_NUMBER>"]
    assert out["kind"].tolist() == ["<US_SSN>", "plain"]
    pd.testing.assert_series_equal(out["amount"], frame["amount"])
    assert list(mask_pii(frame, columns=False).columns) == list(frame.columns)


def test_dataframe_with_duplicate_and_multiindex_headers() -> None:
    duplicate = pd.DataFrame([["ann@example.com", "x"]], columns=["a@b.io", "a@b.io"])
    assert mask_pii(duplicate).columns.tolist() == ["<EMAIL_ADDRESS>"] * 2
    assert mask_pii(duplicate).iloc[0].tolist() == ["<EMAIL_ADDRESS>", "x"]
    columns = pd.MultiIndex.from_tuples([("ann@example.com", 1), ("plain", 2)])
    multi = pd.DataFrame([[1, 2]], columns=columns)
    assert mask_pii(multi).columns.tolist() == [("<EMAIL_ADDRESS>", 1), ("plain", 2)]


def test_every_data_shape_survives_unchanged(frame: pd.DataFrame) -> None:
    before = frame.copy()
    out = mask_pii(frame)
    pd.testing.assert_frame_equal(frame, before)
    pd.testing.assert_frame_equal(out, frame)
