"""The built-in scorers as column expressions: the same points as :mod:`criteriakit.compiling.scoring`.

Each builder takes the indicator's value expression (null where undefined) and returns its
points, plus an undefined-kind expression for scorers that can make a defined value undefined
(a target of zero). Plugin scorer types have no columnar builder yet: evaluating a framework that
uses one raises :class:`~criteriakit.columnar.ColumnarUnsupported`, and callers fall back to the
scalar executor.
"""

from __future__ import annotations

import polars as pl

from criteriakit.columnar.expressions import (
    NO_KIND,
    ColumnarUnsupported,
    ColumnExpression,
    kind_code,
)
from criteriakit.columnar.floats import divided, divided_by
from criteriakit.compiling.compiled import CompiledIndicator
from criteriakit.compiling.scoring import lookup_key
from criteriakit.expressions.tolerance import column_tolerance
from criteriakit.model.scorers import (
    BooleanScorer,
    LinearScorer,
    LookupScorer,
    ScorerSpec,
    TargetScorer,
    ThresholdScorer,
)

__all__ = ["ColumnPoints", "column_points", "divisors", "reaches"]

ColumnPoints = tuple[pl.Expr, pl.Expr | None]
"""The points of an indicator, and the kind of undefinedness its scorer adds (or None)."""


def _clamped(fraction: pl.Expr, max_points: float) -> pl.Expr:
    return (
        pl.when(fraction >= 1.0)
        .then(pl.lit(max_points))
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


def _thresholds(spec: ThresholdScorer, value: pl.Expr, scale: float) -> pl.Expr:
    ascending = spec.bands[0].min is not None
    steps = sorted(
        ((band.min if ascending else band.max, band.award * scale) for band in spec.bands),
        key=lambda step: step[0] if step[0] is not None else 0.0,
        reverse=ascending,
    )
    result: pl.Expr = pl.lit(spec.otherwise * scale)
    for bound, award in reversed(steps):
        assert bound is not None  # noqa: S101  checked when the framework loaded
        reached = reaches(value, bound, ascending=ascending, inclusive=spec.inclusive)
        result = pl.when(reached).then(pl.lit(award)).otherwise(result)
    return result


def _lookup(spec: LookupScorer, value: pl.Expr, scale: float) -> pl.Expr:
    result: pl.Expr = pl.lit(spec.otherwise * scale)
    for key, award in spec.table.items():
        if key in {"true", "false"}:
            matches = value == (key == "true")
        elif key.lstrip("-").isdigit():
            matches = value.cast(pl.Float64) == float(int(key))
        else:
            matches = value.cast(pl.String) == lookup_key(key)
        result = pl.when(matches).then(pl.lit(award)).otherwise(result)
    return result


def _target(
    spec: TargetScorer, maximum: float, value: pl.Expr, goal: ColumnExpression | None
) -> ColumnPoints:
    if isinstance(spec.target, float) or goal is None:
        return _clamped(divided_by(value, float(spec.target)), maximum), None
    zero = goal.value == 0
    points = (
        pl.when(zero)
        .then(pl.lit(None, pl.Float64))
        .otherwise(_clamped(divided(value, goal.value), maximum))
    )
    undefined = (
        pl.when(~goal.undefined.is_null())
        .then(goal.undefined)
        .when(zero)
        .then(kind_code("division-by-zero"))
        .otherwise(NO_KIND)
    )
    return points, undefined


def divisors(spec: ScorerSpec) -> list[float]:
    """Return the constants a scorer's points divide by (the frame holds them as columns)."""
    if isinstance(spec, LinearScorer):
        return [spec.full_at - spec.zero_at]
    if isinstance(spec, TargetScorer) and not isinstance(spec.target, str):
        return [float(spec.target)]
    return []


def column_points(
    indicator: CompiledIndicator,
    spec: ScorerSpec,
    value: pl.Expr,
    *,
    awards_in_points: bool,
    target: ColumnExpression | None = None,
) -> ColumnPoints:
    """Return the points expression of one indicator, for rows where its value is defined.

    ``target`` is the columnar target expression of a target scorer whose target is one.
    Raises :class:`ColumnarUnsupported` for scorer types from plugins.
    """
    maximum = indicator.max_points
    scale = 1.0 if awards_in_points else maximum
    if isinstance(spec, LinearScorer):
        span = spec.full_at - spec.zero_at
        return _clamped(divided_by(value - spec.zero_at, span), maximum), None
    if isinstance(spec, ThresholdScorer):
        return _thresholds(spec, value.cast(pl.Float64), scale), None
    if isinstance(spec, TargetScorer):
        return _target(spec, maximum, value, target)
    if isinstance(spec, BooleanScorer):
        return pl.when(value).then(pl.lit(maximum)).otherwise(pl.lit(0.0)), None
    if isinstance(spec, LookupScorer):
        return _lookup(spec, value, scale), None
    message = f"indicator {indicator.id}: the scorer type {spec.type!r} has no columnar form"
    raise ColumnarUnsupported(message)
