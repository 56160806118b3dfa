"""Numbers in text: where one starts and ends, the words before it, payment cards and SSNs.

Part of the recognisers of :mod:`analyst_magics.pii_recognizers` (which runs them in order);
phone numbers are in :mod:`analyst_magics.pii_phones`. A number is a run of digit groups. It
starts and ends at a boundary: not inside a word or another number ("12-", "3.", "/7"), not
in a hyphenated code such as a UUID; an underscore counts as a separator
("refund_4111…", "tel_0612…"). What stands before it, up to :data:`CONTEXT_CHARS`
characters, is its context: words that say what it is ("phone", "SSN", "card") or that it is
an identifier ("order", "invoice", "#", "Lot"); the nearest decides.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate
from typing import NamedTuple

__all__ = ["CARD_HINT", "CARD_RUN", "CONTEXT_CHARS", "DIGITS", "EXTENSION", "EXTENSION_AT",
           "ID_CONTEXT", "NUMBER_END", "NUMBER_START", "SSN", "SSN_HINT", "SSN_SHORT", "Spans",
           "Window", "before", "card_spans", "context", "ends_number", "phone_context",
           "short_ssn_spans", "ssn_spans", "whole", "windows"]

Spans = list[tuple[int, int]]
#: Characters before a number that are read for its context.
CONTEXT_CHARS = 40
_LETTER = r"[^\W\d_]"
NUMBER_START = r"(?<![^\W_])(?<!\d[.\-/:])(?<![\dA-Fa-f]{4}-)"
NUMBER_END = r"(?![^\W_]|[.\-/:]\d|-\w)"
_WORD_GOES_ON = re.compile(r"[^\W_]|-\w")
DIGITS = re.compile(r"\d+")
# an extension glued on or written after a phone number: "…0132x123", "… ext. 12", "(ext 4)"
EXTENSION = r"(?i:\s?\(?(?:x|ext\.?|extn\.?|extension|#)\s?\d{1,6}\)?)"
EXTENSION_AT = re.compile(EXTENSION)
# "DE89 3704 0044 …", "… TRAJ 0102 0000": digits that continue an IBAN-shaped run, or a run of
# four-character blocks with a capital letter and a digit in it, belong to that account or
# reference number, even when its checksum fails, and are no card or phone number of their own
_ACCOUNT_LEAD = re.compile(
    r"(?<![\w-])(?:[A-Za-z]{2} ?\d{2}(?: {0,2}[A-Za-z0-9]|-[A-Za-z0-9]){0,30}[ -]{0,2}"
    r"|(?=[\dA-Z -]*[A-Z])(?=[\dA-Z -]*\d)(?:[\dA-Z]{4}[ -])+)$")


def context(words: str) -> re.Pattern[str]:
    """Words (alternatives of a regex, with any ending) that stand just before a number."""
    return re.compile(rf"(?i)(?<![^\W_])(?:{words}){_LETTER}*(?![^\W_])[^\d\n]{{0,24}}$")


PHONE_CONTEXT = context(
    r"phon|tel|t[ée]l|mob|cell|celu|fax|call|contact|whats ?app|sms|text|ring|dial|reach|"
    r"m[oó]vil|handy|fon|ruf|msisdn|portable|numero de t|携帯|電話|手机|电话|联系|전화|телефон|"
    r"телеф|моб")
# what an identifier is called: the number after it is no phone, SSN or card of anyone's
_ID_WORDS = (r"order|invoice|inv|ref(?:erence)?|case|ticket|id|po|sku|account|acct|tracking|"
             r"confirmation|serial|part|item|zip|postal|code|lot|batch|imei|imsi|iccid|meid")
ID_CONTEXT = re.compile(
    rf"(?i:(?<![^\W_])(?:{_ID_WORDS}|no|num|number|[a-z]*nr)(?![^\W_])[^\w\n]{{0,3}}|#\s?)$"
    r"|(?<![^\W_])[A-Z]{2,}-$")
# after a phone word only these say "identifier" ("contact id"); "phone number" stays a phone
_STRONG_ID = re.compile(rf"(?i)(?<![^\W_])(?:{_ID_WORDS})(?![^\W_])[^\w\n]{{0,3}}$")
SSN_CONTEXT = context(
    r"ssn|s\.\s?s\.\s?n|ss ?#|ss no|social|soc\.? ?sec|sec(?:urity)? (?:no|num)|taxpayer|"
    r"tax ?id|i?tin")
CARD_CONTEXT = context(
    r"card|visa|master|mc|amex|american express|maestro|discover|diners|jcb|unionpay|rupay|cc|"
    r"credit|debit|payment|pan")


def before(text: str, start: int) -> str:
    """The context of a number starting at ``start``."""
    return text[max(0, start - CONTEXT_CHARS):start]


def phone_context(text: str) -> bool:
    """Whether ``text`` (what precedes a number) says a phone number follows: a phone word,
    and no identifier's name nearer to the number ("contact id: 4155550132" is an id)."""
    return bool(PHONE_CONTEXT.search(text)) and not _STRONG_ID.search(text)


def ends_number(text: str, end: int) -> bool:
    return not _WORD_GOES_ON.match(text, end) or bool(EXTENSION_AT.match(text, end))


def whole(match: re.Match[str]) -> Spans:
    return [(0, match.end() - match.start())]


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
        return before(self.text, self.start)


