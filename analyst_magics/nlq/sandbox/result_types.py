"""The types a result may declare: the pandas dtypes and Arrow types the encoder writes.

A result comes from the sandbox, so the parent reads its type declarations as untrusted
text. A dtype name is resolved only if it names a kind of column the encoder sends, and a
time zone inside it (``datetime64[ns, <zone>]``, an Arrow timestamp's ``tz``) only if it is a
zone name or a fixed offset: pandas would otherwise read ``dateutil/<path>`` as a file, in the
parent. Arrow types are accepted only in the forms the encoder writes for the declared dtype:
a NumPy dtype comes as a primitive array (a dictionary or run-end encoded array would make a
few bytes on the wire into gigabytes once decoded), text as a plain string array, objects as
the encoder's union; view types, run-end encoding and foreign extension types never.

>>> pandas_dtype("datetime64[ns, Europe/Paris]")
datetime64[ns, Europe/Paris]
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
from pandas.core.dtypes.dtypes import BaseMaskedDtype

from .timezones import zone_names

__all__ = ["check_arrow_type", "pandas_dtype"]

_ZONED = re.compile(r"datetime64\[(\w+), (.+)\]$")
_OFFSET = re.compile(r"(?:UTC|GMT)?[+-]\d{2}:?\d{2}$")
_EXTENSION_DTYPES = (pd.CategoricalDtype, pd.StringDtype, BaseMaskedDtype, pd.ArrowDtype,
                     pd.DatetimeTZDtype, pd.PeriodDtype, pd.IntervalDtype)
#: Arrow extension types pandas itself registers (periods and intervals), by class name.
_PANDAS_EXTENSIONS = frozenset({"ArrowPeriodType", "ArrowIntervalType"})
_PRIMITIVE = (pa.types.is_boolean, pa.types.is_integer, pa.types.is_floating,
              pa.types.is_timestamp, pa.types.is_duration, pa.types.is_date, pa.types.is_time,
              pa.types.is_decimal, pa.types.is_null)
_TEXT = (pa.types.is_string, pa.types.is_large_string, pa.types.is_binary,
         pa.types.is_large_binary, pa.types.is_fixed_size_binary)


def _zone_ok(zone: str) -> bool:
    name = zone.removeprefix("dateutil/")
    return name in zone_names() or bool(_OFFSET.match(zone))


def pandas_dtype(name: str) -> Any:
    """The pandas dtype a result field declares, or TypeError for anything else."""
    zoned = _ZONED.match(name)
    if zoned and not _zone_ok(zoned.group(2)):
        raise TypeError(f"unexpected time zone {zoned.group(2)!r} in a result")
    dtype = pd.api.types.pandas_dtype(name)
    if isinstance(dtype, np.dtype):
        if dtype.kind not in "biufcmMO" or dtype.fields:
            raise TypeError(f"unexpected column type {dtype}")
        return dtype
    if not isinstance(dtype, _EXTENSION_DTYPES):
        raise TypeError(f"unexpected column type {dtype}")
    if isinstance(dtype, pd.ArrowDtype):
        check_arrow_type(dtype.pyarrow_dtype)
    return dtype


def check_arrow_type(arrow: pa.DataType, declared: Any = None) -> None:
    """Refuse an Arrow type the encoder does not write (for the ``declared`` dtype)."""
    if isinstance(declared, np.dtype) and not any(test(arrow) for test in _PRIMITIVE):
        raise TypeError(f"unexpected {arrow} for a {declared} column")  # objects: a union
    elif isinstance(declared, pd.StringDtype) and not any(test(arrow) for test in _TEXT[:2]):
        raise TypeError(f"unexpected {arrow} for a text column")
    _walk(arrow)


def _walk(arrow: pa.DataType, depth: int = 0) -> None:
    if depth > 8:
        raise TypeError("result types nested too deeply")
    if pa.types.is_timestamp(arrow) and arrow.tz is not None and not _zone_ok(arrow.tz):
        raise TypeError(f"unexpected time zone {arrow.tz!r} in a result")
    if any(test(arrow) for test in (*_PRIMITIVE, *_TEXT)) or pa.types.is_interval(arrow):
        return
    for inner in _children(arrow):
        _walk(inner, depth + 1)


def _children(arrow: pa.DataType) -> list[pa.DataType]:
    """The types a nested type is made of; TypeError for a kind the encoder never writes."""
    if isinstance(arrow, pa.ExtensionType):
        if type(arrow).__name__ not in _PANDAS_EXTENSIONS:
            raise TypeError(f"unexpected extension type {arrow}")
        return [arrow.storage_type]
    if pa.types.is_dictionary(arrow):
        return [arrow.index_type, arrow.value_type]
    if (pa.types.is_list(arrow) or pa.types.is_large_list(arrow)
            or pa.types.is_fixed_size_list(arrow)):
        return [arrow.value_type]
    if pa.types.is_map(arrow):
        return [arrow.key_type, arrow.item_type]
    if pa.types.is_struct(arrow) or pa.types.is_union(arrow):
        return [arrow.field(index).type for index in range(arrow.num_fields)]
    raise TypeError(f"unexpected Arrow type {arrow} in a result")
