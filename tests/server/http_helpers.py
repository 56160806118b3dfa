"""Request builders the tests share: multipart bodies, and raw requests for what clients hide."""

from __future__ import annotations

import select
import socket
import uuid
from collections.abc import Iterable, Iterator

__all__ = ["CSV", "LIMIT_MB", "chunked", "multipart", "raw_request"]

LIMIT_MB = 16
CSV = b"region,sales\nNorth,120\nSouth,85.5\nEast,99\n"


def multipart(content: bytes, filename: str = "data.csv", *, field: str = "file",
              content_type: str = "text/csv", fields: dict[str, str] | None = None,
              disposition: str | None = None) -> tuple[bytes, str]:
    """A ``multipart/form-data`` body (tornado has no client helper) and its Content-Type."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in (fields or {}).items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     .encode() + value.encode() + b"\r\n")
    disposition = disposition or f'form-data; name="{field}"; filename="{filename}"'
    parts.append(f"--{boundary}\r\nContent-Disposition: {disposition}\r\n"
                 f"Content-Type: {content_type}\r\n\r\n".encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def raw_request(port: int, path: str, headers: dict[str, str], chunks: Iterable[bytes], *,
                pause: float = 0.0, method: str = "POST") -> tuple[int, bytes, int]:
    """Send a request by hand (chunked, lying about its length, or slow) from a thread.

    Stops sending as soon as the server answers; returns ``(status, body, bytes sent)``
    (status 0 when the server closed the connection without an answer).
    """
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    sock.sendall(head.encode())
    sent, answer = 0, b""
    try:
        for chunk in chunks:
            readable, _, _ = select.select([sock], [], [], pause)
            if readable:
                break
            sock.sendall(chunk)
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass
    try:
        while (more := sock.recv(65536)):
            answer += more
            if _complete(answer):
                break
    except (ConnectionResetError, TimeoutError):
        pass
    sock.close()
    status = int(answer.split(b" ", 2)[1]) if answer.startswith(b"HTTP/1.1 ") else 0
    return status, answer.partition(b"\r\n\r\n")[2], sent


def _complete(answer: bytes) -> bool:
    head, sep, body = answer.partition(b"\r\n\r\n")
    if not sep:
        return False
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def chunked(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """``pieces`` in HTTP/1.1 chunked transfer encoding (the terminating chunk included)."""
    for piece in pieces:
        yield f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    yield b"0\r\n\r\n"
