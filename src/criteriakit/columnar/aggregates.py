"""Aggregates over items as group-bys: explode the items, evaluate per item, aggregate per owner.

An aggregate such as ``share(members, tier >= "good")`` or ``count(xs, it > 1)`` needs a value
per item, which a list column cannot give. Its items become the rows of an *item frame* (the
exploded list, or the children's results for a roll-up), keyed by their owner's row; the item
expression runs there as columns, and each owner gets *partial* counts that combine by sum,
min or max, so that partitions of a distributed engine can each aggregate their share of the
items. :func:`finish` turns partials into the scalar evaluator's value and undefined kind:

- ``count(xs, c)``, ``share``: undefined if an item is (the first one's kind), ``share`` of
  no items is ``empty``;
- ``any``: true if an item holds, else undefined if an item is, else false (``all`` dually);
- ``sum``/``avg``/``min``/``max``: undefined if an item is; no items: ``sum`` is 0, the
  others ``empty``; ``min``/``max`` are NaN when the first item is, as Python's are.

The first undefined item is the one with the smallest order (its row in the item frame):
its order and kind are packed in one integer, so that ``min`` finds both.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from typing import Literal

import narwhals.stable.v2 as nw
import polars as pl

from criteriakit.columnar.expressions import (
    NO_KIND,
    AggregateColumns,
    FunctionColumns,
    Request,
    StagedColumn,
    item_column,
    kind_code,
)
from criteriakit.columnar.floats import divided

__all__ = ["Combine", "finish", "item_frame", "partial_columns", "partials", "with_aggregates"]

Combine = Literal["sum", "min", "max"]
"""How partial columns of one owner combine across partitions."""

_PACK = 8
_TWO_32 = 2**32


def _parts(aggregate: AggregateColumns) -> dict[str, Combine]:
    function = aggregate.function
    parts: dict[str, Combine] = {"n": "sum"}
    if aggregate.items_undefined:
        parts["u"] = "min"
    if function in {"count", "share", "any"} and aggregate.item is not None:
        parts["t"] = "sum"
    elif function == "all":
        parts["f"] = "sum"
    elif function in {"sum", "avg"}:
        parts["s"] = "sum"
        if aggregate.integer:  # the high and low 32 bits apart: an exact check for overflow
            parts["h"] = "sum"
            parts["l"] = "sum"
    elif function in {"min", "max"}:
        parts[function] = "min" if function == "min" else "max"
        if not aggregate.integer:
            parts["z"] = "min"  # the first item's order, and whether it is NaN
            parts["0"] = "min"  # the first zero item's order, and whether it is -0.0
    return parts


def partial_columns(
    aggregates: Iterable[Request],
) -> dict[str, Combine]:
    """Return every partial column of ``aggregates`` and how it combines across partitions."""
    return {
        f"{aggregate.name}#{part}": combine
        for aggregate in aggregates
        if isinstance(aggregate, AggregateColumns)
        for part, combine in _parts(aggregate).items()
    }


def item_frame(
    frame: pl.LazyFrame, aggregates: Sequence[AggregateColumns], key: str, order: str
) -> pl.LazyFrame:
    """Return the items of ``aggregates`` (all over one list of ``frame``), one per row.

    The items are keyed by ``key``, keep the columns the item expressions read from the
    enclosing frame, and get ``order``: their position among all items, in the order of the
    owners and of the lists.
    """
    first = aggregates[0]
    assert first.source is not None  # noqa: S101  roll-ups bring their own item frame
    source = "__items"
    carry = sorted({column for aggregate in aggregates for column in aggregate.carry})
    items = (
        frame.select(key, *carry, pl.col(first.source).alias(source))
        .filter(pl.col(source).list.len() > 0)
        .explode(source)
        .with_row_index(order)
    )
    if first.records:
        names = sorted({name for aggregate in aggregates for name in aggregate.fields})
        fields = [
            pl.col(source).struct.field(name).alias(item_column(first.level, name))
            for name in names
        ]
        return items.with_columns(fields).drop(source)
    return items.rename({source: item_column(first.level, None)})


def partials(
    items: pl.LazyFrame, aggregates: Sequence[AggregateColumns], key: str, order: str
) -> pl.LazyFrame:
    """Aggregate the ``items`` per ``key`` in one pass: the partial columns of ``aggregates``.

    Each aggregate's item expression (and the aggregates nested in it) is evaluated first.
    """
    nested = [
        each
        for aggregate in aggregates
        if aggregate.item is not None
        for each in aggregate.item.aggregates
    ]
    if nested:
        items = with_aggregates(items, nested, order)
    evaluated: list[pl.Expr] = []
    for aggregate in aggregates:
        if aggregate.item is not None:
            evaluated.append(aggregate.item.value.alias(f"{aggregate.name}#value"))
            if aggregate.items_undefined:
                evaluated.append(aggregate.item.undefined.alias(f"{aggregate.name}#kind"))
    if evaluated:
        items = items.with_columns(evaluated)
    return items.group_by(key).agg(
        expr for aggregate in aggregates for expr in _partial_expressions(aggregate, order)
    )


def _partial_expressions(aggregate: AggregateColumns, order: str) -> list[pl.Expr]:
    name = aggregate.name
    value = pl.col(f"{name}#value")
    kind = pl.col(f"{name}#kind")
    defined = kind.is_null() if aggregate.items_undefined else pl.lit(value=True)
    parts: dict[str, pl.Expr] = {"n": pl.len().cast(pl.Int64)}
    for part in _parts(aggregate):
        if part == "u":
            # the undefined items' order and kind packed, the least (null elsewhere: skipped)
            packed = pl.col(order).cast(pl.Int64) * _PACK + kind.cast(pl.Int64)
            parts[part] = packed.min()
        elif part == "t":
            parts[part] = (value & defined).sum().cast(pl.Int64)
        elif part == "f":
            parts[part] = (~value & defined).sum().cast(pl.Int64)
        elif part == "s":
            # added left to right, in the items' order, as the scalar evaluator adds them (a
            # group's own sum adds in another order; its items as a list add in theirs)
            parts[part] = value.sum() if aggregate.integer else value.implode().list.sum()
        elif part in {"h", "l"}:
            parts[part] = (value // _TWO_32 if part == "h" else value % _TWO_32).sum()
        elif part in {"min", "max"}:
            parts[part] = value.min() if part == "min" else value.max()
        elif part == "z":
            parts[part] = (pl.col(order).cast(pl.Int64) * 2 + value.is_nan().cast(pl.Int64)).min()
        elif part == "0":
            negative = (pl.lit(1.0) / value) < 0  # 1 / -0.0 is -inf
            packed = pl.col(order).cast(pl.Int64) * 2 + negative.cast(pl.Int64)
            parts[part] = pl.when(value == 0).then(packed).min()
    return [expr.alias(f"{name}#{part}") for part, expr in parts.items()]


def combine(frame: pl.LazyFrame, combines: Mapping[str, Combine], key: str) -> pl.LazyFrame:
    """Combine partial rows of the same ``key`` (from several partitions) into one."""
    how = {"sum": pl.Expr.sum, "min": pl.Expr.min, "max": pl.Expr.max}
    return frame.group_by(key).agg(how[combine](pl.col(name)) for name, combine in combines.items())


def finish(aggregate: AggregateColumns) -> list[pl.Expr]:
    """Return the value (``name``) and undefined kind (``name:u``) from combined partials.

    Owners without items have null partials, which count as none.
    """
    name = aggregate.name

    def part(suffix: str) -> pl.Expr:
        return pl.col(f"{name}#{suffix}")

    count = part("n").fill_null(0)
    undefined: pl.Expr = NO_KIND
    if aggregate.items_undefined:
        undefined = (part("u") % _PACK).cast(pl.Int8)
    empty = kind_code("empty")
    function = aggregate.function
    value: pl.Expr
    if function == "count":
        value = count if aggregate.item is None else part("t").fill_null(0)
    elif function == "share":
        value = divided(part("t").fill_null(0), count)
        undefined = pl.when(count == 0).then(empty).otherwise(undefined)
    elif function == "any":
        holds = part("t").fill_null(0) > 0
        value = holds
        undefined = pl.when(holds).then(NO_KIND).otherwise(undefined)
    elif function == "all":
        fails = part("f").fill_null(0) > 0
        value = ~fails
        undefined = pl.when(fails).then(NO_KIND).otherwise(undefined)
    elif function == "sum":
        value = part("s").fill_null(0 if aggregate.integer else -0.0)
        undefined = _overflow(aggregate, undefined)
    elif function == "avg":
        value = divided(part("s").cast(pl.Float64), count)
        undefined = pl.when(undefined.is_null() & (count == 0)).then(empty).otherwise(undefined)
        undefined = _overflow(aggregate, undefined)
    else:
        value = part(function)
        if not aggregate.integer:
            # Python's min and max keep the first of equal items, and 0.0 equals -0.0 ...
            signed = pl.when(part("0") % 2 == 1).then(pl.lit(-0.0)).otherwise(pl.lit(0.0))
            value = pl.when(value == 0).then(signed).otherwise(value)
            # ... and a NaN first item (nothing compares below or above it).
            value = pl.when(part("z") % 2 == 1).then(pl.lit(math.nan)).otherwise(value)
        undefined = pl.when(undefined.is_null() & (count == 0)).then(empty).otherwise(undefined)
    return [
        pl.when(undefined.is_null()).then(value).alias(name),
        undefined.alias(f"{name}:u"),
    ]


def _overflow(aggregate: AggregateColumns, undefined: pl.Expr) -> pl.Expr:
    """Make an integer sum undefined (``overflow``) where the exact sum leaves 64 bits."""
    if not aggregate.integer:
        return undefined
    high = pl.col(f"{aggregate.name}#h").fill_null(0)
    low = pl.col(f"{aggregate.name}#l").fill_null(0)
    carried = high + low // _TWO_32
    outside = (carried < -(2**31)) | (carried >= 2**31)
    return pl.when(undefined.is_null() & outside).then(kind_code("overflow")).otherwise(undefined)


def _order_column(level: int) -> str:
    return f"__order{level}"


def _with_function(frame: pl.LazyFrame, function: FunctionColumns) -> pl.LazyFrame:
    names = [f"{function.name}.{index}" for index in range(len(function.args))]
    frame = frame.with_columns(
        arg.alias(name) for arg, name in zip(function.args, names, strict=True)
    )
    built = function.builder(*(nw.col(name) for name in names))
    computed: pl.LazyFrame = (
        nw.from_native(frame).with_columns(built.alias(function.name)).to_native()
    )
    return computed.with_columns(pl.col(function.name).cast(function.dtype)).drop(names)


def with_aggregates(frame: pl.LazyFrame, aggregates: Sequence[Request], key: str) -> pl.LazyFrame:
    """Add the columns of ``aggregates`` (and of plugin functions, and staged operands) to ``frame``.

    ``key`` identifies the rows of ``frame`` (unique); the items are its list columns.
    Aggregates get their value (``name``) and undefined kind (``name:u``).

    The aggregates over one list share one item frame and one group-by, and every item frame
    is cut from ``frame`` as given, never from a frame that already holds other aggregates'
    joins: the plan grows linearly with the number of aggregates (a chain of joins, each
    reading ``frame`` again, would double with each). An aggregate's items read only inputs
    and outer items, never another aggregate, so they can all be cut from ``frame``; plugin
    functions and staged operands (which may read aggregates) are added after them, in order.
    """
    by_list: dict[tuple[str, int], list[AggregateColumns]] = {}
    for aggregate in aggregates:
        if isinstance(aggregate, AggregateColumns):
            assert aggregate.source is not None  # noqa: S101  roll-ups bring their own items
            by_list.setdefault((aggregate.source, aggregate.level), []).append(aggregate)
    result = frame
    for (_, level), over_list in by_list.items():
        level_order = _order_column(level)
        items = item_frame(frame, over_list, key, level_order)
        grouped = partials(items, over_list, key, level_order)
        result = result.join(grouped, on=key, how="left", maintain_order="left")
    if by_list:
        listed = [aggregate for over_list in by_list.values() for aggregate in over_list]
        result = result.with_columns(
            expr for aggregate in listed for expr in finish(aggregate)
        ).drop(list(partial_columns(listed)))
    for request in aggregates:
        if isinstance(request, FunctionColumns):
            result = _with_function(result, request)
        elif isinstance(request, StagedColumn):
            result = result.with_columns(request.value.alias(request.name))
    return result
