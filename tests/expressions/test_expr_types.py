from __future__ import annotations

import math

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from criteriakit.expressions import (
    BOOL,
    INTEGER,
    NUMBER,
    RELATIVE_TOLERANCE,
    LevelType,
    ListType,
    RecordsType,
    ScalarType,
    Undefined,
    accepts,
    approx_eq,
    approx_ge,
    approx_gt,
    approx_le,
    approx_lt,
    approx_ne,
    is_numeric,
    tolerance,
)
from criteriakit.expressions.types import unify

TIER = LevelType(("excellent", "good", "complete", "not-completed"))


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (NUMBER, "number"),
        (INTEGER, "integer"),
        (BOOL, "bool"),
        (TIER, "level (excellent, good, complete, not-completed)"),
        (LevelType("abcdefgh"), "level (a, b, c, d, e, f, …)"),
        (ListType(NUMBER), "list of number"),
        (ListType(TIER), "list of level (excellent, good, complete, not-completed)"),
        (RecordsType({"tier": TIER, "score": NUMBER}), "records (tier, score)"),
    ],
)
def test_type_names(kind, text):
    assert str(kind) == text


def test_types_are_values():
    assert LevelType(["a", "b"]) == LevelType(("a", "b"))
    assert RecordsType({"a": NUMBER, "b": BOOL}) == RecordsType([("a", NUMBER), ("b", BOOL)])
    assert (
        len(
            {
                RecordsType({"a": NUMBER}),
                RecordsType((("a", NUMBER),)),
                ListType(INTEGER),
                ListType(INTEGER),
            }
        )
        == 2
    )
    assert ScalarType("number") == NUMBER
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        NUMBER.name = "bool"  # type: ignore[misc]


def test_type_validation():
    with pytest.raises(ValueError, match="'text'"):
        ScalarType("text")
    with pytest.raises(TypeError):
        ListType(ListType(NUMBER))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unique"):
        RecordsType([("a", NUMBER), ("a", BOOL)])


def test_records_and_levels_helpers():
    records = RecordsType({"tier": TIER, "score": NUMBER})
    assert records.names == ("tier", "score")
    assert records.field("score") == NUMBER
    assert records.field("nope") is None
    assert TIER.rank("excellent") == 0
    assert TIER.rank("not-completed") == 3


def test_accepts_and_unify():
    assert accepts(NUMBER, INTEGER)
    assert not accepts(INTEGER, NUMBER)
    assert accepts(ListType(NUMBER), ListType(INTEGER))
    assert not accepts(ListType(INTEGER), ListType(NUMBER))
    assert not accepts(TIER, LevelType(("a",)))
    assert unify(INTEGER, NUMBER) == NUMBER
    assert unify(NUMBER, INTEGER) == NUMBER
    assert unify(TIER, TIER) == TIER
    assert unify(BOOL, NUMBER) is None
    assert is_numeric(INTEGER)
    assert not is_numeric(BOOL)


def test_undefined_is_a_frozen_value():
    missing = Undefined("missing", "input 'x' is missing")
    assert missing == Undefined("missing", "input 'x' is missing")
    assert hash(missing) == hash(Undefined("missing", "input 'x' is missing"))
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        missing.kind = "empty"  # type: ignore[misc]


def test_tolerance_helpers():
    assert approx_ge(0.1 + 0.2, 0.3)
    assert approx_ge(89.99999999999999, 90)
    assert not approx_ge(89.9999, 90)
    assert not approx_gt(90.00000000000001, 90)
    assert approx_gt(90.001, 90)
    assert approx_le(0.30000000000000004, 0.3)
    assert not approx_lt(0.29999999999999999, 0.3)
    assert approx_eq(0.1 + 0.2, 0.3)
    assert approx_ne(0.1, 0.2)
    assert tolerance(0.5, 0.25) == RELATIVE_TOLERANCE
    assert tolerance(-2000.0, 10) == RELATIVE_TOLERANCE * 2000
    assert tolerance(math.inf, 1) == 0.0
    assert tolerance(math.nan, 1) == 0.0
    assert tolerance(10**400, 1) == 0.0
    assert approx_ge(math.inf, 5)
    assert approx_gt(math.inf, 5)
    assert not approx_eq(math.inf, 5)
    assert approx_eq(math.inf, math.inf)
    assert approx_lt(-math.inf, -(10**400))
    assert not approx_ge(math.nan, 0)
    assert approx_ne(math.nan, math.nan)


finite = st.floats(min_value=-1e299, max_value=1e299, allow_nan=False)


@given(finite, finite)
def test_tolerance_follows_its_documented_formula(a, b):
    tol = RELATIVE_TOLERANCE * max(1.0, abs(a), abs(b))
    assert tolerance(a, b) == tol
    assert approx_ge(a, b) == (a >= b - tol)
    assert approx_gt(a, b) == (a > b + tol)
    assert approx_le(a, b) == (a <= b + tol)
    assert approx_lt(a, b) == (a < b - tol)
    assert approx_eq(a, b) == (abs(a - b) <= tol)
    assert approx_ne(a, b) != approx_eq(a, b)
