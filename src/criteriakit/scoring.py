"""Scorers at run time: turn an indicator's value into points, and back.

Each scorer specification compiles to a :class:`CompiledScorer` with two functions:
``score(value, env)`` gives the points (or :class:`~criteriakit.expressions.Undefined`), and
``needed(points, env)`` gives the least demanding value that would earn at least those points,
which "what it would take" uses. Threshold comparisons follow the expression language's
tolerance rule, so a value that hand arithmetic puts on a bound reaches it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Literal

import attrs

from criteriakit.expressions import CompiledExpression, Undefined, approx_ge, approx_gt
from criteriakit.model.scorers import (
    BooleanScorer,
    LinearScorer,
    LookupScorer,
    Scorer,
    TargetScorer,
    ThresholdScorer,
)

__all__ = ["Comparison", "CompiledScorer", "Needed", "compile_scorer", "lookup_key"]

Env = Mapping[str, object]
Comparison = Literal[">=", ">", "<=", "<", "=="]
Needed = tuple[Any, Comparison, float]


@attrs.frozen
class CompiledScorer:
    """A scorer ready to run: ``score`` gives points, ``needed`` inverts it.

    ``needed(points, env)`` returns ``(value, comparison, earned)``: an indicator value that
    compares so with ``value`` earns ``earned`` points, at least ``points``; ``None`` when no
    value earns that many.
    """

    score: Callable[[Any, Env], float | Undefined]
    needed: Callable[[float, Env], Needed | None]


def lookup_key(value: object) -> str:
    """Return the table key a lookup scorer uses for ``value``: ``"2"``, ``"true"``, ``"good"``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def compile_scorer(
    spec: Scorer,
    max_points: float,
    *,
    awards_in_points: bool,
    target: CompiledExpression | None = None,
    parse_key: Callable[[str], object] = str,
) -> CompiledScorer:
    """Compile a scorer specification for an indicator worth ``max_points``.

    ``awards_in_points`` says whether threshold and lookup awards are points (points scale) or
    fractions of the indicator (weights scale). ``target`` is the compiled target expression of
    a target scorer whose target is an expression. ``parse_key`` turns a lookup key back into
    a value of the indicator's type, for ``needed``.
    """
    scale = 1.0 if awards_in_points else max_points
    if isinstance(spec, LinearScorer):
        return _linear(spec, max_points)
    if isinstance(spec, ThresholdScorer):
        return _thresholds(spec, scale)
    if isinstance(spec, TargetScorer):
        return _target(spec, max_points, target)
    if isinstance(spec, BooleanScorer):
        return _boolean(max_points)
    return _lookup(spec, scale, parse_key)


def _linear(spec: LinearScorer, max_points: float) -> CompiledScorer:
    zero_at, full_at = spec.zero_at, spec.full_at
    span = full_at - zero_at

    def score(value: float, _: Env) -> float:
        fraction = (value - zero_at) / span
        if fraction >= 1.0:
            return max_points
        if fraction <= 0.0:
            return 0.0
        return max_points * fraction

    def needed(points: float, _: Env) -> Needed | None:
        if points > max_points:
            return None
        value = zero_at + span * (points / max_points)
        return (value, ">=" if span > 0 else "<=", points)

    return CompiledScorer(score, needed)


def _thresholds(spec: ThresholdScorer, scale: float) -> CompiledScorer:
    ascending = spec.bands[0].min is not None
    bands = sorted(
        ((band.min if ascending else band.max, band.award * scale) for band in spec.bands),
        key=lambda pair: pair[0] if pair[0] is not None else 0.0,
        reverse=ascending,
    )
    steps: tuple[tuple[float, float], ...] = tuple(
        (bound, award) for bound, award in bands if bound is not None
    )
    otherwise = spec.otherwise * scale
    inclusive = spec.inclusive

    def reaches(value: float, bound: float) -> bool:
        if ascending:
            return approx_ge(value, bound) if inclusive else approx_gt(value, bound)
        return approx_ge(bound, value) if inclusive else approx_gt(bound, value)

    def score(value: float, _: Env) -> float:
        for bound, award in steps:
            if reaches(value, bound):
                return award
        return otherwise

    def needed(points: float, _: Env) -> Needed | None:
        candidates = [(bound, award) for bound, award in steps if award >= points]
        if not candidates:
            return None
        least, award = candidates[-1]
        if ascending:
            return (least, ">=" if inclusive else ">", award)
        return (least, "<=" if inclusive else "<", award)

    return CompiledScorer(score, needed)


def _target(
    spec: TargetScorer, max_points: float, target: CompiledExpression | None
) -> CompiledScorer:
    constant = spec.target if isinstance(spec.target, float) else None

    def target_of(env: Env) -> float | Undefined:
        if constant is not None:
            return constant
        assert target is not None  # noqa: S101  the compiler always passes an expression target
        value: float | Undefined = target.evaluate(env)  # type: ignore[assignment]
        return value

    def score(value: float, env: Env) -> float | Undefined:
        goal = target_of(env)
        if isinstance(goal, Undefined):
            return goal
        if goal == 0:
            return Undefined("division-by-zero", f"target '{spec.target}' is zero")
        fraction = value / goal
        if fraction >= 1.0:
            return max_points
        if fraction <= 0.0:
            return 0.0
        return max_points * fraction

    def needed(points: float, env: Env) -> Needed | None:
        goal = target_of(env)
        if isinstance(goal, Undefined) or goal <= 0 or points > max_points:
            return None
        return (goal * points / max_points, ">=", points)

    return CompiledScorer(score, needed)


def _boolean(max_points: float) -> CompiledScorer:
    def score(value: bool, _: Env) -> float:
        return max_points if value else 0.0

    def needed(points: float, _: Env) -> Needed | None:
        return None if points > max_points else (True, "==", max_points)

    return CompiledScorer(score, needed)


def _lookup(spec: LookupScorer, scale: float, parse_key: Callable[[str], object]) -> CompiledScorer:
    table = {key: award * scale for key, award in spec.table.items()}
    otherwise = spec.otherwise * scale

    def score(value: object, _: Env) -> float:
        return table.get(lookup_key(value), otherwise)

    def needed(points: float, _: Env) -> Needed | None:
        reaching = [(award, key) for key, award in table.items() if award >= points]
        if not reaching:
            return None
        award, key = min(reaching, key=lambda pair: pair[0])
        return (parse_key(key), "==", award)

    return CompiledScorer(score, needed)
