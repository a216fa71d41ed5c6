"""Columnar evaluation: whole populations as column expressions (Polars, through narwhals).

:func:`evaluate_frame` evaluates one level, :func:`evaluate_levels_frame` a hierarchy with
roll-ups and quotas; :mod:`.rollups` has the roll-up parts distributed engines combine.
"""

from __future__ import annotations

from criteriakit.columnar.executor import evaluate_frame
from criteriakit.columnar.expressions import (
    MAX_SIZE,
    AggregateColumns,
    ColumnarFunction,
    ColumnarUnsupported,
    ColumnExpression,
    compile_columnar,
)
from criteriakit.columnar.fallback import ColumnarFallbackWarning
from criteriakit.columnar.levels import evaluate_levels_frame
from criteriakit.columnar.rollups import (
    combine_partials,
    finish_rollups,
    partial_aggregations,
    rollup_partials,
)

__all__ = [
    "MAX_SIZE",
    "AggregateColumns",
    "ColumnExpression",
    "ColumnarFallbackWarning",
    "ColumnarFunction",
    "ColumnarUnsupported",
    "combine_partials",
    "compile_columnar",
    "evaluate_frame",
    "evaluate_levels_frame",
    "finish_rollups",
    "partial_aggregations",
    "rollup_partials",
]
