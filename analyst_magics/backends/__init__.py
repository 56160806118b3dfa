"""Tables that are not pandas DataFrames: files read by DuckDB, queried where they lie.

pandas stays the engine for in-memory frames; a file too large for memory is a
:class:`~analyst_magics.backends.duckdb_engine.DuckTable`, profiled and asked about through
SQL that is checked (``sql_policy``) and run on a locked connection (``duckdb_engine``).
"""
