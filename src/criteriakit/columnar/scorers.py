"""Scorers as column expressions: each :data:`~criteriakit.compiling.scoring.ScorerForm` in Polars.

The compiler derives a scorer's form once (:mod:`criteriakit.compiling.scoring`), and the scalar
scorer closes over the same form, so the two engines read one description of each scorer. Each
builder here takes the indicator's value expression (null where undefined) and returns its
points, plus an undefined-kind expression for scorers that can make a defined value undefined
(a target of zero). A scorer without a form (a plugin's scorer type with no columnar builder)
raises :class:`~criteriakit.errors.ColumnarUnsupported`, and the plan runs it by rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import narwhals.stable.v2 as nw
import polars as pl

from criteriakit.columnar.expressions import NO_KIND, ColumnExpression, kind_code
from criteriakit.columnar.floats import divided, divided_by
from criteriakit.columnar.numbers import Numbers
from criteriakit.compiling.compiled import CompiledIndicator
from criteriakit.compiling.scoring import (
    AllOrNothing,
    Linear,
    Ratio,
    ScorerForm,
    Share,
    Steps,
    Table,
)
from criteriakit.errors import ColumnarUnsupported
from criteriakit.expressions.tolerance import column_tolerance

__all__ = ["ColumnPoints", "column_points", "divisors", "reaches", "relative_points", "with_shares"]

ColumnPoints = tuple[pl.Expr, pl.Expr | None]
"""The points of an indicator, and the kind of undefinedness its scorer adds (or None)."""


def _clamped(fraction: pl.Expr, max_points: pl.Expr) -> pl.Expr:
    return (
        pl.when(fraction >= 1.0)
        .then(max_points)
        .when(fraction <= 0.0)
        .then(pl.lit(0.0))
        .otherwise(fraction * max_points)
    )


def reaches(value: pl.Expr, bound: float, *, ascending: bool, inclusive: bool) -> pl.Expr:
    """Return whether ``value`` reaches ``bound``, with the expression language's tolerance."""
    tol = column_tolerance(value, float(bound))
    if ascending:
        return value >= bound - tol if inclusive else value > bound + tol
    return value <= bound + tol if inclusive else value < bound - tol


def _steps(form: Steps, value: pl.Expr, numbers: Numbers, ordinal: int) -> pl.Expr:
    result: pl.Expr = numbers(f"otherwise{ordinal}")
    steps = list(enumerate(form.steps))
    for k, (bound, _) in reversed(steps):  # the most demanding step is tested first
        reached = reaches(value, bound, ascending=form.ascending, inclusive=form.inclusive)
        result = pl.when(reached).then(numbers(f"award{ordinal}.{k}")).otherwise(result)
    return result


def _table(form: Table, value: pl.Expr, numbers: Numbers, ordinal: int) -> pl.Expr:
    result: pl.Expr = numbers(f"otherwise{ordinal}")
    for k, key in enumerate(form.awards):
        if key in {"true", "false"}:
            matches = value == (key == "true")
        elif key.lstrip("-").isdigit():
            matches = value.cast(pl.Float64) == float(int(key))
        else:
            matches = value.cast(pl.String) == key
        result = pl.when(matches).then(numbers(f"award{ordinal}.{k}")).otherwise(result)
    return result


def _ratio(
    form: Ratio, value: pl.Expr, goal: ColumnExpression | None, max_points: pl.Expr
) -> ColumnPoints:
    if isinstance(form.goal, float | int):
        return _clamped(divided_by(value, float(form.goal)), max_points), None
    if goal is None:
        message = "a target scorer's target expression has no columnar form here"
        raise ColumnarUnsupported(message)
    zero = goal.value == 0
    points = (
        pl.when(zero)
        .then(pl.lit(None, pl.Float64))
        .otherwise(_clamped(divided(value, goal.value), max_points))
    )
    undefined = (
        pl.when(~goal.undefined.is_null())
        .then(goal.undefined)
        .when(zero)
        .then(kind_code("division-by-zero"))
        .otherwise(NO_KIND)
    )
    return points, undefined


def with_shares(frame: pl.LazyFrame, shares: Sequence[tuple[str, str, Share]]) -> pl.LazyFrame:
    """Add, for each ``(column, value, form)`` of ``shares``, the plugin builder's share column.

    ``value`` names the indicator's value column. A narwhals builder makes expressions that only
    a frame turns into Polars ones, so the shares are columns of their own, which
    :func:`column_points` reads as ``share``.
    """
    if not shares:
        return frame
    built = nw.from_native(frame).with_columns(
        form.build(nw.col(value)).alias(column) for column, value, form in shares
    )
    return built.to_native().with_columns(
        pl.col(column).cast(pl.Float64) for column, _, _ in shares
    )


def _share_points(share: pl.Expr, max_points: pl.Expr) -> ColumnPoints:
    """Return a plugin builder's share as points: clamped, undefined where not finite."""
    finite = share.is_finite().fill_null(value=False)
    points = pl.when(finite).then(share.clip(0.0, 1.0) * max_points)
    return points, pl.when(~finite).then(kind_code("division-by-zero"))


def relative_points(share: pl.Expr, max_points: pl.Expr) -> ColumnPoints:
    """Return a relative scorer's share as points, clamped as a linear scorer's, or undefined.

    A share is undefined where it is null (a refused group) or not finite.
    """
    finite = share.is_finite().fill_null(value=False)
    points = pl.when(finite).then(_clamped(share, max_points))
    return points, pl.when(~finite).then(kind_code("division-by-zero"))


def divisors(form: ScorerForm | None) -> list[float]:
    """Return the constants a scorer's points divide by (the frame holds them as columns)."""
    if isinstance(form, Linear):
        return [form.span]
    if isinstance(form, Ratio) and isinstance(form.goal, float | int):
        return [float(form.goal)]
    return []


def column_points(
    indicator: CompiledIndicator,
    value: pl.Expr,
    numbers: Numbers,
    ordinal: int,
    *,
    target: ColumnExpression | None = None,
    share: pl.Expr | None = None,
) -> ColumnPoints:
    """Return the points expression of one indicator, for rows where its value is defined.

    ``numbers`` give the points the weights decide, of the indicator at ``ordinal`` among
    them; ``target`` is the columnar form of a target scorer's target expression, when it has
    one; ``share`` the column :func:`with_shares` made for a plugin's builder. Raises
    :class:`ColumnarUnsupported` for a scorer without a form.
    """
    form = indicator.scorer.form
    max_points = numbers(f"points{ordinal}")
    if isinstance(form, Linear):
        return _clamped(divided_by(value - form.zero_at, form.span), max_points), None
    if isinstance(form, Steps):
        return _steps(form, value.cast(pl.Float64), numbers, ordinal), None
    if isinstance(form, Ratio):
        return _ratio(form, value, target, max_points)
    if isinstance(form, AllOrNothing):
        return pl.when(value).then(max_points).otherwise(pl.lit(0.0)), None
    if isinstance(form, Table):
        return _table(form, value, numbers, ordinal), None
    if isinstance(form, Share) and share is not None:
        return _share_points(share, max_points)
    message = (
        f"indicator {indicator.id}: the scorer type {indicator.scorer_type!r} has no columnar form"
    )
    raise ColumnarUnsupported(message)
