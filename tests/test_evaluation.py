"""Evaluation through the public API: scorers, scales, policies, inputs, caps, results."""

from __future__ import annotations

import json

import pytest

import criteriakit

HEADER = """
id = "test.eval"
version = "1"
title = "Evaluation test"
subject = "unit"
"""

TIERS = """
[[tiers]]
id = "high"
title = "High"
min_score = 80

[[tiers]]
id = "mid"
title = "Mid"
min_score = 50

[[tiers]]
id = "low"
title = "Low"
"""


def framework(body: str, *, header: str = HEADER, tiers: str = TIERS) -> criteriakit.Framework:
    return criteriakit.loads_framework(header + body + tiers, source="test.toml")


def one_indicator(
    value: str, scorer: str, inputs: str, *, policy: str = "", extra: str = ""
) -> criteriakit.Framework:
    body = f"""
{policy}
{inputs}

[[criteria]]
id = "c"
title = "C"
points = 100

[[criteria.indicators]]
id = "i"
title = "I"
value = "{value}"
points = 100
scorer = {scorer}
{extra}
"""
    return framework(body)


NUMBER_X = '[inputs.x]\ntype = "number"'


@pytest.mark.parametrize(
    ("x", "points"),
    [(-1, 0), (0, 0), (0.25, 25), (0.5, 50), (1, 100), (2, 100)],
)
def test_linear(x, points):
    fw = one_indicator("x", '{ type = "linear", zero_at = 0, full_at = 1 }', NUMBER_X)
    assert fw.evaluate({"x": x}).score == pytest.approx(points)


def test_linear_lower_is_better():
    fw = one_indicator("x", '{ type = "linear", zero_at = 10, full_at = 0 }', NUMBER_X)
    assert [fw.evaluate({"x": x}).score for x in (12, 10, 5, 0, -3)] == [0, 0, 50, 100, 100]


def test_thresholds_inclusive_and_exclusive():
    bands = "bands = [{ min = 0.9, award = 100 }, { min = 0.5, award = 40 }]"
    inclusive = one_indicator("x", f'{{ type = "thresholds", {bands}, otherwise = 10 }}', NUMBER_X)
    exclusive = one_indicator(
        "x", f'{{ type = "thresholds", {bands}, inclusive = false }}', NUMBER_X
    )
    assert [inclusive.evaluate({"x": x}).score for x in (0.95, 0.9, 0.7, 0.5, 0.1)] == [
        100,
        100,
        40,
        40,
        10,
    ]
    assert [exclusive.evaluate({"x": x}).score for x in (0.95, 0.9, 0.7, 0.5, 0.1)] == [
        100,
        40,
        40,
        0,
        0,
    ]


def test_thresholds_lower_is_better():
    scorer = '{ type = "thresholds", bands = [{ max = 0, award = 100 }, { max = 2, award = 50 }] }'
    fw = one_indicator("x", scorer, '[inputs.x]\ntype = "integer"')
    assert [fw.evaluate({"x": x}).score for x in (0, 1, 2, 3)] == [100, 50, 50, 0]


def test_threshold_reached_by_hand_arithmetic():
    # 0.1 + 0.2 is 0.30000000000000004 in floating point and 0.7 - 0.4 is 0.29999999999999993
    scorer = '{ type = "thresholds", bands = [{ min = 0.3, award = 100 }] }'
    fw = one_indicator("x - 0.4", scorer, NUMBER_X)
    assert fw.evaluate({"x": 0.7}).score == 100


def test_target_with_number_and_expression():
    by_number = one_indicator("x", '{ type = "target", target = 4 }', NUMBER_X)
    assert [by_number.evaluate({"x": x}).score for x in (0, 1, 4, 9)] == [0, 25, 100, 100]
    inputs = NUMBER_X + '\n\n[inputs.goal]\ntype = "number"\ndefault = 2'
    by_input = one_indicator("x", '{ type = "target", target = "goal" }', inputs)
    assert by_input.evaluate({"x": 1}).score == 50
    assert by_input.evaluate({"x": 1, "goal": 4}).score == 25


