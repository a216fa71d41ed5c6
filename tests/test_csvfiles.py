"""CSV reading: the csv module is the reference, and the Polars fast path reads exactly as it does."""

from __future__ import annotations

import concurrent.futures
import csv
import io
import random
import subprocess
import sys
from pathlib import Path
from unittest import mock

import polars as pl
import pytest
from hypothesis import event, example, given
from hypothesis import strategies as st

from criteriakit._files import UnreadableFile, read_text_capped
from criteriakit.data import csv as csvfiles
from criteriakit.data.csv import (
    CsvTable,
    read_csv_file,
    read_csv_frame,
    read_csv_text,
    sniff_delimiter,
)
from criteriakit.errors import DataError

NAME = "units.csv"
BOM = "\ufeff".encode()


# --- helpers -------------------------------------------------------------------------------


def frame_outcome(path, delimiter=None):
    """What read_csv_frame makes of a file: header and rows, or the error's text."""
    try:
        frame = read_csv_frame(path, NAME, delimiter)
    except DataError as error:
        return ("error", str(error))
    assert all(dtype == pl.String for dtype in frame.dtypes)
    return ("table", tuple(frame.columns), tuple(frame.rows()))


def reference_outcome(path, delimiter=None):
    """What the reference reader makes of a file: header and rows, or the error's text."""
    try:
        table = read_csv_file(path, NAME, delimiter)
    except DataError as error:
        return ("error", str(error))
    assert len(table.lines) == len(table.rows)
    assert all(len(row) == len(table.header) for row in table.rows)
    return ("table", table.header, table.rows)


def took_fast_path(data: bytes) -> bool:
    return csvfiles._fast_frame(data, None) is not None


def write(directory: Path, data: bytes) -> Path:
    path = directory / "data.csv"
    path.write_bytes(data)
    return path


def stdlib_reading(text, delimiter):
    """An independent reading of ``text`` with csv.reader over StringIO(newline=""), as today."""
    limit = csv.field_size_limit(2**31 - 1)
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header = next(reader, [])
        rows, lines, ended = [], [], reader.line_num
        for record in reader:
            start, ended = ended + 1, reader.line_num
            if record:
                rows.append(record)
                lines.append(start)
        return header, rows, lines
    finally:
        csv.field_size_limit(limit)


# --- strategies ----------------------------------------------------------------------------

# common pieces often, nasty ones now and then: non-ASCII, NUL, line separators csv ignores
COMMON = ["a", "1", " ", ",", ";", '"', "\t", "\r", "\n", "\r\n", '""', ","]
RARE = ["é", "\x00", "\u2028", "\x85", "\ufeff", "\x0b", "𝄞"]
ALPHABET = st.sampled_from(COMMON + COMMON + COMMON + RARE)

nasty_texts = st.lists(ALPHABET, max_size=40).map("".join)


@st.composite
def nasty_files(draw):
    """Random bytes over the nasty alphabet; sometimes a BOM, sometimes invalid UTF-8."""
    data = draw(nasty_texts).encode()
    if draw(st.integers(0, 9)) == 0:
        data = BOM + data
    if draw(st.integers(0, 14)) == 0:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.sampled_from([b"\xff", b"\xc3", b"\xe2\x80"])) + data[at:]
    return data


CELLS = st.lists(
    st.sampled_from(["a", "1", " ", ",", ";", '"', "\t", "\r", "\n", "é", "yes"]), max_size=4
).map("".join)


@st.composite
def written_files(draw):
    """Files csv.writer produces (RFC 4180 quoting), ragged rows and line endings varied."""
    delimiter = draw(st.sampled_from(csvfiles.DELIMITERS))
    width = draw(st.integers(1, 4))
    names = st.one_of(st.sampled_from(["id", "a", "b c", "é", ""]), CELLS)
    header = draw(st.lists(names, min_size=width, max_size=width, unique=True))
    rows = draw(st.lists(st.lists(CELLS, min_size=1, max_size=width), max_size=6))
    if rows and draw(st.integers(0, 4)) == 0:  # now and then a row too long
        draw(st.sampled_from(rows)).append(draw(CELLS))
    buffer = io.StringIO(newline="")
    writer = csv.writer(
        buffer,
        delimiter=delimiter,
        lineterminator=draw(st.sampled_from(["\n", "\r\n"])),
        quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
    )
    writer.writerow(header)
    writer.writerows(rows)
    text = buffer.getvalue()
    if draw(st.booleans()):
        text = text.rstrip("\r\n")
    text += draw(st.sampled_from(["", "", "\n", "\n\n", "\r\n\r\n", "\r"]))
    return text.encode()


