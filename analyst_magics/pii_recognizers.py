"""Recognisers of personal data: a candidate regex each, then checks on every candidate.

Used through :mod:`analyst_magics.security`. Each recogniser has three parts:

- ``hint``: a cheap regex, valid in both Python and RE2, that a text must contain before the
  recogniser looks at it (run vectorised on Arrow strings for whole columns);
- ``pattern``: a linear-time regex for candidates (no nested quantifiers, anchored starts,
  so a hostile cell cannot make it backtrack);
- ``spans``: checks on one candidate (checksums, issuer ranges, registry lengths, grouping,
  the words before it) that return the validated spans inside it; they run once per
  candidate, never per row.

Recognisers run in order and *tag* what they accept by overwriting it with a private
noncharacter of the same length (one per entity type), so offsets stay put and later
recognisers cannot claim the same characters. E-mail addresses and IBANs are here; numbers
(cards, SSNs, the context words before a number) are in :mod:`analyst_magics.pii_numbers`,
phone numbers in :mod:`analyst_magics.pii_phones`. Checks follow Presidio's where it has them
(SSN invalidation, Luhn, mod-97) and are tighter where it over-matches (card issuer ranges,
phone layouts; bare digit runs count as phone numbers or SSNs only after a word that says so).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import NamedTuple

from . import pii_numbers as numbers
from . import pii_phones as phones
from .pii_numbers import Spans, whole

__all__ = ["ANY_HINT", "AT_SPELLINGS", "ENTITIES", "ENTITY_OF_TAG", "RECOGNISERS", "TAG_CLASS",
           "TAG_OF_ENTITY", "TAG_RUN", "Recogniser", "normalise", "tables", "tag"]

ENTITIES = ("EMAIL_ADDRESS", "IBAN_CODE", "CREDIT_CARD", "US_SSN", "PHONE_NUMBER")
# U+FDD0.. are noncharacters, reserved by Unicode for internal use and removed by normalise()
TAG_OF_ENTITY = {entity: chr(0xFDD0 + i) for i, entity in enumerate(ENTITIES)}
ENTITY_OF_TAG = {tag: entity for entity, tag in TAG_OF_ENTITY.items()}
TAG_CLASS = f"[{min(ENTITY_OF_TAG)}-{max(ENTITY_OF_TAG)}]"
TAG_RUN = re.compile(f"({TAG_CLASS})\\1*")
# Hints run in RE2 on whole columns, so they avoid \s, \d and lookarounds (pandas would fall
# back to Python's re); on normalised text [0-9] is \d.
_AT_HINT = r"(?i:[\[({<][^a-z0-9]*at[^a-z0-9]*[\])}>])"
#: '@' as URLs and HTML write it ("ann%40example.com", "ann&#64;example.com").
AT_SPELLINGS = re.compile(r"(?i:%40|&#0*64;|&#x0*40;|&commat;)")
# Anything that can hold PII: a digit, an '@' however written, an "at" that may be spelled out,
# or non-ASCII text that normalisation may turn into one of those.
ANY_HINT = re.compile(r"[0-9@]|[^\x00-\x7f]|(?i: at |&commat;)|" + _AT_HINT)


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
    fold[0x3002] = fold[0xFF61] = "."  # ideographic full stops, as in "ann@example。com"
    return Tables(sanitize, fold)


def normalise(text: str) -> str:
    """NFKC, no invisible format characters, ASCII digits, dashes, spaces and full stops, and
    '@' however it is written."""
    if "%" in text or "&" in text:
        text = AT_SPELLINGS.sub("@", text)
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


# --------------------------------------------------------------------------- e-mail

_LOCAL_ATOM = r"[\w!#$%&'*+/=?^`{|}~-]"
_OBFUSCATED = r"\s*[\[({<]\s*WORD\s*[\])}>]\s*"
_DOT = rf"(?:\.|\s\.\s|{_OBFUSCATED.replace('WORD', 'dot')})"  # ".", " . ", "(dot)"
# a dotted local part (dots written as ".", "(dot)"...), or a quoted one ("john doe"@…), as
# RFC 5322 allows
_LOCAL = (rf'(?:{_LOCAL_ATOM}+(?:(?:\.|{_OBFUSCATED.replace("WORD", "dot")}){_LOCAL_ATOM}+)*'
          rf'|"(?:[^"\\\n]|\\.){{1,64}}")')
_LABEL = r"[^\W_](?:[\w-]*[^\W_])?"
_TLD = r"(?:xn--[a-z0-9-]{1,59}|[^\W\d_]{2,63})"  # letters, or punycode (xn--p1ai)
_IP_LITERAL = r"\[(?:\d{1,3}(?:\.\d{1,3}){3}|IPv6:[0-9a-f:.]{2,45})\]"
_EMAIL = re.compile(
    rf"(?<![\w.!#$%&'*+/=?^`{{|}}~-]){_LOCAL}"
    rf"(?:\s?@\s?|{_OBFUSCATED.replace('WORD', 'at')})"
    rf"(?:{_IP_LITERAL}|(?:{_LABEL}{_DOT})+"
    r"(?!(?:png|jpe?g|gif|svg|webp|ico|bmp|css|js|json|pdf|txt|csv)(?![\w-]))"  # icon@2x.png
    rf"{_TLD}(?![\w-]))",
    re.IGNORECASE)
# "john at example dot com": the words spelled out, ending in a top-level domain people use
_SPELLED_TLD = (r"(?:com|org|net|edu|gov|mil|int|info|biz|io|co|me|app|dev|ai|online|site|"
                r"email|mail|[a-z]{2})")
_NOT_A_NAME = (r"(?!(?:the|this|that|these|those|an?|my|your|our|his|her|their|its?|least|all|"
               r"once|first|last)\b)")  # "look at this dot com" names no mailbox
_SPELLED_EMAIL = re.compile(
    rf"(?<![\w.-]){_NOT_A_NAME}{_LOCAL_ATOM}+(?:(?:\.|\s+dot\s+){_LOCAL_ATOM}+)*?\s+at\s+"
    rf"{_NOT_A_NAME}{_LABEL}"
    rf"(?:(?:\.|\s+dot\s+){_LABEL})*?(?:\.|\s+dot\s+){_SPELLED_TLD}(?![\w-])",
    re.IGNORECASE)


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
_IBAN_SEP = r"(?:[ \t]{1,2}|[\n.-])?"
_IBAN_BODY = {length: re.compile(rf"(?:{_IBAN_SEP}[A-Z0-9]){{{length}}}", re.IGNORECASE)
              for length in set(_IBAN_LENGTHS.values())}
# in any case ("de89 3704 …"): the checksum, not the case, tells an account number
_IBAN = re.compile(rf"(?<![^\W_]|-)[A-Z]{{2}}{_IBAN_SEP}\d{{2}}(?:{_IBAN_SEP}[A-Z0-9]){{11,30}}",
                   re.IGNORECASE)


def _iban_spans(match: re.Match[str]) -> Spans:
    text = match.group()
    length = _IBAN_LENGTHS.get(text[:2].upper())
    body = length and _IBAN_BODY[length].match(text)
    end = match.start() + (body.end() if body else 0)
    if not body or match.string[end:end + 1].isdigit():
        return []  # too short for its country, or runs on into more digits
    separators = set(body.group()) & set(" \t\n.-")
    if len(separators - set(" \t\n")) > 1 or (separators & set(".-") and separators - set(".-")):
        return []  # mixes separators ("DE89 3704-0044…"); whitespace of any kind is one
    compact = re.sub(r"[ \t\n.-]", "", body.group()).upper()
    number = int((compact[4:] + compact[:4]).translate(_IBAN_DIGITS))
    return [(0, body.end())] if number % 97 == 1 else []


# --------------------------------------------------------------------------- the order

RECOGNISERS = (
    Recogniser("EMAIL_ADDRESS", "@|" + _AT_HINT, _EMAIL, whole),
    Recogniser("EMAIL_ADDRESS", r"(?i: at .*[ .])", _SPELLED_EMAIL, whole),
    Recogniser("IBAN_CODE", r"(?i:[a-z]{2}[ \t\n.-]{0,2}[0-9]{2})", _IBAN, _iban_spans),
    Recogniser("CREDIT_CARD", numbers.CARD_HINT, numbers.CARD_RUN, numbers.card_spans),
    Recogniser("US_SSN", numbers.SSN_HINT, numbers.SSN, numbers.ssn_spans),
    Recogniser("US_SSN", r"[0-9]{7}", numbers.SSN_SHORT, numbers.short_ssn_spans),
    Recogniser("PHONE_NUMBER", r"(?:\+|00) ?\(?[1-9]", phones.INTERNATIONAL,
               phones.international_spans),
    Recogniser("PHONE_NUMBER", r"[0-9]{3}\)?[ .\-/]?[0-9]{3}[ .\-]?[0-9]{4}", phones.NANP,
               phones.nanp_spans),
    Recogniser("PHONE_NUMBER", r"[0-9]{4}[ -]?[0-9]{4}", phones.MOBILE, phones.mobile_spans),
    Recogniser("PHONE_NUMBER", r"0[1-9]", phones.NATIONAL, phones.national_spans),
    Recogniser("PHONE_NUMBER", r"[0-9]{2}", phones.CONTEXTUAL, phones.contextual_spans),
)
