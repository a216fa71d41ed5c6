"""``criteriakit test`` runs case files without Python: a readable summary and an exit status."""

from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from criteriakit import registry
from criteriakit.cli import build_cli
from criteriakit.render import atomic

ROOT = Path(__file__).resolve().parent.parent
TEAM = ROOT / "tests" / "data" / "cases" / "team.toml"
VN_PARTY = ROOT / "plugins" / "criteriakit-vn-party"

PASSING = """\
framework = "team.toml"

[inputs]
done = 10
planned = 10
ok = true

[[cases]]
name = "perfect"
expect = { score = 100, tier = "gold" }

[[cases]]
name = "one undone"
inputs = { done = 9 }
expect = { score = 94, band_tier = "gold", tier = "silver", reasons = ["gold-all-done"] }
"""

FAILING = """\
framework = "team.toml"

[[cases]]
name = "half done"
inputs = { done = 5, planned = 10, ok = true }
expect = { score = 70, tier = "gold" }

[[cases]]
name = "missing input"
inputs = { done = 5, ok = true }
expect.error = "division by zero"
"""


@pytest.fixture
def folder(tmp_path, monkeypatch):
    for name in ("CRITERIAKIT_PATH", "CRITERIAKIT_DISABLE_PLUGINS"):
        monkeypatch.delenv(name, raising=False)
    shutil.copy(TEAM, tmp_path / "team.toml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(*args: str):
    return CliRunner().invoke(build_cli(), ["--no-autoload", *args], catch_exceptions=False)


@pytest.mark.usefixtures("folder")
def test_passing_cases_exit_0():
    Path("test_team.toml").write_text(PASSING, encoding="utf-8")
    result = run("test", ".")
    assert result.exit_code == 0
    assert result.output == (
        "test_team.toml: test.team@1\n  PASS  perfect\n  PASS  one undone\n\n2 passed in 1 file\n"
    )


@pytest.mark.usefixtures("folder")
def test_failures_are_shown_with_their_lines_and_exit_1():
    Path("test_team.toml").write_text(PASSING, encoding="utf-8")
    Path("checks").mkdir()
    Path("checks/test_failing.toml").write_text(
        FAILING.replace('"team.toml"', '"../team.toml"'), encoding="utf-8"
    )
    result = run("test", "test_team.toml", "checks")
    assert result.exit_code == 1
    assert result.output == (
        "test_team.toml: test.team@1\n"
        "  PASS  perfect\n"
        "  PASS  one undone\n"
        "checks/test_failing.toml: test.team@1\n"
        "  FAIL  half done (checks/test_failing.toml:3)\n"
        "        checks/test_failing.toml:6: tier: expected 'gold', got 'silver'\n"
        "        result: score 70 / 100, band tier silver, final tier silver\n"
        "          points lost: a.1 30 / 60\n"
        "  FAIL  missing input (checks/test_failing.toml:8)\n"
        "        checks/test_failing.toml:11: error: expected the inputs to be rejected with"
        " 'division by zero', got:\n"
        "          indicator a.1 (Done) could not be computed: input 'planned' is missing\n"
        "\n"
        "2 passed, 2 failed in 2 files\n"
    )


@pytest.mark.usefixtures("folder")
def test_bad_files_are_errors_and_the_others_still_run():
    Path("test_bad.toml").write_text('framework = "team.toml"\ncases = 3\n', encoding="utf-8")
    Path("test_lost.toml").write_text(
        'framework = "test.gone@1"\n[[cases]]\nname = "x"\nexpect.tier = "gold"\n',
        encoding="utf-8",
    )
    Path("test_team.toml").write_text(PASSING, encoding="utf-8")
    result = run("test", ".")
    assert result.exit_code == 1
    assert result.output == (
        "test_bad.toml: ERROR\n"
        "  1 problem in test_bad.toml:\n"
        "  test_bad.toml:2:9: cases: expected an array, got an integer (3)\n"
        "    2 | cases = 3\n"
        "      |         ^\n"
        "    hint: write [ ... ]\n"
        "test_lost.toml: ERROR\n"
        "  test_lost.toml:1: cannot load the framework 'test.gone@1':\n"
        "  no framework 'test.gone' registered frameworks: none (is the plugin installed?)\n"
        "test_team.toml: test.team@1\n"
        "  PASS  perfect\n"
        "  PASS  one undone\n"
        "\n"
        "2 passed, 2 errors in 3 files\n"
    )


@pytest.mark.usefixtures("folder")
def test_coverage_is_reported_before_the_count():
    Path("test_team.toml").write_text(PASSING, encoding="utf-8")
    result = run("test", "--coverage", "test_team.toml")
    assert result.exit_code == 0
    assert result.output.endswith(
        "\nrule coverage of test.team@1 (2 results):\n"
        "rule   id                           tier    exercised\n"
        "band   gold                         gold    reached 2\n"
        "band   silver                       silver  never reached\n"
        "band   bronze                       bronze  never reached\n"
        "gate   gold-all-done                gold    failed 1, passed 1\n"
        "veto   nothing-done                 bronze  never fired\n"
        "cap    incidents                    silver  never fired\n"
        "quota  gold-at-most-half-of-silver  gold    never demoted\n"
        "not exercised (5 of 7):\n"
        "  band silver: never reached\n"
        "  band bronze: never reached\n"
        "  veto nothing-done: never fired\n"
        "  cap incidents: never fired\n"
        "  quota gold-at-most-half-of-silver: never demoted\n"
        "\n"
        "2 passed in 1 file\n"
    )


def test_usage_errors_exit_2(folder):
    (folder / "test_hidden").mkdir()
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "test_x.toml").write_text(PASSING, encoding="utf-8")
    empty = run("test", ".")
    assert empty.exit_code == 2
    assert "no case files (test_*.toml) in ." in empty.output
    missing = run("test", "nowhere")
    assert missing.exit_code == 2
    assert "'nowhere' does not exist" in missing.output


