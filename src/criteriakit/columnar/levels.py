"""Whole hierarchies as columns: members → cells → committees, bottom-up, on one machine.

The columnar counterpart of :func:`criteriakit.hierarchy.evaluate_levels`: each level is
evaluated as columns with its quotas among siblings, its results rolled up into its parents'
inputs by group-bys (:mod:`.rollups`), then the level above is evaluated. Orphans (a unit whose
parent is not in the level above) and unevaluable children under ``not_evaluable = "fail"``
are reported by row.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import polars as pl

from criteriakit.columnar.executor import PARENT, UNIT, evaluate_lazy
from criteriakit.columnar.frames import open_frame
from criteriakit.columnar.rollups import fields_read, rolled_up
from criteriakit.data import MAX_REPORTED_PROBLEMS
from criteriakit.errors import DataError, Problem
from criteriakit.framework import Framework
from criteriakit.hierarchy import framework_chain
from criteriakit.inputs import UnknownInputs

__all__ = ["evaluate_levels_frame"]


def _check_children(
    children: pl.DataFrame, parents: pl.DataFrame, not_evaluable: str, source: str | None
) -> None:
    known = parents[UNIT].drop_nulls()
    rows = children.with_row_index("row", offset=1)
    problems: list[Problem] = []
    if PARENT not in children.columns:
        message = "the level below has no parent column: each unit must name its parent"
        raise DataError([Problem(message, file=source, hint="add a 'parent' column")])
    orphans = rows.filter(~pl.col(PARENT).is_in(known.implode()) | pl.col(PARENT).is_null())
    for row in orphans.head(MAX_REPORTED_PROBLEMS).iter_rows(named=True):
        parent = row[PARENT]
        shown = (
            "no parent" if parent is None else f"parent {parent!r}, which is not in the level above"
        )
        problems.append(
            Problem(f"unit {row[UNIT]!r} has {shown}", path="parent", row=row["row"], file=source)
        )
    if not_evaluable == "fail":
        failed = rows.filter(~pl.col("evaluable")).head(MAX_REPORTED_PROBLEMS)
        for row in failed.iter_rows(named=True):
            message = f'unit {row[UNIT]!r} is not evaluable, and its parent\'s [children] say not_evaluable = "fail"'
            problems.append(Problem(message, row=row["row"], file=source))
    if problems:
        raise DataError(problems[:MAX_REPORTED_PROBLEMS], source=source)


def evaluate_levels_frame(
    framework: Framework,
    levels: Sequence[Any],
    *,
    unit_column: str = "id",
    parent_column: str = "parent",
    unknown_inputs: UnknownInputs = "error",
    progress: Callable[[int], None] | None = None,
) -> list[Any]:
    """Evaluate ``levels[0]`` with ``framework``, ``levels[1]`` with its children's, and so on.

    Each level is a frame or a file path, as for :func:`criteriakit.evaluate_frame`; the result
    is each level's table, top first, in the caller's kinds of frame. Raises
    :class:`~criteriakit.DataError` for bad values, orphans and unevaluable children their
    parents refuse, naming the level's file when it was read from one. ``progress`` is called
    with the number of units of each level once it is evaluated (a progress bar's update).
    """
    chain = framework_chain(framework, len(levels))
    opened = [open_frame(level) for level in levels]
    results: list[pl.DataFrame] = [pl.DataFrame()] * len(levels)
    rolled: pl.LazyFrame | None = None
    for depth in range(len(levels) - 1, -1, -1):
        level = opened[depth]
        parent_framework = chain[depth - 1] if depth else None
        rolls_up = parent_framework is not None and bool(parent_framework.compiled.rollups)
        read = fields_read(parent_framework) if parent_framework and rolls_up else frozenset()
        keep = [name for name in chain[depth].definition.inputs if name in read]
        result = evaluate_lazy(
            chain[depth],
            level.lazy,
            text=level.text,
            unit_column=unit_column,
            parent_column=parent_column,
            rolled_up=rolled,
            keep_inputs=keep,
            unknown_inputs=unknown_inputs,
            source=level.source,
        )
        if depth > 0:
            parents = (
                opened[depth - 1]
                .lazy.select(pl.col(unit_column).cast(pl.String).alias(UNIT))
                .collect()
            )
            assert parent_framework is not None  # noqa: S101  depth > 0
            children = parent_framework.compiled.children
            assert children is not None  # noqa: S101  the chain only goes down through [children]
            _check_children(result, parents, children.not_evaluable, level.source)
            rolled = (
                rolled_up(parent_framework, result.lazy(), PARENT).collect().lazy()
                if rolls_up
                else None
            )
            result = result.drop(keep)
        results[depth] = result
        if progress is not None:
            progress(result.height)
    return [level.to_caller(result) for level, result in zip(opened, results, strict=True)]
