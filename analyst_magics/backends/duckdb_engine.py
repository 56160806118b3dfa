"""A file queried by DuckDB where it lies, on a connection that can read that file only.

:class:`DuckTable` registers a Parquet or CSV file as a view and then locks the connection:
external access off (no other file, no URL, no extension can be reached), the configuration
frozen so SQL cannot turn it back on, a memory limit with a temporary directory to spill to,
so a file larger than memory is scanned rather than refused. Generated SQL passes
``sql_policy.check_query`` first and runs under a time limit that interrupts the query.
"""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import weakref
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import get_settings, physical_memory_bytes
from ..errors import ConfigError, DataLoadError, SandboxError
from ..models import Profile
from .duckdb_profile import profile_table
from .sql_policy import check_query
from .sql_text import literal, quote

__all__ = ["DuckTable", "default_memory_limit", "memory_bytes"]

#: Most rows a query's result may have: it becomes a pandas DataFrame in this process.
RESULT_ROWS = 1_000_000
#: What DuckDB reads, by file extension.
READERS = {".parquet": "read_parquet", ".csv": "read_csv", ".tsv": "read_csv",
           ".txt": "read_csv"}


_UNITS = {"": 1, "b": 1, "kb": 10**3, "mb": 10**6, "gb": 10**9, "tb": 10**12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}


def memory_bytes(limit: str) -> int:
    """``"4GB"``, ``"512 MiB"``: a DuckDB memory size in bytes."""
    match = re.fullmatch(r"\s*([\d.]+)\s*([a-zA-Z]*)\s*", limit)
    if match is None or match[2].lower() not in _UNITS:
        raise ConfigError(f"ANALYST_DUCKDB_MEMORY_LIMIT={limit!r} is not a memory size; write "
                          "it as DuckDB does, for example 8GB or 512MB.")
    return int(float(match[1]) * _UNITS[match[2].lower()])


def default_memory_limit() -> str:
    """About half of this machine's memory, as DuckDB's ``memory_limit`` reads it."""
    return f"{max(physical_memory_bytes() // 2 // 2**20, 256)}MB"


