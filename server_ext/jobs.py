"""Background work: a process pool for heavy engine calls, jobs with ids, progress events.

``JobManager.call`` runs one engine function in a worker process and returns its result
(uploads, profiles, exports). ``JobManager.submit`` starts a *job*: it gets an unguessable id,
belongs to the principal that created it, streams ``ProgressEvent`` dicts to its listeners and
keeps its state and result on disk, so a client that disconnects loses nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import multiprocessing
import os
import re
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from . import worker
from .errors import APIError
from .storage import ID_PATTERN, atomic_write_json, contained, new_id, read_json

__all__ = ["Job", "JobManager"]

Listener = Callable[[dict[str, Any]], None]
FINAL_STATES = ("done", "error")


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat()


@dataclass
class Job:
    """The state of one job, as stored in ``jobs/<id>/job.json``."""

    job_id: str
    kind: str
    owner: str
    dataset: str
    state: str = "queued"
    stage: str = "queued"
    progress: float = 0.0
    message: str = ""
    created_at: str = field(default_factory=_now)
    finished_at: str | None = None
    reports: list[str] = field(default_factory=list)

    def event(self) -> dict[str, Any]:
        return {"job_id": self.job_id, "state": self.state, "stage": self.stage,
                "progress": self.progress, "message": self.message}

    def public(self) -> dict[str, Any]:
        data = asdict(self)
        del data["owner"]
        return data


class JobManager:
    """Owns the worker processes, the jobs of this server and their listeners."""

    def __init__(self, root: Path, *, workers: int, tasks_per_worker: int,
                 environment: dict[str, str], log: logging.Logger, nice: int = 0) -> None:
        self.root = root
        self.data_root = root.parent
        self._environment = environment
        self.log = log
        self._workers = workers
        self._tasks_per_worker = tasks_per_worker
        self._nice = nice
        self._pool: ProcessPoolExecutor | None = None
        self._events: Any = None
        self._reader: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listeners: dict[str, set[Listener]] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        root.mkdir(parents=True, exist_ok=True)
        self.jobs: dict[str, Job] = {}
        for path in root.glob("*/job.json"):
            job = Job(**read_json(path))
            if job.state not in FINAL_STATES:  # the server stopped while it ran
                job.state, job.stage, job.finished_at = "error", "interrupted", _now()
                job.message = "The server stopped while this job ran. Start it again."
                self._save(job)
            self.jobs[job.job_id] = job

    # ------------------------------------------------------------------ the pool

    async def start(self) -> None:
        """Start the worker processes from a thread: the first fork server start imports
        pandas and the engine (seconds), which must not happen on the IOLoop."""
        self._loop = asyncio.get_running_loop()
        pool = self._ensure_pool()
        await asyncio.to_thread(
            lambda: [f.result() for f in [pool.submit(worker.ping) for _ in range(self._workers)]])

    def _ensure_pool(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # forkserver: workers never inherit the server's threads, sockets or tokens.
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["server_ext.worker"])
            self._loop = asyncio.get_running_loop()
            self._events = context.SimpleQueue()
            self._reader = threading.Thread(target=self._read_events, args=(self._events,),
                                            name="analyst-progress", daemon=True)
            self._reader.start()
            self._pool = ProcessPoolExecutor(
                self._workers, mp_context=context, initializer=worker.init_worker,
                initargs=(self._events, self._environment, self._nice, os.getpid()),
                max_tasks_per_child=self._tasks_per_worker)
        return self._pool

    def _read_events(self, events: Any) -> None:
        while (item := events.get()) is not None:
            assert self._loop is not None
            self._loop.call_soon_threadsafe(self._progress, *item)

    async def call(self, task: Callable[..., dict[str, Any]], *args: Any) -> dict[str, Any]:
        """Run a :mod:`worker` task in a worker process; its failure becomes an ``APIError``."""
        pool = self._ensure_pool()
        try:
            # submit() may start a worker process (after a crash, or when one retires), which
            # waits on the fork server: never on the IOLoop.
            future = await asyncio.to_thread(pool.submit, task, *args)
            result = await asyncio.wrap_future(future)
        except BrokenProcessPool:
            self._reset_pool()
            raise APIError(400, "The worker process reading this data stopped (it may have run "
                                "out of memory or stack). Try a smaller or simpler file.") from None
        if not result["ok"]:
            if result["status"] >= 500:
                reference = uuid.uuid4().hex[:12]
                self.log.error("analyst: worker task %s failed [ref %s]\n%s", task.__name__,
                               reference, result.get("traceback", ""))
                raise APIError(500, f"Unexpected error in {task.__name__} (reference "
                                    f"{reference}); the server log has the details.")
            raise APIError(result["status"], self._scrub(result["message"]))
        return result

    def _scrub(self, message: str) -> str:
        """Engine messages name files by path; clients must not learn server paths."""
        for root in {str(self.data_root.resolve()), str(self.data_root)}:
            message = re.sub(re.escape(root) + r"[^'\"\s]*", "<uploaded file>", message)
        return message

    def _reset_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None
            self._events.put(None)

    async def shutdown(self) -> None:
        """Stop the workers; a job still running ends in state ``error``."""
        for task in list(self._tasks):
            task.cancel()
        if self._pool is not None:
            pool, self._pool = self._pool, None
            await asyncio.to_thread(pool.shutdown, True, cancel_futures=True)
            self._events.put(None)

    # ------------------------------------------------------------------ jobs

    def submit(self, kind: str, owner: str, dataset: str,
               task: Callable[..., dict[str, Any]], *args: Any) -> Job:
        """Start ``task(job_id, *args)`` as a job and return it (state ``queued``)."""
        job = Job(job_id=new_id(), kind=kind, owner=owner, dataset=dataset)
        (self.root / job.job_id).mkdir()
        self.jobs[job.job_id] = job
        self._save(job)
        run = asyncio.ensure_future(self._run(job, task, args))
        self._tasks.add(run)
        run.add_done_callback(self._tasks.discard)
        return job

    async def _run(self, job: Job, task: Callable[..., dict[str, Any]], args: tuple) -> None:
        try:
            result = await self.call(task, job.job_id, *args)
        except APIError as exc:
            self._finish(job, "error", exc.message)
        except asyncio.CancelledError:
            self._finish(job, "error", "The server stopped while this job ran.")
            raise
        else:
            job.reports = list(result.get("reports", []))
            self._finish(job, "done", "Finished.")

    def _finish(self, job: Job, state: str, message: str) -> None:
        job.state, job.message, job.finished_at = state, message, _now()
        job.stage = "finished" if state == "done" else "failed"
        if state == "done":
            job.progress = 1.0
        self._save(job)
        self._publish(job)

    def _progress(self, job_id: str, stage: str, fraction: float) -> None:
        job = self.jobs.get(job_id)
        if job is None or job.state in FINAL_STATES:
            return
        job.state, job.stage = "running", stage[:200]
        job.progress = max(job.progress, min(fraction, 1.0))
        self._publish(job)

    def _save(self, job: Job) -> None:
        atomic_write_json(self.root / job.job_id / "job.json", asdict(job))

    def get(self, job_id: str, owner: str) -> Job:
        """A job of ``owner``; 404 for unknown ids and for other principals' jobs alike."""
        job = self.jobs.get(job_id) if ID_PATTERN.fullmatch(job_id) else None
        if job is None or job.owner != owner:
            raise APIError(404, "No such job. Job ids come from POST analyst/v1/analyze and "
                                "are visible only to whoever started the job.")
        return job

    def result(self, job: Job) -> dict[str, Any] | None:
        path = contained(self.root, job.job_id, "result.json")
        return read_json(path) if job.state == "done" and path.exists() else None

    def forget(self, job_id: str) -> None:
        self.jobs.pop(job_id, None)
        self._listeners.pop(job_id, None)

    # ------------------------------------------------------------------ listeners

    def listen(self, job: Job, listener: Listener) -> None:
        """Call ``listener(event)`` for each event of ``job``, starting with its current state."""
        listener(job.event())
        if job.state not in FINAL_STATES:
            self._listeners.setdefault(job.job_id, set()).add(listener)

    def unlisten(self, job_id: str, listener: Listener) -> None:
        self._listeners.get(job_id, set()).discard(listener)

    def _publish(self, job: Job) -> None:
        event = job.event()
        for listener in list(self._listeners.get(job.job_id, ())):
            listener(event)
        if job.state in FINAL_STATES:
            self._listeners.pop(job.job_id, None)
