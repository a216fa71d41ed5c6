"""Where a level's data comes from: a file or standard input, and its format.

:func:`open_source` checks that a path can be read and tells its format, from the suffix or,
for standard input, from its first bytes; a :class:`DataSource` reads its bytes or text within
the ``data_bytes`` limit. Reading rows from it is :mod:`.records`' job (and, for Parquet and
Excel, :mod:`criteriakit.data.typed_files`').
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import BinaryIO, Literal

import attrs

from criteriakit import limits
from criteriakit._files import UnreadableFile, decode_text, read_bytes_capped
from criteriakit.errors import DataError, Problem

__all__ = ["MAX_DATA_BYTES", "STDIN", "DataFormat", "DataSource", "open_source"]

MAX_DATA_BYTES = limits.DEFAULTS.data_bytes
"""Text data files larger than this are refused by default (512 MiB; the ``data_bytes`` limit of
:mod:`criteriakit.limits`); larger populations go to Parquet."""

STDIN = "-"
"""The data path that means standard input."""

DataFormat = Literal["csv", "json", "jsonl", "parquet", "xlsx"]
_SUFFIXES: dict[str, DataFormat] = {
    ".csv": "csv",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
    ".xlsx": "xlsx",
}
_FORMAT_HINT = "use .csv, .json, .jsonl, .parquet or .xlsx, or give the format (--data-format)"


@attrs.frozen
class DataSource:
    """Where one level's data comes from: a file or standard input, and its format.

    ``name`` is how problems name it (the path as given, or ``<stdin>``); ``content`` holds
    standard input's bytes, read once; ``path`` is the file otherwise.
    """

    name: str
    format: DataFormat
    path: Path | None = None
    content: bytes | None = attrs.field(default=None, repr=False)

    def read_bytes(self) -> bytes:
        """Return the whole content, refusing more than the ``data_bytes`` limit."""
        if self.content is not None:
            return self.content
        assert self.path is not None  # noqa: S101  a source is a path or content
        try:
            return read_bytes_capped(self.path, limits.current().data_bytes, "data_bytes")
        except UnreadableFile as error:
            raise DataError([error.problem], source=self.name) from None

    def read_text(self) -> str:
        """Return the content as text (UTF-8, a BOM removed)."""
        try:
            return decode_text(self.read_bytes(), self.name)
        except UnreadableFile as error:
            raise DataError([error.problem], source=self.name) from None


def _sniffed_format(content: bytes) -> DataFormat:
    """Tell the format of standard input from its first bytes."""
    if content.startswith(b"PAR1"):
        return "parquet"
    if content.startswith(b"PK\x03\x04"):
        return "xlsx"
    start = content.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    return {b"[": "json", b"{": "jsonl"}.get(start, "csv")  # type: ignore[return-value]


def open_source(
    path: str | os.PathLike[str],
    data_format: DataFormat | None = None,
    *,
    stdin: BinaryIO | None = None,
) -> DataSource:
    """Check that ``path`` can be read and tell its format; ``-`` reads standard input.

    The format is ``data_format`` if given, else the file's suffix, else (standard input) its
    first bytes: ``PAR1`` Parquet, a zip Excel, ``[`` JSON, ``{`` JSON Lines, otherwise CSV.
    """
    if str(path) == STDIN:
        stream = stdin if stdin is not None else sys.stdin.buffer
        cap = limits.current().data_bytes
        content = stream.read(cap + 1)
        if len(content) > cap:
            problem = Problem(
                f"standard input holds more than the {cap:,} bytes allowed",
                file="<stdin>",
                hint="raise the data_bytes limit (--limit data_bytes=N)",
            )
            raise DataError([problem], source="<stdin>")
        return DataSource("<stdin>", data_format or _sniffed_format(content), content=content)
    file = Path(path)
    name = str(path)
    try:
        if file.is_dir():
            problem = Problem("cannot read the file: it is a directory", file=name)
            raise DataError([problem], source=name)
        with file.open("rb"):  # opened here so that no permission is told now, with its reason
            pass
    except OSError as error:
        message = f"cannot read the file: {error.strerror or error}"
        raise DataError([Problem(message, file=name)], source=name) from None
    if data_format is not None:
        return DataSource(name, data_format, path=file)
    found = _SUFFIXES.get(file.suffix.lower())
    if found is None:
        message = f"cannot tell the data format from the suffix {file.suffix!r}"
        raise DataError([Problem(message, file=name, hint=_FORMAT_HINT)], source=name)
    return DataSource(name, found, path=file)
