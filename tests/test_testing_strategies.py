"""criteriakit.testing.strategies: valid inputs for any framework, its boundary values mixed in."""

from __future__ import annotations

import hypothesis
import pytest
from hypothesis import given
from hypothesis import strategies as st

import criteriakit
from criteriakit.testing.strategies import (
    MAX_ITEMS,
    boundary_values,
    input_values,
    inputs,
    nudge,
    populations,
)

SEARCH = hypothesis.settings(max_examples=2_000, database=None, derandomize=True)

DEFINITION = {
    "id": "shop.review",
    "version": "1",
    "title": "Shop review",
    "subject": "shop",
    "inputs": {
        "sales": {"type": "number", "min": 0, "max": 100},
        "visits": {"type": "number", "min": 0},
        "stars": {"type": "integer", "min": 0, "max": 10},
        "open_sundays": {"type": "bool"},
        "grade": {"type": "level", "levels": ["a", "b", "c"]},
        "waits": {"type": "list", "items": "number", "max_length": 3},
        "audits": {
            "type": "records",
            "fields": {
                "score": {"type": "number", "min": 0, "max": 100},
                "passed": {"type": "bool"},
            },
        },
        "staff": {"type": "integer", "min": 1, "max": 9, "default": 3},
    },
    "criteria": [
        {
            "id": "c1",
            "title": "Trade",
            "points": 60,
            "indicators": [
                {
                    "id": "sales",
                    "title": "Sales",
                    "value": "sales",
                    "points": 30,
                    "scorer": {
                        "type": "thresholds",
                        "bands": [{"min": 80, "award": 30}, {"min": 50, "award": 15}],
                    },
                },
                {
                    "id": "visits",
                    "title": "Visits",
                    "value": "visits / 2",
                    "points": 20,
                    "scorer": {"type": "linear", "zero_at": 10, "full_at": 30},
                },
                {
                    "id": "stars",
                    "title": "Stars",
                    "value": "stars",
                    "points": 10,
                    "scorer": {"type": "lookup", "table": {"0": 0, "5": 5, "10": 10}},
                },
            ],
        },
        {
            "id": "c2",
            "title": "Care",
            "points": 40,
            "indicators": [
                {
                    "id": "audits",
                    "title": "Good audits",
                    "value": "count(audits, score >= 70)",
                    "points": 20,
                    "scorer": {"type": "target", "target": 2},
                },
                {
                    "id": "sundays",
                    "title": "Open on Sundays",
                    "value": "open_sundays",
                    "points": 10,
                    "scorer": {"type": "boolean"},
                },
                {
                    "id": "waits",
                    "title": "Some long wait",
                    "value": "count(waits, it > 3) == 0",
                    "points": 10,
                    "scorer": {"type": "boolean"},
                },
            ],
        },
    ],
    "tiers": [
        {
            "id": "top",
            "title": "Top",
            "min_score": 90,
            "gates": [{"id": "top-sales", "require": "sales >= 95", "message": "sales"}],
        },
        {"id": "mid", "title": "Mid", "min_score": 50},
        {"id": "low", "title": "Low", "min_score": 0},
    ],
    "rules": [
        {
            "id": "few-visits",
            "when": 'open_sundays and 100 - visits < 20 and grade == "c"',
            "at_most": "mid",
            "message": "few visits",
        }
    ],
}


@pytest.fixture(scope="module")
def framework() -> criteriakit.Framework:
    return criteriakit.framework_from_dict(DEFINITION)


def nudged(*points, integer=False):
    return tuple(sorted({near for point in points for near in nudge(point, integer=integer)}))


def test_nudge_steps_over_the_comparison_tolerance():
    assert nudge(50) == (50 - 5e-5, 50, 50 + 5e-5)
    assert nudge(0.5) == (0.5 - 1e-6, 0.5, 0.5 + 1e-6)
    assert nudge(4, integer=True) == (3, 4, 5)
    assert nudge(4.5, integer=True) == (4, 5)


def test_boundary_values_come_from_scorers_gates_rules_fields_items_and_tiers(framework):
    assert boundary_values(framework) == {
        # bands at 80 and 50; the gate requires 95
        "sales": nudged(50, 80, 95),
        # linear on visits / 2 from 10 to 30; the rule's 100 - visits < 20; and 40, where
        # visits / 2 = 20 earns the 10 points that make 90 when every other indicator is full
        "visits": nudged(20, 40, 60, 80),
        # the lookup's integer keys, within 0 .. 10
        "stars": (0, 1, 4, 5, 6, 9, 10),
        "audits.score": nudged(70),
        "waits": nudged(3),
    }


def test_boundary_values_stay_within_the_declared_bounds():
    definition = {
        **DEFINITION,
        "inputs": {**DEFINITION["inputs"], "sales": {"type": "number", "min": 50, "max": 80}},
    }
    framework = criteriakit.framework_from_dict(definition)
    assert boundary_values(framework)["sales"] == (50, 50 + 5e-5, 80 - 8e-5, 80)


@given(data=st.data())
def test_every_drawn_unit_is_valid_and_evaluates(framework, data):
    values = data.draw(inputs(framework))
    required = set(framework.input_names) - {"staff"}
    assert required <= set(values)
    assert framework.compiled.inputs.check(values) == {"staff": 3, **values}
    assert len(values["waits"]) <= 3
    assert len(values["audits"]) <= MAX_ITEMS
    assert framework.evaluate(values).tier in framework.tiers


