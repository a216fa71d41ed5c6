"""Decide awards for a whole population at once, as Polars columns.

The same decisions as :mod:`criteriakit.awards.scalar`, computed as columns over all the units
of the current period, never unit by unit. Each earlier period's rows are placed at their
unit's row of the current table (:class:`_Aligned`: a join on the unit's key, or none when a
period lists the same units in the same order), so that "whether the argument held ``d``
periods ago" is one column per ``d``, false for a unit without a result then. With those:

- ``streak``: the periods back, from ``d = 0``, while every one so far held, counted;
- ``count_last(n, …)``: the columns of ``d < n``, added up;
- ``previous``: the argument's value at ``d = 1``;
- ``all_periods_since``: the columns from the first period on, added up, against how many
  periods there are from it to the current one.

Each call's argument and the award's condition are compiled by the columnar compiler of every
other expression; one it cannot write as columns (a plugin function without a columnar form)
is evaluated row by row with the scalar evaluator, which gives the same values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
import polars as pl

from criteriakit.awards.history import History, field_columns
from criteriakit.awards.quota import allowed
from criteriakit.columnar.expressions import column_dtype, compile_columnar
from criteriakit.compiling.awards import CompiledAward, HistoryCall
from criteriakit.errors import ColumnarUnsupported
from criteriakit.expressions import (
    CompiledExpression,
    Undefined,
)
from criteriakit.model.period import Period

__all__ = ["RESULT_SCHEMA", "decide_frame"]


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
        dtype=column_dtype(expression.type),
    )


@attrs.frozen
class _Aligned:
    """The history's rows period by period, each row placed at its unit's ``position``.

    ``units`` is the number of units of the current period; ``periods[d]`` holds the rows of
    the period ``d`` periods before the current one (a unit absent then has no row, nor does
    one that is not in the current period), with the column ``position``: the unit's row in
    the current table.
    """

    units: int
    periods: Mapping[int, pl.DataFrame]

    @classmethod
    def of(cls, history: History) -> _Aligned:
        """Place each period's rows: by a join on the unit's key, unless they are in order.

        A period whose units are the current period's, in the same order (a population
        evaluated from the same source each year), needs no join.
        """
        keys = history.current.select(
            pl.col("unit").cast(pl.String).alias("key"),
            pl.int_range(pl.len(), dtype=pl.UInt32).alias("position"),
        )
        periods: dict[int, pl.DataFrame] = {}
        for table in history.tables:
            back = history.period.index - int(table.item(0, "index")) if table.height else -1
            if back < 0:
                continue
            if table.get_column("key").equals(keys.get_column("key")):
                periods[back] = table.with_columns(keys.get_column("position"))
            else:
                periods[back] = table.join(keys, on="key", how="inner")
        return cls(history.current.height, periods)

    def dense(self, values: pl.Series, back: int, fill: bool | None) -> pl.Series:
        """Spread one period's ``values`` (in its rows' order) over all units; ``fill`` elsewhere."""
        column = pl.repeat(fill, self.units, dtype=values.dtype, eager=True)
        rows = self.periods.get(back)
        if rows is None or rows.is_empty():
            return column
        return column.scatter(rows.get_column("position"), values)

    def holds(self, call: HistoryCall, back: int) -> pl.Series:
        """Whether the call's argument holds for each unit ``back`` periods ago (gaps: no)."""
        rows = self.periods.get(back)
        if rows is None or rows.is_empty():
            return pl.repeat(False, self.units, dtype=pl.Boolean, eager=True)
        held = evaluate(call.over, rows).fill_null(value=False)
        return self.dense(held, back, fill=False)


def _call_values(call: HistoryCall, aligned: _Aligned, period: Period) -> pl.Series:
    """Return the call's value for each unit of the current period, in the table's order."""
    if call.function == "previous":
        rows = aligned.periods.get(1)
        kind = column_dtype(call.over.type)
        if rows is None or rows.is_empty():
            return pl.repeat(None, aligned.units, dtype=kind, eager=True)
        return aligned.dense(evaluate(call.over, rows).cast(kind), 1, fill=None)
    if call.function == "streak":
        # a unit's streak grows by one for each period back while every period so far held
        running = pl.repeat(True, aligned.units, dtype=pl.Boolean, eager=True)
        streak = pl.repeat(0, aligned.units, dtype=pl.Int64, eager=True)
        for back in range(max(aligned.periods, default=-1) + 1):
            running &= aligned.holds(call, back)
            if not running.any():
                break
            streak += running.cast(pl.Int64)
        return streak
    window = call.window(period)
    held = pl.repeat(0, aligned.units, dtype=pl.Int64, eager=True)
    for back in range(max(window, 0)):
        held += aligned.holds(call, back).cast(pl.Int64)
    if call.function == "count_last":
        return held
    if window < 1:  # all_periods_since from a period after the current one: undefined
        return pl.repeat(None, aligned.units, dtype=pl.Boolean, eager=True)
    return held == window


def _met(award: CompiledAward, history: History, aligned: _Aligned) -> pl.Series:
    """Return whether each unit of the current period meets the award's condition."""
    fields = history.current.select(field_columns(history.current))
    calls = [_call_values(call, aligned, history.period).alias(call.text) for call in award.calls]
    frame = fields.with_columns(calls)
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
    aligned = _Aligned.of(history)
    frames = []
    for award in awards:
        met = _met(award, history, aligned)
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
