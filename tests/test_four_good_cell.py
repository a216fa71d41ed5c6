"""The worked example vn.four-good-cell (DOMAIN.md), scored by hand and compared."""

from __future__ import annotations

from pathlib import Path

import pytest

import criteriakit

PERFECT: dict[str, object] = {
    "targets_assigned": 10,
    "targets_met": 10,
    "targets_exceeded": 4,
    "action_plan_on_time": True,
    "mass_orgs_total": 3,
    "mass_orgs_good": 3,
    "meetings_held": 12,
    "attendance_rate": 0.95,
    "thematic_meetings": 4,
    "absence_rule_kept": True,
    "members_disciplined": 0,
    "half_years_approved": 2,
    "disunity_found": False,
    "members_rated": 15,
    "members_good_or_better": 15,
    "members_not_completed": 0,
    "admissions": 1,
    "admissions_target": 1,
    "months_evaluated": 12,
}


@pytest.fixture(scope="module")
def cell() -> criteriakit.Framework:
    return criteriakit.load_framework(
        Path(__file__).parent.parent
        / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks/vn.four-good-cell.toml"
    )


def evaluate(framework: criteriakit.Framework, **changes: object) -> criteriakit.Result:
    return framework.evaluate({**PERFECT, **changes}, unit="cell")


def test_perfect_cell_is_excellent(cell):
    result = evaluate(cell)
    assert result.score == 100
    assert result.tier == result.band_tier == "excellent"
    assert result.reasons == ()
    assert result.improvement is None
    assert [c.score for c in result.criteria] == [30, 25, 20, 25]


def test_typical_cell_matches_hand_arithmetic(cell):
    # 1.1 12·9/12 = 9; 1.2 2/12 = 16.7 % ≥ 15 % → 3; 1.3 4; 1.4 8·2/4 = 4          → 20
    # 2.1 8·11/12 = 7.333…; 2.2 0.88 ≥ 85 % → 5; 2.3 5·3/4 = 3.75; 2.4 0          → 16.083…
    # 3.1 one disciplined → 0; 3.2 one half → 3; 3.3 6                              → 9
    # 4.1 16/20 = 80 % → 7; 4.2 5; 4.3 5·min(2/1, 1) = 5; 4.4 5·10/12 = 4.1666…    → 21.1666…
    result = evaluate(
        cell,
        targets_assigned=12,
        targets_met=9,
        targets_exceeded=2,
        mass_orgs_total=4,
        mass_orgs_good=2,
        meetings_held=11,
        attendance_rate=0.88,
        thematic_meetings=3,
        absence_rule_kept=False,
        members_disciplined=1,
        half_years_approved=1,
        members_rated=20,
        members_good_or_better=16,
        admissions=2,
        months_evaluated=10,
    )
    expected = 20 + (8 * 11 / 12 + 5 + 3.75) + 9 + (7 + 5 + 5 + 5 * 10 / 12)
    assert result.score == pytest.approx(expected, abs=1e-9)
    assert [c.score for c in result.criteria] == pytest.approx(
        [20, 8 * 11 / 12 + 8.75, 9, 17 + 50 / 12]
    )
    assert result.indicator("1.2").points == 3
    assert result.indicator("4.3").points == 5
    assert result.score == pytest.approx(66.25, abs=1e-9)
    assert result.band_tier == result.tier == "complete"
    assert result.reasons == ()


def test_score_exactly_on_90_reaches_excellent(cell):
    # 1.4 8·1/3, 2.1 8·10/12, 4.4 5·4/12: losses 16/3 + 4/3 + 10/3 = 10, so 90 by hand;
    # in floating point the sum is not exactly 90.
    changes = {
        "mass_orgs_total": 3,
        "mass_orgs_good": 1,
        "meetings_held": 10,
        "months_evaluated": 4,
    }
    raw = 8 * (1 / 3) + 8 * (10 / 12) + 5 * (4 / 12) + 30 - 8 + 25 - 8 + 20 + 25 - 5
    result = evaluate(cell, **changes)
    assert result.score == 90.0
    assert result.band_tier == result.tier == "excellent"
    assert raw == pytest.approx(90)


def test_just_below_90_is_good(cell):
    result = evaluate(
        cell, months_evaluated=11, meetings_held=11, thematic_meetings=3, attendance_rate=0.86
    )
    # losses: 5/12 + 8/12 + 1.25 + 2 = 4.333…, score 95.666… → still excellent band
    assert result.band_tier == "excellent"
    result = evaluate(cell, action_plan_on_time=False, absence_rule_kept=False, months_evaluated=11)
    # losses 4 + 5 + 5/12 = 9.4166… → 90.583… excellent; one more point lost falls below
    assert result.tier == "excellent"
    result = evaluate(cell, action_plan_on_time=False, absence_rule_kept=False, months_evaluated=9)
    # losses 4 + 5 + 1.25 = 10.25 → 89.75
    assert result.score == pytest.approx(89.75)
    assert result.band_tier == result.tier == "good"


