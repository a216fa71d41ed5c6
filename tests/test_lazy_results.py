"""A result's parts computed on first read are exactly the parts computed at once.

The scalar executor works out score, tier and reasons when it evaluates a unit, and a result's
``criteria`` and ``improvement`` when they are first read. Whatever is read first, and however
many units were evaluated in between, the result must be equal to, print, pickle, serialise and
explain as the result given every part in full; errors must still come from ``evaluate``.
"""

from __future__ import annotations

import datetime as dt
import enum
import json
import pickle
from pathlib import Path
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import criteriakit
from criteriakit._converter import converter
from criteriakit.data import UnitRow
from criteriakit.errors import CriteriaKitError
from criteriakit.model.improvement import Change, Improvement, Obstacle
from criteriakit.model.period import Period
from criteriakit.model.results import CriterionResult, IndicatorResult, Reason, Result
from criteriakit.scalar.batch import evaluate_rows
from criteriakit.testing.strategies import inputs, populations
from test_engines_agree import frameworks

SMALL = Path(__file__).parent / "data" / "good" / "small.toml"

FIRST_READS = ("criteria", "improvement", "to_dict", "explain", "repr", "pickle", "equality")
"""What may be asked of a fresh result first: each computes its parts in its own way."""

random_cases = settings(
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large], deadline=None
)


def read_first(result: Result, what: str, other: Result) -> None:
    """Ask ``result`` for ``what`` before anything else."""
    if what in ("criteria", "improvement"):
        getattr(result, what)
    elif what == "to_dict":
        result.to_dict()
    elif what == "explain":
        result.explain()
    elif what == "repr":
        repr(result)
    elif what == "pickle":
        pickle.dumps(result)
    else:
        assert result == other


def given_in_full(result: Result) -> Result:
    """Return a result equal to ``result`` but built with every part given (read from it)."""
    return Result(**{field.name: getattr(result, field.name) for field in attrs.fields(Result)})


def outcome(framework: criteriakit.Framework, unit: dict[str, Any]) -> Result | str:
    """Return the unit's result, or the type and message of the error evaluating it raised."""
    try:
        return framework.evaluate(unit, unit="u1", period="2024-H1")
    except CriteriaKitError as error:
        return f"{type(error).__name__}: {error}"


def same(lazy: Result, full: Result) -> None:
    """Assert that two results cannot be told apart through the public interface."""
    assert lazy == full
    assert repr(lazy) == repr(full)
    assert repr(lazy.to_dict()) == repr(full.to_dict())
    assert lazy.explain() == full.explain()
    assert pickle.dumps(lazy) == pickle.dumps(full)
    assert pickle.loads(pickle.dumps(lazy)) == full  # noqa: S301  our own bytes
    assert Result.from_dict(json.loads(json.dumps(lazy.to_dict()))) == full
    assert attrs.evolve(lazy, unit="u2") == attrs.evolve(full, unit="u2")
    assert attrs.asdict(lazy) == attrs.asdict(full)


@random_cases
@given(text=frameworks(relative=False), data=st.data(), first=st.sampled_from(FIRST_READS))
def test_parts_read_late_are_the_parts_given_in_full(text, data, first):
    framework = criteriakit.loads_framework(text)
    unit = data.draw(inputs(framework, missing=True))
    lazy = outcome(framework, unit)
    fresh = outcome(criteriakit.loads_framework(text), unit)
    if isinstance(lazy, str):
        assert lazy == fresh  # the error comes from evaluate, never from a later read
        return
    assert isinstance(fresh, Result)
    full = given_in_full(fresh)
    read_first(lazy, first, full)
    same(lazy, full)


@random_cases
@given(
    text=frameworks(policies=("zero", "exclude", "not-evaluable"), relative=False),
    data=st.data(),
)
def test_parts_read_after_other_units_are_those_read_at_once(text, data):
    # units evaluated one after another share what they have in common (values seen before,
    # results built on first read): reading the parts last, in reverse, changes nothing
    framework = criteriakit.loads_framework(text)
    rows = data.draw(populations(framework, missing=True, max_size=12))
    units = [{name: value for name, value in row.items() if name != "id"} for row in rows]
    try:
        late = [framework.evaluate(unit) for unit in units]
    except CriteriaKitError:  # a [[checks]] refusing a unit: nothing left to compare
        return
    at_once = []
    for unit in units:
        result = attrs.evolve(framework).evaluate(unit)  # a copy of the framework shares nothing
        at_once.append(given_in_full(result))
    for result, full in reversed(list(zip(late, at_once, strict=True))):
        same(result, full)


