"""The plan every engine follows: steps run on each partition, and hierarchies level by level.

A *step* is a picklable callable from one partition, as a Polars frame, to a Polars frame; it
rebuilds the frameworks from a :class:`~criteriakit.distributed._recipe.FrameworkRecipe` and
calls the columnar executor, so a partition is evaluated exactly as one machine would. Running
a step on an empty frame gives its output schema, which the engines need before any data moves.

An :class:`Engine` (Spark, Dask) supplies the few primitives the plan needs: run a step on every
partition, gather rows that share a column into one partition (quotas and relative scorers
compare the units of a parent, or of the whole level), combine partial columns by key, join,
find orphans. :func:`evaluate_levels` then goes bottom-up: each
level is evaluated, its orphans (and the unevaluable children its parents refuse) refused, its
results reduced per partition to partial roll-ups, the partials combined across partitions by
the engine, finished into roll-up inputs, and joined onto the level above by unit id.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Protocol, TypeVar

import attrs
import polars as pl

from criteriakit.columnar import (
    evaluate_frame,
    finish_rollups,
    partial_aggregations,
    rollup_partials,
)
from criteriakit.columnar.aggregates import Combine
from criteriakit.columnar.executor import PARENT
from criteriakit.compiling.inputs import UnknownInputs
from criteriakit.data import MAX_REPORTED_PROBLEMS
from criteriakit.distributed._recipe import FrameworkRecipe
from criteriakit.errors import DataError, EvaluationError, Problem
from criteriakit.scalar.framework import Framework
from criteriakit.scalar.hierarchy import orphan_problem, refused_child_problem

__all__ = [
    "ROLLED",
    "Combine",
    "Engine",
    "Evaluate",
    "Finish",
    "Partials",
    "Step",
    "evaluate_levels",
]

Frame = TypeVar("Frame")

Step = Callable[[pl.DataFrame], pl.DataFrame]
"""What runs on each partition: a picklable function of a Polars frame."""

ROLLED = "__criteriakit_rolled__"
"""The prefix of roll-up columns joined onto a level, kept apart from the level's own columns."""


