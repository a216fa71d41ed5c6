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

:func:`rank_margins` answers the same question for a unit's rank. By ``[ranking] method =
"score"``, every unit of its group scores on the moved weights, each on its own line, so the
rank can change only where two lines cross, and the ranges are exact too. The multi-criteria
methods (``wsm``, ``wpm``, ``waspas``, ``topsis``, ``vikor``) weigh the indicators' shares,
which moving the weights leaves as they are, but their scores are not linear in the weights:
the group is ranked again at :data:`SAMPLES` weights evenly spread toward each end, and the
first change is narrowed down by halving to within :data:`PRECISION` (a rank that changes and
changes back between two samples is not seen).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Literal, TypeVar

import attrs

from criteriakit.compiling.compiled import CompiledRanking
from criteriakit.errors import FrameworkError, Problem
from criteriakit.expressions.floats import round_points
from criteriakit.model.results import Result
from criteriakit.scalar.classify import Classifier, NotEvaluable
from criteriakit.scalar.framework import Framework
from criteriakit.scalar.ranking import method_scores, ranks

__all__ = ["RankMargin", "WeightMargin", "rank_margins", "weight_margins"]

STEP = 1e-6
"""How far past a band's bound a weight is moved to classify the unit there."""
SAMPLES = 128
"""How many weights toward each end a multi-criteria ranking is computed again at."""
PRECISION = 1e-9
"""How close to the weight where a multi-criteria rank changes its margin is found."""


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

    bounds = [tier.min_score for tier in compiled.tiers]
    margins: list[WeightMargin] = []
    for part, (weight, own, others) in _lines(result, of).items():

        def score(x: float, own: float = own, others: float = others) -> float:
            return compiled.max_score * (x * own + (1.0 - x) * others)

        now = tier_at(score(weight))
        low, below = _edge(weight, 0.0, score, bounds, tier_at, now)
        high, above = _edge(weight, 1.0, score, bounds, tier_at, now)
        margins.append(WeightMargin(part, weight, low, high, below, above))
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

    The tier can change only where the score meets a band's bound.
    """
    slope = score(1.0) - score(0.0)
    if slope == 0:
        return end, None
    crossings = (start + (bound - score(start)) / slope for bound in bounds)
    return _first_change(start, end, crossings, lambda weight: tier_at(score(weight)), now)


Value = TypeVar("Value")


def _first_change(
    start: float,
    end: float,
    candidates: Iterable[float],
    value_at: Callable[[float], Value],
    now: Value,
) -> tuple[float, Value | None]:
    """Return how far from ``start`` toward ``end`` ``value_at`` stays ``now``, and its value past.

    It can change only at the ``candidates`` (weights): each between ``start`` and ``end``,
    nearest first, is tried just past it.
    """
    toward = 1.0 if end > start else -1.0
    ahead = sorted(
        (at for at in candidates if (at - start) * toward >= 0), key=lambda at: abs(at - start)
    )
    for at in ahead:
        past = at + STEP * toward
        if (end - past) * toward < 0:
            break
        moved = value_at(past)
        if moved != now:
            return at, moved
    return end, None


@attrs.frozen
class RankMargin:
    """The weights of one criterion between which a unit keeps its rank among its group.

    As :class:`WeightMargin`, for the rank by the framework's ``[ranking]``: past ``low`` the
    unit would rank ``below``, past ``high`` ``above`` (``None`` where the rank holds down to 0
    or up to 1). Every unit of the group is scored, or weighed by the method, on the moved
    weights.
    """

    criterion: str
    weight: float
    low: float
    high: float
    below: float | None
    above: float | None


def _lines(result: Result, of: str) -> dict[str, tuple[float, float, float]]:
    """Return, for each weighed part of ``result``, its weight, share and the others' share.

    The unit's score as the part's weight ``x`` moves is the line ``max_score · (x · share +
    (1 - x) · others)``: the others keep their proportions.
    """
    parts = _parts(result, of)
    total = sum(maximum for _, _, maximum in parts)
    weights = [maximum / total for _, _, maximum in parts]
    shares = [points / maximum for _, points, maximum in parts]
    lines: dict[str, tuple[float, float, float]] = {}
    for i, (part, _, _) in enumerate(parts):
        rest = 1.0 - weights[i]
        others = (
            sum(w * p for j, (w, p) in enumerate(zip(weights, shares, strict=True)) if j != i)
            / rest
            if rest > 0
            else shares[i]
        )
        lines[part] = (weights[i], shares[i], others)
    return lines


def rank_margins(
    framework: Framework,
    results: Sequence[Result],
    result: Result,
    *,
    of: Literal["criteria", "indicators"] = "criteria",
) -> tuple[RankMargin, ...]:
    """Return each criterion's (or indicator's) :class:`RankMargin` for ``result``.

    ``results`` are the units evaluated with it (its group is taken from them). Exact for a
    framework that ranks by score (``[ranking] method = "score"``): each unit's score is linear
    in the weight, so the rank can change only where two units' lines cross. By a
    multi-criteria method, sampled and narrowed down (see the module docs). Raise
    :class:`~criteriakit.errors.FrameworkError` for a framework without a ranking, or one that
    ranks by score and that :func:`weight_margins` refuses. A unit not ranked has no margins.
    """
    compiled = framework.compiled
    ranking = compiled.ranking
    if ranking is None:
        message = f"rank margins need a [ranking]; {framework.ref} has none"
        raise FrameworkError([Problem(message, hint='add [ranking] method = "score"')])
    if ranking.by_score:
        _refuse_unless_linear(framework, of)
    if result.ranking is None:
        return ()
    group = [
        other
        for other in results
        if other.ranking is not None and (ranking.within == "all" or other.parent == result.parent)
    ]
    position = next(index for index, other in enumerate(group) if other is result)
    if not ranking.by_score:
        return _method_margins(ranking, group, position, of)
    maximum = compiled.max_score
    every = [_lines(other, of) for other in group]
    margins: list[RankMargin] = []
    for part, (weight, own, rest) in every[position].items():
        # a unit that scores nothing on the part keeps its score: a flat line
        flat = [(other.score or 0.0) / maximum for other in group]
        lines = [
            (line[part][1], line[part][2]) if part in line else (level, level)
            for line, level in zip(every, flat, strict=True)
        ]

        def rank_at(x: float, lines: list[tuple[float, float]] = lines) -> float:
            scores = [round_points(maximum * (x * own + (1.0 - x) * rest)) for own, rest in lines]
            return ranks(scores, higher_is_better=True, ties=ranking.ties)[position]

        crossings = [
            (rest_v - rest) / ((rest_v - rest) - (own_v - own))
            for own_v, rest_v in lines
            if (rest_v - rest) - (own_v - own) != 0
        ]
        now = rank_at(weight)
        low, below = _first_change(weight, 0.0, crossings, rank_at, now)
        high, above = _first_change(weight, 1.0, crossings, rank_at, now)
        margins.append(RankMargin(part, weight, low, high, below, above))
    return tuple(margins)


def _method_margins(
    ranking: CompiledRanking,
    group: Sequence[Result],
    position: int,
    of: Literal["criteria", "indicators"],
) -> tuple[RankMargin, ...]:
    """Return the rank margins of ``group[position]`` by a multi-criteria method (sampled).

    Each part's indicators keep their proportions among themselves as its weight moves, and
    the other indicators theirs; a part of weight 0 moves its indicators alike.
    """
    matrix = [
        [
            indicator.points / indicator.max_points if indicator.max_points else 0.0
            for criterion in other.criteria
            for indicator in criterion.indicators
        ]
        for other in group
    ]
    weights = ranking.weights
    parts: list[tuple[str, list[int]]] = []
    start = 0
    for criterion in group[position].criteria:
        ordinals = list(range(start, start + len(criterion.indicators)))
        start += len(criterion.indicators)
        if of == "criteria":
            parts.append((criterion.id, ordinals))
        else:
            parts += [(i.id, [o]) for i, o in zip(criterion.indicators, ordinals, strict=True)]

    def rank_at(moved: Sequence[float]) -> float:
        scores = method_scores(attrs.evolve(ranking, weights=tuple(moved)), matrix)
        places = ranks(scores, higher_is_better=ranking.higher_is_better, ties=ranking.ties)
        return places[position]

    now = rank_at(weights)
    margins: list[RankMargin] = []
    for part, ordinals in parts:
        weight = sum(weights[o] for o in ordinals)
        rest = 1.0 - weight
        if rest <= 0:  # the only part: moving it moves nothing
            margins.append(RankMargin(part, weight, 0.0, 1.0, None, None))
            continue

        def moved(x: float, ordinals: list[int] = ordinals, weight: float = weight) -> float:
            inside = [weights[o] / weight if weight else 1 / len(ordinals) for o in ordinals]
            scaled = [w * (1.0 - x) / (1.0 - weight) for w in weights]
            for o, share in zip(ordinals, inside, strict=True):
                scaled[o] = x * share
            return rank_at(scaled)

        low, below = _sampled_change(weight, 0.0, moved, now)
        high, above = _sampled_change(weight, 1.0, moved, now)
        margins.append(RankMargin(part, weight, low, high, below, above))
    return tuple(margins)


def _sampled_change(
    start: float, end: float, value_at: Callable[[float], float], now: float
) -> tuple[float, float | None]:
    """Return how far from ``start`` toward ``end`` ``value_at`` stays ``now``, and its value past.

    ``value_at`` is tried at :data:`SAMPLES` points evenly spread; between the last that gives
    ``now`` and the first that does not, the change is found by halving to :data:`PRECISION`.
    """
    near = start
    for step in range(1, SAMPLES + 1):
        far = start + (end - start) * step / SAMPLES
        if value_at(far) == now:
            near = far
            continue
        while abs(far - near) > PRECISION:
            middle = (near + far) / 2
            if value_at(middle) == now:
                near = middle
            else:
                far = middle
        return near, value_at(far)
    return end, None
