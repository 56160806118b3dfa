"""Which frames a holder holds, and whether each is still what the user has.

A frame crosses to a holder once and is reused while it is unchanged. With copy-on-write
(always on in pandas 3) "unchanged" is exact and cheap: the cache keeps a shallow copy, so
any in-place write to the user's frame makes pandas copy the written block, which changes the
block's reference set (checked in microseconds, whatever the size). Without copy-on-write
(pandas 2.2 by default) the cache compares a checksum of the frame's data, computed at most
once per call however many workers are asked (:class:`Probe`); object columns are checked
by which objects they hold, not by hashing every text.

A holder holds the frames of one call and nothing else (``holder.py``): it serves a later
call only if that call binds exactly the same frames, unchanged (:meth:`FrameCache.serves`).
"""

from __future__ import annotations

import ctypes
import functools
import weakref
import zlib
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["FrameCache", "Probe"]


def _copy_on_write() -> bool:
    return int(pd.__version__.split(".")[0]) >= 3 or pd.get_option("mode.copy_on_write") is True


def _blocks(frame: pd.DataFrame) -> list[tuple[Any, bytes]]:
    return [(block.refs, block.mgr_locs.as_array.tobytes()) for block in frame._mgr.blocks]


def _checksum(frame: pd.DataFrame) -> tuple[int, ...]:
    """A position-sensitive checksum of the data, one CRC-32 per block: of NumPy values as
    they lie in memory, of the cells' addresses for object blocks (see :func:`_anchors`),
    of pandas' row hashes for extension arrays."""
    sums = []
    for block in frame._mgr.blocks:
        values = block.values
        if isinstance(values, np.ndarray) and values.dtype.kind == "O":
            values = _addresses(values)
        elif not (isinstance(values, np.ndarray) and values.dtype.kind in "biufcmM"):
            values = _row_hashes(frame.iloc[:, block.mgr_locs.as_array])
        sums.append(zlib.crc32(np.ascontiguousarray(values).reshape(-1).view(np.uint8).data))
    return tuple(sums)


def _addresses(cells: np.ndarray) -> np.ndarray:
    """Which objects an object array holds, read from its pointer table.

    Hashing the cells' contents costs ~100 ns per text cell; reading the table is a memory
    copy. NumPy exports no buffer for object arrays, hence ctypes. A cell replaced by another
    object changes its address; the held entry keeps the old objects alive (:func:`_anchors`)
    so no new object can take an old address. An edit inside a mutable cell (a list) is
    not seen, as pandas itself treats cells as opaque.
    """
    cells = np.ascontiguousarray(cells)
    table = (ctypes.c_char * cells.nbytes).from_address(cells.__array_interface__["data"][0])
    return np.frombuffer(memoryview(table), dtype=np.uintp).copy()


def _anchors(frame: pd.DataFrame) -> list[np.ndarray]:
    """Copies of the object blocks: they keep the cells' objects alive while held."""
    return [block.values.copy() for block in frame._mgr.blocks
            if isinstance(block.values, np.ndarray) and block.values.dtype.kind == "O"]


def _row_hashes(columns: pd.DataFrame) -> np.ndarray:
    try:
        return pd.util.hash_pandas_object(columns, index=False).to_numpy()
    except TypeError:  # unhashable values (lists) in an extension array: their text
        return pd.util.hash_pandas_object(columns.astype(str), index=False).to_numpy()


class Probe:
    """One frame of one call: its shape now, and its checksum when first needed."""

    def __init__(self, frame: pd.DataFrame, *, copy_on_write: bool | None = None) -> None:
        self.frame = frame
        self.cow = _copy_on_write() if copy_on_write is None else copy_on_write
        self.names = (tuple(frame.index.names), tuple(frame.columns.names), frame.shape)
        self._checksum: tuple[int, ...] | None = None

    def prepare(self) -> None:
        """Compute now what matching will need (the checksum, without copy-on-write)."""
        if not self.cow:
            self.checksum  # noqa: B018 - computed for its side effect: cached

    @property
    def checksum(self) -> tuple[int, ...]:
        if self._checksum is None:
            self._checksum = _checksum(self.frame)
        return self._checksum


@dataclass
class _Held:
    key: str
    ident: int
    size: int
    ref: weakref.ref
    names: tuple
    axes: tuple[pd.Index, pd.Index]
    snapshot: pd.DataFrame | None
    checksum: tuple[int, ...] | None
    anchors: list[np.ndarray]

    def matches(self, probe: Probe) -> bool:
        if self.names != probe.names or self.ref() is not probe.frame:
            return False
        frame: Any = probe.frame
        if not all(now is then or now.equals(then)
                   for now, then in zip((frame.index, frame.columns), self.axes, strict=True)):
            return False
        if self.snapshot is None:
            return self.checksum == probe.checksum
        now, then = _blocks(frame), _blocks(self.snapshot)
        return len(now) == len(then) and all(
            a[0] is b[0] and a[1] == b[1] for a, b in zip(now, then, strict=True))


class FrameCache:
    """The parent's record of the frames one holder holds, by the user's frame objects."""

    def __init__(self) -> None:
        self._held: dict[str, _Held] = {}
        self._by_id: dict[int, str] = {}
        self._gone: list[str] = []  # filled by weakref callbacks
        self._serial = 0

    @property
    def size(self) -> int:
        """Bytes of frames held."""
        return sum(held.size for held in self._held.values())

    @property
    def lost(self) -> bool:
        """Whether a frame held has since been garbage-collected in the parent."""
        return bool(self._gone)

    def find(self, probe: Probe) -> str | None:
        """The holder's key for the probed frame if it holds it unchanged."""
        held = self._held.get(self._by_id.get(id(probe.frame), ""))
        return held.key if held is not None and held.matches(probe) else None

    def serves(self, probes: list[Probe]) -> bool:
        """Whether the holder holds exactly these frames, all unchanged."""
        if not probes or self._gone:
            return False
        keys = {self.find(probe) for probe in probes}
        return None not in keys and keys == self._held.keys()

    def add(self, probe: Probe, size: int) -> str:
        """Record that the holder is sent the probed frame (``size`` bytes); its key."""
        frame = probe.frame
        self._serial += 1
        key = f"f{self._serial}"
        self._held[key] = _Held(
            key, id(frame), size, weakref.ref(frame, functools.partial(self._lost, key)),
            probe.names, (frame.index, frame.columns), frame.copy(deep=False) if probe.cow
            else None, None if probe.cow else probe.checksum, [] if probe.cow else _anchors(frame))
        self._by_id[id(frame)] = key
        return key

    def _lost(self, key: str, _: object) -> None:
        self._gone.append(key)
