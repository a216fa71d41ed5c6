"""Parquet and Excel files as Polars frames in the readers' types, their decoded size capped.

Both engines read a typed file through :func:`read_typed` (the scalar engine's records come
from its rows), so a Parquet or Excel file is read by one rule whatever evaluates it.
:func:`canonical` is the rule for any typed frame: Float32, Decimal, categorical and enum
values become what they print as, so 0.9 stays 0.9. A Parquet file is refused before it is read
when its values would take more memory decoded than the ``decoded_bytes`` limit allows.
"""

from __future__ import annotations

import importlib.util
import io
import os
from pathlib import Path
from typing import Any

import polars as pl
from polars.datatypes import DataTypeClass

from criteriakit import limits
from criteriakit.data.sources import DataSource
from criteriakit.documentation import page
from criteriakit.errors import DataError, Problem

__all__ = [
    "MAX_DECODED_BYTES",
    "canonical",
    "decoded_size",
    "instance",
    "machine_memory",
    "read_typed",
    "scan_typed",
]

_DECODED_BITS = {"BOOLEAN": 1, "INT32": 32, "FLOAT": 32, "INT64": 64, "DOUBLE": 64, "INT96": 96}
"""Bits a decoded value of each Parquet physical type takes in Polars; 128 for the others (a
string's or a binary's view)."""

_INLINE_BYTES = 12
"""Text of at most this many bytes lives inside its 16-byte view in Polars; longer text is
stored once more, beside the views."""

MAX_DECODED_BYTES = limits.DEFAULTS.decoded_bytes
"""The largest a Parquet file's values may be once decoded by default (4 GiB; the
``decoded_bytes`` limit of :mod:`criteriakit.limits`), dictionary text included, or this
machine's memory where that is smaller; checked from the file's metadata and dictionaries
before it is read (see :func:`decoded_size`)."""


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


def decoded_size(path: Path | bytes, limit: int | None = None) -> int | None:
    """Return about how many bytes the values of a Parquet file (or its bytes) take once decoded.

    Every column chunk costs its value count (list items included) times its type's width in
    Polars, or its uncompressed size if larger. A dictionary-encoded string or binary chunk
    also costs the text each value refers to (longer than a view's 12 inline bytes): its
    values are only indices into the dictionary page, so a megabyte entry repeated on every
    row takes a megabyte per row once decoded, though the chunk is a few bytes. That part is
    read from the dictionaries and indices themselves, and only while the metadata's part
    is within ``limit``: a file whose metadata already exceed it is measured no further.
    None when PyArrow is not installed or the file cannot be read as Parquet (reading the file
    then says what is wrong); reading a Parquet file refuses it without PyArrow.
    """
    try:
        import pyarrow.parquet as pq  # noqa: PLC0415  optional: the parquet extra brings it
    except ImportError:
        return None
    try:
        file = pq.ParquetFile(_opened(path))
        size, dictionaries = _metadata_size(file.metadata)
        if dictionaries and (limit is None or size <= limit):
            size += _referenced_bytes(path, dictionaries)
    except (OSError, ValueError):  # not Parquet, or damaged (ArrowInvalid is a ValueError)
        return None
    return size


def _metadata_size(metadata: Any) -> tuple[int, dict[int, list[str]]]:
    """Return the bytes the metadata account for, and the dictionary-encoded text chunks.

    The chunks are given as the leaf paths of each row group (for :func:`_referenced_bytes`).
    """
    bits = 0
    dictionaries: dict[int, list[str]] = {}
    for group_index in range(metadata.num_row_groups):
        group = metadata.row_group(group_index)
        for column_index in range(group.num_columns):
            column = group.column(column_index)
            width = _value_bits(column.physical_type, metadata.schema.column(column_index))
            bits += max(column.num_values * width, column.total_uncompressed_size * 8)
            if column.physical_type == "BYTE_ARRAY" and column.has_dictionary_page:
                dictionaries.setdefault(group_index, []).append(column.path_in_schema)
    return bits // 8, dictionaries


def _value_bits(physical_type: str, schema_column: Any) -> int:
    """Return the bits one decoded value of a column takes (a fixed-size binary its length)."""
    if physical_type == "FIXED_LEN_BYTE_ARRAY":
        return 8 * max(16, schema_column.length or 0)
    return _DECODED_BITS.get(physical_type, 128)


