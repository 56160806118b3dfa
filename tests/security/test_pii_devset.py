"""The PII cases of ``../shared/security-devset``, scored by the rules of its README.

For each case every expected value must be gone from the masked text (compared after NFKC for
``evasion`` cases), and ``negative`` cases must come back unchanged. Extra findings on
``negative-trap`` cases cost precision unless their type is in ``acceptable_extra``. The rules
hold three ways: text by text, through the DataFrame masker with the texts as cells, and with
the texts as column names, since headers reach prompts too.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from analyst_magics.security import find_pii, mask_pii

Case = dict[str, Any]


@pytest.fixture
def cases(shared_dir: Path) -> list[Case]:
    path = shared_dir / "security-devset" / "pii_cases.json"
    if not path.is_file():
        pytest.skip(f"PII cases not found at {path}")
    return json.loads(path.read_text(encoding="utf-8"))["cases"]


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def violations(cases: list[Case], masked: list[str]) -> list[str]:
    """What breaks the README's rules, one line per problem."""
    problems = []
    for case, out in zip(cases, masked, strict=True):
        evasion = case["kind"] == "evasion"
        seen = _nfkc(out) if evasion else out
        for entity in case["expected_entities"]:
            value = _nfkc(entity["value"]) if evasion else entity["value"]
            if value in seen:
                problems.append(f"{entity['type']} {value!r} left in {out!r}")
        if case["kind"] == "negative" and out != case["text"]:
            problems.append(f"negative case changed: {case['text']!r} -> {out!r}")
    return problems


def test_every_text_is_masked(cases: list[Case]) -> None:
    assert violations(cases, [mask_pii(case["text"]) for case in cases]) == []


def test_dataframe_cells_are_masked(cases: list[Case]) -> None:
    frame = pd.DataFrame({"cell": [case["text"] for case in cases]})
    assert violations(cases, mask_pii(frame)["cell"].tolist()) == []


def test_column_names_are_masked(cases: list[Case]) -> None:
    frame = pd.DataFrame([range(len(cases))], columns=[case["text"] for case in cases])
    out = mask_pii(frame)
    assert violations(cases, list(out.columns)) == []
    assert out.iloc[0].tolist() == list(range(len(cases)))


def test_findings_are_typed_and_precise(cases: list[Case], record_property: Any) -> None:
    """Findings matched to expected entities by type; extras outside acceptable_extra are errors."""
    score: Counter[str] = Counter()
    for case in cases:
        found = Counter(match.type for match in find_pii(case["text"]))
        expected = Counter(entity["type"] for entity in case["expected_entities"])
        hits = found & expected
        extra = found - expected
        tolerated = sum(n for kind, n in extra.items() if kind in case.get("acceptable_extra", ()))
        trap = case["kind"] == "negative-trap"
        false = extra.total() - tolerated
        score.update(expected=expected.total(), hits=hits.total(), false=false, traps=trap,
                     trap_false=false * trap, trap_tolerated=tolerated * trap,
                     trap_clean=trap and not false)
    precision = score["hits"] / max(1, score["hits"] + score["false"])
    summary = (f"PII devset: {score['hits']}/{score['expected']} expected entities found with "
               f"their type, precision {precision:.3f}; negative traps: "
               f"{score['trap_clean']}/{score['traps']} without a false finding "
               f"({score['trap_false']} false, {score['trap_tolerated']} tolerated as "
               f"acceptable_extra)")
    record_property("pii_devset", summary)
    print(summary)
    assert score["hits"] == score["expected"], summary
    assert score["false"] == 0, summary
