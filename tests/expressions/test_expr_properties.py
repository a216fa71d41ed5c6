from __future__ import annotations

import contextlib
import math
from decimal import Decimal
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from criteriakit.errors import ExpressionError, ExpressionSyntaxError
from criteriakit.expressions import (
    BOOL,
    INTEGER,
    NUMBER,
    LevelType,
    ListType,
    NumberLiteral,
    RecordsType,
    Undefined,
    compile_expression,
    parse,
)
from criteriakit.expressions._compiler import compile_tree

LEVELS = ("excellent", "good", "complete", "not-completed")
TIER = LevelType(LEVELS)
SCOPE = {
    "x": NUMBER,
    "y": NUMBER,
    "i": INTEGER,
    "j": INTEGER,
    "p": BOOL,
    "q": BOOL,
    "tier": TIER,
    "other": TIER,
    "scores": ListType(NUMBER),
    "counts": ListType(INTEGER),
    "flags": ListType(BOOL),
    "members": RecordsType({"points": NUMBER, "tasks": INTEGER, "ok": BOOL, "rating": TIER}),
}
# at least this many examples, more under a thorough profile (see tests/conftest.py)
PROPERTY_SETTINGS = settings(max_examples=max(300, settings.default.max_examples), deadline=None)

TOKENS = [
    "x",
    "y",
    "i",
    "p",
    "tier",
    "scores",
    "members",
    "points",
    "it",
    "zz",
    "0",
    "1",
    "12",
    "7.5",
    "85%",
    "1.",
    ".5",
    "1e5",
    "9" * 30,
    "9" * 30 + ".5",
    '"good"',
    "'complete'",
    '"unterminated',
    "true",
    "false",
    "and",
    "or",
    "not",
    "lambda",
    "+",
    "-",
    "*",
    "/",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "=",
    "**",
    "^",
    "%",
    "&&",
    "||",
    "(",
    ")",
    ",",
    ".",
    "[",
    "]",
    ":",
    "?",
    "≥",
    "\x00",
    "\n",
    "é",
    "min",
    "max",
    "abs",
    "clamp",
    "if",
    "count",
    "share",
    "any",
    "all",
    "sum",
    "avg",
]


@given(st.text(max_size=120))
@PROPERTY_SETTINGS
def test_arbitrary_text_only_raises_expression_errors(text):
    try:
        parse(text)
    except ExpressionSyntaxError as error:
        assert 0 <= error.offset <= len(text)
        assert error.length >= 1
    with contextlib.suppress(ExpressionError):
        compile_expression(text, SCOPE)


@given(st.lists(st.sampled_from(TOKENS), max_size=25), st.sampled_from(["", " "]))
@PROPERTY_SETTINGS
def test_token_soup_only_raises_expression_errors(tokens, separator):
    text = separator.join(tokens)
    try:
        expression = compile_expression(text, SCOPE)
    except ExpressionError as error:
        assert 0 <= error.offset <= len(text)
        str(error)
    else:
        expression.evaluate({})


@given(st.from_regex(r"[0-9]{1,8}(\.[0-9]{1,8})?", fullmatch=True))
def test_percentages_are_decimal_exact(digits):
    node = parse(f"{digits}%")
    assert isinstance(node, NumberLiteral)
    assert node.value == float(Decimal(digits) / 100)


# --- well-typed expressions --------------------------------------------------------------

NUMBER_LEAVES = {"top": ["x", "y"], "members": ["x", "points"], "scores": ["it", "y"]}
INTEGER_LEAVES = {"top": ["i", "j"], "members": ["tasks", "i"], "scores": ["i"]}
BOOL_LEAVES = {"top": ["p", "q"], "members": ["ok", "p"], "scores": ["q"]}
LEVEL_LEAVES = {"top": ["tier", "other"], "members": ["rating", "tier"], "scores": ["tier"]}

literals = st.one_of(
    st.integers(0, 1000).map(str),
    st.sampled_from(["0", "0.5", "1.25", "30%", "85%", "100%", "0.1", "0.2", "0.3", "9" * 320]),
)


