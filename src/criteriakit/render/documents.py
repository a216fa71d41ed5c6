"""Results to and from JSON-ready plain data.

Results are read through the strict cattrs converter, which reports every invalid key. They are
written field by field here, as the converter would write them (the tests compare the two on
generated results): the converter's generic dispatch, run for every value of every indicator,
took longer than evaluating the unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from criteriakit._converter import converter, structure
from criteriakit._problems import format_key_path
from criteriakit.errors import DataError, Problem
from criteriakit.model.improvement import Change, Improvement, Obstacle
from criteriakit.model.period import Period

if TYPE_CHECKING:
    from criteriakit.model.results import CriterionResult, Reason, Result

__all__ = ["result_from_dict", "result_to_dict"]

_AS_THEY_ARE = frozenset({str, int, float, bool, type(None)})
"""The types of values the converter writes as they are (their subclasses it may not)."""


def result_to_dict(result: Result) -> dict[str, Any]:
    """Return ``result`` as plain data: dicts, lists, strings, numbers, bools and None.

    Keys come in the order of the fields, values as the converter writes them; ``derived``
    only when the framework has derived values, ``weights`` only when the units decided
    weights, ``ranking`` only for a unit ranked.
    """
    period = result.period
    improvement = result.improvement
    plain = {
        "unit": result.unit,
        "parent": result.parent,
        "framework": result.framework,
        "version": result.version,
        "fingerprint": result.fingerprint,
        "score": result.score,
        "max_score": result.max_score,
        "tier": result.tier,
        "band_tier": result.band_tier,
        "criteria": [_criterion(criterion) for criterion in result.criteria],
        "reasons": [_reason(reason) for reason in result.reasons],
        "inputs": _mapping(result.inputs),
        "rolled_up": _mapping(result.rolled_up),
        "period": None if period is None else converter().unstructure(period, Period),
        "improvement": None if improvement is None else _improvement(improvement),
    }
    if result.derived:
        plain["derived"] = _mapping(result.derived)
    if result.weights:
        plain["weights"] = [
            {
                "scope": note.scope,
                "method": note.method,
                "units": note.units,
                "weights": dict(note.weights),
                "note": note.note,
                "within": note.within,
                "parent": note.parent,
            }
            for note in result.weights
        ]
    ranking = result.ranking
    if ranking is not None:
        plain["ranking"] = {  # a whole rank as an integer, as the result table has it
            "rank": int(ranking.rank) if float(ranking.rank).is_integer() else ranking.rank,
            "score": ranking.score,
            "method": ranking.method,
            "among": ranking.among,
        }
    return plain


def _value(value: object) -> Any:
    """Return a value of any type as plain data, as the converter does."""
    return value if type(value) in _AS_THEY_ARE else converter().unstructure(value)


def _mapping(values: Mapping[str, Any]) -> dict[str, Any]:
    if _AS_THEY_ARE.issuperset(map(type, values.values())):
        return dict(values)  # a unit's inputs mostly: a third of the time of the comprehension
    return {name: _value(value) for name, value in values.items()}


def _criterion(criterion: CriterionResult) -> dict[str, Any]:
    return {
        "id": criterion.id,
        "title": criterion.title,
        "score": criterion.score,
        "max_score": criterion.max_score,
        "indicators": [
            {  # an IndicatorResult, written out here: a call for each would take a fifth longer
                "id": indicator.id,
                "title": indicator.title,
                "value": value if type(value := indicator.value) in _AS_THEY_ARE else _value(value),
                "points": indicator.points,
                "max_points": indicator.max_points,
                "status": indicator.status,
                "note": indicator.note,
            }
            for indicator in criterion.indicators
        ],
    }


def _reason(reason: Reason) -> dict[str, Any]:
    return {
        "code": reason.code,
        "kind": reason.kind,
        "message": reason.message,
        "tier": reason.tier,
        "values": _mapping(reason.values),
    }


def _improvement(improvement: Improvement) -> dict[str, Any]:
    return {
        "target": improvement.target,
        "score_gap": improvement.score_gap,
        "options": [[_change(change) for change in option] for option in improvement.options],
        "obstacles": [_obstacle(obstacle) for obstacle in improvement.obstacles],
        "reachable": improvement.reachable,
    }


def _change(change: Change) -> dict[str, Any]:
    return {
        "indicator": change.indicator,
        "title": change.title,
        "current_value": _value(change.current_value),
        "needed_value": _value(change.needed_value),
        "comparison": change.comparison,
        "points_gain": change.points_gain,
    }


def _obstacle(obstacle: Obstacle) -> dict[str, Any]:
    return {
        "code": obstacle.code,
        "kind": obstacle.kind,
        "message": obstacle.message,
        "condition": obstacle.condition,
        "values": _mapping(obstacle.values),
    }


def _current(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return result data of schema version 1 in the current schema (2), other data as it is.

    Version 1 called a veto or cap that could not be checked ``undefined`` (and such a gate
    ``gate``, which cannot be told from a failed one): version 2 calls it ``not-checked``.
    """
    reasons = data.get("reasons")
    if not isinstance(reasons, list):
        return data  # not a list: the converter says so
    upgraded = [
        {**reason, "kind": "not-checked"}
        if isinstance(reason, dict) and reason.get("kind") == "undefined"
        else reason
        for reason in reasons
    ]
    return {**data, "reasons": upgraded}


_Result = TypeVar("_Result", bound="Result")


def result_from_dict(data: Mapping[str, Any], kind: type[_Result]) -> _Result:
    """Rebuild a result of class ``kind`` from :func:`result_to_dict` output.

    Every invalid key is reported. Results written at schema version 1 are read too (see
    :func:`_current`). ``kind`` is :class:`~criteriakit.Result`, passed in so that this
    module needs the model for types only: the model imports it, not the other way round.
    """
    outcome = structure(converter(), _current(data), kind)
    if not isinstance(outcome, list):
        return outcome
    problems = [
        Problem(problem.message, path=format_key_path(problem.path), hint=problem.hint)
        for problem in outcome
    ]
    raise DataError(problems, source="result data")
