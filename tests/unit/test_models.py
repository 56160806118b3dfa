from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pandas as pd
import pytest

from analyst_magics.jsonable import to_jsonable
from analyst_magics.models import (
    Answer,
    AnswerKind,
    ChartKind,
    ChartSpec,
    Evidence,
    Insight,
    InsightKind,
)


def test_to_jsonable_is_strict_json() -> None:
    value = {
        "nan": np.nan, "inf": float("inf"), "i": np.int64(3), "f": np.float32(1.5),
        "b": np.bool_(True), "ts": pd.Timestamp("2024-01-02 03:04", tz="UTC"),
        "date": dt.date(2024, 1, 2), "nat": pd.NaT, "na": pd.NA, "kind": AnswerKind.TABLE,
        "arr": np.array([1.0, np.nan]), "td": pd.Timedelta(hours=1),
    }
    out = to_jsonable(value)
    json.dumps(out, allow_nan=False)
    assert out["nan"] is None and out["inf"] is None and out["nat"] is None and out["na"] is None
    assert out["ts"] == "2024-01-02T03:04:00+00:00" and out["date"] == "2024-01-02"
    assert out["kind"] == "table" and out["arr"] == [1.0, None] and out["i"] == 3


def test_answer_with_a_table_serialises_strictly() -> None:
    table = pd.DataFrame({"region": ["a", "b"], "mean": [1.5, np.nan]}).set_index("region")
    answer = Answer(question="q", value=table, kind=AnswerKind.TABLE, code="result = 1")
    data = answer.to_dict()
    assert data["value"] == {"columns": ["mean"], "index": ["a", "b"], "data": [[1.5], [None]]}
    assert data["kind"] == "table"
    json.loads(answer.to_json())


PAYLOADS = ["<script>alert(1)</script>", "{{7*7}}", "\"><img src=x onerror=alert(1)>"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_html_escapes_user_text(payload: str) -> None:
    table = pd.DataFrame({payload: [payload]})
    answer = Answer(question=payload, value=table, kind=AnswerKind.TABLE, code=payload,
                    warnings=[payload])
    html = answer._repr_html_()
    if "<" in payload:
        assert payload not in html and "&lt;" in html
    else:  # shown as text, never evaluated as a template
        assert payload in html and "49" not in html
    insight = Insight(kind=InsightKind.SKEW, title=payload, text=payload, score=0.5,
                      evidence=Evidence(test=payload),
                      chart=ChartSpec(kind=ChartKind.BAR, title=payload))
    assert "<script>" not in insight._repr_html_() and "<img" not in insight._repr_html_()


def test_error_answer_shows_its_message() -> None:
    answer = Answer(question="why?", kind=AnswerKind.ERROR, message="I could not find a column.")
    assert "I could not find a column." in answer._repr_html_()


def test_engine_and_format_names_are_defined_once() -> None:
    from analyst_magics import cli, magics, report
    from analyst_magics.models import Engine, ReportFormat
    from analyst_magics.nlq import engine
    from server_ext.schemas import AskRequest

    engines = tuple(e.value for e in Engine)
    assert engine.ENGINES == magics.ENGINES == engines
    assert AskRequest.model_json_schema()["$defs"]["Engine"]["enum"] == list(engines)
    formats = tuple(f.value for f in ReportFormat)
    assert report.FORMATS == cli.FORMATS == magics.REPORT_FORMATS == formats
