"""What it would take: the smallest indicator changes that lift a unit to the next tier.

Reaching the next tier needs three things: a score at its minimum, every one of its gates
holding, and no veto or cap holding the unit below it. The score gap is closed by indicator
changes found by inverting each scorer (the least demanding value that earns the points);
options that need a single indicator come first, those that move the smallest share of the
indicator's points first (an integer value is rounded to the next whole value that suffices);
if no single indicator suffices, the indicators with the most headroom are combined. Indicator
changes are suggested for additive weightings (``sum``) only, where points add up to the score.
Gates and rules cannot be inverted in general, so they are listed as obstacles with the
condition and the values that decided.

An :class:`Improver` is built once per framework; the vetoes and caps that held and the gates
that failed come from the unit's :class:`~criteriakit.scalar.classify.Classification`, so no condition
is evaluated twice.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence

import attrs

from criteriakit.compiling.compiled import CompiledCondition, CompiledFramework, CompiledIndicator
from criteriakit.compiling.scoring import Comparison, round_points
from criteriakit.expressions import INTEGER, Undefined, approx_ge
from criteriakit.model.improvement import Change, Improvement, Obstacle
from criteriakit.model.results import IndicatorResult
from criteriakit.scalar.classify import Classification, shown_values

__all__ = ["MAX_OPTIONS", "Improver"]

MAX_OPTIONS = 5
"""At most this many alternative single-indicator options are listed."""

_EPSILON = 1e-9

_Env = Mapping[str, object]
_Reach = tuple[object, Comparison, float]
"""The value an indicator needs, how it compares, and the points that change gains."""


def _whole(value: float, comparison: Comparison) -> tuple[int, Comparison]:
    """Round a needed value to the nearest whole value that still satisfies the comparison."""
    if comparison == ">=":
        return math.ceil(value - _EPSILON), ">="
    if comparison == ">":
        return math.floor(value + _EPSILON) + 1, ">="
    if comparison == "<=":
        return math.floor(value + _EPSILON), "<="
    return math.ceil(value - _EPSILON) - 1, "<="


def _target(
    indicator: CompiledIndicator, whole: bool, wanted_points: float, env: _Env
) -> tuple[object, Comparison, float] | None:
    """Return the value the indicator needs for ``wanted_points``, its comparison and points.

    With ``whole`` (an integer value), the value is rounded to the next whole value that
    suffices, and rescored.
    """
    scorer = indicator.scorer
    target = scorer.needed(wanted_points, env)
    if target is None:
        return None
    needed_value, comparison, earned = target
    if whole and isinstance(needed_value, float) and not math.isfinite(needed_value):
        return None  # beyond every whole value: none to name
    if whole and isinstance(needed_value, float):
        needed_value, comparison = _whole(needed_value, comparison)
        rescored = scorer.score(needed_value, env)
        if isinstance(rescored, Undefined):
            return None
        earned = rescored
    return needed_value, comparison, earned


@attrs.frozen
class _Lever:
    """An indicator as what it would take sees it.

    ``full`` is what full points take, worked out once when the scorer depends on the value
    alone (``known`` says so).
    """

    indicator: CompiledIndicator
    id: str
    max_points: float
    whole: bool
    known: bool
    full: tuple[object, Comparison, float] | None

    @classmethod
    def of(cls, indicator: CompiledIndicator) -> _Lever:
        """Return the lever of an indicator."""
        maximum = indicator.max_points
        whole = indicator.value.type == INTEGER
        if not maximum:  # weighed 0 (by the units' data): no value earns it anything
            return cls(indicator, indicator.id, maximum, whole, known=True, full=None)
        if not indicator.scorer.value_only:
            return cls(indicator, indicator.id, maximum, whole, known=False, full=None)
        full = _target(indicator, whole, maximum, {})
        return cls(indicator, indicator.id, maximum, whole, known=True, full=full)

    def reach(self, result: IndicatorResult, wanted_points: float, env: _Env) -> _Reach | None:
        """Return the value the indicator needs for ``wanted_points``, its comparison and gain."""
        target = (
            self.full
            if self.known and wanted_points == self.max_points
            else _target(self.indicator, self.whole, wanted_points, env)
        )
        if target is None:
            return None
        needed_value, comparison, earned = target
        return needed_value, comparison, round_points(earned - result.points)

    def change(self, result: IndicatorResult, reach: _Reach) -> Change:
        """Return the change that reaches ``reach``."""
        needed_value, comparison, gain = reach
        title = self.indicator.title
        return Change(self.id, title, result.value, needed_value, comparison, gain)


@attrs.frozen
class Improver:
    """Works out what it would take for units of one framework to reach the next tier."""

    compiled: CompiledFramework
    _levers: tuple[_Lever, ...] = attrs.field(init=False, repr=False, eq=False)
    _names: dict[str, tuple[str, ...]] = attrs.field(init=False, repr=False, eq=False)
    _gates: tuple[tuple[tuple[CompiledCondition, Callable[[_Env], object]], ...], ...] = (
        attrs.field(init=False, repr=False, eq=False)
    )

    @_levers.default
    def _make_levers(self) -> tuple[_Lever, ...]:
        return tuple(_Lever.of(indicator) for indicator in self.compiled.indicators)

    @_names.default
    def _condition_names(self) -> dict[str, tuple[str, ...]]:
        conditions = [
            *self.compiled.rules,
            *(g for tier in self.compiled.tiers for g in tier.gates),
        ]
        return {c.id: tuple(sorted(c.expression.names)) for c in conditions}

    @_gates.default
    def _gate_functions(
        self,
    ) -> tuple[tuple[tuple[CompiledCondition, Callable[[_Env], object]], ...], ...]:
        return tuple(
            tuple((gate, gate.expression.evaluate) for gate in tier.gates)
            for tier in self.compiled.tiers
        )

    def _obstacle(self, condition: CompiledCondition, env: _Env) -> Obstacle:
        values = shown_values(env, self._names[condition.id])
        expression = condition.expression
        return Obstacle(condition.id, condition.kind, condition.message, expression.text, values)

    def improvement(
        self,
        classification: Classification,
        score: float,
        scored_max: float,
        results: Sequence[IndicatorResult],
        env: _Env,
    ) -> Improvement | None:
        """Return what it would take to reach the tier above the unit's, or None at the top.

        ``results`` are the unit's indicator results, in the framework's order.
        """
        rank = classification.rank
        if rank == 0:
            return None
        compiled = self.compiled
        target = compiled.tiers[rank - 1]
        obstacles = [
            self._obstacle(rule, env) for rule in classification.fired if rule.rank >= rank
        ]
        unmet = classification.unmet_above
        if unmet is None:
            unmet = tuple(gate for gate, holds in self._gates[rank - 1] if holds(env) is not True)
        obstacles.extend([self._obstacle(gate, env) for gate in unmet])
        minimum = target.min_score
        reached = score >= minimum or approx_ge(score, minimum)  # the first test settles most
        gap = 0.0 if reached else round_points(minimum - score)
        options: tuple[tuple[Change, ...], ...] = ()
        reachable = True
        if gap > 0 and compiled.weighting.additive:
            factor = scored_max / compiled.max_score
            options, reachable = self._options(results, gap * factor, env)
        return Improvement(target.id, gap, options, tuple(obstacles), reachable)

    def _options(
        self, results: Sequence[IndicatorResult], gap_points: float, env: _Env
    ) -> tuple[tuple[tuple[Change, ...], ...], bool]:
        candidates: list[tuple[float, _Lever, IndicatorResult]] = []
        singles: list[tuple[float, str, int, _Reach]] = []
        for lever, result in zip(self._levers, results, strict=True):
            if result.status != "scored":
                continue
            headroom = result.max_points - result.points
            if not headroom > _EPSILON:
                continue
            if headroom + _EPSILON >= gap_points:
                maximum = lever.max_points
                reach = lever.reach(result, min(result.points + gap_points, maximum), env)
                if reach is not None:
                    singles.append((reach[2] / maximum, lever.id, len(candidates), reach))
            candidates.append((headroom, lever, result))
        if singles:
            singles.sort()  # positions differ, so the reaches are never compared
            return (
                tuple(
                    (candidates[position][1].change(candidates[position][2], reach),)
                    for _, _, position, reach in singles[:MAX_OPTIONS]
                ),
                True,
            )
        # The most headroom first; -(a - b) is exactly b - a, so this is points - max_points.
        order = sorted(
            (-headroom, lever.id, position)
            for position, (headroom, lever, _) in enumerate(candidates)
        )
        combined: list[Change] = []
        remaining = gap_points
        for _, _, position in order:
            _, lever, result = candidates[position]
            reach = lever.reach(result, min(result.points + remaining, lever.max_points), env)
            if reach is None:
                continue
            combined.append(lever.change(result, reach))
            remaining -= reach[2]
            if remaining <= _EPSILON:
                return ((*combined,),), True
        return (((*combined,),) if combined else ()), False
