"""Reading unit data sets: CSV, JSON, JSON Lines, Parquet and Excel, one unit per row.

A data set is a file (or standard input, ``-``) whose rows are units: a unit id (column ``id``
by default), optionally the id of its parent, and one column per input. Every engine reads a
file the same way (see ``docs/data.md``):

- CSV cells are text (the delimiter, ``,`` ``;`` or tab, is told from the header line);
  JSON values keep their JSON type, and a JSON string is text; Parquet and Excel columns keep
  their types. How text and typed values become inputs is :mod:`criteriakit.compiling.inputs`' rule.
- A unit id is text or a whole number within 64 bits (``7`` and ``7.0`` are the unit
  ``"7"``); other values (``1.5``, ``true``, a list) are refused, and so are missing, empty and
  repeated ids.
- Files are size-capped and read without running anything they contain; a missing file, a
  directory or a file that cannot be read is a :class:`~criteriakit.DataError` naming it.

The package: :mod:`.sources` (where data comes from, and its format), :mod:`.records` (rows as
units), :mod:`.csv` (CSV text, in Python and as a Polars frame alike) and :mod:`.jsontext`
(JSON with a nesting cap); :mod:`.monthly` gathers monthly rows into a longer period's list
inputs.
"""

from __future__ import annotations

from criteriakit.data.records import (
    MAX_REPORTED_PROBLEMS,
    IdType,
    LevelData,
    SeenIds,
    UnitRow,
    cell_records,
    first_rows,
    json_records,
    read_level,
    read_units,
    records_of,
    row_problem,
    streamed_rows,
    typed_frame,
    unit_id,
)
from criteriakit.data.sources import MAX_DATA_BYTES, STDIN, DataFormat, DataSource, open_source

__all__ = [
    "MAX_DATA_BYTES",
    "MAX_REPORTED_PROBLEMS",
    "STDIN",
    "DataFormat",
    "DataSource",
    "IdType",
    "LevelData",
    "SeenIds",
    "UnitRow",
    "cell_records",
    "first_rows",
    "json_records",
    "open_source",
    "read_level",
    "read_units",
    "records_of",
    "row_problem",
    "streamed_rows",
    "typed_frame",
    "unit_id",
]
