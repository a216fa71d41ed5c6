"""Row-by-row columns for what has no columnar form: plugin functions, scorers and weightings.

A plugin that gives only a scalar implementation still works on whole populations: its part
of the framework runs once per row, inside the columnar plan (a Polars ``map_batches`` over the
inputs it reads), with the scalar semantics by construction. It is slower, so each use warns
once with :class:`ColumnarFallbackWarning`, naming what runs row by row and why.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import polars as pl

from criteriakit.columnar.expressions import KIND_CODES
from criteriakit.compiling.extensions import Weighting
from criteriakit.compiling.scoring import CompiledScorer
from criteriakit.expressions import CompiledExpression, Undefined

__all__ = ["ColumnarFallbackWarning", "expression_by_rows", "points_by_rows", "total_by_rows"]

VALUE = "value"
KIND = "kind"


class ColumnarFallbackWarning(UserWarning):
    """Part of a framework has no columnar form and runs row by row (correct, but slower).

    Give the plugin function, scorer type or weighting a columnar builder to make it fast.
    """


def warn(what: str, reason: str) -> None:
    """Warn that ``what`` runs row by row because of ``reason``."""
    message = f"{what} runs row by row, which is slower: {reason}"
    warnings.warn(message, ColumnarFallbackWarning, stacklevel=4)


def _env(row: Mapping[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in row.items() if value is not None}


def _by_rows(
    columns: Sequence[str], dtype: pl.DataType, compute: Callable[[dict[str, Any]], object]
) -> pl.Expr:
    """Return a struct column of (value, kind) computed by ``compute`` from each row's columns."""
    schema = {VALUE: dtype, KIND: pl.Int8()}

    def run(batch: pl.Series) -> pl.Series:
        values: list[object] = []
        kinds: list[int | None] = []
        for row in batch.to_list():
            result = compute(row)
            if isinstance(result, Undefined):
                values.append(None)
                kinds.append(KIND_CODES[result.kind])
            else:
                values.append(result)
                kinds.append(None)
        return pl.DataFrame({VALUE: values, KIND: kinds}, schema=schema).to_struct(batch.name)

    return pl.struct(*columns).map_batches(run, return_dtype=pl.Struct(schema))


def expression_by_rows(
    expression: CompiledExpression,
    inputs: Sequence[str],
    dtype: pl.DataType,
    derived: Sequence[tuple[str, CompiledExpression]] = (),
) -> pl.Expr:
    """Return ``expression`` evaluated by the scalar evaluator on each row of the ``inputs``.

    The ``derived`` values are computed from the row first, as the scalar executor does.
    """

    def evaluate(row: dict[str, Any]) -> object:
        env = _env(row)
        for name, value in derived:
            env[name] = value.evaluate(env)
        return expression.evaluate(env)

    return _by_rows(inputs, dtype, evaluate)


def points_by_rows(scorer: CompiledScorer, inputs: Sequence[str], value: str) -> pl.Expr:
    """Return the points of ``scorer`` on each row's ``value`` column, the inputs as context."""

    def points(row: dict[str, Any]) -> object:
        found = row.pop(value)
        if found is None:
            return None
        return scorer.score(found, _env(row))

    return _by_rows([*inputs, value], pl.Float64(), points)


def total_by_rows(
    weighting: Weighting, scores: Sequence[str], maxima: Sequence[str], max_score: float
) -> pl.Expr:
    """Return the total of each row by the ``weighting``'s scalar ``combine``."""

    def total(row: dict[str, Any]) -> object:
        return weighting.combine(
            [row[name] for name in scores], [row[name] for name in maxima], max_score
        )

    return _by_rows([*scores, *maxima], pl.Float64(), total)
