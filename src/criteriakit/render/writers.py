"""Writing results in every output format, the same bytes whichever engine made them.

``table`` (aligned text for people), ``csv``, ``jsonl`` and ``parquet`` write the result table
(:mod:`criteriakit.render.table`); ``json`` writes the result documents. A table is a
:class:`~criteriakit.render.table.ResultTable` (the scalar engine's, written in pure Python) or a
Polars frame with the same columns (the columnar engine's, written by Polars' writers); the two
give identical bytes (:mod:`criteriakit.render.rows` matches Polars' writers). CSV joins the
reason codes with ``;``. Parquet and large outputs need Polars (the ``polars`` extra).

Files are written atomically (readers see the old file or the whole new one) and get the
permissions the umask gives new files.

The scalar engine streams its results (:func:`write_streamed`): ``csv``, ``jsonl`` and ``json``
are written a result at a time to a temporary file, in bounded memory, and reach the output (or
standard output) only once every unit evaluated; their bytes are those of the whole-table
writers. ``table`` (aligned columns need every row first) and ``parquet`` gather the table.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Literal

from criteriakit.errors import DataError, Problem
from criteriakit.model.results import Result
from criteriakit.render import render_text_table
from criteriakit.render.atomic import replacing, write_text_atomic
from criteriakit.render.colours import TERMINAL_COLOURS, tier_styles
from criteriakit.render.rows import (
    ColumnType,
    csv_lines,
    jsonl_lines,
    write_csv_text,
    write_jsonl_text,
)
from criteriakit.render.table import SCHEMA_VERSION, ResultTable, result_rows, text_rows

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "STREAMED_FORMATS",
    "OutputFormat",
    "render_documents",
    "result_pieces",
    "table_frame",
    "write_documents",
    "write_streamed",
    "write_tables",
]

OutputFormat = Literal["table", "csv", "json", "jsonl", "parquet"]

STREAMED_FORMATS: frozenset[OutputFormat] = frozenset({"csv", "jsonl", "json"})
"""The formats the scalar engine writes a result at a time (see the module docs)."""

_STREAM_CHUNK = 2**20
"""Bytes copied at a time from the finished temporary file to standard output."""

_POLARS_TYPES = {"string": "String", "integer": "Int64", "float": "Float64", "bool": "Boolean"}


def render_documents(results: Sequence[Result]) -> str:
    """Return the result documents as JSON text: ``{"schema_version": 2, "results": [...]}``."""
    document = {
        "schema_version": SCHEMA_VERSION,
        "results": [result.to_dict() for result in results],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _polars() -> Any:
    try:
        import polars as pl  # noqa: PLC0415  an optional dependency, loaded when it is used
    except ImportError:
        hint = "pip install 'criteriakit[polars]'"
        raise DataError([Problem("writing Parquet needs Polars", hint=hint)]) from None
    return pl


def table_frame(table: ResultTable) -> pl.DataFrame:
    """Return a Python result table as a Polars frame of the same columns and types."""
    polars = _polars()
    schema = {
        name: polars.List(polars.String)
        if kind == "strings"
        else getattr(polars, _POLARS_TYPES[kind])
        for name, kind in table.columns
    }
    frame: pl.DataFrame = polars.DataFrame(list(table.rows), schema=schema, orient="row")
    return frame


def _is_frame(table: object) -> bool:
    return not isinstance(table, ResultTable)


def _text(table: Any) -> str:
    rows = table.select(table.columns[:10]).iter_rows() if _is_frame(table) else table.rows
    header = ["unit", "score", "band tier", "tier", "reasons"]
    return render_text_table(header, text_rows(list(rows)), right=("score",))


def _csv(table: Any) -> str:
    if _is_frame(table):
        pl = _polars()
        return str(table.with_columns(pl.col("reasons").list.join(";")).write_csv())
    columns: list[tuple[str, ColumnType]] = [
        (name, "string" if kind == "strings" else kind) for name, kind in table.columns
    ]
    index = table.names.index("reasons")
    rows = ((*row[:index], ";".join(row[index]), *row[index + 1 :]) for row in table.rows)
    return write_csv_text(columns, rows)


def _jsonl(table: Any) -> str:
    if _is_frame(table):
        return str(table.write_ndjson())
    return write_jsonl_text(table.columns, table.rows)


def _emit(text: str, output: str | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        write_text_atomic(output, text)


def _parquet(tables: Sequence[Any], output: str | None) -> None:
    frame = tables[0] if _is_frame(tables[0]) else table_frame(tables[0])
    metadata = {"criteriakit.schema_version": str(SCHEMA_VERSION)}
    if output is None:
        frame.write_parquet(sys.stdout.buffer, metadata=metadata)
        sys.stdout.buffer.flush()
        return
    with replacing(output) as temporary:
        frame.write_parquet(temporary, metadata=metadata)


def write_tables(
    tables: Sequence[Any],
    output_format: OutputFormat,
    output: str | None,
    *,
    titles: Sequence[str] | None = None,
    tier_orders: Sequence[Sequence[str]] = (),
) -> None:
    """Write result tables (top level first) to ``output`` or standard output.

    With ``titles`` (one per level, for ``--all-levels``) the text format prints each level
    under its title, and JSON Lines writes every level's rows one after the other; CSV and
    Parquet hold one table. ``tier_orders`` (each level's tier ids, best first) colour the
    tiers of a text table printed on a terminal, unless ``NO_COLOR`` is set.
    """
    if output_format == "parquet":
        _parquet(tables, output)
        return
    if output_format == "table":
        if titles is None:
            text = _text(tables[0])
        else:
            text = "\n".join(
                f"{title} ({_height(table)} units)\n{_text(table)}"
                for title, table in zip(titles, tables, strict=True)
            )
        if output is None and _coloured(text, tier_orders):
            return
    elif output_format == "csv":
        text = _csv(tables[0])
    else:
        text = "".join(_jsonl(table) for table in (tables if titles else tables[:1]))
    _emit(text, output)


def _coloured(text: str, tier_orders: Sequence[Sequence[str]]) -> bool:
    """Print a text table with its tiers coloured, if standard output is a colour terminal.

    Return whether it did: rich decides (not a terminal, ``NO_COLOR`` or ``TERM=dumb``: no).
    """
    from rich.console import Console  # noqa: PLC0415 - only for a table printed to a terminal
    from rich.text import Text  # noqa: PLC0415 - only for a table printed to a terminal

    console = Console(highlight=False, soft_wrap=True)
    if not tier_orders or not console.is_terminal or console.no_color or console.is_dumb_terminal:
        return False
    styled = Text(text)
    for tiers in tier_orders:
        for tier, colour in tier_styles(tiers, TERMINAL_COLOURS).items():
            # a tier's cell: two spaces before it, a space or the line's end after it
            styled.highlight_regex(rf"(?<=  ){re.escape(tier)}(?=\s|$)", f"bold {colour}")
    console.print(styled, end="")
    return True


def _height(table: Any) -> int:
    return int(table.height) if _is_frame(table) else len(table.rows)


def write_documents(results: Sequence[Result], output: str | None) -> None:
    """Write the result documents (JSON) to ``output`` or standard output."""
    _emit(render_documents(results), output)


def _document_pieces(results: Iterable[Result]) -> Iterator[str]:
    """Yield :func:`render_documents`' text a result at a time (the same bytes)."""
    yield f'{{\n  "schema_version": {SCHEMA_VERSION},\n  "results": ['
    empty = True
    for result in results:
        text = json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
        yield ("\n    " if empty else ",\n    ") + text.replace("\n", "\n    ")
        empty = False
    yield "]\n}\n" if empty else "\n  ]\n}\n"


def result_pieces(
    results: Iterable[Result],
    output_format: OutputFormat,
    columns: Sequence[tuple[str, ColumnType]],
) -> Iterator[str]:
    """Yield the output of ``results`` in one of :data:`STREAMED_FORMATS`, piece by piece.

    ``columns`` are the result table's (:func:`~criteriakit.render.table.table_columns`). The
    pieces joined are the bytes :func:`write_tables` or :func:`write_documents` write.
    """
    if output_format == "json":
        yield from _document_pieces(results)
        return
    rows = (row for result in results for row in result_rows([result], columns))
    if output_format == "jsonl":
        yield from jsonl_lines(columns, rows)
        return
    index = [name for name, _ in columns].index("reasons")
    yield from csv_lines(
        [(name, "string" if kind == "strings" else kind) for name, kind in columns],
        ((*row[:index], ";".join(row[index]), *row[index + 1 :]) for row in rows),  # type: ignore[arg-type]
    )


def write_streamed(pieces: Iterable[str], output: str | None) -> None:
    """Write ``pieces`` through a temporary file to ``output`` or standard output.

    Memory stays that of one piece. Nothing reaches ``output`` unless every piece was made:
    an error while making them (a bad row) leaves ``output`` as it was and standard output
    empty.
    """
    if output is not None:
        with (
            replacing(output) as temporary,
            temporary.open("w", encoding="utf-8", newline="") as stream,
        ):
            stream.writelines(pieces)
            stream.flush()
            os.fsync(stream.fileno())
        return
    with tempfile.TemporaryFile("w+b") as stream:
        for piece in pieces:
            stream.write(piece.encode("utf-8"))
        stream.seek(0)
        sys.stdout.flush()
        shutil.copyfileobj(stream, sys.stdout.buffer, _STREAM_CHUNK)
        sys.stdout.buffer.flush()
