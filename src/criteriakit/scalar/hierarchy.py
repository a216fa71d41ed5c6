"""Evaluating a hierarchy bottom-up: members → cells → committees, each level with its framework.

The top framework names the framework of the level below in ``[children]``, which may name the
next, and so on. Each level is evaluated, its quotas applied among siblings, and its results
rolled up into their parents' inputs (the ``rollup`` expressions), before the level above is
evaluated. Nothing is returned unless every unit evaluated.

Every engine finds problems in the same order, so that the same data gives the same error:

1. each level's columns (:func:`criteriakit.compiling.columns.check_columns`), top level first;
2. then, level by level from the bottom: every row's id and values (one
   :class:`~criteriakit.DataError`, the first ``reported_problems`` (:mod:`~criteriakit.limits`)
   problems shown, in row order, with how many there are in all); the plugins' input checks;
   the first unit whose evaluation a ``fail`` policy stops (an
   :class:`~criteriakit.EvaluationError` naming its row); the quotas; the units whose parent is
   not in the level above, or which their parent refuses as not evaluable.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import attrs

from criteriakit.compiling.columns import check_columns
from criteriakit.compiling.compiled import CompiledChildren
from criteriakit.compiling.inputs import UnknownInputs
from criteriakit.data import LevelData, UnitRow
from criteriakit.data.monthly import MonthlyRow, collect_months
from criteriakit.errors import DataError, EvaluationError, Problem
from criteriakit.expressions import Undefined
from criteriakit.model.period import Period
from criteriakit.model.results import Result
from criteriakit.scalar.framework import Framework
from criteriakit.scalar.population import relative_environments
from criteriakit.scalar.quotas import apply_quotas
from criteriakit.scalar.ranking import RankSlot, apply_ranking
from criteriakit.scalar.weighing import weighed

__all__ = [
    "LevelResults",
    "check_level_columns",
    "checked_rows",
    "child_record",
    "evaluate_levels",
    "first_given",
    "framework_chain",
    "orphan_problem",
    "raise_problems",
    "refused_child_problem",
]


@attrs.frozen
class LevelResults:
    """One level's framework and its units' results, in the order of its rows."""

    framework: Framework
    results: tuple[Result, ...]
    data: LevelData | None = None


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
        child = children.framework
        assert isinstance(child, Framework)  # noqa: S101  the loader resolves children to Frameworks
        chain.append(child)
    return chain


def raise_problems(
    problems: Sequence[Problem], source: str | None, *, total: int | None = None
) -> None:
    """Raise a :class:`DataError` of the first problems (and their count), if there are any.

    ``total`` is the count when ``problems`` holds only the first of them.
    """
    if problems:
        count = len(problems) if total is None else total
        raise DataError(problems, source=source, total=count)


def orphan_problem(
    unit: object,
    parent: object,
    *,
    path: str = "parent",
    row: int | None = None,
    source: str | None = None,
) -> Problem:
    """Return the problem of a unit without a parent (``None``) or with one not in the level above.

    Both ids are shown as their ``repr``.
    """
    shown = "no parent" if parent is None else f"parent {parent!r}, which is not in the level above"
    return Problem(f"unit {unit!r} has {shown}", path=path, row=row, file=source)


def refused_child_problem(
    unit: object, *, row: int | None = None, source: str | None = None
) -> Problem:
    """Return the problem of an unevaluable child whose parent's ``[children]`` refuse it."""
    message = (
        f'unit {unit!r} is not evaluable, and its parent\'s [children] say not_evaluable = "fail"'
    )
    return Problem(message, row=row, file=source)


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


def _rollups(framework: Framework, records: list[dict[str, object]]) -> dict[str, object]:
    children = framework.compiled.children
    assert children is not None  # noqa: S101  only frameworks with [children] roll up
    scope = {children.name: records}
    values: dict[str, object] = {}
    for name, expression in framework.compiled.rollups:
        value = expression.evaluate(scope)
        if not isinstance(value, Undefined):
            values[name] = value
    return values


@attrs.frozen
class _Monthly:
    """Monthly values gathered for one level: by unit, by input."""

    columns: tuple[str, ...]
    values: Mapping[str, Mapping[str, list[object]]]
    source: str | None


_PROGRESS_EVERY = 256
"""Units evaluated between two calls of a progress callback."""


@attrs.frozen
class _Context:
    """What every level of one evaluation shares: the period, monthly rows, unknown inputs.

    ``progress`` is told how many more units were evaluated.
    """

    period: Period | None
    monthly: Sequence[MonthlyRow]
    monthly_source: str | None
    unknown: UnknownInputs
    progress: Callable[[int], None] | None = None


def _gathered_inputs(framework: Framework, context: _Context) -> dict[str, str]:
    """Return the inputs gathered from the monthly rows, by the monthly column they collect."""
    if not context.monthly:
        return {}
    return {
        name: spec.per_month for name, spec in framework.definition.inputs.items() if spec.per_month
    }