@st.composite
def mutated_files(draw):
    """A written file with a nasty piece or two put in anywhere: near misses of the fast path."""
    data = draw(written_files())
    for _ in range(draw(st.integers(1, 2))):
        at = draw(st.integers(0, len(data)))
        piece = draw(st.sampled_from([*COMMON, *RARE, "\ufeff"])).encode()
        data = data[:at] + piece + data[at:]
    return data


# --- the property: both paths read every file alike ----------------------------------------


@given(st.one_of(nasty_files(), written_files(), mutated_files()))
@example(b"a,b\n1\r2,3\n")
@example(b'a,b\n"x"y,2\n')
@example(b'a,b\nx"y,2\n')
@example(b"a,b\n1,2\n\n3,4\n")
@example(b'a;"b,\nc"\n"d",";;;;"\n')
@example(b"a,b\n1,\x002\n")
@example(b'""\n,')  # Polars drops the last empty cell of a last line without a break
@example(b"\xef\xbb\xbf\xef\xbb\xbf\na")  # Polars drops a second BOM
def test_the_frame_reads_as_the_reference(tmp_path_factory, data):
    event("fast path" if took_fast_path(data) else "reference")
    path = write(tmp_path_factory.mktemp("csv"), data)
    assert frame_outcome(path) == reference_outcome(path)


def expected_problem(header, rows, lines):
    """The problem the reference must report for what csv.reader read, or None."""
    if not header:
        return ("the CSV file has no header row", None, None)
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        return (f"the header repeats the column {repeated[0]!r}", None, 1)
    for index, row in enumerate(rows):
        if len(row) > len(header):
            return ("the row has more cells than the header has columns", index + 1, lines[index])
    return None


@given(nasty_texts, st.sampled_from(csvfiles.DELIMITERS))
def test_the_reference_reads_as_the_csv_module(text, delimiter):
    try:
        header, rows, lines = stdlib_reading(text, delimiter)
    except csv.Error:  # NUL before Python 3.11
        with pytest.raises(DataError, match="invalid CSV"):
            read_csv_text(text, NAME, delimiter)
        return
    problem = expected_problem(header, rows, lines)
    if problem is not None:
        with pytest.raises(DataError) as caught:
            read_csv_text(text, NAME, delimiter)
        (found,) = caught.value.problems
        assert (found.message, found.row, found.line) == problem
        return
    table = read_csv_text(text, NAME, delimiter)
    assert table.header == tuple(header)
    assert table.lines == tuple(lines)
    width = len(header)
    assert table.rows == tuple(
        tuple(cell or None for cell in row) + (None,) * (width - len(row)) for row in rows
    )


@given(st.one_of(nasty_files(), written_files()), st.integers(1, 12))
def test_plainness_does_not_depend_on_the_pieces(data, size):
    pieces = csvfiles._pieces(data, size)
    assert b"".join(pieces) == data
    assert all(piece.endswith(b"\n") for piece in pieces[:-1])
    whole = csvfiles._plain(data, ",")
    with mock.patch.object(csvfiles, "_PIECE_BYTES", size):
        assert csvfiles._plain(data, ",") == whole


# --- sniffing ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id,name,score\n1,a,2\n", ","),
        ("id;name;score\n1;a;2\n", ";"),
        ("id\tname\tscore\n1\ta\t2\n", "\t"),
        ('"a,b";"c,d";e\n1;2;3\n', ";"),  # commas inside quotes do not count
        ('"a,b";"c,d"\n', ","),  # as the csv module reads it: 'a,b;"c' and 'd"', a tie
        ('"a;b",c\n', ","),
        ("id\n1\n", ","),  # one column: no candidate splits it
        ("a,b;c\n", ","),  # a tie goes to the comma
        ("a;b\tc\n", ","),
        ("", ","),
        ("\n", ","),  # a blank first record
        ('"a\nb";c\n', ";"),  # the first record may span lines
        ("a;b;c\n1,2,3,4,5\n", ";"),  # only the header counts
    ],
)
def test_sniff_delimiter(text, expected):
    assert sniff_delimiter(text) == expected


