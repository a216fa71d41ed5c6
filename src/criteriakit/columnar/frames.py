"""Frames in and out of the columnar executor: any dataframe or data file, as a Polars frame.

The executor runs on Polars (lazy). :func:`open_frame` takes what the caller has — a Polars
frame (eager or lazy), a pandas frame, a PyArrow table or ``RecordBatchReader``, a DuckDB
relation, anything else narwhals reads, or a data file (:class:`~criteriakit.data.DataSource`
or a path) — and :meth:`Opened.to_caller` gives the results back as the same kind of frame (a
file gives a Polars ``DataFrame``). Every input is read by the rules of ``docs/data.md``, as
the scalar engine reads it:

- CSV through :func:`criteriakit.csvfiles.read_csv_frame`, which gives the Python reader's
  cells; JSON through the Python reader itself (its values' JSON types decide, which a Polars
  column cannot keep); Parquet and Excel as typed columns.
- Text columns are read as text (the same converters as CSV cells). ``Float32`` and
  ``Decimal`` values are read as the decimal text they print as (``0.9`` stays 0.9, not
  0.8999999762); categorical and enum columns as their text.
- A pandas frame's index is ignored, and put back on the results.

A Parquet file may come from another organisation, and its compression can hide data far larger
than the file (a column of a billion equal values takes a few bytes). Before reading one, its
metadata are checked: a file whose values would not fit in this machine's memory once decoded is
refused with a :class:`~criteriakit.DataError`, rather than the process being killed.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import attrs
import narwhals.stable.v2 as nw
import polars as pl
from polars.datatypes import DataTypeClass

from criteriakit import limits
from criteriakit.data import (
    DataSource,
    IdType,
    LevelData,
    open_source,
    read_level,
)
from criteriakit.errors import DataError, Problem

__all__ = [
    "Opened",
    "canonical",
    "decoded_size",
    "id_dtype",
    "instance",
    "machine_memory",
    "open_frame",
    "read_typed",
]

_DECODED_BITS = {"BOOLEAN": 1, "INT32": 32, "FLOAT": 32, "INT64": 64, "DOUBLE": 64, "INT96": 96}
"""Bits a decoded value of each Parquet physical type takes in Polars; 128 for the others (a
string's or a binary's view)."""

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


def instance(dtype: pl.DataType | DataTypeClass) -> pl.DataType:
    """Return a Polars type as an instance (nested types may hold bare classes such as Int64)."""
    return dtype if isinstance(dtype, pl.DataType) else dtype()


def _text_leaves(dtype: pl.DataType) -> pl.DataType:
    """Return ``dtype`` with Float32, Decimal, categorical and enum parts as String."""
    if isinstance(dtype, pl.List | pl.Array):
        return pl.List(_text_leaves(instance(dtype.inner)))
    if isinstance(dtype, pl.Struct):
        return pl.Struct({f.name: _text_leaves(instance(f.dtype)) for f in dtype.fields})
    if dtype == pl.Float32 or isinstance(dtype, pl.Decimal | pl.Categorical | pl.Enum):
        return pl.String()
    return dtype


def _typed_leaves(original: pl.DataType, text: pl.DataType) -> pl.DataType:
    """Return ``text`` with the String parts that were numbers in ``original`` as Float64."""
    if isinstance(original, pl.List | pl.Array) and isinstance(text, pl.List):
        return pl.List(_typed_leaves(instance(original.inner), instance(text.inner)))
    if isinstance(original, pl.Struct) and isinstance(text, pl.Struct):
        inner = {f.name: instance(f.dtype) for f in text.fields}
        return pl.Struct(
            {f.name: _typed_leaves(instance(f.dtype), inner[f.name]) for f in original.fields}
        )
    if original == pl.Float32 or isinstance(original, pl.Decimal):
        return pl.Float64()
    return text


def canonical(lazy: pl.LazyFrame) -> pl.LazyFrame:
    """Return ``lazy`` with its columns as the readers take them (see the module docs).

    A top-level Float32, Decimal, categorical or enum column becomes its text; inside lists
    and records, Float32 and Decimal values become the Float64 of their text, categorical and
    enum values their text.
    """
    schema = lazy.collect_schema()
    casts = []
    for name, dtype in schema.items():
        text = _text_leaves(dtype)
        if text == dtype:
            continue
        column = pl.col(name).cast(text)
        typed = text if isinstance(text, pl.String) else _typed_leaves(dtype, text)
        casts.append((column if typed == text else column.cast(typed)).alias(name))
    return lazy.with_columns(casts) if casts else lazy


def machine_memory() -> int | None:
    """Return this machine's physical memory in bytes, or None where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # no sysconf (Windows), or no such name
        return None


def decoded_size(path: Path) -> int | None:
    """Return about how many bytes the values of a Parquet file take once decoded.

    Worked out from the file's metadata alone: every column chunk's value count (list items
    included) times its type's width in Polars, or its uncompressed size if larger. None when
    PyArrow is not installed or the metadata cannot be read (reading the file then says what is
    wrong).
    """
    try:
        import pyarrow.parquet as pq  # noqa: PLC0415  optional: the polars extra brings it
    except ImportError:
        return None
    try:
        metadata = pq.read_metadata(path)
    except (OSError, ValueError):  # not Parquet, or damaged (ArrowInvalid is a ValueError)
        return None
    bits = 0
    for group_index in range(metadata.num_row_groups):
        group = metadata.row_group(group_index)
        for column_index in range(group.num_columns):
            column = group.column(column_index)
            width = _DECODED_BITS.get(column.physical_type, 128)
            bits += max(column.num_values * width, column.total_uncompressed_size * 8)
    return bits // 8