def _gather(framework: Framework, context: _Context) -> _Monthly | None:
    columns = _gathered_inputs(framework, context)
    if not columns:
        return None
    if context.period is None:
        raise DataError(
            [Problem("monthly data needs the period to gather, such as 2024", hint="give --period")]
        )
    gathered = collect_months(
        context.monthly, context.period, columns, source=context.monthly_source
    )
    return _Monthly(tuple(columns), gathered, context.monthly_source)


def first_given(data: LevelData, names: Sequence[str]) -> dict[str, int]:
    """Return, of ``names``, those some row gives a value for, with the first such row."""
    given: dict[str, int] = {}
    for unit in data.rows:
        for name in names:
            if name not in given and unit.values.get(name) not in (None, ""):
                given[name] = unit.row
    return given


def check_level_columns(
    framework: Framework, data: LevelData, *, below: bool, context: _Context
) -> None:
    """Check one level's columns (see :func:`criteriakit.compiling.columns.check_columns`)."""
    if data.columns is None:  # JSON without a single unit: nothing to check, nothing to evaluate
        return
    rolled = [name for name, _ in framework.compiled.rollups] if below else []
    gathered = list(_gathered_inputs(framework, context))
    check_columns(
        framework.compiled,
        data.columns,
        source=data.source,
        id_column=data.id_column,
        has_ids=data.has_ids,
        unknown=context.unknown,
        rolled_up=rolled,
        gathered=gathered,
        given=first_given(data, [*rolled, *gathered]),
    )


def checked_rows(
    framework: Framework,
    data: LevelData,
    *,
    extra: Mapping[str, Mapping[str, object]] | None = None,
    monthly: _Monthly | None = None,
) -> list[tuple[UnitRow, dict[str, object]]]:
    """Return every unit with its checked values; raise one DataError for all bad rows.

    ``extra`` gives, by unit, the inputs the level below rolls up (checked with the row's own
    values); ``monthly`` the values gathered from monthly rows.
    """
    checker = framework.compiled.inputs
    checked: list[tuple[UnitRow, dict[str, object]]] = []
    problems: list[Problem] = []
    source = data.source
    for unit in data.rows:
        if unit.problem is not None:
            problems.append(unit.problem)
            continue
        key = unit.unit or ""
        added = dict(extra.get(key, {})) if extra is not None else {}
        found: list[Problem] = []
        if monthly is not None:
            gathered = monthly.values.get(key, {})
            for name in monthly.columns:
                try:
                    added[name] = checker.check_cells(name, gathered.get(name, []), row=unit.row)
                except DataError as error:
                    found.extend(
                        attrs.evolve(problem, file=monthly.source) for problem in error.problems
                    )
        raw = {**unit.values, **added} if added else unit.values
        try:
            values = checker.check(raw, row=unit.row, unknown="ignore", source=source)
        except DataError as error:
            problems.extend(error.problems)
            problems.extend(found)
            continue
        if found:
            problems.extend(found)
            continue
        checked.append((unit, values))
    raise_problems(problems, source)
    return checked


def _validated(
    framework: Framework, checked: Sequence[tuple[UnitRow, dict[str, object]]], source: str | None
) -> None:
    """Run the ``[[checks]]`` and plugins' input checks on every unit; one DataError for all."""
    if not framework.checks_inputs:
        return
    problems = [
        problem
        for unit, values in checked
        for problem in framework.input_problems(values, row=unit.row, file=source)
    ]
    raise_problems(problems, source)


def _evaluate_level(
    framework: Framework,
    data: LevelData,
    records: Mapping[str, list[dict[str, object]]] | None,
    context: _Context,
    each: Sequence[Framework] | None = None,
) -> tuple[list[Result], list[RankSlot] | None]:
    """Evaluate one level's units; return their results, and their rank slots if it ranks.

    ``each`` gives each unit's framework where they differ (weights each parent's units
    decided); they differ in weights alone, so ``framework`` checks and compares the units.
    """
    extra = None
    if records is not None:
        extra = {
            unit.unit: _rollups(framework, records.get(unit.unit, []))
            for unit in data.rows
            if unit.unit is not None
        }
    checked = checked_rows(framework, data, extra=extra, monthly=_gather(framework, context))
    _validated(framework, checked, data.source)
    results: list[Result] = []
    rolled = {name for name, _ in framework.compiled.rollups} if records is not None else set()
    population: list[dict[str, object]] = [{} for _ in checked]  # evaluated as a population
    if framework.compiled.relative:
        population = relative_environments(
            framework.compiled,
            framework.relative_values,
            [values for _, values in checked],
            [unit.parent for unit, _ in checked],
        )
    slots = [RankSlot() for _ in checked] if framework.compiled.ranking is not None else None
    done = 0
    for index, ((unit, values), shares) in enumerate(zip(checked, population, strict=True)):
        done += 1
        if context.progress is not None and done % _PROGRESS_EVERY == 0:
            context.progress(_PROGRESS_EVERY)
        rolled_up = {name: values[name] for name in rolled if name in values}
        try:
            result = (framework if each is None else each[index]).evaluate_checked(
                values,
                unit.unit,
                context.period,
                validate=False,
                parent=unit.parent,
                rolled_up=rolled_up,
                population=shares,
                ranking=slots[index] if slots is not None else None,
            )
        except EvaluationError as error:
            raise error.located(data.source, unit.row) from None
        results.append(result)
    if context.progress is not None and done % _PROGRESS_EVERY:
        context.progress(done % _PROGRESS_EVERY)
    return results, slots