def test_sniffed_and_given_delimiters(tmp_path):
    path = write(tmp_path, b"a;b\n1;2\n")
    assert read_csv_file(path, NAME).rows == (("1", "2"),)
    assert read_csv_file(path, NAME, ",").header == ("a;b",)
    assert read_csv_file(path, NAME, ",").rows == (("1;2",),)
    assert frame_outcome(path, ",") == reference_outcome(path, ",")
    with pytest.raises(ValueError, match="the delimiter must be one character"):
        read_csv_frame(path, NAME, '"')
    with pytest.raises(ValueError, match="the delimiter must be one character"):
        read_csv_text("a\n", NAME, ";;")


# --- explicit cases ------------------------------------------------------------------------


def read_both(tmp_path, data):
    """Read ``data`` both ways, check they agree, and return the reference's table."""
    path = write(tmp_path, data)
    assert frame_outcome(path) == reference_outcome(path)
    return read_csv_file(path, NAME)


def test_a_clean_file_takes_the_fast_path(tmp_path):
    data = b'id,score,range\n1,yes,"[80, 95]"\n2,no,""\n3,,"say ""hi"""\n'
    assert took_fast_path(data)
    table = read_both(tmp_path, data)
    assert table.rows == (("1", "yes", "[80, 95]"), ("2", "no", None), ("3", None, 'say "hi"'))
    assert table.lines == (2, 3, 4)


def test_blank_lines_are_skipped(tmp_path):
    data = b"id,v\n\n1,a\n\r\n2,b\n\n\n"
    assert not took_fast_path(data)
    table = read_both(tmp_path, data)
    assert table.rows == (("1", "a"), ("2", "b"))
    assert table.lines == (3, 5)


def test_blank_lines_at_the_end_only_keep_the_fast_path(tmp_path):
    data = b"id,v\n1,a\n\n\r\n\n"
    assert took_fast_path(data)
    assert read_both(tmp_path, data).rows == (("1", "a"),)


def test_a_leading_blank_line_leaves_no_header(tmp_path):
    path = write(tmp_path, b"\nid,v\n1,a\n")
    assert frame_outcome(path) == reference_outcome(path)
    with pytest.raises(DataError, match="the CSV file has no header row"):
        read_csv_frame(path, NAME)


def test_a_bare_carriage_return_ends_the_record(tmp_path):
    data = b"id,v\n1,a\r2,b\n"
    assert not took_fast_path(data)
    table = read_both(tmp_path, data)
    assert table.rows == (("1", "a"), ("2", "b"))
    assert table.lines == (2, 3)  # the bare \r counts as a line break


def test_a_carriage_return_inside_quotes_is_kept(tmp_path):
    data = b'id,v\n1,"a\rb"\n2,"c\r\nd"\n'
    assert took_fast_path(data)
    assert read_both(tmp_path, data).rows == (("1", "a\rb"), ("2", "c\r\nd"))


def test_crlf(tmp_path):
    data = b"id,v\r\n1,a\r\n2,\r\n"
    assert took_fast_path(data)
    table = read_both(tmp_path, data)
    assert table.header == ("id", "v")
    assert table.rows == (("1", "a"), ("2", None))


def test_a_quote_inside_a_plain_cell_is_text(tmp_path):
    data = b'id,v\n1,a"b\n'
    assert not took_fast_path(data)
    assert read_both(tmp_path, data).rows == (("1", 'a"b'),)


def test_text_after_a_closing_quote_is_kept(tmp_path):
    data = b'id,v\n1,"a"b\n'
    assert not took_fast_path(data)
    assert read_both(tmp_path, data).rows == (("1", "ab"),)


def test_an_open_quote_runs_to_the_end(tmp_path):
    data = b'id,v\n1,"a\n2,b\n'
    assert not took_fast_path(data)
    assert read_both(tmp_path, data).rows == (("1", "a\n2,b\n"),)


def test_a_short_row_is_padded_with_missing_cells(tmp_path):
    data = b"id,v,w\n1\n2,b\n3,,\n"
    assert took_fast_path(data)
    assert read_both(tmp_path, data).rows == (
        ("1", None, None),
        ("2", "b", None),
        ("3", None, None),
    )


def test_a_long_row_is_an_error(tmp_path):
    path = write(tmp_path, b'id,v\n1,a\n2,"b\nc",d\n')
    assert frame_outcome(path) == reference_outcome(path)
    with pytest.raises(DataError) as caught:
        read_csv_frame(path, NAME)
    (problem,) = caught.value.problems
    assert problem.message == "the row has more cells than the header has columns"
    assert (problem.file, problem.row, problem.line) == (NAME, 2, 3)  # the line it starts on


