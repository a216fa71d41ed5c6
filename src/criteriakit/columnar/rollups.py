"""Roll-ups as group-bys over the children's results, in parts that partitions can share.

A parent's roll-up inputs (``rollup = "share(members, tier >= 'good')"``) aggregate the
records of its evaluable children: their ``tier``, ``band_tier``, ``score``, ``evaluable`` and
inputs. On one machine :func:`rolled_up` does it all; a distributed engine evaluates children
partition by partition, takes :func:`rollup_partials` of each, combines the partial rows of each
parent natively with :func:`partial_aggregations` (sums, minima, maxima) or with
:func:`combine_partials`, and finishes with :func:`finish_rollups`. Parents without children
get the roll-ups of an empty set (``count`` 0, ``share`` undefined…), as in the scalar executor.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from criteriakit.columnar.aggregates import (
    Combine,
    combine,
    finish,
    partial_columns,
    partials,
    with_aggregates,
)
from criteriakit.columnar.expressions import (
    AggregateColumns,
    ColumnExpression,
    FunctionColumns,
    StagedColumn,
    compile_columnar,
    item_column,
)
from criteriakit.columnar.frames import open_frame
from criteriakit.columnar.inputs import input_dtype
from criteriakit.compiling.children import RESULT_FIELDS
from criteriakit.compiling.compiled import CompiledChildren, CompiledFramework
from criteriakit.errors import DataError, Problem
from criteriakit.scalar.framework import Framework
from criteriakit.scalar.hierarchy import refused_child_problem

__all__ = [
    "combine_partials",
    "fields_read",
    "finish_rollups",
    "join_rollups",
    "partial_aggregations",
    "rolled_up",
    "rollup_partials",
]

_ORDER = "__order1"
_MATCHED = "__matched"
_KEY = "__key"


def _children(compiled: CompiledFramework) -> CompiledChildren:
    children = compiled.children
    if children is None or not compiled.rollups:
        message = f"{compiled.ref} rolls nothing up: it has no [children] with rollup inputs"
        raise DataError([Problem(message)])
    return children


def _plan(compiled: CompiledFramework) -> list[tuple[str, ColumnExpression]]:
    """Return each roll-up input and its expression compiled over the children's records."""
    children = _children(compiled)
    return [
        (
            name,
            compile_columnar(
                expression,
                prefix=f"__u{index}.",
                item_frames={children.name},
                present={item_column(1, name) for name in RESULT_FIELDS},  # evaluable children only
            ),
        )
        for index, (name, expression) in enumerate(compiled.rollups)
    ]


def _aggregates(plan: list[tuple[str, ColumnExpression]]) -> list[AggregateColumns]:
    """Return the aggregates over the children (plugin functions around them run when finishing)."""
    return [
        each
        for _, expression in plan
        for each in expression.aggregates
        if isinstance(each, AggregateColumns)
    ]


def _fields(aggregates: list[AggregateColumns]) -> frozenset[str]:
    return frozenset(field for aggregate in aggregates for field in aggregate.fields)


def fields_read(compiled: CompiledFramework) -> frozenset[str]:
    """Return the fields of the children's records that the roll-ups of ``compiled`` read."""
    return _fields(_aggregates(_plan(compiled)))


def partial_aggregations(framework: Framework) -> dict[str, Combine]:
    """Return each partial column of ``framework``'s roll-ups and how partitions combine it."""
    return _partial_columns(framework.compiled)


def _partial_columns(compiled: CompiledFramework) -> dict[str, Combine]:
    return partial_columns(_aggregates(_plan(compiled)))


def _partials(
    compiled: CompiledFramework, children: pl.LazyFrame, parent_column: str
) -> pl.LazyFrame:
    child = _children(compiled)
    schema = children.collect_schema()
    aggregates = _aggregates(_plan(compiled))
    read = ["evaluable", *sorted(_fields(aggregates) - {"evaluable"})]
    needed = [name for name in read if name not in schema]
    if needed:
        shown = ", ".join(repr(name) for name in needed)
        problem = Problem(
            f"the children's results have no column {shown}",
            hint="roll up the table evaluate_frame(child, ..., keep_inputs=True) gives",
        )
        raise DataError([problem])
    if child.not_evaluable == "fail":
        failed = children.filter(~pl.col("evaluable")).select("unit").head(1).collect()
        if failed.height:
            raise DataError([refused_child_problem(str(failed["unit"][0]))])
    children = children.filter(pl.col("evaluable"))
    fields = (*RESULT_FIELDS, *child.fields)
    items = children.select(
        pl.col(parent_column).cast(pl.String),
        *(pl.col(name).alias(item_column(1, name)) for name in fields if name in schema),
    ).with_row_index(_ORDER)
    return partials(items, aggregates, parent_column, _ORDER)


