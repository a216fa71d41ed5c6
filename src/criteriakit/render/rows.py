r"""Result tables as CSV and JSON Lines, byte-identical to Polars, in pure Python.

A result table written from a Polars DataFrame goes through ``write_csv()`` and
``write_ndjson()``; a core install has no Polars, so the same table built in pure Python
is written here, and both paths must produce the same bytes. The rules below are what
Polars does with its defaults (checked by ``tests/test_render_rows.py``):

- CSV: a header, ``,`` between fields, ``\n`` after every line; a field (or column name)
  is quoted only when it is an empty string or contains ``,``, ``"``, ``\n`` or ``\r``,
  with ``"`` doubled inside; a null is an empty field; booleans are ``true``/``false``.
- JSON Lines: one object per row, keys in column order, no spaces; strings escape only
  ``"``, ``\`` and control characters (``\b \t \n \f \r``, otherwise ``\u00XX``),
  non-ASCII text is written as is; null, NaN and infinities are ``null``.
- Floats: the shortest text that reads back as the same float (like ``repr``), in fixed
  notation for decimal exponents -5 to 15 and otherwise as ``1.5e+20`` or ``1e-9``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from json.encoder import encode_basestring
from typing import Any, Literal

__all__ = [
    "ColumnType",
    "csv_lines",
    "format_float",
    "jsonl_lines",
    "write_csv_text",
    "write_jsonl_text",
]

ColumnType = Literal["string", "integer", "float", "bool", "strings"]
"""A column's type: Polars String, Int64, Float64, Boolean, and List(String) for "strings"."""

_Format = Callable[[Any], str]

_NON_FINITE_CSV = {"nan": "NaN", "inf": "inf", "-inf": "-inf"}
_NON_FINITE_JSON = frozenset(_NON_FINITE_CSV.values())


def format_float(value: float) -> str:
    """Return ``value`` as Polars writes a Float64 in CSV (NDJSON writes non-finite as null).

    Python's ``repr`` already gives the shortest digits that read back as the same float;
    Polars places the switch to scientific notation one decade lower (``0.00001`` where
    ``repr`` gives ``1e-05``), writes the exponent without padding (``1e-9``, ``1e+16``)
    and spells NaN ``NaN``.
    """
    text = repr(float(value))
    if "e" not in text:
        return _NON_FINITE_CSV.get(text, text)
    mantissa, _, exponent_text = text.partition("e")
    exponent = int(exponent_text)
    if exponent == -5:
        sign = "-" if mantissa[0] == "-" else ""
        return f"{sign}0.0000{mantissa.lstrip('-').replace('.', '')}"
    return f"{mantissa}e{'+' if exponent > 0 else '-'}{abs(exponent)}"


def _csv_field(text: str) -> str:
    """Quote ``text`` as a CSV field exactly where Polars does: empty, or holding , " CR LF."""
    if '"' in text:
        return '"' + text.replace('"', '""') + '"'
    if "," in text or "\n" in text or "\r" in text or not text:
        return '"' + text + '"'
    return text


def _csv_string(value: Any) -> str:
    return "" if value is None else _csv_field(value)


def _csv_integer(value: Any) -> str:
    return "" if value is None else str(value)


def _csv_float(value: Any) -> str:
    return "" if value is None else format_float(value)


def _csv_bool(value: Any) -> str:
    return "" if value is None else ("true" if value else "false")


def _json_string(value: Any) -> str:
    return "null" if value is None else encode_basestring(value)


def _json_integer(value: Any) -> str:
    return "null" if value is None else str(value)


def _json_float(value: Any) -> str:
    if value is None:
        return "null"
    text = format_float(value)
    return "null" if text in _NON_FINITE_JSON else text


def _json_bool(value: Any) -> str:
    return "null" if value is None else ("true" if value else "false")


def _json_strings(value: Any) -> str:
    if value is None:
        return "null"
    return (
        "["
        + ",".join(["null" if item is None else encode_basestring(item) for item in value])
        + "]"
    )


_CSV_FORMATS: dict[str, _Format] = {
    "string": _csv_string,
    "integer": _csv_integer,
    "float": _csv_float,
    "bool": _csv_bool,
}

_JSON_FORMATS: dict[str, _Format] = {
    "string": _json_string,
    "integer": _json_integer,
    "float": _json_float,
    "bool": _json_bool,
    "strings": _json_strings,
}


def _formats(
    table: dict[str, _Format], columns: Sequence[tuple[str, ColumnType]], output: str
) -> list[_Format]:
    """Pick each column's formatter once, so the rows cost one call per cell and no lookups."""
    formats = []
    for name, column_type in columns:
        if column_type not in table:
            hint = (
                ": join its lists into a 'string' column first" if column_type == "strings" else ""
            )
            raise ValueError(f"column {name!r} of type {column_type!r} has no {output} form{hint}")
        formats.append(table[column_type])
    return formats


def csv_lines(
    columns: Sequence[tuple[str, ColumnType]], rows: Iterable[Sequence[object]]
) -> Iterator[str]:
    """Yield the lines of :func:`write_csv_text`, each with its line break: header, then rows.

    Lazy, so that rows can be written as they are made (the scalar engine's streaming output).
    """
    formats = _formats(_CSV_FORMATS, columns, "CSV")
    yield ",".join(_csv_field(name) for name, _ in columns) + "\n"
    for row in rows:
        if not formats:
            raise ValueError("a table with no columns has no CSV form for its rows")
        yield ",".join([fmt(value) for fmt, value in zip(formats, row, strict=True)]) + "\n"


def write_csv_text(
    columns: Sequence[tuple[str, ColumnType]], rows: Iterable[Sequence[object]]
) -> str:
    """Return the table as CSV text equal to Polars' ``DataFrame.write_csv()``.

    ``rows`` hold one value per column, in column order; ``None`` is null. A "strings"
    column has no CSV form (Polars refuses nested data), so the caller joins the lists into
    a "string" column first; one given here raises ``ValueError``, as do rows with no
    columns (Polars cannot write them either) and rows of the wrong length.
    """
    return "".join(csv_lines(columns, rows))


def jsonl_lines(
    columns: Sequence[tuple[str, ColumnType]], rows: Iterable[Sequence[object]]
) -> Iterator[str]:
    """Yield the lines of :func:`write_jsonl_text`, one JSON object per row, lazily."""
    keys = [encode_basestring(name) + ":" for name, _ in columns]
    formats = _formats(_JSON_FORMATS, columns, "JSON Lines")
    fields = list(zip(keys, formats, strict=True))
    for row in rows:
        yield (
            "{"
            + ",".join([key + fmt(value) for (key, fmt), value in zip(fields, row, strict=True)])
            + "}\n"
        )


def write_jsonl_text(
    columns: Sequence[tuple[str, ColumnType]], rows: Iterable[Sequence[object]]
) -> str:
    """Return the table as JSON Lines equal to Polars' ``DataFrame.write_ndjson()``.

    One JSON object per row with the columns as keys in order; a table without rows is
    the empty string. ``rows`` hold one value per column (``None`` is null); a row of the
    wrong length raises ``ValueError``.
    """
    return "".join(jsonl_lines(columns, rows))