@random_cases
@given(text=frameworks(policies=("zero", "exclude"), relative=False), data=st.data())
def test_parts_read_late_see_the_inputs_as_they_were_evaluated(text, data):
    framework = criteriakit.loads_framework(text)
    unit = data.draw(inputs(framework, missing=True))
    try:
        values = framework.compiled.inputs.check(unit)
    except CriteriaKitError:
        return
    kept = dict(values)
    late = framework.evaluate_checked(values, validate=False)
    values.clear()  # a caller reusing its dict for the next unit
    full = given_in_full(attrs.evolve(framework).evaluate_checked(kept, validate=False))
    assert late.criteria == full.criteria
    assert late.improvement == full.improvement


@random_cases
@given(text=frameworks(relative=False), data=st.data())
def test_documents_are_what_the_converter_writes(text, data):
    framework = criteriakit.loads_framework(text)
    result = outcome(framework, data.draw(inputs(framework, missing=True)))
    if isinstance(result, Result):
        assert repr(result.to_dict()) == repr(converter().unstructure(result))


class Grade(enum.IntEnum):
    """An int that the converter writes as its value, not as it is."""

    GOOD = 2


def test_a_document_of_every_kind_of_value_is_what_the_converter_writes():
    # types and nesting the random frameworks never give: the document must still be the
    # converter's, value for value (lists for tuples, dates as text, an IntEnum's value)
    records = [{"name": "a", "scores": (1, 2.5)}, {"name": "b", "scores": []}]
    change = Change("1.1", "Targets", Grade.GOOD, 3, ">=", 2.0)
    obstacle = Obstacle(
        "g", "gate", "needs more", "x >= 3", {"x": (1, 2), "on": dt.date(2024, 5, 1)}
    )
    result = Result(
        unit="u1",
        parent="p1",
        framework="f",
        version="1",
        fingerprint="sha256:0",
        score=-0.0,
        max_score=100.0,
        tier="t",
        band_tier="t0",
        criteria=(
            CriterionResult(
                "c",
                "C",
                1.0,
                2.0,
                (
                    IndicatorResult("1.1", "T", (1, 2), 1.0, 2.0),
                    IndicatorResult("1.2", "U", Grade.GOOD, 0.0, 2.0, "zero", "missing"),
                    IndicatorResult("1.3", "V", None, 0.0, 2.0, "excluded", "empty"),
                ),
            ),
        ),
        reasons=(Reason("r", "veto", "m", "t", {"xs": [1, (2, 3)], "none": None}),),
        inputs={"records": records, "day": dt.date(2024, 1, 31), "n": float("nan")},
        rolled_up={"count": 3, "grade": Grade.GOOD},
        period=Period.parse("2024-Q3"),
        improvement=Improvement("t0", 1.5, ((change, change),), (obstacle,), reachable=False),
    )
    assert repr(result.to_dict()) == repr(converter().unstructure(result))


def test_a_policy_error_comes_from_evaluate_itself():
    text = """
id = "lazy.fail"
version = "1"
title = "Fail"
subject = "unit"

[policy]
missing_input = "fail"

[inputs.x]
type = "number"

[[criteria]]
id = "c"
title = "C"
points = 100

[[criteria.indicators]]
id = "c.x"
title = "X"
value = "x"
points = 100
scorer = { type = "linear", zero_at = 0, full_at = 1 }

[[tiers]]
id = "all"
title = "All"
"""
    framework = criteriakit.loads_framework(text)
    with pytest.raises(criteriakit.EvaluationError, match=r"indicator c\.x \(X\) could not"):
        framework.evaluate({})


def test_results_placed_under_their_parents_leave_their_parts_to_be_read(monkeypatch):
    """Placing units under their parents costs no explanation: parts wait until they are read."""
    from criteriakit.scalar.executor import _Explanation  # noqa: PLC0415 - counted here

    computed: list[str] = []
    original = _Explanation.compute

    def counted(self: _Explanation, field: str) -> Any:
        computed.append(field)
        return original(self, field)

    monkeypatch.setattr(_Explanation, "compute", counted)
    framework = criteriakit.load_framework(SMALL)
    rows = [
        UnitRow(f"u{n}", {"done": n, "planned": 4, "ok": True}, n, parent="p") for n in range(4)
    ]
    results = evaluate_rows(framework, rows)
    assert [result.parent for result in results] == ["p"] * 4
    assert computed == []
    results[0].to_dict()
    assert sorted(computed) == ["criteria", "improvement"]
