"""Whole hierarchies as columns: members → cells → committees, bottom-up, on one machine.

The columnar counterpart of :func:`criteriakit.scalar.hierarchy.evaluate_levels`, finding problems in
the same order: every level's columns first (top level first), then level by level from the
bottom, each evaluated as columns with its quotas among siblings, checked for orphans (a unit
whose parent is not in the level above) and unevaluable children under ``not_evaluable =
"fail"``, and rolled up into its parents' inputs by group-bys (:mod:`.rollups`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import polars as pl

from criteriakit import limits
from criteriakit.columnar.executor import PARENT, UNIT, check_opened, evaluate_opened
from criteriakit.columnar.frames import Opened, open_frame
from criteriakit.columnar.inputs import id_checks
from criteriakit.columnar.rollups import fields_read, rolled_up
from criteriakit.compiling.inputs import UnknownInputs
from criteriakit.scalar.framework import Framework
from criteriakit.scalar.hierarchy import (
    framework_chain,
    orphan_problem,
    raise_problems,
    refused_child_problem,
)

__all__ = ["evaluate_levels_frame"]

_ABOVE = "__above"


def _check_children(
    children: pl.DataFrame, parents: pl.Series, not_evaluable: str, source: str | None
) -> None:
    """Raise a DataError for each orphan or refused unevaluable child, in row order.

    Orphans are found by an anti-join on the parent ids alone (the cheapest look-up of a
    million ids among the parents'); a child both orphan and refused is reported an orphan.
    """
    rows = children.lazy().select(UNIT, PARENT, "evaluable").with_row_index("row", offset=1)
    above = parents.rename(_ABOVE).to_frame().lazy()
    orphans = rows.join(
        above, left_on=pl.col(PARENT).cast(pl.String), right_on=_ABOVE, how="anti"
    ).with_columns(pl.lit(value=True).alias("orphan"))
    if not_evaluable == "fail":
        refused = rows.filter(~pl.col("evaluable")).with_columns(
            pl.lit(value=False).alias("orphan")
        )
        both = pl.concat([orphans, refused]).group_by("row")
        orphans = both.agg(pl.exclude("orphan").first(), pl.col("orphan").max())
    flagged = orphans.sort("row").collect()
    problems = [
        orphan_problem(
            str(row[UNIT]),
            None if row[PARENT] is None else str(row[PARENT]),
            row=row["row"],
            source=source,
        )
        if row["orphan"]
        else refused_child_problem(str(row[UNIT]), row=row["row"], source=source)
        for row in flagged.head(limits.current().reported_problems).iter_rows(named=True)
    ]
    raise_problems(problems, source, total=flagged.height)


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

    Each level is a frame or a data file, as for :func:`criteriakit.evaluate_frame`; the result
    is each level's result table, top first, in the caller's kinds of frame. Raises
    :class:`~criteriakit.DataError` for bad columns and values, orphans and unevaluable children
    their parents refuse, naming the level's file when it was read from one, and
    :class:`~criteriakit.EvaluationError` where a policy says "fail". ``progress`` is called
    with the number of units of each level once it is evaluated (a progress bar's update).
    """
    chain = framework_chain(framework, len(levels))
    opened = [
        open_frame(level, id_column=unit_column, parent_column=parent_column) for level in levels
    ]
    for depth, level in enumerate(opened):
        check_opened(
            chain[depth],
            level,
            rolled_up=depth + 1 < len(levels),
            unit_column=unit_column,
            parent_column=parent_column,
            unknown_inputs=unknown_inputs,
        )
    results: list[pl.DataFrame] = [pl.DataFrame()] * len(levels)
    rolled: pl.LazyFrame | None = None
    for depth in range(len(levels) - 1, -1, -1):
        level = opened[depth]
        parent = chain[depth - 1].compiled if depth else None
        rolls_up = parent is not None and bool(parent.rollups)
        read = fields_read(parent) if parent is not None and rolls_up else frozenset()
        keep = [name for name in chain[depth].compiled.declared if name in read]
        result = evaluate_opened(
            chain[depth],
            level,
            unit_column=unit_column,
            parent_column=parent_column,
            rolled_up=rolled,
            keep_inputs=keep,
        )
        if depth > 0:
            assert parent is not None  # noqa: S101  depth > 0
            children = parent.children
            assert children is not None  # noqa: S101  the chain only goes down through [children]
            parents = _ids_above(opened[depth - 1], unit_column)
            _check_children(result, parents, children.not_evaluable, level.source)
            rolled = (
                rolled_up(
                    parent,
                    result.lazy().with_columns(pl.col(PARENT).cast(pl.String)),
                    PARENT,
                )
                .collect()
                .lazy()
                if rolls_up
                else None
            )
            result = result.drop(keep)
        results[depth] = result
        if progress is not None:
            progress(result.height)
    return [level.to_caller(result) for level, result in zip(opened, results, strict=True)]


def _ids_above(level: Opened, unit_column: str) -> pl.Series:
    """Return the unit ids of the level above (as text), to find orphans."""
    if level.level is not None:
        units = [row.unit for row in level.level.rows if row.unit is not None]
        return pl.Series(units, dtype=pl.String)
    lazy = level.frame()
    ids = id_checks(lazy.collect_schema(), unit_column, "__no_parent__")
    found: pl.Series = lazy.select(ids.unit.cast(pl.String)).collect().to_series().drop_nulls()
    return found
