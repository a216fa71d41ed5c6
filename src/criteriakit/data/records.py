"""Rows of a data set as units: ids checked, values kept as the file wrote them.

Every engine reads CSV and JSON rows through here (Parquet and Excel rows come from the typed
frame of :mod:`criteriakit.data.typed_files`), so a file is read by one rule. Reading keeps
every row, good or bad: a row whose id is unusable carries its problem, so that the evaluation
reports it among the value problems, in row order.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import attrs

from criteriakit import errors, limits
from criteriakit.data import jsontext
from criteriakit.data.csv import read_csv_text
from criteriakit.data.sources import DataFormat, DataSource, open_source
from criteriakit.errors import DataError, Problem

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "MAX_REPORTED_PROBLEMS",
    "IdType",
    "LevelData",
    "SeenIds",
    "UnitRow",
    "cell_records",
    "first_rows",
    "json_records",
    "read_level",
    "read_units",
    "row_problem",
    "streamed_rows",
    "unit_id",
]

MAX_REPORTED_PROBLEMS = limits.DEFAULTS.reported_problems
"""At most this many problems are shown by default (the ``reported_problems`` limit of
:mod:`criteriakit.limits`); the message says how many there are in all."""

IdType = Literal["text", "integer"]
"""How the ids of a data set were written: all whole numbers, or text (at least one)."""


@attrs.frozen
class UnitRow:
    """One row of a data set: its unit id, raw values, 1-based row and parent.

    ``problem`` is set (and ``unit`` may be None) when the row cannot be a unit: its id is
    missing, empty, repeated or not an id, or the row is not an object.
    """

    unit: str | None
    values: Mapping[str, object]
    row: int
    parent: str | None = None
    problem: Problem | None = None


def _columns_of(rows: Sequence[UnitRow]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(name for row in rows for name in row.values))


@attrs.frozen
class LevelData:
    """One level's data as read: its rows, the columns the data has, and what the ids look like.

    ``columns`` are the data's column names besides the id and parent (a CSV header, the keys
    of the JSON objects in order of first use), unknown (None) for JSON without a single
    object, which has nothing to evaluate; ``has_ids`` whether the id column exists;
    ``id_type``/``parent_type`` whether ids were all whole numbers, for the result table.
    """

    rows: tuple[UnitRow, ...]
    columns: tuple[str, ...] | None = attrs.field()
    source: str | None = None
    has_ids: bool = True
    id_type: IdType = "text"
    parent_type: IdType = "text"
    id_column: str = "id"

    @columns.default
    def _from_rows(self) -> tuple[str, ...]:
        return _columns_of(self.rows)

    def __iter__(self) -> Iterator[UnitRow]:
        """Iterate over the rows."""
        return iter(self.rows)

    def __len__(self) -> int:
        """Return the number of rows."""
        return len(self.rows)


_ID_HINT = "an id is text, or a whole number of 64 bits; write a longer number as text"
_NOT_AN_OBJECT = "expected an object with the unit's values"
_BLANK = " \t\n\r\f\v"
_ID_RANGE = 2**63
"""Whole-number ids lie in the 64-bit range, as the columnar engine keeps them (Int64)."""


def unit_id(value: object) -> str | None:
    """Return the id a value names, or None if it is no id (see the module docs).

    Text is kept as written (it must not be empty or only white space); a whole number, also
    written as a float such as ``7.0``, is the decimal text of that number. A number id must
    lie within the 64-bit range, in which the columnar engine keeps integer ids: a longer one
    is no id (write it as text).
    """
    if isinstance(value, str):
        return value if value.strip(_BLANK) else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if -_ID_RANGE <= value < _ID_RANGE else None
    if isinstance(value, float):
        whole = value.is_integer() and -_ID_RANGE <= value < _ID_RANGE
        return str(int(value)) if whole else None
    if isinstance(value, Decimal) and value.is_finite() and value == value.to_integral_value():
        integral = value.to_integral_value()
        return format(integral, "f") if -_ID_RANGE <= integral < _ID_RANGE else None
    return None


def _blank(value: object) -> bool:
    """Return whether a value is no value at all: absent, blank text or a NaN."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip(_BLANK)
    return isinstance(value, float) and math.isnan(value)


def _is_whole(value: object) -> bool:
    return not isinstance(value, str | bool) and isinstance(value, int | float | Decimal)