def test_a_repeated_header_column_is_an_error(tmp_path):
    path = write(tmp_path, b"id,v,v\n1,2,3\n")
    assert frame_outcome(path) == reference_outcome(path)
    with pytest.raises(DataError, match="the header repeats the column 'v'") as caught:
        read_csv_frame(path, NAME)
    assert caught.value.problems[0].line == 1


def test_a_bom_is_not_part_of_the_header(tmp_path):
    data = BOM + b"id,v\n1,a\n"
    assert took_fast_path(data)
    table = read_both(tmp_path, data)
    assert table.header == ("id", "v")


def test_a_second_bom_stays_in_the_header(tmp_path):
    data = BOM + BOM + b"id,v\n1,a\n"
    assert not took_fast_path(data)
    assert read_both(tmp_path, data).header == ("\ufeffid", "v")


@pytest.mark.parametrize("data", [b"id,v\n1,2,", b"id,v\n1,2,\n", b"id\n,"])
def test_a_long_last_row_is_an_error(tmp_path, data):
    path = write(tmp_path, data)
    assert frame_outcome(path) == reference_outcome(path)
    with pytest.raises(DataError, match="the row has more cells than the header has columns"):
        read_csv_frame(path, NAME)


def test_header_only(tmp_path):
    for data in (b"id,v", b"id,v\n", b"id,v\r\n"):
        assert took_fast_path(data)
        table = read_both(tmp_path, data)
        assert (table.header, table.rows) == (("id", "v"), ())
        frame = read_csv_frame(write(tmp_path, data), NAME)
        assert frame.shape == (0, 2)
        assert frame.schema == pl.Schema({"id": pl.String, "v": pl.String})


@pytest.mark.parametrize("data", [b"", BOM])
def test_an_empty_file_has_no_header(tmp_path, data):
    path = write(tmp_path, data)
    assert frame_outcome(path) == reference_outcome(path)
    with pytest.raises(DataError) as caught:
        read_csv_frame(path, NAME)
    assert str(caught.value) == (
        f"1 data problem:\n{NAME}: the CSV file has no header row\n"
        "  hint: the first row names the columns: id,..."
    )


@pytest.mark.parametrize("fast", [True, False])
def test_a_cell_of_a_million_characters(tmp_path, fast):
    limit = csv.field_size_limit()
    big = "x" * 1_000_000
    data = f'id,v\n1,"{big}"\n2,{big}\n'.encode() + (b"" if fast else b"\n3,c\n")
    assert took_fast_path(data) is fast
    table = read_both(tmp_path, data)
    assert table.rows[:2] == (("1", big), ("2", big))
    frame = read_csv_frame(write(tmp_path, data), NAME)
    assert frame["v"][:2].to_list() == [big, big]
    assert sniff_delimiter(f"{big},{big}\n") == ","
    assert csv.field_size_limit() == limit


def test_the_field_size_limit_is_restored_after_an_error(tmp_path):
    limit = csv.field_size_limit()
    with pytest.raises(DataError):
        read_csv_text("a\n" + "x" * 200_000 + ",y\n", NAME)
    with pytest.raises(DataError):
        read_csv_frame(write(tmp_path, b"a\n" + b"x" * 200_000 + b",y\n"), NAME)
    assert csv.field_size_limit() == limit


def test_the_field_size_limit_is_left_alone_when_high_enough():
    limit = csv.field_size_limit()
    with mock.patch.object(csv, "field_size_limit", wraps=csv.field_size_limit) as spy:
        read_csv_text("a\n1\n", NAME)
    assert all(call.args == () for call in spy.call_args_list)
    assert csv.field_size_limit() == limit


def test_threads_share_the_field_size_limit_safely():
    limit = csv.field_size_limit()
    texts = ["a\n" + "x" * size + "\n" for size in (150_000, 300_000, 10, 200_000)] * 3
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        tables = list(pool.map(lambda text: read_csv_text(text, NAME), texts))
    assert [len(table.rows[0][0]) for table in tables] == [len(text) - 3 for text in texts]
    assert csv.field_size_limit() == limit


