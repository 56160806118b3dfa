"""Phone numbers: international, North American, national with a trunk 0, national mobiles
of large countries, and any phone-shaped number after a word such as "phone".

Part of the recognisers of :mod:`analyst_magics.pii_recognizers`, in this order (the first to
claim digits keeps them). Layouts and country codes decide where they are unambiguous; where
a layout could as well be an amount, a code or a list of postal codes, the number counts only
after a phone word (:func:`~analyst_magics.pii_numbers.phone_context`). An extension that
follows ("x123", "ext. 12", "#4") is masked with its number.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .pii_numbers import (
    DIGITS,
    EXTENSION,
    EXTENSION_AT,
    ID_CONTEXT,
    NUMBER_END,
    NUMBER_START,
    Spans,
    Window,
    before,
    phone_context,
    whole,
    windows,
)

__all__ = ["CONTEXTUAL", "INTERNATIONAL", "MOBILE", "NANP", "NATIONAL", "contextual_spans",
           "international_spans", "mobile_spans", "nanp_spans", "national_spans"]

# ITU-T E.164 country calling codes in use
_COUNTRY_CODES = frozenset(map(str, (
    1, 7, 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, *range(43, 50), *range(51, 59),
    *range(60, 67), 81, 82, 84, 86, *range(90, 96), 98, 211, 212, 213, 216, 218,
    *range(220, 259), *range(260, 270), 290, 291, 297, 298, 299, *range(350, 360),
    *range(370, 384), 385, 386, 387, 389, 420, 421, 423, *range(500, 510), *range(590, 600),
    670, *range(672, 693), 800, 808, 850, 852, 853, 855, 856, 870, 878, *range(880, 884), 886,
    888, *range(960, 969), *range(970, 978), 979, *range(992, 997), 998)))
INTERNATIONAL = re.compile(
    r"(?<![^\W_])(?<!\+)(?<![\dA-Fa-f]{4}-)(?:\+ ?\(?|(?<!\d)(?<!\d[,.])00)(?=[1-9])"
    rf"[\d ().\-/]*{EXTENSION}?")
NANP = re.compile(
    rf"{NUMBER_START}(?<!\+)(?<!\d,)(1[ .\-]?)?(?:\(([2-9]\d\d)\) ?|([2-9]\d\d)([ .\-/]?))"
    rf"([2-9]\d\d)([ .\-]?)(\d{{4}}){EXTENSION}?{NUMBER_END}")
NATIONAL = re.compile(  # not after "12 " or "1,": a national number opens its digit run
    rf"{NUMBER_START}(?<!\+)(?<!\d )(?<!\d,)(?:\(0\d{{1,4}}\) ?|0)\d*(?:(?:[ .\-/]| / )\d+)*"
    rf"{EXTENSION}?")
# Mobile numbers written the national way in large countries: Brazil with its two-digit
# area code in brackets, China's 1[3-9]x-xxxx-xxxx (unbroken too, unless an identifier's),
# India's xxxxx xxxxx after a trunk 0 or 91 or after a word such as "mobile".
MOBILE = re.compile(
    rf"{NUMBER_START}(?<!\+)(?<!\d )(?<!\d,)(?:"
    r"\((?P<ddd>[1-9]{2})\) ?(?:9\d{4}|[2-5]\d{3})[ -]?\d{4}"
    r"|1[3-9]\d(?P<cn>[ -]?)\d{4}(?P=cn)\d{4}"
    r"|(?P<trunk>0|91[ -]?)?[6-9]\d{4}(?P<india>[ -]?)\d{5}"
    rf"){EXTENSION}?{NUMBER_END}")
# Any phone-shaped run of 7 to 15 digits: counted only after a phone word ("teléfono
# 912 345 678", "cell 333 123 4567", "phone 8 (495) 123-45-67", "phone: 447700900123").
CONTEXTUAL = re.compile(
    rf"{NUMBER_START}(?<!\d )(?<!\d,)\+?\(?\d[\d ().\-/]*\d\)?{EXTENSION}?{NUMBER_END}")
_ZIP_PLUS_4 = re.compile(r"\d{5}-\d{4}(?!\d)")  # "02235-2376" and "00965-8766" are no phones
_DATE = re.compile(r"\d{4}([-/.])\d{1,2}\1\d{1,2}$|\d{1,2}([-/.])\d{1,2}\2\d{2,4}$")
# a signed amount ("+45 678 901 €") or a coordinate ("+40.7128-074.0060") is no number to dial
_AMOUNT_AFTER = re.compile(
    r"\s?(?:[€$£¥₹₽%]|(?:EUR|USD|GBP|JPY|CHF|SEK|NOK|DKK|PLN|CZK|HUF|RON|kr|zł|Kč|Ft|lei)"
    r"(?![^\W_]))")
_COORDINATE = re.compile(r"\+?\d{1,3}\.\d{3,}[+-]\d")


def _seps_ok(seps: Sequence[str]) -> bool:
    """Separators people put inside a phone number: one of ' .-/', maybe with a parenthesis."""
    return all(len(sep) <= 3 and "  " not in sep and sep.count("(") <= 1
               and sep.count(")") <= 1 and sep.strip("()") in ("", " ", ".", "-", "/", " - ",
                                                                " / ")
               for sep in seps)


def _nanp_ok(national: str) -> bool:
    """North American numbers: NXX area code and exchange, neither a service code N11."""
    return (len(national) == 10 and national[0] not in "01" and national[3] not in "01"
            and national[1:3] != "11" and national[4:6] != "11")


def _is_international(window: Window) -> bool:
    groups = list(window.groups)
    for n in range(len(groups) - 1, 0, -1):  # "+44 (0)20 …": the bracketed trunk 0 is no digit
        if groups[n] == "0" and window.seps[n - 1].endswith("(") and (
                n == len(groups) - 1 or window.seps[n].startswith(")")):
            del groups[n]
    digits = "".join(groups)
    code = next((digits[:n] for n in (1, 2, 3) if digits[:n] in _COUNTRY_CODES), None)
    if code is None or not 8 <= len(digits) <= 15 or not _seps_ok(window.seps):
        return False
    return _nanp_ok(digits[1:]) if code == "1" else True


def _is_national(window: Window) -> bool:
    """A number with a trunk 0 ("09-7625400", "020 7946 0958", "01 42 68 53 00")."""
    digits, groups = window.digits, window.groups
    if digits[1] == "0" or not _seps_ok(window.seps):
        return False
    if len(groups) == 1:
        return phone_context(window.before)
    rest = groups[1:]
    if {len(group) for group in groups} == {5} and sum(g[0] == "0" for g in groups) > 1:
        return False  # "02139 02140 02141": a list of postal codes
    if not phone_context(window.before) and ID_CONTEXT.search(window.before):
        return False  # "Lot 0715 2931 8842", "Part no. 0612 3456 78"
    # a 3-2-4 layout is an SSN's, a 2-2-4 one a date's; pairs are French, Swiss, Belgian;
    # a lone digit is an ISBN's ("0-306-40615-2")
    return (2 <= len(groups[0]) <= 5 and min(map(len, rest)) >= 2
            and len(set(window.seps[1:])) <= 1) and (
        len(rest[0]) >= 3 or (len(rest) >= 4 and all(len(g) == 2 for g in rest)))


def nanp_spans(match: re.Match[str]) -> Spans:
    trunk, bracketed, area, sep1, exchange, sep2, line = match.groups()
    if not _nanp_ok((bracketed or area) + exchange + line):
        return []
    if area and sep2 and sep1 != sep2 and sep1 != "/":
        return []  # "682584 8607" and "594.614 2541" are no phone layouts; "425 8829090" is
    bare = not (bracketed or sep1 or sep2)
    return [] if bare and not phone_context(before(match.string, match.start())) \
        else whole(match)


def _with_extension(match: re.Match[str], spans: Spans) -> Spans:
    """The last span taken on to the end of an extension that follows it ("… x123")."""
    if spans:
        extension = EXTENSION_AT.match(match.group(), spans[-1][1])
        if extension:
            spans[-1] = (spans[-1][0], extension.end())
    return spans


def national_spans(match: re.Match[str]) -> Spans:
    if _ZIP_PLUS_4.match(match.group()):
        return []
    spans = windows(match, _is_national, digits=range(9, 13), anchored=True)
    if spans and match.group().startswith("("):  # "(030) 1234567": mask the bracket too
        spans[0] = (0, spans[0][1])
    return _with_extension(match, spans)


def mobile_spans(match: re.Match[str]) -> Spans:
    preceding = before(match.string, match.start())
    if match.group("ddd") or match.group("cn") or phone_context(preceding):
        return whole(match)
    if match.group("cn") is not None:  # eleven digits 1[3-9]…: a mobile, unless an id's
        return [] if ID_CONTEXT.search(preceding) else whole(match)
    grouped = match.group("india") and match.group("trunk") is not None
    return whole(match) if grouped else []


def international_spans(match: re.Match[str]) -> Spans:
    text = match.group()
    if _ZIP_PLUS_4.match(text) or _COORDINATE.match(match.string, match.start()):
        return []  # "00965-8766": a ZIP+4 code, not 00 965 …
    body = len(text) - len(text.lstrip("+ (0"))  # digits after the prefix
    spans = windows(match, _is_international, digits=range(8, 17), anchored=True, offset=body)
    if not spans or _AMOUNT_AFTER.match(match.string, match.start() + spans[0][1]):
        return []
    # dialled with 00, the country code stands alone ("0049 30 …"); "0049301234567" or
    # "00475286-7227" are identifiers
    dialled = text[:spans[0][1]]
    alone = DIGITS.match(dialled, 2)
    if dialled.startswith("00") and not (alone and alone.group() in _COUNTRY_CODES):
        return []
    return _with_extension(match, [(0, spans[0][1])])


def contextual_spans(match: re.Match[str]) -> Spans:
    if not phone_context(before(match.string, match.start())):
        return []
    text = match.group()
    extension = EXTENSION_AT.search(text)
    number = text[:extension.start()] if extension else text
    groups = DIGITS.findall(number)
    seps = re.split(r"\d+", number)[1:-1]
    digits = "".join(groups)
    if not 7 <= len(digits) <= 15 or not _seps_ok(seps) or _DATE.match(number):
        return []
    return whole(match)
