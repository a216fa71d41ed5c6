"""Case files load strictly: every problem at once, with its file, key path, line and column."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from criteriakit import CriteriaKitError
from criteriakit.errors import CaseFileError
from criteriakit.model.period import Period
from criteriakit.testing import Expectation, UnitCase, load_case_file

TEAM = Path(__file__).parent / "data" / "cases" / "team.toml"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    shutil.copy(TEAM, tmp_path / "team.toml")
    (tmp_path / "frameworks").mkdir()
    monkeypatch.chdir(tmp_path)
    return tmp_path


def load(text: str) -> object:
    Path("test_cases.toml").write_text(text, encoding="utf-8")
    return load_case_file("test_cases.toml")


def problems(text: str) -> str:
    with pytest.raises(CaseFileError) as caught:
        load(text)
    assert isinstance(caught.value, CriteriaKitError)
    return str(caught.value)


def test_a_case_file_loads_with_shared_inputs_and_the_file_tolerance(folder):
    case_file = load(
        """
framework = "team.toml"
plugin_dirs = ["frameworks"]
period = "2024-H1"
tolerance = 0.01

[inputs]
done = 10
planned = 10
ok = true

[[cases]]
name = "perfect"
expect = { tier = "gold" }

[[cases]]
name = "exact"
without = ["ok"]
inputs = { done = 9 }
expect = { score = 54, tolerance = 0 }

[[cases]]
name = "siblings"
[[cases.units]]
id = "a"
inputs = { ok = false }
expect.tier = "silver"
[[cases.units]]
id = "b"
"""
    )
    assert case_file.framework_path == Path("team.toml")
    assert case_file.plugin_dirs == ((folder / "frameworks").resolve(),)
    assert case_file.period == Period.parse("2024-H1")
    first, second, third = case_file.cases
    assert first.expect == Expectation(tier="gold", tolerance=0.01)
    assert second.expect == Expectation(score=54, tolerance=0)
    assert case_file.inputs_for(second) == {"done": 9, "planned": 10}
    assert third.units == (
        UnitCase("a", {"ok": False}, (), Expectation(tier="silver", tolerance=0.01)),
        UnitCase("b"),
    )
    assert case_file.inputs_for(third.units[0]) == {"done": 10, "planned": 10, "ok": False}
    assert [case_file.line(("cases", index)) for index in range(3)] == [12, 16, 22]


@pytest.mark.usefixtures("folder")
def test_a_registered_framework_is_named_with_its_version():
    case_file = load('framework = "test.team@1"\n[[cases]]\nname = "x"\nexpect.tier = "gold"\n')
    assert case_file.framework_path is None
    assert case_file.framework == "test.team@1"


@pytest.mark.usefixtures("folder")
def test_unknown_keys_and_wrong_types_are_reported_together():
    assert problems(
        """framework = "team.toml"
colour = "blue"

[[cases]]
name = 7
inputs = { done = 1 }
expect = { tier = "gold", scroe = 3 }
"""
    ) == (
        """3 problems in test_cases.toml:
test_cases.toml:2:1: colour: unknown key 'colour'
  2 | colour = "blue"
    | ^^^^^^
  hint: allowed keys: framework, cases, plugin_dirs, installed_plugins, period, tolerance, inputs
test_cases.toml:5:8: cases[0].name: expected a string, got an integer (7)
  5 | name = 7
    |        ^
  hint: quote it: "text"
test_cases.toml:7:27: cases[0].expect.scroe: unknown key 'scroe'
  7 | expect = { tier = "gold", scroe = 3 }
    |                           ^^^^^
  hint: did you mean 'score'?"""
    )


@pytest.mark.usefixtures("folder")
def test_missing_keys_point_at_the_table_that_lacks_them():
    assert problems('[[cases]]\nexpect.tier = "gold"\n') == (
        """2 problems in test_cases.toml:
test_cases.toml:1:1: framework: missing required key 'framework'
  1 | [[cases]]
    | ^
test_cases.toml:1:1: cases[0].name: missing required key 'name'
  1 | [[cases]]
    | ^^^^^^^^^"""
    )


@pytest.mark.usefixtures("folder")
def test_what_a_case_file_cannot_mean_is_reported_with_hints():
    assert problems(
        """framework = "missing.toml"
period = "2024-X"
tolerance = -1
plugin_dirs = ["nope"]

[inputs]
done = 1

[[cases]]
name = "one"
inputs = { done = 3 }
without = ["dnoe", "done"]
expect = { tier = "gold", error = "rejected" }

[[cases]]
name = "one"
expect = { evaluable = false, score = 3, tolerance = nan }

[[cases]]
name = "group"
expect.tier = "gold"
[[cases.units]]
id = "u"
expect.error = "x"
[[cases.units]]
id = "u"
expect = {}

