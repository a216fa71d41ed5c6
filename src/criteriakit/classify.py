"""Classification of one scored unit: vetoes and caps, then the band by score, then gates.

The order is the contract of DOMAIN.md: every rule whose condition holds caps the tier (a veto
caps it at the lowest tier); the score picks the band tier (bounds inclusive, with the
expression language's tolerance, so 90.00 by hand arithmetic reaches 90); then, from the better
of the two limits down, each tier's gates must all hold or the unit falls to the next tier.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs

from criteriakit.compiled import CompiledCondition, CompiledFramework
from criteriakit.errors import EvaluationError
from criteriakit.expressions import Undefined, approx_ge
from criteriakit.model.results import Reason

__all__ = [
    "Classification",
    "NotEvaluable",
    "band_rank",
    "check_condition",
    "classify",
    "condition_values",
]


class NotEvaluable(Exception):  # noqa: N818  a control-flow signal carrying the reason, never escapes
    """Raised inside evaluation when the policy says the unit cannot be evaluated."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.message)
        self.reason = reason


@attrs.frozen
class Classification:
    """The band tier (score alone), the final tier and the reasons that separate them."""

    band_tier: str
    tier: str
    rank: int
    reasons: tuple[Reason, ...]


def band_rank(compiled: CompiledFramework, score: float) -> int:
    """Return the rank of the best tier whose minimum the score reaches."""
    tiers = compiled.tiers
    for rank, tier in enumerate(tiers):
        if approx_ge(score, tier.min_score):
            return rank
    return len(tiers) - 1


def condition_values(condition: CompiledCondition, env: Mapping[str, object]) -> dict[str, Any]:
    """Return the inputs a condition reads, as they were for this unit (``None`` when missing)."""
    return {name: env.get(name) for name in sorted(condition.expression.names)}


def check_condition(
    compiled: CompiledFramework,
    condition: CompiledCondition,
    env: Mapping[str, object],
    unit: str | None,
) -> bool | Undefined:
    """Evaluate a gate or rule; an undefined result follows the framework's policy.

    Returns the truth value, or the :class:`Undefined` when the policy is ``zero`` or
    ``exclude`` (the caller then treats the condition as not holding). Raises
    :class:`EvaluationError` for ``fail`` and :class:`NotEvaluable` for ``not-evaluable``.
    """
    outcome = condition.expression.evaluate(env)
    if not isinstance(outcome, Undefined):
        return bool(outcome)
    action = compiled.on_missing if outcome.kind == "missing" else compiled.on_division
    subject = f"{condition.kind} '{condition.id}'"
    if action == "fail":
        raise EvaluationError(
            f"{_unit_text(unit)}{subject} could not be evaluated: {outcome.detail}",
            unit=unit,
            subject=subject,
            cause=outcome.detail,
        )
    if action == "not-evaluable":
        raise NotEvaluable(
            Reason(
                "not-evaluable",
                "not-evaluable",
                f"{subject} could not be evaluated: {outcome.detail}",
                values=condition_values(condition, env),
            )
        )
    return outcome


def _unit_text(unit: str | None) -> str:
    return f"unit {unit!r}: " if unit is not None else ""


def classify(
    compiled: CompiledFramework, score: float, env: Mapping[str, object], unit: str | None
) -> Classification:
    """Classify a scored unit: rules cap, the score bands, gates let it fall."""
    tiers = compiled.tiers
    reasons: list[Reason] = []
    cap = 0
    for rule in compiled.rules:
        holds = check_condition(compiled, rule, env, unit)
        if holds is True:
            reasons.append(
                Reason(rule.id, rule.kind, rule.message, rule.tier, condition_values(rule, env))
            )
            cap = max(cap, rule.rank)
        elif isinstance(holds, Undefined):
            reasons.append(
                Reason(
                    rule.id,
                    "undefined",
                    f"{rule.message}: not checked, {holds.detail}",
                    rule.tier,
                    condition_values(rule, env),
                )
            )
    band = band_rank(compiled, score)
    rank = max(band, cap)
    while rank < len(tiers) - 1:
        failed = False
        for gate in tiers[rank].gates:
            holds = check_condition(compiled, gate, env, unit)
            if holds is not True:
                failed = True
                message = (
                    gate.message
                    if holds is False
                    else f"{gate.message}: not checked, {holds.detail}"
                )
                reasons.append(
                    Reason(gate.id, "gate", message, gate.tier, condition_values(gate, env))
                )
        if not failed:
            break
        rank += 1
    return Classification(tiers[band].id, tiers[rank].id, rank, tuple(reasons))