class DuckTable:
    """A table in a file, held by DuckDB: the handle ``am.load(path, backend="duckdb")`` gives.

    Parameters
    ----------
    path : str or Path
        A ``.parquet``, ``.csv``, ``.tsv`` or ``.txt`` file.
    name : str, default "data"
        The table's name in SQL.
    label : str, optional
        The dataset's name in results and reports; default the file's stem.
    memory_limit : str, optional
        DuckDB's memory limit (``"4GB"``); default ``ANALYST_DUCKDB_MEMORY_LIMIT``, or half of
        the machine's memory.
    temp_dir : str or Path, optional
        Where DuckDB spills beyond the limit; default ``ANALYST_DUCKDB_TEMP_DIR``, or a new
        directory under the system's temporary directory.
    """

    def __init__(self, path: str | Path, *, name: str = "data", label: str | None = None,
                 memory_limit: str | None = None, temp_dir: str | Path | None = None) -> None:
        import duckdb

        self.path = Path(path).expanduser().resolve()
        reader = READERS.get(self.path.suffix.lower())
        if reader is None:
            raise DataLoadError(f"{self.path.name}: DuckDB reads {', '.join(sorted(READERS))} "
                                "files; convert it, or load it with backend='pandas'.")
        if not self.path.is_file():
            raise DataLoadError(f"{self.path}: no such file.")
        settings = get_settings()
        self.name, self.label = name, label or self.path.stem
        self.memory_limit = memory_limit or settings.duckdb_memory_limit or default_memory_limit()
        self.memory_limit_bytes = memory_bytes(self.memory_limit)  # a clear error before DuckDB's
        spill = temp_dir or settings.duckdb_temp_dir
        self._remove_spill: weakref.finalize | None = None
        if not spill:  # a directory of our own, removed with the table (or by close())
            spill = tempfile.mkdtemp(prefix="analyst-duckdb-")
            self._remove_spill = weakref.finalize(self, shutil.rmtree, spill, ignore_errors=True)
        self._lock = threading.Lock()
        self._con = duckdb.connect(":memory:")
        try:
            self._con.execute(f"SET memory_limit = {literal(self.memory_limit)}")
            self._con.execute(f"SET temp_directory = {literal(str(spill))}")
            self._con.execute(f"SET allowed_paths = [{literal(str(self.path))}]")
            self._con.execute(f"CREATE VIEW {quote(name)} AS SELECT * FROM "
                              f"{reader}({literal(str(self.path))})")
            self._con.execute("SET enable_external_access = false")
            self._con.execute("SET lock_configuration = true")
            schema = self._con.execute(f"DESCRIBE {quote(name)}").fetchall()
            counted = self._con.execute(f"SELECT count(*) FROM {quote(name)}").fetchall()
            self.rows = int(counted[0][0])
        except duckdb.Error as exc:
            self._con.close()
            raise DataLoadError(f"{self.path.name}: DuckDB could not read it: {exc}") from None
        self.dtypes: dict[str, str] = {row[0]: row[1] for row in schema}

    @property
    def columns(self) -> list[str]:
        return list(self.dtypes)

    @property
    def shape(self) -> tuple[int, int]:
        return self.rows, len(self.dtypes)

    def __repr__(self) -> str:
        return (f"DuckTable({self.name!r}: {self.rows:,} rows × {len(self.dtypes)} columns "
                f"from {self.path.name})")

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        """Run trusted SQL written by this package (the profile's aggregates)."""
        with self._lock:
            return self._con.execute(sql).fetchall()

    def sql(self, sql: str, *, timeout: float | None = None,
            max_rows: int = RESULT_ROWS) -> pd.DataFrame:
        """Run generated SQL: checked as one read-only query of this table, then run with a
        time limit (default ``ANALYST_SANDBOX_TIMEOUT_S``); the result, at most ``max_rows``
        rows, as a DataFrame."""
        import duckdb

        checked = check_query(sql, [self.name])
        limit = timeout if timeout is not None else get_settings().sandbox_timeout_s
        with self._lock:
            timer = threading.Timer(limit, self._con.interrupt)
            timer.start()
            try:
                result = self._con.execute(
                    f"SELECT * FROM ({checked}) LIMIT {max_rows + 1}").df()
            except duckdb.InterruptException:
                raise SandboxError(f"The query did not finish within {limit:g} s and was "
                                   "stopped; simplify it or raise ANALYST_SANDBOX_TIMEOUT_S.",
                                   kind="time_limit") from None
            except duckdb.Error as exc:
                raise SandboxError(f"The query failed in DuckDB: {exc}",
                                   kind="runtime") from None
            finally:
                timer.cancel()
        if len(result) > max_rows:
            raise SandboxError(f"The query returns more than {max_rows:,} rows, more than a "
                               "result should hold in memory; aggregate, filter or add LIMIT.",
                               kind="memory_limit")
        return result

    def sample_frame(self, rows: int, *, seed: int = 0) -> pd.DataFrame:
        """A uniform sample of ``rows`` rows (all of them when the table is smaller), as a
        DataFrame: a reservoir sample, the same for the same ``seed``."""
        with self._lock:
            if self.rows <= rows:
                return self._con.execute(f"SELECT * FROM {quote(self.name)}").df()
            return self._con.execute(
                f"SELECT * FROM {quote(self.name)} USING SAMPLE reservoir({int(rows)} ROWS) "
                f"REPEATABLE ({int(seed)})").df()

    def pushdown_profile(self, **options: Any) -> Profile:
        """``am.profile(table)``: the profile computed by DuckDB (``duckdb_profile``)."""
        return profile_table(self, **options)

    def close(self) -> None:
        self._con.close()
        if self._remove_spill is not None:
            self._remove_spill()