def test_the_group_plugin_options_apply_to_every_case_file(folder):
    (folder / "frameworks").mkdir()
    (folder / "team.toml").rename(folder / "frameworks" / "team.toml")
    Path("test_team.toml").write_text(
        PASSING.replace('"team.toml"', '"test.team@1"'), encoding="utf-8"
    )
    assert run("test", ".").exit_code == 1
    result = run("--plugin-dir", "frameworks", "test", ".")
    assert result.exit_code == 0, result.output
    disabled = run(
        "--plugin-dir", "frameworks", "--disable-plugin", "local:frameworks", "test", "."
    )
    assert disabled.exit_code == 1


def test_the_bundled_vn_party_cases_pass():
    result = run("test", str(VN_PARTY / "tests"))
    assert result.exit_code == 0, result.output
    assert result.output.endswith("\n22 passed in 1 file\n")


@pytest.mark.usefixtures("folder")
def test_installed_plugins_are_loaded_only_when_the_case_file_asks(monkeypatch):
    calls = []
    real_load = registry.Registry.load

    def load(**options):
        calls.append(options["autoload"])
        return real_load(**{**options, "autoload": False})

    monkeypatch.setattr(registry.Registry, "load", load)
    Path("test_team.toml").write_text(PASSING, encoding="utf-8")
    Path("test_installed.toml").write_text(
        PASSING.replace(
            'framework = "team.toml"', 'framework = "team.toml"\ninstalled_plugins = true'
        ),
        encoding="utf-8",
    )
    assert CliRunner().invoke(build_cli(), ["test", "."]).exit_code == 0
    assert sorted(calls) == [False, True]
    calls.clear()
    assert run("test", ".").exit_code == 0  # --no-autoload wins
    assert calls == [False, False]


