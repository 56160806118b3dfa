"""The kernel side of the JupyterLab sidebar: a comm that lists the notebook's DataFrames and
answers the panel's requests in this kernel, so the data never leaves it.

``%load_ext analyst_magics`` registers the comm target :data:`TARGET`; the panel opens a comm
to it. After every cell (IPython's ``post_run_cell`` event) the kernel pushes the list of
DataFrames: names, shapes, memory, column names and dtypes, never values. The panel needs no
execute request per cell, and nothing is added to the user's namespace. Messages are plain
dicts with a ``type``; the panel's ``labextension/src/protocol/`` is the other half.

An analysis runs in a thread of the kernel, so the panel's **Stop** (a comm message, handled
while the kernel is otherwise idle) can end it at the next progress step.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ._version import __version__
from .errors import AnalystError

__all__ = ["TARGET", "Sidebar", "frame_entries", "register"]

TARGET = "analyst_magics.sidebar"
#: columns listed per frame (a 10,000-column frame lists the first ones and a count)
MAX_LISTED_COLUMNS = 200
#: insights shown in the panel after an analysis
TOP_INSIGHTS = 5
PROGRESS_INTERVAL_S = 0.1


class Stopped(Exception):
    """Raised inside an analysis from its progress callback when the panel asked to stop."""


def _memory(frame: Any) -> int:
    """Bytes of the frame's arrays, as a shallow ``memory_usage()`` counts them, without
    building one Series per column (150 ms for 10,000 columns)."""
    blocks = getattr(getattr(frame, "_mgr", None), "blocks", None)
    if blocks is None:
        return int(frame.memory_usage(index=False).sum())
    return int(sum(getattr(block.values, "nbytes", 0) for block in blocks))


def frame_entries(namespace: dict[str, Any], hidden: Any = (),
                  cache: dict[str, tuple[Any, dict[str, Any]]] | None = None
                  ) -> list[dict[str, Any]]:
    """The DataFrames of ``namespace`` as the panel lists them, by name.

    Private names and IPython's own (``hidden``) are left out. ``cache`` keeps each name's
    entry while it is the same object of the same shape, so a cell that changes nothing costs
    a dictionary walk. pandas is never imported here: without it there are no DataFrames.
    """
    pd = sys.modules.get("pandas")
    if pd is None:
        return []
    cache = {} if cache is None else cache
    entries = []
    for name, value in list(namespace.items()):
        if name.startswith("_") or name in hidden or not isinstance(value, pd.DataFrame):
            continue
        key = (id(value), value.shape)
        known = cache.get(name)
        if known is None or known[0] != key:
            listed = value.iloc[:, :MAX_LISTED_COLUMNS]
            known = cache[name] = (key, {
                "name": name, "rows": int(value.shape[0]), "columns": int(value.shape[1]),
                "memory_bytes": _memory(value),
                "column_names": [str(c) for c in listed.columns],
                "dtypes": [str(t) for t in listed.dtypes],
                "more_columns": max(0, int(value.shape[1]) - MAX_LISTED_COLUMNS)})
        entries.append(known[1])
    for name in set(cache) - {entry["name"] for entry in entries}:
        del cache[name]
    return sorted(entries, key=lambda entry: entry["name"].lower())


class Sidebar:
    """The comms of one kernel's panels, and the requests they send."""

    def __init__(self, shell: Any) -> None:
        self.shell = shell
        self.comms: dict[str, Any] = {}
        self.analyses: dict[str, Any] = {}
        self.running: dict[str, threading.Event] = {}
        self._entries: dict[str, tuple[Any, dict[str, Any]]] = {}

    # ------------------------------------------------------------------ comms

    def opened(self, comm: Any, _message: dict[str, Any]) -> None:
        """A panel opened a comm: greet it and list the frames."""
        self.comms[comm.comm_id] = comm
        comm.on_msg(lambda message: self.received(comm, message["content"]["data"]))
        comm.on_close(lambda _message: self.comms.pop(comm.comm_id, None))
        comm.send({"type": "hello", "version": __version__, "engine": _engine_status()})
        comm.send(self.frames())

    def frames(self) -> dict[str, Any]:
        hidden = getattr(self.shell, "user_ns_hidden", {})
        return {"type": "frames",
                "frames": frame_entries(self.shell.user_ns, hidden, self._entries)}

    def broadcast(self, message: dict[str, Any]) -> None:
        for comm in list(self.comms.values()):
            comm.send(message)

    def before_cell(self, *_args: Any) -> None:
        if self.comms:
            self.broadcast({"type": "busy"})

    def after_cell(self, *_args: Any) -> None:
        if self.comms:
            self.broadcast(self.frames())

    # ------------------------------------------------------------------ requests

    def received(self, comm: Any, data: Any) -> None:
        """Handle one message from a panel; every failure becomes a readable ``error``."""
        if not isinstance(data, dict):
            return
        request = data.get("request")
        handlers: dict[str, Callable[[Any, dict[str, Any]], None]] = {
            "refresh": lambda c, _d: c.send(self.frames()), "ask": self._ask,
            "analyze": self._analyze, "stop": self._stop, "report": self._report}
        handler = handlers.get(str(data.get("type")))
        if handler is None:
            comm.send({"type": "error", "request": request,
                       "message": f"Unknown request {data.get('type')!r}."})
            return
        try:
            handler(comm, data)
        except AnalystError as exc:
            comm.send({"type": "error", "request": request, "message": str(exc)})
        except Exception as exc:  # noqa: BLE001 - an engine bug: said briefly, never raised
            comm.send({"type": "error", "request": request, "message": (
                f"Internal error ({type(exc).__name__}: {exc}). Please report it.")})

    def _frame(self, data: dict[str, Any]) -> tuple[str, Any]:
        from .namespace import find_frame

        return find_frame(str(data.get("frame") or "") or None, self.shell.user_ns)

    def _ask(self, comm: Any, data: dict[str, Any]) -> None:
        from .namespace import standalone_code
        from .nlq.engine import ask

        name, frame = self._frame(data)
        answer = ask(frame, str(data.get("question") or ""),
                     engine=str(data.get("engine") or "auto"))
        bundles = [answer._repr_mimebundle_()]
        if answer.chart is not None:
            from .pipeline.charts import chart_bundle

            bundles.append(chart_bundle(answer.chart))
        cell = standalone_code(answer.code, name, self.shell.user_ns) if answer.code else ""
        comm.send({"type": "answer", "request": data.get("request"), "answer": answer.to_dict(),
                   "bundles": bundles, "cell": cell})

    def _analyze(self, comm: Any, data: dict[str, Any]) -> None:
        name, frame = self._frame(data)
        request = str(data.get("request"))
        stop = self.running[request] = threading.Event()
        threading.Thread(target=self._run_analysis, args=(comm, request, name, frame, stop),
                         name=f"analyst-sidebar-{request}", daemon=True).start()

    def _run_analysis(self, comm: Any, request: str, name: str, frame: Any,
                      stop: threading.Event) -> None:
        from .analysis import analyze

        last = 0.0

        def progress(stage: str, fraction: float) -> None:
            nonlocal last
            if stop.is_set():
                raise Stopped
            if time.monotonic() - last >= PROGRESS_INTERVAL_S or fraction >= 1.0:
                last = time.monotonic()
                comm.send({"type": "progress", "request": request, "stage": stage,
                           "fraction": float(fraction)})

        try:
            analysis = analyze(frame, [], name=name, progress=progress)
        except Stopped:
            comm.send({"type": "stopped", "request": request})
            return
        except Exception as exc:  # noqa: BLE001 - told to the panel: the thread has no caller
            comm.send({"type": "error", "request": request, "message": str(exc)
                       if isinstance(exc, AnalystError) else f"Internal error ({exc!r})."})
            return
        finally:
            self.running.pop(request, None)
        self.analyses[request] = analysis
        comm.send({"type": "analysis", "request": request,
                   "summary": _summary(analysis), "bundles": _insight_bundles(analysis)})

    def _stop(self, comm: Any, data: dict[str, Any]) -> None:
        stop = self.running.get(str(data.get("request")))
        if stop is None:
            comm.send({"type": "error", "request": data.get("request"),
                       "message": "No analysis of this panel is running."})
            return
        stop.set()

    def _report(self, comm: Any, data: dict[str, Any]) -> None:
        from .display import report_links
        from .report import build_report

        analysis = self.analyses.get(str(data.get("analysis")))
        if analysis is None:
            raise AnalystError("Run Analyze first: the report is written from an analysis.")
        report = build_report(analysis, formats=("html",))
        links = [{"format": fmt, "name": Path(path).name, "url": href}
                 for fmt, href, path in report_links(report)]
        comm.send({"type": "report", "request": data.get("request"), "links": links})


