"""The command line, run in-process through click's runner and once as a real process."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from criteriakit.cli import build_cli, main

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK = str(
    ROOT / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks/vn.four-good-cell.toml"
)
CELLS = str(ROOT / "examples/four-good/cells.csv")
BAD = ROOT / "tests/data/bad"


def run(*args: str):
    return CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)


def test_lint_ok():
    result = run("lint", FRAMEWORK)
    assert result.exit_code == 0
    assert result.output.endswith(
        ": ok: vn.four-good-cell@2024, 4 criteria, 15 indicators, 4 tiers, 3 rules\n"
    )


def test_lint_reports_every_file_and_fails():
    result = run("lint", str(BAD / "unknown-key.toml"), FRAMEWORK, str(BAD / "wrong-type.toml"))
    assert result.exit_code == 1
    assert "unknown key 'pionts'" in result.stderr
    assert "expected a number, got a string" in result.stderr
    assert "ok: vn.four-good-cell@2024" in result.stdout


def test_evaluate_json():
    result = run("evaluate", FRAMEWORK, CELLS, "--format", "json")
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    results = document["results"]
    assert len(results) == 21
    first = results[0]
    for key in (
        "unit",
        "framework",
        "score",
        "max_score",
        "tier",
        "band_tier",
        "criteria",
        "reasons",
    ):
        assert key in first
    assert first["unit"] == "C01"
    assert first["framework"] == "vn.four-good-cell"
    assert first["criteria"][0]["indicators"][0]["id"] == "1.1"
    by_unit = {r["unit"]: r for r in results}
    assert by_unit["C21"]["score"] == 100
    assert by_unit["C21"]["tier"] == "excellent"
    assert by_unit["C05"]["tier"] == "not-completed"
    assert by_unit["C05"]["reasons"][0]["code"] == "targets-under-half"
    assert {"code", "message"} <= by_unit["C10"]["reasons"][0].keys()


def test_evaluate_csv_and_table_agree():
    as_csv = run("evaluate", FRAMEWORK, CELLS, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert len(rows) == 21
    assert rows[0].keys() >= {
        "unit",
        "score",
        "tier",
        "band_tier",
        "reasons",
        "criterion:1",
        "indicator:4.4",
    }
    table = run("evaluate", FRAMEWORK, CELLS)
    assert table.exit_code == 0
    lines = table.stdout.splitlines()
    assert lines[0].split()[:2] == ["unit", "score"]
    c21 = next(line for line in lines if line.startswith("C21"))
    assert "100 / 100" in c21
    assert "excellent" in c21


def test_evaluate_json_lines_and_json_inputs(tmp_path):
    records = [
        {
            "id": "a",
            "targets_assigned": 10,
            "targets_met": 10,
            "targets_exceeded": 3,
            "action_plan_on_time": True,
            "mass_orgs_total": 0,
            "mass_orgs_good": 0,
            "meetings_held": 12,
            "attendance_rate": 0.9,
            "thematic_meetings": 4,
            "absence_rule_kept": True,
            "members_disciplined": 0,
            "half_years_approved": 2,
            "disunity_found": False,
            "members_rated": 10,
            "members_good_or_better": 9,
            "members_not_completed": 0,
            "admissions": 1,
            "months_evaluated": 12,
        }
    ]
    jsonl = tmp_path / "cells.jsonl"
    jsonl.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    as_json = tmp_path / "cells.json"
    as_json.write_text(json.dumps(records))
    for path in (jsonl, as_json):
        result = run("evaluate", FRAMEWORK, str(path), "--format", "json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["results"][0]["tier"] == "excellent"


def test_bad_rows_are_reported_by_row_and_column_and_nothing_is_written(tmp_path):
    lines = Path(CELLS).read_text().splitlines()
    header = lines[0].split(",")
    row3 = lines[3].split(",")
    row3[header.index("attendance_rate")] = "lots"
    row5 = lines[5].split(",")
    row5[header.index("half_years_approved")] = "3"
    data = tmp_path / "cells.csv"
    data.write_text(
        "\n".join([lines[0], *lines[1:3], ",".join(row3), lines[4], ",".join(row5), *lines[6:]])
        + "\n"
    )
    output = tmp_path / "out.json"
    result = run("evaluate", FRAMEWORK, str(data), "--format", "json", "--output", str(output))
    assert result.exit_code == 1
    assert not output.exists()
    assert result.stdout == ""
    assert f"{data}: row 3: attendance_rate: expected a number, got 'lots'" in result.stderr
    assert f"{data}: row 5: half_years_approved: 3 is above the maximum 2" in result.stderr
    assert result.stderr.startswith(f"2 data problems in {data}:")


def test_output_file_is_written_atomically(tmp_path):
    output = tmp_path / "results.csv"
    output.write_text("old")
    result = run("evaluate", FRAMEWORK, CELLS, "--format", "csv", "-o", str(output))
    assert result.exit_code == 0
    assert result.stdout == ""
    assert output.read_text().startswith("unit,parent,framework,version,evaluable,score")
    assert [p.name for p in tmp_path.iterdir()] == ["results.csv"]


def test_unknown_columns_and_duplicate_ids(tmp_path):
    lines = Path(CELLS).read_text().splitlines()
    data = tmp_path / "d.csv"
    data.write_text("\n".join([lines[0], lines[1], lines[1]]) + "\n")
    result = run("evaluate", FRAMEWORK, str(data))
    assert result.exit_code == 1
    assert "row 2: id: unit id 'C01' repeats row 1" in result.stderr
    data.write_text("\n".join([lines[0].replace("targets_assigned", "targets_asigned"), lines[1]]))
    result = run("evaluate", FRAMEWORK, str(data))
    assert result.stderr.splitlines()[1:] == [
        f"{data}: targets_asigned: unknown input 'targets_asigned': vn.four-good-cell@2024 declares no such input",
        "  hint: did you mean 'targets_assigned'?",
        f"{data}: targets_assigned: the data has no column for the input 'targets_assigned' (integer)",
        "  hint: add the column (an empty cell counts as missing), or give the input a default",
    ]


def test_evaluation_failure_is_reported_by_row(tmp_path):
    lines = Path(CELLS).read_text().splitlines()
    header = lines[0].split(",")
    row = lines[1].split(",")
    for column in ("targets_assigned", "targets_met", "targets_exceeded"):
        row[header.index(column)] = "0"
    data = tmp_path / "cells.csv"
    data.write_text("\n".join([lines[0], ",".join(row)]) + "\n")
    result = run("evaluate", FRAMEWORK, str(data))
    assert result.exit_code == 1
    assert (
        f"{data}: row 1: unit 'C01': indicator 1.1 (Targets met) could not be computed: division by zero in 'targets_met / targets_assigned'"
        in result.stderr
    )


def test_bad_framework_in_evaluate():
    result = run("evaluate", str(BAD / "unknown-tier.toml"), CELLS)
    assert result.exit_code == 1
    assert "unknown tier 'pore'" in result.stderr


def test_explain_one_unit():
    result = run("explain", FRAMEWORK, CELLS, "--unit", "C10")
    assert result.exit_code == 0
    assert result.stdout.startswith("C10 · vn.four-good-cell@2024")
    assert (
        "[veto] disunity: A formal finding of internal disunity (disunity_found = yes)"
        in result.stdout
    )
    missing = run("explain", FRAMEWORK, CELLS, "--unit", "C99")
    assert missing.exit_code == 2
    assert "no unit 'C99'" in missing.stderr


def test_unknown_data_format(tmp_path):
    data = tmp_path / "cells.xls"
    data.write_text("")
    result = run("evaluate", FRAMEWORK, str(data))
    assert result.exit_code == 1
    assert "cannot tell the data format from the suffix '.xls'" in result.stderr


def test_data_format_option_overrides_the_suffix(tmp_path):
    data = tmp_path / "cells.txt"
    data.write_text(Path(CELLS).read_text())
    result = run("evaluate", FRAMEWORK, str(data), "--data-format", "csv", "--format", "json")
    assert result.exit_code == 0, result.stderr
    assert len(json.loads(result.stdout)["results"]) == 21


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "the CSV file has no header row"),
        ("id,a\n1,2,3\n", "the row has more cells than the header has columns"),
        ("id,a,a\n1,2,3\n", "the header repeats the column 'a'"),
    ],
)
def test_malformed_csv(tmp_path, content, message):
    data = tmp_path / "d.csv"
    data.write_text(content)
    result = run("evaluate", FRAMEWORK, str(data))
    assert result.exit_code == 1
    assert message in result.stderr


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("d.json", "{", "invalid JSON: Expecting property name enclosed in double quotes"),
        ("d.json", '{"id": 1}', "expected a JSON array of objects, one per unit"),
        ("d.json", "[1]", "row 1: expected an object with the unit's values"),
        ("d.jsonl", '{"id": "a"}\nnot json\n', "d.jsonl:2:1: row 2: invalid JSON: Expecting value"),
        ("d.json", '[{"name": "x"}]', "id: the data has no column 'id' for the unit ids"),
    ],
)
def test_malformed_json(tmp_path, name, content, message):
    data = tmp_path / name
    data.write_text(content)
    result = run("evaluate", FRAMEWORK, str(data))
    assert result.exit_code == 1
    assert message in result.stderr


def test_console_script_runs_as_a_process():
    completed = subprocess.run(
        [sys.executable, "-m", "criteriakit", "lint", FRAMEWORK],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert "ok: vn.four-good-cell@2024" in completed.stdout


HELP_TEXTS = """
import sys
from click.testing import CliRunner
from criteriakit.cli import build_cli
cli = build_cli()
for command in (None, *cli.commands):
    shown = CliRunner().invoke(cli, [command, "--help"] if command else ["--help"])
    assert shown.exit_code == 0, shown.output
