"""criteriakit.testing.properties: monotonicity, determinism and bounds of a framework's rules."""

from __future__ import annotations

import ast
import itertools
import re
from pathlib import Path
from typing import Any

import attrs
import hypothesis
import pytest
from hypothesis import given

import criteriakit
from criteriakit.cli._scaffold import create_plugin
from criteriakit.expressions import NUMBER
from criteriakit.testing.properties import (
    assert_always_consistent,
    assert_always_monotonic,
    assert_monotonic,
    check_deterministic,
    check_in_bounds,
    check_monotonic,
    infer_directions,
)
from criteriakit.testing.strategies import boundary_values
from test_properties import frameworks, unit_inputs

SEARCH = hypothesis.settings(max_examples=100, database=None, derandomize=True, deadline=None)
# for tests that only need a failure to be found, not shrunk
UNSHRUNK = hypothesis.settings(SEARCH, phases=[hypothesis.Phase.generate])


def indicator(ident: str, value: str, points: float, scorer: dict[str, Any]) -> dict[str, Any]:
    return {"id": ident, "title": ident, "value": value, "points": points, "scorer": scorer}


def definition(
    inputs: dict[str, Any],
    indicators: list[dict[str, Any]],
    tiers: list[dict[str, Any]],
    rules: tuple[dict[str, Any], ...] = (),
) -> dict[str, Any]:
    return {
        "id": "test.rules",
        "version": "1",
        "title": "Rules under test",
        "subject": "unit",
        "inputs": inputs,
        "criteria": [{"id": "all", "title": "All", "points": 100, "indicators": indicators}],
        "tiers": tiers,
        "rules": list(rules),
    }


TIERS = [
    {"id": "good", "title": "Good", "min_score": 80},
    {"id": "fair", "title": "Fair", "min_score": 0},
]

# ---------------------------------------------------------------- inferring directions

REVIEW = definition(
    {
        "done": {"type": "integer", "min": 0},
        "assigned": {"type": "integer", "min": 0},
        "incidents": {"type": "integer", "min": 0},
        "wait": {"type": "number", "min": 0},
        "grade": {"type": "level", "levels": ["good", "fair", "poor"]},
        "late": {"type": "bool"},
        "visits": {"type": "number"},
        "flag": {"type": "bool"},
        "delta": {"type": "number"},
        "zigzag": {"type": "number"},
        "samples": {"type": "list", "items": "number"},
        "unused": {"type": "number"},
    },
    [
        indicator(
            "done",
            "done / assigned",
            20,
            {"type": "thresholds", "bands": [{"min": 1, "award": 20}, {"min": 0.5, "award": 10}]},
        ),
        indicator(
            "incidents",
            "incidents",
            10,
            {"type": "thresholds", "bands": [{"max": 0, "award": 10}, {"max": 2, "award": 5}]},
        ),
        indicator("wait", "wait", 10, {"type": "linear", "zero_at": 30, "full_at": 5}),
        indicator("grade", "grade", 10, {"type": "lookup", "table": {"good": 10, "fair": 5}}),
        indicator("late", "not late", 10, {"type": "boolean"}),
        indicator("visits", "visits", 10, {"type": "linear", "zero_at": 0, "full_at": 100}),
        indicator("flag", "if(flag, 1, abs(delta))", 10, {"type": "target", "target": 1}),
        indicator(
            "zigzag",
            "zigzag",
            10,
            {"type": "thresholds", "bands": [{"min": 80, "award": 5}, {"min": 50, "award": 10}]},
        ),
        indicator("samples", "count(samples) >= 3", 10, {"type": "boolean"}),
    ],
    [
        {
            "id": "good",
            "title": "Good",
            "min_score": 80,
            "gates": [{"id": "safe", "require": "incidents == 0", "message": "no incident"}],
        },
        {"id": "fair", "title": "Fair", "min_score": 0},
    ],
    ({"id": "busy", "when": "visits > 500", "at_most": "fair", "message": "too busy"},),
)


def test_directions_are_inferred_where_every_rule_agrees():
    framework = criteriakit.framework_from_dict(REVIEW)
    # visits: more earns points but trips a rule; flag: an if condition; delta: abs; zigzag:
    # awards that go down then up; samples: a list; unused: read by nothing
    assert infer_directions(framework) == {
        "assigned": "decreasing",
        "done": "increasing",
        "grade": "increasing",
        "incidents": "decreasing",
        "late": "decreasing",
        "wait": "decreasing",
    }