def _records_by_parent(
    children: CompiledChildren,
    data: LevelData,
    results: Sequence[Result],
    parents: set[str],
) -> dict[str, list[dict[str, object]]]:
    records: dict[str, list[dict[str, object]]] = {}
    problems: list[Problem] = []
    source = data.source
    for unit, result in zip(data.rows, results, strict=True):
        if unit.parent is None or unit.parent not in parents:
            problems.append(orphan_problem(unit.unit, unit.parent, row=unit.row, source=source))
            continue
        if not result.evaluable and children.not_evaluable == "fail":
            problems.append(refused_child_problem(unit.unit, row=unit.row, source=source))
            continue
        if result.evaluable:
            records.setdefault(unit.parent, []).append(child_record(result, children.fields))
    raise_problems(problems, source)
    return records


def _points(results: Sequence[Result]) -> tuple[dict[str, list[float | None]], list[bool]]:
    """Return the results' indicator points by indicator id, and whether each was evaluable."""
    points: dict[str, list[float | None]] = {}
    for result in results:
        for criterion in result.criteria:
            for indicator in criterion.indicators:
                points.setdefault(indicator.id, []).append(indicator.points)
    return points, [result.evaluable for result in results]


def evaluate_levels(
    framework: Framework,
    levels: Sequence[LevelData | Sequence[UnitRow]],
    *,
    unknown_inputs: UnknownInputs = "error",
    period: Period | None = None,
    monthly: Sequence[MonthlyRow] = (),
    monthly_source: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[LevelResults]:
    """Evaluate ``levels[0]`` with ``framework``, ``levels[1]`` with its children's, and so on.

    Returns the results of every level, top first, each marked with ``period`` and its units'
    parents. ``monthly`` rows fill the ``per_month`` inputs of any level, gathered over
    ``period``. A level is read data (:func:`criteriakit.data.read_level`) or a sequence of
    rows. Problems are found in the order the module docs give. ``progress`` is called with
    how many more units were evaluated, every few hundred units (a progress bar's update).
    """
    context = _Context(period, monthly, monthly_source, unknown_inputs, progress)
    chain = framework_chain(framework, len(levels))
    data_sets = [
        level if isinstance(level, LevelData) else LevelData(tuple(level)) for level in levels
    ]
    for depth, (level_framework, data) in enumerate(zip(chain, data_sets, strict=True)):
        below = depth + 1 < len(levels)
        check_level_columns(level_framework, data, below=below, context=context)
    outcome: list[LevelResults] = []
    records: dict[str, list[dict[str, object]]] | None = None
    for depth in range(len(levels) - 1, -1, -1):
        level_framework, data = chain[depth], data_sets[depth]
        above = [row.parent for row in data]
        each: list[Framework] | None = None  # each unit's framework, where weights differ
        if level_framework.compiled.data_weights:  # evaluated once to decide the weights
            quiet = attrs.evolve(context, progress=None)
            provisional, _ = _evaluate_level(level_framework, data, records, quiet)
            decided = weighed(level_framework, *_points(provisional), above)
            level_framework = chain[depth] = decided[0][1]
            if len(decided) > 1:
                each = [level_framework] * len(data)
                for members, group_framework in decided:
                    for index in members:
                        each[index] = group_framework
        compiled = level_framework.compiled
        results, slots = _evaluate_level(level_framework, data, records, context, each)
        results = apply_quotas(compiled, results, above)
        if compiled.ranking is not None and slots is not None:
            every = each or [level_framework] * len(data)
            rankings = [unit.compiled.ranking or compiled.ranking for unit in every]
            results = apply_ranking(rankings, results, slots, above)
        outcome.insert(0, LevelResults(level_framework, tuple(results), data))
        if depth > 0:
            children = chain[depth - 1].compiled.children
            assert children is not None  # noqa: S101  the chain only goes down through [children]
            parents = {row.unit for row in data_sets[depth - 1] if row.unit is not None}
            records = _records_by_parent(children, data, results, parents)
    return outcome
