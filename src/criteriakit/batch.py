"""Evaluating a data set row by row, reporting every bad row at once.

Nothing is returned unless every row evaluates, so callers (the CLI) never write a partial
output: bad values and evaluation failures are collected into one :class:`DataError` by row.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from criteriakit.data import MAX_REPORTED_PROBLEMS, UnitRow
from criteriakit.errors import DataError, EvaluationError, PluginError, Problem
from criteriakit.framework import Framework
from criteriakit.inputs import UnknownInputs
from criteriakit.model.results import Result

__all__ = ["evaluate_rows"]


def evaluate_rows(
    framework: Framework,
    rows: Sequence[UnitRow],
    *,
    unknown_inputs: UnknownInputs = "error",
    source: str | None = None,
) -> list[Result]:
    """Evaluate every row; raise :class:`DataError` with each bad row's problems."""
    results: list[Result] = []
    problems: list[Problem] = []
    checker = framework.compiled.inputs
    for unit_row in rows:
        try:
            values = checker.check(
                unit_row.values,
                text=unit_row.text,
                row=unit_row.row,
                unknown=unknown_inputs,
                source=source,
            )
            results.append(framework.evaluate_checked(values, unit_row.unit))
        except DataError as error:
            problems.extend(
                attrs.evolve(problem, row=unit_row.row, file=source) for problem in error.problems
            )
        except (EvaluationError, PluginError) as error:
            problems.append(Problem(str(error), row=unit_row.row, file=source))
        if len(problems) >= MAX_REPORTED_PROBLEMS:
            break
    if problems:
        raise DataError(problems, source=source)
    return results
