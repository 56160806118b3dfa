from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from analyst_magics.models import (
    Analysis,
    Answer,
    AnswerKind,
    ChartKind,
    ChartSpec,
    CleaningReport,
    CleaningStep,
    DatasetMetadata,
    Evidence,
    Insight,
    InsightKind,
    Profile,
)

XSS = "<img src=x onerror=alert(document.domain)>"
TEMPLATE = "{{7*7}}{%raw%}"


@pytest.fixture
def xss() -> str:
    return XSS


@pytest.fixture
def hostile_analysis() -> Analysis:
    """An analysis whose every user-controlled string carries a payload."""
    df = pd.DataFrame({"region": ["north", "south", XSS], XSS: [1.0, 2.0, np.nan],
                       "note": [TEMPLATE, "b", "c"]})
    chart = ChartSpec(kind=ChartKind.BAR, title=f"by {XSS}", x="region", y=XSS,
                      data=[{"region": "north", XSS: 1.0}, {"region": XSS, XSS: 2.0}])
    insight = Insight(kind=InsightKind.SEGMENT_DIFFERENCE, title=f"segments {XSS}",
                      text=f"{XSS} is higher {TEMPLATE}", score=0.8, columns=[XSS],
                      evidence=Evidence(test="Kruskal-Wallis", statistic=3.2, p_value=0.01, n=3),
                      chart=chart)
    answer = Answer(question=f"mean of {XSS} by region {TEMPLATE}",
                    value=df.groupby("region")[XSS].mean(), kind=AnswerKind.TABLE,
                    code=f"result = df.groupby('region')[{XSS!r}].mean()",
                    warnings=[f"took {XSS}"], chart=chart)
    step = CleaningStep(name="trim", description=f"trimmed {XSS}", columns=[XSS], rows_before=3,
                        rows_after=3, missing_before=1, missing_after=1, memory_before=10,
                        memory_after=10)
    analysis = Analysis(
        metadata=DatasetMetadata(name=f"sales {XSS}", content_hash="0" * 64, rows=3, columns=3,
                                 created_at=dt.datetime(2026, 1, 2, tzinfo=dt.UTC),
                                 package_version="0.0.0"),
        cleaning=CleaningReport(steps=[step]),
        profile=Profile(name=f"sales {XSS}", rows=3, columns=3, duplicate_rows=0, missing_cells=1,
                        missing_pct=1 / 9, memory_bytes=64),
        insights=[insight], answers=[answer])
    analysis._data = df
    return analysis
