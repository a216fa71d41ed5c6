from __future__ import annotations

import math

import pytest

from criteriakit.expressions import (
    BOOL,
    INTEGER,
    NUMBER,
    FunctionSpec,
    LevelType,
    ListType,
    RecordsType,
    Undefined,
    compile_expression,
)
from criteriakit.expressions._compiler import compile_tree

TIER = LevelType(("excellent", "good", "complete", "not-completed"))
SCOPE = {
    "good": INTEGER,
    "total": INTEGER,
    "x": NUMBER,
    "y": NUMBER,
    "p": BOOL,
    "q": BOOL,
    "tier": TIER,
    "other": TIER,
    "scores": ListType(NUMBER),
    "counts": ListType(INTEGER),
    "flags": ListType(BOOL),
    "tiers": ListType(TIER),
    "members": RecordsType(
        {"points": NUMBER, "rating": TIER, "tasks": INTEGER, "ideas": ListType(INTEGER)}
    ),
}
MISSING_X = Undefined("missing", "input 'x' is missing")
MISSING_Y = Undefined("missing", "input 'y' is missing")


def run(text, env=None, **options):
    return compile_expression(text, SCOPE, **options).evaluate(env or {})


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("1 + 2 * 3", {}, 7),
        ("(1 + 2) * 3", {}, 9),
        ("7 - 2 - 1", {}, 4),
        ("7 / 2", {}, 3.5),
        ("-good + 1", {"good": 3}, -2),
        ("good * total", {"good": 3, "total": 4}, 12),
        ("x * 2 + y", {"x": 1.5, "y": 0.25}, 3.25),
        ("10 - x", {"x": 2.5}, 7.5),
        ("10 / x", {"x": 4}, 2.5),
        ("x / 4", {"x": 1}, 0.25),
        ("good / total", {"good": 3, "total": 4}, 0.75),
        ("min(x, 1) * 12", {"x": 1.7}, 12.0),  # a number: an integer in it becomes a float
        ("max(x, y, 0)", {"x": -1.0, "y": -2.0}, 0.0),
        ("abs(x - 3)", {"x": 1}, 2),
        ("clamp(x, 0, 10)", {"x": -4}, 0.0),
        ("clamp(x, 0, 10)", {"x": 14}, 10.0),
        ("clamp(x, 0, 10)", {"x": 4.5}, 4.5),
        ("clamp(x, 10, 0)", {"x": 4.5}, 0.0),
        ("85%", {}, 0.85),
        ("8 * good / total", {"good": 1, "total": 4}, 2.0),
    ],
)
def test_arithmetic(text, env, expected):
    value = run(text, env)
    assert value == expected
    assert type(value) is type(expected)


def test_integer_arithmetic_stays_integer():
    assert type(run("good + total * 2 - 1", {"good": 1, "total": 2})) is int
    assert type(run("good / total", {"good": 4, "total": 2})) is float


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0.3 >= 30%", True),
        ("3 / 10 >= 30%", True),
        ("0.29 >= 30%", False),
        ("0.1 + 0.2 >= 0.3", True),
        ("0.1 + 0.2 == 0.3", True),
        ("0.1 + 0.2 <= 0.3", True),
        ("0.1 + 0.2 > 0.3", False),
        ("0.1 + 0.2 != 0.3", False),
        ("0.3 < 0.1 + 0.2", False),
        ("89.99999999999999 >= 90", True),
        ("89.9999 >= 90", False),
        ("90 > 89.99999999999999", False),
        ("100 * (0.7 + 0.2) >= 90", True),
        ("1000000000 + 0.5 > 1000000000", False),  # the tolerance is relative: 1.0 here
        ("1000000000 + 2.0 > 1000000000", True),
        ("2 > 1", True),
        ("1 >= 2", False),
        ("1 != 1", False),
        ("true == true", True),
        ("true != false", True),
    ],
)
def test_comparisons_with_tolerance(text, expected):
    assert run(text) is expected


