"""Quotas among siblings: hand-computed cases for both counting rules, and their properties."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import criteriakit
from criteriakit.compiling.compiled import CompiledQuota
from criteriakit.data import UnitRow
from criteriakit.scalar.batch import evaluate_rows
from criteriakit.scalar.quotas import apply_quotas, demotions_needed

FRAMEWORKS = (
    Path(__file__).resolve().parent.parent
    / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks"
)
MEMBER_TEXT = (FRAMEWORKS / "vn.four-good-member.toml").read_text(encoding="utf-8")
MEMBER = criteriakit.loads_framework(MEMBER_TEXT)
QUOTA = "excellent-at-most-20-percent-of-good"
TASKS = {"tasks_assigned": 10, "tasks_done": 10, "tasks_exceeded": 3, "disciplined": False}


def member(unit: str, mean: float, parent: str = "C1", **changes: object) -> UnitRow:
    return UnitRow(unit, {**TASKS, "monthly_scores": [mean] * 12, **changes}, 0, parent=parent)


def tiers(results: list[criteriakit.Result]) -> dict[str | None, str | None]:
    return {result.unit: result.tier for result in results}


def with_counting(counting: str) -> criteriakit.Framework:
    return criteriakit.loads_framework(
        MEMBER_TEXT.replace('counting = "final"', f'counting = "{counting}"')
    )


def test_final_counting_two_excellent_four_good():
    # E = 2, G = 4: keeping both, 2 > 20 % of 4; demoting one gives E = 1, G = 5 and 1 <= 1.
    rows = [member("M1", 95), member("M2", 92)] + [member(f"M{i}", 80) for i in range(3, 7)]
    results = evaluate_rows(MEMBER, rows)
    assert tiers(results) == {
        "M1": "excellent",
        "M2": "good",
        "M3": "good",
        "M4": "good",
        "M5": "good",
        "M6": "good",
    }
    demoted = results[1]
    assert demoted.band_tier == "excellent"
    assert demoted.reason_codes == ("excellent-at-most-20-percent-of-good",)
    assert demoted.reasons[0].kind == "quota"
    assert demoted.reasons[0].values == {"excellent": 2, "good": 4, "demoted": 1}
    assert demoted.improvement is not None
    assert demoted.improvement.obstacles[0].kind == "quota"


def test_before_counting_two_excellent_four_good():
    # "before": at most floor(20 % of 4) = 0 excellent: both are demoted.
    rows = [member("M1", 95), member("M2", 92)] + [member(f"M{i}", 80) for i in range(3, 7)]
    results = evaluate_rows(with_counting("before"), rows)
    assert [result.unit for result in results if result.tier == "excellent"] == []
    assert (
        sum(result.reason_codes == ("excellent-at-most-20-percent-of-good",) for result in results)
        == 2
    )


def test_lowest_scores_first_ties_by_ascending_id():
    # E = 4, G = 6: d >= (4 - 1.2) / 1.2 = 2.33, so 3 are demoted: 91 (M3), 91 (M4), then 93 (M2).
    rows = [member("M4", 91), member("M2", 93), member("M3", 91), member("M1", 95)]
    rows += [member(f"G{i}", 80) for i in range(6)]
    results = evaluate_rows(MEMBER, rows)
    assert [result.unit for result in results if result.tier == "excellent"] == ["M1"]
    assert {result.unit for result in results if result.reasons} == {"M2", "M3", "M4"}


def test_quotas_apply_within_each_parent():
    rows = [member("A1", 95, "A"), member("A2", 80, "A"), member("B1", 95, "B")]
    rows += [member(f"B{i}", 80, "B") for i in range(2, 7)]
    results = tiers(evaluate_rows(MEMBER, rows))
    # cell A: 1 excellent, 1 good: 1 > 0.2, demote → 0 <= 0.4; cell B: 1 excellent, 5 good: 1 <= 1
    assert results["A1"] == "good"
    assert results["B1"] == "excellent"


def test_the_quota_is_checked_when_the_file_loads():
    bad = MEMBER_TEXT.replace('of = "good"', 'of = "god"').replace("share = 0.2", "share = 1.5")
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.loads_framework(bad)
    messages = [problem.message for problem in caught.value.problems]
    assert messages == ["unknown tier 'god'", "share must be above 0 and at most 1, got 1.5"]


def quota(counting: str, share: str = "1/5") -> CompiledQuota:
    return CompiledQuota("q", 0, 1, Fraction(share), counting, "quota")  # type: ignore[arg-type]


@given(st.integers(0, 60), st.integers(0, 200), st.sampled_from(["1/5", "1/3", "1/10", "1/2"]))
def test_final_counting_demotes_the_fewest_that_satisfy_the_cap(capped, reference, share):
    q = quota("final", share)
    d = demotions_needed(capped, reference, q, into_reference=True)
    assert 0 <= d <= capped
    assert capped - d <= q.share * (reference + d)
    if d > 0:
        assert capped - (d - 1) > q.share * (reference + d - 1)


@given(st.integers(0, 60), st.integers(0, 200))
def test_before_counting_caps_against_the_count_before(capped, reference):
    d = demotions_needed(capped, reference, quota("before"), into_reference=True)
    assert capped - d <= Fraction(1, 5) * reference
    assert d == max(0, capped - (reference // 5))


SCORES = st.lists(st.tuples(st.integers(40, 100), st.integers(0, 30)), min_size=1, max_size=30)


@given(SCORES, st.randoms(use_true_random=False), st.sampled_from(["final", "before"]))
def test_quota_properties_on_real_evaluations(members, shuffle, counting):
    framework = MEMBER if counting == "final" else with_counting(counting)
    rows = [
        member(f"M{index:02d}", float(mean), tasks_exceeded=3 if extra > 10 else 2)
        for index, (mean, extra) in enumerate(members)
    ]
    results = evaluate_rows(framework, rows)
    excellent = sum(result.tier == "excellent" for result in results)
    good = sum(result.tier == "good" for result in results)
    good_before = sum(
        result.tier == "good" and QUOTA not in result.reason_codes for result in results
    )
    if counting == "final":
        assert excellent <= Fraction(1, 5) * good
    else:
        assert excellent <= good_before // 5
    for result in results:
        if QUOTA in result.reason_codes:
            assert result.tier == "good"  # one tier down, never below good
    shuffled = rows[:]
    shuffle.shuffle(shuffled)
    assert tiers(evaluate_rows(framework, shuffled)) == tiers(results)


def test_apply_quotas_keeps_the_order_and_leaves_frameworks_without_quotas_alone():
    cell = criteriakit.load_framework(FRAMEWORKS / "vn.four-good-cell.toml")
    assert apply_quotas(cell.compiled, [], []) == []
    rows = [member(f"M{index}", 95) for index in range(5)]
    rows.reverse()
    results = evaluate_rows(MEMBER, rows)
    assert [result.unit for result in results] == [row.unit for row in rows]