[[cases]]
name = "no expectation"
"""
    ) == (
        """15 problems in test_cases.toml:
test_cases.toml:1:13: framework: no framework file 'missing.toml' next to the case file
  1 | framework = "missing.toml"
    |             ^^^^^^^^^^^^^^
  hint: a path is relative to the case file
test_cases.toml:2:10: period: invalid period '2024-X'
  2 | period = "2024-X"
    |          ^^^^^^^^
  hint: write 2024, 2024-H1, 2024-Q3 or 2024-06
test_cases.toml:3:13: tolerance: the tolerance must be a number ≥ 0
  3 | tolerance = -1
    |             ^^
test_cases.toml:4:16: plugin_dirs[0]: no directory 'nope' next to the case file
  4 | plugin_dirs = ["nope"]
    |                ^^^^^^
  hint: a plugin directory is relative to the case file
test_cases.toml:12:12: cases[0].without[0]: 'dnoe' is not one of the file's shared [inputs]
  12 | without = ["dnoe", "done"]
     |            ^^^^^^
  hint: did you mean 'done'?
test_cases.toml:12:20: cases[0].without[1]: 'done' is both left out and given
  12 | without = ["dnoe", "done"]
     |                    ^^^^^^
test_cases.toml:13:27: cases[0].expect.error: error cannot go with tier: rejected inputs give no result
  13 | expect = { tier = "gold", error = "rejected" }
     |                           ^^^^^
test_cases.toml:16:8: cases[1].name: another case is named 'one'
  16 | name = "one"
     |        ^^^^^
  hint: give every case its own name: the report and pytest use it
test_cases.toml:17:31: cases[1].expect.score: a unit that is not evaluable has no score
  17 | expect = { evaluable = false, score = 3, tolerance = nan }
     |                               ^^^^^
test_cases.toml:17:54: cases[1].expect.tolerance: the tolerance must be a number ≥ 0
  17 | expect = { evaluable = false, score = 3, tolerance = nan }
     |                                                      ^^^
test_cases.toml:21:1: cases[2].expect: a case with units gives expect per unit
  21 | expect.tier = "gold"
     | ^^^^^^
  hint: move expect into each [[cases.units]] table
test_cases.toml:24:8: cases[2].units[0].expect.error: a unit evaluated with its siblings cannot expect an error
  24 | expect.error = "x"
     |        ^^^^^
  hint: test rejected inputs in a case of their own
test_cases.toml:26:6: cases[2].units[1].id: another unit of the case has the id 'u'
  26 | id = "u"
     |      ^^^
test_cases.toml:27:10: cases[2].units[1].expect: expect checks nothing
  27 | expect = {}
     |          ^^
  hint: give tier, band_tier, score, reasons, points, evaluable, rank, awards or error
test_cases.toml:29:1: cases[3].expect: the case expects nothing
  29 | [[cases]]
     | ^^^^^^^^^
  hint: add expect.tier = "...", or expect.score, band_tier, reasons, points, evaluable, rank, awards, error"""
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'framework = "test.team"\n[[cases]]\nname = "x"\nexpect.tier = "gold"\n',
            "framework: name the framework with its version, got 'test.team'",
        ),
        ('framework = "team.toml"\ncases = []\n', "cases: the file has no cases"),
        (
            'framework = "team.toml"\n[[cases]]\nname = "g"\nunits = []\n',
            "cases[0].units: units is empty",
        ),
        (
            'framework = "team.toml"\n[[cases]]\nname = "g"\n[[cases.units]]\nid = "a"\n',
            "cases[0].units: no unit has an expect table: the case checks nothing",
        ),
    ],
)
@pytest.mark.usefixtures("folder")
def test_more_mistakes(text, expected):
    assert expected in problems(text)


@pytest.mark.usefixtures("folder")
def test_invalid_toml_is_reported_at_its_position():
    message = problems('framework = "team.toml"\n[[cases]\n')
    assert message.startswith("1 problem in test_cases.toml:\ntest_cases.toml:2:8: invalid TOML: ")
    assert message.endswith(
        "\n  2 | [[cases]\n    |        ^\n  hint: the case file format: https://criteriakit.readthedocs.io/en/latest/testing/#case-files"
    )


@pytest.mark.usefixtures("folder")
def test_a_file_that_is_not_utf8_is_refused():
    Path("test_cases.toml").write_bytes(b'framework = "team.toml"\n# caf\xe9\n')
    with pytest.raises(CaseFileError) as caught:
        load_case_file("test_cases.toml", source="cases")
    assert str(caught.value) == (
        "1 problem:\ncases:2: the file is not valid UTF-8\n  hint: save it as UTF-8"
    )