def test_integers_compare_exactly_and_numbers_with_tolerance():
    env = {"good": 10**12, "total": 10**12 + 1, "x": 1e12, "y": 1e12 + 1}
    assert run("good >= total", env) is False
    assert run("x >= y", env) is True
    assert run("good == x", {"good": 3, "x": 3.0000000000001}) is True


def test_percent_thresholds_from_the_domain():
    expression = compile_expression("good / total >= 30%", SCOPE)
    assert expression.evaluate({"good": 3, "total": 10}) is True
    assert expression.evaluate({"good": 29, "total": 100}) is False
    assert compile_expression("x >= 85%", SCOPE).evaluate({"x": 0.85}) is True


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ('tier >= "good"', {"tier": "excellent"}, True),
        ('tier >= "good"', {"tier": "good"}, True),
        ('tier >= "good"', {"tier": "complete"}, False),
        ('tier > "good"', {"tier": "good"}, False),
        ('tier < "good"', {"tier": "not-completed"}, True),
        ('tier <= "complete"', {"tier": "excellent"}, False),
        ('tier == "good"', {"tier": "good"}, True),
        ('tier != "good"', {"tier": "good"}, False),
        ('"good" > tier', {"tier": "complete"}, True),
        ('"good" <= tier', {"tier": "complete"}, False),
        ("tier > other", {"tier": "excellent", "other": "good"}, True),
        ("tier >= other", {"tier": "complete", "other": "good"}, False),
        ("tier == other", {"tier": "good", "other": "good"}, True),
        (
            'if(p, tier, other) >= "good"',
            {"p": False, "tier": "excellent", "other": "complete"},
            False,
        ),
    ],
)
def test_levels_compare_by_rank(text, env, expected):
    assert run(text, env) is expected


U = MISSING_X
KLEENE = [
    (True, True, True, True),
    (True, False, False, True),
    (True, U, U, True),
    (False, True, False, True),
    (False, False, False, False),
    (False, U, False, U),
    (U, True, U, True),
    (U, False, False, U),
    (U, U, U, U),
]


def operand(value, name):
    """An expression that evaluates to ``value`` (``U`` via the missing input ``x``)."""
    return f"({name} == 1)" if value is U else ("true" if value else "false")


@pytest.mark.parametrize(("a", "b", "conjunction", "disjunction"), KLEENE)
@pytest.mark.parametrize("fold", [True, False])
def test_kleene_logic(a, b, conjunction, disjunction, fold):
    for text, expected in [
        (f"{operand(a, 'x')} and {operand(b, 'x')}", conjunction),
        (f"{operand(a, 'x')} or {operand(b, 'x')}", disjunction),
        (f"not {operand(a, 'x')}", U if a is U else not a),
    ]:
        expression = compile_expression(text, SCOPE)
        assert compile_tree(expression.tree, text, fold=fold)({}) == expected, text


def test_kleene_logic_with_inputs():
    assert run("p and q", {"p": False}) is False
    assert run("q and p", {"p": False}) is False
    assert run("p or q", {"p": True}) is True
    assert run("q or p", {"p": True}) is True
    assert run("p and q", {"p": True}) == Undefined("missing", "input 'q' is missing")
    assert run("p or q", {"q": False}) == Undefined("missing", "input 'p' is missing")
    assert run("p and q", {}) == Undefined("missing", "input 'p' is missing")
    assert run("not p", {}) == Undefined("missing", "input 'p' is missing")


def test_undefined_propagates_the_first_one():
    assert run("x + y", {}) == MISSING_X
    assert run("y + x", {}) == MISSING_Y
    assert run("x + y", {"x": 1}) == MISSING_Y
    assert run("x + y", {"x": None, "y": 1}) == MISSING_X
    for text in [
        "-x",
        "x - 1",
        "1 - x",
        "x * 2",
        "2 * x",
        "x / 2",
        "2 / x",
        "x > 1",
        "1 > x",
        "x == y",
        "abs(x)",
        "min(x, 1)",
        "max(1, x)",
        "clamp(x, 0, 1)",
        "clamp(1, x, 2)",
        "clamp(1, 0, x)",
        "if(x > 1, 1, 2)",
        "count(scores, it > x)",
    ]:
        env = {"y": 1, "scores": [1.0]}
        assert run(text, env) == MISSING_X, text


