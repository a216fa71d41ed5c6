"""Frames are read exactly as files: every frame type gives the results of the file it holds.

``examples/four-good/cells.csv`` read by path is the reference; the same data as a pandas frame
(NumPy, Arrow and nullable dtypes, filtered), a Polars frame (eager, lazy, text-typed), a PyArrow
table or record batch stream, or a DuckDB relation — and with Float32, Decimal, enum and
categorical columns, integer ids, NaN for missing values — must give the same result table.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

import criteriakit
from criteriakit import Registry

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ROOT / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks"
CELLS = ROOT / "examples" / "four-good" / "cells.csv"
COMMITTEES = ROOT / "examples" / "commune" / "committees.csv"


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load(autoload=False, plugin_dirs=[FRAMEWORKS])


@pytest.fixture(scope="module")
def cell(registry):
    return registry.get("vn.four-good-cell", "2024")


@pytest.fixture(scope="module")
def expected(cell) -> pl.DataFrame:
    table = criteriakit.evaluate_frame(cell, CELLS)
    assert isinstance(table, pl.DataFrame)
    assert table.height == 21
    return table


def as_polars(table: object) -> pl.DataFrame:
    if isinstance(table, pl.DataFrame):
        return table
    if isinstance(table, pl.LazyFrame):
        return table.collect()
    if isinstance(table, pd.DataFrame):
        return pl.from_pandas(table, include_index=False)
    if isinstance(table, pa.RecordBatchReader):
        table = table.read_all()
    if isinstance(table, pa.Table):
        found = pl.from_arrow(table)
        assert isinstance(found, pl.DataFrame)
        return found
    return table.pl()  # type: ignore[attr-defined]  # a DuckDB relation


@pytest.mark.parametrize(
    "read",
    [
        pytest.param(lambda: pl.read_csv(CELLS), id="polars"),
        pytest.param(lambda: pl.read_csv(CELLS, infer_schema=False), id="polars-text"),
        pytest.param(lambda: pl.scan_csv(CELLS), id="polars-lazy"),
        pytest.param(lambda: pd.read_csv(CELLS), id="pandas-numpy"),
        pytest.param(lambda: pd.read_csv(CELLS, dtype_backend="pyarrow"), id="pandas-arrow"),
        pytest.param(
            lambda: pd.read_csv(CELLS, dtype_backend="numpy_nullable"), id="pandas-nullable"
        ),
        pytest.param(lambda: pd.read_csv(CELLS, dtype=str), id="pandas-text"),
        pytest.param(lambda: pl.read_csv(CELLS).to_arrow(), id="arrow"),
        pytest.param(
            lambda: pa.RecordBatchReader.from_batches(
                (table := pl.read_csv(CELLS).to_arrow()).schema, table.to_batches(max_chunksize=5)
            ),
            id="arrow-stream",
        ),
    ],
)
def test_every_frame_type_gives_the_file_results(cell, expected, read):
    frame = read()
    table = criteriakit.evaluate_frame(cell, frame)
    assert type(table) is type(frame) or isinstance(frame, pa.RecordBatchReader)
    assert_frame_equal(as_polars(table), expected)


def test_a_duckdb_relation_gives_a_duckdb_relation(cell, expected):
    duckdb = pytest.importorskip("duckdb")
    relation = duckdb.read_csv(str(CELLS))
    table = criteriakit.evaluate_frame(cell, relation)
    assert isinstance(table, duckdb.DuckDBPyRelation)
    assert_frame_equal(table.pl(), expected)
    exact = relation.select(
        duckdb.StarExpression(exclude=["attendance_rate"]),
        duckdb.SQLExpression("attendance_rate::decimal(10, 2)").alias("attendance_rate"),
    )
    assert_frame_equal(criteriakit.evaluate_frame(cell, exact).pl(), expected)


def test_float32_values_are_read_as_the_decimals_they_print_as(cell, expected):
    frame = pl.read_csv(CELLS).with_columns(pl.col("attendance_rate").cast(pl.Float32))
    assert frame["attendance_rate"].cast(pl.Float64)[0] != 0.9  # 0.8999999761581421
    assert_frame_equal(criteriakit.evaluate_frame(cell, frame), expected)


def test_decimal_values_are_exact(cell, expected):
    frame = pl.read_csv(CELLS).with_columns(
        pl.col("attendance_rate").cast(pl.Decimal(10, 2)),
        pl.col("targets_met").cast(pl.Decimal(38, 0)),
    )
    assert_frame_equal(criteriakit.evaluate_frame(cell, frame), expected)
    huge = frame.with_columns(
        pl.when(pl.col("id") == "C02")
        .then(pl.lit(Decimal(10**37), pl.Decimal(38, 0)))
        .otherwise(pl.col("targets_met"))
        .alias("targets_met")
    )
    with pytest.raises(
        criteriakit.DataError, match=r"row 2: targets_met: the integer .* does not fit in 64 bits"
    ):
        criteriakit.evaluate_frame(cell, huge)


def test_enum_and_categorical_levels_work(registry):
    committee = registry.get("vn.four-good-committee", "2024")
    cells_rated = {"cells_rated": 21, "cells_good_or_better": 18, "cells_excellent": 3}
    frame = (
        pl.read_csv(COMMITTEES)
        .with_columns(pl.lit(value, pl.Int64).alias(name) for name, value in cells_rated.items())
        .with_columns(cells_not_completed=pl.lit(0, pl.Int64))
    )
    expected = criteriakit.evaluate_frame(committee, frame)
    levels = ["excellent", "good", "complete", "not-completed"]
    for dtype in (pl.Enum(levels), pl.Categorical()):
        typed = frame.with_columns(pl.col("political_system_rating").cast(dtype))
        assert_frame_equal(criteriakit.evaluate_frame(committee, typed), expected)


def test_integer_ids_keep_their_type(cell, expected):
    frame = pl.read_csv(CELLS).with_columns(
        pl.col("id").str.strip_prefix("C").cast(pl.Int32).alias("id")
    )
    table = criteriakit.evaluate_frame(cell, frame)
    assert table.schema["unit"] == pl.Int32
    assert table["unit"].to_list() == list(range(1, 22))
    assert_frame_equal(table.drop("unit"), expected.drop("unit"))
    pandas = criteriakit.evaluate_frame(cell, frame.to_pandas())
    assert pandas["unit"].tolist() == list(range(1, 22))


def test_a_filtered_pandas_frame_keeps_its_index(cell, expected):
    frame = pd.read_csv(CELLS)
    kept = frame[frame["id"] != "C03"]
    table = criteriakit.evaluate_frame(cell, kept)
    assert list(table.index) == list(kept.index)
    assert_frame_equal(
        pl.from_pandas(table, include_index=False), expected.filter(pl.col("unit") != "C03")
    )


def test_nan_is_a_missing_value_in_pandas_and_polars_alike(cell, tmp_path):
    empty = CELLS.read_text().replace("C02,12,12,6,", "C02,12,12,,")
    path = tmp_path / "cells.csv"
    path.write_text(empty)
    pandas = pd.read_csv(path)
    assert pandas["targets_exceeded"].isna().sum() == 1  # pandas writes the empty cell as NaN
    polars = pl.read_csv(CELLS).with_columns(
        pl.when(pl.col("id") == "C02")
        .then(float("nan"))
        .otherwise(pl.col("targets_exceeded").cast(pl.Float64))
        .alias("targets_exceeded")
    )
    found = []
    for data in (path, pandas, polars):  # the policy says "fail" for a missing input
        with pytest.raises(criteriakit.EvaluationError) as caught:
            criteriakit.evaluate_frame(cell, data)
        found.append((caught.value.row, caught.value.message))
    assert (
        found
        == [
            (
                2,
                "unit 'C02': indicator 1.2 (Targets over-achieved) could not be computed: input 'targets_exceeded' is missing",
            )
        ]
        * 3
    )


def test_a_value_no_rule_reads_is_refused_alike_from_a_frame_and_a_file(cell, tmp_path):
    path = tmp_path / "cells.csv"
    path.write_text(CELLS.read_text().replace("C02,12,", "C02,1_2,"))
    with pytest.raises(criteriakit.DataError) as from_file:
        criteriakit.evaluate_frame(cell, path)
    with pytest.raises(criteriakit.DataError) as from_frame:
        criteriakit.evaluate_frame(cell, pl.read_csv(path, infer_schema=False))
    assert [p.render() for p in from_frame.value.problems] == [
        p.render().replace(f"{path}: ", "") for p in from_file.value.problems
    ]
    assert "row 2: targets_assigned: expected an integer, got '1_2'" in str(from_file.value)