def test_target_of_zero_follows_the_division_policy():
    inputs = NUMBER_X + '\n\n[inputs.goal]\ntype = "number"'
    policy = '[policy]\ndivision_by_zero = "zero"'
    fw = one_indicator("x", '{ type = "target", target = "goal" }', inputs, policy=policy)
    result = fw.evaluate({"x": 1, "goal": 0})
    assert result.score == 0
    assert result.indicator("i").status == "zero"
    assert result.indicator("i").note == "target 'goal' is zero"


def test_boolean_and_lookup_on_levels():
    inputs = '[inputs.rating]\ntype = "level"\nlevels = ["good", "fair", "poor"]'
    fw = one_indicator(
        "rating", '{ type = "lookup", table = { good = 100, fair = 60 }, otherwise = 5 }', inputs
    )
    assert [fw.evaluate({"rating": r}).score for r in ("good", "fair", "poor")] == [100, 60, 5]
    flag = one_indicator("rating >= 'fair'", '{ type = "boolean" }', inputs)
    assert [flag.evaluate({"rating": r}).score for r in ("good", "fair", "poor")] == [100, 100, 0]


def test_records_and_lists_with_aggregates():
    inputs = """
[inputs.members]
type = "records"
max_length = 50
fields = { tier = { type = "level", levels = ["excellent", "good", "complete", "failed"] }, score = { type = "number", min = 0, max = 100 } }

[inputs.monthly]
type = "list"
items = "number"
max_length = 12
"""
    fw = one_indicator(
        "share(members, tier >= 'good')", '{ type = "linear", zero_at = 0, full_at = 1 }', inputs
    )
    members = [
        {"tier": "excellent", "score": 95},
        {"tier": "good", "score": 80},
        {"tier": "failed", "score": 20},
        {"tier": "good", "score": 75},
    ]
    assert fw.evaluate({"members": members, "monthly": [1, 2]}).score == 75
    mean = one_indicator("avg(monthly)", '{ type = "linear", zero_at = 0, full_at = 100 }', inputs)
    assert mean.evaluate({"members": [], "monthly": [80, 90, 100]}).score == 90


def test_weights_scale():
    body = """
scale = "weights"
max_score = 10

[inputs.a]
type = "number"

[inputs.b]
type = "bool"

[[criteria]]
id = "c1"
title = "C1"
weight = 0.75

[[criteria.indicators]]
id = "a"
title = "A"
value = "a"
weight = 0.5
scorer = { type = "linear", zero_at = 0, full_at = 1 }

[[criteria.indicators]]
id = "a2"
title = "A2"
value = "a"
weight = 0.5
scorer = { type = "thresholds", bands = [{ min = 0.5, award = 0.5 }] }

[[criteria]]
id = "c2"
title = "C2"
weight = 0.25

[[criteria.indicators]]
id = "b"
title = "B"
value = "b"
weight = 1
scorer = { type = "boolean" }
"""
    tiers = '[[tiers]]\nid = "pass"\ntitle = "Pass"\nmin_score = 5\n\n[[tiers]]\nid = "fail"\ntitle = "Fail"\n'
    fw = criteriakit.loads_framework(
        HEADER.replace('subject = "unit"', "") + 'subject = "unit"\n' + body + tiers
    )
    result = fw.evaluate({"a": 0.5, "b": True})
    # c1: 10·0.75·(0.5·0.5 + 0.5·0.5) = 3.75; c2: 10·0.25·1 = 2.5
    assert result.criterion("c1").score == pytest.approx(3.75)
    assert result.criterion("c1").max_score == 7.5
    assert result.indicator("a2").max_points == 3.75
    assert result.score == pytest.approx(6.25)
    assert result.tier == "pass"


POLICY_INPUTS = """
[inputs.a]
type = "number"

[inputs.b]
type = "number"
"""


def two_indicators(policy: str) -> criteriakit.Framework:
    body = f"""
[policy]
{policy}
{POLICY_INPUTS}

[[criteria]]
id = "c"
title = "C"
points = 100

[[criteria.indicators]]
id = "ratio"
title = "Ratio"
value = "a / b"
points = 50
scorer = {{ type = "linear", zero_at = 0, full_at = 1 }}

[[criteria.indicators]]
id = "plain"
title = "Plain"
value = "a"
points = 50
scorer = {{ type = "linear", zero_at = 0, full_at = 1 }}
"""
    return framework(body)


