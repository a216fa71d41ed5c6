"""Classification of one scored unit: vetoes and caps, then the band by score, then gates.

The order is the contract of DOMAIN.md: every rule whose condition holds caps the tier (a veto
caps it at the lowest tier); the score picks the band tier (bounds inclusive, with the
expression language's tolerance, so 90.00 by hand arithmetic reaches 90); then, from the better
of the two limits down, each tier's gates must all hold or the unit falls to the next tier.

A :class:`Classifier` is built once per framework and classifies every unit; undefined
conditions take the framework's policy through :func:`check_condition`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import attrs

from criteriakit.compiling.compiled import CompiledCondition, CompiledFramework
from criteriakit.errors import EvaluationError
from criteriakit.expressions import Undefined, approx_ge
from criteriakit.model.results import Reason

__all__ = [
    "Classification",
    "Classifier",
    "NotEvaluable",
    "check_condition",
    "condition_values",
    "shown_values",
]


class NotEvaluable(Exception):  # noqa: N818  a control-flow signal carrying the reason, never escapes
    """Raised inside evaluation when the policy says the unit cannot be evaluated."""

    def __init__(self, reason: Reason) -> None:
        super().__init__(reason.message)
        self.reason = reason


class Classification(NamedTuple):
    """The band tier (score alone), the final tier and the reasons that separate them.

    ``fired`` are the vetoes and caps that held. ``unmet_above`` are the gates of the tier
    just above the final one that did not evaluate to true, when classification checked that
    tier (the unit fell from it), else ``None``: what it would take needs exactly these.
    """

    band_tier: str
    tier: str
    rank: int
    reasons: tuple[Reason, ...]
    fired: tuple[CompiledCondition, ...]
    unmet_above: tuple[CompiledCondition, ...] | None


def condition_values(condition: CompiledCondition, env: Mapping[str, object]) -> dict[str, Any]:
    """Return the inputs a condition reads, as they were for this unit (``None`` when missing)."""
    return shown_values(env, sorted(condition.expression.names))


def shown_values(env: Mapping[str, object], names: Sequence[str]) -> dict[str, Any]:
    """Return the values of ``names`` as a reason shows them: ``None`` when missing.

    A derived value that could not be computed is held as its :class:`Undefined` (what reads
    it is undefined alike); a reason shows it as ``None``, as a missing input.
    """
    values = dict(zip(names, map(env.get, names), strict=True))
    if any(type(value) is Undefined for value in values.values()):
        return {name: None if type(value) is Undefined else value for name, value in values.items()}
    return values


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


_OUTCOME_UNCHECKED = {
    "veto": "so it does not apply",
    "cap": "so it does not apply",
    "gate": "so it counts as failed",
}
"""What a condition that could not be checked does, by its kind (see ``[policy]``)."""


def _not_checked(
    condition: CompiledCondition,
    undefined: Undefined,
    env: Mapping[str, object],
    names: tuple[str, ...],
) -> Reason:
    """Return the ``not-checked`` reason of a condition the policy skipped as undefined.

    Its message says first that it was not checked and why, so it never reads as a veto that
    fired: "veto not checked (input 'disunity' is missing), so it does not apply: Disunity".
    """
    kind = condition.kind
    message = (
        f"{kind} not checked ({undefined.detail}), {_OUTCOME_UNCHECKED[kind]}: {condition.message}"
    )
    return Reason(condition.id, "not-checked", message, condition.tier, shown_values(env, names))


_Check = tuple[CompiledCondition, Any, tuple[str, ...]]
"""A condition, its evaluate function and the sorted names of the inputs it reads."""


def _checks(conditions: tuple[CompiledCondition, ...]) -> tuple[_Check, ...]:
    return tuple(
        (condition, condition.expression.evaluate, tuple(sorted(condition.expression.names)))
        for condition in conditions
    )


@attrs.frozen
class Classifier:
    """Classifies scored units against one framework's rules, bands and gates."""

    compiled: CompiledFramework
    _rules: tuple[_Check, ...] = attrs.field(init=False, repr=False, eq=False)
    _minimums: tuple[float, ...] = attrs.field(init=False, repr=False, eq=False)
    _gates: tuple[tuple[_Check, ...], ...] = attrs.field(init=False, repr=False, eq=False)

    @_rules.default
    def _rule_checks(self) -> tuple[_Check, ...]:
        return _checks(self.compiled.rules)

    @_minimums.default
    def _tier_minimums(self) -> tuple[float, ...]:
        return tuple(tier.min_score for tier in self.compiled.tiers)

    @_gates.default
    def _gate_checks(self) -> tuple[tuple[_Check, ...], ...]:
        return tuple(_checks(tier.gates) for tier in self.compiled.tiers)

    def classify(self, score: float, env: Mapping[str, object], unit: str | None) -> Classification:
        """Classify a scored unit: rules cap, the score bands, gates let it fall."""
        compiled = self.compiled
        reasons: list[Reason] = []
        fired: list[CompiledCondition] = []
        cap = 0
        for rule, evaluate, names in self._rules:
            outcome = evaluate(env)
            if outcome is False:
                continue
            holds = (
                check_condition(compiled, rule, env, unit)
                if isinstance(outcome, Undefined)
                else bool(outcome)
            )
            if holds is True:
                values = shown_values(env, names)
                reasons.append(Reason(rule.id, rule.kind, rule.message, rule.tier, values))
                fired.append(rule)
                cap = max(cap, rule.rank)
            elif isinstance(holds, Undefined):
                reasons.append(_not_checked(rule, holds, env, names))
        minimums = self._minimums
        last = len(minimums) - 1
        band = last
        for rank, minimum in enumerate(minimums):
            if score >= minimum or approx_ge(score, minimum):  # the first test settles most
                band = rank
                break
        rank = start = max(band, cap)
        unmet_above: list[CompiledCondition] = []
        while rank < last:
            unmet: list[CompiledCondition] = []
            failed = False
            for gate, evaluate, names in self._gates[rank]:
                outcome = evaluate(env)
                if outcome is True:
                    continue
                unmet.append(gate)
                holds = (
                    check_condition(compiled, gate, env, unit)
                    if isinstance(outcome, Undefined)
                    else bool(outcome)
                )
                if isinstance(holds, Undefined):
                    failed = True
                    reasons.append(_not_checked(gate, holds, env, names))
                elif holds is False:
                    failed = True
                    values = shown_values(env, names)
                    reasons.append(Reason(gate.id, "gate", gate.message, gate.tier, values))
            if not failed:
                break
            unmet_above = unmet
            rank += 1
        tiers = compiled.tiers
        return Classification(
            tiers[band].id,
            tiers[rank].id,
            rank,
            tuple(reasons),
            tuple(fired),
            tuple(unmet_above) if rank > start else None,
        )
