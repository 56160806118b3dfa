"""The sandbox's fork server: a clean interpreter that forks one frame holder per frame set.

Started by the parent as ``python -m analyst_magics.nlq.sandbox.worker SOCKET_FD`` with a
scrubbed environment (no reliance on ``__main__`` of a kernel or server). It imports pandas,
installs the time zone policy and practises once, and then never touches data: for each
request it receives two pipe descriptors over its UNIX socket (``SCM_RIGHTS``) and forks a
holder (``holder.py``) that serves one set of frames to the parent over them. Every holder
starts from this clean state, so code run on one set of frames, even code that escaped the
policy, shares memory with no process that ever held another set's frames.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import socket
import sys

from . import holder, timezones
from .confine import Confinement
from .runner import practise

__all__ = ["SPAWN", "main"]

#: What the parent sends (with two descriptors) to have a holder forked.
SPAWN = b"spawn"
_REAP_EVERY_S = 0.5


def serve(channel: socket.socket, confinement: Confinement) -> None:
    """Fork a holder for each request until the parent closes the channel."""
    me = os.getpid()
    while True:
        _reap()
        if not select.select([channel], [], [], _REAP_EVERY_S)[0]:
            continue
        message, fds, _, _ = socket.recv_fds(channel, 64, 2)
        if not message:  # the parent has gone
            return
        if message != SPAWN or len(fds) != 2:
            for fd in fds:
                os.close(fd)
            channel.send(json.dumps({"status": "error"}).encode())
            continue
        pid = os.fork()
        if pid == 0:  # the holder: never returns
            channel.close()
            holder.serve(fds[0], fds[1], confinement, me)
        for fd in fds:
            os.close(fd)
        channel.send(json.dumps({"status": "ok", "pid": pid}).encode())


def _reap() -> None:
    with contextlib.suppress(ChildProcessError):
        while os.waitpid(-1, os.WNOHANG)[0]:
            pass


def main(argv: list[str] | None = None) -> None:
    """Entry point of the fork server process."""
    args = sys.argv[1:] if argv is None else argv
    channel = socket.socket(fileno=int(args[0]))
    os.nice(int(args[1]))  # below the asking process: its IOLoop or kernel comes first
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C in a kernel reaches the group
    timezones.install()
    practise()  # imports and first calls happen once, before any fork
    confinement = Confinement()
    channel.send(json.dumps({"status": "ready", "pid": os.getpid()}).encode())
    serve(channel, confinement)


if __name__ == "__main__":
    main()
