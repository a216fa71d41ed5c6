"""The float operations of :mod:`criteriakit.expressions.floats`, on whole columns.

The columnar engine prints the same numbers as the scalar executor, so its sums add left to
right from ``-0.0`` (``pl.sum_horizontal`` adds in another order), its divisions are IEEE
divisions (Polars multiplies by the reciprocal of a constant divisor, which can be one ulp off)
and its rounding is the same two IEEE operations around an exact round-half-to-even.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce

import polars as pl

from criteriakit.expressions.floats import SCALE

__all__ = ["added_up", "divided", "rounded"]


def added_up(terms: Sequence[pl.Expr]) -> pl.Expr:
    """Return ``-0.0 + terms[0] + terms[1] + …``, added left to right."""
    return reduce(lambda total, term: total + term, terms, pl.lit(-0.0))


def divided(numerator: pl.Expr, divisor: pl.Expr | float) -> pl.Expr:
    """Return ``numerator / divisor`` as IEEE division gives it, whatever the divisor is.

    A constant divisor is spread over the rows first (``divisor + 0 * numerator``, which is the
    divisor wherever the numerator is finite): Polars divides by a column value by value, but
    by a constant through its reciprocal.
    """
    spread = numerator / (divisor + numerator * 0.0)
    return pl.when(numerator.is_finite()).then(spread).otherwise(numerator / divisor)


def rounded(value: pl.Expr) -> pl.Expr:
    """Return :func:`~criteriakit.expressions.floats.round_points` of each value."""
    scaled = value * SCALE
    nearest = scaled.round(0, mode="half_to_even")
    return pl.when(scaled.is_finite()).then(divided(nearest, SCALE)).otherwise(value)
