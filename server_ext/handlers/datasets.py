"""``datasets``: streamed upload, list, one dataset's profile summary, delete, export."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from jupyter_core.utils import ensure_async
from jupyter_server.auth.decorator import authorized
from tornado import web
from tornado.ioloop import IOLoop

from .. import worker
from ..base import AUTH_RESOURCE, AnalystHandler
from ..errors import APIError
from ..export import FORMATS
from ..storage import atomic_write_json, read_json
from ..upload import Upload

__all__ = ["DatasetExportHandler", "DatasetHandler", "DatasetsHandler"]

CHUNK = 64 * 1024


@web.stream_request_body
class DatasetsHandler(AnalystHandler):
    """``GET`` lists datasets; ``POST`` uploads one (multipart, streamed to disk)."""

    upload: Upload | None = None
    _watchdog: Any = None

    async def prepare(self) -> None:  # type: ignore[override]
        await super().prepare()
        if self.request.method != "POST" or self._finished:
            return
        # Authorize before a single byte of the body is stored (post() runs after the body).
        allowed = await ensure_async(
            self.authorizer.is_authorized(self, self.current_user, "write", AUTH_RESOURCE))
        if not allowed:
            raise APIError(403, f"Not authorized to write on resource {AUTH_RESOURCE!r}.")
        self.upload = Upload(self.ext, self.request)
        self._started = self._last_data = IOLoop.current().time()
        self._watchdog = IOLoop.current().call_later(self.ext.upload_idle_timeout, self._watch)

    def _watch(self) -> None:
        """Answer 408 and close when the body stalls or trickles (slow-body attacks)."""
        if self._finished or self.request._body_future.done():
            return
        now = IOLoop.current().time()
        idle, elapsed = now - self._last_data, now - self._started
        rate = self.upload.received / elapsed if self.upload and elapsed else 0.0
        timeout = self.ext.upload_idle_timeout
        if idle >= timeout or rate < self.ext.upload_min_rate_kbps * 1024:
            self._refuse(APIError(408, f"The upload stalled ({rate:,.0f} bytes/s, nothing for "
                                       f"{idle:.0f} s); the connection was closed. Upload again "
                                       "over a faster connection."))
            return
        self._watchdog = IOLoop.current().call_later(timeout, self._watch)

    def data_received(self, chunk: bytes) -> None:
        if self.upload is None or self._finished:
            return
        self._last_data = IOLoop.current().time()
        try:
            self.upload.feed(chunk)
        except APIError as exc:
            self._refuse(exc)

    def _refuse(self, exc: APIError) -> None:
        """Answer now, while the body is still arriving; tornado then closes the connection."""
        self.send_error(exc.status_code, exc_info=(type(exc), exc, None))

    def on_finish(self) -> None:
        if self._watchdog is not None:
            IOLoop.current().remove_timeout(self._watchdog)
        if self.upload is not None:
            self.upload.discard()

    def on_connection_close(self) -> None:
        super().on_connection_close()
        if self.upload is not None:
            self.upload.discard()

    @web.authenticated
    @authorized
    async def get(self) -> None:
        self.reply(self.ext.store.list())

    @web.authenticated
    @authorized
    async def post(self) -> None:
        assert self.upload is not None
        meta = await self.upload.complete()
        self.log.info("analyst: dataset %s uploaded (%s rows x %s columns)", meta["id"],
                      meta["rows"], meta["columns"])
        self.set_header("Location", f"{self.request.path.rstrip('/')}/{meta['id']}")
        self.reply(meta, f"Uploaded {meta['name']!r}.", status=201)


class DatasetHandler(AnalystHandler):
    """``GET`` one dataset with its profile summary; ``DELETE`` it."""

    @web.authenticated
    @authorized
    async def get(self, ref: str) -> None:
        meta = self.ext.store.find(ref)
        self.reply({**meta, "profile": await self._profile(meta)})

    async def _profile(self, meta: dict[str, Any]) -> dict[str, Any]:
        store = self.ext.store
        cached = store.path(meta["id"], "profile.json")
        if cached.exists():
            return read_json(cached)  # type: ignore[no-any-return]
        result = await self.ext.jobs.call(worker.profile_dataset, store.source(meta),
                                          store.path(meta["id"], "frame.parquet"), meta["name"],
                                          meta["filename"])
        if cached.parent.is_dir():  # the dataset may have been deleted meanwhile
            atomic_write_json(cached, result["profile"])
        return result["profile"]  # type: ignore[no-any-return]

    @web.authenticated
    @authorized
    async def delete(self, ref: str) -> None:
        meta = self.ext.store.find(ref)
        self.ext.store.delete(meta["id"])
        self.ext.frames.drop(meta["id"])
        self.reply({"id": meta["id"]}, f"Deleted {meta['name']!r}.")


class DatasetExportHandler(AnalystHandler):
    """``GET ?format=csv|xlsx``: the dataset as a download, formulas neutralised."""

    @web.authenticated
    @authorized
    async def get(self, ref: str) -> None:
        fmt = self.get_query_argument("format", "csv")
        if fmt not in FORMATS:
            raise APIError(400, f"format must be one of {', '.join(FORMATS)}, got {fmt[:20]!r}.")
        store = self.ext.store
        meta = store.find(ref)
        handle, name = tempfile.mkstemp(suffix=f".{fmt}", dir=store.root)
        os.close(handle)
        out = Path(name)
        try:
            await self.ext.jobs.call(worker.export_dataset, store.source(meta),
                                     store.path(meta["id"], "frame.parquet"), fmt, out)
            self.set_header("Content-Type", FORMATS[fmt])
            self.set_attachment_header(f"{meta['name']}.{fmt}")
            with open(out, "rb") as stream:
                while chunk := stream.read(CHUNK):
                    self.write(chunk)
                    await self.flush()
            await self.finish(set_content_type=FORMATS[fmt])
        finally:
            out.unlink(missing_ok=True)
