"""Fuzz target: hostile data files through both engines of ``criteriakit evaluate``.

Each input is a random framework (the engines-agree property test's, over number, integer,
bool, level and list inputs) and a data file in one of three forms:

- CSV: the property test's valid and malformed cells, then hostile edits: ragged rows, cells
  with huge numbers, NaN and infinities, look-alike digits, NUL bytes, long strings and deeply
  nested lists, byte order marks, CR line ends, stray quotes, invalid UTF-8;
- JSON Lines: the property test's records, then values replaced by huge integers, ``NaN`` and
  ``Infinity`` tokens, deep arrays, long and NUL-laden strings, and the same text edits;
- Parquet: typed columns of hostile values (NaN, infinities, 64-bit edges, unsigned integers,
  categorical and nested list columns, NUL bytes in ids).

``--engine scalar`` and ``--engine columnar`` must exit alike with byte-identical output and the
same message, and never with a traceback.
"""

from __future__ import annotations

import functools
import math
import re
import tempfile
from pathlib import Path
from typing import Any

import click
import polars as pl
from click.testing import CliRunner
from hypothesis import strategies as st

from criteriakit.cli import build_cli
from fuzz.campaign import Target
from fuzz.hostile import (
    CONFUSABLE_DIGITS,
    HUGE_NUMBERS,
    INVISIBLE,
    ODD_NUMBERS,
    edited,
    encoded,
)
from test_engines_agree import NOTE, csv_data, frameworks, jsonl_data

DEEP = 3_000
CELLS = [*HUGE_NUMBERS, *ODD_NUMBERS, *CONFUSABLE_DIGITS, "x" * 100_000, "[" * DEEP + "]" * DEEP]
CELLS += [f"1{character}2" for character in INVISIBLE] + ["", '"', '""', ",", "u1", "\n"]
JSON_VALUES = ["NaN", "Infinity", "-Infinity", "1e400", "9" * 5_000, "-" + "9" * 400, "1.0e-400"]
JSON_VALUES += ["[" * DEEP + "]" * DEEP, '{"a": ' * 100 + "1" + "}" * 100, '"\\u0000"', "null"]
JSON_VALUES += ['"' + "x" * 100_000 + '"', '"١٢"', '"\\ud800"', "[1e400]", "[NaN]", "{}", "true"]
JSON_VALUE = re.compile(r'(?<=": )("[^"]*"|[^,}\]]+|\[[^\]]*\])')
"""A value in a JSON line written by ``json.dumps``: a string, a scalar or a flat array."""


@st.composite
def _ragged(draw: st.DrawFn, text: str) -> str:
    """Add or remove a separator in one line: a row with too many or too few cells."""
    lines = text.split("\n")
    at = draw(st.integers(0, len(lines) - 1))
    line = lines[at]
    lines[at] = (
        line.replace(",", "", 1) if draw(st.booleans()) else line + "," * draw(st.integers(1, 3))
    )
    return "\n".join(lines)


@st.composite
def _hostile_cell(draw: st.DrawFn, text: str) -> str:
    """Replace one CSV cell with a hostile one (quoted when it holds a separator)."""
    lines = text.split("\n")
    at = draw(st.integers(0, len(lines) - 1))
    cells = lines[at].split(",")
    cell = draw(st.sampled_from(CELLS))
    if any(character in cell for character in ',"\n'):
        cell = '"' + cell.replace('"', '""') + '"'
    cells[draw(st.integers(0, len(cells) - 1))] = cell
    lines[at] = ",".join(cells)
    return "\n".join(lines)


@st.composite
def _line_ends(draw: st.DrawFn, text: str) -> str:
    """Write the lines with CR LF or CR ends, or start with a byte order mark."""
    return draw(
        st.sampled_from([text.replace("\n", "\r\n"), text.replace("\n", "\r"), "\ufeff" + text])
    )


@st.composite
def hostile_csv(draw: st.DrawFn) -> bytes:
    """A CSV data set with hostile edits."""
    text = draw(csv_data())
    for _ in range(draw(st.integers(1, 3))):
        edit = draw(st.sampled_from([_ragged, _hostile_cell, _hostile_cell, _line_ends, edited]))
        text = draw(edit(text))
    return encoded(text)


@st.composite
def _json_value(draw: st.DrawFn, text: str) -> str:
    """Replace one value of a JSON line with a hostile one."""
    found = list(JSON_VALUE.finditer(text))
    if not found:
        return text
    match = draw(st.sampled_from(found))
    return text[: match.start()] + draw(st.sampled_from(JSON_VALUES)) + text[match.end() :]


@st.composite
def hostile_jsonl(draw: st.DrawFn) -> bytes:
    """A JSON Lines data set with hostile values and edits."""
    text = draw(jsonl_data())
    for _ in range(draw(st.integers(1, 3))):
        edit = draw(st.sampled_from([_json_value, _json_value, _line_ends, edited]))
        text = draw(edit(text))
    return encoded(text)


