"""Hostile data files end fast, in bounded memory, with one clear error (issue 12, item 7).

The files are built here, small on disk: a Parquet file whose dictionary hides gigabytes, JSON
nested thousands deep, a large CSV for the scalar engine's streaming output. Where a regression
would take the machine's memory, the command runs in a child process whose address space is
capped, so that the test fails instead.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import criteriakit
from criteriakit import limits
from criteriakit.cli import build_cli
from criteriakit.data import read_units
from criteriakit.render.rows import write_jsonl_text
from criteriakit.render.table import ResultTable
from criteriakit.render.writers import render_documents
from criteriakit.scalar.batch import evaluate_rows

pl = pytest.importorskip("polars")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

from criteriakit.columnar import evaluate_frame  # noqa: E402  needs Polars
from criteriakit.data import typed_files  # noqa: E402  needs Polars

FRAMEWORK = """\
id = "t.hostile"
version = "1"
title = "Hostile data"
subject = "unit"

[inputs]
a = { type = "number", min = 0, max = 100 }
xs = { type = "list", items = "number" }

[[criteria]]
id = "c"
title = "C"
points = 100

[[criteria.indicators]]
id = "i"
title = "I"
value = "a"
points = 100
scorer = { type = "linear", zero_at = 0, full_at = 100 }

[[tiers]]
id = "good"
title = "Good"
min_score = 50

