"""Evaluating one data set, reporting every bad row at once.

Nothing is returned unless every row evaluates, so callers (the CLI) never write a partial
output. Quotas apply among the rows that share a parent (see :mod:`criteriakit.quotas`).
"""

from __future__ import annotations

from collections.abc import Sequence

from criteriakit.data import LevelData, UnitRow
from criteriakit.framework import Framework
from criteriakit.hierarchy import evaluate_levels
from criteriakit.inputs import UnknownInputs
from criteriakit.model.results import Result

__all__ = ["evaluate_rows"]


def evaluate_rows(
    framework: Framework,
    data: LevelData | Sequence[UnitRow],
    *,
    unknown_inputs: UnknownInputs = "error",
) -> list[Result]:
    """Evaluate every row; raise :class:`~criteriakit.DataError` with each bad row's problems."""
    (level,) = evaluate_levels(framework, [data], unknown_inputs=unknown_inputs)
    return list(level.results)