NAN, INF = math.nan, math.inf
COLUMNS: dict[str, list[tuple[pl.DataType, list[Any]]]] = {
    "id": [
        (pl.String(), ["u1", "u2", "", " ", "u\x001", "\ufeffu3", "u1", None]),
        (pl.Int64(), [1, 2, -(2**63), 2**63 - 1, 1, None]),
    ],
    "n0": [
        (pl.Float64(), [NAN, INF, -INF, 1e308, -0.0, 5.0, 4.9e-324, None]),
        (pl.Int64(), [2**63 - 1, -(2**63), 0, 100, None]),
        (pl.UInt64(), [2**64 - 1, 0, 7]),
        (pl.String(), ["12", "١٢", "1e400", "nan", "\x00", "x" * 10_000, None]),
        (pl.Float32(), [NAN, 3.5, INF, None]),
    ],
    "k": [
        (pl.Int64(), [2**63 - 1, -(2**63), 3, 0, None]),
        (pl.UInt64(), [2**64 - 1, 2**63, 4]),
        (pl.Float64(), [3.0, 3.5, NAN, INF, 1e20, None]),
        (pl.Int8(), [-128, 127, 0, None]),
    ],
    "f": [
        (pl.Boolean(), [True, False, None]),
        (pl.String(), ["yes", "no", "maybe", "", "\x00", None]),
        (pl.Int64(), [0, 1, 2, None]),
    ],
    "lv": [
        (pl.String(), ["low", "mid", "high", "mіd", "MID", "", None]),
        (pl.Categorical(), ["low", "mid", "high", "hіgh", None]),
    ],
    "xs": [
        (pl.List(pl.Float64()), [[NAN], [INF, -INF], [1e308, 1e308], [], [None], None]),
        (pl.List(pl.List(pl.Float64())), [[[1.0]], [], [[]], None]),
        (pl.String(), ["[1, 2]", "[" * DEEP + "]" * DEEP, "[NaN]", None]),
        (pl.List(pl.Int64()), [[2**63 - 1, 1], [-(2**63)], list(range(50)), None]),
    ],
}


@st.composite
def hostile_frames(draw: st.DrawFn) -> pl.DataFrame:
    """A frame of typed columns of hostile values (a column may be left out)."""
    size = draw(st.integers(0, 5))
    columns = {}
    for name, kinds in COLUMNS.items():
        if name != "id" and not draw(st.integers(0, 7)):
            continue
        dtype, values = draw(st.sampled_from(kinds))
        cells = draw(st.lists(st.sampled_from(values), min_size=size, max_size=size))
        columns[name] = pl.Series(name, cells, dtype=dtype)
    return pl.DataFrame(columns)


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    """The frame written as a Parquet file."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.parquet"
        frame.write_parquet(path)
        return path.read_bytes()


data_files = st.one_of(
    st.tuples(st.just("data.csv"), hostile_csv()),
    st.tuples(st.just("data.jsonl"), hostile_jsonl()),
    st.tuples(st.just("data.parquet"), hostile_frames().map(parquet_bytes)),
)
cases = st.tuples(frameworks(), data_files, st.sampled_from(["csv", "jsonl", "table"]))
"""A framework and a data file in one output format: one input. (Not batched: sharing a
framework among data files did not raise the rate, the two CLI runs per input cost most.)"""

Case = tuple[str, tuple[str, bytes], str]


@functools.cache
def _cli() -> click.Group:
    """The command line, built once: it keeps no state between invocations."""
    return build_cli()


def evaluate(framework: Path, data: Path, *options: str) -> dict[str, tuple[int, bytes, str]]:
    """Run ``criteriakit evaluate`` with each engine: its exit code, output and errors."""
    found = {}
    for engine in ("scalar", "columnar"):
        result = CliRunner().invoke(
            _cli(),
            ["--no-autoload", "evaluate", str(framework), str(data), "--engine", engine, *options],
            catch_exceptions=False,
        )
        found[engine] = (result.exit_code, result.stdout_bytes, result.stderr.replace(NOTE, ""))
    return found


def check_engines(case: Case, _: st.DataObject) -> None:
    """Both engines exit alike with the same bytes and message, never with a traceback."""
    text, (name, content), output = case
    with tempfile.TemporaryDirectory() as folder:
        framework, data = Path(folder) / "random.toml", Path(folder) / name
        framework.write_text(text)
        data.write_bytes(content)
        found = evaluate(framework, data, "--format", output)
    scalar, columnar = found["scalar"], found["columnar"]
    assert scalar[0] in {0, 1}, scalar
    assert "Traceback" not in scalar[2], scalar[2]
    assert scalar == columnar, (scalar, columnar)


def test_data(campaign):
    campaign.run(Target("data", cases, check_engines, share=0.08, time_share=0.2))
