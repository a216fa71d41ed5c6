"""Rule coverage counts what the results exercised: bands, gates both ways, vetoes, caps, quotas."""

from __future__ import annotations

from pathlib import Path

import pytest

import criteriakit
from criteriakit.scalar.quotas import apply_quotas
from criteriakit.testing import CoverageRecorder, RuleUse, rule_coverage
from criteriakit.testing.coverage import render_coverage

TEAM = Path(__file__).parent / "data" / "cases" / "team.toml"
CELL = (
    Path(__file__).parent.parent
    / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks/vn.four-good-cell.toml"
)


@pytest.fixture(scope="module")
def team() -> criteriakit.Framework:
    return criteriakit.load_framework(TEAM)


def evaluate(team, **changes):
    return team.evaluate({"done": 10, "planned": 10, "ok": True, **changes})


def uses(coverage) -> dict[str, RuleUse]:
    return {rule.id: rule for rule in coverage.rules}


def test_nothing_exercised_lists_every_rule_with_its_gaps(team):
    coverage = rule_coverage(team, [])
    assert coverage.results == 0
    assert [(rule.kind, rule.id, rule.tier) for rule in coverage.rules] == [
        ("band", "gold", "gold"),
        ("band", "silver", "silver"),
        ("band", "bronze", "bronze"),
        ("gate", "gold-all-done", "gold"),
        ("veto", "nothing-done", "bronze"),
        ("cap", "incidents", "silver"),
        ("quota", "gold-at-most-half-of-silver", "gold"),
    ]
    assert uses(coverage)["gold-all-done"].gaps == ("never failed", "never passed")
    assert uses(coverage)["incidents"].gaps == ("never fired",)
    assert len(coverage.not_exercised) == 7


def test_a_gate_counts_as_passed_only_where_it_was_checked(team):
    results = [
        evaluate(team),  # gold: the gate held
        evaluate(team, done=9),  # gold band, the gate failed
        evaluate(team, done=6),  # 76: a silver band checks no gold gate
        evaluate(team, incidents=1),  # capped at silver: the gold gate is not checked
        evaluate(team, done=0),  # vetoed
        evaluate(team, done=1, planned=0),  # not evaluable: nothing counted
    ]
    coverage = rule_coverage(team, results)
    assert coverage.results == 5
    counted = uses(coverage)
    assert (counted["gold"].hits, counted["silver"].hits, counted["bronze"].hits) == (3, 1, 1)
    assert (counted["gold-all-done"].hits, counted["gold-all-done"].passes) == (1, 1)
    assert counted["nothing-done"].hits == 1
    assert counted["incidents"].hits == 1
    assert [rule.id for rule in coverage.not_exercised] == ["gold-at-most-half-of-silver"]


def test_a_unit_demoted_by_a_quota_passed_the_gates_of_the_tier_it_had(team):
    results = apply_quotas(
        team.compiled, [evaluate(team), evaluate(team), evaluate(team, done=7)], [None] * 3
    )
    assert [result.tier for result in results] == ["silver", "gold", "silver"]
    counted = uses(rule_coverage(team, results))
    assert counted["gold-at-most-half-of-silver"].hits == 1
    assert counted["gold-all-done"].passes == 2


def test_results_of_other_frameworks_are_left_out(team):
    cell = criteriakit.load_framework(CELL)
    other = cell.evaluate(
        {
            "targets_assigned": 1,
            "targets_met": 1,
            "targets_exceeded": 1,
            "action_plan_on_time": True,
            "mass_orgs_total": 0,
            "mass_orgs_good": 0,
            "meetings_held": 12,
            "attendance_rate": 1,
            "thematic_meetings": 4,
            "absence_rule_kept": True,
            "members_disciplined": 0,
            "half_years_approved": 2,
            "disunity_found": False,
            "members_rated": 1,
            "members_good_or_better": 1,
            "members_not_completed": 0,
            "admissions": 1,
            "months_evaluated": 12,
        }
    )
    assert rule_coverage(team, [other]).results == 0


def test_the_report_renders_a_table_and_the_gaps(team):
    coverage = rule_coverage(team, [evaluate(team), evaluate(team, done=9)])
    assert coverage.render() == (
        "rule coverage of test.team@1 (2 results):\n"
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
        "  quota gold-at-most-half-of-silver: never demoted"
    )


def test_full_coverage_says_so(team):
    results = [
        *apply_quotas(team.compiled, [evaluate(team), evaluate(team, done=9)], [None] * 2),
        evaluate(team, done=0),
        evaluate(team, incidents=1),
        evaluate(team, done=5),
    ]
    coverage = rule_coverage(team, results)
    assert coverage.not_exercised == ()
    assert coverage.render().endswith("\nevery one of the 7 rules was exercised")


def test_the_recorder_groups_results_by_framework(team):
    recorder = CoverageRecorder()
    assert recorder.render() == "no criteriakit results were recorded"
    recorder.add(team, [evaluate(team)])
    recorder.add(criteriakit.load_framework(TEAM), [evaluate(team, done=9)])
    (coverage,) = recorder.report()
    assert coverage.results == 2
    assert render_coverage(recorder.report()) == recorder.render() == coverage.render()
