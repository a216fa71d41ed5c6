"""The scalar executor: evaluate one unit, with a full explanation.

It is the reference semantics every other executor must match: indicator values, points under
the undefined-value policies, criterion scores, the total by the framework's weighting (the sum,
rescaled when indicators are excluded, by default; rounded to 1e-9), classification, and what it
would take to reach the next tier.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from criteriakit.classify import Classification, NotEvaluable, classify
from criteriakit.compiled import CompiledFramework, CompiledIndicator
from criteriakit.errors import EvaluationError
from criteriakit.expressions import Undefined
from criteriakit.improve import improvement_for
from criteriakit.model.improvement import Improvement
from criteriakit.model.period import Period
from criteriakit.model.results import (
    CriterionResult,
    IndicatorResult,
    IndicatorStatus,
    Reason,
    Result,
)

__all__ = ["SCORE_DIGITS", "evaluate_unit"]

SCORE_DIGITS = 9
"""Scores and points are rounded to this many decimals, so float noise never shows or decides."""


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


def evaluate_unit(
    compiled: CompiledFramework,
    fingerprint: str,
    env: Mapping[str, object],
    unit: str | None = None,
    period: Period | None = None,
) -> Result:
    """Evaluate one unit's checked input values (see :meth:`criteriakit.Framework.evaluate`)."""
    definition = compiled.definition
    indicator_results: list[IndicatorResult] = []
    raw_points: list[float] = []
    excluded: list[float] = []
    blocking: Reason | None = None
    for indicator in compiled.indicators:
        value = indicator.value.evaluate(env)
        points = indicator.scorer.score(value, env) if not isinstance(value, Undefined) else value
        if isinstance(points, Undefined):
            result, reason = _undefined(indicator, value, points, unit)
            blocking = blocking or reason
            raw_points.append(0.0)
            excluded.append(indicator.max_points if result.status == "excluded" else 0.0)
        else:
            result = IndicatorResult(
                indicator.id,
                indicator.title,
                value,
                round(points, SCORE_DIGITS),
                indicator.max_points,
            )
            raw_points.append(points)
            excluded.append(0.0)
        indicator_results.append(result)

    criterion_scores = [math.fsum(raw_points[c.first : c.stop]) for c in compiled.criteria]
    criterion_maxima = [
        c.max_score - math.fsum(excluded[c.first : c.stop]) for c in compiled.criteria
    ]
    criteria = tuple(
        CriterionResult(
            criterion.id,
            criterion.title,
            round(score, SCORE_DIGITS),
            criterion.max_score,
            tuple(indicator_results[criterion.first : criterion.stop]),
        )
        for criterion, score in zip(compiled.criteria, criterion_scores, strict=True)
    )
    max_score = definition.max_score

    def finish(
        score: float | None,
        classification: Classification | None,
        reasons: tuple[Reason, ...],
        improvement: Improvement | None = None,
    ) -> Result:
        return Result(
            unit=unit,
            framework=definition.id,
            version=definition.version,
            fingerprint=fingerprint,
            score=score,
            max_score=max_score,
            tier=classification.tier if classification else None,
            band_tier=classification.band_tier if classification else None,
            criteria=criteria,
            reasons=reasons,
            inputs=env,
            period=period,
            improvement=improvement,
        )

    scored_max = math.fsum(criterion_maxima)
    if blocking is None and scored_max <= 1e-12:
        blocking = Reason(
            "not-evaluable", "not-evaluable", "every indicator was excluded: nothing left to score"
        )
    if blocking is not None:
        return finish(None, None, (blocking,))
    score = round(
        compiled.weighting.combine(criterion_scores, criterion_maxima, max_score), SCORE_DIGITS
    )
    try:
        classification = classify(compiled, score, env, unit)
    except NotEvaluable as stop:
        return finish(None, None, (stop.reason,))
    fired = {reason.code for reason in classification.reasons if reason.kind in {"veto", "cap"}}
    improvement = improvement_for(
        compiled, classification.rank, score, scored_max, indicator_results, env, fired
    )
    return finish(score, classification, classification.reasons, improvement)