def windows(match: re.Match[str], accept: Callable[[Window], bool], *, digits: range,
            anchored: bool = False, offset: int = 0) -> Spans:
    """Leftmost-longest runs of digit groups, ``digits`` long, that ``accept`` takes.

    A candidate such as ``4111 1111 1111 1111 2`` or ``052 5552606 074-7111234`` can hold
    several numbers, or one number and a stray digit; trying windows of groups finds them.
    ``anchored`` windows must start at the first group and follow each other.
    """
    text, full, origin = match.group(), match.string, match.start()
    if len(text) - offset < digits.start:
        return []  # too short to hold enough digits: most candidates end here
    bounds = [m.span() for m in DIGITS.finditer(text, offset)]
    if bounds and not ends_number(full, origin + bounds[-1][1]):
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
        if found is not None and not _ACCOUNT_LEAD.search(before(full, start)):
            spans.append((bounds[i][0], bounds[found - 1][1]))
            i = found
        elif anchored:
            break
        else:
            i += 1
    return spans


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
#: Shorter cards (old Visa, some Maestro) are as long as EAN-13 and UPC-A barcodes, whose
#: check digit passes Luhn one time in ten: they count only after a word such as "card".
_CARD_NEEDS_CONTEXT = 13
# groups apart by one separator, two spaces or " - "; glued letters do not end a card
# ("VISA4111…"), so it starts after any non-digit
_CARD_SEP = r"(?:[ .\-_/\t]| {2}| - )"
CARD_RUN = re.compile(rf"(?<!\d)(?<!\d[.\-/:])(?<!\d )(?<![\dA-Fa-f]{{4}}-)\d+(?:{_CARD_SEP}\d+)*")
CARD_HINT = r"[0-9](?:[ .\-_/\t]{0,3}[0-9]){11}"
_LUHN_DOUBLE = str.maketrans("0123456789", "0246813579")  # 2d, minus 9 when over 9


def _luhn(digits: str) -> bool:
    doubled = digits[-2::-2].translate(_LUHN_DOUBLE)
    return (sum(map(int, digits[::-2])) + sum(map(int, doubled))) % 10 == 0


def _is_card(window: Window) -> bool:
    digits = window.digits
    if len(digits) not in _CARD_LENGTHS.get(int(digits[:4]), ()):
        return False
    if len(set(window.seps)) > 1 and not _fours(window.groups):
        return False  # mixed separators only between four-digit blocks ("4111-1111 1111-…")
    if not CARD_CONTEXT.search(window.before) and (
            len(digits) <= _CARD_NEEDS_CONTEXT or ID_CONTEXT.search(window.before)):
        return False  # a barcode, or a Luhn-checked identifier ("IMEI 4901542032375…")
    return _card_layout(window.groups) and _luhn(digits)


def _fours(groups: Sequence[str]) -> bool:
    sizes = [len(group) for group in groups]
    return len(sizes) >= 3 and set(sizes[:-1]) == {4} and sizes[-1] <= 4


def _card_layout(groups: Sequence[str]) -> bool:
    """One block, fours (4-4-4-4, 4-4-4-4-3, 4-4-4-1), 4-6-5 or 4-6-4, or digit by digit.

    Neighbouring numbers ("#50631789 113553", "4216 9280 43171") have none of these layouts.
    """
    sizes = [len(group) for group in groups]
    return len(sizes) == 1 or set(sizes) == {1} or _fours(groups) or sizes in ([4, 6, 5],
                                                                               [4, 6, 4])


def card_spans(match: re.Match[str]) -> Spans:
    return windows(match, _is_card, digits=range(12, 20))


# --------------------------------------------------------------------------- US SSN

SSN = re.compile(rf"{NUMBER_START}(\d{{3}})( - |[ .\-/]?)(\d{{2}})\2(\d{{4}}){NUMBER_END}")
SSN_HINT = r"[0-9]{3}[ .\-/]{0,3}[0-9]{2}[ .\-/]{0,3}[0-9]{4}"
# seven or eight digits after "SSN": one whose leading zeros were lost ("SSN 78051123")
SSN_SHORT = re.compile(rf"{NUMBER_START}\d{{7,8}}{NUMBER_END}")
# numbers the SSA never issued or published as examples (Presidio's invalidation list)
_SSN_SAMPLES = ("000", "666", "123456789", "98765432", "078051120")


def _valid_ssn(digits: str) -> bool:
    return not (len(set(digits)) == 1 or digits[3:5] == "00" or digits[5:] == "0000"
                or digits.startswith(_SSN_SAMPLES))


def ssn_spans(match: re.Match[str]) -> Spans:
    area, separator, group, serial = match.groups()
    if not _valid_ssn(area + group + serial):
        return []
    preceding = before(match.string, match.start())
    if SSN_CONTEXT.search(preceding):
        return whole(match)
    # nine bare digits are an SSN only when the text says so; a grouped one unless it is an
    # identifier's
    return [] if not separator or ID_CONTEXT.search(preceding) else whole(match)


def short_ssn_spans(match: re.Match[str]) -> Spans:
    preceding = before(match.string, match.start())
    if not SSN_CONTEXT.search(preceding) or not _valid_ssn(match.group().zfill(9)):
        return []
    return whole(match)
