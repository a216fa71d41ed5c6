"""The tutorial (docs/tutorial.md) tells the truth about examples/local-plugin/.

Every code block that shows a file matches the file, every file of the example is shown, the
example's own tests pass, its framework evaluates its data set as the tutorial's table says, and
the Python snippet prints what its comments say.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import criteriakit
from criteriakit.data import read_units
from criteriakit.scalar.batch import evaluate_rows

ROOT = Path(__file__).resolve().parent.parent
TUTORIAL = ROOT / "docs" / "tutorial.md"
EXAMPLE = ROOT / "examples" / "local-plugin"
FRAMEWORK_ID = "acme.team-safety"

# ```lang title="path"  …  ``` : a block that shows a whole file of the repository
FILE_BLOCK = re.compile(r'^```\w+ title="([^"]+)"\n(.*?)^```$', re.MULTILINE | re.DOTALL)
PLAIN_BLOCK = re.compile(r"^```(\w+)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
RESULT_ROW = re.compile(
    r"^\| (T\d+) \| ([\d.]+) \| ([\w-]+) \| ([\w-]+) \| (.*?) ?\|$", re.MULTILINE
)

COMMANDS = (
    "criteriakit --plugin-dir examples/local-plugin frameworks",
    "criteriakit --plugin-dir examples/local-plugin show acme.team-safety",
    "criteriakit --plugin-dir examples/local-plugin evaluate acme.team-safety examples/local-plugin/teams.csv",
    "criteriakit --plugin-dir examples/local-plugin explain acme.team-safety examples/local-plugin/teams.csv --unit T03",
)


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in (
        "CRITERIAKIT_PATH",
        "CRITERIAKIT_DISABLE_PLUGINS",
        "CRITERIAKIT_DISABLE_PLUGIN_AUTOLOAD",
    ):
        monkeypatch.delenv(name, raising=False)


def tutorial() -> str:
    return TUTORIAL.read_text(encoding="utf-8")


def shown_files() -> list[tuple[str, str]]:
    return FILE_BLOCK.findall(tutorial())


def example_files() -> list[str]:
    return sorted(
        path.relative_to(ROOT).as_posix()
        for path in EXAMPLE.iterdir()
        if path.is_file() and not path.name.startswith(".")
    )


@pytest.fixture(scope="module")
def framework():
    registry = criteriakit.Registry.load(autoload=False, plugin_dirs=[EXAMPLE])
    assert registry.problems == ()
    return registry.get(FRAMEWORK_ID)


def test_the_tutorial_shows_files():
    shown = [name for name, _ in shown_files()]
    assert len(shown) == len(set(shown)), "a file is shown twice"
    assert sorted(shown) == example_files()


@pytest.mark.parametrize("name", example_files())
def test_a_shown_file_matches_the_file(name):
    blocks = dict(shown_files())
    assert name in blocks, f"{name} is not shown in the tutorial"
    assert blocks[name] == (ROOT / name).read_text(encoding="utf-8")


def test_the_tutorial_shows_the_commands_exactly():
    text = tutorial()
    for command in COMMANDS:
        assert f"$ {command}\n" in text
    assert "CRITERIAKIT_PATH" in text


def test_the_example_tests_pass_in_a_subprocess():
    environment = {
        name: value for name, value in os.environ.items() if not name.startswith("CRITERIAKIT_")
    }
    environment["PYTHONDONTWRITEBYTECODE"] = "1"
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            str(EXAMPLE / "test_rules.py"),
        ],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert re.search(r"\b8 passed\b", completed.stdout), completed.stdout


def test_the_plugin_registers_what_the_tutorial_says():
    registry = criteriakit.Registry.load(autoload=False, plugin_dirs=[EXAMPLE])
    assert registry.problems == ()
    assert registry.frameworks[FRAMEWORK_ID, "2025"].plugin.name == f"local:{EXAMPLE}"
    assert "incident_rate" in registry.extensions.functions
    assert "diminishing" in registry.extensions.scorers
    plugin_file = registry.plugins.info(f"local:{EXAMPLE / 'criteriakit_plugin.py'}")
    assert plugin_file.hooks == (
        "criteriakit_register_functions",
        "criteriakit_register_scorers",
        "criteriakit_validate_inputs",
    )


def test_criteriakit_path_is_the_alternative_to_plugin_dir(monkeypatch):
    monkeypatch.setenv("CRITERIAKIT_PATH", str(EXAMPLE))
    registry = criteriakit.Registry.load(autoload=False)
    assert registry.problems == ()
    assert registry.get(FRAMEWORK_ID).ref == "acme.team-safety@2025"


def test_the_data_set_evaluates_as_the_tutorial_table_says(framework):
    results = evaluate_rows(framework, read_units(EXAMPLE / "teams.csv"))
    table = RESULT_ROW.findall(tutorial())
    assert [result.unit for result in results] == [row[0] for row in table]
    for result, (unit, score, band_tier, tier, reasons) in zip(results, table, strict=True):
        assert result.score == pytest.approx(float(score), abs=1e-9), unit
        assert (result.band_tier, result.tier) == (band_tier, tier), unit
        assert ", ".join(result.reason_codes) == reasons, unit
    assert {result.tier for result in results} == set(framework.tiers)
    assert {reason.kind for result in results for reason in result.reasons} == {
        "veto",
        "cap",
        "gate",
    }


def test_impossible_data_in_the_data_set_is_refused(framework, tmp_path):
    rows = (EXAMPLE / "teams.csv").read_text(encoding="utf-8").splitlines()
    assert rows[1].startswith("T01,24,24,")
    rows[1] = rows[1].replace("T01,24,24,", "T01,24,25,")
    data = tmp_path / "teams.csv"
    data.write_text("\n".join(rows) + "\n", encoding="utf-8")
    with pytest.raises(criteriakit.DataError) as caught:
        evaluate_rows(framework, read_units(data))
    (problem,) = caught.value.problems
    assert (problem.row, problem.path) == (1, "members_with_initiative")
    assert problem.message.startswith("more members with an initiative than members")


def test_the_python_snippet_prints_what_its_comments_say(monkeypatch):
    (snippet,) = [
        code for language, code in PLAIN_BLOCK.findall(tutorial()) if language == "python"
    ]
    expected = re.findall(r"^print\(.*\)  # (.*)$", snippet, re.MULTILINE)
    monkeypatch.chdir(ROOT)
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        exec(compile(snippet, str(TUTORIAL), "exec"), {})  # noqa: S102  the tutorial's own code
    printed = output.getvalue().splitlines()
    assert printed[: len(expected)] == expected
    assert "exemplary-every-member" in output.getvalue()