def test_veto_targets_under_half(cell):
    result = evaluate(cell, targets_met=4, targets_exceeded=0)
    assert result.tier == "not-completed"
    assert result.reason_codes == ("targets-under-half",)
    reason = result.reasons[0]
    assert reason.kind == "veto"
    assert reason.values == {"targets_assigned": 10, "targets_met": 4}
    # the veto does not change the score: 1.1 12·0.4 = 4.8, 1.2 0 → 100 − 7.2 − 6
    assert result.score == pytest.approx(86.8)
    assert result.band_tier == "good"


def test_exactly_half_of_targets_is_not_a_veto(cell):
    result = evaluate(cell, targets_met=5, targets_exceeded=0)
    assert "targets-under-half" not in result.reason_codes


def test_veto_disunity(cell):
    result = evaluate(cell, disunity_found=True)
    assert result.score == 94
    assert result.band_tier == "excellent"
    assert result.tier == "not-completed"
    assert result.reason_codes == ("disunity",)


def test_veto_more_than_half_of_members_failed(cell):
    result = evaluate(cell, members_rated=10, members_good_or_better=4, members_not_completed=6)
    assert result.tier == "not-completed"
    assert "members-mostly-failed" in result.reason_codes
    exactly_half = evaluate(
        cell, members_rated=10, members_good_or_better=5, members_not_completed=5
    )
    assert "members-mostly-failed" not in exactly_half.reason_codes


def test_gate_excellent_needs_30_percent_exceeded(cell):
    result = evaluate(cell, targets_exceeded=2)  # 20 %: 1.2 gives 3 → 97
    assert result.score == 97
    assert result.band_tier == "excellent"
    assert result.tier == "good"
    assert result.reason_codes == ("excellent-targets-exceeded",)
    assert result.reasons[0].kind == "gate"
    assert result.reasons[0].tier == "excellent"
    exactly = evaluate(cell, targets_exceeded=3)  # exactly 30 % passes
    assert exactly.tier == "excellent"


def test_gate_falls_through_two_tiers(cell):
    result = evaluate(cell, targets_met=9)  # 1.1 12·0.9 = 10.8 → 98.8
    assert result.band_tier == "excellent"
    assert result.tier == "complete"
    assert result.reason_codes == ("excellent-all-targets-met", "good-all-targets-met")


def test_gate_no_member_disciplined(cell):
    result = evaluate(cell, members_disciplined=1)  # 3.1 loses 8 → 92
    assert (result.score, result.band_tier, result.tier) == (92, "excellent", "good")
    assert result.reason_codes == ("excellent-no-discipline",)
    assert result.reasons[0].values == {"members_disciplined": 1}


def test_gate_no_member_not_completed(cell):
    result = evaluate(cell, members_not_completed=1, members_good_or_better=14)  # 4.2 loses 5 → 95
    assert (result.score, result.band_tier, result.tier) == (95, "excellent", "good")
    assert result.reason_codes == ("excellent-no-member-failed",)


def test_a_band_below_the_gated_tier_checks_no_gate(cell):
    result = evaluate(
        cell, members_disciplined=1, members_not_completed=1, members_good_or_better=14
    )
    assert (result.score, result.band_tier, result.tier) == (87, "good", "good")
    assert result.reasons == ()


def test_mass_organisations_none_scores_full(cell):
    result = evaluate(cell, mass_orgs_total=0, mass_orgs_good=0)
    assert result.indicator("1.4").points == 8


def test_zero_targets_assigned_fails_with_a_clear_error(cell):
    with pytest.raises(criteriakit.EvaluationError) as caught:
        evaluate(cell, targets_assigned=0, targets_met=0, targets_exceeded=0)
    message = str(caught.value)
    assert message.startswith(
        "unit 'cell': indicator 1.1 (Targets met) could not be computed: division by zero"
    )


def test_what_it_would_take_from_good(cell):
    result = evaluate(cell, action_plan_on_time=False, absence_rule_kept=False, months_evaluated=9)
    improvement = result.improvement
    assert improvement is not None
    assert improvement.target == "excellent"
    assert improvement.score_gap == pytest.approx(0.25)
    assert improvement.reachable
    first = improvement.options[0]
    assert len(first) == 1
    # the smallest change: 4.4 needs 0.25 more points → 9.6 months, i.e. 10 whole months
    assert first[0].indicator == "4.4"
    assert first[0].needed_value == 10
    assert first[0].comparison == ">="
    assert first[0].points_gain == pytest.approx(5 * 10 / 12 - 3.75)
    assert {option[0].indicator for option in improvement.options} >= {"1.3", "2.4"}
    assert improvement.obstacles == ()
