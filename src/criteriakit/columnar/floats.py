"""The float operations of :mod:`criteriakit.expressions.floats`, on whole columns.

The columnar engine prints the same numbers as the scalar executor, so its sums add left to
right from ``-0.0`` (``pl.sum_horizontal`` adds in another order), its divisions are IEEE
divisions and its rounding is the same two IEEE operations around an exact round-half-to-even.

Polars divides by a constant through its reciprocal, which can be one ulp off: a division by a
number known when the plan is built reads a column holding that number instead
(:func:`constant_columns`, :func:`divided_by`), which costs no more than the constant did, and
any other division spreads its divisor over the rows first (:func:`divided`). A column is not
enough: the streaming engine holds a column that repeats one value (an owner's input carried
beside each of its exploded items) as a single value and divides by it the same way.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import reduce

import polars as pl

from criteriakit.expressions.floats import SCALE

__all__ = ["added_up", "constant_columns", "divided", "divided_by", "over", "rounded"]


def added_up(terms: Sequence[pl.Expr]) -> pl.Expr:
    """Return ``-0.0 + terms[0] + terms[1] + …``, added left to right."""
    return reduce(lambda total, term: total + term, terms, pl.lit(-0.0))


def _constant(value: float) -> str:
    return f"__constant:{value!r}"


def constant_columns(values: Iterable[float], rows: pl.Expr) -> list[pl.Expr]:
    """Return a column for each of ``values``, made from ``rows`` (never null, never infinite).

    :func:`divided_by` and :func:`rounded` read them; the rounding's scale is always among them.
    """
    return [
        (rows.cast(pl.Float64) * 0.0 + value).alias(_constant(value))
        for value in dict.fromkeys([SCALE, *(float(value) for value in values)])
    ]


def divided_by(numerator: pl.Expr, value: float) -> pl.Expr:
    """Return ``numerator / value`` for a ``value`` among the frame's constant columns."""
    return numerator / pl.col(_constant(float(value)))


def divided(numerator: pl.Expr, divisor: pl.Expr) -> pl.Expr:
    """Return ``numerator / divisor`` as IEEE division gives it, whatever the divisor is.

    The divisor (a literal, literals combined, or a column the engine may hold as one repeated
    value) is spread over the numerator's rows first: ``divisor + 0 * numerator`` is the
    divisor wherever the numerator is finite; elsewhere the reciprocal's error cannot show.
    """
    spread = numerator / (divisor + numerator * 0.0)
    return pl.when(numerator.is_finite()).then(spread).otherwise(numerator / divisor)


def rounded(value: pl.Expr) -> pl.Expr:
    """Return :func:`~criteriakit.expressions.floats.round_points` of each value.

    The frame must have the :func:`constant_columns`.
    """
    return divided_by((value * SCALE).round(0, mode="half_to_even"), SCALE)


def over(aggregate: pl.Expr, group: str | None) -> pl.Expr:
    """Return ``aggregate`` over the rows sharing column ``group``'s value, or over all rows.

    Over all rows it is the plain aggregate, which a frame broadcasts to every row: a window
    over one constant key would group a million rows for nothing.
    """
    return aggregate if group is None else aggregate.over(group)
