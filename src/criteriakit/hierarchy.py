"""Evaluating a hierarchy bottom-up: members → cells → committees, each level with its framework.

The top framework names the framework of the level below in ``[children]``, which may name the
next, and so on. Each level is evaluated, its quotas applied among siblings, and its results
rolled up into their parents' inputs (the ``rollup`` expressions), before the level above is
evaluated. Every bad row of every level is reported at once; nothing is returned unless every
unit evaluated.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs

from criteriakit.compiled import CompiledChildren
from criteriakit.data import MAX_REPORTED_PROBLEMS, UnitRow
from criteriakit.errors import DataError, EvaluationError, PluginError, Problem
from criteriakit.expressions import Undefined
from criteriakit.framework import Framework
from criteriakit.inputs import UnknownInputs
from criteriakit.model.period import Period
from criteriakit.model.results import Result
from criteriakit.periods import MonthlyRow, collect_months
from criteriakit.quotas import apply_quotas

__all__ = ["LevelResults", "child_record", "evaluate_levels", "framework_chain"]


@attrs.frozen
class LevelResults:
    """One level's framework and its units' results, in the order of its rows."""

    framework: Framework
    results: tuple[Result, ...]


def framework_chain(framework: Framework, depth: int) -> list[Framework]:
    """Return ``framework`` and the frameworks of its children, grandchildren… ``depth`` in all."""
    chain = [framework]
    while len(chain) < depth:
        parent = chain[-1]
        children = parent.compiled.children
        if children is None:
            declared = parent.definition.children
            if declared is None:
                message = (
                    f"{parent.ref} declares no [children]: it cannot take data for the level below"
                )
                raise DataError([Problem(message)])
            message = f"{parent.ref} was loaded on its own, so its children's framework {declared.framework} is unknown"
            hint = "load it by id through the registry (installed plugins, --plugin-dir)"
            raise DataError([Problem(message, hint=hint)])
        chain.append(children.framework)
    return chain


def child_record(result: Result, fields: Sequence[str]) -> dict[str, object]:
    """Return a child's result as the record its parent's roll-ups see."""
    record: dict[str, object] = {
        "tier": result.tier,
        "band_tier": result.band_tier,
        "score": result.score,
        "evaluable": result.evaluable,
    }
    for name in fields:
        record[name] = result.inputs.get(name)
    return record


def _rollups(
    children: CompiledChildren,
    framework: Framework,
    unit: UnitRow,
    records: list[dict[str, object]],
) -> tuple[dict[str, object], list[Problem]]:
    values: dict[str, object] = {}
    problems: list[Problem] = []
    scope = {children.name: records}
    for name, expression in framework.compiled.rollups:
        if unit.values.get(name) not in (None, ""):
            message = f"input {name!r} is rolled up from the {children.name}; the data gives it too"
            problems.append(
                Problem(
                    message,
                    path=name,
                    row=unit.row,
                    hint="remove the column, or evaluate without the level below",
                )
            )
            continue
        value = expression.evaluate(scope)
        if not isinstance(value, Undefined):
            values[name] = value
    return values, problems


def _monthly_values(
    framework: Framework, monthly: _Monthly | None, unit: UnitRow
) -> tuple[dict[str, object], list[Problem]]:
    """Return the unit's ``per_month`` inputs gathered from the monthly rows, converted."""
    if monthly is None:
        return {}, []
    gathered = monthly.values.get(unit.unit, {})
    values: dict[str, object] = {}
    problems: list[Problem] = []
    for name in monthly.columns:
        if unit.values.get(name) not in (None, ""):
            message = f"input {name!r} is gathered from the monthly data; the data gives it too"
            hint = "remove the column, or evaluate without --monthly"
            problems.append(Problem(message, path=name, row=unit.row, hint=hint))
            continue
        try:
            checked = framework.compiled.inputs.check(
                {name: gathered.get(name, [])}, text=monthly.text
            )
        except DataError as error:
            problems.extend(
                attrs.evolve(problem, row=unit.row, file=monthly.source)
                for problem in error.problems
            )
            continue
        values[name] = checked[name]
    return values, problems


@attrs.frozen
class _Monthly:
    """Monthly values gathered for one level: by unit, by input."""

    columns: tuple[str, ...]
    values: Mapping[str, Mapping[str, list[object]]]
    text: bool
    source: str | None


@attrs.frozen
class _Context:
    """What every level of one evaluation shares: the period, monthly rows, unknown inputs."""

    period: Period | None
    monthly: Sequence[MonthlyRow]
    monthly_source: str | None
    unknown: UnknownInputs