SMALL = {
    **DEFINITION,
    "inputs": {
        "sales": {"type": "number", "min": 0, "max": 100},
        "staff": {"type": "integer", "min": 1, "max": 9, "default": 3},
    },
    "criteria": [
        {
            **DEFINITION["criteria"][0],
            "points": 100,
            "indicators": [
                {
                    **DEFINITION["criteria"][0]["indicators"][0],
                    "points": 100,
                    "scorer": {
                        "type": "thresholds",
                        "bands": [{"min": 80, "award": 100}, {"min": 50, "award": 50}],
                    },
                }
            ],
        }
    ],
    "rules": [],
}


@pytest.fixture(scope="module")
def small() -> criteriakit.Framework:
    return criteriakit.framework_from_dict(SMALL)


def test_boundary_values_are_drawn(small):
    found = hypothesis.find(
        inputs(small), lambda values: values["sales"] == 80 + 8e-5, settings=SEARCH
    )
    assert found["sales"] == 80 + 8e-5


def test_inputs_with_a_default_may_be_left_out(small):
    assert "staff" not in hypothesis.find(
        inputs(small), lambda values: "staff" not in values, settings=SEARCH
    )
    assert "staff" in hypothesis.find(
        inputs(small), lambda values: "staff" in values, settings=SEARCH
    )


def test_missing_leaves_any_input_out(small):
    strategy = inputs(small, missing=True)
    assert hypothesis.find(strategy, lambda values: "sales" not in values, settings=SEARCH) == {}


def test_overrides_replace_an_input_strategy(framework):
    @given(inputs(framework, overrides={"stars": st.just(7)}))
    def stars_are_seven(values):
        assert values["stars"] == 7

    stars_are_seven()


@pytest.mark.parametrize(
    "call",
    [
        lambda framework: inputs(framework, overrides={"star": st.just(7)}),
        lambda framework: input_values(framework, "star"),
    ],
)
def test_unknown_input_names_are_refused(framework, call):
    with pytest.raises(
        ValueError,
        match=r"^framework shop\.review@1 has no input 'star'; its inputs are: sales, visits, stars,",
    ):
        call(framework)


def test_input_values_draw_one_input(framework):
    assert (
        hypothesis.find(
            input_values(framework, "grade"), lambda value: value == "c", settings=SEARCH
        )
        == "c"
    )
    assert (
        hypothesis.find(
            input_values(framework, "stars", boundaries=False),
            lambda value: value > 8,
            settings=SEARCH,
        )
        == 9
    )


def test_an_open_side_goes_a_million_far(framework):
    @given(input_values(framework, "visits", boundaries=False))
    def within(value):
        assert 0 <= value <= 1_000_000

    within()


def test_an_integer_input_without_a_whole_number_in_range_is_refused():
    definition = {
        **DEFINITION,
        "inputs": {**DEFINITION["inputs"], "staff": {"type": "integer", "min": 0.2, "max": 0.8}},
    }
    framework = criteriakit.framework_from_dict(definition)
    with pytest.raises(
        ValueError, match=r"^input 'staff' admits no integer between 0\.2 and 0\.8$"
    ):
        inputs(framework)


@given(data=st.data())
def test_populations_have_unique_ids(framework, data):
    rows = data.draw(populations(framework, min_size=2, max_size=5, id_column="unit"))
    assert [row["unit"] for row in rows] == [f"u{number}" for number in range(1, len(rows) + 1)]
    assert 2 <= len(rows) <= 5
    for row in rows:
        values = {name: value for name, value in row.items() if name != "unit"}
        framework.evaluate(values)


def test_a_population_id_column_cannot_be_an_input(framework):
    with pytest.raises(
        ValueError, match=r"^id_column 'sales' is the name of an input of shop\.review@1$"
    ):
        populations(framework, id_column="sales")


RATIO = {
    **SMALL,
    "tiers": [
        {"id": "top", "title": "Top", "min_score": 90},
        {"id": "rest", "title": "Rest", "min_score": 0},
    ],
    "inputs": {
        "done": {"type": "integer", "min": 0},
        "assigned": {"type": "integer", "min": 1},
        "sales": {"type": "number", "min": 0},
        "quota": {"type": "number", "min": 1},
    },
    "criteria": [
        {
            "id": "all",
            "title": "All",
            "points": 100,
            "indicators": [
                {
                    "id": "done",
                    "title": "Done",
                    "value": "done / assigned",
                    "points": 50,
                    "scorer": {
                        "type": "thresholds",
                        "bands": [{"min": 0.8, "award": 50}, {"min": 0.5, "award": 20}],
                    },
                },
                {
                    "id": "sales",
                    "title": "Sales",
                    "value": "sales",
                    "points": 50,
                    "scorer": {"type": "target", "target": "quota"},
                },
            ],
        }
    ],
}


def test_boundary_values_at_a_point_solve_for_each_input_in_turn():
    framework = criteriakit.framework_from_dict(RATIO)
    assert boundary_values(framework) == {}
    given = {"done": 5, "assigned": 10, "sales": 3, "quota": 4}
    assert boundary_values(framework, given) == {
        # done / 10 reaches 0.8 at 8 and 0.5 at 5
        "done": (4, 5, 6, 7, 8, 9),
        # 5 / assigned reaches 0.8 at 6.25 and 0.5 at 10
        "assigned": (6, 7, 9, 10, 11),
        # 40 of 50 points (90 with the other indicator full) need 3.2 of the quota of 4
        "sales": nudged(3.2),
    }