def _shown_size(size: int) -> str:
    """Return a byte count as MiB, or as GiB from 1 GiB on."""
    if size >= 2**30:
        return f"{size / 2**30:,.1f} GiB"
    return f"{size / 2**20:,.0f} MiB"


def _check_fits(path: Path) -> None:
    """Refuse a Parquet file whose values would not fit in this machine's memory."""
    memory = machine_memory()
    size = decoded_size(path) if memory is not None else None
    if memory is None or size is None or size <= memory:
        return
    message = (
        f"the file's values would take about {_shown_size(size)} once decoded, "
        f"more than this machine's memory ({_shown_size(memory)})"
    )
    hint = "split it into smaller files, or evaluate it on Spark or Dask (see docs/clusters.md)"
    raise DataError([Problem(message, file=str(path), hint=hint)], source=str(path))


def _unreadable(source: DataSource, error: Exception) -> DataError:
    reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
    message = f"cannot read the {source.format} data: {reason}"
    return DataError([Problem(message, file=source.name)], source=source.name)


def _scan_parquet(source: DataSource) -> pl.LazyFrame:
    if source.path is None:
        import io  # noqa: PLC0415

        return pl.read_parquet(io.BytesIO(source.read_bytes())).lazy()
    _check_fits(source.path)
    lazy = pl.scan_parquet(source.path)
    lazy.collect_schema()  # a damaged file fails here, before any other level is evaluated
    return lazy


def _read_excel(source: DataSource) -> pl.DataFrame:
    try:
        import fastexcel  # noqa: PLC0415  the excel extra
    except ImportError:
        hint = "pip install 'criteriakit[excel]'"
        raise DataError(
            [Problem("reading Excel files needs fastexcel", file=source.name, hint=hint)],
            source=source.name,
        ) from None
    try:
        frame = fastexcel.read_excel(source.read_bytes()).load_sheet(0).to_polars()
    except fastexcel.FastExcelError as error:
        raise _unreadable(source, error) from None
    assert isinstance(frame, pl.DataFrame)  # noqa: S101  fastexcel gives Polars frames
    return frame


def read_typed(source: DataSource) -> pl.DataFrame:
    """Read a Parquet or Excel source as a Polars frame in the readers' types."""
    try:
        if source.format == "parquet":
            return canonical(_scan_parquet(source)).collect()
        return canonical(_read_excel(source).lazy()).collect()
    except (pl.exceptions.PolarsError, OSError, ValueError) as error:
        raise _unreadable(source, error) from None


def _open_source(source: DataSource, id_column: str, parent_column: str) -> Opened:
    if source.format == "csv":
        from criteriakit.csvfiles import read_csv_frame, read_csv_text  # noqa: PLC0415

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
    try:
        if source.format == "parquet":
            lazy = canonical(_scan_parquet(source))
        else:
            lazy = canonical(_read_excel(source).lazy())
    except (pl.exceptions.PolarsError, OSError, ValueError) as error:
        raise _unreadable(source, error) from None
    return Opened(lazy, "file", source.name)


def _mixed_column(frame: Any) -> str:
    for name in frame.columns:
        try:
            pl.from_pandas(frame[[name]])
        except (TypeError, ValueError):
            return str(name)
    return "?"


def _from_pandas(frame: Any) -> Opened:
    try:
        table = pl.from_pandas(frame, include_index=False)
    except (TypeError, ValueError, pl.exceptions.PolarsError) as error:
        name = _mixed_column(frame)
        message = f"the column {name!r} holds values of different types ({error})"
        hint = "give each column one type: numbers, booleans or text"
        raise DataError([Problem(message, path=name, hint=hint)]) from None
    return Opened(canonical(table.lazy()), "pandas", native=frame, index=frame.index)


def open_frame(frame: Any, *, id_column: str = "id", parent_column: str = "parent") -> Opened:
    """Return ``frame`` (a dataframe, a file or a path) as the executor reads it."""
    if isinstance(frame, DataSource):
        return _open_source(frame, id_column, parent_column)
    if isinstance(frame, str | os.PathLike):
        return _open_source(open_source(frame), id_column, parent_column)
    if isinstance(frame, pl.DataFrame):
        return Opened(canonical(frame.lazy()), "polars", native=frame)
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
            return Opened(canonical(table.lazy()), "arrow-stream", native=frame)
        if isinstance(frame, pa.Table):
            table = pl.from_arrow(frame)
            assert isinstance(table, pl.DataFrame)  # noqa: S101  a table reads as a frame
            return Opened(canonical(table.lazy()), "arrow", native=frame)
    if module == "duckdb":
        return Opened(canonical(frame.pl().lazy()), "duckdb", native=frame)
    try:
        wrapped = nw.from_native(frame)
    except TypeError:
        message = f"cannot evaluate a {type(frame).__name__}: expected a dataframe or a file path"
        hint = "pass a Polars, pandas, PyArrow or DuckDB frame, or the path of a data file"
        raise DataError([Problem(message, hint=hint)]) from None
    if isinstance(wrapped, nw.LazyFrame):
        lazy = wrapped.collect(backend="polars").to_native().lazy()
        return Opened(canonical(lazy), "polars", native=frame)
    table = pl.from_arrow(wrapped.to_arrow())
    assert isinstance(table, pl.DataFrame)  # noqa: S101  a table converts to a frame
    return Opened(canonical(table.lazy()), "narwhals", native=frame)


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
