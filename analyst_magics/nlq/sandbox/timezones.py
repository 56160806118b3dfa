"""Time zones by IANA name only.

pandas reads a time zone string ``'dateutil/<name>'`` (in ``tz=``, ``tz_localize``,
``tz_convert``, a ``datetime64[ns, ...]`` dtype, ``Timestamp.now(...)``...) by handing
``<name>`` to ``dateutil.tz.gettz``, which takes absolute and relative *paths* as well as
zone names, so the error tells whether any file exists. Every such string, by whichever
method it arrives, goes through the one function pandas' time zone module looked up when it
was imported; :func:`install` replaces it, in the sandbox worker only, with one that accepts
the IANA names this Python knows and refuses anything else as policy. Zone names without
the prefix go to :class:`zoneinfo.ZoneInfo`, which refuses paths itself.
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from .refusals import refuse

__all__ = ["install", "zone_names"]


@cache
def zone_names() -> frozenset[str]:
    """The IANA zone names this Python knows (system zoneinfo or the tzdata package)."""
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


def install() -> None:
    """Have pandas accept only IANA names after ``dateutil/`` (idempotent)."""
    from pandas._libs.tslibs import timezones

    original = timezones.dateutil_gettz
    if getattr(original, "sandboxed", False):
        return
    names = zone_names()

    def gettz(name: Any = None) -> Any:
        if not (isinstance(name, str) and name in names):
            refuse(f"Time zone 'dateutil/{name}' is not allowed: use an IANA zone name such "
                   "as 'Europe/Paris', 'America/New_York' or 'UTC'.")
        return original(name)

    gettz.sandboxed = True  # type: ignore[attr-defined]
    timezones.dateutil_gettz = gettz