def test_division_by_zero():
    zero = Undefined("division-by-zero", "division by zero in 'good / total'")
    assert run("good / total", {"good": 3, "total": 0}) == zero
    assert run("x / 0", {"x": 1}) == Undefined("division-by-zero", "division by zero in 'x / 0'")
    assert run("x / 0", {}) == MISSING_X
    assert run("1 / x", {"x": 0.0}).kind == "division-by-zero"
    assert run("1 / x", {"x": -0.0}).kind == "division-by-zero"
    assert run("0 / 0").kind == "division-by-zero"
    assert (
        run("(good\n  / total) + 1", {"good": 1, "total": 0}).detail
        == "division by zero in '(good / total)'"
    )


def test_long_snippets_are_shortened():
    text = "good / (total - total + total - total + total - total + total - total + total - total)"
    detail = run(text, {"good": 1, "total": 2}).detail
    assert detail == "division by zero in '" + text[:59] + "…'"


def test_if_is_lazy():
    expression = compile_expression("if(total == 0, 1, good / total)", SCOPE)
    assert expression.evaluate({"good": 3, "total": 0}) == 1
    assert expression.evaluate({"good": 3, "total": 4}) == 0.75
    assert run("if(p, x, 1)", {"p": False}) == 1
    assert run("if(p, 1, 2)", {}) == Undefined("missing", "input 'p' is missing")


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("count(scores)", {"scores": [1.0, 2.0]}, 2),
        ("count(scores)", {"scores": []}, 0),
        ("count(scores, it > 1)", {"scores": [1.0, 2.0, 3.0]}, 2),
        ("count(scores, it > 1)", {"scores": []}, 0),
        ("share(scores, it > 1)", {"scores": [1.0, 2.0, 3.0, 4.0]}, 0.75),
        ("any(flags, it)", {"flags": [False, True]}, True),
        ("any(flags, it)", {"flags": []}, False),
        ("all(flags, it)", {"flags": [True, False]}, False),
        ("all(flags, it)", {"flags": []}, True),
        ("sum(counts)", {"counts": [1, 2, 3]}, 6),
        ("sum(counts)", {"counts": []}, 0),
        ("sum(scores)", {"scores": [0.1, 0.2, 0.3]}, 0.1 + 0.2 + 0.3),  # added left to right
        ("sum(scores)", {"scores": []}, 0.0),
        ("avg(scores)", {"scores": [80.0, 90.0, 100.0]}, 90.0),
        ("avg(counts)", {"counts": [1, 2]}, 1.5),
        ("min(scores)", {"scores": [3.0, 1.0, 2.0]}, 1.0),
        ("max(counts)", {"counts": [3, 1, 2]}, 3),
        ("sum(members, tasks)", {"members": [{"tasks": 2}, {"tasks": 3}]}, 5),
        ("avg(members, points)", {"members": [{"points": 50}, {"points": 70.0}]}, 60.0),
        ("max(members, points * 2)", {"members": [{"points": 50}, {"points": 70.0}]}, 140.0),
        (
            'count(members, rating >= "good")',
            {"members": [{"rating": "excellent"}, {"rating": "complete"}]},
            1,
        ),
        ('share(tiers, it >= "good") >= 50%', {"tiers": ["good", "complete"]}, True),
        (
            "count(members, count(ideas, it > 0) >= 1)",
            {"members": [{"ideas": [0, 2]}, {"ideas": []}, {"ideas": [1]}]},
            2,
        ),
        ("sum(members, sum(ideas))", {"members": [{"ideas": [1, 2]}, {"ideas": []}]}, 3),
        ("count(scores, it > x)", {"scores": [1.0, 5.0], "x": 2}, 1),
        ("sum(scores, count(counts, it > 1))", {"scores": [1.0, 5.0], "counts": [1, 2, 3]}, 4),
    ],
)
def test_aggregates(text, env, expected):
    value = run(text, env)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    "function",
    ["share(scores, it > 1)", "avg(scores)", "min(scores)", "max(scores)", "avg(members, points)"],
)
def test_aggregates_of_empty_lists_are_undefined(function):
    value = run(function, {"scores": [], "members": []})
    assert isinstance(value, Undefined)
    assert value.kind == "empty"
    name = function[function.index("(") + 1 : function.index(")")].split(",")[0]
    assert value.detail == f"{function[: function.index('(')]} of an empty list '{name}'"