@cache
def numeric(context: str, depth: int) -> st.SearchStrategy[str]:
    leaves = st.one_of(literals, st.sampled_from(NUMBER_LEAVES[context] + INTEGER_LEAVES[context]))
    if depth == 0:
        return leaves
    sub = numeric(context, depth - 1)
    condition = boolean(context, depth - 1)
    options = [
        leaves,
        st.tuples(sub, st.sampled_from(["+", "-", "*", "/"]), sub).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        sub.map(lambda a: f"-{a}"),
        st.tuples(st.sampled_from(["min", "max"]), st.lists(sub, min_size=2, max_size=3)).map(
            lambda t: f"{t[0]}({', '.join(t[1])})"
        ),
        sub.map(lambda a: f"abs({a})"),
        st.tuples(sub, sub, sub).map(lambda t: f"clamp({t[0]}, {t[1]}, {t[2]})"),
        st.tuples(condition, sub, sub).map(lambda t: f"if({t[0]}, {t[1]}, {t[2]})"),
        st.sampled_from(
            [
                "sum(scores)",
                "avg(scores)",
                "min(counts)",
                "max(scores)",
                "count(flags)",
                "sum(counts)",
            ]
        ),
    ]
    if context == "top":  # aggregates over members, whose fields must not be shadowed
        member_condition = boolean("members", depth - 1)
        options += [
            member_condition.map(lambda c: f"count(members, {c})"),
            member_condition.map(lambda c: f"share(members, {c})"),
            st.tuples(
                st.sampled_from(["sum", "avg", "min", "max"]), numeric("members", depth - 1)
            ).map(lambda t: f"{t[0]}(members, {t[1]})"),
        ]
    if context != "scores":  # nested aggregates over scores see its items as `it`
        options += [
            boolean("scores", depth - 1).map(lambda c: f"count(scores, {c})"),
            numeric("scores", depth - 1).map(lambda n: f"sum(scores, {n})"),
        ]
    return st.one_of(*options)


@cache
def boolean(context: str, depth: int) -> st.SearchStrategy[str]:
    levels = st.sampled_from(LEVEL_LEAVES[context])
    leaves = st.one_of(
        st.sampled_from(["true", "false", *BOOL_LEAVES[context]]),
        st.tuples(
            levels, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), st.sampled_from(LEVELS)
        ).map(lambda t: f'({t[0]} {t[1]} "{t[2]}")'),
        st.tuples(levels, st.sampled_from([">=", "<"]), levels).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
    )
    if depth == 0:
        return leaves
    sub = boolean(context, depth - 1)
    number = numeric(context, depth - 1)
    options = [
        leaves,
        st.tuples(number, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), number).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(sub, st.sampled_from(["and", "or"]), sub).map(
            lambda t: f"({t[0]} {t[1]} {t[2]})"
        ),
        st.tuples(sub, st.sampled_from(["==", "!="]), sub).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
        sub.map(lambda c: f"(not {c})"),
        st.tuples(sub, sub, sub).map(lambda t: f"if({t[0]}, {t[1]}, {t[2]})"),
        st.sampled_from(["any(flags, it)", "all(flags, not it)"]),
    ]
    if context == "top":
        options.append(
            st.tuples(st.sampled_from(["any", "all"]), boolean("members", depth - 1)).map(
                lambda t: f"{t[0]}(members, {t[1]})"
            )
        )
    return st.one_of(*options)


expressions = st.one_of(numeric("top", 3), boolean("top", 3))

floats = st.floats(allow_nan=True, allow_infinity=True)
numbers = st.one_of(
    floats, st.integers(-(10**6), 10**6), st.sampled_from([0, 0.0, 10**400, -(10**400)])
)
integers = st.one_of(st.integers(-(10**6), 10**6), st.sampled_from([0, 10**400]))
levels = st.sampled_from(LEVELS)
member = st.fixed_dictionaries(
    {},
    optional={
        "points": st.one_of(numbers, st.none()),
        "tasks": integers,
        "ok": st.booleans(),
        "rating": levels,
    },
)
environments = st.fixed_dictionaries(
    {},
    optional={
        "x": st.one_of(numbers, st.none()),
        "y": numbers,
        "i": st.one_of(integers, st.none()),
        "j": integers,
        "p": st.one_of(st.booleans(), st.none()),
        "q": st.booleans(),
        "tier": levels,
        "other": levels,
        "scores": st.lists(st.one_of(numbers, st.none()), max_size=4),
        "counts": st.lists(integers, max_size=4),
        "flags": st.lists(st.booleans(), max_size=4),
        "members": st.lists(member, max_size=4),
    },
)


def same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


@given(expressions, environments)
@settings(max_examples=max(400, settings.default.max_examples), deadline=None)
def test_well_typed_expressions_never_raise_and_folding_changes_nothing(text, env):
    expression = compile_expression(text, SCOPE)
    value = expression.evaluate(env)
    if isinstance(value, Undefined):
        assert value.kind in ("missing", "division-by-zero", "empty", "overflow")
    elif expression.type == BOOL:
        assert type(value) is bool
    elif expression.type == INTEGER:
        assert type(value) is int
    else:
        assert type(value) in (int, float)
    unfolded = compile_tree(expression.tree, text, fold=False)(env)
    assert same(value, unfolded), (text, env, value, unfolded)
