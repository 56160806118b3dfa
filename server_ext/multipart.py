"""An incremental ``multipart/form-data`` parser for request bodies streamed to disk.

Tornado parses multipart bodies only once they are fully buffered in memory; uploads here are
fed chunk by chunk from ``data_received``, so the parser keeps at most one delimiter's worth of
bytes between chunks and hands part data to a sink as it arrives.
"""

from __future__ import annotations

import email.message
import email.utils
from dataclasses import dataclass
from typing import Protocol

from .errors import APIError

__all__ = ["MultipartParser", "PartHeaders", "PartSink", "boundary_of"]

MAX_HEADER_BYTES = 16 * 1024
MAX_PARTS = 16


@dataclass(frozen=True)
class PartHeaders:
    """What a part says about itself (``filename`` is the client's; it is only a label)."""

    name: str
    filename: str | None
    content_type: str


class PartSink(Protocol):
    def part_begin(self, headers: PartHeaders) -> None: ...

    def part_data(self, data: bytes) -> None: ...

    def part_end(self) -> None: ...


def boundary_of(content_type: str) -> bytes:
    """The boundary of a ``multipart/form-data`` Content-Type; 400/415 when it has none."""
    message = email.message.Message()
    message["content-type"] = content_type
    if message.get_content_type() != "multipart/form-data":
        raise APIError(415, "Send the file as multipart/form-data with a part named 'file' "
                            f"(got Content-Type {message.get_content_type()!r}).")
    boundary = message.get_param("boundary")
    if not isinstance(boundary, str) or not 0 < len(boundary) <= 70:
        raise APIError(400, "The multipart Content-Type has no valid boundary parameter.")
    return boundary.encode("latin-1")


def _fail(reason: str) -> APIError:
    return APIError(400, f"Malformed multipart body: {reason}.")


class MultipartParser:
    """Feed it body chunks with :meth:`feed`; it calls the sink for each part."""

    def __init__(self, boundary: bytes, sink: PartSink) -> None:
        # A leading CRLF lets the first delimiter match like every later one.
        self._buffer = bytearray(b"\r\n")
        self._delimiter = b"\r\n--" + boundary
        self._sink = sink
        self._state = "preamble"
        self._parts = 0

    @property
    def finished(self) -> bool:
        return self._state == "end"

    def feed(self, data: bytes) -> None:
        if self._state == "end":
            return  # the epilogue is ignored
        self._buffer += data
        while self._step():
            pass

    def _step(self) -> bool:
        """Advance one state if the buffer allows it; ``False`` when more bytes are needed."""
        if self._state in ("preamble", "body"):
            return self._scan_to_delimiter()
        if self._state == "after_delimiter":
            return self._after_delimiter()
        if self._state == "headers":
            return self._read_headers()
        return False

    def _scan_to_delimiter(self) -> bool:
        index = self._buffer.find(self._delimiter)
        if index < 0:
            keep = len(self._delimiter) - 1
            if self._state == "body" and len(self._buffer) > keep:
                self._sink.part_data(bytes(self._buffer[:-keep]))
            if len(self._buffer) > keep:
                del self._buffer[:-keep]
            return False
        if self._state == "body":
            if index:
                self._sink.part_data(bytes(self._buffer[:index]))
            self._sink.part_end()
        del self._buffer[:index + len(self._delimiter)]
        self._state = "after_delimiter"
        return True

    def _after_delimiter(self) -> bool:
        if len(self._buffer) < 2:
            return False
        marker = bytes(self._buffer[:2])
        del self._buffer[:2]
        if marker == b"--":
            self._state = "end"
            self._buffer.clear()
            return False
        if marker != b"\r\n":
            raise _fail("a boundary is not followed by CRLF")
        self._state = "headers"
        return True

    def _read_headers(self) -> bool:
        end = self._buffer.find(b"\r\n\r\n")
        if end < 0:
            if len(self._buffer) > MAX_HEADER_BYTES:
                raise _fail("part headers are too long")
            return False
        raw = bytes(self._buffer[:end])
        del self._buffer[:end + 4]
        self._parts += 1
        if self._parts > MAX_PARTS:
            raise _fail(f"more than {MAX_PARTS} parts")
        self._sink.part_begin(_parse_headers(raw))
        self._state = "body"
        return True


def _parse_headers(raw: bytes) -> PartHeaders:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise _fail("part headers are not UTF-8") from None
    fields: dict[str, str] = {}
    for line in text.split("\r\n"):
        key, colon, value = line.partition(":")
        if not colon:
            raise _fail("a part header line has no ':'")
        fields[key.strip().lower()] = value.strip()
    disposition = fields.get("content-disposition")
    if disposition is None:
        raise _fail("a part has no Content-Disposition header")
    message = email.message.Message()
    message["content-disposition"] = disposition
    if message.get_content_disposition() != "form-data":
        raise _fail("a part is not form-data")
    name = message.get_param("name", header="content-disposition")
    if name is None:
        raise _fail("a part has no name")
    return PartHeaders(name=email.utils.collapse_rfc2231_value(name),
                       filename=message.get_filename(),
                       content_type=fields.get("content-type", "text/plain"))