def test_undefined_items_in_aggregates():
    missing_item = Undefined("missing", "an item of 'scores' is missing")
    assert run("sum(scores)", {"scores": [1.0, None]}) == missing_item
    assert run("avg(scores, it * 2)", {"scores": [None]}) == missing_item
    assert run("count(scores)", {"scores": [None]}) == 1
    missing_field = Undefined("missing", "field 'points' is missing in an item of 'members'")
    assert run("count(members, points > 1)", {"members": [{"points": 2}, {}]}) == missing_field
    assert run("sum(members, points)", {"members": [{"points": None}]}) == missing_field
    assert run("count(members)", {}) == Undefined("missing", "input 'members' is missing")
    assert run("count(members, count(ideas) > 1)", {"members": [{}]}) == Undefined(
        "missing", "field 'ideas' is missing in an item of 'members'"
    )


def test_any_and_all_use_kleene_logic_over_items():
    env = {"scores": [1.0, None, 3.0]}
    missing_item = Undefined("missing", "an item of 'scores' is missing")
    assert run("any(scores, it > 2)", env) is True
    assert run("any(scores, it > 5)", env) == missing_item
    assert run("all(scores, it > 2)", env) is False
    assert run("all(scores, it > 0)", env) == missing_item


def test_non_finite_numbers_do_not_crash():
    nan, inf = math.nan, math.inf
    assert math.isnan(run("x + 1", {"x": nan}))
    assert run("x > 1", {"x": nan}) is False
    assert run("x != 1", {"x": nan}) is True
    assert run("x >= 1", {"x": inf}) is True
    assert run("x > 1", {"x": inf}) is True
    assert run("x == y", {"x": inf, "y": inf}) is True
    assert run("x < y", {"x": -inf, "y": 5}) is True
    assert run("x == y", {"x": inf, "y": 1e308}) is False
    assert run("x / y", {"x": inf, "y": inf}) != 0
    assert run("sum(scores)", {"scores": [inf, -inf]}) != 0
    assert run("sum(scores)", {"scores": [1e308, 1e308]}) == inf
    assert math.isnan(run("avg(scores)", {"scores": [nan, 1.0]}))


def test_integers_beyond_the_float_range_do_not_crash():
    huge = 10**400
    assert run("good * 2", {"good": huge}) == Undefined(
        "overflow", "the integer result of 'good * 2' does not fit in 64 bits"
    )
    assert run("good * 2", {"good": 2**62}) == Undefined(
        "overflow", "the integer result of 'good * 2' does not fit in 64 bits"
    )
    assert run("good * 2", {"good": 2**61}) == 2**62
    assert run("good + x", {"good": huge, "x": 1.5}) == math.inf
    assert run("x - good", {"good": huge, "x": 1.5}) == -math.inf
    assert run("x * good", {"good": -huge, "x": 1.5}) == -math.inf
    assert run("good / total", {"good": huge, "total": 3}) == math.inf
    assert run("x / good", {"good": huge, "x": 1.5}) == 0.0
    assert run("good >= x", {"good": huge, "x": 1.5}) is True
    assert run("x == good", {"good": huge, "x": 1e308}) is False
    assert run("sum(scores)", {"scores": [huge, 1.5]}) == math.inf
    assert run("avg(counts)", {"counts": [huge]}).kind == "overflow"
    assert run("sum(counts)", {"counts": [2**62, 2**62]}).kind == "overflow"
    assert run("sum(counts)", {"counts": [2**62, 2**62, -(2**62)]}) == 2**62  # exact, then checked
    assert run(f"x + {'9' * 400}", {"x": 0.5}) == math.inf


