"""What it would take: the smallest indicator changes that lift a unit to the next tier.

Reaching the next tier needs three things: a score at its minimum, every one of its gates
holding, and no veto or cap holding the unit below it. The score gap is closed by indicator
changes found by inverting each scorer (the least demanding value that earns the points);
options that need a single indicator come first, those that move the smallest share of the
indicator's points first (an integer value is rounded to the next whole value that suffices); if no single indicator suffices, the indicators with the most
headroom are combined. Indicator changes are suggested for additive weightings (``sum``) only,
where points add up to the score. Gates and rules cannot be inverted in general, so they are listed as
obstacles with the condition and the values that decided.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

from criteriakit.compiled import CompiledCondition, CompiledFramework, CompiledIndicator
from criteriakit.expressions import INTEGER, Undefined, approx_ge
from criteriakit.model.improvement import Change, Improvement, Obstacle
from criteriakit.model.results import IndicatorResult
from criteriakit.scoring import Comparison

__all__ = ["MAX_OPTIONS", "improvement_for"]

MAX_OPTIONS = 5
"""At most this many alternative single-indicator options are listed."""

_EPSILON = 1e-9


def _holds(condition: CompiledCondition, env: Mapping[str, object]) -> bool:
    outcome = condition.expression.evaluate(env)
    return outcome is True


def _obstacle(condition: CompiledCondition, env: Mapping[str, object]) -> Obstacle:
    values = {name: env.get(name) for name in sorted(condition.expression.names)}
    return Obstacle(
        condition.id, condition.kind, condition.message, condition.expression.text, values
    )


def _reach(
    indicator: CompiledIndicator,
    result: IndicatorResult,
    wanted_points: float,
    env: Mapping[str, object],
) -> tuple[object, Comparison, float] | None:
    """Return the value the indicator needs for ``wanted_points``, its comparison and the gain."""
    target = indicator.scorer.needed(wanted_points, env)
    if target is None:
        return None
    needed_value, comparison, earned = target
    if indicator.value.type == INTEGER and isinstance(needed_value, float):
        needed_value, comparison = _whole(needed_value, comparison)
        rescored = indicator.scorer.score(needed_value, env)
        if isinstance(rescored, Undefined):
            return None
        earned = rescored
    return needed_value, comparison, round(earned - result.points, 9)


def _change(
    indicator: CompiledIndicator, result: IndicatorResult, reach: tuple[object, Comparison, float]
) -> Change:
    needed_value, comparison, gain = reach
    return Change(indicator.id, indicator.title, result.value, needed_value, comparison, gain)


def _whole(value: float, comparison: Comparison) -> tuple[int, Comparison]:
    """Round a needed value to the nearest whole value that still satisfies the comparison."""
    if comparison == ">=":
        return math.ceil(value - _EPSILON), ">="
    if comparison == ">":
        return math.floor(value + _EPSILON) + 1, ">="
    if comparison == "<=":
        return math.floor(value + _EPSILON), "<="
    return math.ceil(value - _EPSILON) - 1, "<="


def _options(
    compiled: CompiledFramework,
    results: Sequence[IndicatorResult],
    gap_points: float,
    env: Mapping[str, object],
) -> tuple[tuple[tuple[Change, ...], ...], bool]:
    candidates = [
        (indicator, result)
        for indicator, result in zip(compiled.indicators, results, strict=True)
        if result.status == "scored" and result.max_points - result.points > _EPSILON
    ]
    singles: list[tuple[float, str, int]] = []
    reaches: list[tuple[object, Comparison, float] | None] = [None] * len(candidates)
    for position, (indicator, result) in enumerate(candidates):
        if result.max_points - result.points + _EPSILON >= gap_points:
            wanted = min(result.points + gap_points, indicator.max_points)
            reach = reaches[position] = _reach(indicator, result, wanted, env)
            if reach is not None:
                singles.append((reach[2] / indicator.max_points, indicator.id, position))
    if singles:
        singles.sort()
        return (
            tuple(
                (_change(*candidates[position], reaches[position]),)  # type: ignore[arg-type]
                for _, _, position in singles[:MAX_OPTIONS]
            ),
            True,
        )
    combined: list[Change] = []
    remaining = gap_points
    for indicator, result in sorted(
        candidates, key=lambda pair: (pair[1].points - pair[1].max_points, pair[0].id)
    ):
        reach = _reach(indicator, result, min(result.points + remaining, indicator.max_points), env)
        if reach is None:
            continue
        combined.append(_change(indicator, result, reach))
        remaining -= reach[2]
        if remaining <= _EPSILON:
            return ((*combined,),), True
    return (((*combined,),) if combined else ()), False


def improvement_for(
    compiled: CompiledFramework,
    rank: int,
    score: float,
    scored_max: float,
    results: Sequence[IndicatorResult],
    env: Mapping[str, object],
    fired: Collection[str],
) -> Improvement | None:
    """Return what it would take to reach the tier above ``rank``, or None at the top.

    ``fired`` names the vetoes and caps that held, as classification found them.
    """
    if rank == 0:
        return None
    target = compiled.tiers[rank - 1]
    obstacles = [
        _obstacle(rule, env) for rule in compiled.rules if rule.rank >= rank and rule.id in fired
    ]
    obstacles.extend(_obstacle(gate, env) for gate in target.gates if not _holds(gate, env))
    gap = 0.0 if approx_ge(score, target.min_score) else round(target.min_score - score, 9)
    options: tuple[tuple[Change, ...], ...] = ()
    reachable = True
    if gap > 0 and compiled.weighting.additive:
        factor = scored_max / compiled.definition.max_score
        options, reachable = _options(compiled, results, gap * factor, env)
    return Improvement(target.id, gap, options, tuple(obstacles), reachable)
