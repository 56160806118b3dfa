"""Recognisers of personal data: a candidate regex each, then checks on every candidate.

Used through :mod:`analyst_magics.security`. Each recogniser has three parts:

- ``hint``: a cheap regex, valid in both Python and RE2, that a text must contain before the
  recogniser looks at it (run vectorised on Arrow strings for whole columns);
- ``pattern``: a linear-time regex for candidates (no nested quantifiers, anchored starts,
  so a hostile cell cannot make it backtrack);
- ``spans``: checks on one candidate (checksums, issuer ranges, registry lengths, grouping)
  that return the validated spans inside it; they run once per candidate, never per row.

Recognisers run in order and *tag* what they accept by overwriting it with a private
noncharacter of the same length (one per entity type), so offsets stay put and later
recognisers cannot claim the same characters. Checks follow Presidio's where it has them (SSN
invalidation, Luhn, mod-97) and are tighter where it over-matches (card issuer ranges, phone
layouts; bare digit runs count as phone numbers only after a word such as "phone").
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from functools import lru_cache, partial
from itertools import accumulate
from typing import NamedTuple

__all__ = ["ANY_HINT", "ENTITIES", "ENTITY_OF_TAG", "RECOGNISERS", "TAG_CLASS", "TAG_OF_ENTITY",
           "TAG_RUN", "Recogniser", "normalise", "tables", "tag"]

ENTITIES = ("EMAIL_ADDRESS", "IBAN_CODE", "CREDIT_CARD", "US_SSN", "PHONE_NUMBER")
# U+FDD0.. are noncharacters, reserved by Unicode for internal use and removed by normalise()
TAG_OF_ENTITY = {entity: chr(0xFDD0 + i) for i, entity in enumerate(ENTITIES)}
ENTITY_OF_TAG = {tag: entity for entity, tag in TAG_OF_ENTITY.items()}
TAG_CLASS = f"[{min(ENTITY_OF_TAG)}-{max(ENTITY_OF_TAG)}]"
TAG_RUN = re.compile(f"({TAG_CLASS})\\1*")
# Hints run in RE2 on whole columns, so they avoid \s, \d and lookarounds (pandas would fall
# back to Python's re); on normalised text [0-9] is \d.
_AT_HINT = r"(?i:[\[({<][^a-z0-9]*at[^a-z0-9]*[\])}>])"
# Anything that can hold PII: a digit, an '@', an obfuscated "(at)", or non-ASCII text that
# normalisation may turn into one of those.
ANY_HINT = re.compile(r"[0-9@]|[^\x00-\x7f]|(?i: at )|" + _AT_HINT)

Spans = list[tuple[int, int]]
# A number starts and ends at a word boundary, is not the tail or head of another number
# ("12-", "3.", "/7") and is not a group of a hyphenated code such as a UUID ("…c6f1-0039-…").
_NUMBER_START = r"(?<!\w)(?<!\d[.\-/:])(?<![\dA-Fa-f]{4}-)"
_NUMBER_END = r"(?!\w|[.\-/:]\d|-\w)"
_WORD_GOES_ON = re.compile(r"\w|-\w")
_DIGITS = re.compile(r"\d+")
# "DE89 3704 0044 …", "… TRAJ 0102 0000": digits that continue an IBAN-shaped run, or a run of
# four-character blocks with a capital letter in it, belong to that account or reference
# number, even when its checksum fails, and are no card or phone number of their own
_ACCOUNT_LEAD = re.compile(r"(?<![\w-])(?:[A-Za-z]{2} ?\d{2}(?: {0,2}[A-Za-z0-9]|-[A-Za-z0-9])"
                           r"{0,30}[ -]{0,2}|(?=[\dA-Z -]*[A-Z])(?:[\dA-Z]{4}[ -])+)$")
_CONTEXT_CHARS = 40
_PHONE_CONTEXT = re.compile(
    r"(?i)\b(?:(?:tele|cell|mobile|smart)?phones?|tel|mob|mobiles?|cell|fax|call(?:ed)?|contact|"
    r"whats ?app|sms|text|ring|dial|reach|telefone?|tel[eé]fono|celular|m[oó]vil|handy|mobil|"
    r"portable|手机|电话|联系)\b[^\d\n]{0,24}$")
# an extension glued on or written after the number: "…0132x123", "… ext. 12"
_EXTENSION = r"(?i:\s?(?:x|ext\.?|extn\.?|extension)\s?\d{1,6})"
_EXTENSION_AT = re.compile(_EXTENSION)


class Tables(NamedTuple):
    sanitize: dict[int, str | None]
    fold: dict[int, str | None]


@lru_cache(maxsize=1)
def tables() -> Tables:
    """``str.translate`` tables for sanitising and for PII normalisation, built once.

    Only planes 0-1 and 14 are scanned: the other planes hold no format, control, digit,
    dash or space characters, and scanning all 1.1 million code points takes a second.
    """
    sanitize: dict[int, str | None] = {}
    fold: dict[int, str | None] = {}
    for code in (*range(0x20000), *range(0xE0000, 0xE1000)):
        char = chr(code)
        kind = unicodedata.category(char)
        if kind in ("Cc", "Zl", "Zp"):
            sanitize[code] = " " if char.isspace() else None
        elif kind in ("Cf", "Cs") or 0xFDD0 <= code <= 0xFDEF:
            sanitize[code] = fold[code] = None
        elif code >= 0x80 and kind == "Nd":
            fold[code] = str(unicodedata.digit(char))
        elif code >= 0x80 and (kind == "Pd" or char == "\u2212"):
            fold[code] = "-"
        elif code >= 0x80 and kind == "Zs":
            fold[code] = " "
    return Tables(sanitize, fold)


def normalise(text: str) -> str:
    """NFKC, no invisible format characters, ASCII digits, dashes and spaces."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKC", text).translate(tables().fold)


