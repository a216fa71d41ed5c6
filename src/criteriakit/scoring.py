"""Scorers at run time: turn an indicator's value into points, and back.

The builders here make the run-time side of the built-in scorer types (their parameters are
checked in :mod:`criteriakit.scorer_types`). Each gives a :class:`CompiledScorer` with two
functions:
``score(value, env)`` gives the points (or :class:`~criteriakit.expressions.Undefined`), and
``needed(points, env)`` gives the least demanding value that would earn at least those points,
which "what it would take" uses. Threshold comparisons follow the expression language's
tolerance rule, so a value that hand arithmetic puts on a bound reaches it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal

import attrs

from criteriakit.expressions import CompiledExpression, Undefined, approx_ge, approx_gt

__all__ = [
    "Comparison",
    "CompiledScorer",
    "Needed",
    "boolean_scorer",
    "linear_scorer",
    "lookup_key",
    "lookup_scorer",
    "target_scorer",
    "threshold_scorer",
]

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


def linear_scorer(zero_at: float, full_at: float, max_points: float) -> CompiledScorer:
    """Score linearly from no points at ``zero_at`` to all at ``full_at``, clamped outside."""
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


def threshold_scorer(
    bands: Sequence[tuple[float, float]],
    *,
    ascending: bool,
    inclusive: bool,
    otherwise: float,
    scale: float,
) -> CompiledScorer:
    """Score by steps: the most demanding ``(bound, award)`` the value reaches gives its award.

    Awards are multiplied by ``scale`` (1 for points, the indicator's points for fractions).
    """
    steps = tuple(sorted(((bound, award * scale) for bound, award in bands), reverse=ascending))
    otherwise *= scale

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


def target_scorer(target: float | CompiledExpression, max_points: float) -> CompiledScorer:
    """Score in proportion to ``value / target`` (a number or an expression), capped."""
    shown = target.text if isinstance(target, CompiledExpression) else f"{target:g}"

    def target_of(env: Env) -> float | Undefined:
        if isinstance(target, CompiledExpression):
            value: float | Undefined = target.evaluate(env)  # type: ignore[assignment]
            return value
        return target

    def score(value: float, env: Env) -> float | Undefined:
        goal = target_of(env)
        if isinstance(goal, Undefined):
            return goal
        if goal == 0:
            return Undefined("division-by-zero", f"target '{shown}' is zero")
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


def boolean_scorer(max_points: float) -> CompiledScorer:
    """Give all points when the value is true, none when false."""

    def score(value: bool, _: Env) -> float:
        return max_points if value else 0.0

    def needed(points: float, _: Env) -> Needed | None:
        return None if points > max_points else (True, "==", max_points)

    return CompiledScorer(score, needed)


def lookup_scorer(
    awards: Mapping[str, float], otherwise: float, scale: float, parse_key: Callable[[str], object]
) -> CompiledScorer:
    """Score from a table keyed by :func:`lookup_key`; ``parse_key`` turns a key back into a value."""
    table = {key: award * scale for key, award in awards.items()}
    otherwise *= scale

    def score(value: object, _: Env) -> float:
        return table.get(lookup_key(value), otherwise)

    def needed(points: float, _: Env) -> Needed | None:
        reaching = [(award, key) for key, award in table.items() if award >= points]
        if not reaching:
            return None
        award, key = min(reaching, key=lambda pair: pair[0])
        return (parse_key(key), "==", award)

    return CompiledScorer(score, needed)
