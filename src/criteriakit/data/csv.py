r"""Reading CSV files the same way in both engines: the csv module is the reference.

The scalar engine reads CSV with Python's :mod:`csv` module, the columnar engine with Polars.
The two parsers disagree on files that are not plain RFC 4180 (blank lines, a bare carriage
return, a quote inside an unquoted cell, a quoted cell followed by more text…), so one of them
has to define what a file means. It is the csv module, with the ``excel`` dialect and a sniffed
delimiter (:func:`read_csv_text`), because it works without Polars and never refuses a file for
its quoting. :func:`read_csv_frame` is a fast path to the same result: it lets Polars parse only
files on which the two provably agree and falls back to the reference for every other file, so
both engines always see the same header, rows and cells, and the same errors.

What the reference makes of a file:

* the first record is the header; a blank first line means the file has no header;
* blank lines are skipped (they are not rows, and do not count as rows);
* a line ends at ``\n``, ``\r\n`` **or a bare** ``\r``, as in files opened with
  ``newline=""``: a carriage return outside quotes that is not followed by ``\n`` ends the
  record (and counts as a line for line numbers); inside quotes it is kept in the cell;
* quoting is lenient (``strict=False``): ``a"b`` is the cell ``a"b``, ``"a"b`` is ``ab``, and a
  quote left open runs to the end of the file;
* every cell is text. An empty cell (``,,`` or ``""``) and a cell missing at the end of a short
  row are both *missing* and read as ``None`` (null in a frame); the two cannot be told apart
  reliably (the csv module reads ``""`` and nothing alike), and the data readers treat empty
  text as missing anyway;
* a row with more cells than the header has columns is an error, as is a header that repeats a
  column name;
* cells of any length are read: :func:`csv.field_size_limit` is raised while a file is parsed
  and restored afterwards.
"""

from __future__ import annotations

import codecs
import collections
import contextlib
import csv
import os
import re
import sys
import threading
from collections.abc import Callable, Generator, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import attrs

from criteriakit._files import UnreadableFile, read_text_capped
from criteriakit.errors import DataError, Problem

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "DELIMITERS",
    "CsvTable",
    "csv_file_rows",
    "read_csv_file",
    "read_csv_frame",
    "read_csv_text",
    "sniff_delimiter",
]

DELIMITERS = (",", ";", "\t")
"""The delimiters :func:`sniff_delimiter` chooses from; the first one is the default."""

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
r"""One line with its ending: lines end at ``\r\n``, ``\r`` or ``\n``, as with ``newline=""``."""