def test_policy_fail_names_the_unit_and_cause():
    fw = two_indicators('division_by_zero = "fail"')
    with pytest.raises(criteriakit.EvaluationError) as caught:
        fw.evaluate({"a": 1, "b": 0}, unit="u1")
    assert (
        str(caught.value)
        == "unit 'u1': indicator ratio (Ratio) could not be computed: division by zero in 'a / b'"
    )
    assert caught.value.unit == "u1"
    with pytest.raises(criteriakit.EvaluationError, match="input 'b' is missing"):
        fw.evaluate({"a": 1})


def test_policy_zero():
    result = two_indicators('division_by_zero = "zero"').evaluate({"a": 1, "b": 0})
    assert result.score == 50
    assert result.indicator("ratio").status == "zero"


def test_policy_exclude_renormalises():
    result = two_indicators('division_by_zero = "exclude"').evaluate({"a": 0.6, "b": 0})
    # only "plain" is scored: 30 of 50 points → 60 of 100
    assert result.score == pytest.approx(60)
    assert result.indicator("ratio").status == "excluded"
    assert result.tier == "mid"


def test_policy_not_evaluable():
    result = two_indicators('missing_input = "not-evaluable"').evaluate({"a": 0.6})
    assert result.score is None
    assert result.tier is None
    assert not result.evaluable
    assert result.reason_codes == ("not-evaluable",)
    assert "input 'b' is missing" in result.reasons[0].message
    assert "Not evaluable." in result.explain()


def test_indicator_policy_overrides_the_framework():
    fw = two_indicators('division_by_zero = "fail"').definition
    assert fw.policy.division_by_zero == "fail"
    body = (
        POLICY_INPUTS
        + """
[[criteria]]
id = "c"
title = "C"
points = 100

[[criteria.indicators]]
id = "ratio"
title = "Ratio"
value = "a / b"
points = 100
scorer = { type = "linear", zero_at = 0, full_at = 1 }
policy = { division_by_zero = "zero" }
"""
    )
    assert framework(body).evaluate({"a": 1, "b": 0}).score == 0


def test_all_excluded_is_not_evaluable():
    result = two_indicators('missing_input = "exclude"').evaluate({})
    assert result.score is None
    assert result.reasons[0].message == "every indicator was excluded: nothing left to score"


def test_undefined_condition_with_policy_zero_is_reported():
    body = """
[policy]
division_by_zero = "zero"

[inputs.a]
type = "number"

[inputs.b]
type = "number"

[[criteria]]
id = "c"
title = "C"
points = 100

[[criteria.indicators]]
id = "plain"
title = "Plain"
value = "a"
points = 100
scorer = { type = "linear", zero_at = 0, full_at = 1 }
"""
    tiers = TIERS.replace(
        "min_score = 80\n",
        'min_score = 80\ngates = [{ id = "ratio-ok", require = "a / b > 0.5", message = "High needs a ratio over 0.5" }]\n',
    )
    tiers += '\n[[rules]]\nid = "ratio-low"\nwhen = "a / b < 0.1"\nat_most = "low"\nmessage = "The ratio is tiny"\n'
    result = framework(body, tiers=tiers).evaluate({"a": 1, "b": 0})
    assert result.band_tier == "high"
    assert result.tier == "mid"
    assert [(r.code, r.kind) for r in result.reasons] == [
        ("ratio-low", "not-checked"),
        ("ratio-ok", "not-checked"),
    ]
    assert result.reason_codes == ("ratio-low (not checked)", "ratio-ok (not checked)")
    assert result.reasons[0].message == (
        "veto not checked (division by zero in 'a / b'), so it does not apply: The ratio is tiny"
    )
    assert result.reasons[1].message == (
        "gate not checked (division by zero in 'a / b'), so it counts as failed: "
        "High needs a ratio over 0.5"
    )


def test_cap_that_is_not_a_veto():
    body = (
        NUMBER_X
        + """

[[criteria]]
id = "c"
title = "C"
points = 100

[[criteria.indicators]]
id = "i"
title = "I"
value = "x"
points = 100
scorer = { type = "linear", zero_at = 0, full_at = 1 }
"""
    )
    tiers = (
        TIERS
        + '\n[[rules]]\nid = "probation"\nwhen = "x < 0.95"\nat_most = "mid"\nmessage = "On probation"\n'
    )
    fw = framework(body, tiers=tiers)
    result = fw.evaluate({"x": 0.9})
    assert (result.band_tier, result.tier) == ("high", "mid")
    assert result.reasons[0].kind == "cap"
    assert fw.evaluate({"x": 0.6}).reasons[0].kind == "cap"
    assert fw.evaluate({"x": 0.6}).tier == "mid"
    assert fw.evaluate({"x": 0.2}).tier == "low"


