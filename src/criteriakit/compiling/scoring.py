"""Scorers at run time: turn an indicator's value into points, and back.

The builders here make the run-time side of the built-in scorer types (their parameters are
checked in :mod:`criteriakit.compiling.scorer_types`). Each gives a :class:`CompiledScorer` with two
functions:
``score(value, env)`` gives the points (or :class:`~criteriakit.expressions.Undefined`), and
``needed(points, env)`` gives the least demanding value that would earn at least those points,
which "what it would take" uses. Threshold comparisons follow the expression language's
tolerance rule, so a value that hand arithmetic puts on a bound reaches it. Points are rounded
with :func:`round_points`.

Each scorer also carries its :data:`ScorerForm`: the arithmetic it does, derived here once from
the scorer table (steps sorted, awards scaled, the target compiled). The scalar functions close
over that form, and :mod:`criteriakit.columnar.scorers` turns the same form into column
expressions, so the two engines read one description of every scorer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from typing import Any, Literal, Protocol, cast

import attrs

from criteriakit.expressions import CompiledExpression, Undefined, approx_ge, approx_gt
from criteriakit.expressions.floats import SCORE_DIGITS, round_points, saturated
from criteriakit.expressions.tolerance import EXACT_ABOVE, RELATIVE_TOLERANCE

__all__ = [
    "SCORE_DIGITS",
    "AllOrNothing",
    "Comparison",
    "CompiledScorer",
    "Linear",
    "Needed",
    "Ratio",
    "Relative",
    "RelativeStanding",
    "ScorerForm",
    "Share",
    "Steps",
    "Table",
    "boolean_scorer",
    "linear_scorer",
    "lookup_key",
    "lookup_scorer",
    "relative_key",
    "relative_scorer",
    "round_points",
    "target_scorer",
    "threshold_scorer",
]

Env = Mapping[str, object]
Comparison = Literal[">=", ">", "<=", "<", "=="]
Needed = tuple[Any, Comparison, float]


@attrs.frozen
class Linear:
    """No points at ``zero_at``, all ``max_points`` at ``zero_at + span``, clamped outside."""

    zero_at: float
    span: float
    max_points: float


@attrs.frozen
class Steps:
    """The award of the first of ``steps`` (``(bound, award)``, most demanding first) reached.

    A value reaches a bound at or above it (``ascending``) or at or below it, strictly when not
    ``inclusive``, with the expression language's tolerance; ``otherwise`` where none is reached.
    Awards are in points.
    """

    steps: tuple[tuple[float, float], ...]
    otherwise: float
    ascending: bool
    inclusive: bool


@attrs.frozen
class Ratio:
    """``max_points`` times ``value / goal`` clamped to 0 … 1; a goal of zero is undefined."""

    goal: float | CompiledExpression
    max_points: float


@attrs.frozen
class AllOrNothing:
    """All ``max_points`` when the value is true, none when false."""

    max_points: float


@attrs.frozen
class Table:
    """The points ``awards`` gives the value's :func:`lookup_key`, else ``otherwise``."""

    awards: Mapping[str, float]
    otherwise: float


@attrs.frozen
class Share:
    """A plugin scorer's narwhals builder, its parameters bound: value → share (0 … 1)."""

    build: Callable[[Any], Any]
    max_points: float


@attrs.frozen
class Relative:
    """``max_points`` times the value's share among its group's values (a relative scorer).

    The population step computes each unit's share (:mod:`criteriakit.scalar.population`,
    :mod:`criteriakit.columnar.population`); the scalar scorer reads it from the environment at
    :func:`relative_key` of ``indicator``.
    """

    indicator: str
    normalisation: str
    cost: bool
    within: Literal["all", "parent"]
    spread: float
    max_points: float


ScorerForm = Linear | Steps | Ratio | AllOrNothing | Table | Share | Relative
"""What a scorer computes, as data both engines read (see the module's docstring)."""


@attrs.frozen
class CompiledScorer:
    """A scorer ready to run: ``score`` gives points, ``needed`` inverts it.

    ``needed(points, env)`` returns ``(value, comparison, earned)``: an indicator value that
    compares so with ``value`` earns ``earned`` points, at least ``points``; ``None`` when no
    value earns that many.

    ``value_only`` promises that both depend on the value (or points) alone, never on the other
    inputs in ``env``, and always give the same answer for it. ``context``, when given, promises
    that ``score`` depends on the value and on what ``context(env)`` returns alone (a target
    scorer's target, say). The scalar executor then reuses an indicator's result between units
    with the same value (and context).

    ``form`` describes the arithmetic for the columnar engine; a scorer without one (a plugin's
    scorer type with no columnar builder) runs there by rows, through ``score``.
    """

    score: Callable[[Any, Env], float | Undefined]
    needed: Callable[[float, Env], Needed | None]
    value_only: bool = False
    context: Callable[[Env], Hashable] | None = None
    form: ScorerForm | None = None


