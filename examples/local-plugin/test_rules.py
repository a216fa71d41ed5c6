"""Acme's team review gives the scores and tiers worked out by hand."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import criteriakit

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def framework() -> criteriakit.Framework:
    """Load the review from this directory alone, leaving installed plugins out."""
    registry = criteriakit.Registry.load(autoload=False, plugin_dirs=[HERE])
    assert registry.problems == ()
    return registry.get("acme.team-safety", on=dt.date(2025, 12, 31))


def team(**changes: object) -> dict[str, object]:
    """Return a flawless team of 40, with some values changed."""
    values: dict[str, object] = {
        "members": 40,
        "members_with_initiative": 40,
        "initiatives": 40,
        "hours_worked": 80_000,
        "recordable_incidents": 0,
        "serious_incidents": 0,
        "safety_trainings": 4,
        "audit_result": "pass",
    }
    return {**values, **changes}


def test_a_flawless_team_is_exemplary(framework: criteriakit.Framework) -> None:
    """Every indicator earns all its points."""
    result = framework.evaluate(team(), unit="T99")
    assert result.score == 100
    assert result.tier == "exemplary"
    assert result.reason_codes == ()


def test_the_first_initiatives_count_most(framework: criteriakit.Framework) -> None:
    """10 initiatives for 40 members: 20 points x the square root of 1/4 = 10 points."""
    result = framework.evaluate(team(initiatives=10))
    assert result.indicator("innovation.per-member").points == 10
    assert result.score == 90


def test_the_incident_rate_counts_per_200000_hours(framework: criteriakit.Framework) -> None:
    """1 incident in 100,000 hours is a rate of 2: 12 points, and 2 is not above 2."""
    result = framework.evaluate(team(recordable_incidents=1, hours_worked=100_000))
    assert result.indicator("safety.incident-rate").value == 2
    assert result.indicator("safety.incident-rate").points == 12
    assert result.score == 92
    assert result.tier == "exemplary"


def test_a_rate_above_2_caps_the_team_at_solid(framework: criteriakit.Framework) -> None:
    """3 incidents in 200,000 hours is a rate of 3: 6 points, 86 in all, capped at solid."""
    result = framework.evaluate(team(recordable_incidents=3, hours_worked=200_000))
    assert result.score == 86
    assert (result.band_tier, result.tier) == ("exemplary", "solid")
    assert result.reason_codes == ("incident-rate-above-2",)


def test_exemplary_needs_every_member_with_an_initiative(framework: criteriakit.Framework) -> None:
    """36 of 40 members (90 %) earn 12 of 20 points: 92, but the gate fails."""
    result = framework.evaluate(team(members_with_initiative=36))
    assert result.score == 92
    assert (result.band_tier, result.tier) == ("exemplary", "solid")
    assert result.reason_codes == ("exemplary-every-member",)


def test_a_serious_incident_vetoes_any_score(framework: criteriakit.Framework) -> None:
    """A rate of 2 still earns 12 points, but the serious incident caps the tier."""
    result = framework.evaluate(
        team(recordable_incidents=1, serious_incidents=1, hours_worked=100_000)
    )
    assert result.score == 92
    assert result.tier == "needs-improvement"
    assert result.reason_codes == ("serious-incident",)


def test_a_team_without_hours_is_not_rated(framework: criteriakit.Framework) -> None:
    """No hours worked means no incident rate: the policy makes the team not evaluable."""
    result = framework.evaluate(team(hours_worked=0))
    assert result.score is None
    assert result.reason_codes == ("not-evaluable",)


def test_impossible_data_is_rejected(framework: criteriakit.Framework) -> None:
    """The plugin refuses more members with an initiative than members."""
    with pytest.raises(criteriakit.DataError, match="more members with an initiative than members"):
        framework.evaluate(team(members_with_initiative=41))
