"""Property: the scalar checker and the columnar conversion read every value alike.

One rule says what a number, an integer, a boolean and a level may look like, as text and as a
typed value (``docs/data.md``). The scalar executor applies it in Python
(:mod:`criteriakit.compiling.inputs`), the columnar executor as Polars expressions
(:mod:`criteriakit.columnar.inputs`): for any value, both must accept it as the same value, or
both refuse it (the column flags the row; the checker says why).
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from criteriakit.columnar.inputs import converted_inputs
from criteriakit.compiling.inputs import InputChecker
from criteriakit.data.typed_files import canonical
from criteriakit.errors import DataError
from criteriakit.loading import loads_framework

FRAMEWORK = loads_framework(
    """
id = "test.rules"
version = "1"
title = "Rules"
subject = "unit"

[inputs.number]
type = "number"
[inputs.bounded]
type = "number"
min = 0
max = 100
[inputs.integer]
type = "integer"
[inputs.count]
type = "integer"
min = 0
[inputs.flag]
type = "bool"
[inputs.grade]
type = "level"
levels = ["low", "mid", "high"]
[inputs.scores]
type = "list"
items = "number"
max_length = 3
[inputs.counts]
type = "list"
items = "integer"
[inputs.grades]
type = "list"
items = "level"
levels = ["low", "mid", "high"]

[[criteria]]
id = "c"
title = "C"
points = 100

[[criteria.indicators]]
id = "c.1"
title = "One"
value = "number"
points = 100
scorer = { type = "linear", zero_at = 0, full_at = 1 }

[[tiers]]
id = "t"
title = "T"
min_score = 0
"""
)
SCALARS = ("number", "bounded", "integer", "count", "flag", "grade")
CHECKER: InputChecker = FRAMEWORK.compiled.inputs

number_text = st.from_regex(
    r"\A[ \t]?[+-]?[0-9]{0,25}(\.[0-9]{0,5})?([eE][+-]?[0-9]{1,3})?[ \t]?%?[ \t]?\Z"
)
odd_text = st.sampled_from(
    [
        "1_2", "١٢", "１２", "nan", "NaN", "inf", "-inf", "Infinity", "0x10", "1e", "e1", ".", "",
        " ", "\t", "\u00a012", "12\u00a0", "yes", "No", "TRUE", " y ", "N", "1", "0", "low",
        " mid ", "HIGH", "[1, 2]", "[]", "[1e400]", "[NaN]", '["1"]', "[true]", "[null]",
        "[1, 2, 3, 4]", '["low"]', "[1.5]", "[2.0]", "{}", "9223372036854775807",
        "9223372036854775808", "-9223372036854775808", "-9223372036854775809", "1" * 30,
        "0" * 30 + "7", "12.000", "12.", "+0", "-0", "1e400", "1e-400", "85 %", "85%%",
    ]
)  # fmt: skip
text_values = number_text | odd_text | st.text(max_size=6)


def scalar_outcome(name: str, value: object) -> tuple[str, object]:
    """Return ("ok", value as converted) or ("bad", None) for one raw value, by the checker."""
    try:
        checked = CHECKER.check({name: value}, unknown="ignore")
    except DataError:
        return "bad", None
    return "ok", checked.get(name)


def column_outcome(name: str, column: pl.Series) -> tuple[str, object]:
    """Return the same for a one-row column, by the columnar conversion."""
    lazy = canonical(pl.DataFrame([column.alias(name)]).lazy())
    columns, flags = converted_inputs(FRAMEWORK.compiled, lazy.collect_schema())
    converted = lazy.select(*columns, *flags).collect().row(0, named=True)
    if converted[f"__bad:{name}"]:
        return "bad", None
    return "ok", converted[name]


def same(left: tuple[str, object], right: tuple[str, object]) -> bool:
    if left[0] != right[0]:
        return False
    a, b = left[1], right[1]
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    return type(a) is type(b) and a == b


@given(name=st.sampled_from([*SCALARS, "scores", "counts", "grades"]), value=text_values)
@example(name="integer", value="9223372036854775808")
@example(name="integer", value="-0000000000000000000000000000012")
@example(name="number", value="1e400")
@example(name="flag", value=" Yes ")
@example(name="scores", value="[1, 2, 3, 4]")
def test_text_is_read_alike(name, value):
    scalar = scalar_outcome(name, value)
    columnar = column_outcome(name, pl.Series([value], dtype=pl.String))
    assert same(scalar, columnar), (scalar, columnar)


typed_values = st.one_of(
    st.integers(-(2**64), 2**64),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from([2.0**63, -(2.0**63), 2.0**63 - 1024, 5e-324, -0.0, 0.5, 12.0]),
)


def typed_column(value: object) -> pl.Series:
    if isinstance(value, bool):
        return pl.Series([value], dtype=pl.Boolean)
    if isinstance(value, float):
        return pl.Series([value], dtype=pl.Float64)
    assert isinstance(value, int)
    if -(2**63) <= value < 2**63:
        return pl.Series([value], dtype=pl.Int64)
    if 0 <= value < 2**64:
        return pl.Series([value], dtype=pl.UInt64)
    return pl.Series([value], dtype=pl.Int128)


@given(name=st.sampled_from(SCALARS), value=typed_values)
@example(name="integer", value=2**63)
@example(name="count", value=float("nan"))
@example(name="number", value=float("inf"))
@example(name="flag", value=1)
@example(name="grade", value=1.0)
def test_typed_values_are_read_alike(name, value):
    scalar = scalar_outcome(name, value)
    columnar = column_outcome(name, typed_column(value))
    assert same(scalar, columnar), (scalar, columnar)


item_values = st.lists(
    st.one_of(
        st.floats(allow_nan=True),
        st.integers(-(2**62), 2**62),
        st.sampled_from(["low", "mid", "x", None]),
        st.booleans(),
    ),
    max_size=4,
)


def list_column(items: list[Any]) -> pl.Series | None:
    kinds = {type(item) for item in items if item is not None}
    for kind, dtype in ((float, pl.Float64), (int, pl.Int64), (str, pl.String), (bool, pl.Boolean)):
        if kinds <= {kind}:
            return pl.Series([items], dtype=pl.List(dtype))
    return None  # a column holds one type of item


@given(name=st.sampled_from(["scores", "counts", "grades"]), items=item_values)
@example(name="counts", items=[1.0, 2.0])
@example(name="counts", items=[1.5])
@example(name="scores", items=[float("nan")])
@example(name="scores", items=[1.0, None])
def test_typed_lists_are_read_alike(name, items):
    column = list_column(items)
    if column is None:
        return
    scalar = scalar_outcome(name, items)
    columnar = column_outcome(name, column)
    assert same(scalar, columnar), (scalar, columnar)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("number", "85%", 0.85),
        ("number", " 7.5 ", 7.5),
        ("number", "1_2", None),
        ("number", "١٢", None),
        ("number", "nan", None),
        ("integer", "12.0", 12),
        ("integer", "1e3", None),
        ("integer", "9223372036854775807", 2**63 - 1),
        ("integer", "9223372036854775808", None),
        ("integer", 10**400, None),
        ("number", 10**400, None),
        ("integer", 2.0, 2),
        ("flag", "Y", True),
        ("flag", 1, None),
        ("grade", " mid ", "mid"),
        ("number", float("nan"), "missing"),
    ],
)
def test_the_documented_examples(name, value, expected):
    outcome = scalar_outcome(name, value)
    if expected is None:
        assert outcome == ("bad", None)
    elif expected == "missing":
        assert outcome == ("ok", None)
    else:
        assert outcome == ("ok", expected)