def test_input_errors_are_all_reported():
    fw = two_indicators('division_by_zero = "zero"')
    with pytest.raises(criteriakit.DataError) as caught:
        fw.evaluate({"a": "x", "b": True, "c": 1, "bb": 2})
    assert [problem.path for problem in caught.value.problems] == ["a", "b", "c", "bb"]
    text = str(caught.value)
    assert "a: expected a number, got 'x'" in text
    assert "bb: unknown input 'bb'\n  hint: did you mean 'b'?" in text
    assert fw.evaluate({"a": 1, "b": 2, "c": 3}, unknown_inputs="ignore").score == 75


def test_input_bounds_defaults_and_levels():
    body = """
[inputs.n]
type = "integer"
min = 0
max = 12
default = 6

[inputs.level]
type = "level"
levels = ["a", "b"]
default = "b"

[[criteria]]
id = "c"
title = "C"
points = 100

[[criteria.indicators]]
id = "i"
title = "I"
value = "n"
points = 100
scorer = { type = "linear", zero_at = 0, full_at = 12 }
"""
    fw = framework(body)
    result = fw.evaluate({})
    assert result.score == 50
    assert result.inputs == {"n": 6, "level": "b"}
    with pytest.raises(criteriakit.DataError) as caught:
        fw.evaluate({"n": 13, "level": "c"})
    messages = [problem.message for problem in caught.value.problems]
    assert messages == ["13 is above the maximum 12", "expected one of the levels a, b; got 'c'"]
    assert fw.evaluate({"n": 12.0}).score == 100
    with pytest.raises(criteriakit.DataError, match=r"expected an integer, got 2\.5"):
        fw.evaluate({"n": 2.5})


def test_result_json_round_trip():
    fw = two_indicators('division_by_zero = "zero"')
    result = fw.evaluate({"a": 0.5, "b": 2}, unit="u")
    data = result.to_dict()
    assert json.loads(json.dumps(data)) == data
    assert criteriakit.Result.from_dict(data) == result
    assert data["unit"] == "u"
    assert data["framework"] == "test.eval"
    assert {
        "score",
        "max_score",
        "tier",
        "band_tier",
        "criteria",
        "reasons",
        "fingerprint",
    } <= data.keys()
    assert data["criteria"][0]["indicators"][0]["id"] == "ratio"


def test_result_from_invalid_dict():
    with pytest.raises(criteriakit.DataError) as caught:
        criteriakit.Result.from_dict({"framework": "x", "score": "high"})
    paths = {problem.path for problem in caught.value.problems}
    assert {"version", "score"} <= paths


def test_fingerprint_ignores_layout_but_not_content():
    fw = two_indicators('division_by_zero = "zero"')
    same = two_indicators('division_by_zero   =   "zero"  # spaced')
    other = two_indicators('division_by_zero = "exclude"')
    assert same.fingerprint == fw.fingerprint
    assert other.fingerprint != fw.fingerprint
    assert fw.fingerprint.startswith("sha256:")


def test_evaluation_is_deterministic_and_leaves_inputs_alone():
    fw = two_indicators('division_by_zero = "zero"')
    inputs = {"a": 0.5, "b": 2}
    assert fw.evaluate(inputs) == fw.evaluate(dict(inputs))
    assert inputs == {"a": 0.5, "b": 2}


@pytest.mark.parametrize(
    "error",
    [
        criteriakit.DataError([criteriakit.Problem("bad", path="x", row=3)], source="d.csv"),
        criteriakit.EvaluationError("unit 'c': indicator 1.1 could not be computed", unit="c"),
        criteriakit.FrameworkError([criteriakit.Problem("bad key", path="tiers")]),
    ],
)
def test_errors_pickle_with_their_attributes(error):
    import pickle  # noqa: PLC0415

    copy = pickle.loads(pickle.dumps(error))  # noqa: S301  our own bytes
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert vars(copy) == vars(error)