def _beyond_64_bits(value: object) -> bool:
    """Return whether ``value`` is a whole number too long to be an id (see :func:`unit_id`)."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return False
    if isinstance(value, Decimal) and not (
        value.is_finite() and value == value.to_integral_value()
    ):
        return False
    return not -_ID_RANGE <= value < _ID_RANGE


def _shown(value: object) -> str:
    if isinstance(value, int) and value.bit_length() > 128:  # repr of a huge one may refuse
        digits = math.floor(value.bit_length() * math.log10(2)) + 1
        return f"a whole number of about {digits:,} digits"
    if isinstance(value, Decimal) and value.is_finite() and value.adjusted() > 38:
        return f"a number of {value.adjusted() + 1:,} digits"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def row_problem(
    raw_id: object,
    raw_parent: object,
    row: int,
    *,
    unit_column: str,
    parent_column: str,
    source: str | None,
    first_row: Mapping[str, int],
) -> Problem | None:
    """Return why a row cannot be a unit (its id or parent), or None if it can.

    ``first_row`` maps ids to the first row that has them: a later row with the same id
    repeats it.
    """
    unit = unit_id(raw_id)
    if unit is None:
        if _blank(raw_id):
            message = f"the unit id is missing or empty (column {unit_column!r})"
            return Problem(message, file=source, row=row, path=unit_column)
        message = f"the unit id must be text or a whole number, got {_shown(raw_id)}"
        if _beyond_64_bits(raw_id):
            message = f"the unit id is a whole number beyond 64 bits: {_shown(raw_id)}"
        return Problem(message, file=source, row=row, path=unit_column, hint=_ID_HINT)
    first = first_row.get(unit, row)
    if first < row:
        message = f"unit id {_shown(unit)} repeats row {first}"
        return Problem(message, file=source, row=row, path=unit_column)
    if not _blank(raw_parent) and unit_id(raw_parent) is None:
        message = f"the parent id must be text or a whole number, got {_shown(raw_parent)}"
        if _beyond_64_bits(raw_parent):
            message = f"the parent id is a whole number beyond 64 bits: {_shown(raw_parent)}"
        return Problem(message, file=source, row=row, path=parent_column, hint=_ID_HINT)
    return None


def level_from_records(
    records: Iterator[tuple[int, object]],
    *,
    source: str | None,
    id_column: str,
    parent_column: str,
    columns: Sequence[str] | None = None,
) -> LevelData:
    """Turn ``(row, record)`` pairs into a level's rows, keeping every row (see the module docs).

    ``columns`` is the header when the data has one (CSV, a frame), else the records' keys.
    A record that is not an object (JSON) makes the data unreadable: a DataError lists them.
    """
    rows: list[UnitRow] = []
    first: dict[str, int] = {}
    seen_keys: dict[str, None] = dict.fromkeys(columns) if columns is not None else {}
    whole_ids = whole_parents = True
    any_parent = False
    shapeless: list[Problem] = []
    for row, record in records:
        if not isinstance(record, Mapping):
            shapeless.append(Problem(_NOT_AN_OBJECT, file=source, row=row))
            continue
        if columns is None:
            seen_keys.update(dict.fromkeys(record))
        raw_id, raw_parent = record.get(id_column), record.get(parent_column)
        unit = unit_id(raw_id)
        if unit is not None:
            first.setdefault(unit, row)
        values = {k: v for k, v in record.items() if k not in {id_column, parent_column}}
        problem = row_problem(
            raw_id,
            raw_parent,
            row,
            unit_column=id_column,
            parent_column=parent_column,
            source=source,
            first_row=first,
        )
        if problem is not None:
            rows.append(UnitRow(unit, values, row, problem=problem))
            continue
        whole_ids = whole_ids and _is_whole(raw_id)
        parent = None if _blank(raw_parent) else unit_id(raw_parent)
        if parent is not None:
            any_parent = True
            whole_parents = whole_parents and _is_whole(raw_parent)
        rows.append(UnitRow(unit, values, row, parent))
    if shapeless:
        hint = '[{"id": "c1", ...}, ...], or one such object per line'
        shapeless[0] = attrs.evolve(shapeless[0], hint=hint)
        raise DataError(shapeless, source=source)
    names = tuple(name for name in seen_keys if name not in {id_column, parent_column})
    known = columns is not None or bool(rows)
    return LevelData(
        tuple(rows),
        names if known else None,
        source,
        has_ids=id_column in seen_keys or not known,
        id_type="integer" if whole_ids and first else "text",
        parent_type="integer" if whole_parents and any_parent else "text",
        id_column=id_column,
    )


_SEEN_BITS = 2**27
"""Bits of the filter that remembers the ids a streamed level has seen (16 MiB, whatever the
number of rows): with ten million ids, fewer than one in a hundred is a false alarm."""

_SEEN_MASK = _SEEN_BITS - 1


class SeenIds:
    """The unit ids seen so far, in fixed memory: a Bloom filter of :data:`_SEEN_BITS` bits.

    :meth:`add` says whether an id *may* have been seen: never no for a repeat, rarely yes
    for a new id. Rows that it flags are checked exactly afterwards (:func:`first_rows`), so
    that a streamed level reports repeats as :func:`level_from_records` does.
    """

    def __init__(self) -> None:
        self._bits = bytearray(_SEEN_BITS // 8)

    def add(self, unit: str) -> bool:
        """Remember ``unit``; return whether it may have been added before."""
        code = hash(unit)
        seen = True
        for position in (code & _SEEN_MASK, (code >> 27) & _SEEN_MASK, (code >> 37) & _SEEN_MASK):
            byte, bit = position >> 3, 1 << (position & 7)
            if not self._bits[byte] & bit:
                self._bits[byte] |= bit
                seen = False
        return seen


def streamed_rows(
    records: Iterable[tuple[int, Mapping[str, object]]],
    *,
    source: str | None,
    id_column: str,
    parent_column: str,
    suspects: dict[int, str],
) -> Iterator[UnitRow]:
    """Yield the rows of ``records`` one by one, checked as :func:`level_from_records` checks.

    A repeated id is only suspected here: the row and its id go into ``suspects`` (rows whose
    id :class:`SeenIds` may have seen), for :func:`first_rows` to settle once all are read.
    """
    seen = SeenIds()
    for row, record in records:
        raw_id, raw_parent = record.get(id_column), record.get(parent_column)
        unit = unit_id(raw_id)
        if unit is not None and seen.add(unit):
            suspects[row] = unit
        values = {k: v for k, v in record.items() if k not in {id_column, parent_column}}
        problem = row_problem(
            raw_id,
            raw_parent,
            row,
            unit_column=id_column,
            parent_column=parent_column,
            source=source,
            first_row={},
        )
        parent = None if problem is not None or _blank(raw_parent) else unit_id(raw_parent)
        yield UnitRow(unit, values, row, parent, problem)


def first_rows(
    records: Iterable[tuple[int, Mapping[str, object]]], id_column: str, units: Collection[str]
) -> dict[str, int]:
    """Return the first row of each of ``units`` in ``records`` (read once more, lazily)."""
    wanted = set(units)
    first: dict[str, int] = {}
    for row, record in records:
        unit = unit_id(record.get(id_column))
        if unit is not None and unit in wanted:
            first.setdefault(unit, row)
    return first


_LONE_SURROGATE_ESCAPE = re.compile(
    r"\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})"
    r"|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2}"
)
"""A ``\\uXXXX`` escape of half a surrogate pair without its other half."""
_SURROGATE = re.compile("[\ud800-\udfff]")


def _holds_surrogate(value: object) -> bool:
    """Return whether a parsed JSON value has a key or string holding a lone surrogate."""
    if isinstance(value, str):
        return _SURROGATE.search(value) is not None
    if isinstance(value, dict):
        return any(_holds_surrogate(key) or _holds_surrogate(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_holds_surrogate(item) for item in value)
    return False


def _surrogate_problem(text: str, *, file: str, line: int, row: int | None) -> Problem:
    """Return the problem of JSON ``text`` whose strings hold a lone surrogate (an escape)."""
    escape = _LONE_SURROGATE_ESCAPE.search(text)
    line_in_text, column = (1, None) if escape is None else errors.position(text, escape.start())
    shown = "" if escape is None else f" ({escape.group()})"
    return Problem(
        f"a string holds half a surrogate pair{shown}, which is not a character",
        file=file,
        line=line + line_in_text - 1,
        column=column,
        row=row,
        hint="write the character itself, or both halves of the pair (\\ud83d\\ude00)",
    )


def _json_number(text: str) -> int | Decimal:
    """Read a JSON integer; one too long for Python's ``int`` stays exact as a Decimal."""
    return int(text) if len(text) <= 4_000 else Decimal(text)


