"""``[ranking]`` in the scalar engine: each unit's place in its group, 1 the best.

Units are ranked once their whole level is evaluated (and the quotas applied), among all of
them or among each parent's (``within``). A unit is ranked when it was evaluable (and, for
the multi-criteria methods, none of its indicators was excluded). ``method = "score"`` ranks by the total; the multi-criteria methods
score the matrix of the units' indicator shares (points over points possible), weighed by the
indicators' points, with :mod:`criteriakit.mcda` (which needs NumPy, the ``mcda`` extra), with
two choices for groups that :func:`criteriakit.mcda.rank` would refuse: a VIKOR criterion on
which the whole group is alike adds no regret, and ``minmax`` makes a column of alike values
all ones. Scores are rounded as totals are (:func:`~criteriakit.expressions.floats.round_points`)
before they are compared, so that float noise never breaks a tie; ties are broken as ``ties``
says (``ordinal``: in the order of the rows). The columnar engine ranks with the same rules as
window expressions (:mod:`criteriakit.columnar.ranking`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import attrs

from criteriakit.compiling.compiled import CompiledRanking
from criteriakit.errors import EvaluationError
from criteriakit.expressions.floats import round_points
from criteriakit.model.results import Pending, Rank, Result
from criteriakit.scalar.groups import groups

__all__ = ["RankSlot", "apply_ranking", "method_scores", "ranks"]


class RankSlot(Pending):
    """A result's ``ranking``, filled in once its group is ranked.

    The executor puts the unit's indicator shares in ``shares`` (None when it cannot be
    ranked); :func:`apply_ranking` puts its :class:`~criteriakit.model.results.Rank` in
    ``rank``, which the result's ``ranking`` field reads when first read.
    """

    __slots__ = ("rank", "shares")

    def __init__(self) -> None:
        self.shares: tuple[float, ...] | None = None
        self.rank: Rank | None = None

    def compute(self, field: str) -> Any:  # noqa: ARG002  only the ranking is pending here
        """Return the unit's rank (None until its group is ranked, or if it is not ranked)."""
        return self.rank


def ranks(scores: Sequence[float], *, higher_is_better: bool, ties: str) -> list[float]:
    """Return the rank of each score, 1 the best, ties as ``ties`` says.

    The same ranks as :func:`criteriakit.mcda.ranks_of`, in plain Python.
    """
    order = sorted(
        range(len(scores)), key=lambda index: -scores[index] if higher_is_better else scores[index]
    )
    ranked = [0.0] * len(scores)
    position = 0
    dense = 0
    while position < len(order):
        end = position
        while end + 1 < len(order) and scores[order[end + 1]] == scores[order[position]]:
            end += 1
        dense += 1
        shared = {"min": position + 1, "dense": dense, "average": (position + end + 2) / 2}
        for offset, index in enumerate(order[position : end + 1]):
            ranked[index] = position + offset + 1 if ties == "ordinal" else shared[ties]
        position = end + 1
    return ranked


def method_scores(ranking: CompiledRanking, matrix: Sequence[Sequence[float]]) -> list[float]:
    """Return the multi-criteria method's score of each row of ``matrix`` (shares), rounded.

    Rounded as totals are (:func:`~criteriakit.expressions.floats.round_points`): the units
    are ranked by these.
    """
    try:
        import numpy as np  # noqa: PLC0415  only ranking by a multi-criteria method needs it

        from criteriakit.mcda.normalisation import NORMALISATIONS  # noqa: PLC0415  NumPy
        from criteriakit.mcda.ranking import (  # noqa: PLC0415  NumPy too
            method_scores as scores_of,
        )
    except ImportError:
        message = (
            f"ranking by {ranking.method} in the scalar engine needs NumPy: "
            "pip install 'criteriakit[mcda]' (or rank with the columnar engine)"
        )
        raise EvaluationError(message) from None
    shares = np.array(matrix, dtype=np.float64)
    weights = np.array(ranking.weights, dtype=np.float64)
    if ranking.normalisation == "minmax":
        shares = NORMALISATIONS["minmax"](shares, np.zeros(shares.shape[1], dtype=bool))
    found = scores_of(ranking.method, shares, weights, ranking.balance, ignore_flat=True)
    return [round_points(float(score)) for score in found]


def _rank_group(ranking: CompiledRanking, members: list[tuple[Result, RankSlot]]) -> None:
    """Put each ranked member's :class:`Rank` in its slot."""
    ranked = [
        (result, slot)
        for result, slot in members
        if result.score is not None and (ranking.by_score or slot.shares is not None)
    ]
    if not ranked:
        return
    if ranking.by_score:
        scores = [float(result.score or 0.0) for result, _ in ranked]
    else:
        scores = method_scores(ranking, [slot.shares or () for _, slot in ranked])
    places = ranks(scores, higher_is_better=ranking.higher_is_better, ties=ranking.ties)
    for (_, slot), place, score in zip(ranked, places, scores, strict=True):
        shown = place if ranking.ties == "average" else int(place)
        slot.rank = Rank(shown, score, ranking.method, len(ranked))


def apply_ranking(
    rankings: Sequence[CompiledRanking],
    results: Sequence[Result],
    slots: Sequence[RankSlot],
    parents: Sequence[str | None],
) -> list[Result]:
    """Rank ``results`` within their groups; return them with their ranks, in their order.

    ``rankings`` is each unit's ranking: the same, but for its weights where each parent's
    units decided their own (a group then has one parent, or ranks by score). ``slots`` are
    the ones the results were evaluated with. A result a plugin replaced after evaluation
    (and whose ``ranking`` was read then) is copied with its rank.
    """
    if not rankings:  # no units
        return list(results)
    for members in groups(parents, rankings[0].within):
        ranking = rankings[members[0]]
        _rank_group(ranking, [(results[index], slots[index]) for index in members])
    return [
        result if result.ranking == slot.rank else attrs.evolve(result, ranking=slot.rank)
        for result, slot in zip(results, slots, strict=True)
    ]
