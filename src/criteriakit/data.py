"""Reading unit data sets: CSV, JSON (a list of objects) and JSON Lines, one unit per row.

Every row needs a unit id (column ``id`` by default); ids must be unique. CSV cells are text
and are converted by the framework's input types (``12``, ``yes``, ``85%``, a JSON array for
lists); JSON values are taken as they are. Files are size-capped and read without running
anything they contain.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Literal

import attrs

from criteriakit._files import UnreadableFile, read_text_capped
from criteriakit.errors import DataError, Problem

__all__ = [
    "MAX_DATA_BYTES",
    "MAX_REPORTED_PROBLEMS",
    "DataFormat",
    "UnitRow",
    "read_records",
    "read_units",
]

MAX_DATA_BYTES = 512 * 1024 * 1024
"""Data files larger than this are refused (512 MiB); larger populations go columnar."""

DataFormat = Literal["csv", "json", "jsonl"]

_SUFFIXES: dict[str, DataFormat] = {
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
}
MAX_REPORTED_PROBLEMS = 50
"""After this many problems a data set is not read further: the rest would only add noise."""


@attrs.frozen
class UnitRow:
    """One unit of a data set: its id, raw values, 1-based row, whether cells are text, its parent."""

    unit: str
    values: Mapping[str, object]
    row: int
    text: bool
    parent: str | None = None


def _format_of(path: Path, data_format: DataFormat | None) -> DataFormat:
    if data_format is not None:
        return data_format
    found = _SUFFIXES.get(path.suffix.lower())
    if found is None:
        raise DataError(
            [
                Problem(
                    f"cannot tell the data format from the suffix {path.suffix!r}",
                    file=str(path),
                    hint="use .csv, .json or .jsonl, or give the format (--data-format)",
                )
            ]
        )
    return found


def _csv_records(text: str, name: str) -> Iterator[tuple[int, Mapping[str, object]]]:
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if not reader.fieldnames:
        raise DataError(
            [
                Problem(
                    "the CSV file has no header row",
                    file=name,
                    hint="the first row names the columns: id,...",
                )
            ]
        )
    duplicates = sorted(
        {field for field in reader.fieldnames if reader.fieldnames.count(field) > 1}
    )
    if duplicates:
        raise DataError(
            [Problem(f"the header repeats the column {duplicates[0]!r}", file=name, line=1)]
        )
    try:
        for row, record in enumerate(reader, start=1):
            if None in record:
                raise DataError(
                    [
                        Problem(
                            "the row has more cells than the header has columns",
                            file=name,
                            row=row,
                            line=reader.line_num,
                        )
                    ]
                )
            yield row, record
    except csv.Error as error:
        raise DataError(
            [Problem(f"invalid CSV: {error}", file=name, line=reader.line_num)]
        ) from None


def _json_records(text: str, name: str) -> Iterator[tuple[int, object]]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise DataError(
            [
                Problem(
                    f"invalid JSON: {error.msg}", file=name, line=error.lineno, column=error.colno
                )
            ]
        ) from None
    if not isinstance(document, list):
        raise DataError(
            [
                Problem(
                    "expected a JSON array of objects, one per unit",
                    file=name,
                    hint='[{"id": "c1", ...}, ...]',
                )
            ]
        )
    yield from enumerate(document, start=1)


def _jsonl_records(text: str, name: str) -> Iterator[tuple[int, object]]:
    row = 0
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        row += 1
        try:
            yield row, json.loads(line)
        except json.JSONDecodeError as error:
            raise DataError(
                [
                    Problem(
                        f"invalid JSON: {error.msg}",
                        file=name,
                        line=line_number,
                        column=error.colno,
                        row=row,
                    )
                ]
            ) from None


def read_records(
    path: str | os.PathLike[str], data_format: DataFormat | None = None
) -> tuple[Iterator[tuple[int, object]], DataFormat]:
    """Read a data file's records as ``(row, record)`` pairs, and say which format it was."""
    file = Path(path)
    kind = _format_of(file, data_format)
    try:
        text = read_text_capped(file, MAX_DATA_BYTES)
    except UnreadableFile as error:
        raise DataError([error.problem]) from None
    readers = {"csv": _csv_records, "json": _json_records, "jsonl": _jsonl_records}
    return readers[kind](text, str(path)), kind


def unit_of(
    record: object, row: int, id_column: str, source: str
) -> tuple[Mapping[str, object], str] | Problem:
    """Return one record with its unit id, or the problem that makes the record unusable."""
    if not isinstance(record, Mapping):
        return Problem("expected an object with the unit's values", file=source, row=row)
    unit = record.get(id_column)
    if isinstance(unit, int) and not isinstance(unit, bool):
        unit = str(unit)
    if not isinstance(unit, str) or not unit.strip():
        return Problem(
            f"the unit id is missing or empty (column {id_column!r})",
            file=source,
            row=row,
            path=id_column,
        )
    return record, unit


def read_units(
    path: str | os.PathLike[str],
    *,
    id_column: str = "id",
    parent_column: str = "parent",
    data_format: DataFormat | None = None,
) -> list[UnitRow]:
    """Read every unit of a data file; raise :class:`DataError` listing every bad row.

    The ``id_column`` names each unit; the optional ``parent_column`` names the unit above it
    (a member's cell), for quotas among siblings and roll-ups into parents.
    """
    name = str(path)
    records, kind = read_records(path, data_format)
    units: list[UnitRow] = []
    problems: list[Problem] = []
    seen: dict[str, int] = {}
    for row, record in records:
        found = unit_of(record, row, id_column, name)
        if isinstance(found, Problem):
            problems.append(found)
            continue
        fields, unit = found
        if unit in seen:
            problems.append(
                Problem(
                    f"unit id {unit!r} repeats row {seen[unit]}", file=name, row=row, path=id_column
                )
            )
            continue
        seen[unit] = row
        parent = fields.get(parent_column)
        if isinstance(parent, int) and not isinstance(parent, bool):
            parent = str(parent)
        if parent is not None and not isinstance(parent, str):
            problems.append(
                Problem(
                    f"the parent id must be text, got {parent!r}",
                    file=name,
                    row=row,
                    path=parent_column,
                )
            )
            continue
        values = {
            key: value for key, value in fields.items() if key not in {id_column, parent_column}
        }
        units.append(UnitRow(unit, values, row, kind == "csv", parent or None))
        if len(problems) >= MAX_REPORTED_PROBLEMS:
            break
    if problems:
        raise DataError(problems, source=name)
    return units
