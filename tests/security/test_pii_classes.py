"""The masker, class by class: formats it must recognise, look-alikes it must leave alone,
and what a masked prompt may carry of a table whose personal data is not typed as text."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from analyst_magics.nlq.llm.prompt import build_messages
from analyst_magics.security import find_pii, mask_pii, pii_columns

FOUND = {
    "PHONE_NUMBER": [
        # national formats: India, China (with separators and unbroken), Brazil
        "mobile 98765 43210", "098765 43210", "+91-98765-43210", "call 9876543210",
        "138-1234-5678", "139 8765 4321", "+86 138 1234 5678", "13812345678",
        "手机 13912345678", "(11) 91234-5678", "(21) 2345-6789", "(11) 912345678",
        "+55 11 91234-5678",
        # extensions glued on or written after
        "415-555-0132x123", "(415) 555-0132 ext. 12", "+1 415 555 0132 x123",
        "+44 20 7946 0958 ext 123", "020 7946 0958 x44", "212.555.0199 #42",
        "+33 1 42 68 53 00 (ext. 21)",
        # any phone-shaped number after a phone word, in the words of several languages
        "teléfono 934 567 890", "tel 33 3456 7890", "phone 6234 5678",
        "telefon 8 (812) 555-12-34", "phone: 4915112345678", "Handy 0151 2345 6789",
        # glued to a word by an underscore
        "export_+44 20 7946 0958.csv",
    ],
    "EMAIL_ADDRESS": [
        '"john doe"@example.com', '"john.smith"@example.org', "jane@[192.168.10.1]",
        "admin@[IPv6:2001:db8::1]", "info@xn--bcher-kva.example", "user@example.xn--p1ai",
        "john at example dot com", "jane.doe AT mail DOT example DOT org",
        "bob (at) example (dot) net", "carol [at] example [dot] co [dot] uk",
        "mary%40example.org", "mary&#64;example.org", "mary@example。org",
        "ann dot lee at example dot org", "ann(dot)lee(at)example(dot)org", "bob @ example . org",
    ],
    "IBAN_CODE": [
        "de89 3704 0044 0532 0130 00", "De89 3704 0044 0532 0130 00", "gb29nwbk60161331926819",
        "DE89  3704  0044  0532  0130  00", "DE 89 3704 0044 0532 0130 00",
        "fr14 2004 1010 0505 0001 3m02 606", "GB29.NWBK.6016.1331.9268.19",
        "iban_GB29NWBK60161331926819", "GB29NWBK60161331926819SWIFT",
    ],
    "CREDIT_CARD": [
        "VISA 4012 8888 8888 1881", "MC-5555-5555-5555-4444", "card_4111111111111111",
        "5555  5555  5555  4444", "4012_8888_8888_1881", "4012/8888/8888/1881",
        "5555-5555 5555-4444", "VISA4012888888881881",
    ],
    "US_SSN": ["ssn 078051121", "SSN: 219099999", "social security number 219 09 9999",
               "078-05-1123", "abc 078 05 1123 abc", "078/05/1123", "219 - 09 - 9999",
               "SSN 78051123", "S.S.N. 219099999"],
}

LEFT_ALONE = [
    # bare nine-digit identifiers and order numbers
    "id 219099999", "customer 219099999", "219099999", "order 100234567",
    "order #219-09-9999", "ORD-219-09-9999", "Invoice no. 219-09-9999", "ticket 219 09 9999",
    # ZIP+4 codes
    "ZIP 94105-1804", "zip 941051804", "Boston, MA 02139-4307",
    # dates, versions, ISBNs, amounts
    "2024-03-15", "15.03.2024", "03/15/2024", "20240315", "v10.15.7", "release 2.31.0",
    "build 10.0.19041.1234", "ISBN 978-3-16-148410-0", "ISBN 0-306-40615-2",
    "978-0-306-40615-7", "total 1,234,567.89", "$123,456,789", "EUR 98.765,43",
    "1 234 567,89 €",
    # checksums that fail, words that only look like an address
    "de89 3704 0044 0532 0130 01", "look at this dot com", "meet me at noon",
    "arrive at 10 dot 30", "order 98765-43210",
    # barcodes and Luhn-checked identifiers, signed amounts, coordinates, code lists
    "EAN 4006381333931", "4006381333931", "UPC 036000291452", "IMEI 490154203237518",
    "+45 678 901 €", "+12 345 678 $", "+52.520008+013.404954/", "01001 01002 01003",
    "Lot 0612 3456 78", "contact id: 4155550132", "VISA", "HOME 12",
]


@pytest.mark.parametrize(("kind", "text"),
                         [(kind, text) for kind, texts in FOUND.items() for text in texts])
def test_each_format_is_masked(kind: str, text: str) -> None:
    found = find_pii(text)
    assert [match.type for match in found] == [kind], found
    masked = mask_pii(text)
    assert found[0].value not in masked and f"<{kind}>" in masked
    assert not re.search(r"\d{4}", masked.replace(f"<{kind}>", "")) or kind == "EMAIL_ADDRESS"


@pytest.mark.parametrize("text", LEFT_ALONE)
def test_look_alikes_are_left_alone(text: str) -> None:
    assert find_pii(text) == [] and mask_pii(text) == text


def test_found_in_cells_and_headers_too() -> None:
    texts = [text for group in FOUND.values() for text in group]
    frame = pd.DataFrame({"cell": texts + LEFT_ALONE})
    masked = mask_pii(frame)["cell"].tolist()
    assert masked[len(texts):] == LEFT_ALONE
    assert all(re.search(r"<[A-Z_]+>", out) for out in masked[:len(texts)])
    headers = mask_pii(pd.DataFrame(columns=texts[:5] + LEFT_ALONE[:5])).columns.tolist()
    assert headers[5:] == LEFT_ALONE[:5] and all("<" in h for h in headers[:5])


def _customers() -> pd.DataFrame:
    return pd.DataFrame({
        "customer": ["Ann", "Bob", "Cem", "Dee"],
        "phone": [4155550132, 2125550199, 3125550100, 6175550123],  # int64 from read_csv
        "card_number": [4111111111111111, 5555555555554444, 4012888888881881,
                        378282246310005],
        "ssn": [78051123, 219099999, 123459876, 536901234],  # leading zeros lost
        "mobile": ["4155550132", "2125550199", "3125550100", "6175550123"],
        "contacts": [["ann@example.com"], {"phone": "+1 415 555 0132"}, [], None],
        "order_id": [4155550133, 2125550198, 3125550101, 6175550124],
        "amount": [12.5, 30.0, 7.25, 99.0],
    })


SECRETS = ["4155550132", "2125550199", "3125550100", "6175550123", "4111111111111111",
           "5555555555554444", "4012888888881881", "378282246310005", "78051123", "219099999",
           "123459876", "536901234", "ann@example.com", "415 555 0132"]


@pytest.mark.parametrize("privacy", ["masked", "schema"])
def test_a_masked_prompt_carries_no_personal_data_whatever_its_dtype(privacy: str) -> None:
    frame = _customers()
    sent = json.dumps(build_messages(frame, "total amount by customer", privacy=privacy),
                      ensure_ascii=False)
    assert [secret for secret in SECRETS if secret in sent] == []
    document = json.loads(sent)[1]["content"].split("<data>\n", 1)[1].rsplit("\n</data>", 1)[0]
    columns = {entry["name"]: entry for entry in json.loads(document)["columns"]}
    for name in ("phone", "card_number", "ssn", "mobile"):
        assert not {"min", "max", "mean", "top_values"} & columns[name].keys(), columns[name]
        assert columns[name]["personal_data"]
    assert {"min", "max"} <= columns["order_id"].keys()  # ids that are no phone numbers
    assert {"min", "max"} <= columns["amount"].keys()


def test_full_privacy_sends_the_values() -> None:
    sent = json.dumps(build_messages(_customers(), "q", privacy="full"))
    assert "4155550132" in sent


def test_columns_are_told_by_what_they_hold() -> None:
    found = pii_columns(_customers())
    names = {_customers().columns[position]: kind for position, kind in found.items()}
    assert names == {"phone": "PHONE_NUMBER", "card_number": "CREDIT_CARD", "ssn": "US_SSN",
                     "mobile": "PHONE_NUMBER", "contacts": names.get("contacts")}
    assert "contacts" in names  # its cells hold an address and a phone number
    random_ids = pd.DataFrame({"id": range(4_000_000_000_000_000, 4_000_000_000_000_400)})
    assert pii_columns(random_ids) == {}  # a tenth pass Luhn: no card column for that


@pytest.mark.parametrize("header", ["Mobile Number", "phone2", "whatsapp_number",
                                    "Telefonnummer", "携帯電話", "contact_no", "PhoneNumber"])
def test_a_phone_column_is_told_by_its_header_in_many_spellings(header: str) -> None:
    frame = pd.DataFrame({header: [4155550132, 2125550199, 3125550100]})
    assert pii_columns(frame) == {0: "PHONE_NUMBER"}


@pytest.mark.parametrize("header", ["contact_id", "Call ID", "text id", "order_no"])
def test_identifiers_under_phone_words_stay_identifiers(header: str) -> None:
    frame = pd.DataFrame({header: [4155550133, 2125550198, 3125550101, 6175550124]})
    assert pii_columns(frame) == {}