class Recogniser(NamedTuple):
    entity: str
    hint: str
    pattern: re.Pattern[str]
    spans: Callable[[re.Match[str]], Spans]

    def tag(self, match: re.Match[str]) -> str:
        """The candidate with every accepted span overwritten by this entity's tag."""
        text, mark = match.group(), TAG_OF_ENTITY[self.entity]
        pieces, last = [], 0
        for start, end in self.spans(match):
            pieces += [text[last:start], mark * (end - start)]
            last = end
        pieces.append(text[last:])
        return "".join(pieces)


def tag(text: str) -> str:
    """Run every recogniser over ``text`` (already normalised), in order."""
    for recogniser in RECOGNISERS:
        if re.search(recogniser.hint, text):
            text = recogniser.pattern.sub(recogniser.tag, text)
    return text


# --------------------------------------------------------------------------- digit windows


class Window(NamedTuple):
    """Consecutive digit groups of a candidate, as a check sees them."""

    groups: tuple[str, ...]
    seps: tuple[str, ...]  # what stands between consecutive groups
    text: str  # the whole text, for context
    start: int  # where the window starts in it

    @property
    def digits(self) -> str:
        return "".join(self.groups)

    @property
    def before(self) -> str:
        return _before(self.text, self.start)


def _windows(match: re.Match[str], accept: Callable[[Window], bool], *, digits: range,
             anchored: bool = False, offset: int = 0) -> Spans:
    """Leftmost-longest runs of digit groups, ``digits`` long, that ``accept`` takes.

    A candidate such as ``4111 1111 1111 1111 2`` or ``052 5552606 074-7111234`` can hold
    several numbers, or one number and a stray digit; trying windows of groups finds them.
    ``anchored`` windows must start at the first group and follow each other.
    """
    text, full, origin = match.group(), match.string, match.start()
    if len(text) - offset < digits.start:
        return []  # too short to hold enough digits: most candidates end here
    bounds = [m.span() for m in _DIGITS.finditer(text, offset)]
    if bounds and not _ends_number(full, origin + bounds[-1][1]):
        bounds.pop()  # the run continues into a word ("123abc"): its last group is no number
    words = [text[a:b] for a, b in bounds]
    seps = [text[left[1]:right[0]] for left, right in zip(bounds, bounds[1:], strict=False)]
    ends = list(accumulate(map(len, words)))  # digits up to and including each group
    spans, i = [], 0
    while i < len(words) and ends[-1] - (ends[i - 1] if i else 0) >= digits.start:
        done, start = (ends[i - 1] if i else 0), origin + bounds[i][0]
        # a number never starts inside "43171-4216" or "1.5": only after a space
        glued = i and seps[i - 1] in (".", "-", "/")
        found = None if glued else next(
            (k for k in range(bisect_right(ends, done + digits.stop - 1),
                              bisect_left(ends, done + digits.start), -1)
             if accept(Window(tuple(words[i:k]), tuple(seps[i:k - 1]), full, start))), None)
        if found is not None and not _ACCOUNT_LEAD.search(_before(full, start)):
            spans.append((bounds[i][0], bounds[found - 1][1]))
            i = found
        elif anchored:
            break
        else:
            i += 1
    return spans


