"""Frames in and out of the columnar executor: any dataframe or a data file, as a Polars lazy frame.

The executor runs on Polars (lazy). :func:`open_frame` takes what the caller has — a Polars
frame, a pandas or PyArrow table, anything narwhals reads, or the path of a CSV, Parquet or JSON
lines file — and :meth:`Opened.to_caller` returns the results in the same kind of frame (a path
gives a Polars ``DataFrame``, and so does a lazy frame of another library). CSV cells are read
as text and converted as the scalar reader converts them (``"yes"``, ``"85%"``, a JSON array for
lists).

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

from criteriakit.errors import DataError, Problem

__all__ = ["Opened", "decoded_size", "machine_memory", "open_frame"]

_DECODED_BITS = {"BOOLEAN": 1, "INT32": 32, "FLOAT": 32, "INT64": 64, "DOUBLE": 64, "INT96": 96}
"""Bits a decoded value of each Parquet physical type takes in Polars; 128 for the others (a
string's or a binary's view)."""
_SUFFIXES = {".csv": "csv", ".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl"}

Kind = Literal["polars", "polars-lazy", "narwhals", "path"]


@attrs.frozen
class Opened:
    """A caller's frame as a Polars lazy frame, and how to give results back."""

    lazy: pl.LazyFrame
    text: bool
    kind: Kind
    native: Any = attrs.field(default=None, repr=False)
    source: str | None = None

    def to_caller(self, result: pl.DataFrame) -> Any:
        """Return ``result`` as the caller's kind of frame."""
        if self.kind == "polars-lazy":
            return result.lazy()
        if self.kind == "narwhals":
            backend = nw.get_native_namespace(nw.from_native(self.native))
            return nw.from_arrow(result.to_arrow(), backend=backend).to_native()
        return result


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


def _open_path(path: Path) -> Opened:
    kind = _SUFFIXES.get(path.suffix.lower())
    if kind is None:
        listed = ", ".join(sorted(_SUFFIXES))
        raise DataError([Problem(f"cannot read {path.name}: expected one of {listed}")])
    if not path.is_file():
        raise DataError([Problem(f"{path} does not exist or is not a file")])
    if kind == "csv":
        lazy = pl.scan_csv(path, infer_schema=False)
        return Opened(lazy, text=True, kind="path", source=str(path))
    if kind == "parquet":
        _check_fits(path)
        return Opened(pl.scan_parquet(path), text=False, kind="path", source=str(path))
    return Opened(pl.scan_ndjson(path), text=False, kind="path", source=str(path))


def open_frame(frame: Any) -> Opened:
    """Return ``frame`` (a dataframe or a path) as a Polars lazy frame; see the module docs."""
    if isinstance(frame, str | Path):
        return _open_path(Path(frame))
    if isinstance(frame, pl.DataFrame):
        return Opened(frame.lazy(), text=False, kind="polars", native=frame)
    if isinstance(frame, pl.LazyFrame):
        return Opened(frame, text=False, kind="polars-lazy", native=frame)
    try:
        wrapped = nw.from_native(frame)
    except TypeError:
        message = f"cannot evaluate a {type(frame).__name__}: expected a dataframe or a file path"
        hint = "pass a Polars, pandas or PyArrow frame, or the path of a CSV or Parquet file"
        raise DataError([Problem(message, hint=hint)]) from None
    if isinstance(wrapped, nw.LazyFrame):
        lazy = wrapped.collect(backend="polars").to_native().lazy()
        return Opened(lazy, text=False, kind="polars", native=frame)
    table = pl.from_arrow(wrapped.to_arrow())
    assert isinstance(table, pl.DataFrame)  # noqa: S101  a table converts to a frame
    return Opened(table.lazy(), text=False, kind="narwhals", native=frame)
