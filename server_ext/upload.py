"""One upload, streamed from the socket into a private staging directory.

The size limit is enforced on the bytes received, whatever ``Content-Length`` says (chunked
bodies have none); the extension is checked when the file part's headers arrive and the
content when its first bytes do, so nothing unwanted is ever written. The stored file is named
by the server (``source.<ext>`` under a fresh id); the client's file name is only a label.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import IO, Any

from tornado.httputil import HTTPServerRequest

from . import worker
from .errors import APIError
from .multipart import MultipartParser, PartHeaders, boundary_of
from .naming import dataset_name, split_filename
from .sniff import HEAD_BYTES, TEXT_EXTENSIONS, check_file, check_head

__all__ = ["MB", "MULTIPART_SLACK", "Upload"]

MB = 1024 * 1024
#: Room for multipart headers and boundaries on top of the file size limit.
MULTIPART_SLACK = 64 * 1024
FORM_FIELDS = {"name"}
UNBOUNDED = 1 << 62
MAX_FIELD_BYTES = 1024


def too_large(limit_mb: int) -> APIError:
    return APIError(413, f"The upload is larger than the server's limit of {limit_mb} MB "
                         "(ANALYST_MAX_UPLOAD_MB). Upload a smaller file or raise the limit.")


class Upload:
    """Receives one ``multipart/form-data`` body: a part ``file`` and an optional ``name``."""

    def __init__(self, ext: Any, request: HTTPServerRequest) -> None:
        settings = ext.settings_model
        self.limit_mb = settings.max_upload_mb
        self.max_bytes = settings.max_upload_mb * MB + MULTIPART_SLACK
        self.allowed = tuple(settings.allowed_extensions)
        self.max_cells = ext.max_cells
        self.store, self.jobs = ext.store, ext.jobs
        declared = request.headers.get("Content-Length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            raise too_large(self.limit_mb)
        # The limit is enforced on received bytes in feed(); tornado's own cap (which checks
        # declared chunk sizes) would cut the body with a bare 400 instead of this 413.
        request.connection.set_max_body_size(UNBOUNDED)  # type: ignore[union-attr]
        self.parser = MultipartParser(boundary_of(request.headers.get("Content-Type", "")), self)
        self.received = 0
        self.fields: dict[str, bytearray] = {}
        self.current: str | None = None
        self.label = self.stem = self.extension = ""
        self.head = bytearray()
        self.handle: IO[bytes] | None = None
        self.staging: Path | None = None
        self.dataset_id = ""
        self.file_done = False

    # ------------------------------------------------------------------ streaming

    def feed(self, chunk: bytes) -> None:
        self.received += len(chunk)
        if self.received > self.max_bytes:
            raise too_large(self.limit_mb)
        self.parser.feed(chunk)

    def part_begin(self, headers: PartHeaders) -> None:
        if headers.filename is None:
            if headers.name not in FORM_FIELDS:
                raise APIError(400, f"Unknown form field {headers.name[:40]!r}; the upload takes "
                                    "a part 'file' and optionally a field 'name'.")
            self.current = headers.name
            self.fields[headers.name] = bytearray()
            return
        if headers.name != "file" or self.label:
            raise APIError(400, "Send exactly one file, in a part named 'file'.")
        self.stem, self.extension = split_filename(headers.filename)
        self.label = f"{self.stem}.{self.extension}" if self.extension else self.stem
        if self.extension not in self.allowed:
            raise APIError(415, f"{self.label!r} has the extension {self.extension!r}; the "
                                f"server accepts {', '.join(self.allowed)}.")
        self.current = "file"

    def part_data(self, data: bytes) -> None:
        if self.current != "file":
            value = self.fields[str(self.current)]
            value += data
            if len(value) > MAX_FIELD_BYTES:
                raise APIError(400, f"The form field {self.current!r} is longer than "
                                    f"{MAX_FIELD_BYTES} bytes.")
        elif self.handle is not None:
            self.handle.write(data)
        else:
            self.head += data
            if len(self.head) >= HEAD_BYTES:
                self._open()

    def part_end(self) -> None:
        if self.current == "file":
            if self.handle is None:
                self._open()
            assert self.handle is not None
            self.handle.close()
            self.file_done = True
        self.current = None

    def _open(self) -> None:
        check_head(bytes(self.head[:HEAD_BYTES]), self.extension, repr(self.label))
        self.dataset_id, self.staging = self.store.stage()
        self.handle = open(self.staging / f"source.{self.extension}", "wb")  # noqa: SIM115
        self.handle.write(self.head)
        self.head.clear()

    # ------------------------------------------------------------------ completion

    def _field(self, name: str) -> str:
        try:
            return self.fields.get(name, bytearray()).decode("utf-8")
        except UnicodeDecodeError:
            raise APIError(400, f"The form field {name!r} is not UTF-8 text.") from None

    async def complete(self) -> dict[str, Any]:
        """Check and read the received file, then publish it as a dataset; returns its metadata."""
        if not self.parser.finished:
            raise APIError(400, "The multipart body ended before its closing boundary.")
        if not self.file_done or self.staging is None:
            raise APIError(400, "The upload has no file: send it in a part named 'file'.")
        source = self.staging / f"source.{self.extension}"
        label = repr(self.label)
        await asyncio.to_thread(check_file, source, self.extension, label,
                                limit_bytes=self.limit_mb * MB, max_cells=self.max_cells)
        described = await self.jobs.call(worker.inspect_upload, source, self.label,
                                          self.extension in TEXT_EXTENSIONS,
                                          self.staging / "frame.parquet")
        name = dataset_name(self._field("name")) or self.stem or "dataset"
        meta = {"id": self.dataset_id, "name": name, "filename": self.label,
                "extension": self.extension,
                **{k: described[k] for k in ("size_bytes", "sha256", "rows", "columns",
                                             "column_names", "dtypes")}}
        committed = self.store.commit(self.staging, meta)
        self.staging = None
        return committed

    def discard(self) -> None:
        """Remove whatever was received (after a refusal, a disconnect or an error)."""
        if self.handle is not None and not self.handle.closed:
            self.handle.close()
        self.store.discard(self.staging)
        self.staging = None