def _gather(framework: Framework, context: _Context) -> _Monthly | None:
    columns = {
        name: spec.per_month for name, spec in framework.definition.inputs.items() if spec.per_month
    }
    if not context.monthly or not columns:
        return None
    if context.period is None:
        raise DataError(
            [Problem("monthly data needs the period to gather, such as 2024", hint="give --period")]
        )
    gathered = collect_months(
        context.monthly, context.period, columns, source=context.monthly_source
    )
    return _Monthly(
        tuple(columns), gathered, any(row.text for row in context.monthly), context.monthly_source
    )


def _evaluate_level(
    framework: Framework,
    rows: Sequence[UnitRow],
    records: Mapping[str, list[dict[str, object]]] | None,
    context: _Context,
    source: str | None,
) -> tuple[list[Result], list[Problem]]:
    children = framework.compiled.children
    monthly = _gather(framework, context)
    results: list[Result] = []
    problems: list[Problem] = []
    for unit in rows:
        if len(problems) >= MAX_REPORTED_PROBLEMS:
            break
        rolled: dict[str, object] = {}
        if records is not None and children is not None:
            rolled, found = _rollups(children, framework, unit, records.get(unit.unit, []))
            if found:
                problems.extend(attrs.evolve(problem, file=source) for problem in found)
                continue
        months, found = _monthly_values(framework, monthly, unit)
        if found:
            problems.extend(found)
            continue
        raw = {**unit.values, **rolled, **months} if rolled or months else unit.values
        try:
            values = framework.compiled.inputs.check(
                raw, text=unit.text, row=unit.row, unknown=context.unknown, source=source
            )
            result = framework.evaluate_checked(values, unit.unit, context.period)
        except DataError as error:
            problems.extend(
                attrs.evolve(problem, row=unit.row, file=source) for problem in error.problems
            )
            continue
        except (EvaluationError, PluginError) as error:
            problems.append(Problem(str(error), row=unit.row, file=source))
            continue
        results.append(attrs.evolve(result, rolled_up=rolled) if rolled else result)
    return results, problems


def _records_by_parent(
    children: CompiledChildren,
    rows: Sequence[UnitRow],
    results: Sequence[Result],
    parents: set[str],
    source: str | None,
) -> tuple[dict[str, list[dict[str, object]]], list[Problem]]:
    records: dict[str, list[dict[str, object]]] = {}
    problems: list[Problem] = []
    for unit, result in zip(rows, results, strict=True):
        if unit.parent is None or unit.parent not in parents:
            shown = (
                "no parent"
                if unit.parent is None
                else f"parent {unit.parent!r}, which is not in the level above"
            )
            problems.append(
                Problem(f"unit {unit.unit!r} has {shown}", path="parent", row=unit.row, file=source)
            )
            continue
        if not result.evaluable and children.not_evaluable == "fail":
            message = f'unit {unit.unit!r} is not evaluable, and its parent\'s [children] say not_evaluable = "fail"'
            problems.append(Problem(message, row=unit.row, file=source))
            continue
        if result.evaluable:
            records.setdefault(unit.parent, []).append(child_record(result, children.fields))
    return records, problems


def evaluate_levels(
    framework: Framework,
    levels: Sequence[Sequence[UnitRow]],
    *,
    sources: Sequence[str | None] | None = None,
    unknown_inputs: UnknownInputs = "error",
    period: Period | None = None,
    monthly: Sequence[MonthlyRow] = (),
    monthly_source: str | None = None,
) -> list[LevelResults]:
    """Evaluate ``levels[0]`` with ``framework``, ``levels[1]`` with its children's, and so on.

    Returns the results of every level, top first, each marked with ``period``. ``monthly``
    rows fill the ``per_month`` inputs of any level, gathered over ``period``. ``sources`` name
    the data of each level in problems. Raises :class:`DataError` listing every problem.
    """
    context = _Context(period, monthly, monthly_source, unknown_inputs)
    names = list(sources) if sources is not None else [None] * len(levels)
    chain = framework_chain(framework, len(levels))
    outcome: list[LevelResults] = []
    records: dict[str, list[dict[str, object]]] | None = None
    for depth in range(len(levels) - 1, -1, -1):
        level_framework, rows, source = chain[depth], levels[depth], names[depth]
        results, problems = _evaluate_level(level_framework, rows, records, context, source)
        if problems:
            raise DataError(problems[:MAX_REPORTED_PROBLEMS], source=source)
        results = apply_quotas(level_framework.compiled, results, (row.parent for row in rows))
        outcome.insert(0, LevelResults(level_framework, tuple(results)))
        if depth > 0:
            children = chain[depth - 1].compiled.children
            assert children is not None  # noqa: S101  the chain only goes down through [children]
            parents = {row.unit for row in levels[depth - 1]}
            records, problems = _records_by_parent(children, rows, results, parents, source)
            if problems:
                raise DataError(problems[:MAX_REPORTED_PROBLEMS], source=source)
    return outcome
