"""Hierarchies: members → cells → committees, roll-ups, and their errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import criteriakit
from criteriakit import Registry
from criteriakit.data import UnitRow, read_units
from criteriakit.scalar.hierarchy import evaluate_levels

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ROOT / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks"
COMMUNE = ROOT / "examples" / "commune"
ROLLED = (
    "members_disciplined",
    "members_rated",
    "members_good_or_better",
    "members_not_completed",
    "months_evaluated",
)


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load(autoload=False, plugin_dirs=[FRAMEWORKS])


@pytest.fixture(scope="module")
def commune(registry):
    levels = [
        read_units(COMMUNE / name) for name in ("committees.csv", "cells.csv", "members.jsonl")
    ]
    return levels, evaluate_levels(registry.get("vn.four-good-committee", "2024"), levels)


TASKS = {"tasks_assigned": 4, "tasks_done": 4, "tasks_exceeded": 2, "disciplined": False}
CELL = {
    "targets_assigned": 10,
    "targets_met": 10,
    "targets_exceeded": 4,
    "action_plan_on_time": True,
    "mass_orgs_total": 0,
    "mass_orgs_good": 0,
    "meetings_held": 12,
    "attendance_rate": 0.95,
    "thematic_meetings": 4,
    "absence_rule_kept": True,
    "half_years_approved": 2,
    "disunity_found": False,
    "admissions": 1,
}


def member(unit: str, mean: float, **changes: object) -> UnitRow:
    return UnitRow(unit, {**TASKS, "monthly_scores": [mean] * 12, **changes}, 0, parent="C1")


def test_a_cell_rolled_up_from_its_members_by_hand(registry):
    members = [
        member("M1", 95),  # excellent
        member("M2", 85),  # good
        member("M3", 75),  # good
        member("M4", 60),  # complete
        member("M5", 95, disciplined=True),  # vetoed: not completed
    ]
    # the quota: 1 excellent against 2 good is over 20 %; demoting M1 gives 0 <= 0.6.
    cell = UnitRow("C1", CELL, 1)
    top, bottom = evaluate_levels(registry.get("vn.four-good-cell", "2024"), [[cell], members])
    assert [r.tier for r in bottom.results] == ["good", "good", "good", "complete", "not-completed"]
    (result,) = top.results
    assert result.rolled_up == {
        "members_disciplined": 1,
        "members_rated": 5,
        "members_good_or_better": 3,
        "members_not_completed": 1,
        "months_evaluated": 12,
    }
    # 3.1 no member disciplined: 0 of 8; 4.1 3/5 = 60 % < 70 %: 0 of 10; 4.2: 0 of 5 → 100 − 23
    assert result.score == 77
    assert (result.band_tier, result.tier) == ("good", "good")


def test_roll_ups_equal_the_same_inputs_given_directly(registry, commune):
    levels, (_, cells, _) = commune
    cell_framework = registry.get("vn.four-good-cell", "2024")
    for row, result in zip(levels[1], cells.results, strict=True):
        assert set(result.rolled_up) == set(ROLLED)
        direct = cell_framework.evaluate(
            {**row.values, **result.rolled_up} | _typed(row, cell_framework), unit=row.unit
        )
        assert (direct.score, direct.tier, direct.reason_codes) == (
            result.score,
            result.tier,
            result.reason_codes,
        )


def _typed(row: UnitRow, framework: criteriakit.Framework) -> dict[str, object]:
    return framework.compiled.inputs.check(row.values)


def test_the_commune_evaluates_with_the_member_quota(commune):
    _, (committee, cells, members) = commune
    assert len(members.results) >= 320
    assert len(cells.results) == 21
    demoted = [
        r for r in members.results if "excellent-at-most-20-percent-of-good" in r.reason_codes
    ]
    assert demoted
    assert all(r.tier == "good" and r.band_tier == "excellent" for r in demoted)
    assert committee.results[0].rolled_up["cells_rated"] == 21


def test_children_whose_parent_is_missing_are_reported(registry):
    orphan = UnitRow("M9", {**TASKS, "monthly_scores": [80] * 12}, 7, parent="C2")
    with pytest.raises(criteriakit.DataError) as caught:
        evaluate_levels(
            registry.get("vn.four-good-cell", "2024"),
            [[UnitRow("C1", CELL, 1)], [orphan]],
        )
    assert (
        caught.value.problems[0].message
        == "unit 'M9' has parent 'C2', which is not in the level above"
    )
    assert caught.value.problems[0].row == 7


def test_rolled_up_inputs_given_in_the_data_too_are_refused(registry):
    cell = UnitRow("C1", {**CELL, "members_rated": 5}, 1)
    with pytest.raises(criteriakit.DataError) as caught:
        evaluate_levels(registry.get("vn.four-good-cell", "2024"), [[cell], [member("M1", 80)]])
    problem = caught.value.problems[0]
    assert (
        problem.message
        == "input 'members_rated' is rolled up from the members; the data gives it too"
    )
    assert problem.path == "members_rated"


def test_a_framework_loaded_on_its_own_cannot_take_children():
    cell = criteriakit.load_framework(FRAMEWORKS / "vn.four-good-cell.toml")
    assert cell.compiled.children is None
    with pytest.raises(
        criteriakit.DataError, match="was loaded on its own, so its children's framework"
    ):
        evaluate_levels(cell, [[UnitRow("C1", CELL, 1)], [member("M1", 80)]])
    member_framework = criteriakit.load_framework(FRAMEWORKS / "vn.four-good-member.toml")
    with pytest.raises(criteriakit.DataError, match=r"declares no \[children\]"):
        evaluate_levels(member_framework, [[member("M1", 80)], [member("M2", 80)]])


def test_not_evaluable_children_can_fail_their_parent(tmp_path):
    member_text = (FRAMEWORKS / "vn.four-good-member.toml").read_text()
    cell_text = (
        (FRAMEWORKS / "vn.four-good-cell.toml")
        .read_text()
        .replace('name = "members"', 'name = "members"\nnot_evaluable = "fail"')
    )
    (tmp_path / "member.toml").write_text(member_text)
    (tmp_path / "cell.toml").write_text(cell_text)
    registry = Registry.load(autoload=False, plugin_dirs=[tmp_path])
    assert registry.problems == ()
    empty = UnitRow(
        "M1", {**TASKS, "monthly_scores": []}, 3, parent="C1"
    )  # no months: not evaluable
    with pytest.raises(criteriakit.DataError) as caught:
        evaluate_levels(registry.get("vn.four-good-cell"), [[UnitRow("C1", CELL, 1)], [empty]])
    assert "unit 'M1' is not evaluable" in caught.value.problems[0].message


def rollup_framework(rollup: str) -> str:
    text = (FRAMEWORKS / "vn.four-good-cell.toml").read_text()
    return text.replace('rollup = "count(members)"', f'rollup = "{rollup}"')


@pytest.mark.parametrize(
    ("rollup", "message"),
    [
        ("count(memberz)", "unknown input 'memberz'"),
        ("avg(members, score)", "the rollup gives number, but input 'members_rated' is integer"),
        ("count(members, tier >= 'goood')", "unknown level 'goood'"),
    ],
)
def test_roll_ups_are_checked_when_the_framework_loads(tmp_path, rollup, message):
    (tmp_path / "member.toml").write_text((FRAMEWORKS / "vn.four-good-member.toml").read_text())
    (tmp_path / "cell.toml").write_text(rollup_framework(rollup))
    registry = Registry.load(autoload=False, plugin_dirs=[tmp_path])
    (problem,) = registry.problems
    assert message in str(problem)
    assert "inputs.members_rated.rollup" in str(problem)


def test_a_rollup_needs_children():
    text = (FRAMEWORKS / "vn.four-good-cell.toml").read_text()
    text = text.replace(
        '[children]\nframework = "vn.four-good-member@2024"\nname = "members"\n', ""
    )
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.loads_framework(text)
    assert {problem.message for problem in caught.value.problems} == {"a rollup needs [children]"}


def test_the_cli_rolls_up_and_prints_every_level():
    from click.testing import CliRunner  # noqa: PLC0415

    from criteriakit.cli import build_cli  # noqa: PLC0415  the CLI needs the cli extra

    arguments = [
        "--no-autoload",
        "--plugin-dir",
        str(FRAMEWORKS),
        "evaluate",
        "vn.four-good-committee",
    ]
    files = [
        str(COMMUNE / "committees.csv"),
        "--children",
        str(COMMUNE / "cells.csv"),
        "--children",
        str(COMMUNE / "members.jsonl"),
    ]
    result = CliRunner().invoke(build_cli(), [*arguments, *files, "--format", "json"])
    assert result.exit_code == 0, result.output
    (committee,) = json.loads(result.stdout)["results"]
    assert committee["rolled_up"]["cells_rated"] == 21
    every = CliRunner().invoke(
        build_cli(), [*arguments, *files, "--format", "json", "--all-levels"]
    )
    frameworks = [r["framework"] for r in json.loads(every.stdout)["results"]]
    assert frameworks.count("vn.four-good-member") >= 320
    assert frameworks[0] == "vn.four-good-committee"
    table = CliRunner().invoke(build_cli(), [*arguments, *files])
    header, row = table.stdout.splitlines()
    assert header.split() == ["unit", "score", "band", "tier", "tier", "reasons"]
    assert row.startswith(committee["unit"])
    csv_all = CliRunner().invoke(
        build_cli(), [*arguments, *files, "--format", "csv", "--all-levels"]
    )
    assert csv_all.exit_code == 2


def test_lint_checks_roll_ups_when_the_children_framework_is_registered(tmp_path):
    from click.testing import CliRunner  # noqa: PLC0415  the CLI needs the cli extra

    from criteriakit.cli import build_cli  # noqa: PLC0415

    path = tmp_path / "cell.toml"
    path.write_text(rollup_framework("count(memberz)"))
    alone = CliRunner().invoke(build_cli(), ["--no-autoload", "lint", str(path)])
    assert alone.exit_code == 0  # the children's framework is unknown: direct inputs only
    checked = CliRunner().invoke(
        build_cli(), ["--no-autoload", "--plugin-dir", str(FRAMEWORKS), "lint", str(path)]
    )
    assert checked.exit_code == 1
    assert "inputs.members_rated.rollup: unknown input 'memberz'" in checked.stderr
