"""The pytest plugin, run in-process by pytester: case files, fixtures, failures and coverage."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from criteriakit.testing import pytest_plugin

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
TEAM = ROOT / "tests" / "data" / "cases" / "team.toml"

CASES = """\
framework = "team.toml"

[inputs]
done = 10
planned = 10
ok = true

[[cases]]
name = "perfect"
expect = { score = 100, tier = "gold", reasons = [] }

[[cases]]
name = "one undone"
inputs = { done = 9 }
expect.score = 95
expect.tier = "gold"
expect.reasons = ["gold-all-done", "nothing-done"]
expect.points = { "a.1" = 60, "a.2" = 40 }

[[cases]]
name = "rejected"
inputs = { done = -1, colour = 3 }
expect.tier = "gold"

[[cases]]
name = "quota"

[[cases.units]]
id = "t1"
expect.tier = "gold"

[[cases.units]]
id = "t2"
expect.tier = "gold"

[[cases.units]]
id = "t3"
inputs = { done = 7 }
expect = { tier = "silver", band_tier = "silver" }
"""


@pytest.fixture
def tester(pytester, monkeypatch):
    """A pytester with the team framework, whose runs load no installed pytest plugin."""
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    shutil.copy(TEAM, pytester.path / "team.toml")
    return pytester


def run(tester, *args: str):
    """Run pytest in-process with the criteriakit plugin (installed or not)."""
    return tester.runpytest(*args, plugins=[pytest_plugin])


def section(result, title: str) -> list[str]:
    """The lines pytest printed under ``___ title ___``, up to the next header."""
    lines = result.stdout.lines
    start = next(
        i for i, line in enumerate(lines) if re.fullmatch(rf"_+ {re.escape(title)} _+", line)
    )
    end = next(
        (i for i in range(start + 1, len(lines)) if re.match(r"^(_{3,}|={3,}) ", lines[i])),
        len(lines),
    )
    return lines[start + 1 : end]


def test_each_case_is_a_test_item(tester):
    tester.makefile(".toml", test_team=CASES)
    result = run(tester, "-v")
    result.stdout.fnmatch_lines(
        [
            "test_team.toml::perfect PASSED*",
            "test_team.toml::one undone FAILED*",
            "test_team.toml::rejected FAILED*",
            "test_team.toml::quota FAILED*",
        ]
    )
    result.assert_outcomes(passed=1, failed=3, warnings=0)


def test_a_failed_case_shows_each_expectation_at_its_line_and_the_result(tester):
    tester.makefile(".toml", test_team=CASES)
    result = run(tester)
    assert section(result, "one undone") == [
        "test_team.toml:12: case 'one undone' failed",
        "  test_team.toml:15: score: expected 95 ± 1e-09, got 94",
        "  test_team.toml:16: tier: expected 'gold', got 'silver'",
        (
            "  test_team.toml:17: reasons: expected [gold-all-done, nothing-done], got [gold-all-done]:"
            " missing nothing-done"
        ),
        '  test_team.toml:18: points."a.1": expected 60, got 54 of 60',
        "  result: score 94 / 100, band tier gold, final tier silver",
        "    gate gold-all-done (tier gold): Gold needs everything done; done = 9, planned = 10",
        "    points lost: a.1 54 / 60",
    ]


def test_rejected_inputs_are_shown_where_the_case_file_gives_them(tester):
    tester.makefile(".toml", test_team=CASES)
    result = run(tester)
    assert section(result, "rejected") == [
        "test_team.toml:20: case 'rejected' failed",
        "  test_team.toml:20: the inputs were rejected:",
        "    test_team.toml:22:19: cases[2].inputs.done: -1 is below the minimum 0",
        "      22 | inputs = { done = -1, colour = 3 }",
        "         |                   ^^",
        "    test_team.toml:22:32: cases[2].inputs.colour: unknown input 'colour'",
        "      22 | inputs = { done = -1, colour = 3 }",
        "         |                                ^",
        "      hint: declared inputs: done, incidents, ok, planned",
    ]


def test_siblings_are_evaluated_together_and_quotas_apply(tester):
    tester.makefile(".toml", test_team=CASES)
    result = run(tester)
    # two golds for one silver: the quota allows one; of the tied scores, t1 goes first
    assert section(result, "quota") == [
        "test_team.toml:25: case 'quota' failed",
        "  test_team.toml:30: unit 't1': tier: expected 'gold', got 'silver'",
        "  result for unit 't1': score 100 / 100, band tier gold, final tier silver",
        (
            "    quota gold-at-most-half-of-silver (tier silver): Gold teams may be at most half as"
            " many as silver ones; gold = 2, silver = 1, demoted = 1"
        ),
    ]


def test_a_framework_that_cannot_load_fails_every_case_and_names_the_plugin_problems(tester):
    tester.mkdir("frameworks")
    tester.path.joinpath("frameworks", "broken.toml").write_text('id = "x"\n', encoding="utf-8")
    tester.makefile(
        ".toml",
        test_missing="""\
