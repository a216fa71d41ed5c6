"""Decide awards for a whole population at once, as Polars columns.

The same decisions as :mod:`criteriakit.awards.scalar`, computed per history call over the
history frame (one row per unit and period) by filters and group-bys, never unit by unit:
with ``d`` the number of periods before the current one,

- ``streak``: the periods it holds in, by ascending ``d``; the streak is how many of them
  have ``d`` equal to their position (0, 1, 2… until the first gap);
- ``count_last(n, …)``: the periods it holds in with ``d < n``, counted;
- ``previous``: the argument's value at ``d = 1``;
- ``all_periods_since``: the periods it holds in from the first one on, counted, against how
  many periods there are from it to the current one.

Each call's argument and the award's condition are compiled by the columnar compiler of every
other expression; one it cannot write as columns (a plugin function without a columnar form)
is evaluated row by row with the scalar evaluator, which gives the same values.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from criteriakit.awards.history import FIELDS, History
from criteriakit.awards.quota import allowed
from criteriakit.columnar.expressions import compile_columnar
from criteriakit.compiling.awards import CompiledAward, HistoryCall
from criteriakit.errors import ColumnarUnsupported
from criteriakit.expressions import (
    BOOL,
    INTEGER,
    CompiledExpression,
    ExprType,
    LevelType,
    Undefined,
)
from criteriakit.model.period import Period

__all__ = ["RESULT_SCHEMA", "decide_frame"]

_BACK = "__back"
"""The history frame's column of periods before the current one (``d``)."""


def _dtype(kind: ExprType) -> pl.DataType:
    if kind == BOOL:
        return pl.Boolean()
    if kind == INTEGER:
        return pl.Int64()
    return pl.String() if isinstance(kind, LevelType) else pl.Float64()


def evaluate(expression: CompiledExpression, frame: pl.DataFrame) -> pl.Series:
    """Return ``expression``'s value in each row of ``frame`` (null where undefined)."""
    try:
        column = compile_columnar(expression, columns=frame.columns, prefix="__award")
    except ColumnarUnsupported:
        column = None
    if column is not None and not column.aggregates:
        return frame.select(column.value.alias("value")).to_series()
    values = (expression.evaluate(row) for row in frame.iter_rows(named=True))
    return pl.Series(
        "value",
        [None if isinstance(value, Undefined) else value for value in values],
        dtype=_dtype(expression.type),
    )


def _holding(call: HistoryCall, periods: pl.DataFrame) -> pl.DataFrame:
    """Return the history rows (up to the current period) where the call's argument holds."""
    holds = evaluate(call.over, periods).fill_null(value=False)
    return periods.filter(holds & (pl.col(_BACK) >= 0))


def _call_values(call: HistoryCall, periods: pl.DataFrame, period: Period) -> pl.DataFrame:
    """Return the call's value per unit (``key``, ``value``); units absent have the default."""
    if call.function == "previous":
        before = periods.filter(pl.col(_BACK) == 1)
        return before.select("key", evaluate(call.over, before).alias("value"))
    held = _holding(call, periods)
    if call.function == "streak":
        # by ascending d, d equals the row's position until the first gap, and exceeds it after
        in_a_row = pl.col(_BACK) == pl.int_range(pl.len(), dtype=pl.Int64)
        return (
            held.sort("key", _BACK)
            .group_by("key")
            .agg(in_a_row.sum().cast(pl.Int64).alias("value"))
        )
    window = call.window(period)
    counted = held.filter(pl.col(_BACK) < window).group_by("key").agg(pl.len().alias("held"))
    if call.function == "count_last":
        return counted.select("key", pl.col("held").cast(pl.Int64).alias("value"))
    return counted.select("key", (pl.col("held") == window).alias("value"))


def _default(call: HistoryCall, period: Period) -> pl.Expr:
    """Return the value of a call for a unit no row of its history counted.

    ``all_periods_since`` from a period after the current one is undefined for every unit.
    """
    if call.function in ("streak", "count_last"):
        return pl.lit(0, pl.Int64)
    if call.function == "all_periods_since":
        return pl.lit(False if call.window(period) >= 1 else None, pl.Boolean)
    return pl.lit(None, _dtype(call.over.type))


def _met(award: CompiledAward, history: History, periods: pl.DataFrame) -> pl.Series:
    """Return whether each unit of the current period meets the award's condition."""
    keys = history.current.select(pl.col("unit").cast(pl.String).alias("key"))
    frame = keys.join(periods.filter(pl.col(_BACK) == 0), on="key", how="left")
    for call in award.calls:
        values = _call_values(call, periods, history.period)
        frame = frame.join(values.rename({"value": call.text}), on="key", how="left")
        frame = frame.with_columns(pl.col(call.text).fill_null(_default(call, history.period)))
    return evaluate(award.require, frame).fill_null(value=False).alias("met")


def _withheld(award: CompiledAward, current: pl.DataFrame, met: pl.Series) -> pl.Series:
    """Return which units the award's quota withholds it from (see :mod:`.quota`)."""
    if award.quota is None:
        return pl.Series("withheld", [False] * current.height, dtype=pl.Boolean)
    frame = current.select("unit", "parent", "score").with_columns(
        met, pl.int_range(pl.len()).alias("__position")
    )
    # signed counts: Polars counts in unsigned integers, where "met - allowed" would wrap
    met_count = pl.col("met").cast(pl.Int64).sum()
    over = (met_count - allowed(pl.len().cast(pl.Int64), award.quota)).over("parent")
    ordered = frame.sort(["score", "unit"], nulls_last=False).with_columns(
        __losing=pl.col("met").cast(pl.Int64).cum_sum().over("parent"), __over=over
    )
    lost = ordered.select(
        "__position", (pl.col("met") & (pl.col("__losing") <= pl.col("__over"))).alias("withheld")
    )
    return lost.sort("__position").get_column("withheld")


def decide_frame(awards: Sequence[CompiledAward], history: History) -> pl.DataFrame:
    """Decide every award for every unit: ``unit``, ``parent``, ``award``, ``earned``, ``withheld``.

    Rows come award by award, each in the current table's order. ``earned`` is the final
    answer; ``withheld`` marks units that met the condition and lost the award to the quota.
    """
    periods = history.periods.with_columns(
        (history.period.index - pl.col("index")).alias(_BACK)
    ).select("key", "period", _BACK, *FIELDS)
    frames = []
    for award in awards:
        met = _met(award, history, periods)
        withheld = _withheld(award, history.current, met)
        frames.append(
            history.current.select(
                "unit",
                "parent",
                pl.lit(award.id, pl.String).alias("award"),
                (met & ~withheld).alias("earned"),
                withheld.alias("withheld"),
            )
        )
    if not frames:
        return empty_frame(history.current)
    return pl.concat(frames, how="vertical")


def empty_frame(current: pl.DataFrame) -> pl.DataFrame:
    """Return the award frame of a framework without awards: its columns, no rows."""
    return (
        current.select("unit", "parent")
        .clear()
        .with_columns(
            award=pl.lit(None, pl.String),
            earned=pl.lit(None, pl.Boolean),
            withheld=pl.lit(None, pl.Boolean),
        )
    )


RESULT_SCHEMA = ("unit", "parent", "award", "earned", "withheld")
"""The columns of an award frame, in order."""
