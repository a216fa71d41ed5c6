"""Multi-criteria decision analysis on NumPy arrays: weights, normalisations and rankings.

A functional API in the manner of pymcdm, on a decision matrix with alternatives in rows and
criteria in columns, criteria ``types`` of +1 (benefit) or -1 (cost)::

    from criteriakit import mcda

    w = mcda.weights(matrix, types, method="entropy")
    ranking = mcda.rank(matrix, w, types, method="topsis")
    ranking.scores, ranking.ranks          # 1 = best

    mcda.ahp([[1, 3, 5], [1/3, 1, 2], [1/5, 1/2, 1]]).consistency_ratio

- :func:`weights`: ``equal``, ``entropy``, ``critic``, ``standard-deviation``,
  ``rank-order-centroid``, ``rank-sum`` and ``ahp`` (:mod:`.weighting`, :mod:`.ahp`);
- :func:`normalise`: ``minmax``, ``max``, ``sum``, ``vector`` (:mod:`.normalisation`);
- :func:`rank`: ``wsm``, ``wpm``, ``waspas``, ``topsis``, ``vikor``, with explicit ties
  (:mod:`.ranking`).

Bad input is an :class:`~criteriakit.errors.MCDAError` naming the argument and the entry, never
a NaN result. Where references differ the conventions are pymcdm's; each module says where
criteriakit departs from it (only where pymcdm gives NaN or leaves a case undefined). Needs
NumPy: ``pip install 'criteriakit[mcda]'``.
"""

from __future__ import annotations

try:
    import numpy as np  # noqa: F401 - checked here so that the error says which extra installs it
except ImportError:  # pragma: no cover - exercised without NumPy only
    message = "criteriakit.mcda needs NumPy: pip install 'criteriakit[mcda]'"
    raise ImportError(message) from None

from criteriakit.mcda._arrays import WeightsWarning
from criteriakit.mcda.ahp import Priorities, ahp
from criteriakit.mcda.normalisation import NORMALISATIONS, Normalisation, normalise
from criteriakit.mcda.ranking import RANKING_METHODS, Ranking, RankingMethod, Ties, rank, ranks_of
from criteriakit.mcda.weighting import WEIGHT_METHODS, WeightMethod, weights

__all__ = [
    "NORMALISATIONS",
    "RANKING_METHODS",
    "WEIGHT_METHODS",
    "Normalisation",
    "Priorities",
    "Ranking",
    "RankingMethod",
    "Ties",
    "WeightMethod",
    "WeightsWarning",
    "ahp",
    "normalise",
    "rank",
    "ranks_of",
    "weights",
]
