"""`criteriakit evaluate`: one output whatever the engine, from every kind of data file.

The engine only changes speed: for the same data and format, the scalar and columnar engines
(and ``auto`` on either side of its switch point) write the same bytes, or fail with the same
message. Data come from CSV (any of three delimiters), JSON, JSON Lines, Parquet, Excel or
standard input; results go out as text, CSV, JSON documents, JSON Lines or Parquet.
"""

from __future__ import annotations

import io
import json
import os
import stat
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from criteriakit.cli import _engine, _evaluation, build_cli

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ROOT / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks"
COMMUNE = ROOT / "examples" / "commune"
CELLS = ROOT / "examples" / "four-good" / "cells.csv"
LEVELS = [
    str(COMMUNE / "committees.csv"),
    "--children",
    str(COMMUNE / "cells.csv"),
    "--children",
    str(COMMUNE / "members.jsonl"),
]
CELL_LEVELS = [str(COMMUNE / "cells.csv"), "--children", str(COMMUNE / "members.jsonl")]
ENGINES = ("scalar", "columnar")
TEXT_FORMATS = ("table", "csv", "json", "jsonl")


def run(*args: str, stdin: bytes | None = None):
    return CliRunner().invoke(
        build_cli(),
        ["--no-autoload", "--plugin-dir", str(FRAMEWORKS), *args],
        input=stdin,
        catch_exceptions=False,
    )


def outputs(*args: str, stdin: bytes | None = None) -> dict[str, object]:
    """Return what each engine writes (stdout), or its exit code and message when it fails."""
    found: dict[str, object] = {}
    for engine in ENGINES:
        result = run(*args, "--engine", engine, stdin=stdin)
        if result.exit_code == 0:
            found[engine] = result.stdout_bytes
        else:
            found[engine] = (result.exit_code, result.stderr)
    return found


def assert_one_output(*args: str, stdin: bytes | None = None) -> object:
    found = outputs(*args, stdin=stdin)
    assert found["scalar"] == found["columnar"]
    return found["scalar"]


@pytest.mark.parametrize("output_format", TEXT_FORMATS)
def test_every_format_is_the_same_from_both_engines(output_format):
    shown = assert_one_output(
        "evaluate", "vn.four-good-cell", str(CELLS), "--format", output_format
    )
    assert isinstance(shown, bytes)
    assert shown


@pytest.mark.parametrize("output_format", ["table", "json", "jsonl"])
def test_every_level_of_a_hierarchy_is_the_same_from_both_engines(output_format):
    shown = assert_one_output(
        "evaluate", "vn.four-good-committee", *LEVELS, "--all-levels", "--format", output_format
    )
    assert isinstance(shown, bytes)
    if output_format == "table":
        assert b"vn.four-good-committee@2024 (1 units)" in shown
        assert b"vn.four-good-member@2024 (341 units)" in shown
    if output_format == "jsonl":
        assert len(shown.splitlines()) == 1 + 21 + 341


def test_the_documents_carry_the_schema_version_and_full_results():
    result = run("evaluate", "vn.four-good-committee", *LEVELS, "--format", "json")
    document = json.loads(result.stdout)
    assert document["schema_version"] == 3
    (committee,) = document["results"]
    assert committee["rolled_up"]["cells_rated"] == 21
    assert {"criteria", "improvement", "reasons", "fingerprint", "parent"} <= set(committee)


def test_columnar_documents_are_built_by_the_scalar_engine_with_a_note():
    result = run(
        "evaluate", "vn.four-good-cell", str(CELLS), "--format", "json", "--engine", "columnar"
    )
    assert result.exit_code == 0
    assert "result documents (--format json) hold each unit's full explanation" in result.stderr


