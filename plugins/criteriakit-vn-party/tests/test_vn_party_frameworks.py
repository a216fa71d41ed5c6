"""The vn-party plugin registers its three frameworks, and they classify as hand arithmetic says."""

from __future__ import annotations

import datetime as dt
import importlib.metadata

import pytest

import criteriakit
import criteriakit_vn_party

ON = dt.date(2025, 1, 1)
IDS = ("vn.four-good-member", "vn.four-good-cell", "vn.four-good-committee")


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in (
        "CRITERIAKIT_PATH",
        "CRITERIAKIT_DISABLE_PLUGINS",
        "CRITERIAKIT_DISABLE_PLUGIN_AUTOLOAD",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def registry():
    return criteriakit.Registry.load(autoload=False, plugins=[("vn-party", criteriakit_vn_party)])


def test_the_plugin_registers_three_frameworks_without_problems(registry):
    assert registry.problems == ()
    assert sorted(registry.frameworks) == sorted((framework_id, "2024") for framework_id in IDS)
    for framework_id in IDS:
        framework = registry.get(framework_id, on=ON)
        assert framework.ref == f"{framework_id}@2024"
        assert framework.tiers == ("excellent", "good", "complete", "not-completed")
        assert registry.frameworks[framework_id, "2024"].plugin.name == "vn-party"
        assert registry.frameworks[framework_id, "2024"].validity == "2024-05-19 .."
        assert framework.title("vi")
    assert registry.plugins.info("vn-party").hooks == ("criteriakit_register_frameworks",)


def test_no_framework_is_valid_before_the_guidance(registry):
    with pytest.raises(criteriakit.UnknownFrameworkError, match="valid on 2024-05-18"):
        registry.get("vn.four-good-member", on=dt.date(2024, 5, 18))


def test_the_bands_are_90_70_50(registry):
    for framework_id in IDS:
        tiers = registry.get(framework_id, on=ON).definition.tiers
        assert [tier.min_score for tier in tiers] == [90, 70, 50, 0]


# ---------------------------------------------------------------- vn.four-good-member


@pytest.fixture(scope="module")
def member(registry):
    return registry.get("vn.four-good-member", on=ON)


def member_inputs(**changes):
    inputs = {
        "monthly_scores": [95] * 12,
        "tasks_assigned": 10,
        "tasks_done": 10,
        "tasks_exceeded": 3,
        "disciplined": False,
    }
    return {**inputs, **changes}


def test_member_mean_exactly_on_90_with_gates_passing_is_excellent(member):
    # pairs summing to 180, whose float sum is not exactly 1080: the mean still reaches 90
    scores = [88.5, 91.5, 89.9, 90.1, 95, 85, 92.3, 87.7, 90, 90, 90, 90]
    # 3 of 10 tasks over-achieved is exactly the 30% the gate asks for
    result = member.evaluate(member_inputs(monthly_scores=scores), unit="m-01")
    assert result.score == 90
    assert (result.band_tier, result.tier) == ("excellent", "excellent")
    assert result.reason_codes == ()
    assert result.indicator("1.1").points == 90


def test_a_disciplined_member_is_not_completed_whatever_the_score(member):
    result = member.evaluate(member_inputs(disciplined=True))
    assert result.score == 95
    assert (result.band_tier, result.tier) == ("excellent", "not-completed")
    assert result.reason_codes == ("disciplined",)
    assert result.reasons[0].kind == "veto"


def test_fewer_than_half_of_the_tasks_done_is_a_veto(member):
    # 4 < 50% · 10
    result = member.evaluate(member_inputs(tasks_done=4, tasks_exceeded=0))
    assert result.tier == "not-completed"
    assert result.reason_codes == ("tasks-under-half",)


def test_member_gate_failure_falls_one_tier(member):
    # mean (80 · 6 + 100 · 6) / 12 = 90, but 2 of 10 over-achieved is under 30%
    result = member.evaluate(
        member_inputs(monthly_scores=[80, 100] * 6, tasks_exceeded=2), unit="m-02"
    )
    assert result.score == 90
    assert (result.band_tier, result.tier) == ("excellent", "good")
    assert result.reason_codes == ("excellent-tasks-exceeded",)
    assert result.reasons[0].values == {"tasks_assigned": 10, "tasks_exceeded": 2}


def test_a_task_left_undone_fails_both_gates_down_to_complete(member):
    # mean 95; 9 of 10 done: excellent and good both need every task done
    result = member.evaluate(member_inputs(tasks_done=9))
    assert (result.score, result.band_tier, result.tier) == (95, "excellent", "complete")
    assert result.reason_codes == ("excellent-all-tasks-done", "good-all-tasks-done")


def test_a_member_without_tasks_is_no_division_by_zero(member):
    result = member.evaluate(
        member_inputs(monthly_scores=[72, 68], tasks_assigned=0, tasks_done=0, tasks_exceeded=0)
    )
    assert (result.score, result.tier, result.reason_codes) == (70, "good", ())


def test_a_member_without_monthly_scores_is_not_evaluable(member):
    result = member.evaluate(member_inputs(monthly_scores=[]))
    assert not result.evaluable
    assert result.tier is None
    assert result.reason_codes == ("not-evaluable",)


def test_monthly_scores_are_checked(member):
    with pytest.raises(criteriakit.DataError, match="monthly_scores"):
        member.evaluate(member_inputs(monthly_scores=[101]))
    with pytest.raises(criteriakit.DataError, match="monthly_scores"):
        member.evaluate(member_inputs(monthly_scores=[90] * 13))


# ---------------------------------------------------------------- vn.four-good-committee


@pytest.fixture(scope="module")
def committee(registry):
    return registry.get("vn.four-good-committee", on=ON)


def committee_inputs(**changes):
    inputs = {
        "targets_assigned": 20,
        "targets_met": 20,
        "targets_exceeded": 6,
        "resolution_on_time": True,
        "political_system_rating": "excellent",
        "meetings_held": 12,
        "inspections_done": 4,
        "inspections_planned": 4,
        "disunity_found": False,
        "half_years_approved": 2,
        "executive_members_disciplined": 0,
        "cells_rated": 21,
        "cells_good_or_better": 21,
        "cells_excellent": 4,
        "cells_not_completed": 0,
    }
    return {**inputs, **changes}


def test_committee_criteria_add_up_to_100(committee):
    criteria = committee.definition.criteria
    assert [criterion.points for criterion in criteria] == [30, 25, 20, 25]
    scorer_types = {
        indicator.scorer.type for criterion in criteria for indicator in criterion.indicators
    }
    assert scorer_types == {"linear", "thresholds", "target", "boolean", "lookup"}


def test_a_perfect_committee_is_excellent(committee):
    # 4 of 21 cells excellent is 19% ≥ 15%: full points for 4.3
    result = committee.evaluate(committee_inputs(), unit="commune-01")
    assert result.score == 100
    assert (result.band_tier, result.tier) == ("excellent", "excellent")
    assert result.reason_codes == ()
    assert [criterion.score for criterion in result.criteria] == [30, 25, 20, 25]


def test_a_committee_with_over_a_third_of_its_cells_failing_is_vetoed(committee):
    # 8 of 21 cells not completed (> 7), 13 good (62%: 0 of 10), none excellent (0 of 10),
    # 4.2 lost (0 of 5): 100 − 25 = 75
    result = committee.evaluate(
        committee_inputs(cells_good_or_better=13, cells_excellent=0, cells_not_completed=8)
    )
    assert result.score == 75
    assert (result.band_tier, result.tier) == ("good", "not-completed")
    assert result.reason_codes == ("cells-mostly-failed",)
    assert result.reasons[0].kind == "veto"
    assert result.reasons[0].values == {"cells_not_completed": 8, "cells_rated": 21}


def test_exactly_a_third_of_the_cells_failing_is_no_veto(committee):
    result = committee.evaluate(
        committee_inputs(cells_good_or_better=14, cells_excellent=0, cells_not_completed=7)
    )
    assert (result.score, result.tier, result.reason_codes) == (75, "good", ())


def test_committee_gate_failure(committee):
    # 3 of 20 over-achieved is 15%: 4 of 8 points for 1.2, so 96, but excellent needs 30%
    result = committee.evaluate(committee_inputs(targets_exceeded=3))
    assert result.score == 96
    assert (result.band_tier, result.tier) == ("excellent", "good")
    assert result.reason_codes == ("excellent-targets-exceeded",)


def test_committee_partial_scores(committee):
    # 1.1: 14 · 15/20 = 10.5; 1.2: 2/20 = 10% → 0; 1.3: good → 6; 2.1: 10 · 9/12 = 7.5;
    # 2.2: 10 · 3/4 = 7.5; 2.3: 0; 3: 8 + 3 + 0 = 11; 4.1: 18/21 = 85.7% → 7; 4.2: 5;
    # 4.3: 10 · (1/21) / 0.15 = 3.1746…; total 10.5 + 6 + 7.5 + 7.5 + 11 + 7 + 5 = 54.5, + 3.1746…
    result = committee.evaluate(
        committee_inputs(
            targets_met=15,
            targets_exceeded=2,
            political_system_rating="good",
            meetings_held=9,
            inspections_done=3,
            resolution_on_time=False,
            half_years_approved=1,
            executive_members_disciplined=1,
            cells_good_or_better=18,
            cells_excellent=1,
        )
    )
    assert result.score == pytest.approx(54.5 + 10 / 21 / 0.15, abs=1e-9)
    assert (result.band_tier, result.tier) == ("complete", "complete")
    assert result.reason_codes == ()


def test_committee_vetoes_for_disunity_and_targets(committee):
    result = committee.evaluate(committee_inputs(disunity_found=True, targets_met=9))
    assert result.tier == "not-completed"
    assert result.reason_codes == ("targets-under-half", "disunity")


# ---------------------------------------------------------------- the installed distribution


def installed() -> bool:
    return any(
        entry_point.name == "vn-party"
        for entry_point in importlib.metadata.entry_points(group="criteriakit")
    )


@pytest.mark.skipif(
    not installed(),
    reason="criteriakit-vn-party is not installed (pip install ./plugins/criteriakit-vn-party)",
)
def test_the_installed_distribution_is_found_through_its_entry_point():
    registry = criteriakit.Registry.load()
    assert not [problem for problem in registry.problems if problem.plugin == "vn-party"]
    for framework_id in IDS:
        registry.get(framework_id, on=ON)
        plugin = registry.frameworks[framework_id, "2024"].plugin
        assert plugin.name == "vn-party"
        assert plugin.distribution is not None
        assert plugin.distribution.startswith("criteriakit-vn-party")
