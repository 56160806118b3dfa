"""``AnalystExtension``: the Jupyter server extension serving ``/analyst/v1``.

Configuration: each trait below defaults to ``None``, meaning "use the ``ANALYST_*`` environment
variable or its default" (see ``.env.example``); a value set in Jupyter's config wins, e.g.
``c.AnalystExtension.max_upload_mb = 500``. The result is one
:class:`analyst_magics.config.AnalystSettings`, so the server and the engine agree.
Cross-origin access is Jupyter's: set ``ServerApp.allow_origin`` (or ``allow_origin_pat``).
"""

from __future__ import annotations

import asyncio
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module
from pathlib import Path
from typing import Any

from jupyter_server.extension.application import ExtensionApp
from tornado.ioloop import PeriodicCallback
from traitlets import Float, Integer, List, Unicode

from analyst_magics._version import __version__
from analyst_magics.config import ENV_PREFIX, AnalystSettings, load_settings

from .admission import Slots
from .frames import FrameCache
from .handlers import routes
from .jobs import JobManager
from .loopwatch import LoopWatch
from .retention import sweep
from .storage import DatasetStore

__all__ = ["AnalystExtension"]

MB = 1024 * 1024
#: Traits that map onto AnalystSettings fields (``storage_dir`` because JupyterApp already
#: has a ``data_dir``: Jupyter's own data directory).
SETTINGS_TRAITS = {"storage_dir": "data_dir", "reports_dir": "reports_dir",
                   "max_upload_mb": "max_upload_mb", "max_columns": "max_columns",
                   "allowed_extensions": "allowed_extensions",
                   "retention_days": "retention_days", "max_question_chars": "max_question_chars"}


