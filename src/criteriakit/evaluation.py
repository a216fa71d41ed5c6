"""The scalar executor: evaluate one unit, with a full explanation.

It is the reference semantics every other executor must match: indicator values, points under
the undefined-value policies, criterion scores, the total by the framework's weighting (the sum,
rescaled when indicators are excluded, by default; rounded to 1e-9), classification, and what it
would take to reach the next tier. When indicators were excluded, a scored unit's criteria are
shown rescaled by the total's factor, so that they add up to it.

A :class:`ScalarExecutor` is built once per framework and does per unit only what depends on
the unit: the indicators' functions, the criteria's maxima, the classifier and the inverted
scorers are laid out in advance. Results are immutable, so they are shared between units: an
indicator whose points depend on its value alone keeps the results it has built by value (for
bools, integers, levels and non-zero floats, whose equal values look the same), and a criterion
whose indicators all came from there keeps its results by their values too.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any

import attrs

from criteriakit.classify import Classification, Classifier, NotEvaluable
from criteriakit.compiled import CompiledCriterion, CompiledFramework, CompiledIndicator
from criteriakit.errors import EvaluationError
from criteriakit.expressions import BOOL, INTEGER, ExprType, LevelType, Undefined
from criteriakit.expressions.floats import SCORE_DIGITS, add_up, round_points
from criteriakit.improve import Improver
from criteriakit.model.improvement import Improvement
from criteriakit.model.period import Period
from criteriakit.model.results import (
    CriterionResult,
    IndicatorResult,
    IndicatorStatus,
    Reason,
    Result,
)

__all__ = ["MEMO_SIZE", "SCORE_DIGITS", "ScalarExecutor"]

MEMO_SIZE = 256
"""At most this many results are kept per indicator and per criterion for reuse between units."""

_Env = Mapping[str, object]
_Memo = dict[Any, tuple[Any, float]]
"""Results kept by value (or by the values of a criterion's indicators), with their raw points."""
_Step = tuple[
    Callable[[_Env], object],
    Callable[[Any, _Env], float | Undefined],
    _Memo | None,
    type | None,
    Callable[[_Env], Hashable] | None,
    CompiledIndicator,
]
"""An indicator ready to run: value function, score function, results kept by value (or None),
the type of the values kept there, the scorer's context function, and the compiled indicator."""
_Plan = tuple[CompiledCriterion, tuple[_Step, ...], _Memo | None]
"""A criterion ready to run: its indicators and, when they all keep results, its results."""


def _memo_type(value_type: ExprType) -> type:
    """Return the one Python type of the values an indicator keeps results by.

    Bools, integers and levels have one Python type each; numbers are kept as floats only (a
    number may also be an int, which would compare equal to a float of another look).
    """
    if value_type == BOOL:
        return bool
    if value_type == INTEGER:
        return int
    if isinstance(value_type, LevelType):
        return str
    return float


def _step(indicator: CompiledIndicator) -> _Step:
    scorer = indicator.scorer
    keeps = scorer.value_only or scorer.context is not None
    return (
        indicator.value.evaluate,
        scorer.score,
        {} if keeps else None,
        _memo_type(indicator.value.type) if keeps else None,
        scorer.context,
        indicator,
    )


def _plan(criterion: CompiledCriterion, indicators: Sequence[CompiledIndicator]) -> _Plan:
    steps = tuple(_step(indicator) for indicator in indicators[criterion.first : criterion.stop])
    return criterion, steps, {} if all(step[2] is not None for step in steps) else None


def _keep(memo: _Memo, key: Hashable, value: object, result: object, points: float) -> None:
    """Keep ``result`` by ``key``, unless the memo is full or ``value`` is a float zero or NaN.

    ``0.0`` and ``-0.0`` are equal but look different; NaN equals nothing.
    """
    if len(memo) < MEMO_SIZE and (type(value) is not float or (value == value and value != 0)):  # noqa: PLR0124  NaN test
        memo[key] = (result, points)


def _criterion_result(
    criterion: CompiledCriterion, points: list[float], results: list[IndicatorResult]
) -> tuple[CriterionResult, float]:
    """Return a criterion's result from its indicators' results and points, and its raw score."""
    total = add_up(points)
    result = CriterionResult(
        criterion.id, criterion.title, round_points(total), criterion.max_score, tuple(results)
    )
    return result, total


def _rescaled(
    criteria: Sequence[CriterionResult],
    scores: Sequence[float],
    maxima: Sequence[float],
    max_score: float,
    scored_max: float,
) -> list[CriterionResult]:
    """Return the criteria of a unit with excluded indicators on the total's scale.

    ``scores`` are the criteria's raw scores and ``maxima`` the points their indicators that
    were not excluded could award (``scored_max`` in all). Each is multiplied by ``max_score /
    scored_max``, the factor the total is rescaled by, so that the maxima add up to
    ``max_score`` and the scores to the total (to the rounding of points), and each criterion's
    share (score / maximum) stays its own. The columnar plan computes the same scores.
    """
    return [
        attrs.evolve(
            criterion,
            score=round_points(score * max_score / scored_max),
            max_score=round_points(maximum * max_score / scored_max),
        )
        for criterion, score, maximum in zip(criteria, scores, maxima, strict=True)
    ]


def _undefined(
    indicator: CompiledIndicator, value: object, outcome: Undefined, unit: str | None
) -> tuple[IndicatorResult, Reason | None]:
    action = indicator.on_missing if outcome.kind == "missing" else indicator.on_division
    subject = f"indicator {indicator.id} ({indicator.title})"
    if action == "fail":
        where = f"unit {unit!r}: " if unit is not None else ""
        raise EvaluationError(
            f"{where}{subject} could not be computed: {outcome.detail}",
            unit=unit,
            subject=subject,
            cause=outcome.detail,
        )
    shown = None if isinstance(value, Undefined) else value
    if action == "not-evaluable":
        reason = Reason(
            "not-evaluable", "not-evaluable", f"{subject} could not be computed: {outcome.detail}"
        )
        return IndicatorResult(
            indicator.id, indicator.title, shown, 0.0, indicator.max_points, "zero", outcome.detail
        ), reason
    status: IndicatorStatus = "zero" if action == "zero" else "excluded"
    return IndicatorResult(
        indicator.id, indicator.title, shown, 0.0, indicator.max_points, status, outcome.detail
    ), None


@attrs.frozen
class ScalarExecutor:
    """Evaluates units of one compiled framework (see :meth:`criteriakit.Framework.evaluate`).

    ``fingerprint`` is the framework's, recorded on every result.
    """

    compiled: CompiledFramework
    fingerprint: str
    _criteria: tuple[_Plan, ...] = attrs.field(init=False, repr=False, eq=False)
    _maxima: tuple[float, ...] = attrs.field(init=False, repr=False, eq=False)
    _classifier: Classifier = attrs.field(init=False, repr=False, eq=False)
    _improver: Improver = attrs.field(init=False, repr=False, eq=False)

    @_criteria.default
    def _plan_criteria(self) -> tuple[_Plan, ...]:
        indicators = self.compiled.indicators
        return tuple(_plan(criterion, indicators) for criterion in self.compiled.criteria)

    @_maxima.default
    def _full_maxima(self) -> tuple[float, ...]:
        return tuple(float(criterion.max_score) for criterion in self.compiled.criteria)

    @_classifier.default
    def _make_classifier(self) -> Classifier:
        return Classifier(self.compiled)

    @_improver.default
    def _make_improver(self) -> Improver:
        return Improver(self.compiled)

    def evaluate(self, env: _Env, unit: str | None = None, period: Period | None = None) -> Result:
        """Evaluate one unit's checked input values."""
        results: list[IndicatorResult] = []
        criteria: list[CriterionResult] = []
        scores: list[float] = []
        excluded: list[list[float]] = []
        blocking: Reason | None = None
        for plan in self._criteria:
            criterion, total, dropped, reason = _score_criterion(plan, env, unit, results)
            criteria.append(criterion)
            scores.append(total)
            excluded.append(dropped)
            blocking = blocking or reason
        maxima = self._maxima
        excluding = any(excluded)
        if excluding:
            maxima = tuple(
                criterion.max_score - add_up(dropped)
                for (criterion, _, _), dropped in zip(self._criteria, excluded, strict=True)
            )
        scored_max = add_up(maxima)
        if blocking is None and scored_max <= 1e-12:
            blocking = Reason(
                "not-evaluable",
                "not-evaluable",
                "every indicator was excluded: nothing left to score",
            )
        if blocking is not None:
            return self._result(unit, period, env, criteria, None, None, (blocking,))
        compiled = self.compiled
        score = round_points(
            compiled.weighting.combine(scores, maxima, compiled.definition.max_score)
        )
        try:
            classification = self._classifier.classify(score, env, unit)
        except NotEvaluable as stop:
            return self._result(unit, period, env, criteria, None, None, (stop.reason,))
        improvement = self._improver.improvement(classification, score, scored_max, results, env)
        if excluding:
            criteria = _rescaled(
                criteria, scores, maxima, compiled.definition.max_score, scored_max
            )
        return self._result(
            unit, period, env, criteria, score, classification, classification.reasons, improvement
        )

    def _result(
        self,
        unit: str | None,
        period: Period | None,
        env: _Env,
        criteria: list[CriterionResult],
        score: float | None,
        classification: Classification | None,
        reasons: tuple[Reason, ...],
        improvement: Improvement | None = None,
    ) -> Result:
        definition = self.compiled.definition
        return Result(
            unit=unit,
            framework=definition.id,
            version=definition.version,
            fingerprint=self.fingerprint,
            score=score,
            max_score=definition.max_score,
            tier=classification.tier if classification else None,
            band_tier=classification.band_tier if classification else None,
            criteria=tuple(criteria),
            reasons=reasons,
            inputs=env,
            period=period,
            improvement=improvement,
        )


def _score_criterion(
    plan: _Plan, env: _Env, unit: str | None, results: list[IndicatorResult]
) -> tuple[CriterionResult, float, list[float], Reason | None]:
    """Score one criterion's indicators for a unit, appending their results to ``results``.

    Returns the criterion's result, its unrounded score, the points of its excluded indicators,
    and the reason the unit is not evaluable if one of its indicators gives one.
    """
    criterion, steps, shared = plan
    points: list[float] = []
    keys: list[Hashable] = []
    excluded: list[float] = []
    blocking: Reason | None = None
    first = len(results)
    for value_of, score_of, memo, memo_type, context, indicator in steps:
        value = value_of(env)
        key: Hashable = None
        if memo is not None and type(value) is memo_type:
            key = value if context is None else (value, context(env))
            known = memo.get(key)
            if known is not None:
                results.append(known[0])
                points.append(known[1])
                keys.append(key)
                continue
        shared = None  # this indicator's result is new, so the criterion's is too
        outcome = value if isinstance(value, Undefined) else score_of(value, env)
        if isinstance(outcome, Undefined):
            result, reason = _undefined(indicator, value, outcome, unit)
            blocking = blocking or reason
            points.append(0.0)
            if result.status == "excluded":
                excluded.append(indicator.max_points)
        else:
            result = IndicatorResult(
                indicator.id, indicator.title, value, round_points(outcome), indicator.max_points
            )
            points.append(outcome)
            if memo is not None and type(value) is memo_type:
                _keep(memo, key, value, result, outcome)
        results.append(result)
    if shared is None:
        return (*_criterion_result(criterion, points, results[first:]), excluded, blocking)
    together = tuple(keys)
    known_criterion = shared.get(together)
    if known_criterion is None:
        known_criterion = _criterion_result(criterion, points, results[first:])
        _keep(shared, together, together, *known_criterion)
    return (*known_criterion, excluded, blocking)