[[tiers]]
id = "weak"
title = "Weak"
min_score = 0
"""

MEMORY_CAP = 1536 * 2**20
"""The address space a child process gets: far below what the hostile files would take."""


@pytest.fixture
def framework_file(tmp_path: Path) -> Path:
    path = tmp_path / "framework.toml"
    path.write_text(FRAMEWORK)
    return path


@pytest.fixture
def framework(framework_file: Path) -> criteriakit.Framework:
    return criteriakit.load_framework(framework_file)


def run_capped(*args: str) -> tuple[int, str, str, int]:
    """Run ``criteriakit ARGS`` in a child with :data:`MEMORY_CAP` of address space.

    Return its exit status, output, error output and peak resident memory in bytes (of this
    child alone: it is waited for with ``os.wait4``).
    """

    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_CAP, MEMORY_CAP))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        child = subprocess.Popen(
            [sys.executable, "-m", "criteriakit", *args],
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            preexec_fn=cap,  # noqa: PLW1509  only sets a resource limit
        )
        _, status, usage = os.wait4(child.pid, 0)
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return child.returncode, out.read().decode(), err.read().decode(), usage.ru_maxrss * 1024


# --- Parquet: a dictionary page that hides gigabytes -------------------------------------


def dictionary_bomb(path: Path, rows: int = 20_000) -> Path:
    """Write ``rows`` rows whose id is one 1 MiB text, dictionary-encoded: ~1 KB on disk.

    The ids are written as a dictionary array, so the megabyte is never repeated here either.
    """
    ids = pa.DictionaryArray.from_arrays(pa.array([0] * rows, pa.int32()), ["x" * 2**20])
    table = pa.table({"id": ids, "a": [1.0] * rows, "xs": [[1.0]] * rows})
    pq.write_table(
        table, path, compression="zstd", dictionary_pagesize_limit=2**22, store_schema=False
    )
    return path


def test_a_dictionary_encoded_parquet_file_is_costed_by_its_dictionary_text(tmp_path):
    path = dictionary_bomb(tmp_path / "bomb.parquet")
    assert path.stat().st_size < 4_000
    size = typed_files.decoded_size(path)
    assert size is not None
    assert size > 20_000 * 2**20  # every row refers to the megabyte
    # short dictionary entries live inside Polars' views: they cost no more than before
    small = tmp_path / "small.parquet"
    pq.write_table(pa.table({"id": ["c1", "c2"] * 50_000}), small)
    small_size = typed_files.decoded_size(small)
    assert small_size is not None
    assert small_size < 3 * 16 * 100_000


@pytest.mark.parametrize("engine", ["scalar", "columnar"])
def test_a_parquet_dictionary_bomb_is_refused_by_both_engines(framework_file, tmp_path, engine):
    path = dictionary_bomb(tmp_path / "bomb.parquet")
    status, out, err, peak = run_capped(
        "evaluate", str(framework_file), str(path), "--engine", engine
    )
    assert status == 1, err
    assert out == ""
    assert err.startswith(f"1 data problem in {path}:\n")
    assert "once decoded, more than the 4.0 GiB allowed" in err
    assert "Traceback" not in err
    assert peak < 1024 * 2**20


def test_a_parquet_dictionary_bomb_is_refused_through_the_python_apis(framework, tmp_path):
    path = dictionary_bomb(tmp_path / "bomb.parquet")
    for read in (lambda: evaluate_frame(framework, path), lambda: read_units(path)):
        with pytest.raises(criteriakit.DataError) as info:
            read()
        (problem,) = info.value.problems
        assert problem.file == str(path)
        assert "GiB once decoded" in problem.message


def test_the_parquet_dictionary_bomb_is_refused_from_standard_input(framework_file, tmp_path):
    path = dictionary_bomb(tmp_path / "bomb.parquet")
    result = CliRunner().invoke(
        build_cli(),
        ["evaluate", str(framework_file), "-", "--engine", "scalar"],
        input=path.read_bytes(),
    )
    assert result.exit_code == 1
    assert result.stderr.startswith("1 data problem in <stdin>:\n<stdin>: the file's values")


def test_the_decoded_size_cap_is_the_machine_memory_when_smaller(framework, tmp_path, monkeypatch):
    path = dictionary_bomb(tmp_path / "bomb.parquet", rows=200)
    monkeypatch.setattr(typed_files, "machine_memory", lambda: 64 * 2**20)
    with pytest.raises(criteriakit.DataError, match=r"more than this machine's memory \(64 MiB\)"):
        evaluate_frame(framework, path)
    monkeypatch.setattr(typed_files, "machine_memory", lambda: None)
    with (
        limits.override(decoded_bytes=100 * 2**20),
        pytest.raises(criteriakit.DataError, match="more than the 100 MiB allowed"),
    ):
        evaluate_frame(framework, path)
    with limits.override(decoded_bytes=300 * 2**20), pytest.raises(criteriakit.DataError) as info:
        evaluate_frame(framework, path)  # read, 200 MiB of ids fitting: they all repeat the first
    assert info.value.total == 199
    assert (
        info.value.problems[0].message
        == "unit id 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx... repeats row 1"
    )


def test_without_pyarrow_a_parquet_file_is_refused_unread(framework, tmp_path, monkeypatch):
    # the size check needs PyArrow: without it a Parquet file is not read unmeasured
    path = tmp_path / "units.parquet"
    pq.write_table(pa.table({"id": ["u1"], "a": [1.0]}), path)
    real = typed_files.importlib.util.find_spec
    monkeypatch.setattr(
        typed_files.importlib.util,
        "find_spec",
        lambda name, *args: None if name == "pyarrow" else real(name, *args),
    )
    for read in (lambda: evaluate_frame(framework, path), lambda: read_units(path)):
        with pytest.raises(criteriakit.DataError) as info:
            read()
        (problem,) = info.value.problems
        assert "measured before it is read" in problem.message
        assert problem.hint == "pip install 'criteriakit[parquet]'"


# --- JSON nested thousands deep ----------------------------------------------------------

DEEP = "[" * 3000 + "]" * 3000


def deep_files(tmp_path: Path) -> dict[str, Path]:
    """Write the same unit, its list nested 3,000 deep, as JSON, JSON Lines and CSV."""
    files = {
        "json": '[{"id": "u1", "a": 5, "xs": ' + DEEP + "}]",
        "jsonl": '{"id": "u0", "a": 1}\n{"id": "u1", "a": 5, "xs": ' + DEEP + "}\n",
        "csv": 'id,a,xs\nu0,1,[]\nu1,5,"' + DEEP + '"\n',
    }
    paths = {}
    for suffix, text in files.items():
        paths[suffix] = tmp_path / f"deep.{suffix}"
        paths[suffix].write_text(text)
    return paths


EXPECTED_DEEP = {
    "json": "deep.json:1:93: a value nests lists and objects more than 64 deep, from '[[[[",
    "jsonl": "deep.jsonl:2:92: row 2: a value nests lists and objects more than 64 deep, from '[[[[",
    "csv": "deep.csv: row 2: xs: the JSON array nests lists and objects more than 64 deep, from '[[[[",
}


@pytest.mark.parametrize("engine", ["scalar", "columnar"])
@pytest.mark.parametrize("suffix", ["json", "jsonl", "csv"])
def test_json_nested_thousands_deep_is_one_clear_error(framework_file, tmp_path, engine, suffix):
    path = deep_files(tmp_path)[suffix]
    result = CliRunner().invoke(
        build_cli(), ["evaluate", str(framework_file), str(path), "--engine", engine]
    )
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"1 data problem in {path}:\n{tmp_path}/")
    assert EXPECTED_DEEP[suffix] in result.stderr
    assert "(the data_nesting_depth limit)" in result.stderr
    assert "…'" in result.stderr  # a window of the text, not the whole of it
    assert len(result.stderr) < 600


@pytest.mark.parametrize("suffix", ["json", "jsonl", "csv"])
def test_json_nested_thousands_deep_through_the_python_apis(framework, tmp_path, suffix):
    path = deep_files(tmp_path)[suffix]
    with pytest.raises(criteriakit.DataError) as scalar:
        evaluate_rows(framework, read_units(path))
    with pytest.raises(criteriakit.DataError) as columnar:
        evaluate_frame(framework, path)
    assert str(scalar.value) == str(columnar.value)
    assert "more than 64 deep" in str(scalar.value)


def test_the_nesting_depth_is_the_limit_in_force_for_both_engines(framework, tmp_path):
    path = tmp_path / "cells.csv"
    path.write_text('id,a,xs\nu1,5,"[[1]]"\nu2,5,"[[[1]]]"\n')
    with limits.override(data_nesting_depth=2):
        with pytest.raises(criteriakit.DataError) as scalar:
            evaluate_rows(framework, read_units(path))
        with pytest.raises(criteriakit.DataError) as columnar:
            evaluate_frame(framework, path)
    assert str(scalar.value) == str(columnar.value)
    first, second = scalar.value.problems
    assert (first.row, first.message) == (1, "item 0: expected a number, got [1]")
    assert second.row == 2
    assert second.message == (
        "the JSON array nests lists and objects more than 2 deep, from '[1]]]'"
    )


def test_a_value_at_the_nesting_depth_is_read(tmp_path):
    nested = "[" * 62 + "]" * 62  # inside a list and an object: 64 deep
    path = tmp_path / "cells.jsonl"
    path.write_text(json.dumps({"id": "u1", "a": 5, "extra": [{"x": json.loads(nested)}]}) + "\n")
    level = read_units(path)
    assert [row.unit for row in level] == ["u1"]
    path.write_text(json.dumps({"id": "u1", "a": 5, "extra": [{"x": [json.loads(nested)]}]}))
    with pytest.raises(criteriakit.DataError, match="more than 64 deep"):
        read_units(path)


# --- the scalar engine streams its results -----------------------------------------------


def population(path: Path, rows: int) -> Path:
    """Write ``rows`` plain units as CSV."""
    with path.open("w") as stream:
        stream.write("id,a,xs\n")
        stream.writelines(f"u{row},{row % 101},[{row % 7}]\n" for row in range(rows))
    return path


@pytest.mark.parametrize("output_format", ["csv", "jsonl"])
def test_the_scalar_engine_streams_in_memory_independent_of_the_rows(
    framework_file, tmp_path, output_format
):
    peaks = []
    for rows in (20_000, 80_000):
        data = population(tmp_path / f"units{rows}.csv", rows)
        output = tmp_path / f"out{rows}.{output_format}"
        status, _, err, peak = run_capped(
            "evaluate",
            str(framework_file),
            str(data),
            "--engine",
            "scalar",
            "--format",
            output_format,
            "-o",
            str(output),
        )
        assert status == 0, err
        with output.open() as written:
            lines = sum(1 for _ in written)
        assert lines == rows + (output_format == "csv")
        peaks.append(peak)
    # holding 60,000 more results would take far more than this
    assert peaks[1] - peaks[0] < 8 * 2**20, peaks


def test_streamed_output_is_the_whole_data_paths(framework, framework_file, tmp_path):
    data = tmp_path / "units.csv"
    data.write_text("id,a,xs,parent\nu1,60,[1],p\nu2,20,,p\nu3,0,[],\n")
    table = ResultTable.of(framework, evaluate_rows(framework, read_units(data)))
    expected = {
        "csv": None,
        "jsonl": write_jsonl_text(table.columns, table.rows),
        "json": render_documents(evaluate_rows(framework, read_units(data))),
    }
    for output_format, text in expected.items():
        result = CliRunner().invoke(
            build_cli(),
            [
                "evaluate",
                str(framework_file),
                str(data),
                "--engine",
                "scalar",
                "--format",
                output_format,
            ],
        )
        assert result.exit_code == 0, result.stderr
        if text is not None:
            assert result.stdout == text
    columnar = CliRunner().invoke(
        build_cli(),
        ["evaluate", str(framework_file), str(data), "--engine", "columnar", "--format", "csv"],
    )
    scalar = CliRunner().invoke(
        build_cli(),
        ["evaluate", str(framework_file), str(data), "--engine", "scalar", "--format", "csv"],
    )
    assert scalar.stdout == columnar.stdout


def test_a_streamed_evaluation_with_problems_writes_nothing(framework, framework_file, tmp_path):
    rows = [f"u{row},{row % 100},[]" for row in range(200)]
    rows[150] = "u3,5,[]"  # repeats row 4, found only once every row is read
    rows[10] = "u10,abc,[]"
    data = tmp_path / "units.csv"
    data.write_text("id,a,xs\n" + "\n".join(rows) + "\n")
    output = tmp_path / "out.csv"
    output.write_text("old\n")
    result = CliRunner().invoke(
        build_cli(),
        [
            "evaluate",
            str(framework_file),
            str(data),
            "--engine",
            "scalar",
            "--format",
            "csv",
            "-o",
            str(output),
        ],
    )
    assert result.exit_code == 1
    assert output.read_text() == "old\n"
    with pytest.raises(criteriakit.DataError) as whole:
        evaluate_rows(framework, read_units(data))
    assert result.stderr == str(whole.value) + "\n"
    assert "row 151: id: unit id 'u3' repeats row 4" in result.stderr