def rollup_partials(
    framework: Framework, children_results: Any, *, parent_column: str = "parent"
) -> Any:
    """Return the partial roll-ups of the parents in ``children_results``, one row per parent.

    ``framework`` is the parent level's; ``children_results`` the children's results with
    their inputs (``evaluate_frame(child, ..., keep_inputs=True)``) and parent column.
    """
    opened = open_frame(children_results)
    return opened.to_caller(_partials(framework.compiled, opened.frame(), parent_column).collect())


def combine_partials(framework: Framework, partials: Any, *, parent_column: str = "parent") -> Any:
    """Combine the partial rows of each parent (from several partitions) into one."""
    opened = open_frame(partials)
    combined = combine(opened.frame(), partial_aggregations(framework), parent_column)
    return opened.to_caller(combined.collect())


def _finished(compiled: CompiledFramework, lazy: pl.LazyFrame, parent_column: str) -> pl.LazyFrame:
    plan = _plan(compiled)
    aggregates = _aggregates(plan)
    lazy = lazy.with_columns(expr for aggregate in aggregates for expr in finish(aggregate))
    functions = [
        each
        for _, expression in plan
        for each in expression.aggregates
        if isinstance(each, FunctionColumns | StagedColumn)
    ]
    lazy = with_aggregates(lazy, functions, parent_column)
    inputs = compiled.declared
    return lazy.select(
        pl.col(parent_column).alias("unit"),
        *(
            expression.value.cast(input_dtype(inputs[name])).alias(name)
            for name, expression in plan
        ),
    )


def finish_rollups(framework: Framework, combined: Any, *, parent_column: str = "parent") -> Any:
    """Return ``unit`` (the parent) and the value of each roll-up input (null if undefined)."""
    opened = open_frame(combined)
    return opened.to_caller(_finished(framework.compiled, opened.frame(), parent_column).collect())


def rolled_up(
    compiled: CompiledFramework, children: pl.LazyFrame, parent_column: str
) -> pl.LazyFrame:
    """Return the roll-up inputs of the parents of ``children`` (complete: one machine)."""
    return _finished(compiled, _partials(compiled, children, parent_column), parent_column)


def _empty(compiled: CompiledFramework) -> dict[str, object]:
    """Return the roll-up values of a parent without evaluable children."""
    columns = {name: pl.Series(name, [None], dtype=pl.Int64) for name in _partial_columns(compiled)}
    frame = pl.DataFrame({"parent": pl.Series([None], dtype=pl.String), **columns})
    row: dict[str, object] = (
        _finished(compiled, frame.lazy(), "parent").collect().row(0, named=True)
    )
    return row


def join_rollups(
    compiled: CompiledFramework, lazy: pl.LazyFrame, rolled: pl.LazyFrame, *, unit: str
) -> pl.LazyFrame:
    """Join the ``rolled`` up inputs onto the units of ``lazy`` (by ``unit``)."""
    names = [name for name, _ in compiled.rollups]
    inputs = compiled.declared
    empty = _empty(compiled)
    joined = lazy.with_columns(pl.col(unit).cast(pl.String).alias(_KEY)).join(
        rolled.select(pl.col("unit").cast(pl.String).alias(_KEY), *names).with_columns(
            pl.lit(value=True).alias(_MATCHED)
        ),
        on=_KEY,
        how="left",
        maintain_order="left",
    )
    return (
        joined.drop(_KEY)
        .with_columns(
            pl.when(pl.col(_MATCHED))
            .then(pl.col(name))
            .otherwise(pl.lit(empty[name], input_dtype(inputs[name])))
            .alias(name)
            for name in names
        )
        .drop(_MATCHED)
    )