def _before(text: str, start: int) -> str:
    return text[max(0, start - _CONTEXT_CHARS):start]


def _ends_number(text: str, end: int) -> bool:
    return not _WORD_GOES_ON.match(text, end) or bool(_EXTENSION_AT.match(text, end))


# --------------------------------------------------------------------------- e-mail

_LOCAL_ATOM = r"[\w!#$%&'*+/=?^`{|}~-]"
# a dotted local part, or a quoted one ("john doe"@…), as RFC 5322 allows
_LOCAL = rf'(?:{_LOCAL_ATOM}+(?:\.{_LOCAL_ATOM}+)*|"(?:[^"\\\n]|\\.){{1,64}}")'
_OBFUSCATED = r"\s*[\[({<]\s*WORD\s*[\])}>]\s*"
_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
_TLD = r"(?:xn--[a-z0-9-]{1,59}|[^\W\d_]{2,63})"  # letters, or punycode (xn--p1ai)
_IP_LITERAL = r"\[(?:\d{1,3}(?:\.\d{1,3}){3}|IPv6:[0-9a-f:.]{2,45})\]"
_EMAIL = re.compile(
    rf"(?<![\w.!#$%&'*+/=?^`{{|}}~-]){_LOCAL}"
    rf"(?:\s?@\s?|{_OBFUSCATED.replace('WORD', 'at')})"
    rf"(?:{_IP_LITERAL}|(?:{_LABEL}(?:\.|{_OBFUSCATED.replace('WORD', 'dot')}))+"
    r"(?!(?:png|jpe?g|gif|svg|webp|ico|bmp|css|js|json|pdf|txt|csv)(?![\w-]))"  # icon@2x.png
    rf"{_TLD}(?![\w-]))",
    re.IGNORECASE)
# "john at example dot com": the words spelled out, ending in a top-level domain people use
_SPELLED_TLD = (r"(?:com|org|net|edu|gov|mil|int|info|biz|io|co|me|app|dev|ai|online|site|"
                r"email|mail|[a-z]{2})")
_NOT_A_NAME = (r"(?!(?:the|this|that|these|those|an?|my|your|our|his|her|their|its?|least|all|"
               r"once|first|last)\b)")  # "look at this dot com" names no mailbox
_SPELLED_EMAIL = re.compile(
    rf"(?<![\w.-]){_NOT_A_NAME}{_LOCAL_ATOM}+(?:\.{_LOCAL_ATOM}+)*\s+at\s+{_NOT_A_NAME}{_LABEL}"
    rf"(?:(?:\.|\s+dot\s+){_LABEL})*?(?:\.|\s+dot\s+){_SPELLED_TLD}(?![\w-])",
    re.IGNORECASE)


def _whole(match: re.Match[str]) -> Spans:
    return [(0, match.end() - match.start())]


# --------------------------------------------------------------------------- IBAN