def test_parquet_and_json_lines_are_written_and_read_back(tmp_path):
    tables = []
    for engine in ENGINES:
        out = tmp_path / f"{engine}.parquet"
        result = run(
            "evaluate", "vn.four-good-cell", str(CELLS), "--format", "parquet", "-o", str(out),
            "--engine", engine,
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        tables.append(pl.read_parquet(out))
    scalar, columnar = tables
    assert scalar.equals(columnar)
    assert scalar.schema == columnar.schema
    assert scalar.schema["reasons"] == pl.List(pl.String)
    assert scalar.columns[:10] == [
        "unit", "parent", "framework", "version", "evaluable", "score", "max_score",
        "band_tier", "tier", "reasons",
    ]  # fmt: skip
    metadata = pl.read_parquet_metadata(tmp_path / "scalar.parquet")
    assert metadata["criteriakit.schema_version"] == "3"
    lines = run("evaluate", "vn.four-good-cell", str(CELLS), "--format", "jsonl").stdout
    assert pl.read_ndjson(io.BytesIO(lines.encode())).equals(scalar)


def test_auto_gives_the_same_output_below_and_above_its_switch_point(monkeypatch):
    columnar = _engine.evaluate_columnar
    calls = []
    monkeypatch.setattr(
        _evaluation,
        "evaluate_columnar",
        lambda *args, **kwargs: calls.append(args) or columnar(*args, **kwargs),
    )
    small = run("evaluate", "vn.four-good-cell", *CELL_LEVELS, "--format", "csv")
    assert not calls
    monkeypatch.setattr(_engine, "AUTO_ROWS", 100)
    large = run("evaluate", "vn.four-good-cell", *CELL_LEVELS, "--format", "csv")
    assert len(calls) == 1
    assert small.stdout == large.stdout


@pytest.mark.parametrize("delimiter", [";", "\t"])
def test_a_csv_file_with_another_delimiter_reads_the_same(tmp_path, delimiter):
    frame = pl.read_csv(CELLS, infer_schema=False)
    other = tmp_path / "cells.csv"
    frame.write_csv(other, separator=delimiter)
    expected = run("evaluate", "vn.four-good-cell", str(CELLS), "--format", "csv").stdout_bytes
    assert (
        assert_one_output("evaluate", "vn.four-good-cell", str(other), "--format", "csv")
        == expected
    )


def test_standard_input_reads_any_format():
    expected = run("evaluate", "vn.four-good-cell", str(CELLS), "--format", "csv").stdout_bytes
    csv_bytes = CELLS.read_bytes()
    assert (
        assert_one_output("evaluate", "vn.four-good-cell", "-", "--format", "csv", stdin=csv_bytes)
        == expected
    )
    buffer = io.BytesIO()
    pl.read_csv(CELLS, infer_schema=False).write_parquet(buffer)
    parquet = assert_one_output(
        "evaluate", "vn.four-good-cell", "-", "--format", "csv", stdin=buffer.getvalue()
    )
    assert parquet == expected
    both = run("evaluate", "vn.four-good-committee", "-", "--children", "-", stdin=csv_bytes)
    assert both.exit_code == 2
    assert "standard input (-) can give one data set only" in both.stderr


def test_excel_files_are_read(tmp_path):
    pytest.importorskip("fastexcel")
    pytest.importorskip("xlsxwriter")
    book = tmp_path / "cells.xlsx"
    pl.read_csv(CELLS).write_excel(book)
    expected = run("evaluate", "vn.four-good-cell", str(CELLS), "--format", "csv").stdout_bytes
    assert (
        assert_one_output("evaluate", "vn.four-good-cell", str(book), "--format", "csv") == expected
    )
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    failed = outputs("evaluate", "vn.four-good-cell", str(tmp_path / "broken.xlsx"))
    assert failed["scalar"] == failed["columnar"]
    code, message = failed["scalar"]  # type: ignore[misc]
    assert code == 1
    assert "broken.xlsx: cannot read the xlsx data" in message


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda folder: folder / "missing.csv", "cannot read the file: No such file or directory"),
        (lambda folder: folder, "cannot read the file: it is a directory"),
    ],
)
def test_a_file_that_cannot_be_read_is_one_data_error(tmp_path, make, message):
    path = make(tmp_path)
    found = outputs("evaluate", "vn.four-good-cell", str(path))
    assert (
        found["scalar"]
        == found["columnar"]
        == (1, f"1 data problem in {path}:\n{path}: {message}\n")
    )


@pytest.mark.skipif(
    os.geteuid() == 0, reason="as root every file is readable: no permission error to provoke"
)
def test_a_file_without_permission_is_one_data_error(tmp_path):
    path = tmp_path / "secret.csv"
    path.write_text(CELLS.read_text())
    path.chmod(0)
    found = outputs("evaluate", "vn.four-good-cell", str(path))
    assert found["scalar"] == found["columnar"]
    assert "cannot read the file: Permission denied" in found["scalar"][1]  # type: ignore[index]


def test_data_without_an_id_column_is_one_message(tmp_path):
    data = tmp_path / "cells.csv"
    pl.read_csv(CELLS, infer_schema=False).rename({"id": "cell"}).write_csv(data)
    found = outputs("evaluate", "vn.four-good-cell", str(data))
    assert found["scalar"] == found["columnar"]
    code, message = found["scalar"]  # type: ignore[misc]
    assert code == 1
    assert message.count("the data has no column 'id' for the unit ids") == 1
    assert "--id-column" in message
    renamed = assert_one_output("evaluate", "vn.four-good-cell", str(data), "--id-column", "cell")
    assert isinstance(renamed, bytes)


