"""Helpers of the engine tests: importing an engine, comparing results with one machine's.

The default test run collects these tests without Spark or Dask and skips them at once. Their
tox environments set ``CRITERIAKIT_REQUIRE_ENGINE`` (``spark``, ``dask``), so that an engine that
failed to install fails the run instead of skipping every test of it.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from criteriakit.render.table import ResultTable
from criteriakit.scalar.hierarchy import LevelResults

ACME = Path(__file__).resolve().parents[2] / "examples" / "local-plugin"
ACME_PLUGIN = ACME / "criteriakit_plugin.py"
"""The local-plugin example's plugin: a function, a scorer type and an input check."""

row_by_row = pytest.mark.filterwarnings("ignore::criteriakit.columnar.ColumnarFallbackWarning")
"""Plugin functions and scorer types without columnar builders run row by row, and warn."""


def import_engine(module: str, engine: str) -> ModuleType:
    """Import ``module``; skip the tests if it is absent, unless they must run (see above)."""
    required = os.environ.get("CRITERIAKIT_REQUIRE_ENGINE", "").split(",")
    if engine in required:
        return importlib.import_module(module)
    return pytest.importorskip(module, reason=f"{module} is not installed (tox -e {engine})")


def assert_same_frames(actual: pl.DataFrame, expected: pl.DataFrame) -> None:
    """The same rows and columns as one machine's results, in any row order."""
    assert_frame_equal(actual.sort("unit"), expected.sort("unit"))


def assert_as_scalar(actual: pl.DataFrame, level: LevelResults) -> None:
    """The scalar executor's result table, value for value, in any row order."""
    table = ResultTable.of(level.framework, level.results)
    expected = {row[0]: row[1:] for row in table.rows}
    rows = {
        str(row[0]): (None if row[1] is None else str(row[1]), *row[2:])
        for row in actual.select(table.names).iter_rows()
    }
    assert rows.keys() == expected.keys()
    for unit, row in rows.items():
        assert row == expected[unit], unit


READ_PARQUET_WARNING = pytest.mark.filterwarnings(
    # dask's read_parquet calls reset_index(inplace=True), which pandas 3.1 deprecates
    "ignore:The inplace keyword in DataFrame.reset_index is deprecated"
)

S3 = "s3://evaluations/"
"""Where docs/clusters.md's examples read their levels and write their results."""


def run_docs_sample(
    containing: str,
    evaluations: str,
    namespace: dict[str, object],
    replacements: dict[str, str] | None = None,
) -> None:
    """Run the Python sample of docs/clusters.md that contains ``containing``, in ``namespace``.

    It reads (and writes) ``evaluations`` instead of :data:`S3`, and ``replacements`` change
    what else only a real cluster has (its scheduler's address). A traceback names the page.
    """
    from test_doc_samples import DOCS, engine_sample  # noqa: PLC0415  tests/ is on sys.path

    block = engine_sample(containing)
    text = block.text.replace(S3, evaluations)
    for old, new in (replacements or {}).items():
        assert old in text, (block.where, old)
        text = text.replace(old, new)
    code = compile("\n" * block.line + text, str(DOCS / block.page), "exec")
    exec(code, namespace)  # noqa: S102  the documentation's own example
