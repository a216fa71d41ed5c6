"""`criteriakit evaluate --engine`: large data sets as columns, from the command line."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from criteriakit import _columnar_command
from criteriakit._commands import build_cli

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ROOT / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks"
COMMUNE = ROOT / "examples" / "commune"
LEVELS = [
    str(COMMUNE / "committees.csv"),
    "--children",
    str(COMMUNE / "cells.csv"),
    "--children",
    str(COMMUNE / "members.jsonl"),
]
CELL_LEVELS = [str(COMMUNE / "cells.csv"), "--children", str(COMMUNE / "members.jsonl")]


def run(*args: str):
    runner = CliRunner()
    return runner.invoke(
        build_cli(),
        ["--no-autoload", "--plugin-dir", str(FRAMEWORKS), *args],
        catch_exceptions=False,
    )


def tiers(text: str) -> dict[str, str]:
    return {row["unit"]: row["tier"] for row in csv.DictReader(io.StringIO(text))}


def test_the_columnar_engine_gives_the_scalar_tiers():
    columnar = run(
        "evaluate", "vn.four-good-cell", *CELL_LEVELS, "--format", "csv", "--engine", "columnar"
    )
    scalar = run(
        "evaluate", "vn.four-good-cell", *CELL_LEVELS, "--format", "csv", "--engine", "scalar"
    )
    assert columnar.exit_code == 0, columnar.output
    assert scalar.exit_code == 0, scalar.output
    assert tiers(columnar.stdout) == tiers(scalar.stdout)
    assert len(tiers(columnar.stdout)) == 21


def test_every_level_prints_as_a_table_and_json(tmp_path):
    result = run(
        "evaluate", "vn.four-good-committee", *LEVELS, "--engine", "columnar", "--all-levels"
    )
    assert result.exit_code == 0, result.output
    assert "vn.four-good-committee@2024 (1 units)" in result.stdout
    assert "vn.four-good-member@2024 (341 units)" in result.stdout
    out = tmp_path / "levels.json"
    result = run(
        "evaluate",
        "vn.four-good-committee",
        *LEVELS,
        "--engine",
        "columnar",
        "--all-levels",
        "--format",
        "json",
        "--output",
        str(out),
    )
    assert result.exit_code == 0, result.output
    records = json.loads(out.read_text())["results"]
    assert len(records) == 1 + 21 + 341
    assert {"unit", "score", "band_tier", "tier", "reasons", "evaluable"} <= set(records[-1])


def test_parquet_data_and_atomic_csv_output(tmp_path):
    cells = pl.read_csv(ROOT / "examples/four-good/cells.csv")
    cells.write_parquet(tmp_path / "cells.parquet")
    out = tmp_path / "out.csv"
    out.write_text("old")
    result = run(
        "evaluate",
        "vn.four-good-cell",
        str(tmp_path / "cells.parquet"),
        "--format",
        "csv",
        "-o",
        str(out),
        "--engine",
        "columnar",
    )
    assert result.exit_code == 1
    assert "action_plan_on_time: expected true or false, got 'yes'" in result.stderr
    assert out.read_text() == "old"
    typed = cells.with_columns(
        pl.col(name).replace_strict({"yes": True, "no": False})
        for name in ("action_plan_on_time", "absence_rule_kept", "disunity_found")
    )
    typed.write_parquet(tmp_path / "cells.parquet")
    result = run(
        "evaluate",
        "vn.four-good-cell",
        str(tmp_path / "cells.parquet"),
        "--format",
        "csv",
        "-o",
        str(out),
    )
    assert result.exit_code == 0, result.output
    assert len(tiers(out.read_text())) == 21
    assert not list(tmp_path.glob(".out.csv.*"))


def test_auto_picks_columns_for_large_data_sets(monkeypatch):
    small = run("evaluate", "vn.four-good-cell", *CELL_LEVELS, "--format", "json")
    assert small.exit_code == 0, small.output
    assert "criteria" in json.loads(small.stdout)["results"][0]  # the scalar's full results
    monkeypatch.setattr(_columnar_command, "AUTO_ROWS", 100)
    large = run("evaluate", "vn.four-good-cell", *CELL_LEVELS, "--format", "json")
    assert large.exit_code == 0, large.output
    document = json.loads(large.stdout)
    assert document["engine"] == "columnar"
    assert "criterion:1" in document["results"][0]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--monthly", "x.csv"], "--monthly is gathered by the scalar engine"),
        (["--data-format", "json"], "the columnar engine reads .csv, .parquet and .jsonl files"),
    ],
)
def test_what_the_columnar_engine_cannot_do_is_a_usage_error(extra, message):
    result = run(
        "evaluate", "vn.four-good-cell", str(COMMUNE / "cells.csv"), "--engine", "columnar", *extra
    )
    assert result.exit_code == 2
    assert message in result.stderr


def test_an_unreadable_file_is_a_data_error(tmp_path):
    (tmp_path / "empty.csv").write_text("")
    result = run(
        "evaluate", "vn.four-good-cell", str(tmp_path / "empty.csv"), "--engine", "columnar"
    )
    assert result.exit_code == 1
    assert "empty.csv: cannot read the data: empty CSV" in result.stderr


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
    monkeypatch.setattr(_columnar_command, "AUTO_ROWS", 100)
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
