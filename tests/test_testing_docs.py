"""The examples of docs/testing.md are real: they run, and print what the page shows."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from criteriakit.cli import build_cli
from criteriakit.testing import pytest_plugin

ROOT = Path(__file__).resolve().parent.parent
PAGE = (ROOT / "docs" / "testing.md").read_text(encoding="utf-8")


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", PAGE, re.DOTALL)


@pytest.fixture
def acme(tmp_path, monkeypatch):
    """The local plugin example, with the page's case file in its tests/ directory."""
    for name in ("CRITERIAKIT_PATH", "CRITERIAKIT_DISABLE_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    folder = tmp_path / "acme"
    shutil.copytree(ROOT / "examples" / "local-plugin", folder)
    (folder / "test_rules.py").unlink()
    (folder / "tests").mkdir()
    (case_file,) = [block for block in blocks("toml") if "acme.team-safety@2025" in block]
    (folder / "tests" / "test_team_safety.toml").write_text(case_file, encoding="utf-8")
    monkeypatch.chdir(folder)
    return folder


def run(*args: str):
    return CliRunner().invoke(build_cli(), ["--no-autoload", *args], catch_exceptions=False)


@pytest.mark.usefixtures("acme")
def test_the_case_file_passes_as_shown():
    (shown,) = [block for block in blocks("console") if "$ criteriakit test tests" in block]
    result = run("test", "tests")
    assert result.exit_code == 0
    assert result.output == shown.split("\n", 1)[1]


def test_a_failure_reads_as_shown(acme):
    case_file = acme / "tests" / "test_team_safety.toml"
    text = case_file.read_text(encoding="utf-8")
    case_file.write_text(
        text.replace("expect.score = 86", "expect.score = 88").replace(
            'expect.tier = "solid"', 'expect.tier = "exemplary"'
        ),
        encoding="utf-8",
    )
    (shown,) = [block for block in blocks("text") if "FAIL" in block]
    result = run("test", "tests")
    assert result.exit_code == 1
    assert shown in result.output


@pytest.mark.usefixtures("acme")
def test_the_coverage_report_is_as_shown():
    (shown,) = [block for block in blocks("text") if block.startswith("rule coverage of acme")]
    result = run("test", "--coverage", "tests")
    assert f"\n{shown}\n" in result.output


def test_the_quota_example_passes(tmp_path, monkeypatch):
    (case_file,) = [block for block in blocks("toml") if "[[cases.units]]" in block]
    shutil.copy(ROOT / "tests" / "data" / "cases" / "team.toml", tmp_path / "team.toml")
    (tmp_path / "test_quota.toml").write_text(case_file, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = run("test", "test_quota.toml")
    assert result.exit_code == 0, result.output


def test_the_pytest_example_passes(pytester, acme, monkeypatch):
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    (python,) = [block for block in blocks("python") if "criteriakit_evaluate" in block]
    (acme / "tests" / "test_review.py").write_text(python, encoding="utf-8")
    monkeypatch.chdir(acme)  # the case file's directory, not pytester's
    result = pytester.runpytest("-v", "tests", plugins=[pytest_plugin])
    result.assert_outcomes(passed=7, warnings=0)
    (shown,) = [block for block in blocks("console") if "$ pytest -v" in block]
    result.stdout.fnmatch_lines([f"{line}*" for line in shown.splitlines()[1:3]])


@pytest.mark.usefixtures("acme")
def test_the_python_example_runs(capsys):
    (python,) = [block for block in blocks("python") if "run_case_file" in block]
    exec(python, {})  # noqa: S102  the page's own example
    output = capsys.readouterr().out
    assert output.startswith("a flawless team is exemplary passed\n")
    assert "rule coverage of acme.team-safety@2025 (3 results):" in output