@pytest.mark.usefixtures("folder")
def test_misspelt_names_get_a_hint_and_unexpected_errors_are_shown():
    Path("test_team.toml").write_text(
        """\
framework = "team.toml"

[[cases]]
name = "misspelt"
inputs = { done = 0, planned = 10, ok = true }
expect = { tier = "bronz", reasons = ["nothing-dnoe"] }

[[cases]]
name = "missing input"
inputs = { done = 5, ok = true }
expect.tier = "gold"

[[cases]]
name = "accepted"
inputs = { done = 5, planned = 10, ok = true }
expect.error = "below the minimum"
""",
        encoding="utf-8",
    )
    result = run("test", ".")
    assert result.exit_code == 1
    assert result.output == (
        "test_team.toml: test.team@1\n"
        "  FAIL  misspelt (test_team.toml:3)\n"
        "        test_team.toml:6: tier: expected 'bronz', got 'bronze'"
        " (the framework has no tier 'bronz'; did you mean 'bronze'?)\n"
        "        test_team.toml:6: reasons: expected [nothing-dnoe], got [nothing-done]:"
        " missing nothing-dnoe; unexpected nothing-done"
        " (no rule, gate or quota is named 'nothing-dnoe'; did you mean 'nothing-done'?)\n"
        "        result: score 40 / 100, band tier bronze, final tier bronze\n"
        "          veto nothing-done (tier bronze): Nothing was done; done = 0\n"
        "          points lost: a.1 0 / 60\n"
        "  FAIL  missing input (test_team.toml:8)\n"
        "        test_team.toml:8: the evaluation failed:\n"
        "          indicator a.1 (Done) could not be computed: input 'planned' is missing\n"
        "  FAIL  accepted (test_team.toml:13)\n"
        "        test_team.toml:16: error: expected the inputs to be rejected with"
        " 'below the minimum', but they were accepted\n"
        "        result: score 70 / 100, band tier silver, final tier silver\n"
        "          points lost: a.1 30 / 60\n"
        "\n"
        "0 passed, 3 failed in 1 file\n"
    )


@pytest.mark.usefixtures("folder")
@pytest.mark.parametrize(
    ("language", "summary"),
    [
        ("vi", "  ĐẠT  perfect\n  KHÔNG ĐẠT  half done"),
        ("de", "  BESTANDEN  perfect\n  FEHLGESCHLAGEN  half done"),
    ],
)
def test_the_summary_is_in_the_language_asked_for(language, summary):
    pytest.importorskip("babel")
    Path("test_team.toml").write_text(
        PASSING.replace('name = "one undone"', 'name = "half done"').replace(
            "done = 9 }", "done = 5 }"
        ),
        encoding="utf-8",
    )
    Path("test_broken.toml").write_text("framework = [", encoding="utf-8")
    result = run("test", ".", "--language", language)
    assert result.exit_code == 1
    assert summary in result.output
    last = result.output.splitlines()[-1]
    assert (
        last
        == {
            "vi": "1 đạt, 1 không đạt, 1 lỗi trong 2 tệp",
            "de": "1 bestanden, 1 fehlgeschlagen, 1 Fehler in 2 Dateien",
        }[language]
    )
    assert {"vi": "test_broken.toml: LỖI", "de": "test_broken.toml: FEHLER"}[language] in (
        result.output
    )


@pytest.mark.usefixtures("folder")
def test_the_language_may_come_from_the_environment(monkeypatch):
    pytest.importorskip("babel")
    Path("test_team.toml").write_text(PASSING, encoding="utf-8")
    monkeypatch.setenv("CRITERIAKIT_LANGUAGE", "de")
    assert run("test", ".").output.endswith("2 bestanden in 1 Datei\n")
    monkeypatch.setenv("CRITERIAKIT_LANGUAGE", "fr")
    refused = CliRunner().invoke(build_cli(), ["--no-autoload", "test", "."])
    assert refused.exit_code == 2
    assert "'fr' is not one of 'en', 'vi', 'de'" in refused.output


@pytest.mark.usefixtures("folder")
@pytest.mark.parametrize(("environment", "shown"), [({}, False), ({"FORCE_COLOR": "1"}, True)])
def test_a_progress_bar_counts_the_cases_on_a_terminal_only(environment, shown):
    Path("test_team.toml").write_text(PASSING, encoding="utf-8")
    Path("test_again.toml").write_text(PASSING, encoding="utf-8")
    done = CliRunner(env=environment).invoke(
        build_cli(), ["--no-autoload", "test", "."], catch_exceptions=False
    )
    assert done.exit_code == 0
    assert ("running cases" in done.stderr and "4/4" in done.stderr) is shown
    assert done.stdout.endswith("4 passed in 2 files\n")


# ---------------------------------------------------------------- --format json, --junitxml, -q, -v