# ISO 13616 lengths by country (SWIFT IBAN registry, plus the countries Presidio also accepts)
_IBAN_LENGTHS = {country: length for length, countries in {
    15: "NO", 16: "BE", 18: "DK FI FK FO GL NL SD", 19: "MK SI", 20: "AT BA EE KZ LT LU MN XK",
    21: "CH HR LI LV", 22: "BG BH CR DE GB GE IE ME RS VA", 23: "AE GI IL IQ OM SO TL",
    24: "AD CZ ES MD PK RO SA SE SK TN VG", 25: "AO CV LY MZ PT ST", 26: "DZ IR IS TR",
    27: "BI CM DJ FR GF GP GR IT MC MG MQ MR NC PF PM RE SM TF WF YT",
    28: "AL AZ BF BJ BY CI CY DO GT HN HU LB ML NI PL SN SV", 29: "BR EG PS QA UA",
    30: "JO KW MU YE", 31: "MT SC", 32: "LC", 33: "RU",
}.items() for country in countries.split()}
# ISO 13616 check: letters count as two digits, A = 10 … Z = 35
_IBAN_DIGITS = {ord(letter): str(value) for value, letter in enumerate(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZ", start=10)}
_IBAN_SEP = r"(?: {1,2}|-)?"
_IBAN_BODY = {length: re.compile(rf"(?:{_IBAN_SEP}[A-Z0-9]){{{length}}}", re.IGNORECASE)
              for length in set(_IBAN_LENGTHS.values())}
# in any case ("de89 3704 …"): the checksum, not the case, tells an account number
_IBAN = re.compile(rf"(?<![\w-])[A-Z]{{2}}{_IBAN_SEP}\d{{2}}(?:{_IBAN_SEP}[A-Z0-9]){{11,30}}",
                   re.IGNORECASE)


def _iban_spans(match: re.Match[str]) -> Spans:
    text = match.group()
    length = _IBAN_LENGTHS.get(text[:2].upper())
    body = length and _IBAN_BODY[length].match(text)
    if not body or not _ends_number(match.string, match.start() + body.end()):
        return []  # too short for its country, or runs on into letters or digits
    if {" ", "-"} <= set(body.group()):
        return []  # mixes separators
    compact = body.group().replace(" ", "").replace("-", "").upper()
    number = int((compact[4:] + compact[:4]).translate(_IBAN_DIGITS))
    return [(0, body.end())] if number % 97 == 1 else []


# --------------------------------------------------------------------------- payment cards

# (first four digits from, to, shortest, longest): issuer ranges of the card networks
_CARD_RANGES = (
    (1000, 1999, 15, 15),  # UATP (AirPlus); a 13-digit 1… is a millisecond timestamp
    (2200, 2204, 16, 19),  # Mir
    (2221, 2720, 16, 16),  # Mastercard 2-series
    (3000, 3059, 14, 19), (3095, 3095, 14, 19), (3600, 3699, 14, 19),  # Diners Club
    (3800, 3999, 14, 19),
    (3400, 3499, 15, 15), (3700, 3799, 15, 15),  # American Express
    (3528, 3589, 16, 19),  # JCB
    (4000, 4999, 13, 19),  # Visa
    (5000, 5999, 12, 19),  # Mastercard 51-55, Maestro 50 and 56-59
    (6000, 6999, 12, 19),  # Discover, UnionPay, Maestro, RuPay
)
_CARD_LENGTHS = {prefix: range(short, long + 1) for low, high, short, long in _CARD_RANGES
                 for prefix in range(low, high + 1)}
_CARD_RUN = re.compile(rf"{_NUMBER_START}(?<!\d )\d+(?:[ .\-]\d+)*")


_LUHN_DOUBLE = str.maketrans("0123456789", "0246813579")  # 2d, minus 9 when over 9


def _luhn(digits: str) -> bool:
    doubled = digits[-2::-2].translate(_LUHN_DOUBLE)
    return (sum(map(int, digits[::-2])) + sum(map(int, doubled))) % 10 == 0


def _is_card(window: Window) -> bool:
    digits = window.digits
    if len(digits) not in _CARD_LENGTHS.get(int(digits[:4]), ()) or len(set(window.seps)) > 1:
        return False
    return _card_layout(window.groups) and _luhn(digits)


def _card_layout(groups: Sequence[str]) -> bool:
    """One block, fours (4-4-4-4, 4-4-4-4-3, 4-4-4-1), 4-6-5 or 4-6-4, or digit by digit.

    Neighbouring numbers ("#50631789 113553", "4216 9280 43171") have none of these layouts.
    """
    sizes = [len(group) for group in groups]
    fours = len(sizes) >= 3 and set(sizes[:-1]) == {4} and sizes[-1] <= 4
    return len(sizes) == 1 or set(sizes) == {1} or fours or sizes in ([4, 6, 5], [4, 6, 4])


# --------------------------------------------------------------------------- US SSN

_SSN = re.compile(rf"{_NUMBER_START}(\d{{3}})([ .\-]?)(\d{{2}})\2(\d{{4}}){_NUMBER_END}")
# numbers the SSA never issued or published as examples (Presidio's invalidation list)
_SSN_SAMPLES = ("000", "666", "123456789", "98765432", "078051120")


# a 3-2-4 number after these is an identifier ("order #123-45-6789", "ORD-219-09-9999")
_ID_CONTEXT = re.compile(
    r"(?i:\b(?:order|invoice|inv|ref(?:erence)?|case|ticket|id|no|num|number|po|sku|"
    r"account|acct|tracking|confirmation|serial|part|item|zip|postal|code)\b[^\w\n]{0,3}"
    r"|#\s?)$|\b[A-Z]{2,}-$")
_SSN_CONTEXT = re.compile(
    r"(?i)\b(?:ssn|ss ?#|ss no|social(?: security)?|soc\.? ?sec\.?|sec(?:urity)? (?:no|num)|"
    r"taxpayer|tax ?id|i?tin)\b[^\d\n]{0,24}$")


def _ssn_spans(match: re.Match[str]) -> Spans:
    area, separator, group, serial = match.groups()
    digits = area + group + serial
    if (len(set(digits)) == 1 or group == "00" or serial == "0000"
            or digits.startswith(_SSN_SAMPLES)):
        return []
    before = _before(match.string, match.start())
    if _SSN_CONTEXT.search(before):
        return _whole(match)
    # nine bare digits are an SSN only when the text says so; a grouped one unless it is an
    # identifier's
    return [] if not separator or _ID_CONTEXT.search(before) else _whole(match)


# --------------------------------------------------------------------------- phone numbers

# ITU-T E.164 country calling codes in use
_COUNTRY_CODES = frozenset(map(str, (
    1, 7, 20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, *range(43, 50), *range(51, 59),
    *range(60, 67), 81, 82, 84, 86, *range(90, 96), 98, 211, 212, 213, 216, 218,
    *range(220, 259), *range(260, 270), 290, 291, 297, 298, 299, *range(350, 360),
    *range(370, 384), 385, 386, 387, 389, 420, 421, 423, *range(500, 510), *range(590, 600),
    670, *range(672, 693), 800, 808, 850, 852, 853, 855, 856, 870, 878, *range(880, 884), 886,
    888, *range(960, 969), *range(970, 978), 979, *range(992, 997), 998)))
_INTERNATIONAL = re.compile(
    r"(?<![\w+])(?<![\dA-Fa-f]{4}-)(?:\+ ?\(?|(?<!\d)(?<!\d[,.])00)(?=[1-9])[\d ().\-/]*"
    rf"{_EXTENSION}?")
_NANP = re.compile(
    rf"{_NUMBER_START}(?<!\+)(?<!\d,)(1[ .\-]?)?(?:\(([2-9]\d\d)\) ?|([2-9]\d\d)([ .\-]?))"
    rf"([2-9]\d\d)([ .\-]?)(\d{{4}}){_EXTENSION}?{_NUMBER_END}")
_NATIONAL = re.compile(  # not after "12 " or "1,": a national number opens its digit run
    rf"{_NUMBER_START}(?<!\+)(?<!\d )(?<!\d,)(?:\(0\d{{1,4}}\) ?|0)\d*(?:[ .\-/]\d+)*"
    rf"{_EXTENSION}?")
# Mobile numbers written the national way in large countries: Brazil with its two-digit
# area code in brackets, China's 1[3-9]x-xxxx-xxxx (unbroken too, unless an identifier's),
# India's xxxxx xxxxx after a trunk 0 or 91 or after a word such as "mobile".
_MOBILE = re.compile(
    rf"{_NUMBER_START}(?<!\+)(?<!\d )(?<!\d,)(?:"
    r"\((?P<ddd>[1-9]{2})\) ?(?:9\d{4}|[2-5]\d{3})[ -]?\d{4}"
    r"|1[3-9]\d(?P<cn>[ -]?)\d{4}(?P=cn)\d{4}"
    r"|(?P<trunk>0|91[ -]?)?[6-9]\d{4}(?P<india>[ -]?)\d{5}"
    rf"){_EXTENSION}?{_NUMBER_END}")


_ZIP_PLUS_4 = re.compile(r"\d{5}-\d{4}(?!\d)")  # "02235-2376" and "00965-8766" are no phones


def _seps_ok(seps: Sequence[str]) -> bool:
    """Separators people put inside a phone number: one of ' .-/', maybe with a parenthesis."""
    return all(len(sep) <= 3 and "  " not in sep and sep.count("(") <= 1
               and sep.count(")") <= 1 and sep.strip("()") in ("", " ", ".", "-", "/", " - ")
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
        return bool(_PHONE_CONTEXT.search(window.before))
    rest = groups[1:]
    # a 3-2-4 layout is an SSN's, a 2-2-4 one a date's; pairs are French, Swiss, Belgian;
    # a lone digit is an ISBN's ("0-306-40615-2")
    return (2 <= len(groups[0]) <= 5 and min(map(len, rest)) >= 2
            and len(set(window.seps[1:])) <= 1) and (
        len(rest[0]) >= 3 or (len(rest) >= 4 and all(len(g) == 2 for g in rest)))


def _nanp_spans(match: re.Match[str]) -> Spans:
    trunk, bracketed, area, sep1, exchange, sep2, line = match.groups()
    if not _nanp_ok((bracketed or area) + exchange + line):
        return []
    if area and sep2 and sep1 != sep2:
        return []  # "682584 8607" and "594.614 2541" are no phone layouts; "425 8829090" is
    bare = not (bracketed or sep1 or sep2)
    context = _PHONE_CONTEXT.search(_before(match.string, match.start()))
    return [] if bare and not context else _whole(match)


def _with_extension(match: re.Match[str], spans: Spans) -> Spans:
    """The last span taken on to the end of an extension that follows it ("… x123")."""
    if spans:
        extension = _EXTENSION_AT.match(match.group(), spans[-1][1])
        if extension:
            spans[-1] = (spans[-1][0], extension.end())
    return spans


def _national_spans(match: re.Match[str]) -> Spans:
    if _ZIP_PLUS_4.match(match.group()):
        return []
    spans = _windows(match, _is_national, digits=range(9, 13), anchored=True)
    if spans and match.group().startswith("("):  # "(030) 1234567": mask the bracket too
        spans[0] = (0, spans[0][1])
    return _with_extension(match, spans)


def _mobile_spans(match: re.Match[str]) -> Spans:
    before = _before(match.string, match.start())
    if match.group("ddd") or match.group("cn") or _PHONE_CONTEXT.search(before):
        return _whole(match)
    if match.group("cn") is not None:  # eleven digits 1[3-9]…: a mobile, unless an id's
        return [] if _ID_CONTEXT.search(before) else _whole(match)
    grouped = match.group("india") and match.group("trunk") is not None
    return _whole(match) if grouped else []


def _international_spans(match: re.Match[str]) -> Spans:
    if _ZIP_PLUS_4.match(match.group()):
        return []  # "00965-8766": a ZIP+4 code, not 00 965 …
    body = len(match.group()) - len(match.group().lstrip("+ (0"))  # digits after the prefix
    spans = _windows(match, _is_international, digits=range(8, 17), anchored=True, offset=body)
    if not spans:
        return []
    # dialled with 00, the country code stands alone ("0049 30 …"); "0049301234567" or
    # "00475286-7227" are identifiers
    dialled = match.group()[:spans[0][1]]
    alone = _DIGITS.match(dialled, 2)
    if dialled.startswith("00") and not (alone and alone.group() in _COUNTRY_CODES):
        return []
    return _with_extension(match, [(0, spans[0][1])])


# --------------------------------------------------------------------------- the order

RECOGNISERS = (
    Recogniser("EMAIL_ADDRESS", "@|" + _AT_HINT, _EMAIL, _whole),
    Recogniser("EMAIL_ADDRESS", r"(?i: at .*[ .])", _SPELLED_EMAIL, _whole),
    Recogniser("IBAN_CODE", r"(?i:[a-z]{2} {0,2}[0-9]{2})", _IBAN, _iban_spans),
    Recogniser("CREDIT_CARD", r"[0-9](?:[ .\-]?[0-9]){12}", _CARD_RUN,
               partial(_windows, accept=_is_card, digits=range(13, 20))),
    Recogniser("US_SSN", r"[0-9]{3}[ .\-]?[0-9]{2}[ .\-]?[0-9]{4}", _SSN, _ssn_spans),
    Recogniser("PHONE_NUMBER", r"(?:\+|00) ?\(?[1-9]", _INTERNATIONAL, _international_spans),
    Recogniser("PHONE_NUMBER", r"[0-9]{3}\)?[ .\-]?[0-9]{3}[ .\-]?[0-9]{4}", _NANP, _nanp_spans),
    Recogniser("PHONE_NUMBER", r"[0-9]{4}[ -]?[0-9]{4}", _MOBILE, _mobile_spans),
    Recogniser("PHONE_NUMBER", r"0[1-9]", _NATIONAL, _national_spans),
)
