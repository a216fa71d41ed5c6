"""The scalar executor's fast paths give exactly what the straightforward computations give.

Rounding as the columnar engine rounds, threshold steps with their tolerances worked out in advance, input
values accepted without their converter, and results shared between units with the same values
must all be indistinguishable from the plain computation, down to the type and the sign of zero.
"""

from __future__ import annotations

import math
from typing import Any

import attrs
import polars as pl
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import criteriakit
from criteriakit.columnar.floats import constant_columns, rounded
from criteriakit.compiling.inputs import InputChecker
from criteriakit.compiling.scoring import round_points, threshold_scorer
from criteriakit.errors import DataError
from criteriakit.expressions import approx_ge, approx_gt
from criteriakit.expressions.tolerance import RELATIVE_TOLERANCE
from criteriakit.model.framework import Input


def same(a: object, b: object) -> bool:
    """Equal, of the same type and shown the same (so -0.0 differs from 0.0, and 1 from 1.0)."""
    return type(a) is type(b) and repr(a) == repr(b)


# --- rounding ------------------------------------------------------------------------------

near_ties = st.integers(-(10**13), 10**13).map(lambda n: (n + 0.5) / 1e9)


@given(st.floats() | st.integers(-(10**20), 10**20) | near_ties)
@example(0.0009765625)  # exactly halfway at the ninth decimal: half to even
@example(-0.0)
@example(-1e-12)  # rounds to -0.0
@example(1099.5116277759999)
@example(89.99999999999999)
@example(1e300)
@example(float("inf"))
@example(float("nan"))
def test_round_points_rounds_as_the_columnar_engine_to_nine_decimals(value):
    number = float(value)
    frame = pl.DataFrame({"x": [number, 0.0]}).with_row_index()
    frame = frame.with_columns(constant_columns([], pl.col("index")))
    columnar = frame.select(rounded(pl.col("x")))["x"][0]
    assert same(round_points(number), columnar)
    if math.isfinite(number) and abs(number) < 1e6:
        assert abs(round_points(number) - round(number, 9)) <= 1e-9 + 2 * math.ulp(number)


# --- threshold steps -----------------------------------------------------------------------


def stepwise(
    bands: list[tuple[float, float]], value: float, *, ascending: bool, inclusive: bool
) -> float:
    """The threshold scorer as written before it worked out its tolerances in advance."""
    for bound, award in sorted(bands, reverse=ascending):
        if ascending:
            reached = approx_ge(value, bound) if inclusive else approx_gt(value, bound)
        else:
            reached = approx_ge(bound, value) if inclusive else approx_gt(bound, value)
        if reached:
            return award
    return -1.0


bounds = st.floats(-1e6, 1e6) | st.integers(-100, 100) | st.sampled_from([0.3, 0.15, 1.0, 90.0])


@st.composite
def thresholds(draw: st.DrawFn) -> tuple[list[tuple[float, float]], float]:
    chosen = draw(st.lists(bounds, min_size=1, max_size=4, unique=True))
    bands = [(bound, float(award)) for award, bound in enumerate(chosen)]
    near = draw(st.sampled_from(chosen))
    offset = draw(st.integers(-3, 3) | st.floats(-3, 3))
    value = draw(
        st.just(near + offset * RELATIVE_TOLERANCE * max(1.0, abs(near)))
        | st.floats()
        | st.integers(-(10**20), 10**20)
    )
    return bands, value


@given(thresholds(), st.booleans(), st.booleans())
@example(([(0.3, 0.0)], 0.3 - 1e-9), True, True)  # on the shifted bound
@example(([(0.3, 0.0)], 0.3 + 1e-9), True, False)
@example(([(90, 0.0)], 90 - 9e-8), True, True)
@example(([(0.3, 0.0)], 0.3 + 1e-9), False, True)
@example(([(0.3, 0.0)], 0.3 - 1e-9), False, False)
def test_threshold_steps_compare_as_the_tolerance_helpers(case, ascending, inclusive):
    bands, value = case
    scorer = threshold_scorer(
        bands, ascending=ascending, inclusive=inclusive, otherwise=-1.0, scale=1.0
    )
    expected = stepwise(bands, value, ascending=ascending, inclusive=inclusive)
    assert same(scorer.score(value, {}), expected)


# --- input checks --------------------------------------------------------------------------

limits = st.none() | st.floats(-100, 100) | st.sampled_from([0.0, 1.0, math.inf, -math.inf])
raw_values = (
    st.none()
    | st.booleans()
    | st.integers(-200, 200)
    | st.integers(-(10**400), 10**400)
    | st.floats()
    | st.sampled_from(["12", "yes", [1]])
)


