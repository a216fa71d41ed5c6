"""Weights of criteria: from the data (entropy, CRITIC, spread), from a ranking, or from judgements.

Every method returns weights that sum to 1, one per criterion (column). Where references
differ, these follow pymcdm:

``equal``
    ``1 / n`` each.
``entropy``
    Over the sum-normalised columns ``p = x / Σx``: ``e = -Σ p ln p / ln m`` (``0 ln 0`` taken as
    0, which pymcdm leaves undefined), weights ``(1 - e) / Σ(1 - e)``. Values must be >= 0.
``critic``
    Over the min-max-normalised columns (benefit form): ``s · Σ(1 - r)`` with the sample standard
    deviation ``s`` (``ddof=1``) and Pearson's ``r`` between columns, normalised. A column whose
    values are all equal gets weight 0 (pymcdm gives NaN).
``standard-deviation``
    The raw columns' sample standard deviations, normalised.
``rank-order-centroid``
    From ``ranks`` (1 = most important): ``w = (1/n) Σ_{k=rank}^{n} 1/k``.
``rank-sum``
    From ``ranks``: ``w = 2 (n + 1 - rank) / (n (n + 1))``.
``ahp``
    ``matrix`` holds pairwise judgements: :func:`criteriakit.mcda.ahp.ahp`'s principal
    eigenvector, refused when inconsistent unless ``allow_inconsistent``.

The data-driven methods need at least two alternatives (rows); ``types`` is accepted for a
uniform signature, and none of these methods uses it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from criteriakit.errors import MCDAError
from criteriakit.mcda._arrays import as_matrix, as_ranking, as_types, first_where
from criteriakit.mcda.ahp import ahp
from criteriakit.mcda.normalisation import normalised

__all__ = ["WEIGHT_METHODS", "WeightMethod", "weights"]

WeightMethod = Literal[
    "equal",
    "entropy",
    "critic",
    "standard-deviation",
    "rank-order-centroid",
    "rank-sum",
    "ahp",
]
"""The name of a weighting method."""

Array = npt.NDArray[np.float64]


def _share(values: Array, method: str) -> Array:
    """Return ``values / Σ values``; raise when they are all zero (nothing tells criteria apart)."""
    total = values.sum()
    if not total > 0:
        message = f"{method} weights are undefined: no criterion's values differ between the rows"
        raise MCDAError(message)
    return values / total


def _equal(matrix: Array) -> Array:
    return np.full(matrix.shape[1], 1.0 / matrix.shape[1])


def _entropy(matrix: Array) -> Array:
    if (matrix < 0).any():
        row, column = first_where(matrix < 0)
        raise MCDAError(f"matrix[{row}, {column}] is negative: entropy weights need values >= 0")
    sums = matrix.sum(axis=0)
    if (sums == 0).any():
        column = int(np.flatnonzero(sums == 0)[0])
        raise MCDAError(f"column {column} is all zeros: its entropy is undefined")
    shares = matrix / sums
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(shares > 0, shares * np.log(shares), 0.0)
    entropy = -terms.sum(axis=0) / np.log(matrix.shape[0])
    return _share(1.0 - entropy, "entropy")


def _critic(matrix: Array) -> Array:
    scaled = normalised(matrix, np.ones(matrix.shape[1], dtype=np.int64), "minmax")
    spread = scaled.std(axis=0, ddof=1)
    varying = spread > 0
    correlation = np.zeros((matrix.shape[1], matrix.shape[1]))
    if varying.any():
        inner = np.corrcoef(scaled[:, varying], rowvar=False)
        correlation[np.ix_(varying, varying)] = np.atleast_2d(inner)
    conflict = (1.0 - correlation).sum(axis=0)
    return _share(np.where(varying, spread * conflict, 0.0), "critic")


def _standard_deviation(matrix: Array) -> Array:
    return _share(matrix.std(axis=0, ddof=1), "standard-deviation")


_FROM_DATA: dict[str, Callable[[Array], Array]] = {
    "equal": _equal,
    "entropy": _entropy,
    "critic": _critic,
    "standard-deviation": _standard_deviation,
}


def _rank_order_centroid(ranks: npt.NDArray[np.int64]) -> Array:
    size = ranks.size
    tails = np.cumsum((1.0 / np.arange(1, size + 1))[::-1])[::-1]  # Σ_{k=r}^{n} 1/k, by r
    return tails[ranks - 1] / size


def _rank_sum(ranks: npt.NDArray[np.int64]) -> Array:
    size = ranks.size
    return 2.0 * (size + 1 - ranks) / (size * (size + 1))


_FROM_RANKS: dict[str, Callable[[npt.NDArray[np.int64]], Array]] = {
    "rank-order-centroid": _rank_order_centroid,
    "rank-sum": _rank_sum,
}

WEIGHT_METHODS: tuple[str, ...] = (*_FROM_DATA, *_FROM_RANKS, "ahp")
"""Every weighting method's name."""


def weights(
    matrix: Any = None,
    types: Any = None,
    *,
    method: WeightMethod,
    ranks: Any = None,
    criteria: Sequence[str] | None = None,
    allow_inconsistent: bool = False,
) -> Array:
    """Return one weight per criterion, summing to 1, by ``method``.

    ``matrix`` is the decision matrix (alternatives in rows) for ``equal``, ``entropy``,
    ``critic`` and ``standard-deviation``, and the pairwise judgements for ``ahp`` (named by
    ``criteria`` in errors; ``allow_inconsistent`` accepts a consistency ratio above 0.1).
    ``ranks`` (1 = most important) is the input of ``rank-order-centroid`` and ``rank-sum``.
    """
    if method in _FROM_RANKS:
        if matrix is not None:
            raise MCDAError(f"{method} weights come from ranks=[…], not from a matrix")
        return _FROM_RANKS[method](as_ranking(ranks))
    if method == "ahp":
        return ahp(matrix, criteria=criteria, allow_inconsistent=allow_inconsistent).weights
    if method not in _FROM_DATA:
        names = ", ".join(WEIGHT_METHODS)
        raise MCDAError(f"unknown weighting method {method!r}: use one of {names}")
    if matrix is None:
        raise MCDAError(f"{method} weights are computed from a decision matrix: give matrix=…")
    rows = 1 if method == "equal" else 2
    checked = as_matrix(matrix, rows=rows)
    as_types(types, checked.shape[1])
    return _FROM_DATA[method](checked)
