"""``evaluate`` on one CSV file a row at a time: memory that of a row, whatever the file's length.

Imported by :mod:`criteriakit.cli._evaluation` when ``evaluate`` runs. The errors, and the
output, are those of the whole-data path.
"""

from __future__ import annotations

import contextlib
from collections.abc import Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from criteriakit import limits
from criteriakit.cli._options import DataOptions
from criteriakit.cli._output import fail
from criteriakit.compiling.columns import check_columns
from criteriakit.data import DataSource, cell_records, first_rows, streamed_rows
from criteriakit.data.csv import csv_file_rows
from criteriakit.errors import CriteriaKitError
from criteriakit.render.table import table_columns
from criteriakit.render.writers import STREAMED_FORMATS, OutputFormat, result_pieces, write_streamed
from criteriakit.scalar.batch import evaluate_streamed
from criteriakit.scalar.framework import Framework

__all__ = ["stream_evaluation", "streams"]


def streams(
    sources: Sequence[DataSource], output_format: OutputFormat, options: DataOptions
) -> bool:
    """Return whether the scalar engine streams this evaluation (see :func:`stream_evaluation`).

    It does for one CSV file (not standard input, already held) without monthly rows, written
    as CSV, JSON Lines or documents; a framework that compares units (quotas, relative scorers) is checked by the caller.
    """
    return (
        len(sources) == 1
        and sources[0].format == "csv"
        and sources[0].path is not None
        and options.monthly is None
        and output_format in STREAMED_FORMATS
    )


def stream_evaluation(
    framework: Framework,
    data: DataSource,
    output_format: OutputFormat,
    output: str | None,
    options: DataOptions,
) -> None:
    """Evaluate a CSV file a row at a time and write the results as they come.

    The file is read three times from disk (its structure, then its rows, then the first rows
    of ids that may repeat), and the output goes through a temporary file, so that nothing is
    written unless every unit evaluated.
    """
    assert data.path is not None  # noqa: S101  streams() takes files only
    path, name, id_column = data.path, data.name, options.id_column
    suspects: dict[int, str] = {}

    def first_rows_of(units: Collection[str]) -> Mapping[str, int]:
        with _csv_records(path, name) as (_, again):
            return first_rows(again, id_column, units)

    try:
        with _csv_records(path, name) as (_, rows):
            for _ in rows:  # a malformed row stops the reading, before any other check
                pass
        with _csv_records(path, name) as (header, rows):
            check_columns(
                framework.compiled,
                [column for column in header if column not in {id_column, "parent"}],
                source=name,
                id_column=id_column,
                has_ids=id_column in header,
                unknown="ignore" if options.ignore_unknown else "error",
            )
            units = streamed_rows(
                rows, source=name, id_column=id_column, parent_column="parent", suspects=suspects
            )
            results = evaluate_streamed(
                framework,
                units,
                source=name,
                id_column=id_column,
                suspects=suspects,
                first_rows=first_rows_of,
                period=options.period,
            )
            write_streamed(result_pieces(results, output_format, table_columns(framework)), output)
    except CriteriaKitError as error:
        fail(error)


@contextlib.contextmanager
def _csv_records(
    path: Path, name: str
) -> Iterator[tuple[tuple[str, ...], Iterator[tuple[int, Mapping[str, Any]]]]]:
    """Yield a CSV file's header and records, read lazily from disk (:func:`csv_file_rows`)."""
    with csv_file_rows(path, name, limits.current().data_bytes) as (header, cells):
        yield header, cell_records(header, (row for _, row in cells))
