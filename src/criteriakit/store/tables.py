"""A result table in a store's shape and back: the wide table of ``docs/results.md`` ↔ stored rows.

A result table's columns depend on its framework (a column per criterion and indicator), a
store's ``results`` table does not: the points are kept as one list per unit, ``points``, and
the run keeps the table's columns with their Polars types (:class:`Columns`), so that reading a
run back gives the table with the same columns, in the same order, with the same types. The
conversion is done on whole columns, for one insert of the whole table.
"""

from __future__ import annotations

import json
from collections.abc import Collection

import attrs
import polars as pl

from criteriakit.errors import StoreError

__all__ = ["Columns", "stored_reads", "stored_rows", "table_of"]

_ROW_COLUMNS = (
    "unit",
    "parent",
    "evaluable",
    "score",
    "max_score",
    "band_tier",
    "tier",
    "reasons",
)
"""The result table's columns kept as columns of ``results`` (``framework`` and ``version``
are the run's)."""

_RANKS = ("rank", "rank_score")
_POINTS = ("criterion:", "indicator:")
_FIXED = ("unit", "parent", "framework", "version", *_ROW_COLUMNS[2:])

_TYPES: dict[str, pl.DataType | type[pl.DataType]] = {
    "String": pl.String,
    "Int8": pl.Int8,
    "Int16": pl.Int16,
    "Int32": pl.Int32,
    "Int64": pl.Int64,
    "UInt8": pl.UInt8,
    "UInt16": pl.UInt16,
    "UInt32": pl.UInt32,
    "UInt64": pl.UInt64,
    "Float64": pl.Float64,
    "Boolean": pl.Boolean,
    "Null": pl.Null,
}
"""The Polars types a result table's plain columns may have (``reasons`` is a list of text)."""


@attrs.frozen
class Columns:
    """A result table's columns in order, each with its Polars type's name (``Int64``…)."""

    names: tuple[str, ...]
    types: tuple[str, ...]

    def to_json(self) -> str:
        """Return the columns as JSON text: ``[["unit", "String"], …]``."""
        return json.dumps([list(pair) for pair in zip(self.names, self.types, strict=True)])

    @classmethod
    def from_json(cls, text: str) -> Columns:
        """Read columns written by :meth:`to_json`."""
        pairs = json.loads(text)
        return cls(tuple(name for name, _ in pairs), tuple(kind for _, kind in pairs))

    @property
    def points(self) -> tuple[str, ...]:
        """The criteria's and indicators' columns, in order: the ``points`` list's entries."""
        return tuple(name for name in self.names if name.startswith(_POINTS))


_LIST_OF_TEXT = "List(String)"
_REASONS_TYPE = pl.List(pl.String)


def _type_name(name: str, dtype: pl.DataType, store: str) -> str:
    """Return a column's type name, checking that a store can give the type back."""
    text = str(dtype)
    kept = text == _LIST_OF_TEXT if name == "reasons" else text in _TYPES
    if not kept:
        raise StoreError(
            f"column {name!r} of the table to store has the type {text}, which a store does "
            "not keep",
            store=store,
            hint="store the Polars frame evaluate_frame returns",
        )
    return text


def _check(table: pl.DataFrame, framework_id: str, version: str, store: str) -> Columns:
    """Check that ``table`` is one framework version's result table; return its columns."""
    names = tuple(table.columns)
    missing = [name for name in _FIXED if name not in names]
    extra = [name for name in names if name not in _FIXED + _RANKS and not name.startswith(_POINTS)]
    if missing or extra:
        what = f"lacks {missing[0]!r}" if missing else f"has the column {extra[0]!r}"
        raise StoreError(
            f"the table to store is not a result table: it {what}",
            store=store,
            hint="store the table evaluate_frame returns, without keep_inputs",
        )
    # a comparison, not unique(): hashing every row's framework and version takes far longer
    other = pl.col("framework").ne_missing(framework_id) | pl.col("version").ne_missing(version)
    found = table.filter(other).select("framework", "version").head(1).rows()
    if found:
        raise StoreError(
            f"the table holds results of {found[0][0]}@{found[0][1]}, not of "
            f"{framework_id}@{version}",
            store=store,
            hint="store each framework's table as a run of its own",
        )
    types = tuple(_type_name(name, dtype, store) for name, dtype in table.schema.items())
    return Columns(names, types)


def stored_rows(
    table: pl.DataFrame, framework_id: str, version: str, *, store: str
) -> tuple[Columns, pl.DataFrame]:
    """Return the table's columns and its rows in the store's shape (without ``run_id``).

    Raises :class:`StoreError` for a table that is not ``framework_id@version``'s result table.
    """
    columns = _check(table, framework_id, version, store)
    # a fixed-size array first: built from the columns' buffers at once, where concat_list
    # builds a list per unit (about 25 times slower on a member framework's table)
    points = (
        pl.concat_arr([pl.col(name).cast(pl.Float64) for name in columns.points]).cast(
            pl.List(pl.Float64)
        )
        if columns.points
        else pl.lit([], dtype=pl.List(pl.Float64))
    )
    ranks = [
        pl.col(name).cast(pl.Float64) if name in columns.names else pl.lit(None, pl.Float64)
        for name in _RANKS
    ]
    rows = table.select(
        pl.int_range(pl.len(), dtype=pl.Int64).alias("position"),
        pl.col("unit").cast(pl.String),
        pl.col("parent").cast(pl.String),
        *_ROW_COLUMNS[2:],
        *(rank.alias(name) for rank, name in zip(ranks, _RANKS, strict=True)),
        points.alias("points"),
    )
    return columns, rows


def stored_reads(columns: Columns, wanted: Collection[str] | None, store: str) -> tuple[str, ...]:
    """Return the ``results`` columns to read for ``wanted`` of a run's table's columns (all).

    Raises :class:`StoreError` for a wanted column the table does not have.
    """
    unknown = [name for name in wanted or () if name not in columns.names]
    if unknown:
        raise StoreError(
            f"the stored result table has no column {unknown[0]!r}",
            store=store,
            hint=f"its columns: {', '.join(columns.names)}",
        )
    read: dict[str, None] = {}
    for name in columns.names:
        if (wanted is None or name in wanted) and name not in ("framework", "version"):
            read["points" if name.startswith(_POINTS) else name] = None
    return tuple(read)


def table_of(
    rows: pl.DataFrame,
    columns: Columns,
    framework_id: str,
    version: str,
    wanted: Collection[str] | None = None,
) -> pl.DataFrame:
    """Return the result table of a run's stored ``rows`` (in order), as it was stored.

    ``framework`` and ``version`` are the run's; each criterion's and indicator's points come
    out of the ``points`` list, and every column gets its type back. ``wanted`` keeps those of
    the table's columns only, in the table's order (``rows`` need hold only what they read).
    """
    entry = {name: index for index, name in enumerate(columns.points)}
    made: list[pl.Expr] = []
    for name, kind in zip(columns.names, columns.types, strict=True):
        if wanted is not None and name not in wanted:
            continue
        if name == "framework":
            value = pl.lit(framework_id)
        elif name == "version":
            value = pl.lit(version)
        elif name in entry:
            value = pl.col("points").list.get(entry[name])
        else:
            value = pl.col(name)
        dtype = _REASONS_TYPE if kind == _LIST_OF_TEXT else _TYPES[kind]
        made.append(value.cast(dtype).alias(name))
    return rows.select(made)