@attrs.frozen
class Evaluate:
    """Evaluate one partition of a level with the columnar executor.

    With ``rolled``, the partition also carries the level's roll-up inputs under the
    :data:`ROLLED` prefix (null for units without children), passed on as ``rolled_up``.
    """

    recipe: FrameworkRecipe
    level: int
    unit_column: str
    parent_column: str
    keep_inputs: bool = False
    rolled: bool = False
    unknown_inputs: UnknownInputs = "error"

    def __call__(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Return the partition's results (see :func:`criteriakit.columnar.evaluate_frame`)."""
        framework = self.recipe.frameworks()[self.level]
        rolled_up = None
        if self.rolled:
            names = [name for name in frame.columns if name.startswith(ROLLED)]
            rolled_up = frame.filter(pl.col(f"{ROLLED}unit").is_not_null()).select(
                pl.col(name).alias(name.removeprefix(ROLLED)) for name in names
            )
            frame = frame.drop(names)
        try:
            result: pl.DataFrame = evaluate_frame(
                framework,
                frame,
                unit_column=self.unit_column,
                parent_column=self.parent_column,
                rolled_up=rolled_up,
                keep_inputs=self.keep_inputs,
                unknown_inputs=self.unknown_inputs,
            )
        except DataError as error:
            raise _by_unit(error, frame, self.unit_column) from None
        except EvaluationError as error:  # rows within a partition mean nothing: the unit says
            raise error.located(None, None) from None
        return result


def _by_unit(error: DataError, frame: pl.DataFrame, unit_column: str) -> DataError:
    """Name each problem's unit instead of its row: rows within a partition mean nothing."""
    units = frame[unit_column].to_list() if unit_column in frame.columns else []
    problems = []
    for problem in error.problems:
        row = problem.row
        message = problem.message
        if row is not None and 1 <= row <= len(units):
            message = f"unit {units[row - 1]!r}: {message}"
        problems.append(attrs.evolve(problem, message=message, row=None))
    return DataError(problems, source=error.source)


@attrs.frozen
class Partials:
    """Reduce one partition of a level's results to partial roll-ups for the level above."""

    recipe: FrameworkRecipe
    level: int
    """The level above, whose roll-ups these are."""

    def __call__(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Return one row per parent in the partition: its key and its partial columns."""
        framework = self.recipe.frameworks()[self.level]
        partials: pl.DataFrame = rollup_partials(framework, frame, parent_column=PARENT)
        return partials


@attrs.frozen
class Finish:
    """Turn combined partials into the roll-up inputs of the level above, prefixed."""

    recipe: FrameworkRecipe
    level: int

    def __call__(self, frame: pl.DataFrame) -> pl.DataFrame:
        """Return the parents' ``unit`` and roll-up inputs, each under the :data:`ROLLED` prefix."""
        framework = self.recipe.frameworks()[self.level]
        finished: pl.DataFrame = finish_rollups(framework, frame, parent_column=PARENT)
        return finished.select(pl.all().name.prefix(ROLLED))


class Engine(Protocol[Frame]):
    """The primitives of a distributed engine that :func:`evaluate_levels` builds on."""

    def schema(self, frame: Frame) -> pl.DataFrame:
        """Return an empty Polars frame with the columns and types of ``frame``."""

    def apply(self, frame: Frame, step: Step, output: pl.DataFrame) -> Frame:
        """Run ``step`` on every partition; ``output`` is its result on an empty frame."""

    def group(self, frame: Frame, column: str | None) -> Frame:
        """Put the rows that share ``column`` in one partition (all rows if ``None``)."""

    def combine(self, frame: Frame, key: str, how: Mapping[str, Combine]) -> Frame:
        """Combine the rows of each ``key``: each column of ``how`` by its sum, min or max."""

    def join_rolled(self, frame: Frame, rolled: Frame, unit_column: str) -> Frame:
        """Left-join ``rolled`` on its ``ROLLED + "unit"`` to ``frame``'s ``unit_column``."""

    def orphans(
        self, children: Frame, parents: Frame, *, unit_column: str, parent_column: str, limit: int
    ) -> list[tuple[object, object]]:
        """Return up to ``limit`` (unit, parent) of children whose parent is not in ``parents``."""

    def unevaluable(self, results: Frame, *, limit: int) -> list[object]:
        """Return up to ``limit`` units of ``results`` that are not evaluable."""

    def select(self, frame: Frame, columns: Sequence[str]) -> Frame:
        """Keep ``columns`` of ``frame``."""

    def done(self, frame: Frame) -> Frame:
        """Return results as handed back and reused by the level above (computed, if eager)."""

    def release(self, frame: Frame) -> None:
        """Free what :meth:`done` kept of ``frame``, which nothing reads any more."""


def evaluate_levels(
    engine: Engine[Frame],
    framework: Framework,
    levels: Sequence[Frame],
    *,
    unit_column: str,
    parent_column: str,
    keep_inputs: bool,
    unknown_inputs: UnknownInputs,
) -> list[Frame]:
    """Evaluate ``levels[0]`` with ``framework``, ``levels[1]`` with its children's, and so on.

    Returns the results of every level, top first, as :func:`criteriakit.evaluate_levels_frame`
    does on one machine. Raises :class:`~criteriakit.DataError` for orphans (children whose
    parent is not in the level above) and for unevaluable children that their parents'
    ``[children]`` refuse (``not_evaluable = "fail"``).
    """
    if not levels:
        return []
    recipe = FrameworkRecipe.of(framework, len(levels))
    frameworks = recipe.frameworks()
    outcome: list[Frame] = []
    kept: list[Frame] = []  # what the engine keeps computed: released if anything fails
    spent: list[Frame] = []  # kept for the level above only: released once it is done
    rolled: Frame | None = None
    try:
        for depth in range(len(levels) - 1, -1, -1):
            level = levels[depth]
            frame = level if rolled is None else engine.join_rolled(level, rolled, unit_column)
            compared = frameworks[depth].compiled.compares_units
            if compared is not None:  # the units compared must share a partition
                columns = engine.schema(frame).columns
                by_parent = compared == "parent" and parent_column in columns
                frame = engine.group(frame, parent_column if by_parent else None)
            step = Evaluate(
                recipe,
                depth,
                unit_column,
                parent_column,
                keep_inputs=keep_inputs or depth > 0,  # the level above rolls up the inputs
                rolled=rolled is not None,
                unknown_inputs=unknown_inputs,
            )
            output = step(engine.schema(frame))
            results = engine.done(engine.apply(frame, step, output))
            kept.append(results)
            shown = results
            if depth > 0 and not keep_inputs:
                inputs = frameworks[depth].compiled.declared
                names = [name for name in output.columns if name not in inputs]
                shown = engine.done(engine.select(results, names))
                kept.append(shown)
                spent.append(results)
            outcome.insert(0, shown)
            if depth > 0:
                parent = frameworks[depth - 1]
                _check_children(
                    engine, parent, level, levels[depth - 1], results, unit_column, parent_column
                )
                if parent.compiled.rollups:
                    rolled = _rollups(engine, recipe, depth - 1, results)
    except BaseException:
        for frame in kept:
            engine.release(frame)
        raise
    for frame in spent:
        engine.release(frame)
    return outcome


def _check_children(
    engine: Engine[Frame],
    parent: Framework,
    children: Frame,
    parents: Frame,
    results: Frame,
    unit_column: str,
    parent_column: str,
) -> None:
    """Refuse orphans, and unevaluable children when the parents' ``[children]`` say "fail"."""
    if parent_column not in engine.schema(children).columns:
        message = f"the level below has no column {parent_column!r}: each unit must name its parent"
        raise DataError([Problem(message, path=parent_column)])
    if unit_column not in engine.schema(parents).columns:
        message = f"the level above has no column {unit_column!r}: its children cannot name it"
        raise DataError([Problem(message, path=unit_column)])
    found = engine.orphans(
        children,
        parents,
        unit_column=unit_column,
        parent_column=parent_column,
        limit=MAX_REPORTED_PROBLEMS,
    )
    problems = [orphan_problem(unit, named, path=parent_column) for unit, named in found]
    declared = parent.compiled.children
    if declared is not None and declared.not_evaluable == "fail":
        problems.extend(
            refused_child_problem(unit)
            for unit in engine.unevaluable(results, limit=MAX_REPORTED_PROBLEMS)
        )
    if problems:
        raise DataError(problems[:MAX_REPORTED_PROBLEMS])


def _rollups(engine: Engine[Frame], recipe: FrameworkRecipe, level: int, results: Frame) -> Frame:
    """Return the roll-up inputs of ``level`` from the results of the level below."""
    framework = recipe.frameworks()[level]
    partials = Partials(recipe, level)
    reduced = engine.apply(results, partials, partials(engine.schema(results)))
    combined = engine.combine(reduced, PARENT, partial_aggregations(framework))
    finish = Finish(recipe, level)
    return engine.apply(combined, finish, finish(engine.schema(combined)))
