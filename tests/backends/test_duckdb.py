"""DuckDB tables: generated SQL is one read-only query of the table, the connection itself can
reach nothing else, and a file is profiled where it lies, with the pandas profile's figures."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

duckdb = pytest.importorskip("duckdb", reason="the duckdb extra is not installed")

import analyst_magics as am  # noqa: E402
from analyst_magics.backends.duckdb_engine import DuckTable  # noqa: E402
from analyst_magics.backends.sql_policy import SQLPolicyError, check_query  # noqa: E402
from analyst_magics.errors import DataLoadError, SandboxError  # noqa: E402
from analyst_magics.pipeline import insights as insights_module  # noqa: E402

#: What generated SQL might try, by class: each must be refused by the policy.
REFUSED = {
    "a file as a table": ["SELECT * FROM '/etc/passwd'", "SELECT * FROM \"/etc/hosts\"",
                          "SELECT * FROM 'https://example.com/x.csv'"],
    "a table function": ["SELECT * FROM read_csv('/etc/passwd')",
                         "SELECT * FROM read_parquet(['a.parquet'])",
                         "SELECT * FROM glob('/root/*')", "SELECT * FROM duckdb_settings()",
                         "SELECT count(*) FROM data, read_text('/etc/shadow')"],
    "a file or system function": ["SELECT read_blob('/etc/passwd')",
                                  "SELECT getenv('HOME') FROM data",
                                  "SELECT a FROM data WHERE current_setting('x') = '1'"],
    "another statement": ["ATTACH '/tmp/other.db' AS o", "INSTALL httpfs", "LOAD httpfs",
                          "COPY data TO '/tmp/out.csv'", "SET enable_external_access = true",
                          "PRAGMA database_list", "CREATE TABLE t AS SELECT * FROM data",
                          "INSERT INTO data VALUES (1)", "DELETE FROM data", "DROP VIEW data",
                          "EXPORT DATABASE '/tmp/x'", "DESCRIBE data"],
    "two statements": ["SELECT 1; SELECT 2", "SELECT * FROM data; DROP VIEW data"],
    "another table": ["SELECT * FROM other", "SELECT * FROM main.data",
                      "SELECT * FROM data WHERE a IN (SELECT a FROM secrets)",
                      "SELECT * INTO copy FROM data"],
}
ALLOWED = ["SELECT a, count(*) AS n FROM data GROUP BY a ORDER BY n DESC LIMIT 5",
           "WITH big AS (SELECT * FROM data WHERE b > 1) SELECT avg(b) FROM big",
           "SELECT a FROM DATA UNION ALL SELECT a FROM data",
           "SELECT a, b, row_number() OVER (PARTITION BY a ORDER BY b) FROM data",
           "SELECT date_trunc('month', d) AS m, sum(b) FROM data GROUP BY ALL"]


@pytest.mark.parametrize("sql", [s for group in REFUSED.values() for s in group])
def test_the_policy_refuses_what_is_not_a_query_of_the_table(sql: str) -> None:
    with pytest.raises(SQLPolicyError) as refused:
        check_query(sql, ["data"])
    assert refused.value.kind == "policy" and str(refused.value)


@pytest.mark.parametrize("sql", ALLOWED)
def test_the_policy_lets_queries_of_the_table_through(sql: str) -> None:
    assert check_query(sql, ["data"]).upper().startswith(("SELECT", "WITH"))


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(7)
    n = 50_000
    df = pd.DataFrame({
        "region": rng.choice(["north", "south", "east", "west"], n),
        "revenue": rng.gamma(2.0, 50.0, n),
        "units": rng.integers(-3, 40, n),
        "ordered": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n), "D"),
        "returned": rng.random(n) < 0.2,
        "order_id": np.arange(n),
        "note": rng.choice(["late delivery", "gift wrap", "call before", None], n),
    })
    df.loc[::9, "revenue"] = np.nan
    return pd.concat([df, df.head(25)], ignore_index=True)  # 25 duplicate rows


@pytest.fixture(scope="module")
def parquet(frame: pd.DataFrame, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("duck") / "orders.parquet"
    frame.to_parquet(path)
    return path


def test_the_connection_itself_reaches_nothing_but_the_file(parquet: Path, tmp_path: Path) -> None:
    table = DuckTable(parquet)
    secret = tmp_path / "secret.csv"
    secret.write_text("x\n1\n")
    # trusted SQL, past the policy: the database's own lock still holds
    for sql in (f"SELECT * FROM read_csv('{secret}')", f"ATTACH '{tmp_path / 'o.db'}'",
                "INSTALL httpfs", f"COPY data TO '{tmp_path / 'out.csv'}'",
                "SELECT * FROM read_parquet('https://example.com/x.parquet')",
                "SET enable_external_access = true", "SET allowed_paths = ['/']"):
        with pytest.raises(duckdb.Error):
            table.query(sql)
    assert not (tmp_path / "out.csv").exists() and not (tmp_path / "o.db").exists()
    assert table.query("SELECT count(*) FROM data")[0][0] == table.rows


def test_generated_sql_runs_checked_and_within_its_time(parquet: Path, frame: pd.DataFrame) -> None:
    table = DuckTable(parquet)
    got = table.sql("SELECT region, sum(revenue) AS total FROM data GROUP BY region "
                    "ORDER BY region")
    expected = frame.groupby("region")["revenue"].sum().sort_index()
    assert got["region"].tolist() == expected.index.tolist()
    np.testing.assert_allclose(got["total"], expected.to_numpy())
    with pytest.raises(SQLPolicyError):
        table.sql("SELECT * FROM read_csv('/etc/passwd')")
    with pytest.raises(SandboxError) as stopped:
        table.sql("SELECT count(*) FROM data a, data b, data c", timeout=0.5)
    assert stopped.value.kind == "time_limit"
    assert table.sql("SELECT count(*) AS n FROM data")["n"].iloc[0] == len(frame)  # still usable
    with pytest.raises(SandboxError, match="more than 1,000 rows") as large:
        table.sql("SELECT * FROM data", max_rows=1_000)
    assert large.value.kind == "memory_limit"
    first = table.sql("SELECT order_id FROM data ORDER BY order_id DESC LIMIT 3")
    assert first["order_id"].tolist() == [len(frame) - 26, len(frame) - 27, len(frame) - 28]


def test_functions_that_need_rows_in_memory_say_what_works(parquet: Path) -> None:
    table = am.load(parquet, backend="duckdb")
    for call in (lambda: am.ask(table, "how many rows?"), lambda: am.clean(table)):
        with pytest.raises(DataLoadError, match=r"got DuckTable.*\.sql\(query\).*backend='pandas'"):
            call()


def test_insights_of_a_table_are_found_on_a_sample_they_disclose(
        parquet: Path, frame: pd.DataFrame, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(insights_module, "TABLE_SAMPLE_ROWS", 20_000)
    table = am.load(parquet, backend="duckdb")
    found = am.insights(table)
    assert found, "the sample holds findings (revenue is 11% missing, 20% of orders returned)"
    note = f"found on a uniform sample of 20,000 of {len(frame):,} rows"
    assert all(f.evidence.details["table_sample"] == note for f in found)
    assert all(f.text.endswith(f"({note[0].upper()}{note[1:]}.)") for f in found)
    again = am.insights(am.load(parquet, backend="duckdb"))
    assert [f.title for f in again] == [f.title for f in found]  # the same sample each time
    sample = table.sample_frame(20_000)
    assert len(sample) == 20_000 and list(sample.columns) == list(frame.columns)


def test_insights_of_a_small_table_use_every_row(parquet: Path, frame: pd.DataFrame) -> None:
    found = am.insights(am.load(parquet, backend="duckdb"))
    assert [f.title for f in found] == [f.title for f in am.insights(frame)]
    assert not any("table_sample" in f.evidence.details for f in found)


@pytest.mark.parametrize("suffix", [".parquet", ".csv"])
def test_the_profile_by_pushdown_matches_the_pandas_profile(
        frame: pd.DataFrame, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"orders{suffix}"
    frame.to_parquet(path) if suffix == ".parquet" else frame.to_csv(path, index=False)
    pushed = am.profile(am.load(path, backend="duckdb"))
    local = am.profile(frame)  # DuckDB reads the CSV's dates as dates: compare with the source
    assert (pushed.name, pushed.rows, pushed.columns) == ("orders", len(frame), frame.shape[1])
    assert pushed.duplicate_rows == local.duplicate_rows == 25
    assert pushed.missing_cells == local.missing_cells
    for ours, theirs in zip(pushed.column_profiles, local.column_profiles, strict=True):
        assert ours.name == theirs.name
        assert ours.semantic_type == theirs.semantic_type, ours.name
        assert (ours.count, ours.distinct) == (theirs.count, theirs.distinct), ours.name
        for stat in ("mean", "std", "skewness", "kurtosis", "mean_length"):
            assert _close(getattr(ours, stat), getattr(theirs, stat)), (ours.name, stat)
        assert (ours.min, ours.max, ours.zeros, ours.negatives) == (
            theirs.min, theirs.max, theirs.zeros, theirs.negatives), ours.name
        assert ours.quantiles.keys() == theirs.quantiles.keys()
        for level, value in ours.quantiles.items():
            assert _close(value, theirs.quantiles[level]), (ours.name, level)
        assert ours.histogram == theirs.histogram, ours.name
        assert ours.frequent == theirs.frequent, ours.name


def _close(ours: object, theirs: object) -> bool:
    """Equal, or equal numbers to 1e-9 (the two engines sum in different orders)."""
    if isinstance(ours, float) and isinstance(theirs, float):
        return ours == pytest.approx(theirs, rel=1e-9)
    return ours == theirs


def test_a_file_larger_than_the_memory_limit_is_profiled(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    n = 4_000_000  # about 130 MB of values: nearly three times the limit below
    path = tmp_path / "big.parquet"
    pd.DataFrame({"key": rng.integers(0, n, n), "x": rng.random(n), "y": rng.normal(size=n),
                  "label": rng.integers(0, 1000, n).astype(str)}).to_parquet(
        path, row_group_size=250_000)
    table = DuckTable(path, memory_limit="48MB", temp_dir=tmp_path / "spill")
    result = am.profile(table)
    assert result.rows == n and result.column("x").count == n
    assert 0.49 < result.column("x").mean < 0.51
    assert result.column("y").quantiles["50%"] == pytest.approx(0.0, abs=0.01)  # approximate
    assert 950 <= result.column("label").distinct <= 1050  # approximate: HyperLogLog


def test_a_table_removes_the_spill_directory_it_made(parquet: Path) -> None:
    table = DuckTable(parquet)
    spill = Path(table.query("SELECT current_setting('temp_directory')")[0][0])
    assert spill.is_dir()
    table.close()
    assert not spill.exists()


def test_load_chooses_the_backend(parquet: Path) -> None:
    assert isinstance(am.load(parquet), pd.DataFrame)  # auto: a small file goes to memory
    table = am.load(parquet, backend="duckdb", name="sales")
    assert isinstance(table, DuckTable) and table.label == "sales" and table.name == "data"
    with pytest.raises(DataLoadError, match="backend='spark'.*auto, pandas, duckdb"):
        am.load(parquet, backend="spark")
