"""The server face of analyst_magics: a Jupyter server extension under ``/analyst/v1``.

Installing the package enables it (``jupyter-config/jupyter_server_config.d/analyst_magics.json``);
Jupyter Server finds it through ``analyst_magics._jupyter_server_extension_points()``.
"""

from __future__ import annotations

from typing import Any

from .app import AnalystExtension

__all__ = ["AnalystExtension"]


def _jupyter_server_extension_points() -> list[dict[str, Any]]:
    return [{"module": "server_ext", "app": AnalystExtension}]