framework = "test.team@1"
plugin_dirs = ["frameworks"]

[[cases]]
name = "a"
expect.tier = "gold"

[[cases]]
name = "b"
expect.tier = "gold"
""",
    )
    result = run(tester)
    result.assert_outcomes(failed=2)
    lines = section(result, "b")
    assert lines[:2] == [
        "test_missing.toml:1: cannot load the framework 'test.team@1':",
        "no framework 'test.team' registered frameworks: none (is the plugin installed?)",
    ]
    assert lines[2] == "plugin problems:"
    assert re.fullmatch(
        r"plugin 'local:.*frameworks', hook criteriakit_register_frameworks: \d+ problems in .*broken\.toml:",
        lines[3],
    )


def test_a_bad_case_file_is_a_collection_error_with_every_problem(tester):
    tester.makefile(
        ".toml",
        test_bad='framework = "team.toml"\n\n[[cases]]\nname = "x"\nexpect.tier = "gold"\nexpect.scroe = 1\n',
    )
    result = run(tester)
    assert result.ret == pytest.ExitCode.INTERRUPTED
    assert section(result, "ERROR collecting test_bad.toml") == [
        "1 problem in test_bad.toml:",
        "test_bad.toml:6:8: cases[0].expect.scroe: unknown key 'scroe'",
        "  6 | expect.scroe = 1",
        "    |        ^^^^^",
        "  hint: did you mean 'score'?",
    ]


def test_other_toml_files_are_left_alone(tester):
    tester.makefile(".toml", test_settings="[tool.other]\nframework_version = 3\n")
    tester.makefile(".toml", cases='framework = "team.toml"\n')
    result = run(tester)
    assert result.ret == pytest.ExitCode.NO_TESTS_COLLECTED


def test_the_coverage_report_lists_what_no_test_exercised(tester):
    tester.makefile(".toml", test_team=CASES)
    tester.makepyfile(
        test_more="""
        import pytest

        @pytest.mark.criteriakit(framework="team.toml")
        def test_nothing_done(criteriakit_evaluate):
            result = criteriakit_evaluate({"done": 0, "planned": 10, "ok": True})
            assert result.tier == "bronze"
        """
    )
    result = run(tester, "--criteriakit-coverage")
    result.assert_outcomes(passed=2, failed=3)
    lines = result.stdout.lines
    start = lines.index("rule coverage of test.team@1 (6 results):")
    assert lines[start - 1 : start + 12] == [
        "========================== criteriakit rule coverage ===========================",
        "rule coverage of test.team@1 (6 results):",
        "rule   id                           tier    exercised",
        "band   gold                         gold    reached 4",
        "band   silver                       silver  reached 1",
        "band   bronze                       bronze  reached 1",
        "gate   gold-all-done                gold    failed 1, passed 3",
        "veto   nothing-done                 bronze  fired 1",
        "cap    incidents                    silver  never fired",
        "quota  gold-at-most-half-of-silver  gold    demoted 1",
        "not exercised (1 of 7):",
        "  cap incidents: never fired",
        "=========================== short test summary info ============================",
    ]


def test_without_the_option_there_is_no_coverage_report(tester):
    tester.makefile(".toml", test_team=CASES)
    result = run(tester)
    assert "criteriakit rule coverage" not in result.stdout.str()


def test_the_fixtures_are_isolated_and_find_files_next_to_the_test(tester, monkeypatch):
    checks = tester.mkdir("checks")
    (tester.path / "team.toml").rename(checks / "team.toml")
    (checks / "frameworks").mkdir()
    shutil.copy(TEAM, checks / "frameworks" / "team.toml")
    monkeypatch.setenv("CRITERIAKIT_PATH", str(checks / "frameworks"))
    (checks / "test_fixtures.py").write_text(
        textwrap.dedent(
            """
        import datetime as dt

        import pytest

        import criteriakit
        from criteriakit.testing import assert_tier


        def test_only_the_builtin_plugin(criteriakit_registry):
            assert [info.name for info in criteriakit_registry.plugins.infos] == ["criteriakit"]
            assert criteriakit_registry.frameworks == {}


        @pytest.mark.criteriakit(plugin_dirs="frameworks")
        def test_a_plugin_directory_relative_to_the_test_file(criteriakit_load):
            assert criteriakit_load("test.team@1").ref == "test.team@1"
            assert criteriakit_load("test.team", on=dt.date(2025, 1, 1)).ref == "test.team@1"


        def test_a_framework_file_relative_to_the_test_file(criteriakit_load):
            assert criteriakit_load("team.toml").source.endswith("team.toml")


        @pytest.mark.criteriakit(plugins=[("in-process", criteriakit.plugins)])
        def test_plugin_objects(criteriakit_registry):
            assert "in-process" in [info.name for info in criteriakit_registry.plugins.infos]


        @pytest.mark.criteriakit(framework="team.toml")
        def test_the_marked_framework(criteriakit_framework, criteriakit_evaluate):
            assert criteriakit_framework.ref == "test.team@1"
            result = criteriakit_evaluate({"done": 10, "planned": 10, "ok": True}, unit="t")
            assert_tier(result, "gold")
            other = criteriakit_evaluate(
                {"done": 1, "planned": 10, "ok": False}, framework=criteriakit_framework
            )
            assert_tier(other, "bronze")


        def test_an_unknown_framework_says_what_exists(criteriakit_load):
            with pytest.raises(criteriakit.UnknownFrameworkError, match="registered frameworks: none"):
                criteriakit_load("test.team@1")
        """
        ),
        encoding="utf-8",
    )
    result = run(tester)
    result.assert_outcomes(passed=6, warnings=0)


def test_fixture_misuse_is_an_error_that_says_how_to_fix_it(tester):
    tester.makepyfile(
        test_misuse="""
        import pytest

        def test_no_marker(criteriakit_framework):
            pass

        @pytest.mark.criteriakit(framwork="team.toml")
        def test_misspelt(criteriakit_registry):
            pass

        @pytest.mark.criteriakit("team.toml")
        def test_positional(criteriakit_registry):
            pass
        """
    )
    result = run(tester)
    result.assert_outcomes(errors=3)
    result.stdout.fnmatch_lines(
        [
            "*criteriakit_framework needs @pytest.mark.criteriakit(framework=...)",
            (
                "*@pytest.mark.criteriakit got the unknown argument 'framwork'; it takes framework,"
                " plugin_dirs, plugins, installed_plugins"
            ),
            (
                "*@pytest.mark.criteriakit takes keyword arguments: framework, plugin_dirs, plugins,"
                " installed_plugins"
            ),
        ]
    )


def test_an_assertion_helper_fails_at_the_test_line_with_its_message(tester):
    tester.makepyfile(
        test_helper="""
        import criteriakit
        from criteriakit.testing import assert_tier

        def test_gold():
            framework = criteriakit.load_framework("team.toml")
            result = framework.evaluate({"done": 9, "planned": 10, "ok": True})
            assert_tier(result, "gold")
        """
    )
    result = run(tester)
    result.assert_outcomes(failed=1)
    assert section(result, "test_gold")[-7:] == [
        '>       assert_tier(result, "gold")',
        "E       AssertionError: tier: expected 'gold', got 'silver'",
        "E       result: score 94 / 100, band tier gold, final tier silver",
        "E         gate gold-all-done (tier gold): Gold needs everything done; done = 9, planned = 10",
        "E         points lost: a.1 54 / 60",
        "",
        "test_helper.py:7: AssertionError",
    ]
    assert "assertions.py" not in result.stdout.str()


def test_the_plugin_is_declared_to_pytest():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    declared = pyproject["project"]["entry-points"]["pytest11"]
    assert declared == {"criteriakit": "criteriakit.testing.pytest_plugin"}
    assert "pytest" not in str(pyproject["project"]["dependencies"])


def test_importing_criteriakit_testing_imports_neither_pytest_nor_hypothesis():
    code = (
        "import sys, criteriakit, criteriakit.testing\n"
        "criteriakit.testing.assert_tier, criteriakit.testing.load_case_file\n"
        "print(sorted({'pytest', 'hypothesis'} & set(sys.modules)))"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert shown.stdout == "[]\n"