def _three_files():
    """A passing file, a file with two failing cases, and a file that cannot run."""
    Path("test_team.toml").write_text(PASSING, encoding="utf-8")
    Path("checks").mkdir()
    Path("checks/test_failing.toml").write_text(
        FAILING.replace('"team.toml"', '"../team.toml"'), encoding="utf-8"
    )
    Path("test_bad.toml").write_text('framework = "team.toml"\ncases = 3\n', encoding="utf-8")


@pytest.mark.usefixtures("folder")
def test_json_gives_every_case_the_files_that_could_not_run_and_the_counts():
    _three_files()
    result = run("test", "--format", "json", ".")
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert list(document) == ["cases", "errors", "summary"]
    assert [(case["file"], case["name"], case["outcome"]) for case in document["cases"]] == [
        ("checks/test_failing.toml", "half done", "failed"),
        ("checks/test_failing.toml", "missing input", "failed"),
        ("test_team.toml", "perfect", "passed"),
        ("test_team.toml", "one undone", "passed"),
    ]
    half_done = document["cases"][0]
    assert half_done == {
        "file": "checks/test_failing.toml",
        "line": 3,
        "name": "half done",
        "framework": "test.team@1",
        "outcome": "failed",
        "failures": [{"line": 6, "message": "tier: expected 'gold', got 'silver'"}],
    }
    assert document["cases"][2]["failures"] == []
    (error,) = document["errors"]
    assert error["file"] == "test_bad.toml"
    assert "cases: expected an array, got an integer (3)" in error["message"]
    assert document["summary"] == {"passed": 2, "failed": 2, "errors": 1, "files": 3}


@pytest.mark.usefixtures("folder")
def test_json_has_the_rule_coverage_when_asked_and_exits_0_when_all_pass():
    Path("test_team.toml").write_text(PASSING, encoding="utf-8")
    plain = json.loads(run("test", "--format", "json", ".").stdout)
    assert "coverage" not in plain
    result = run("test", "--format", "json", "--coverage", ".")
    assert result.exit_code == 0
    (coverage,) = json.loads(result.stdout)["coverage"]
    assert (coverage["framework"], coverage["results"]) == ("test.team@1", 2)
    assert {"kind": "band", "id": "gold", "tier": "gold", "hits": 2, "passes": 0} in (
        coverage["rules"]
    )


def _parse_junit(path: Path) -> ET.Element:
    return ET.fromstring(path.read_text(encoding="utf-8"))  # noqa: S314  the command's own output


@pytest.mark.usefixtures("folder")
def test_junit_xml_is_written_as_pytest_writes_it():
    _three_files()
    result = run("test", ".", "--junitxml", "junit.xml")
    assert result.exit_code == 1
    assert result.output.endswith("\n2 passed, 2 failed, 1 error in 3 files\n")
    assert sorted(path.name for path in Path().iterdir()) == [
        "checks",
        "junit.xml",
        "team.toml",
        "test_bad.toml",
        "test_team.toml",
    ], "no temporary file is left behind"
    suites = _parse_junit(Path("junit.xml"))
    assert suites.tag == "testsuites"
    (suite,) = suites
    assert suite.tag == "testsuite"
    assert {key: suite.get(key) for key in ("name", "tests", "failures", "errors", "skipped")} == {
        "name": "criteriakit",
        "tests": "5",
        "failures": "2",
        "errors": "1",
        "skipped": "0",
    }
    assert float(suite.get("time")) >= 0
    assert suite.get("timestamp")
    cases = [(case.get("classname"), case.get("name")) for case in suite.iter("testcase")]
    assert cases == [
        ("checks.test_failing", "half done"),
        ("checks.test_failing", "missing input"),
        ("test_bad", "test_bad.toml"),
        ("test_team", "perfect"),
        ("test_team", "one undone"),
    ]
    half_done, missing, bad, perfect, _ = suite.iter("testcase")
    (failure,) = half_done
    assert failure.tag == "failure"
    assert failure.get("message") == "tier: expected 'gold', got 'silver'"
    assert failure.text.startswith("checks/test_failing.toml:6: tier: expected 'gold'")
    assert "result: score 70 / 100" in failure.text
    assert missing[0].get("message").startswith("error: expected the inputs to be rejected")
    (error,) = bad
    assert error.tag == "error"
    assert "cases: expected an array" in error.text
    assert list(perfect) == []


