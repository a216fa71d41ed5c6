"""The assertion helpers pass on the truth and fail with a message that says what went wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

import criteriakit
from criteriakit.testing import (
    Expectation,
    Mismatch,
    assert_band_tier,
    assert_points,
    assert_reasons,
    assert_result,
    assert_score,
    assert_tier,
    compare,
    describe_result,
)

TEAM = Path(__file__).parent / "data" / "cases" / "team.toml"


@pytest.fixture(scope="module")
def team() -> criteriakit.Framework:
    return criteriakit.load_framework(TEAM)


def evaluate(team, **changes):
    return team.evaluate({"done": 10, "planned": 10, "ok": True, **changes})


def test_the_helpers_pass_when_the_result_is_as_expected(team):
    result = evaluate(team, done=9)  # a.1 60·0.9 = 54 → 94; the gold gate fails
    assert_tier(result, "silver")
    assert_band_tier(result, "gold")
    assert_score(result, 94)
    assert_score(result, 94.05, tolerance=0.1)
    assert_reasons(result, "gold-all-done")
    assert_points(result, {"a.1": 54, "a.2": 40})
    assert_result(
        result,
        tier="silver",
        band_tier="gold",
        score=94,
        reasons=["gold-all-done"],
        points={"a.1": 54},
        evaluable=True,
    )
    assert_reasons(evaluate(team))


def test_a_wrong_tier_shows_the_score_tiers_reasons_and_lost_points(team):
    result = evaluate(team, done=9)
    with pytest.raises(AssertionError) as caught:
        assert_tier(result, "gold")
    assert str(caught.value) == (
        "tier: expected 'gold', got 'silver'\n"
        "result: score 94 / 100, band tier gold, final tier silver\n"
        "  gate gold-all-done (tier gold): Gold needs everything done; done = 9, planned = 10\n"
        "  points lost: a.1 54 / 60"
    )


def test_assert_result_reports_every_difference_at_once(team):
    result = evaluate(team, done=0, ok=False, incidents=2)
    with pytest.raises(AssertionError) as caught:
        assert_result(
            result,
            score=40,
            band_tier="silver",
            tier="silver",
            reasons=["incidents", "gold-all-done"],
            points={"a.1": 0, "a.2": 40, "a.9": 1},
        )
    assert str(caught.value) == (
        "score: expected 40 ± 1e-09, got 0\n"
        "band_tier: expected 'silver', got 'bronze'\n"
        "tier: expected 'silver', got 'bronze'\n"
        "reasons: expected [incidents, gold-all-done], got [nothing-done, incidents]:"
        " missing gold-all-done; unexpected nothing-done\n"
        'points."a.2": expected 40, got 0 of 40\n'
        "points.\"a.9\": the framework has no indicator 'a.9'; did you mean 'a.2'?\n"
        "result: score 0 / 100, band tier bronze, final tier bronze\n"
        "  veto nothing-done (tier bronze): Nothing was done; done = 0\n"
        "  cap incidents (tier silver): An incident caps the team at silver; incidents = 2\n"
        "  points lost: a.1 0 / 60, a.2 0 / 40"
    )


def test_a_result_that_is_not_evaluable_says_why(team):
    result = evaluate(team, done=1, planned=0)
    assert_result(result, evaluable=False, reasons=["not-evaluable"])
    with pytest.raises(AssertionError) as caught:
        assert_result(result, evaluable=True, score=100, tier="gold")
    assert str(caught.value) == (
        "evaluable: expected true, got false\n"
        "score: expected 100 ± 1e-09, got none (not evaluable)\n"
        "tier: expected 'gold', got none (not evaluable)\n"
        "result: score not evaluable, band tier none, final tier none\n"
        "  not-evaluable: indicator a.1 (Done) could not be computed:"
        " division by zero in 'done / planned'\n"
        "  points lost: a.1 0 / 60 (zero: division by zero in 'done / planned')"
    )


def test_scores_match_within_the_tolerance_only(team):
    result = evaluate(team, done=9)
    assert_score(result, 94 + 1e-10)
    with pytest.raises(AssertionError, match=r"^score: expected 94\.000001 ± 1e-09, got 94\n"):
        assert_score(result, 94.000001)


def test_the_unit_is_named_in_the_summary(team):
    result = team.evaluate({"done": 10, "planned": 10, "ok": True}, unit="t-7")
    assert (
        describe_result(result)
        == "result for unit 't-7': score 100 / 100, band tier gold, final tier gold"
    )


def test_compare_returns_the_mismatches_with_their_keys(team):
    result = evaluate(team, done=9)
    expected = Expectation(tier="gold", points={"a.1": 60, "a.2": 40}, error="ignored")
    assert compare(result, expected) == (
        Mismatch(("tier",), "expected 'gold', got 'silver'"),
        Mismatch(("points", "a.1"), "expected 60, got 54 of 60"),
    )
    assert compare(result, Expectation(tier="silver")) == ()


@pytest.mark.parametrize(
    "call",
    [
        assert_result,
        lambda result: assert_points(result, {}),
    ],
)
def test_an_assertion_that_checks_nothing_is_refused(team, call):
    with pytest.raises(ValueError, match="nothing to check"):
        call(evaluate(team))