def _referenced_bytes(path: Path | bytes, dictionaries: dict[int, list[str]]) -> int:
    """Return the dictionary text the values of dictionary-encoded chunks refer to.

    The chunks are read as PyArrow dictionary arrays (indices and the dictionary, never the
    text per value), one row group at a time.
    """
    import pyarrow.parquet as pq  # noqa: PLC0415  decoded_size checked that it is installed

    leaves = sorted({leaf for paths in dictionaries.values() for leaf in paths})
    file = pq.ParquetFile(_opened(path), read_dictionary=leaves)
    total = 0
    for group_index, paths in dictionaries.items():
        table = file.read_row_group(group_index, columns=paths)
        total += sum(
            _dictionary_bytes(chunk) for column in table.columns for chunk in column.chunks
        )
    return total


def _opened(path: Path | bytes) -> Path | io.BytesIO:
    """Return what PyArrow opens for a Parquet file: its path, or its bytes as a file."""
    return io.BytesIO(path) if isinstance(path, bytes) else path


def _dictionary_bytes(array: Any) -> int:
    """Return the bytes of dictionary text that the values of ``array`` (or its items) refer to."""
    import pyarrow as pa  # noqa: PLC0415  decoded_size checked that it is installed
    import pyarrow.compute as pc  # noqa: PLC0415

    if isinstance(array, pa.DictionaryArray):
        lengths = pc.binary_length(array.dictionary)
        outside = pc.if_else(pc.greater(lengths, _INLINE_BYTES), lengths, 0)
        return int(pc.sum(pc.take(outside, array.indices)).as_py() or 0)
    if isinstance(array, pa.StructArray):
        return sum(_dictionary_bytes(field) for field in array.flatten())
    if isinstance(array, pa.ListArray | pa.LargeListArray | pa.FixedSizeListArray | pa.MapArray):
        return _dictionary_bytes(array.flatten())
    return 0


def _shown_size(size: int) -> str:
    """Return a byte count as MiB, or as GiB from 1 GiB on."""
    if size >= 2**30:
        return f"{size / 2**30:,.1f} GiB"
    return f"{size / 2**20:,.0f} MiB"


def _check_fits(path: Path | bytes, name: str) -> None:
    """Refuse a Parquet file whose values would take more than the ``decoded_bytes`` limit.

    The cap is this machine's memory where that is smaller.
    """
    if importlib.util.find_spec("pyarrow") is None:
        message = (
            "a Parquet file is measured before it is read (how large its values are once "
            "decoded), which needs PyArrow, not installed here"
        )
        hint = "pip install 'criteriakit[parquet]'"
        raise DataError([Problem(message, file=name, hint=hint)], source=name)
    memory = machine_memory()
    cap = limits.current().decoded_bytes
    limit = cap if memory is None else min(memory, cap)
    size = decoded_size(path, limit)
    if size is None or size <= limit:
        return
    allowed = (
        f"this machine's memory ({_shown_size(limit)})"
        if limit == memory
        else f"the {_shown_size(limit)} allowed"
    )
    message = (
        f"the file's values would take about {_shown_size(size)} once decoded, more than {allowed}"
    )
    hint = f"split it into smaller files, or evaluate it on Spark or Dask: {page('clusters')}"
    raise DataError([Problem(message, file=name, hint=hint)], source=name)


def _unreadable(source: DataSource, error: Exception) -> DataError:
    reason = (str(error).strip().splitlines() or [type(error).__name__])[0]
    message = f"cannot read the {source.format} data: {reason}"
    return DataError([Problem(message, file=source.name)], source=source.name)


def _scan_parquet(source: DataSource) -> pl.LazyFrame:
    if source.path is None:
        content = source.read_bytes()
        _check_fits(content, source.name)
        return pl.read_parquet(io.BytesIO(content)).lazy()
    _check_fits(source.path, source.name)
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


def scan_typed(source: DataSource) -> pl.LazyFrame:
    """Open a Parquet or Excel source as a lazy frame in the readers' types (see the module)."""
    try:
        if source.format == "parquet":
            return canonical(_scan_parquet(source))
        return canonical(_read_excel(source).lazy())
    except (pl.exceptions.PolarsError, OSError, ValueError) as error:
        raise _unreadable(source, error) from None


def read_typed(source: DataSource) -> pl.DataFrame:
    """Read a Parquet or Excel source as a Polars frame in the readers' types."""
    try:
        return scan_typed(source).collect()
    except (pl.exceptions.PolarsError, OSError, ValueError) as error:
        raise _unreadable(source, error) from None
