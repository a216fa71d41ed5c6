"""The results awards read: a period's result table and the earlier periods' of its type.

:class:`History` holds them as two frames, whatever they came from: a results store
(:func:`read_history`), result tables in memory (:meth:`History.of_tables`), or a case file's
history. Only periods of the current period's type, up to it, count: yearly awards read years,
half-yearly ones half-years, and deciding 2023's awards ignores 2024's results.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import attrs
import narwhals.stable.v2 as nw
import polars as pl

from criteriakit.columnar.expressions import column_dtype
from criteriakit.compiling.awards import result_fields
from criteriakit.errors import DataError, Problem
from criteriakit.model.period import Period

if TYPE_CHECKING:
    from criteriakit.scalar.framework import Framework
    from criteriakit.store import Store

__all__ = ["FIELDS", "History", "field_columns", "read_history"]

FIELDS: Mapping[str, pl.DataType] = {
    name: column_dtype(kind) for name, kind in result_fields((), ranked=True).items()
}
"""A period's result fields an award may read (:func:`result_fields`), as columns type them."""

_REQUIRED = ("unit", "parent", *result_fields((), ranked=False))
"""The columns a result table always has that awards read (``rank`` comes with a ranking)."""


def field_columns(table: pl.DataFrame) -> list[pl.Expr]:
    """Return the :data:`FIELDS` of a result table, typed (null where it has no such column)."""
    return [
        (pl.col(name) if name in table.columns else pl.lit(None)).cast(kind).alias(name)
        for name, kind in FIELDS.items()
    ]


@attrs.frozen
class History:
    """The results of ``period`` (``current``) and of every unit in the periods up to it.

    ``current`` is the period's result table (``evaluate_frame``'s shape), in its order;
    ``tables`` has a frame per period of the current period's type up to it (the current one
    included), oldest first, with a row per unit: ``key`` (the unit's id as text), ``period``
    (the label), ``index`` (:attr:`Period.index`) and the :data:`FIELDS`.
    """

    period: Period
    current: pl.DataFrame
    tables: tuple[pl.DataFrame, ...]

    @property
    def periods(self) -> pl.DataFrame:
        """Every period's rows in one frame, oldest period first."""
        return pl.concat(self.tables, how="vertical")

    @classmethod
    def of_tables(cls, tables: Mapping[str, Any], period: str) -> History:
        """Gather result tables by period label; ``period`` is the one awards are decided for.

        A table is ``evaluate_frame``'s result: a Polars, pandas or PyArrow frame (any frame
        narwhals reads). Raises :class:`DataError` for a label that is not a period, a missing
        current period, a table that is not a frame or not a result table, or one that holds a
        unit twice.
        """
        current = Period.parse(period)
        parsed = {Period.parse(label): _polars(label, table) for label, table in tables.items()}
        if current not in parsed:
            held = ", ".join(sorted(tables)) or "none"
            raise DataError(
                [Problem(f"no results for {period}", path="period", hint=f"periods given: {held}")]
            )
        frames = tuple(
            _period_rows(label, table)
            for label, table in sorted(parsed.items(), key=lambda item: item[0].start)
            if label.type == current.type and label.index <= current.index
        )
        return cls(current, parsed[current], frames)


def _polars(label: str, table: Any) -> pl.DataFrame:
    """Return a result table as a Polars frame, whatever frame library holds it."""
    if isinstance(table, pl.DataFrame):
        return table
    try:
        converted: pl.DataFrame = nw.from_native(table, eager_only=True).to_polars()
    except TypeError:
        message = f"the results of {label} are a {type(table).__name__}, not a frame"
        hint = "give the tables evaluate_frame returns: Polars, pandas or PyArrow frames"
        raise DataError([Problem(message, path="period", hint=hint)]) from None
    return converted


def _period_rows(period: Period, table: pl.DataFrame) -> pl.DataFrame:
    """Return one period's rows of the history frame, checked."""
    missing = [name for name in _REQUIRED if name not in table.columns]
    if missing:
        raise DataError(
            [
                Problem(
                    f"the results of {period.label} are not a result table: no column "
                    f"{missing[0]!r}",
                    path="period",
                    hint="give the tables evaluate_frame returns",
                )
            ]
        )
    key = pl.col("unit").cast(pl.String)
    repeated = table.select(key).filter(key.is_duplicated())
    if repeated.height:
        unit = repeated.item(0, 0)
        raise DataError(
            [
                Problem(
                    f"the results of {period.label} hold unit {unit!r} more than once",
                    path="period",
                    hint="a period's results hold each unit once",
                )
            ]
        )
    return table.select(
        key.alias("key"),
        pl.lit(period.label, pl.String).alias("period"),
        pl.lit(period.index, pl.Int64).alias("index"),
        *field_columns(table),
    )


def read_history(
    store: Store, framework: Framework, period: str, *, as_of: dt.datetime | None = None
) -> History:
    """Read a period's results and the earlier ones of its type from ``store``.

    Only the columns an award reads are read (no points): ``rank`` and ``rank_score`` too for
    a framework with a ``[ranking]``. Raises :class:`~criteriakit.errors.StoreError` when the
    store holds no run of the period.
    """
    current = Period.parse(period)
    labels = store.periods(framework.id, as_of=as_of).get_column("period").to_list()
    if current.label not in labels:
        store.results(framework.id, current.label, as_of=as_of)  # raises, naming what it holds
    wanted = [label for label in labels if _earlier_of_type(Period.parse(label), current)]
    ranked = ("rank", "rank_score") if framework.compiled.ranking is not None else ()
    columns = (*_REQUIRED, *ranked)
    tables = {
        label: store.results(framework.id, label, as_of=as_of, columns=columns) for label in wanted
    }
    return History.of_tables(tables, current.label)


def _earlier_of_type(period: Period, current: Period) -> bool:
    return period.type == current.type and period.index <= current.index