def _summary(analysis: Any) -> str:
    meta = analysis.metadata
    found = len(analysis.insights)
    return (f"{meta.rows:,} rows × {meta.columns:,} columns; {found} finding"
            f"{'' if found == 1 else 's'}.")


def _insight_bundles(analysis: Any) -> list[dict[str, Any]]:
    from .pipeline.charts import chart_bundle

    bundles: list[dict[str, Any]] = []
    for insight in analysis.insights[:TOP_INSIGHTS]:
        bundles.append(insight._repr_mimebundle_())
        if insight.chart is not None:
            bundles.append(chart_bundle(insight.chart))
    return bundles


def _engine_status() -> dict[str, Any]:
    from .config import get_settings

    settings = get_settings()
    return {"offline": not settings.llm_configured, "model": settings.llm_model,
            "endpoint": settings.llm_base_url, "privacy": settings.llm_privacy}


def register(shell: Any) -> Sidebar | None:
    """Register the comm target and the cell hooks in a kernel (once per shell); ``None`` when
    the shell has no kernel (a terminal IPython has no panel to talk to)."""
    kernel = getattr(shell, "kernel", None)
    if kernel is None:
        return None
    existing = getattr(shell, "_analyst_sidebar", None)
    if isinstance(existing, Sidebar):
        return existing
    from comm import get_comm_manager

    sidebar = Sidebar(shell)
    get_comm_manager().register_target(TARGET, sidebar.opened)
    shell.events.register("pre_run_cell", sidebar.before_cell)
    shell.events.register("post_run_cell", sidebar.after_cell)
    shell._analyst_sidebar = sidebar
    return sidebar