def _no_constant(text: str) -> object:
    raise ValueError(f"{text} is not a JSON value")


def _too_deep_problem(
    error: jsontext.TooDeep,
    text: str,
    depth: int,
    *,
    file: str | None,
    line: int = 1,
    row: int | None = None,
) -> Problem:
    """Return the problem of JSON ``text`` (starting on ``line``) nested over ``depth`` deep."""
    text_line, column = error.line_column(text)
    return Problem(
        f"a value nests lists and objects more than {depth} deep, from {error.excerpt!r}",
        file=file,
        line=line + text_line - 1,
        column=column,
        row=row,
        hint=jsontext.depth_hint(depth),
    )


def json_records(
    text: str, name: str, kind: Literal["json", "jsonl"]
) -> Iterator[tuple[int, object]]:
    """Yield the ``(row, record)`` pairs of JSON text: an array of objects, or one per line.

    Standard JSON only: ``NaN`` and ``Infinity`` are invalid, as JSON says. A value may nest
    lists and objects ``data_nesting_depth`` deep (:mod:`criteriakit.limits`), not counting
    the array and the record around it.
    """

    def parse(piece: str, line: int, row: int | None) -> object:
        depth = limits.current().data_nesting_depth
        try:
            value = jsontext.loads(
                piece,
                depth + (2 if row is None else 1),  # the array and the record, or the record
                parse_int=_json_number,
                parse_constant=_no_constant,
            )
        except jsontext.TooDeep as error:
            problem = _too_deep_problem(error, piece, depth, file=name, line=line, row=row)
        except json.JSONDecodeError as error:
            problem = Problem(
                f"invalid JSON: {error.msg}",
                file=name,
                line=line + error.lineno - 1,
                column=error.colno,
                row=row,
            )
        except ValueError as error:
            problem = Problem(f"invalid JSON: {error}", file=name, line=line, row=row)
        else:
            # only an escape makes one: decoded UTF-8 holds none
            if "\\u" not in piece or not _holds_surrogate(value):
                return value
            problem = _surrogate_problem(piece, file=name, line=line, row=row)
        raise DataError([problem], source=name)

    if kind == "json":
        document = parse(text, 1, None)
        if not isinstance(document, list):
            hint = '[{"id": "c1", ...}, ...]'
            problem = Problem(
                "expected a JSON array of objects, one per unit", file=name, hint=hint
            )
            raise DataError([problem], source=name)
        yield from enumerate(document, start=1)
        return
    row = 0
    for line_number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            row += 1
            yield row, parse(line, line_number, row)