def test_an_output_file_gets_the_permissions_of_a_new_file(tmp_path):
    previous = os.umask(0o022)
    try:
        out = tmp_path / "results.csv"
        run("evaluate", "vn.four-good-cell", str(CELLS), "--format", "csv", "-o", str(out))
        assert stat.S_IMODE(out.stat().st_mode) == 0o644
        out.chmod(0o600)
        run("evaluate", "vn.four-good-cell", str(CELLS), "--format", "csv", "-o", str(out))
        assert stat.S_IMODE(out.stat().st_mode) == 0o600  # a replaced file keeps its own
    finally:
        os.umask(previous)


def test_a_failed_evaluation_leaves_the_output_file_alone(tmp_path):
    data = tmp_path / "cells.csv"
    data.write_text(CELLS.read_text().replace("C02,12,", "C02,ten,"))
    out = tmp_path / "out.csv"
    out.write_text("old")
    found = outputs("evaluate", "vn.four-good-cell", str(data), "--format", "csv", "-o", str(out))
    assert found["scalar"] == found["columnar"]
    assert "row 2: targets_assigned: expected an integer, got 'ten'" in found["scalar"][1]  # type: ignore[index]
    assert out.read_text() == "old"
    assert {path.name for path in tmp_path.iterdir()} == {"cells.csv", "out.csv"}


def test_compare_reads_every_form_alike(tmp_path):
    written = {}
    for form, suffix in (
        ("json", "json"),
        ("csv", "csv"),
        ("jsonl", "jsonl"),
        ("parquet", "parquet"),
    ):
        for engine in ENGINES:
            out = tmp_path / f"{engine}.{suffix}"
            result = run(
                "evaluate", "vn.four-good-cell", *CELL_LEVELS, "--format", form, "-o", str(out),
                "--engine", engine,
            )  # fmt: skip
            assert result.exit_code == 0, result.output
            written[form, engine] = out
    reports = {
        key: run("compare", str(path), str(written["json", "scalar"]), "--format", "json").stdout
        for key, path in written.items()
    }
    changes = {key: json.loads(text)["changes"] for key, text in reports.items()}
    first = changes["json", "scalar"]
    assert all(found == first for found in changes.values())
    assert {change["direction"] for change in first} == {"same"}


@pytest.mark.parametrize(
    ("extra", "message"),
    [(["--monthly", "x.csv"], "--monthly is gathered by the scalar engine")],
)
def test_what_the_columnar_engine_cannot_do_is_a_usage_error(extra, message):
    result = run(
        "evaluate", "vn.four-good-cell", str(COMMUNE / "cells.csv"), "--engine", "columnar", *extra
    )
    assert result.exit_code == 2
    assert message in result.stderr


def test_an_empty_file_is_the_same_data_error(tmp_path):
    (tmp_path / "empty.csv").write_text("")
    found = outputs("evaluate", "vn.four-good-cell", str(tmp_path / "empty.csv"))
    assert found["scalar"] == found["columnar"]
    assert "empty.csv: the CSV file has no header row" in found["scalar"][1]  # type: ignore[index]


ADJUSTING_PLUGIN = """
import attrs
import criteriakit


@criteriakit.hookimpl
def criteriakit_adjust_result(framework, result):
    review = criteriakit.Reason("local-review", "cap", "reviewed by the commune")
    return attrs.evolve(result, reasons=(*result.reasons, review))
"""


def test_results_adjusted_by_a_plugin_keep_the_scalar_engine(monkeypatch, tmp_path):
    (tmp_path / "criteriakit_plugin.py").write_text(ADJUSTING_PLUGIN)
    monkeypatch.setattr(_engine, "AUTO_ROWS", 100)
    auto = run("--plugin-dir", str(tmp_path), "evaluate", "vn.four-good-cell", *CELL_LEVELS)
    assert auto.exit_code == 0, auto.output
    assert auto.stdout.count("local-review") == 21  # the scalar engine applied the plugin
    columnar = run(
        "--plugin-dir",
        str(tmp_path),
        "evaluate",
        "vn.four-good-cell",
        *CELL_LEVELS,
        "--engine",
        "columnar",
    )
    assert columnar.exit_code == 1
    assert "hook criteriakit_adjust_result: it adjusts the full results of" in columnar.stderr
    assert "evaluate with the scalar executor" in columnar.stderr
