"""``ask``, ``analyze`` (a job), ``jobs``, ``jobs/{id}``, the ``jobs/{id}/progress`` WebSocket."""

from __future__ import annotations

import asyncio
import json
import logging
from functools import partial
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import authorized, ws_authenticated
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.base.websocket import WebSocketMixin
from jupyter_server.extension.handler import ExtensionHandlerMixin
from tornado import web, websocket

from .. import worker
from ..base import AUTH_RESOURCE, AnalystHandler, EnvelopeErrors, principal_of
from ..errors import APIError
from ..jobs import JobManager
from ..schemas import AnalyzeRequest, AskRequest
from ..storage import atomic_write_json

__all__ = ["AnalyzeHandler", "AskHandler", "JobHandler", "JobsHandler", "ProgressHandler"]


class AskHandler(AnalystHandler):
    """``POST {dataset, question, engine}`` → the ``Answer``."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        from analyst_magics import ask
        from analyst_magics.models import AnswerKind

        body = self.parse_body(AskRequest)
        meta = self.ext.store.find(body.dataset)
        with self.ext.ask_slots.taken():  # 429 when as many questions already wait
            frame = await self.ext.frames.get(meta)
            answer = await asyncio.get_running_loop().run_in_executor(
                self.ext.threads, partial(ask, frame, body.question, engine=body.engine))
        # read but not answered (also engine "llm" with no model, which ask() refuses): not "ok"
        if answer.kind == AnswerKind.ERROR:
            self.reply(answer.to_dict(), answer.message, status=400, ok=False)
            return
        self.reply(answer.to_dict(), answer.message or "")


class AnalyzeHandler(AnalystHandler):
    """``POST {dataset, questions, clean, engine, report}`` → 202 with a job id."""

    @web.authenticated
    @authorized
    async def post(self) -> None:
        body = self.parse_body(AnalyzeRequest)
        store, jobs = self.ext.store, self.ext.jobs
        meta = store.find(body.dataset)
        params = {"questions": body.questions, "name": meta["name"], "label": meta["filename"],
                  "clean": body.clean, "engine": body.engine.value}
        job = jobs.submit(
            "analyze", await principal_of(self), meta["id"], worker.analyze_job, jobs.root,
            store.source(meta), store.path(meta["id"], "frame.parquet"), params,
            self.ext.reports_root if body.report else None)
        atomic_write_json(jobs.root / job.job_id / "request.json", body.model_dump())
        prefix = self.request.path.rsplit("/analyze", 1)[0]
        self.set_header("Location", f"{prefix}/jobs/{job.job_id}")
        self.reply({"job_id": job.job_id, "state": job.state,
                    "status_url": f"{prefix}/jobs/{job.job_id}",
                    "progress_url": f"{prefix}/jobs/{job.job_id}/progress"},
                   "Analysis started.", status=202)


class JobsHandler(AnalystHandler):
    """``GET``: the jobs of the caller, newest first."""

    @web.authenticated
    @authorized
    async def get(self) -> None:
        owner = await principal_of(self)
        mine = [j.public() for j in self.ext.jobs.jobs.values() if j.owner == owner]
        self.reply(sorted(mine, key=lambda j: j["created_at"], reverse=True))


class JobHandler(AnalystHandler):
    """``GET``: a job's state, and its ``Analysis`` once done."""

    @web.authenticated
    @authorized
    async def get(self, job_id: str) -> None:
        jobs = self.ext.jobs
        job = jobs.get(job_id, await principal_of(self))
        self.reply({**job.public(), "result": jobs.result(job)}, job.message)


class ProgressHandler(EnvelopeErrors, ExtensionHandlerMixin, WebSocketMixin, JupyterHandler,
                      websocket.WebSocketHandler):
    """A WebSocket of ``ProgressEvent`` messages; the last one is ``done`` or ``error``.

    Closing it only stops the messages: the job goes on and its result stays retrievable.
    """

    auth_resource = AUTH_RESOURCE
    job: Any = None

    @property
    def log(self) -> logging.Logger:  # type: ignore[override]
        return self.serverapp.log  # type: ignore[no-any-return]

    @property
    def jobs(self) -> JobManager:
        return self.extensionapp.jobs  # type: ignore[attr-defined,no-any-return]

    async def pre_get(self, job_id: str) -> None:
        # Origin first (cross-site WebSocket hijacking), before anything about the job is told.
        if not self.check_origin():
            raise APIError(403, "Cross-origin WebSocket refused; trusted origins are set with "
                                "ServerApp.allow_origin / allow_origin_pat.")
        allowed = await ensure_async(
            self.authorizer.is_authorized(self, self.current_user, "read", AUTH_RESOURCE))
        if not allowed:
            raise APIError(403, f"Not authorized to read resource {AUTH_RESOURCE!r}.")
        self.job = self.jobs.get(job_id, await principal_of(self))

    @ws_authenticated
    async def get(self, job_id: str) -> None:  # type: ignore[override]
        await self.pre_get(job_id)
        await super().get(job_id)

    def open(self, job_id: str) -> None:  # type: ignore[override]
        super().open()
        self.jobs.listen(self.job, self.send_event)

    def send_event(self, event: dict[str, Any]) -> None:
        if self.ws_connection is None:
            return
        self.write_message(json.dumps(event, allow_nan=False))
        if event["state"] in ("done", "error"):
            self.close(1000, "job finished")

    def on_message(self, message: str | bytes) -> None:
        """The stream is one-way; client messages are ignored."""

    def on_close(self) -> None:
        if self.job is not None:
            self.jobs.unlisten(self.job.job_id, self.send_event)
