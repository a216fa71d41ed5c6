"""Columnar evaluation: rule expressions as narwhals expressions over whole populations."""

from __future__ import annotations

from criteriakit.columnar.executor import evaluate_frame
from criteriakit.columnar.expressions import (
    MAX_SIZE,
    ColumnarFunction,
    ColumnarUnsupported,
    ColumnExpression,
    compile_columnar,
)

__all__ = [
    "MAX_SIZE",
    "ColumnExpression",
    "ColumnarFunction",
    "ColumnarUnsupported",
    "compile_columnar",
    "evaluate_frame",
]
