"""The tolerance rule is the same in both engines: comparisons, threshold scorers, tier bounds.

Numbers compare with a relative tolerance of 1e-9, except from 1e300 on, where they compare
exactly (see :mod:`criteriakit.expressions.tolerance`). The columnar threshold scorers and tier
bounds once kept the tolerance above 1e300, so the engines disagreed there.
"""

from __future__ import annotations

import math

import polars as pl
import pytest
from hypothesis import given
from hypothesis import strategies as st

import criteriakit
from criteriakit.expressions.tolerance import approx_ge, approx_gt, column_tolerance, tolerance

FRAMEWORK = """
id = "test.tolerance"
version = "1"
title = "Tolerance"
subject = "unit"
max_score = 10

[inputs.x]
type = "number"

[inputs.y]
type = "number"

[[criteria]]
id = "c"
title = "C"
points = 10

[[criteria.indicators]]
id = "c.1"
title = "X"
value = "x"
points = 10
scorer = {{ type = "thresholds", bands = [{{ min = {bound}, award = 10 }}] }}

[[tiers]]
id = "high"
title = "High"
min_score = 10

[[tiers.gates]]
id = "x-reached"
require = "x >= y"
message = "x reaches the bound"

[[tiers]]
id = "low"
title = "Low"
"""

EDGES = [1e300, 1.5e300, 1e6, 1.0, 0.5]
"""Bounds about the exact-comparison limit (1e300) and the tolerance's floor (1)."""


def values_about(bound: float) -> list[float]:
    """Values just below, on and just above ``bound``: within and beyond the tolerance."""
    return [bound * (1 + step) for step in (-1e-6, -1e-10, -1e-12, 0.0, 1e-12, 1e-10)]


@pytest.mark.parametrize("bound", EDGES)
def test_scores_tiers_and_gates_agree_about_the_bound(bound):
    framework = criteriakit.loads_framework(FRAMEWORK.format(bound=repr(bound)))
    values = values_about(bound)
    ids = [f"u{n}" for n in range(len(values))]
    frame = pl.DataFrame({"id": ids, "x": values, "y": [bound] * len(values)})
    columnar = criteriakit.evaluate_frame(framework, frame)
    for row, value in zip(columnar.iter_rows(named=True), values, strict=True):
        scalar = framework.evaluate({"x": value, "y": bound}, row["unit"])
        assert (row["score"], row["tier"]) == (scalar.score, scalar.tier), value


def test_above_1e300_a_value_a_hair_below_the_bound_does_not_reach_it():
    framework = criteriakit.loads_framework(FRAMEWORK.format(bound="1e300"))
    below = 1e300 * (1 - 1e-12)
    frame = pl.DataFrame({"id": ["u"], "x": [below], "y": [1e300]})
    [row] = criteriakit.evaluate_frame(framework, frame).iter_rows(named=True)
    assert (row["score"], row["tier"]) == (0.0, "low")
    assert framework.evaluate({"x": below, "y": 1e300}).tier == "low"


finite = st.floats(allow_nan=False, allow_infinity=True)


@given(a=finite, b=finite)
def test_the_column_tolerance_is_the_scalar_tolerance(a, b):
    frame = pl.DataFrame({"a": [a], "b": [b]})
    [[by_columns]] = frame.select(column_tolerance(pl.col("a"), pl.col("b"))).rows()
    assert by_columns == tolerance(a, b) or (math.isinf(by_columns) and math.isinf(a * b))
    [[constant]] = frame.select(column_tolerance(pl.col("a"), b)).rows()
    assert constant == by_columns
    # and the comparisons built on it
    tol = tolerance(a, b)
    if tol:
        assert approx_ge(a, b) == (a >= b - tol)
        assert approx_gt(a, b) == (a > b + tol)