def test_plugin_functions_are_called_with_values():
    calls = []

    def median(values):
        calls.append(values)
        ordered = sorted(values)
        return ordered[len(ordered) // 2] if ordered else None

    spec = FunctionSpec("median", (ListType(NUMBER),), NUMBER, median)
    expression = compile_expression("median(scores) >= 50", SCOPE, functions={"median": spec})
    assert expression.evaluate({"scores": [10.0, 60.0, 70.0]}) is True
    assert expression.evaluate({}) == Undefined("missing", "input 'scores' is missing")
    assert len(calls) == 1
    assert expression.evaluate({"scores": []}) == Undefined(
        "missing", "function 'median' returned no value"
    )
    passthrough = FunctionSpec("check", (NUMBER,), NUMBER, lambda _x: Undefined("empty", "nothing"))
    assert compile_expression("check(1)", SCOPE, functions={"check": passthrough}).evaluate(
        {}
    ) == Undefined("empty", "nothing")


def test_constants_are_folded_but_plugins_are_not_called_at_compile_time():
    calls = []
    spec = FunctionSpec("one", (), INTEGER, lambda: calls.append(1) or 1)
    expression = compile_expression("one() + 2 * 3 > 0", SCOPE, functions={"one": spec})
    assert calls == []
    assert expression.evaluate({}) is True
    assert calls == [1]
    assert compile_expression("2 * 3 + 1", SCOPE).evaluate({}) == 7


def test_folded_logic_short_cuts():
    assert run("false and x > 1") is False
    assert run("x > 1 and false") is False
    assert run("true or x > 1") is True
    assert run("true and x > 1") == MISSING_X
    assert run("x > 1 or false") == MISSING_X
    assert run("(1 / 0 > 1) and false") is False
    assert run("(1 / 0 > 1) or true") is True
    assert run("(1 / 0 > 1) or false").kind == "division-by-zero"
    assert run("if(1 / 0 > 1, 1, 2)").kind == "division-by-zero"
    assert run("if(true, x, 1 / 0)", {"x": 2.5}) == 2.5


def test_domain_cell_indicators():
    scope = {
        "targets_assigned": INTEGER,
        "targets_met": INTEGER,
        "targets_exceeded": INTEGER,
        "mass_orgs_total": INTEGER,
        "mass_orgs_good": INTEGER,
        "meetings_held": INTEGER,
        "disunity_found": BOOL,
        "members": RecordsType({"tier": TIER, "disciplined": BOOL}),
    }
    env = {
        "targets_assigned": 10,
        "targets_met": 10,
        "targets_exceeded": 3,
        "mass_orgs_total": 0,
        "mass_orgs_good": 0,
        "meetings_held": 13,
        "disunity_found": False,
        "members": [
            {"tier": "excellent", "disciplined": False},
            {"tier": "not-completed", "disciplined": False},
        ],
    }

    def value(text, expect=None):
        return compile_expression(text, scope, expect=expect).evaluate(env)

    assert value("12 * min(targets_met / targets_assigned, 1)") == 12
    assert value("targets_exceeded / targets_assigned >= 30%", BOOL) is True
    assert value("if(mass_orgs_total == 0, 8, 8 * mass_orgs_good / mass_orgs_total)") == 8
    assert value("8 * min(meetings_held / 12, 1)") == 8
    assert value("targets_met < 50% * targets_assigned or disunity_found", BOOL) is False
    assert value('count(members, tier == "not-completed") > count(members) / 2', BOOL) is False
    assert value("targets_met == targets_assigned and not any(members, disciplined)", BOOL) is True
