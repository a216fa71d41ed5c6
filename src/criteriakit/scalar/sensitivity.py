"""How far each criterion's weight can move before a unit's tier changes.

A review board asks it before it signs off a classification: would the unit still be *good* if
criterion 2 counted for a little more, or a little less? For one evaluated unit, each
criterion's weight (its share of the total: its points over the framework's on a points scale),
or each indicator's, is moved from 0 to 1 while the others keep their proportions, and the unit is
classified again at each score that changes its band: the same rules, bands and gates, on the
same inputs. The answer per criterion is the range of weights over which the tier holds, and
the tier just past each end (``None`` where the tier holds all the way to 0 or to 1).

The score is linear in the weight, ``max_score · (x · p_i + (1 - x) · R_i)`` with ``p_i`` the
criterion's share of its points and ``R_i`` the others' weighted share, so the ranges are exact,
not sampled. Only an additive weighting (``sum``, the default) combines scores this way; a
unit's quota among its siblings is not applied again (it depends on the others' scores).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import attrs

from criteriakit.errors import FrameworkError, Problem
from criteriakit.expressions.floats import round_points
from criteriakit.model.results import Result
from criteriakit.scalar.classify import Classifier, NotEvaluable
from criteriakit.scalar.framework import Framework

__all__ = ["WeightMargin", "weight_margins"]

STEP = 1e-6
"""How far past a band's bound a weight is moved to classify the unit there."""


@attrs.frozen
class WeightMargin:
    """The weights of one criterion between which a unit keeps its tier.

    ``weight`` is the criterion's share of the total now; the tier holds for every weight from
    ``low`` to ``high`` (the other criteria keeping their proportions). Past ``low`` the unit
    would be ``below``, past ``high`` it would be ``above``; ``None`` where the tier holds down
    to 0 or up to 1.
    """

    criterion: str
    weight: float
    low: float
    high: float
    below: str | None
    above: str | None


def weight_margins(
    framework: Framework, result: Result, *, of: Literal["criteria", "indicators"] = "criteria"
) -> tuple[WeightMargin, ...]:
    """Return each criterion's (or each indicator's) :class:`WeightMargin` for ``result``.

    ``of="indicators"`` moves one indicator's weight (its maximum points over the total) while
    every other indicator keeps its proportion. An unevaluable result has no tier to hold: the
    answer is empty. Raise :class:`~criteriakit.errors.FrameworkError` for a framework whose
    weighting is not additive, or whose gates, vetoes or caps read what moving the weights
    changes (``criterion("ID").points`` or ``.max``; with ``of="indicators"`` also ``.share``).
    """
    compiled = framework.compiled
    _refuse_unless_linear(framework, of)
    if result.score is None:
        return ()
    env: dict[str, object] = {**result.rolled_up, **result.inputs}
    for name, expression in compiled.derived:
        env[name] = expression.evaluate(env)
    for name, index, _ in compiled.criterion_values:  # only shares: moving criteria keeps them
        criterion = result.criteria[index]
        env[name] = criterion.score / criterion.max_score if criterion.max_score else None
    classifier = Classifier(compiled)

    def tier_at(score: float) -> str:
        try:
            return classifier.classify(round_points(score), env, result.unit).tier
        except NotEvaluable:  # a condition of a tier reached only at this score gave up
            return "not evaluable"

    parts = _parts(result, of)
    total = sum(maximum for _, _, maximum in parts)
    weights = [maximum / total for _, _, maximum in parts]
    shares = [points / maximum for _, points, maximum in parts]
    bounds = [tier.min_score for tier in compiled.tiers]
    margins: list[WeightMargin] = []
    for i, (part, _, _) in enumerate(parts):
        rest = 1.0 - weights[i]
        others = (
            sum(w * p for j, (w, p) in enumerate(zip(weights, shares, strict=True)) if j != i)
            / rest
            if rest > 0
            else shares[i]
        )

        def score(x: float, i: int = i, others: float = others) -> float:
            return compiled.max_score * (x * shares[i] + (1.0 - x) * others)

        now = tier_at(score(weights[i]))
        low, below = _edge(weights[i], 0.0, score, bounds, tier_at, now)
        high, above = _edge(weights[i], 1.0, score, bounds, tier_at, now)
        margins.append(WeightMargin(part, weights[i], low, high, below, above))
    return tuple(margins)


def _refuse_unless_linear(framework: Framework, of: str) -> None:
    """Raise unless the tier depends on the weights through the score alone."""
    compiled = framework.compiled
    problems: list[Problem] = []
    if not compiled.weighting.additive:
        problems.append(
            Problem(
                f"weight margins need an additive weighting; {framework.ref} combines its "
                f"criteria with '{compiled.weighting.name}'",
                hint='they are computed for frameworks with weighting = "sum"',
            )
        )
    moving = {"points", "max"} if of == "criteria" else {"points", "max", "share"}
    read = sorted(name for name, _, field in compiled.criterion_values if field in moving)
    if read:
        problems.append(
            Problem(
                f"the tiers of {framework.ref} read {read[0]}, which moving the weights of its "
                f"{of} changes: the margins would not be exact",
                hint="weight margins of frameworks whose conditions read only criteria shares",
            )
        )
    if problems:
        raise FrameworkError(problems)


def _parts(result: Result, of: str) -> list[tuple[str, float, float]]:
    """Return the weighed parts of ``result``: (id, points, maximum), those that can score."""
    if of == "criteria":
        return [(c.id, c.score, c.max_score) for c in result.criteria if c.max_score > 0]
    return [
        (indicator.id, indicator.points, indicator.max_points)
        for criterion in result.criteria
        for indicator in criterion.indicators
        if indicator.max_points > 0 and indicator.status != "excluded"
    ]


def _edge(
    start: float,
    end: float,
    score: Callable[[float], float],
    bounds: Sequence[float],
    tier_at: Callable[[float], str],
    now: str,
) -> tuple[float, str | None]:
    """Return how far from ``start`` toward ``end`` the tier stays ``now``, and the tier past it.

    The tier can change only where the score meets a band's bound: each such weight between
    ``start`` and ``end``, nearest first, is tried by classifying just past it.
    """
    slope = score(1.0) - score(0.0)
    if slope == 0:
        return end, None
    toward = 1.0 if end > start else -1.0
    offsets = ((bound - score(start)) / slope for bound in bounds)
    crossings = sorted((offset for offset in offsets if offset * toward >= 0), key=abs)
    for offset in crossings:
        bound = start + offset
        past = bound + STEP * toward
        if (end - past) * toward < 0:
            break
        moved = tier_at(score(past))
        if moved != now:
            return bound, moved
    return end, None