@given(st.sampled_from(["number", "integer", "bool"]), limits, limits, raw_values)
@example("integer", None, None, True)  # a bool is not an integer
@example("number", None, None, False)
@example("integer", 0.0, 2.0, 2.0)  # a whole float becomes an int
@example("number", None, None, math.inf)
@example("number", -math.inf, None, -math.inf)
@example("number", None, None, math.nan)  # missing, as pandas writes it
@example("bool", 0.0, 0.5, True)  # the converter ignores a bool's bounds
def test_values_taken_as_they_are_match_their_converter(kind, low, high, value):
    spec = Input(type=kind, min=low, max=high)  # type: ignore[arg-type]
    checker = InputChecker.for_inputs({"x": spec})
    convert = checker.slots[0].convert
    try:
        # None and a float NaN are missing values (as pandas writes them), not converted
        missing = value is None or (isinstance(value, float) and math.isnan(value))
        expected: dict[str, Any] | None = {} if missing else {"x": convert(value, True)}
    except ValueError:  # the converter's finding, which the checker reports as a DataError
        expected = None
    if expected is None:
        with pytest.raises(DataError):
            checker.check({"x": value})
    else:
        checked = checker.check({"x": value})
        assert checked.keys() == expected.keys()
        assert all(same(checked[key], expected[key]) for key in expected)


# --- results shared between units ----------------------------------------------------------

SHARED = """
id = "test.shared"
version = "1"
title = "Shared results"
subject = "unit"

[policy]
missing_input = "zero"
division_by_zero = "exclude"

[inputs.x]
type = "number"
[inputs.n]
type = "integer"
min = 0
[inputs.goal]
type = "number"
[inputs.flag]
type = "bool"
[inputs.grade]
type = "level"
levels = ["good", "fair", "poor"]

[[criteria]]
id = "a"
title = "A"
points = 60

[[criteria.indicators]]
id = "a.x"
title = "X"
value = "x"
points = 20
scorer = { type = "linear", zero_at = -1, full_at = 1 }

[[criteria.indicators]]
id = "a.ratio"
title = "Ratio"
value = "x / n"
points = 20
scorer = { type = "thresholds", bands = [{ min = 0.5, award = 20 }, { min = 0.1, award = 5 }] }

[[criteria.indicators]]
id = "a.target"
title = "Target"
value = "n"
points = 20
scorer = { type = "target", target = "goal" }

[[criteria]]
id = "b"
title = "B"
points = 40

[[criteria.indicators]]
id = "b.flag"
title = "Flag"
value = "flag"
points = 20
scorer = { type = "boolean" }

[[criteria.indicators]]
id = "b.grade"
title = "Grade"
value = "grade"
points = 20
scorer = { type = "lookup", table = { "good" = 20, "fair" = 10 } }

[[tiers]]
id = "high"
title = "High"
min_score = 70

[[tiers.gates]]
id = "high-flag"
require = "flag"
message = "High needs the flag"

[[tiers]]
id = "low"
title = "Low"
"""

shared_units = st.fixed_dictionaries(
    {
        "x": st.sampled_from([0.0, -0.0, 1, 1.0, 0.5, -0.5, 2]) | st.none(),
        "n": st.integers(0, 3) | st.none(),
        "goal": st.sampled_from([0, 2, 2.0, 4.0]) | st.none(),
        "flag": st.booleans() | st.none(),
        "grade": st.sampled_from(["good", "fair", "poor"]) | st.none(),
    }
)


@pytest.fixture(scope="module")
def warmed() -> criteriakit.Framework:
    """A framework that keeps results: it evaluates every unit the examples give it."""
    return criteriakit.loads_framework(SHARED)


@given(units=st.lists(shared_units, min_size=1, max_size=12))
def test_shared_results_look_exactly_like_new_ones(warmed, units):
    for unit in units:
        new = attrs.evolve(warmed).evaluate(unit)  # a copy keeps nothing yet
        shared = warmed.evaluate(unit)
        assert shared == new
        assert repr(shared) == repr(new)


def test_a_value_shown_as_minus_zero_is_not_taken_for_zero():
    framework = criteriakit.loads_framework(SHARED)
    units = [{"x": 0.0, "n": 1, "goal": 2, "flag": True, "grade": "good"}] * 2
    units += [{**units[0], "x": -0.0}]
    results = [framework.evaluate(unit) for unit in units]
    shown = [repr(result.indicator("a.x").value) for result in results]
    assert shown == ["0.0", "0.0", "-0.0"]


def test_a_number_is_a_float_and_an_integer_an_int_whatever_they_were_given_as():
    framework = criteriakit.loads_framework(SHARED)
    base = {"goal": 2, "flag": True, "grade": "good"}
    first = framework.evaluate({**base, "x": 1.0, "n": 1.0})
    second = framework.evaluate({**base, "x": 1, "n": 1})
    assert same(first.indicator("a.x").value, 1.0)
    assert same(second.indicator("a.x").value, 1.0)
    assert same(first.indicator("a.target").value, 1)
    assert same(second.indicator("a.target").value, 1)


def test_what_it_would_take_names_the_gates_of_the_tier_just_above():
    framework = criteriakit.loads_framework(SHARED)
    unit = {"x": 1.0, "n": 1, "goal": 1, "flag": False, "grade": "good"}
    result = framework.evaluate(unit)
    assert (result.band_tier, result.tier) == ("high", "low")
    assert result.improvement is not None
    assert [obstacle.code for obstacle in result.improvement.obstacles] == ["high-flag"]
    assert result.improvement.obstacles[0].values == {"flag": False}
