"""Frames in and out of the columnar executor: any dataframe or a data file, as a Polars lazy frame.

The executor runs on Polars (lazy). :func:`open_frame` takes what the caller has — a Polars
frame, a pandas or PyArrow table, anything narwhals reads, or the path of a CSV, Parquet or JSON
lines file — and :meth:`Opened.to_caller` returns the results in the same kind of frame (a path
gives a Polars ``DataFrame``, and so does a lazy frame of another library). CSV cells are read as text and converted as the scalar reader
converts them (``"yes"``, ``"85%"``, a JSON array for lists).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import attrs
import narwhals.stable.v2 as nw
import polars as pl

from criteriakit.errors import DataError, Problem

__all__ = ["Opened", "open_frame"]

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