def test_integer_lookups_over_a_declared_range_have_a_direction():
    framework = criteriakit.framework_from_dict(
        definition(
            {"votes": {"type": "integer", "min": 0, "max": 2}},
            [indicator("votes", "votes", 100, {"type": "lookup", "table": {"1": 50, "2": 100}})],
            TIERS,
        )
    )
    assert infer_directions(framework) == {"votes": "increasing"}


@given(frameworks(), unit_inputs)
def test_random_frameworks_are_monotonic_in_their_inferred_directions(data, inputs):
    framework = criteriakit.framework_from_dict(data)
    assert check_monotonic(framework, inputs) == ()


# ---------------------------------------------------------------- violations

# A band typed the wrong way round: 0.85 earns 100 points but 0.95 only 50.
ZIGZAG = definition(
    {"share": {"type": "number", "min": 0, "max": 1}},
    [
        indicator(
            "share",
            "share",
            100,
            {
                "type": "thresholds",
                "bands": [{"min": 0.9, "award": 50}, {"min": 0.8, "award": 100}],
            },
        )
    ],
    TIERS,
)


@pytest.fixture(scope="module")
def zigzag():
    return criteriakit.framework_from_dict(ZIGZAG)


def test_check_monotonic_moves_an_input_to_its_better_boundaries(zigzag):
    assert check_monotonic(zigzag, {"share": 0.85}) == ()  # nothing inferred
    violations = check_monotonic(zigzag, {"share": 0.85}, increasing=["share"])
    assert [violation.better_value for violation in violations] == [0.9, 0.9 + 1e-6, 1]
    first = violations[0]
    assert (first.input, first.worse_value, first.worse.tier, first.better.tier) == (
        "share",
        0.85,
        "good",
        "fair",
    )
    assert first.message == (
        "improving input 'share' (higher is better) from 0.85 to 0.9 "
        "lowered the tier from 'good' to 'fair' (score 100 to 50)\n"
        "  other inputs: none"
    )
    assert str(first) == first.message


def test_assert_monotonic_lists_every_violation(zigzag):
    with pytest.raises(AssertionError) as raised:
        assert_monotonic(zigzag, {"share": 0.85}, increasing=["share"])
    assert str(raised.value).count("improving input 'share'") == 3
    assert_monotonic(zigzag, {"share": 0.95}, increasing=["share"])


def test_assert_always_monotonic_finds_the_wrong_band(zigzag):
    with pytest.raises(AssertionError) as raised:
        assert_always_monotonic(zigzag, increasing=["share"], settings=SEARCH)
    found = re.fullmatch(
        r"improving input 'share' \(higher is better\) from (\S+) to (\S+) "
        r"lowered the tier from 'good' to 'fair' \(score 100 to 50\)\n  other inputs: none",
        str(raised.value),
    )
    assert found is not None, str(raised.value)
    worse, better = (float(value) for value in found.groups())
    assert 0.8 - 1e-9 <= worse < 0.9 - 1e-9 <= better


def test_the_failure_names_the_input_the_values_and_the_tiers():
    # the author says a better grade should help, but the table rewards the worse one
    framework = criteriakit.framework_from_dict(
        definition(
            {"grade": {"type": "level", "levels": ["good", "bad"]}},
            [indicator("grade", "grade", 100, {"type": "lookup", "table": {"bad": 100}})],
            TIERS,
        )
    )
    assert infer_directions(framework) == {"grade": "decreasing"}
    assert_always_monotonic(framework, settings=SEARCH)
    with pytest.raises(AssertionError) as raised:
        assert_always_monotonic(framework, increasing=["grade"], infer=False, settings=SEARCH)
    assert str(raised.value) == (
        "improving input 'grade' (earlier levels are better) from 'bad' to 'good' "
        "lowered the tier from 'good' to 'fair' (score 100 to 0)\n"
        "  other inputs: none"
    )