def test_invalid_utf8(tmp_path):
    path = write(tmp_path, b"id,v\n1,a\n2,\xff\n")
    assert frame_outcome(path) == reference_outcome(path)
    with pytest.raises(DataError) as caught:
        read_csv_frame(path, NAME)
    (problem,) = caught.value.problems
    assert (problem.message, problem.file, problem.line) == ("the file is not valid UTF-8", NAME, 3)
    with pytest.raises(UnreadableFile) as direct:
        read_text_capped(path, 1000)
    assert problem.message == direct.value.problem.message
    assert problem.hint == direct.value.problem.hint


def test_max_bytes(tmp_path):
    data = b"id,v\n1,a\n"
    path = write(tmp_path, data)
    assert read_csv_frame(path, NAME, max_bytes=len(data)).shape == (1, 2)
    with pytest.raises(DataError) as caught:
        read_csv_frame(path, NAME, max_bytes=len(data) - 1)
    with pytest.raises(UnreadableFile) as direct:
        read_text_capped(path, len(data) - 1)
    (problem,) = caught.value.problems
    assert problem.message == direct.value.problem.message
    assert problem.message == "the file is 9 bytes, more than the 8 allowed"
    assert problem.file == NAME
    assert reference_outcome(path) == frame_outcome(path)


def test_other_delimiters_given(tmp_path):
    data = b'id|v\n1|"a|b"\n2|\n'
    path = write(tmp_path, data)
    assert frame_outcome(path, "|") == reference_outcome(path, "|")
    assert read_csv_file(path, NAME, "|").rows == (("1", "a|b"), ("2", None))
    assert csvfiles._fast_frame(data, "|") is not None
    assert frame_outcome(path, "\u00a7") == reference_outcome(path, "\u00a7")  # not one byte


@pytest.mark.parametrize("where", ["absent.csv", "."])
def test_an_unreadable_file(tmp_path, where):
    path = tmp_path / where
    assert frame_outcome(path) == reference_outcome(path)
    with pytest.raises(DataError, match="cannot read the file"):
        read_csv_frame(path, NAME)


def test_nul_is_read_by_the_reference(tmp_path):
    data = b"id,v\n1,a\x00b\n"
    assert not took_fast_path(data)
    read_both(tmp_path, data)


def test_polars_errors_fall_back(tmp_path):
    data = b"id,v\n1,a\n"
    path = write(tmp_path, data)
    failing = mock.patch.object(pl, "read_csv", side_effect=pl.exceptions.ComputeError("boom"))
    with failing:
        assert csvfiles._fast_frame(data, None) is None
        assert read_csv_frame(path, NAME).rows() == [("1", "a")]


def test_fallback_frames_are_built_in_batches(tmp_path):
    rows = [f"{i},{'' if i % 3 else 'x'}" for i in range(25)]
    data = ("id,v\n\n" + "\n".join(rows) + "\n").encode()  # the blank line forces the fallback
    path = write(tmp_path, data)
    with mock.patch.object(csvfiles, "_BATCH_ROWS", 4):
        assert frame_outcome(path) == reference_outcome(path)


def test_table_is_a_frozen_value():
    table = read_csv_text("a,b\n1\n", NAME)
    assert table == CsvTable(("a", "b"), (("1", None),), (2,))
    with pytest.raises(AttributeError):
        table.rows = ()  # type: ignore[misc]


def test_the_reference_does_not_import_polars():
    code = (
        "import sys, criteriakit.data.csv as c; "
        "c.read_csv_text('a,b\\n1,2\\n', 'x'); "
        "assert 'polars' not in sys.modules, 'polars imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def big_plain_file(seed, rows):
    """A plain file large enough for Polars to parse it in parallel chunks: quoted line breaks,
    quotes, delimiters in cells, empty and missing cells, LF and CRLF mixed."""
    rng = random.Random(seed)  # noqa: S311  test data, not secrets
    pieces = ["id,a,b,c\n"]
    cells = ["1", "yes", "", '"[80, 95]"', '"x\ny"', '"say ""hi"""', '"a\r\nb"', "é", '""', "no"]
    for row in range(rows):
        width = rng.choice([4, 4, 4, 3, 1])
        line = ",".join([str(row), *(rng.choice(cells) for _ in range(width - 1))])
        pieces.append(line + rng.choice(["\n", "\n", "\r\n"]))
    return "".join(pieces).encode()


@pytest.mark.parametrize("seed", [1, 2])
def test_a_large_plain_file_reads_alike(tmp_path, seed):
    data = big_plain_file(seed, 60_000)
    assert took_fast_path(data)
    path = write(tmp_path, data)
    assert frame_outcome(path) == reference_outcome(path)