def lookup_key(value: object) -> str:
    """Return the table key a lookup scorer uses for ``value``: ``"2"``, ``"true"``, ``"good"``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _share_of(fraction: float, max_points: float) -> float:
    """Return ``max_points`` times ``fraction`` clamped to 0 … 1 (the linear and target rule)."""
    if fraction >= 1.0:
        return max_points
    if fraction <= 0.0:
        return 0.0
    return max_points * fraction


def _ratio_points(value: float, goal: float, max_points: float) -> float | Undefined:
    """Return a target scorer's points for ``value / goal`` (clamped), as floats divide.

    An integer beyond every float (a literal may be) is saturated to an infinity first; an
    infinity over an infinity has no ratio.
    """
    try:
        ratio = value / goal
    except OverflowError:
        ratio = saturated(value) / saturated(goal)
        if math.isnan(ratio):
            return Undefined("overflow", f"{value:.3g} / {goal:.3g} has no ratio")
    return _share_of(ratio, max_points)


def _target_needed(goal: float, points: float, max_points: float) -> Needed | None:
    """Return the value a target scorer needs for ``points``, or None if none gives them."""
    if goal <= 0 or points > max_points:
        return None
    return (goal * points / max_points, ">=", points)


def linear_scorer(zero_at: float, full_at: float, max_points: float) -> CompiledScorer:
    """Score linearly from no points at ``zero_at`` to all at ``full_at``, clamped outside."""
    span = full_at - zero_at

    def score(value: float, _: Env) -> float:
        try:
            return _share_of((value - zero_at) / span, max_points)
        except OverflowError:  # an integer beyond every float (a literal may be): saturated
            return _share_of((saturated(value) - zero_at) / span, max_points)

    def needed(points: float, _: Env) -> Needed | None:
        if points > max_points:
            return None
        value = zero_at + span * (points / max_points)
        return (value, ">=" if span > 0 else "<=", points)

    return CompiledScorer(score, needed, value_only=True, form=Linear(zero_at, span, max_points))


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
    window, quick = _within_window(steps, otherwise, ascending=ascending, inclusive=inclusive)

    def reaches(value: float, bound: float) -> bool:
        if ascending:
            return approx_ge(value, bound) if inclusive else approx_gt(value, bound)
        return approx_ge(bound, value) if inclusive else approx_gt(bound, value)

    def score(value: float, _: Env) -> float:
        if -window <= value <= window:
            return quick(value)
        for bound, award in steps:
            if reaches(value, bound):
                return award
        return otherwise

    least_first = steps[::-1]
    comparison: Comparison = (
        (">=" if inclusive else ">") if ascending else ("<=" if inclusive else "<")
    )

    def needed(points: float, _: Env) -> Needed | None:
        for least, award in least_first:  # the least demanding step that awards enough
            if award >= points:
                return (least, comparison, award)
        return None

    form = Steps(steps, otherwise, ascending=ascending, inclusive=inclusive)
    return CompiledScorer(score, needed, value_only=True, form=form)


def _within_window(
    steps: Sequence[tuple[float, float]], otherwise: float, *, ascending: bool, inclusive: bool
) -> tuple[float, Callable[[float], float]]:
    """Return ``(window, score)``: threshold scoring for values no larger than ``window``.

    A comparison's tolerance depends on the larger magnitude of its operands; for a value no
    larger than ``max(1, abs(bound))`` it is the bound's own, so for values within the smallest
    of these (the window) every tolerance is known in advance and each comparison is the very
    expression the tolerance helpers evaluate, with the tolerance (or the shifted bound, when
    the value stands alone on one side) computed once. The window is NaN (no value is within)
    when a bound is so large that comparisons with it are exact.
    """
    scales = [max(1.0, abs(bound)) for bound, _ in steps]
    if not all(scale < EXACT_ABOVE for scale in scales):
        return math.nan, lambda _: otherwise
    window = min(scales)
    tolerances = [
        RELATIVE_TOLERANCE if scale <= 1.0 else RELATIVE_TOLERANCE * scale for scale in scales
    ]
    if ascending:
        shifted = tuple(
            (bound - tol if inclusive else bound + tol, award)
            for (bound, award), tol in zip(steps, tolerances, strict=True)
        )

        def at_least(value: float) -> float:  # approx_ge(value, bound): value >= bound - tol
            for lower, award in shifted:
                if value >= lower:
                    return award
            return otherwise

        def above(value: float) -> float:  # approx_gt(value, bound): value > bound + tol
            for upper, award in shifted:
                if value > upper:
                    return award
            return otherwise

        return window, at_least if inclusive else above
    toleranced = tuple(
        (bound, tol, award) for (bound, award), tol in zip(steps, tolerances, strict=True)
    )

    def at_most(value: float) -> float:  # approx_ge(bound, value): bound >= value - tol
        for bound, tol, award in toleranced:
            if bound >= value - tol:
                return award
        return otherwise

    def below(value: float) -> float:  # approx_gt(bound, value): bound > value + tol
        for bound, tol, award in toleranced:
            if bound > value + tol:
                return award
        return otherwise

    return window, at_most if inclusive else below


def target_scorer(target: float | CompiledExpression, max_points: float) -> CompiledScorer:
    """Score in proportion to ``value / target`` (a number or an expression), capped."""
    if not isinstance(target, CompiledExpression):
        return _fixed_target_scorer(target, max_points)
    shown = target.text
    goal_of = target.evaluate

    def score(value: float, env: Env) -> float | Undefined:
        goal = cast("float | Undefined", goal_of(env))
        if isinstance(goal, Undefined):
            return goal
        if goal == 0:
            return Undefined("division-by-zero", f"target '{shown}' is zero")
        return _ratio_points(value, goal, max_points)

    def needed(points: float, env: Env) -> Needed | None:
        goal = cast("float | Undefined", goal_of(env))
        return None if isinstance(goal, Undefined) else _target_needed(goal, points, max_points)

    def context(env: Env) -> Hashable:
        goal = goal_of(env)
        return goal.__class__, goal  # 1 and 1.0 are equal, but may not divide alike

    return CompiledScorer(score, needed, context=context, form=Ratio(target, max_points))


def _fixed_target_scorer(goal: float, max_points: float) -> CompiledScorer:
    """Score in proportion to ``value / goal`` for a fixed goal: points depend on the value alone."""
    zero = Undefined("division-by-zero", f"target '{goal:g}' is zero")

    def score(value: float, _: Env) -> float | Undefined:
        if goal == 0:
            return zero
        return _ratio_points(value, goal, max_points)

    def needed(points: float, _: Env) -> Needed | None:
        return _target_needed(goal, points, max_points)

    return CompiledScorer(score, needed, value_only=True, form=Ratio(goal, max_points))


def boolean_scorer(max_points: float) -> CompiledScorer:
    """Give all points when the value is true, none when false."""

    def score(value: bool, _: Env) -> float:
        return max_points if value else 0.0

    def needed(points: float, _: Env) -> Needed | None:
        return None if points > max_points else (True, "==", max_points)

    return CompiledScorer(score, needed, value_only=True, form=AllOrNothing(max_points))


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

    return CompiledScorer(score, needed, value_only=True, form=Table(table, otherwise))


def relative_key(indicator: str) -> str:
    """Return where a unit's environment holds its share for relative indicator ``indicator``.

    ``@`` is in no input or derived value's name, so the share never shadows one.
    """
    return f"@relative:{indicator}"


class RelativeStanding(Protocol):
    """What a unit's environment holds for a relative indicator (see :func:`relative_key`)."""

    def share_of(self, value: object) -> float | Undefined:
        """Return the share ``value`` earns among the group (the unit's own: its share)."""
        ...

    def needed(self, share: float) -> Needed | None:
        """Return the value that earns ``share``, how it compares, and the share it earns."""
        ...


def relative_scorer(form: Relative) -> CompiledScorer:
    """Score by the unit's standing among its group, put in its environment (:class:`Relative`).

    "What it would take" holds the other units' values as they are.
    """
    key = relative_key(form.indicator)
    max_points = form.max_points

    def score(value: object, env: Env) -> float | Undefined:
        share = cast("RelativeStanding", env[key]).share_of(value)
        return share if isinstance(share, Undefined) else _share_of(share, max_points)

    def needed(points: float, env: Env) -> Needed | None:
        if points > max_points:
            return None
        found = cast("RelativeStanding", env[key]).needed(points / max_points)
        if found is None:
            return None
        value, comparison, share = found
        return value, comparison, _share_of(share, max_points)

    return CompiledScorer(score, needed, form=form)