def test_a_failure_lists_the_reasons_and_the_other_inputs():
    framework = criteriakit.framework_from_dict(
        definition(
            {"sales": {"type": "number", "min": 0, "max": 100}, "open": {"type": "bool"}},
            [
                indicator("sales", "sales", 90, {"type": "linear", "zero_at": 0, "full_at": 100}),
                indicator("open", "open", 10, {"type": "boolean"}),
            ],
            TIERS,
            ({"id": "open-cap", "when": "open", "at_most": "fair", "message": "open"},),
        )
    )
    assert "open" not in infer_directions(framework)  # earns points, but trips the rule
    (violation,) = check_monotonic(framework, {"sales": 100, "open": False}, increasing=["open"])
    assert violation.message == (
        "improving input 'open' (true is better) from False to True "
        "lowered the tier from 'good' to 'fair' (score 90 to 100)\n"
        "  reasons after: open-cap (veto)\n"
        "  other inputs: sales=100"
    )


def test_a_lower_score_in_the_same_tier_is_a_violation():
    framework = criteriakit.framework_from_dict(
        definition(
            {"wait": {"type": "number", "min": 0, "max": 60}},
            [indicator("wait", "wait", 100, {"type": "linear", "zero_at": 0, "full_at": 60})],
            TIERS,
        )
    )
    violations = check_monotonic(framework, {"wait": 30}, decreasing=["wait"])
    assert violations[0].message == (
        "improving input 'wait' (lower is better) from 30 to 29.99997 "
        "lowered the score from 50 to 49.99995 (tier 'fair' both times)\n"
        "  other inputs: none"
    )


def test_refused_and_unscored_variants_are_skipped():
    framework = criteriakit.framework_from_dict(
        {
            **definition(
                {"done": {"type": "integer", "min": 0}, "assigned": {"type": "integer", "min": 0}},
                [
                    indicator(
                        "ratio",
                        "done / assigned",
                        100,
                        {"type": "linear", "zero_at": 0, "full_at": 1},
                    )
                ],
                TIERS,
            ),
            "policy": {"division_by_zero": "not-evaluable"},
        }
    )
    assert check_monotonic(framework, {"done": 1, "assigned": 1}) == ()
    assert_always_monotonic(framework, settings=SEARCH)


# ---------------------------------------------------------------- misuse


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (
            {"increasing": ["shares"]},
            "framework test.rules@1 has no input 'shares' (did you mean 'share'?)",
        ),
        (
            {"increasing": ["share"], "decreasing": ["share"]},
            "input 'share' is given as both increasing and decreasing",
        ),
    ],
)
def test_wrong_directions_are_refused(zigzag, options, message):
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        check_monotonic(zigzag, {"share": 0.5}, **options)


def test_a_list_input_has_no_direction():
    framework = criteriakit.framework_from_dict(REVIEW)
    with pytest.raises(ValueError, match=r"^input 'samples' is a list: it has no direction$"):
        assert_always_monotonic(framework, increasing="samples")


def test_nothing_to_check_is_an_error(zigzag):
    with pytest.raises(ValueError, match=r"^no input of test\.rules@1 has a direction to check: "):
        assert_always_monotonic(zigzag)


# ---------------------------------------------------------------- determinism and bounds


class Noisy:
    """A plugin whose function never gives the same answer twice."""

    def __init__(self) -> None:
        self.counter = itertools.count(1)

    @criteriakit.hookimpl
    def criteriakit_register_functions(self, register):
        register(
            criteriakit.FunctionSpec(
                "noisy", (NUMBER,), NUMBER, lambda value: value + next(self.counter), "noisy"
            )
        )


class Inflating:
    """A plugin that adds 1000 to every score."""

    @criteriakit.hookimpl
    def criteriakit_adjust_result(self, result):
        return attrs.evolve(result, score=result.score + 1000)


def with_plugin(name, plugin, value):
    registry = criteriakit.Registry.load(autoload=False, plugins=[(name, plugin)])
    assert registry.problems == ()
    data = definition(
        {"n": {"type": "number", "min": 0, "max": 100}},
        [indicator("n", value, 100, {"type": "linear", "zero_at": 0, "full_at": 1000})],
        TIERS,
    )
    return criteriakit.framework_from_dict(data, extensions=registry.extensions)


def test_check_deterministic_says_what_changed():
    framework = with_plugin("noisy", Noisy(), "noisy(n)")
    problems = check_deterministic(framework, {"n": 10})
    assert re.fullmatch(
        r"the same inputs gave different results, score: (.+) then (.+)", problems[0]
    )


