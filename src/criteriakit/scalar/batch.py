"""Evaluating one data set, reporting every bad row at once.

:func:`evaluate_rows` returns every result, and nothing unless every row evaluates, so callers
(the CLI) never write a partial output. Quotas apply among the rows that share a parent (see
:mod:`criteriakit.scalar.quotas`).

:func:`evaluate_streamed` yields the results one at a time instead, for data too large to hold
(the CLI writes them through a temporary file): memory stays that of one row, whatever the
number of rows. It finds the same problems, in the same order, and raises the same error once
the rows are read; only a level that compares no units streams (quotas rank the units of a
parent, relative scorers compare a unit's values with its group's).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence

import attrs

from criteriakit import limits
from criteriakit.compiling.inputs import UnknownInputs
from criteriakit.data import LevelData, UnitRow, row_problem
from criteriakit.errors import DataError, EvaluationError, Problem
from criteriakit.model.period import Period
from criteriakit.model.results import Result
from criteriakit.scalar.framework import Framework
from criteriakit.scalar.hierarchy import evaluate_levels, raise_problems

__all__ = ["evaluate_rows", "evaluate_streamed"]


def evaluate_rows(
    framework: Framework,
    data: LevelData | Sequence[UnitRow],
    *,
    unknown_inputs: UnknownInputs = "error",
) -> list[Result]:
    """Evaluate every row; raise :class:`~criteriakit.DataError` with each bad row's problems."""
    (level,) = evaluate_levels(framework, [data], unknown_inputs=unknown_inputs)
    return list(level.results)


@attrs.define
class _FirstProblems:
    """The first problems found (as many as an error shows) and how many there are in all."""

    kept: list[Problem] = attrs.field(factory=list)
    total: int = 0

    def add(self, problems: Sequence[Problem]) -> None:
        """Count ``problems``; keep them while fewer than an error shows are kept."""
        self.total += len(problems)
        room = limits.current().reported_problems - len(self.kept)
        if room > 0:
            self.kept.extend(problems[:room])

    def raise_if_any(self, source: str | None) -> None:
        """Raise the :class:`DataError` of the problems, if any were found."""
        raise_problems(self.kept, source, total=self.total)


def _row_problems(
    framework: Framework, unit: UnitRow, source: str | None
) -> tuple[dict[str, object], list[Problem]]:
    """Return a row's checked values and its problems (its id's, else its values')."""
    if unit.problem is not None:
        return {}, [unit.problem]
    try:
        values = framework.compiled.inputs.check(
            unit.values, row=unit.row, unknown="ignore", source=source
        )
    except DataError as error:
        return {}, list(error.problems)
    return values, []


def _settled(
    found: _FirstProblems,
    deferred: Mapping[int, tuple[str, list[Problem]]],
    first_rows: Mapping[str, int],
    source: str | None,
    id_column: str,
) -> _FirstProblems:
    """Return ``found`` with the problems of the suspected rows, a repeat's once it is known."""
    settled: list[Problem] = []
    for row, (unit, problems) in deferred.items():
        if first_rows.get(unit, row) < row:
            repeat = row_problem(
                unit,
                None,
                row,
                unit_column=id_column,
                parent_column="",
                source=source,
                first_row=first_rows,
            )
            settled.extend([repeat] if repeat is not None else [])
        else:
            settled.extend(problems)
    merged = sorted([*found.kept, *settled], key=lambda problem: problem.row or 0)
    every = _FirstProblems(total=found.total + len(settled))
    every.kept = merged[: limits.current().reported_problems]
    return every


def evaluate_streamed(
    framework: Framework,
    rows: Iterable[UnitRow],
    *,
    source: str | None,
    id_column: str,
    suspects: Mapping[int, str],
    first_rows: Callable[[Collection[str]], Mapping[str, int]],
    period: Period | None = None,
) -> Iterator[Result]:
    """Yield each row's result as it is evaluated; raise what :func:`evaluate_rows` raises.

    ``rows`` come from :func:`criteriakit.data.streamed_rows`, which fills ``suspects`` (rows
    whose id may repeat an earlier row's) as they are read; ``first_rows`` reads the data once
    more for the first row of those ids. The checks are those of one level of
    :func:`~criteriakit.scalar.hierarchy.evaluate_levels`, in its order: every row's id and values,
    then the plugins' input checks, then the first unit a ``fail`` policy stops. Once a problem
    is found, rows are still checked but no longer evaluated. The framework must compare no units
    (:attr:`~criteriakit.compiling.compiled.CompiledFramework.compares_units`).
    """
    found, plugins = _FirstProblems(), _FirstProblems()
    deferred: dict[int, tuple[str, list[Problem]]] = {}
    stopped: EvaluationError | None = None
    failing = False  # a row had a problem: the data error will be raised
    for unit in rows:
        values, problems = _row_problems(framework, unit, source)
        if unit.row in suspects:
            deferred[unit.row] = (suspects[unit.row], problems)
        else:
            found.add(problems)
        failing = failing or bool(problems)
        if failing:
            continue
        plugin = framework.input_problems(values, row=unit.row, file=source)
        plugins.add(plugin)
        if plugin or plugins.total or stopped is not None:
            continue
        try:
            result = framework.evaluate_checked(
                values, unit.unit, period, validate=False, parent=unit.parent
            )
        except EvaluationError as error:
            stopped = error.located(source, unit.row)
            continue
        yield result
    if deferred:
        found = _settled(found, deferred, first_rows(set(suspects.values())), source, id_column)
    found.raise_if_any(source)
    plugins.raise_if_any(source)
    if stopped is not None:
        raise stopped