print("\\n".join(sys.modules))
"""


def test_help_imports_click_and_the_cli_not_the_library():
    shown = subprocess.run(
        [sys.executable, "-c", HELP_TEXTS], capture_output=True, text=True, check=True
    )
    modules = set(shown.stdout.split())
    heavy = {
        "polars",
        "pandas",
        "rich",
        "pluggy",
        "cattrs",
        "criteriakit.loading",
        "criteriakit.registry",
        "criteriakit.columnar",
        "criteriakit.scalar.framework",
        "criteriakit.testing",
        "criteriakit.compare",
        "criteriakit.render",
    }
    assert "click" in modules
    assert not heavy & modules


def test_without_the_cli_extra_the_command_says_what_to_install(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "click", None)
    monkeypatch.delitem(sys.modules, "criteriakit.cli._group", raising=False)
    with pytest.raises(SystemExit) as caught:
        main(["lint", FRAMEWORK])
    assert caught.value.code == 2
    assert (
        capsys.readouterr().err
        == "the criteriakit command needs click: pip install 'criteriakit[cli]'\n"
    )


@pytest.fixture
def plugin_dir(tmp_path, monkeypatch):
    for name in ("CRITERIAKIT_PATH", "CRITERIAKIT_DISABLE_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "cell.toml").write_text(Path(FRAMEWORK).read_text())
    return str(tmp_path)


def test_frameworks_plugins_and_show(plugin_dir):
    listed = run("--no-autoload", "--plugin-dir", plugin_dir, "frameworks")
    assert listed.exit_code == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert lines[0].split() == ["id", "version", "valid", "title", "plugin", "distribution"]
    assert lines[1].split()[:4] == ["vn.four-good-cell", "2024", "2024-05-19", ".."]
    plugins = run("--no-autoload", "--plugin-dir", plugin_dir, "plugins")
    assert (
        "scorers: boolean, linear, lookup, relative, target, thresholds; weightings: geometric, sum"
        in plugins.stdout
    )
    assert f"local:{plugin_dir}" in plugins.stdout
    assert "frameworks: vn.four-good-cell@2024" in plugins.stdout
    shown = run("--no-autoload", "--plugin-dir", plugin_dir, "show", "vn.four-good-cell@2024")
    assert shown.exit_code == 0
    assert shown.stdout.startswith("vn.four-good-cell@2024 — 4-good party cell\n")
    assert (
        "    1.2 Targets over-achieved — 6: thresholds of targets_exceeded / targets_assigned"
        in shown.stdout
    )
    assert "  veto disunity: when disunity_found → at most not-completed" in shown.stdout


def test_evaluate_by_id_and_by_date(plugin_dir):
    by_id = run(
        "--no-autoload",
        "--plugin-dir",
        plugin_dir,
        "evaluate",
        "vn.four-good-cell",
        CELLS,
        "--format",
        "csv",
    )
    by_path = run("--no-autoload", "evaluate", FRAMEWORK, CELLS, "--format", "csv")
    assert by_id.exit_code == 0, by_id.stderr
    assert by_id.stdout == by_path.stdout
    too_early = run(
        "--no-autoload",
        "--plugin-dir",
        plugin_dir,
        "evaluate",
        "vn.four-good-cell",
        CELLS,
        "--on",
        "2020-01-01",
    )
    assert too_early.exit_code == 1
    assert "no version of 'vn.four-good-cell' is valid on 2020-01-01" in too_early.stderr
    unknown = run("--no-autoload", "--plugin-dir", plugin_dir, "show", "vn.four-good-cel")
    assert unknown.exit_code == 1
    assert "did you mean 'vn.four-good-cell'?" in unknown.stderr


def test_plugin_problems_are_warnings_and_plugins_can_be_disabled(plugin_dir):
    (Path(plugin_dir) / "broken.toml").write_text('id = "x"\n')
    result = run("--no-autoload", "--plugin-dir", plugin_dir, "frameworks")
    assert result.exit_code == 0
    assert result.stderr.startswith(
        f"warning: plugin 'local:{plugin_dir}', hook criteriakit_register_frameworks:"
    )
    assert "vn.four-good-cell" in result.stdout
    disabled = run(
        "--no-autoload",
        "--plugin-dir",
        plugin_dir,
        "--disable-plugin",
        f"local:{plugin_dir}",
        "frameworks",
    )
    assert "vn.four-good-cell" not in disabled.stdout
    assert disabled.stderr == ""


def test_diff_between_a_base_and_its_specialisation(plugin_dir):
    small = ROOT / "tests" / "data" / "good" / "small.toml"
    (Path(plugin_dir) / "small.toml").write_text(small.read_text())
    (Path(plugin_dir) / "child.toml").write_text(
        'extends = "test.small@1"\nid = "test.child"\nversion = "2"\n\n[remove]\nrules = ["nothing-done"]\n'
    )
    result = run("--no-autoload", "--plugin-dir", plugin_dir, "diff", "test.small@1", "test.child")
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[0] == "test.small@1 → test.child@2"
    assert "  - rule nothing-done" in result.stdout
    same = run("--no-autoload", "diff", str(small), str(small))
    assert same.exit_code == 0


def test_compare_through_the_cli_knows_the_tier_order(plugin_dir, tmp_path):
    (Path(plugin_dir) / "member.toml").write_text(
        (
            ROOT
            / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks/vn.four-good-member.toml"
        ).read_text()
    )
    base = ["--no-autoload", "--plugin-dir", plugin_dir]
    lines = Path(CELLS).read_text().splitlines()
    header = lines[0].split(",")
    worse = []
    for line in lines[1:]:
        cells = line.split(",")
        cells[header.index("disunity_found")] = (
            "yes" if cells[0] == "C21" else cells[header.index("disunity_found")]
        )
        worse.append(",".join(cells))
    later = tmp_path / "later.csv"
    later.write_text("\n".join([lines[0], *worse]) + "\n")
    for name, data, period in (("2023.json", CELLS, "2023"), ("2024.json", str(later), "2024")):
        result = run(
            *base,
            "evaluate",
            "vn.four-good-cell",
            data,
            "--format",
            "json",
            "--on",
            "2024-06-01",
            "--period",
            period,
            "-o",
            str(tmp_path / name),
        )
        assert result.exit_code == 0, result.stderr
    compared = run(
        *base, "compare", str(tmp_path / "2023.json"), str(tmp_path / "2024.json"), "--only-changes"
    )
    assert compared.exit_code == 0, compared.stderr
    assert compared.stdout.startswith("2023 → 2024: 21 units; 0 up, 1 down, 20 same")
    assert "C21" in compared.stdout
    assert "disunity" in compared.stdout
