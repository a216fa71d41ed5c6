"""Frames in and out of the columnar executor: any dataframe or data file, as a Polars frame.

The executor runs on Polars (lazy). :func:`open_frame` takes what the caller has — a Polars
frame (eager or lazy), a pandas frame, a PyArrow table or ``RecordBatchReader``, a DuckDB
relation, anything else narwhals reads, or a data file (:class:`~criteriakit.data.DataSource`
or a path) — and :meth:`Opened.to_caller` gives the results back as the same kind of frame (a
file gives a Polars ``DataFrame``). Every input is read by the rules of ``docs/data.md``, as
the scalar engine reads it:

- CSV through :func:`criteriakit.data.csv.read_csv_frame`, which gives the Python reader's
  cells; JSON through the Python reader itself (its values' JSON types decide, which a Polars
  column cannot keep); Parquet and Excel as typed columns.
- Text columns are read as text (the same converters as CSV cells). ``Float32`` and
  ``Decimal`` values are read as the decimal text they print as (``0.9`` stays 0.9, not
  0.8999999762); categorical and enum columns as their text.
- A pandas frame's index is ignored, and put back on the results.

Parquet and Excel files are read by :mod:`criteriakit.data.typed_files`, which also refuses a Parquet file whose
values would take more than the ``decoded_bytes`` limit once decoded.
"""

from __future__ import annotations

import os
from typing import Any, Literal

import attrs
import narwhals.stable.v2 as nw
import polars as pl

from criteriakit import limits
from criteriakit.data.csv import read_csv_frame, read_csv_text
from criteriakit.data.records import IdType, LevelData, read_level
from criteriakit.data.sources import DataSource, open_source
from criteriakit.data.typed_files import canonical, scan_typed
from criteriakit.errors import DataError, Problem

__all__ = ["MAX_PIECES", "Opened", "id_dtype", "open_frame"]

Kind = Literal[
    "polars", "polars-lazy", "pandas", "arrow", "arrow-stream", "duckdb", "narwhals", "file"
]


@attrs.frozen
class Opened:
    """A caller's data as a Polars lazy frame, and how to give results back.

    ``level`` holds the rows of a JSON file, read by the Python reader (the executor checks
    them with the scalar checker); ``lazy`` is then None. ``index`` is a pandas frame's index.
    """

    lazy: pl.LazyFrame | None
    kind: Kind
    source: str | None = None
    native: Any = attrs.field(default=None, repr=False)
    level: LevelData | None = attrs.field(default=None, repr=False)
    index: Any = attrs.field(default=None, repr=False)

    def frame(self) -> pl.LazyFrame:
        """Return the data as a lazy frame; rows read from JSON become their own columns."""
        if self.lazy is not None:
            return self.lazy
        assert self.level is not None  # noqa: S101  an opened source is a frame or rows
        key = self.level.id_column
        rows = [{**row.values, key: row.unit, "parent": row.parent} for row in self.level]
        return pl.LazyFrame(rows, infer_schema_length=None)

    def to_caller(self, result: pl.DataFrame) -> Any:
        """Return ``result`` as the caller's kind of frame."""
        if self.kind == "polars-lazy":
            return result.lazy()
        if self.kind == "pandas":
            frame = result.to_pandas()
            frame.index = self.index
            return frame
        if self.kind == "arrow":
            return result.to_arrow()
        if self.kind == "arrow-stream":
            import pyarrow as pa  # noqa: PLC0415  the caller gave Arrow, so it is installed

            table = result.to_arrow()
            return pa.RecordBatchReader.from_batches(table.schema, table.to_batches())
        if self.kind == "duckdb":
            import duckdb  # noqa: PLC0415  the caller gave DuckDB, so it is installed

            return duckdb.from_arrow(result.to_arrow())
        if self.kind == "narwhals":
            backend = nw.get_native_namespace(nw.from_native(self.native))
            return nw.from_arrow(result.to_arrow(), backend=backend).to_native()
        return result


def _open_source(source: DataSource, id_column: str, parent_column: str) -> Opened:
    if source.format == "csv":
        if source.path is None:
            table = read_csv_text(source.read_text(), source.name)
            frame = pl.DataFrame(
                [list(row) for row in table.rows],
                schema=dict.fromkeys(table.header, pl.String),
                orient="row",
            )
        else:
            frame = read_csv_frame(source.path, source.name, max_bytes=limits.current().data_bytes)
        return Opened(frame.lazy(), "file", source.name)
    if source.format in {"json", "jsonl"}:
        level = read_level(source, id_column=id_column, parent_column=parent_column)
        return Opened(None, "file", source.name, level=level)
    return Opened(scan_typed(source), "file", source.name)


