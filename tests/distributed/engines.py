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

from criteriakit.hierarchy import LevelResults

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
    """The scalar executor's unit, score, tiers and reasons, in any row order."""
    scalar = {
        result.unit: (
            result.score,
            result.band_tier,
            result.tier,
            ";".join(result.reason_codes) if result.evaluable else "not-evaluable",
        )
        for result in level.results
    }
    rows = {
        row["unit"]: (row["score"], row["band_tier"], row["tier"], row["reasons"])
        for row in actual.iter_rows(named=True)
    }
    assert rows.keys() == scalar.keys()
    for unit, (score, *rest) in rows.items():
        assert score == pytest.approx(scalar[unit][0], abs=1e-9), unit
        assert rest == list(scalar[unit][1:]), unit