def test_check_in_bounds_finds_a_score_over_the_maximum():
    framework = with_plugin("inflating", Inflating(), "n")
    assert check_in_bounds(framework, {"n": 100}) == ("score 1010.0 is outside 0 .. 100",)
    with pytest.raises(AssertionError) as raised:
        assert_always_consistent(framework, settings=SEARCH)
    assert str(raised.value) == "score 1000.0 is outside 0 .. 100"  # shrunk to n = 0


def test_well_behaved_frameworks_are_consistent(zigzag):
    assert check_in_bounds(zigzag, {"share": 0.85}) == ()
    assert check_deterministic(zigzag, {"share": 0.85}) == ()
    assert_always_consistent(zigzag, settings=SEARCH)
    assert_always_consistent(criteriakit.framework_from_dict(REVIEW), settings=SEARCH)


def test_a_band_on_a_ratio_is_found_where_the_other_input_puts_it():
    # 80 % of the tasks done earns more than all of them: improving tasks_done can lower the score
    framework = criteriakit.framework_from_dict(
        definition(
            {"done": {"type": "integer", "min": 0}, "assigned": {"type": "integer", "min": 1}},
            [
                indicator(
                    "done",
                    "done / assigned",
                    100,
                    {
                        "type": "thresholds",
                        "bands": [{"min": 1, "award": 60}, {"min": 0.8, "award": 100}],
                    },
                )
            ],
            TIERS,
        )
    )
    with pytest.raises(AssertionError) as raised:
        assert_always_monotonic(framework, increasing=["done"], settings=UNSHRUNK)
    message = str(raised.value)
    assert re.match(
        r"improving input 'done' \(higher is better\) from \d+ to \d+ lowered ", message
    )
    assert check_monotonic(framework, {"done": 8, "assigned": 10}, increasing=["done"])


# ---------------------------------------------------------------- docs/properties.md

PAGE = (Path(__file__).resolve().parents[1] / "docs" / "properties.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def team_review(tmp_path_factory):
    """The team review that criteriakit new-plugin generates, which the page uses."""
    folder = tmp_path_factory.mktemp("scaffold")
    create_plugin("acme-coal", folder)
    return next(folder.rglob("acme-coal.team-review.toml"))


def page_block(language, containing):
    (block,) = [
        block
        for block in re.findall(rf"```{language}\n(.*?)```", PAGE, re.DOTALL)
        if containing in block
    ]
    return block


def shown(prompt):
    """The value the page shows after ``>>> prompt``."""
    text = page_block("python", f">>> {prompt}")
    return ast.literal_eval(text.split(f">>> {prompt}\n", 1)[1].split("\n>>>", 1)[0])


def test_the_page_shows_the_directions_and_boundaries_of_the_team_review(team_review):
    framework = criteriakit.load_framework(team_review)
    assert infer_directions(framework) == shown("infer_directions(framework)")
    assert boundary_values(framework) == shown("boundary_values(framework)")
    team = {
        "tasks_assigned": 20,
        "tasks_done": 16,
        "satisfaction": 0.9,
        "audit_passed": True,
        "incidents": 0,
    }
    assert check_monotonic(framework, team) == ()
    assert boundary_values(framework, given=team)["tasks_done"] == shown(
        'boundary_values(framework, given=team)["tasks_done"]      # 20 tasks assigned'
    )


def test_the_page_shows_the_failure_of_the_swapped_bands(team_review):
    text = team_review.read_text(encoding="utf-8")
    start = text.index("bands = [\n  { min = 1,")
    end = text.index("]\n", start) + 2
    swapped = page_block("toml", "should be 40")
    framework = criteriakit.loads_framework(text[:start] + swapped + text[end:])
    assert "tasks_done" not in infer_directions(framework)
    failure = page_block("text", "improving input 'tasks_done'").removeprefix("AssertionError: ")
    with pytest.raises(AssertionError) as raised:
        assert_always_monotonic(framework, increasing=["tasks_done"], settings=UNSHRUNK)
    assert re.match(
        r"improving input 'tasks_done' \(higher is better\) from \d+ to \d+ lowered the ",
        str(raised.value),
    )
    # the example shown, as check_monotonic finds it at the same unit
    unit = {"tasks_assigned": 8, "tasks_done": 7, "satisfaction": 0.499999}
    unit |= {"audit_passed": False, "incidents": 0}
    violations = check_monotonic(framework, unit, increasing=["tasks_done"])
    assert f"{violations[0].message}\n" == failure