@pytest.mark.usefixtures("folder")
def test_junit_xml_holds_any_case_name():
    Path("test_team.toml").write_text(
        PASSING.replace('name = "perfect"', 'name = "<perfect> & \\"bell\\" \\u0007"'),
        encoding="utf-8",
    )
    result = run("test", "--format", "json", "--junitxml", "junit.xml", ".")
    assert result.exit_code == 0
    names = [case.get("name") for case in _parse_junit(Path("junit.xml")).iter("testcase")]
    assert names == ['<perfect> & "bell" \\x07', "one undone"]
    assert json.loads(result.stdout)["cases"][0]["name"] == '<perfect> & "bell" \u0007'


@pytest.mark.usefixtures("folder")
def test_a_junit_file_that_cannot_be_written_is_refused_before_any_case_runs():
    Path("test_team.toml").write_text(PASSING, encoding="utf-8")
    missing = run("test", ".", "--junitxml", "nowhere/junit.xml")
    assert missing.exit_code == 2
    assert "Invalid value for '--junitxml': the folder 'nowhere' does not exist" in missing.stderr
    assert missing.stdout == ""
    Path("reports").mkdir()
    folder = run("test", ".", "--junitxml", "reports")
    assert folder.exit_code == 2
    assert "'reports' is a directory" in folder.stderr


@pytest.mark.usefixtures("folder")
def test_a_junit_file_that_fails_to_be_written_ends_with_status_1(monkeypatch):
    def refuse(path, _text):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(atomic, "write_text_atomic", refuse)
    Path("test_team.toml").write_text(PASSING, encoding="utf-8")
    result = run("test", ".", "--junitxml", "junit.xml")
    assert result.exit_code == 1
    assert result.stdout.endswith("2 passed in 1 file\n")
    assert result.stderr == "cannot write the JUnit XML report junit.xml: Permission denied\n"


@pytest.mark.usefixtures("folder")
def test_quiet_prints_the_failures_and_the_count_only():
    Path("test_team.toml").write_text(PASSING, encoding="utf-8")
    assert run("test", "-q", ".").output == "2 passed in 1 file\n"
    Path("checks").mkdir()
    Path("checks/test_failing.toml").write_text(
        FAILING.replace('"team.toml"', '"../team.toml"'), encoding="utf-8"
    )
    result = run("test", "--quiet", ".")
    assert result.exit_code == 1
    assert result.output.startswith("checks/test_failing.toml: test.team@1\n  FAIL  half done")
    assert "PASS" not in result.output
    assert "test_team.toml" not in result.output
    assert result.output.endswith("\n\n2 passed, 2 failed in 2 files\n")


@pytest.mark.usefixtures("folder")
def test_verbose_shows_the_results_of_the_cases_that_passed():
    Path("test_team.toml").write_text(PASSING, encoding="utf-8")
    result = run("test", "-v", ".")
    assert result.exit_code == 0
    assert result.output == (
        "test_team.toml: test.team@1\n"
        "  PASS  perfect\n"
        "        result: score 100 / 100, band tier gold, final tier gold\n"
        "  PASS  one undone\n"
        "        result: score 94 / 100, band tier gold, final tier silver\n"
        "          gate gold-all-done (tier gold): Gold needs everything done; done = 9, planned = 10\n"
        "          points lost: a.1 54 / 60\n"
        "\n"
        "2 passed in 1 file\n"
    )


@pytest.mark.usefixtures("folder")
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["-q", "-v"], "--quiet and --verbose cannot be used together"),
        (
            ["--format", "junit"],
            "Invalid value for '--format': 'junit' is not one of 'text', 'json'",
        ),
    ],
)
def test_option_mistakes_are_usage_errors(arguments, message):
    Path("test_team.toml").write_text(PASSING, encoding="utf-8")
    result = run("test", *arguments, ".")
    assert result.exit_code == 2
    assert message in result.stderr


def test_plugin_dir_may_follow_the_test_command(folder):
    (folder / "frameworks").mkdir()
    (folder / "team.toml").rename(folder / "frameworks" / "team.toml")
    Path("test_team.toml").write_text(
        PASSING.replace('"team.toml"', '"test.team@1"'), encoding="utf-8"
    )
    result = run("test", "--plugin-dir", "frameworks", ".")
    assert result.exit_code == 0, result.output
