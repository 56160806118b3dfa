"""analyst_magics: a Jupyter-native data analyst for pandas DataFrames.

>>> import analyst_magics as am
>>> df = am.sample_data()
>>> prof = am.profile(df)

The public functions are imported on first use, so ``%load_ext analyst_magics`` and
``import analyst_magics`` stay fast and do not pull in scikit-learn or Plotly.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._version import __version__
from .errors import (
    AnalystError,
    ColumnNotFoundError,
    ConfigError,
    DataLoadError,
    LLMError,
    QuestionError,
    SandboxError,
)

if TYPE_CHECKING:  # pragma: no cover
    from .analysis import analyze as analyze
    from .data_utils import load as load
    from .nlq.engine import ask as ask
    from .pipeline.cleaning import clean as clean
    from .pipeline.insights import insights as insights
    from .pipeline.profiling import profile as profile
    from .report import build_report as build_report
    from .sample import sample_data as sample_data

#: public name -> module that defines it
_LAZY = {
    "load": "analyst_magics.data_utils",
    "sample_data": "analyst_magics.sample",
    "clean": "analyst_magics.pipeline.cleaning",
    "profile": "analyst_magics.pipeline.profiling",
    "insights": "analyst_magics.pipeline.insights",
    "ask": "analyst_magics.nlq.engine",
    "analyze": "analyst_magics.analysis",
    "build_report": "analyst_magics.report",
}

__all__ = [
    "AnalystError",
    "ColumnNotFoundError",
    "ConfigError",
    "DataLoadError",
    "LLMError",
    "QuestionError",
    "SandboxError",
    "__version__",
    "load_ipython_extension",
    *_LAZY,
]


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext analyst_magics`` registers ``%ask`` and ``%%analyze`` (and, in a kernel, the
    comm of the JupyterLab sidebar)."""
    from .magics import load_ipython_extension as load

    load(ipython)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'analyst_magics' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    """Where Jupyter Server finds the REST extension (``server_ext``); called only by it."""
    from server_ext import AnalystExtension  # deferred: the engine itself never imports a face

    return [{"module": "server_ext", "app": AnalystExtension}]


def _jupyter_labextension_paths() -> list[dict[str, str]]:
    """Where JupyterLab's tools find the prebuilt sidebar in a checkout (``jupyter
    labextension develop``); an installed wheel carries it as shared data."""
    return [{"src": "labextension", "dest": "analyst-magics"}]