class AnalystExtension(ExtensionApp):
    """Versioned REST + WebSocket endpoints for the analyst_magics engine."""

    name = "analyst_magics"
    load_other_extensions = True

    storage_dir = Unicode(None, allow_none=True, help="Uploads, jobs and reports "
                          "(ANALYST_DATA_DIR; default <Jupyter data dir>/analyst_magics)."
                          ).tag(config=True)
    reports_dir = Unicode(None, allow_none=True, help="Reports (ANALYST_REPORTS_DIR; "
                          "default <data_dir>/reports).").tag(config=True)
    max_upload_mb = Integer(None, allow_none=True, help="Largest upload in MB, enforced while "
                            "the body streams in (ANALYST_MAX_UPLOAD_MB; default 200)."
                            ).tag(config=True)
    max_columns = Integer(None, allow_none=True, help="Most columns an uploaded table may have, "
                          "checked before it is built (ANALYST_MAX_COLUMNS; default 16,384)."
                          ).tag(config=True)
    allowed_extensions = List(Unicode(), default_value=None, allow_none=True,
                              help="Accepted file extensions (ANALYST_ALLOWED_EXTENSIONS)."
                              ).tag(config=True)
    retention_days = Integer(None, allow_none=True, help="Delete uploads, reports and finished "
                             "jobs older than this; 0 keeps them (ANALYST_RETENTION_DAYS)."
                             ).tag(config=True)
    max_question_chars = Integer(None, allow_none=True, help="Longest question accepted "
                                 "(ANALYST_MAX_QUESTION_CHARS).").tag(config=True)
    job_workers = Integer(2, help="Worker processes for uploads, profiles, exports and "
                          "analysis jobs.").tag(config=True)
    job_nice = Integer(10, min=0, max=19, help="How much lower the worker processes' "
                       "scheduling priority is than the server's: uploads and analyses yield "
                       "the cores to requests.").tag(config=True)
    tasks_per_worker = Integer(25, help="Tasks a worker process runs before it is replaced "
                               "(returns the memory big files took).").tag(config=True)
    ask_threads = Integer(4, help="Threads answering questions on in-memory tables."
                          ).tag(config=True)
    ask_queue = Integer(64, min=1, help="Questions the server holds at once (answered or "
                        "waiting); more are refused with 429 and Retry-After.").tag(config=True)
    frame_cache_mb = Integer(1024, help="Memory for tables kept loaded for questions."
                             ).tag(config=True)
    max_cells = Integer(200_000_000, help="Largest rows × columns a Parquet upload may "
                        "declare (decompression-bomb guard).").tag(config=True)
    upload_idle_timeout = Float(30.0, help="Seconds without upload data (or below the "
                                "minimum rate) before the server answers 408 and closes the "
                                "connection.").tag(config=True)
    upload_min_rate_kbps = Float(8.0, help="Slowest average upload rate (KiB/s) accepted "
                                 "after the first upload_idle_timeout seconds.").tag(config=True)
    retention_interval = Float(3600.0, help="Seconds between retention sweeps.").tag(config=True)

    def settings_overrides(self) -> dict[str, Any]:
        return {field: getattr(self, trait) for trait, field in SETTINGS_TRAITS.items()
                if getattr(self, trait) is not None}

    def environment(self) -> dict[str, str]:
        """The configured overrides as ``ANALYST_*`` variables, for the worker processes."""
        return {f"{ENV_PREFIX}{name.upper()}": ",".join(value) if isinstance(value, list)
                else str(value) for name, value in self.settings_overrides().items()}

    @property
    def server_log(self) -> Any:
        """The server's logger: the extension logs where Jupyter does."""
        assert self.serverapp is not None
        return self.serverapp.log

    def initialize_settings(self) -> None:
        self.settings_model: AnalystSettings = load_settings(**self.settings_overrides())
        root = Path(self.settings_model.data_dir).expanduser()
        self.reports_root = Path(self.settings_model.reports_path).expanduser()
        self.started_at = time.monotonic()
        self.store = DatasetStore(root / "datasets")
        self.jobs = JobManager(root / "jobs", workers=self.job_workers,
                               tasks_per_worker=self.tasks_per_worker,
                               environment=self.environment(), log=self.server_log,
                               nice=self.job_nice)
        self.threads = ThreadPoolExecutor(self.ask_threads, thread_name_prefix="analyst-ask")
        self.ask_slots = Slots(self.ask_queue, "questions", "AnalystExtension.ask_queue")
        self.frames = FrameCache(self.store, self.threads, self.frame_cache_mb * MB)
        self._sweeper: PeriodicCallback | None = None
        self.loop_watch = LoopWatch(self.server_log)
        self.server_log.info("analyst_magics %s: /analyst/v1 serving data from %s",
                                __version__, root)

    def initialize_handlers(self) -> None:
        self.handlers.extend(routes())

    async def _start_jupyter_server_extension(self, serverapp: Any) -> None:
        self.loop_watch.start()
        self.sweep()
        # the engine is imported on first use: seconds of CPU that must not run on the IOLoop
        await asyncio.to_thread(import_module, "analyst_magics.nlq.engine")
        await self.jobs.start()
        self._sweeper = PeriodicCallback(lambda: None if self.sweep() else None,
                                         self.retention_interval * 1000)
        self._sweeper.start()

    def sweep(self) -> dict[str, int]:
        """Apply the retention policy now (also runs every ``retention_interval`` seconds)."""
        counts = sweep(self)
        if any(counts.values()):
            self.server_log.info("analyst_magics retention removed %s", counts)
        return counts

    async def stop_extension(self) -> None:
        if self._sweeper is not None:
            self._sweeper.stop()
        self.loop_watch.stop()
        await self.jobs.shutdown()
        self.threads.shutdown(wait=False, cancel_futures=True)

    def info(self) -> dict[str, Any]:
        settings = self.settings_model
        engines = ["rules", *(["llm"] if settings.llm_configured else [])]
        return {"version": __version__, "api": "v1", "engines": engines,
                "limits": {"max_upload_mb": settings.max_upload_mb,
                           "max_columns": settings.max_columns,
                           "max_question_chars": settings.max_question_chars,
                           "max_cells": self.max_cells,
                           "allowed_extensions": list(settings.allowed_extensions),
                           "retention_days": settings.retention_days}}