def _failing_column(frame: Any) -> str:
    """Return the first column of a pandas frame that Polars cannot take on its own."""
    for name in frame.columns:
        try:
            pl.from_pandas(frame[[name]])
        except (TypeError, ValueError, OverflowError, pl.exceptions.PolarsError):
            return str(name)
    return "?"


def _from_pandas(frame: Any) -> Opened:
    try:
        table = pl.from_pandas(frame, include_index=False)
    except OverflowError:  # a Python int in an object column, beyond 64 bits
        name = _failing_column(frame)
        message = f"the column {name!r} holds a whole number beyond 64 bits"
        hint = "keep whole numbers within 64 bits (write an id that long as text)"
        raise DataError([Problem(message, path=name, hint=hint)]) from None
    except (TypeError, ValueError, pl.exceptions.PolarsError) as error:
        name = _failing_column(frame)
        message = f"the column {name!r} holds values of different types ({error})"
        hint = "give each column one type: numbers, booleans or text"
        raise DataError([Problem(message, path=name, hint=hint)]) from None
    return Opened(canonical(table.lazy()), "pandas", native=frame, index=frame.index)


MAX_PIECES = 256
"""A frame in more pieces than this is put in one piece before it is read (see :func:`_lazy`),
and a result table in more is put in one piece per column rather than cut alike."""


def _lazy(table: pl.DataFrame) -> pl.LazyFrame:
    """Return ``table`` to read lazily, in one piece if it comes in crumbs.

    A frame concatenated from many small ones (a file per unit, 21-row frames repeated) keeps
    their pieces, and the columnar pass then runs once per piece: a million rows in 50,000
    pieces took 20 times as long as in one. Copying them into one piece first costs a copy of
    the data, far less.
    """
    crumbs = max(table.n_chunks("all"), default=1) > MAX_PIECES
    return (table.rechunk() if crumbs else table).lazy()


def open_frame(frame: Any, *, id_column: str = "id", parent_column: str = "parent") -> Opened:
    """Return ``frame`` (a dataframe, a file or a path) as the executor reads it."""
    if isinstance(frame, DataSource):
        return _open_source(frame, id_column, parent_column)
    if isinstance(frame, str | os.PathLike):
        return _open_source(open_source(frame), id_column, parent_column)
    if isinstance(frame, pl.DataFrame):
        return Opened(canonical(_lazy(frame)), "polars", native=frame)
    if isinstance(frame, pl.LazyFrame):
        return Opened(canonical(frame), "polars-lazy", native=frame)
    module = type(frame).__module__.split(".")[0]
    if module == "pandas":
        return _from_pandas(frame)
    if module == "pyarrow":
        import pyarrow as pa  # noqa: PLC0415  the caller gave Arrow, so it is installed

        if isinstance(frame, pa.RecordBatchReader):
            table = pl.from_arrow(frame)
            assert isinstance(table, pl.DataFrame)  # noqa: S101  a stream reads as a frame
            return Opened(canonical(_lazy(table)), "arrow-stream", native=frame)
        if isinstance(frame, pa.Table):
            table = pl.from_arrow(frame)
            assert isinstance(table, pl.DataFrame)  # noqa: S101  a table reads as a frame
            return Opened(canonical(_lazy(table)), "arrow", native=frame)
    if module == "duckdb":
        return Opened(canonical(_lazy(frame.pl())), "duckdb", native=frame)
    try:
        wrapped = nw.from_native(frame)
    except TypeError:
        message = f"cannot evaluate a {type(frame).__name__}: expected a dataframe or a file path"
        hint = "pass a Polars, pandas, PyArrow or DuckDB frame, or the path of a data file"
        raise DataError([Problem(message, hint=hint)]) from None
    if isinstance(wrapped, nw.LazyFrame):
        collected = wrapped.collect(backend="polars").to_native()
        return Opened(canonical(_lazy(collected)), "polars", native=frame)
    table = pl.from_arrow(wrapped.to_arrow())
    assert isinstance(table, pl.DataFrame)  # noqa: S101  a table converts to a frame
    return Opened(canonical(_lazy(table)), "narwhals", native=frame)


def id_dtype(opened: Opened, column: str) -> pl.DataType:
    """Return the type the results give the ids of ``column``: the data's own, or text.

    An integer id column keeps its type and a float one (whole numbers) gives Int64; JSON ids
    that are all whole numbers give Int64; anything else gives String.
    """
    if opened.level is not None:
        kind: IdType = (
            opened.level.id_type if column == opened.level.id_column else opened.level.parent_type
        )
        return pl.Int64() if kind == "integer" else pl.String()
    assert opened.lazy is not None  # noqa: S101  a frame, when not JSON rows
    dtype = opened.lazy.collect_schema().get(column)
    if dtype is not None and dtype.is_integer():
        return dtype
    if dtype is not None and dtype.is_float():
        return pl.Int64()
    return pl.String()
