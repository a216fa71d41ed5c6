"""vn.four-good-cell.coal-mining: the coal company's cell framework, through the registry."""

from __future__ import annotations

import datetime as dt
import importlib.metadata

import pytest

import criteriakit
import criteriakit_vn_coal
import criteriakit_vn_party
from criteriakit.diff import diff_definitions

ON = dt.date(2025, 1, 1)
PERFECT = {
    "targets_assigned": 10,
    "targets_met": 10,
    "targets_exceeded": 4,
    "action_plan_on_time": True,
    "meetings_held": 12,
    "attendance_rate": 0.95,
    "thematic_meetings": 4,
    "absence_rule_kept": True,
    "members_disciplined": 0,
    "half_years_approved": 2,
    "disunity_found": False,
    "members_rated": 20,
    "members_good_or_better": 20,
    "members_not_completed": 0,
    "admissions": 1,
    "months_evaluated": 12,
    "initiatives": 25,
    "members": 20,
    "members_with_initiative": 20,
}


@pytest.fixture(scope="module")
def registry() -> criteriakit.Registry:
    return criteriakit.Registry.load(
        autoload=False,
        plugins=[("vn-party", criteriakit_vn_party), ("vn-coal", criteriakit_vn_coal)],
    )


@pytest.fixture(scope="module")
def coal(registry) -> criteriakit.Framework:
    return registry.get("vn.four-good-cell.coal-mining", on=ON)


def test_it_registers_without_problems(registry, coal):
    assert registry.problems == ()
    assert coal.ref == "vn.four-good-cell.coal-mining@2024"
    assert coal.base == "vn.four-good-cell@2024"
    assert registry.origins["function", "per_member"].name == "vn-coal"
    assert [indicator.id for indicator in coal.definition.criteria[0].indicators] == [
        "1.1",
        "1.2",
        "1.3",
        "X1",
        "X2",
    ]
    assert coal.definition.valid_from == dt.date(2024, 5, 19)


def test_a_perfect_coal_cell_is_excellent(coal):
    result = coal.evaluate(PERFECT, unit="mine-cell-1")
    assert (result.score, result.tier) == (100, "excellent")


def test_the_worked_example_of_the_docs(coal):
    # 20 members, 10 initiatives, 17 with one: X1 = 4 · 0.5 = 2, X2 = 85 % ≥ 80 % → 2;
    # criterion 1: 12 + 6 + 4 + 2 + 2 = 26, total 96 → excellent band, but the new gate fails.
    result = coal.evaluate({**PERFECT, "initiatives": 10, "members_with_initiative": 17})
    assert result.criterion("1").score == 26
    assert (result.score, result.band_tier, result.tier) == (96, "excellent", "good")
    assert result.reason_codes == ("excellent-all-members-innovate",)


def test_mass_organisations_are_gone(coal):
    with pytest.raises(criteriakit.DataError, match="unknown input 'mass_orgs_total'"):
        coal.evaluate({**PERFECT, "mass_orgs_total": 2})


def test_impossible_initiative_counts_are_refused(coal):
    with pytest.raises(criteriakit.DataError) as caught:
        coal.evaluate({**PERFECT, "members_with_initiative": 21})
    assert [(problem.path, problem.message) for problem in caught.value.problems] == [
        (
            "members_with_initiative",
            "21 members with an initiative, but only 20 members (check initiatives-within-members)",
        )
    ]


def test_per_member_is_undefined_without_members():
    assert criteriakit_vn_coal.per_member(3, 4) == 0.75
    assert criteriakit_vn_coal.per_member(3, 0).kind == "division-by-zero"


def test_the_diff_against_the_base(registry, coal):
    base = registry.get("vn.four-good-cell", "2024")
    text = diff_definitions(base.definition, coal.definition).render()
    assert "  - indicator 1.4 Mass organisations rated good or better (8 points)" in text
    assert "  + indicator X1 Initiatives per member (4 points) in criterion 1" in text
    assert "  + gate excellent/excellent-all-members-innovate" in text


def test_without_the_base_plugin_the_base_is_missing():
    registry = criteriakit.Registry.load(autoload=False, plugins=[("vn-coal", criteriakit_vn_coal)])
    assert len(registry.problems) == 1
    assert "no framework 'vn.four-good-cell'" in str(registry.problems[0])
    assert "vn.four-good-cell.coal-mining" not in {key[0] for key in registry.frameworks}


def installed() -> bool:
    return any(
        entry.name == "vn-coal" for entry in importlib.metadata.entry_points(group="criteriakit")
    )


@pytest.mark.skipif(
    not installed(), reason="criteriakit-vn-coal is not installed in this environment"
)
def test_installed_distribution_is_found_by_entry_point():
    entry = criteriakit.Registry.load().frameworks["vn.four-good-cell.coal-mining", "2024"]
    assert entry.plugin.distribution is not None
    assert entry.plugin.distribution.startswith("criteriakit-vn-coal ")