_BYTE_LINE = re.compile(rb"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
""":data:`_LINE` for bytes."""

_BOM = b"\xef\xbb\xbf"

_PIECE_BYTES = 256 * 2**20
"""The fast path checks a file's shape in pieces of about this size: one Polars string each,
well under the 4 GiB a string can hold."""

_BATCH_ROWS = 65_536
"""The fallback turns this many rows at a time into columns, to bound the Python objects alive."""

_MAX_FIELD_LIMIT = 2**31 - 1
"""The largest limit :func:`csv.field_size_limit` takes on every platform (a C ``long``)."""

_LIMIT_LOCK = threading.RLock()
"""Held while the csv module's process-wide field size limit is raised and relied upon."""


@attrs.frozen
class CsvTable:
    r"""A CSV file as the reference reads it: header, rows and where each row starts.

    ``rows`` has one tuple per record (blank lines are not records), aligned with ``header``:
    ``None`` where a cell is empty or missing at the end of a short row. ``lines`` gives the
    1-based line on which each record starts, counting lines as the csv module does (``\n``,
    ``\r\n`` and a bare ``\r`` each end one), for pointing problems at the file.
    """

    header: tuple[str, ...]
    rows: tuple[tuple[str | None, ...], ...]
    lines: tuple[int, ...]


@contextlib.contextmanager
def _field_limit(size: int) -> Iterator[None]:
    """Let the csv module read cells of up to ``size`` characters, then restore its limit.

    The limit is process-wide, so it is changed under a lock that every parse in this module
    holds: none of them can restore the limit while another relies on it being raised.
    """
    with _LIMIT_LOCK:
        old = csv.field_size_limit()
        wanted = min(max(size, 1), _MAX_FIELD_LIMIT)
        if old >= wanted:
            yield
            return
        csv.field_size_limit(wanted)
        try:
            yield
        finally:
            csv.field_size_limit(old)


def _text_lines(text: str) -> Iterator[str]:
    """Yield the lines of ``text`` lazily, endings kept, exactly as ``StringIO(newline="")``.

    Unlike :class:`io.StringIO`, this holds no second copy of the text (StringIO keeps four
    bytes per character in universal-newline mode).
    """
    return (match.group() for match in _LINE.finditer(text))


def _byte_lines(data: bytes) -> Iterator[str]:
    """Yield the lines of UTF-8 ``data`` lazily, decoded, as :func:`_text_lines` would."""
    return (match.group().decode("utf-8") for match in _BYTE_LINE.finditer(data))


def _check_delimiter(delimiter: str) -> None:
    """Refuse a delimiter the csv module cannot use together with ``"`` as the quote."""
    if len(delimiter) != 1 or delimiter in '"\r\n':
        raise ValueError(
            f"the delimiter must be one character, not a quote or line break: {delimiter!r}"
        )


def _first_record(lines: Iterable[str], delimiter: str) -> list[str]:
    """Return the first record of ``lines`` as the csv module reads it (``[]`` for none)."""
    try:
        return next(csv.reader(lines, delimiter=delimiter), [])
    except csv.Error:
        return []


def _sniff(lines: Callable[[], Iterator[str]]) -> str:
    """Choose among :data:`DELIMITERS` by the number of cells of the first record."""
    counts = {delimiter: len(_first_record(lines(), delimiter)) for delimiter in DELIMITERS}
    most = max(counts.values())
    winners = [delimiter for delimiter, count in counts.items() if count == most]
    return winners[0] if len(winners) == 1 else DELIMITERS[0]


def sniff_delimiter(text: str) -> str:
    """Return the delimiter of CSV ``text``: ``,``, ``;`` or a tab.

    The rule reads only the header (the first record): it is parsed with the csv module once
    per candidate, quotes respected, and the candidate that splits it into the most cells wins.
    A tie, and a header no candidate splits, give ``,`` — so a one-column file, or a header
    ``"a;b",c`` whose ``;`` sits inside quotes, reads as comma-separated. The first record is
    the same one the reader sees, so a quoted header cell may span lines. Only that record is
    read (all of the text only if a quote in it never closes), and the csv module's lenient
    quoting counts: ``"a,b";"c,d"`` is two cells either way (``a,b;"c`` and ``d"`` split on the
    comma), a tie, so ``,``.
    """
    with _field_limit(len(text) + 1):
        return _sniff(lambda: _text_lines(text))


def _invalid(error: csv.Error, name: str, line: int) -> DataError:
    return DataError([Problem(f"invalid CSV: {error}", file=name, line=line)])


class _Reader(Protocol):
    """What this module uses of a :func:`csv.reader`: its records and its line count."""

    line_num: int

    def __iter__(self) -> Iterator[list[str]]: ...  # pragma: no cover - a protocol
    def __next__(self) -> list[str]: ...  # pragma: no cover - a protocol


def _read_header(reader: _Reader, name: str) -> tuple[str, ...]:
    """Read the header record; refuse a missing one and one that repeats a column."""
    try:
        header = next(reader, [])
    except csv.Error as error:
        raise _invalid(error, name, reader.line_num) from None
    if not header:
        raise DataError(
            [
                Problem(
                    "the CSV file has no header row",
                    file=name,
                    hint="the first row names the columns: id,...",
                )
            ]
        )
    counts = collections.Counter(header)
    repeated = sorted(field for field, count in counts.items() if count > 1)
    if repeated:
        raise DataError(
            [Problem(f"the header repeats the column {repeated[0]!r}", file=name, line=1)]
        )
    return tuple(header)


def _records(
    lines: Iterator[str], name: str, delimiter: str
) -> tuple[tuple[str, ...], Iterator[tuple[int, list[str]]]]:
    """Return the header and a lazy iterator of ``(start line, cells)``, one per record.

    This is the reference reader: both :func:`read_csv_text` and the fallback of
    :func:`read_csv_frame` go through it. Call it, and consume the records, within
    :func:`_field_limit`. Cells are the csv module's strings; a row may be short.
    """
    reader = csv.reader(lines, delimiter=delimiter)
    header = _read_header(reader, name)
    return header, _body(reader, len(header), name)


def _body(reader: _Reader, width: int, name: str) -> Iterator[tuple[int, list[str]]]:
    """Yield the records after the header; blank lines skipped, long rows refused."""
    ended = reader.line_num  # the line the previous record ended on: the next starts after it
    row = 0
    try:
        for record in reader:
            start, ended = ended + 1, reader.line_num
            if not record:
                continue
            row += 1
            if len(record) > width:
                raise DataError(
                    [
                        Problem(
                            "the row has more cells than the header has columns",
                            file=name,
                            row=row,
                            line=start,
                        )
                    ]
                )
            yield start, record
    except csv.Error as error:
        raise _invalid(error, name, reader.line_num) from None


def _row(record: list[str], width: int) -> tuple[str | None, ...]:
    """Return one record's cells, aligned with the header: ``None`` where empty or missing."""
    cells: list[str | None] = [cell or None for cell in record]
    if len(cells) < width:
        cells.extend([None] * (width - len(cells)))
    return tuple(cells)


def _chosen(delimiter: str | None, lines: Callable[[], Iterator[str]]) -> str:
    """Return the given delimiter once checked, or the sniffed one (call within the limit)."""
    if delimiter is None:
        return _sniff(lines)
    _check_delimiter(delimiter)
    return delimiter


def read_csv_text(text: str, name: str, delimiter: str | None = None) -> CsvTable:
    """Read CSV ``text`` (decoded, BOM removed) with the csv module: the reference reader.

    ``name`` is the file named in problems; ``delimiter`` defaults to the sniffed one (see
    :func:`sniff_delimiter`). The module docstring says what the reader makes of a file. Raise
    :class:`DataError` when the file has no header row, the header repeats a column, a row has
    more cells than the header has columns, or the csv module refuses the text; each problem
    names the file and the line (and the row, for a row's problem).
    """
    with _field_limit(len(text) + 1):
        chosen = _chosen(delimiter, lambda: _text_lines(text))
        header, records = _records(_text_lines(text), name, chosen)
        width = len(header)
        rows: list[tuple[str | None, ...]] = []
        lines: list[int] = []
        for line, record in records:
            lines.append(line)
            rows.append(_row(record, width))
    return CsvTable(header, tuple(rows), tuple(lines))


def _read_text(file: Path, name: str, max_bytes: int | None) -> str:
    """Return the file's text as :func:`read_text_capped` reads it; its problems as DataError."""
    try:
        return read_text_capped(file, sys.maxsize if max_bytes is None else max_bytes)
    except UnreadableFile as error:
        raise DataError([attrs.evolve(error.problem, file=name)], source=name) from None


def read_csv_file(
    path: str | os.PathLike[str],
    name: str,
    delimiter: str | None = None,
    max_bytes: int | None = None,
) -> CsvTable:
    """Read a CSV file with the reference reader, :func:`read_csv_text`.

    The file is read as :func:`~criteriakit._files.read_text_capped` reads data files: UTF-8,
    a BOM removed, refused over ``max_bytes`` (no cap when ``None``). Its problems (too large,
    unreadable, not valid UTF-8 with the line) are raised as :class:`DataError` naming ``name``.
    """
    return read_csv_text(_read_text(Path(path), name, max_bytes), name, delimiter)


_UTF8_CHUNK = 2**20
"""Bytes decoded at a time when a streamed file's UTF-8 is checked."""


def _check_utf8(file: Path, name: str) -> None:
    """Refuse a file that is not valid UTF-8, naming the line as :func:`decode_text` does.

    Decoded a chunk at a time, so that memory stays that of one chunk.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    lines = 0
    with file.open("rb") as stream:
        while True:
            chunk = stream.read(_UTF8_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                line = lines + chunk.count(b"\n", 0, max(0, error.start)) + 1
                problem = Problem(
                    "the file is not valid UTF-8", file=name, line=line, hint="save it as UTF-8"
                )
                raise DataError([problem], source=name) from None
            if not chunk:
                return
            lines += chunk.count(b"\n")


def _file_lines(file: Path) -> Generator[str, None, None]:
    """Yield the lines of a UTF-8 file lazily (a BOM removed), as :func:`_text_lines` would."""
    with file.open(encoding="utf-8-sig", newline="") as stream:
        yield from stream


@contextlib.contextmanager
def csv_file_rows(
    path: str | os.PathLike[str], name: str, max_bytes: int
) -> Iterator[tuple[tuple[str, ...], Iterator[tuple[int, tuple[str | None, ...]]]]]:
    """Read a CSV file lazily, from disk, as :func:`read_csv_file` reads it: header and rows.

    Yields the header and an iterator of ``(row's first line, cells)``, read as it is
    consumed, so that memory does not grow with the file; consume it inside the ``with``
    block. The file is refused over ``max_bytes`` and checked to be UTF-8 first; every
    problem is the :class:`DataError` :func:`read_csv_file` raises for it.
    """
    file = Path(path)
    try:
        size = file.stat().st_size
    except OSError:
        size = 0  # the reader says why it cannot be read
    if size > max_bytes or size == 0:
        _read_text(file, name, max_bytes)  # raises the reference's problem (or reads nothing)
    else:
        _check_utf8(file, name)
    with _field_limit(size + 1):
        chosen = _chosen(None, lambda: _file_lines(file))
        lines = _file_lines(file)
        try:
            header, records = _records(lines, name, chosen)
            width = len(header)
            yield header, ((line, _row(record, width)) for line, record in records)
        finally:
            lines.close()


def read_csv_frame(
    path: str | os.PathLike[str],
    name: str,
    delimiter: str | None = None,
    max_bytes: int | None = None,
) -> pl.DataFrame:
    """Read a CSV file into a Polars frame that holds exactly what :func:`read_csv_file` reads.

    The frame has one ``pl.String`` column per header name, in order, and one row per record;
    empty and missing cells are null. Polars parses the file only when it provably reads it as
    the csv module does (see :func:`_fast_frame`); any other file, and any file Polars fails
    on, is read by the reference and the frame built from its rows. So the result, and every
    error (a :class:`DataError`, the same as :func:`read_csv_file` raises), are the
    reference's; no Polars exception escapes. ``max_bytes`` refuses larger files as
    :func:`read_csv_file` does.
    """
    if delimiter is not None:
        _check_delimiter(delimiter)
    file = Path(path)
    data = _fast_bytes(file, max_bytes)
    if data is not None:
        frame = _fast_frame(data, delimiter)
        if frame is not None:
            return frame
    return _reference_frame(_read_text(file, name, max_bytes), name, delimiter)


def _fast_bytes(file: Path, max_bytes: int | None) -> bytes | None:
    """Return the file's bytes, or ``None`` when the reference must read (and refuse) it."""
    try:
        if max_bytes is not None and file.stat().st_size > max_bytes:
            return None
        data = file.read_bytes()
    except OSError:
        return None
    return data if max_bytes is None or len(data) <= max_bytes else None


def _one_line_break_at_end(data: bytes) -> bytes:
    r"""Return ``data`` ending in exactly one line break, as the fast path hands it to Polars.

    Breaks after the last one only make blank lines, which the csv module skips, so they are
    cut; a final record without a break is given one, because Polars drops a trailing empty
    cell there (``1,2,`` at the very end reads as two cells, not as a row too long). Both are
    safe only if the file ends outside quotes, which :func:`_plain` checks afterwards. Most
    files end in one ``\n`` or ``\r\n`` and are returned as they are, without a copy.
    """
    if data.endswith((b"\r", b"\n\n", b"\n\r\n", b"\r\r\n")):
        data = data.rstrip(b"\r\n")
    return data if data.endswith(b"\n") else data + b"\n"


def _fast_delimiter(delimiter: str) -> bool:
    """Return whether Polars can split on ``delimiter``: one ASCII byte, not NUL."""
    return delimiter.isascii() and delimiter != "\x00"


def _fast_frame(data: bytes, delimiter: str | None) -> pl.DataFrame | None:
    r"""Parse ``data`` with Polars if it provably reads as the reference; else return ``None``.

    Each guard is cheap (C or Rust speed, linear in the file) and stands for a way the two
    parsers were seen, or could be expected, to differ:

    * one UTF-8 BOM is dropped, as :func:`read_text_capped` does; a second one goes to the
      reference, because Polars would drop it too while the csv module keeps it in the header;
    * an empty file goes to the reference, which reports the missing header;
    * the delimiter is sniffed from the same first record the reference sniffs, and must be
      one ASCII byte other than NUL for Polars to split on it;
    * the header, parsed by the csv module, must not repeat a column (Polars would rename it);
    * the end gets exactly one line break (:func:`_one_line_break_at_end`): blank lines at the
      end are cut, and Polars is never handed a last record without a break, where it drops
      a trailing empty cell instead of failing on the too long row;
    * :func:`_plain`: the file is valid UTF-8 and has the shape on which both parsers agree,
      RFC 4180 without blank lines (Polars reads them as rows of nulls), bare ``\r`` (Polars
      keeps it in the cell; the csv module ends the record) or NUL (Python 3.10 refuses it);
    * Polars must succeed, with ``truncate_ragged_lines=False`` so that a row longer than the
      header fails as in the reference, and give the header's number of string columns.

    The columns are then named from the csv module's header, and every ``""`` made null.
    """
    import polars as pl  # noqa: PLC0415  only the columnar engine needs Polars

    data = data.removeprefix(_BOM)
    if not data or data.startswith(_BOM):  # Polars would drop a second BOM, the csv module not
        return None
    try:
        with _field_limit(len(data) + 1):
            chosen = _chosen(delimiter, lambda: _byte_lines(data))
            data = _one_line_break_at_end(data)
            header = _first_record(_byte_lines(data), chosen)
    except UnicodeDecodeError:
        return None
    if not _fast_delimiter(chosen) or not header or len(set(header)) != len(header):
        return None
    frame = _polars_read(data, chosen) if _plain(data, chosen) else None
    if frame is None or frame.width != len(header) or set(frame.dtypes) - {pl.String}:
        return None
    frame.columns = list(header)
    return _nullify(frame)


def _polars_read(data: bytes, delimiter: str) -> pl.DataFrame | None:
    """Return Polars' reading of plain CSV ``data`` with every cell as text, or ``None``."""
    import polars as pl  # noqa: PLC0415  only the columnar engine needs Polars

    try:
        return pl.read_csv(
            data,
            has_header=True,
            separator=delimiter,
            quote_char='"',
            comment_prefix=None,
            null_values=None,
            infer_schema=False,
            truncate_ragged_lines=False,
            eol_char="\n",
            encoding="utf8",
        )
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException):
        return None


def _shape(delimiter: str) -> str:
    r"""Return the regular expression (Rust syntax) of a file both parsers read alike.

    A file is records, each ended by ``\n`` or ``\r\n`` (the last one may be unended); a
    record is cells split by the delimiter and is not empty (no blank lines). A cell is either
    quoted — ``"``, then anything but a lone ``"`` (``""`` is a quote), then ``"`` — or plain:
    no quote, delimiter, ``\r``, ``\n``. NUL appears nowhere (Python before 3.11 refuses it).
    On such a file, the csv module and Polars agree cell by cell; quotes may still hold line
    breaks, delimiters and carriage returns.
    """
    separator = f"\\x{{{ord(delimiter):X}}}"
    quoted = '"(?:[^"\\x00]|"")*"'
    plain = f'[^"{separator}\\r\\n\\x00]'
    cell = f"(?:{quoted}|{plain}*)"
    filled = f"(?:{quoted}|{plain}+)"
    record = f"(?:{filled}(?:{separator}{cell})*|(?:{separator}{cell})+)"
    return f"\\A(?:{record}\\r?\\n)*(?:{record})?\\z"


def _pieces(data: bytes, size: int) -> list[bytes]:
    """Cut ``data`` after line breaks into pieces of about ``size`` bytes, for :func:`_plain`.

    A cut is made only where an even number of quotes precede it (outside quotes, in a plain
    file), so that each piece of a plain file is plain. The converse holds wherever the cuts
    fall: pieces that each end a record and are each plain make a plain file.
    """
    pieces: list[bytes] = []
    start = 0
    while len(data) - start > size:
        cut = data.find(b"\n", start + size)
        quotes = data.count(b'"', start, cut) if cut != -1 else 0
        while cut != -1 and quotes % 2:
            following = data.find(b"\n", cut + 1)
            quotes += data.count(b'"', cut, following) if following != -1 else 0
            cut = following
        if cut == -1:
            break
        pieces.append(data[start : cut + 1])
        start = cut + 1
    pieces.append(data[start:] if start else data)
    return pieces


def _plain(data: bytes, delimiter: str) -> bool:
    """Return whether ``data`` is valid UTF-8 and has the :func:`_shape` both parsers share.

    Polars does the work: casting the bytes to text checks UTF-8, and its (Rust) regular
    expression engine matches the shape in linear time, far faster than Python's.
    """
    import polars as pl  # noqa: PLC0415  only the columnar engine needs Polars

    try:
        texts = pl.Series(values=_pieces(data, _PIECE_BYTES), dtype=pl.Binary).cast(pl.String)
        matched = texts.str.contains(_shape(delimiter)).to_list()
    except (pl.exceptions.PolarsError, pl.exceptions.PanicException):
        return False
    return all(value is True for value in matched)


def _nullify(frame: pl.DataFrame) -> pl.DataFrame:
    """Return ``frame`` with every empty cell null: the reference reads both as missing."""
    import polars as pl  # noqa: PLC0415  only the columnar engine needs Polars

    return frame.select(pl.when(pl.all() != "").then(pl.all()))


def _reference_frame(text: str, name: str, delimiter: str | None) -> pl.DataFrame:
    """Read ``text`` with the reference reader and return its rows as a frame.

    The rows become columns a batch at a time (:data:`_BATCH_ROWS`), so that a large file
    never holds all its cells as Python strings at once.
    """
    import polars as pl  # noqa: PLC0415  only the columnar engine needs Polars

    with _field_limit(len(text) + 1):
        chosen = _chosen(delimiter, lambda: _text_lines(text))
        header, records = _records(_text_lines(text), name, chosen)
        batches: list[pl.DataFrame] = []
        batch: list[list[str]] = []
        for _, record in records:
            batch.append(record)
            if len(batch) == _BATCH_ROWS:
                batches.append(_batch_frame(header, batch))
                batch = []
        batches.append(_batch_frame(header, batch))
    return _nullify(pl.concat(batches, rechunk=True))


def _batch_frame(header: tuple[str, ...], batch: list[list[str]]) -> pl.DataFrame:
    """Return records (possibly short) as a frame of string columns; missing cells null."""
    import polars as pl  # noqa: PLC0415  only the columnar engine needs Polars

    width = len(header)
    for record in batch:
        if len(record) < width:
            record.extend([""] * (width - len(record)))
    columns: Iterable[tuple[str, ...]] = zip(*batch, strict=True) if batch else [()] * width
    frame = pl.DataFrame([pl.Series(values=values, dtype=pl.String) for values in columns])
    frame.columns = list(header)  # set here: Polars names a Series called "" column_0
    return frame