def cell_records(
    header: Sequence[str], rows: Iterable[Sequence[str | None]]
) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """Yield CSV rows (cells aligned with ``header``) as records, empty cells left out."""
    for row, cells in enumerate(rows, start=1):
        yield (
            row,
            {name: cell for name, cell in zip(header, cells, strict=True) if cell is not None},
        )


def typed_frame(source: DataSource) -> pl.DataFrame:
    """Read a Parquet or Excel source as a Polars frame (needs the ``polars`` extra)."""
    from criteriakit.data.typed_files import read_typed  # noqa: PLC0415  Polars only when needed

    return read_typed(source)


def read_level(
    source: DataSource, *, id_column: str = "id", parent_column: str = "parent"
) -> LevelData:
    """Read one level's data, every row kept (see :class:`UnitRow`)."""
    if source.format == "csv":
        table = read_csv_text(source.read_text(), source.name)
        return level_from_records(
            cell_records(table.header, table.rows),
            source=source.name,
            id_column=id_column,
            parent_column=parent_column,
            columns=table.header,
        )
    if source.format in {"json", "jsonl"}:
        records = json_records(source.read_text(), source.name, source.format)
        return level_from_records(
            records, source=source.name, id_column=id_column, parent_column=parent_column
        )
    frame = typed_frame(source)
    return level_from_records(
        records_of(source, frame),
        source=source.name,
        id_column=id_column,
        parent_column=parent_column,
        columns=tuple(frame.columns),
    )


def read_units(
    path: str | os.PathLike[str],
    *,
    id_column: str = "id",
    parent_column: str = "parent",
    data_format: DataFormat | None = None,
) -> LevelData:
    """Read a data file (``-`` for standard input) as one level's rows."""
    source = open_source(path, data_format)
    return read_level(source, id_column=id_column, parent_column=parent_column)


def records_of(
    source: DataSource, frame: pl.DataFrame | None = None
) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """Yield a source's rows as ``(row, record)`` pairs, nulls left out (they are missing).

    ``frame`` is the source already read as a typed frame (Parquet, Excel), if it was.
    """
    if source.format == "csv":
        table = read_csv_text(source.read_text(), source.name)
        yield from cell_records(table.header, table.rows)
        return
    if source.format in {"json", "jsonl"}:
        for row, record in json_records(source.read_text(), source.name, source.format):
            if not isinstance(record, Mapping):
                problem = Problem(_NOT_AN_OBJECT, file=source.name, row=row)
                raise DataError([problem], source=source.name)
            yield row, record
        return
    typed = frame if frame is not None else typed_frame(source)
    for row, record in enumerate(typed.iter_rows(named=True), start=1):
        yield row, {k: v for k, v in record.items() if v is not None}
