"""Ranking alternatives: a score per row of a decision matrix, and ranks from it (1 = best).

The methods are pymcdm's, each with pymcdm's default normalisation:

==========  ===============  =========================================================
method      normalisation    score of an alternative (``n``: normalised, ``w``: weights)
==========  ===============  =========================================================
``wsm``     ``sum``          ``Σ w·n``
``wpm``     ``sum``          ``Π n^w``
``waspas``  ``max``          ``λ Σ w·n + (1 - λ) Π n^w``, ``λ = 0.5`` unless given
``topsis``  ``minmax``       ``D⁻ / (D⁻ + D⁺)``, Euclidean distances of ``w·n`` to the
                             worst (``D⁻``) and best (``D⁺``) value of each column
``vikor``   none             ``Q = v (S - S*) / (S⁻ - S*) + (1 - v) (R - R*) / (R⁻ - R*)``,
                             ``v = 0.5`` unless given; lower is better
==========  ===============  =========================================================

VIKOR reads the raw values (a cost column is turned round as ``max - x``, as pymcdm does)
unless a normalisation is named. Two choices differ from pymcdm, where it gives NaN: a TOPSIS
alternative at the best value of every column (one alternative alone, or all alike) scores 1,
and a VIKOR term whose spread is zero (every ``S`` or every ``R`` equal) adds 0.

Ranks are 1 for the best score. Equal scores tie, compared exactly (as pymcdm and SciPy do);
``decimals`` rounds the scores first, so that scores apart only by float noise (``0.5`` and
``0.49999999999999994``) tie. Ties are broken as ``ties`` says: ``min`` (1, 1, 3: the default,
as in sports tables), ``dense`` (1, 1, 2), ``average`` (1.5, 1.5, 3: pymcdm's and SciPy's) or
``ordinal`` (1, 2, 3 in the order of the rows).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

import attrs
import numpy as np
import numpy.typing as npt

from criteriakit.errors import MCDAError
from criteriakit.mcda._arrays import as_matrix, as_types, as_weights
from criteriakit.mcda.normalisation import NORMALISATIONS, Normalisation, normalised

__all__ = [
    "RANKING_METHODS",
    "Ranking",
    "RankingMethod",
    "Ties",
    "method_scores",
    "rank",
    "ranks_of",
]

RankingMethod = Literal["wsm", "wpm", "waspas", "topsis", "vikor"]
"""The name of a ranking method."""

Ties = Literal["min", "dense", "average", "ordinal"]
"""How alternatives with equal scores are ranked."""

Array = npt.NDArray[np.float64]


@attrs.frozen(eq=False)
class Ranking:
    """The outcome of :func:`rank`: each alternative's score and rank, in the order of the rows."""

    scores: Array
    """The method's score of each alternative (for ``vikor``, ``Q``: lower is better)."""
    ranks: npt.NDArray[Any]
    """1 for the best; integers, or floats with ``ties="average"``."""
    method: str
    normalisation: str | None
    higher_is_better: bool
    """Whether a higher score ranks first (all methods but ``vikor``)."""


def _row_sums(terms: Array) -> Array:
    """Each row's sum, added criterion by criterion from -0.0: the columnar engine's order.

    NumPy's own sum of a row adds pairwise; this order gives a framework's ranking the same
    bits in both engines.
    """
    total = np.full(terms.shape[0], -0.0)
    for column in terms.T:
        total += column
    return total


def _wsm(normal: Array, weights: Array, _: dict[str, float]) -> Array:
    return _row_sums(normal * weights)


def _wpm(normal: Array, weights: Array, _: dict[str, float]) -> Array:
    return np.prod(normal**weights, axis=1)


def _waspas(normal: Array, weights: Array, params: dict[str, float]) -> Array:
    share = params.get("lambda_", 0.5)
    return share * _wsm(normal, weights, params) + (1.0 - share) * _wpm(normal, weights, params)


def _distance(columns: Array, point: Array) -> Array:
    """Each row's Euclidean distance to ``point``, squares added column by column, left to right.

    ``columns`` holds the criteria in its rows (a transposed matrix): each is one contiguous
    pass, and the order of the additions is the columnar engine's, which gives the same bits.
    """
    total = np.zeros(columns.shape[1])
    term = np.empty_like(total)
    for column, value in zip(columns, point, strict=True):
        np.subtract(column, value, out=term)
        np.multiply(term, term, out=term)
        total += term
    return np.sqrt(total, out=total)


def _topsis(normal: Array, weights: Array, _: dict[str, float]) -> Array:
    weighted = np.multiply(normal, weights, order="F").T  # one contiguous row per criterion
    best = _distance(weighted, weighted.max(axis=1))
    worst = _distance(weighted, weighted.min(axis=1))
    total = best + worst
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(best == 0, 1.0, worst / np.where(total == 0, 1.0, total))


def _vikor(normal: Array, weights: Array, params: dict[str, float]) -> Array:
    share = params.get("v", 0.5)
    best, worst = normal.max(axis=0), normal.min(axis=0)
    flat = best == worst
    if flat.any() and params.get("ignore_flat"):  # alike on a criterion: it adds no regret
        kept = ~flat
        normal, weights, best, worst = normal[:, kept], weights[kept], best[kept], worst[kept]
    elif flat.any():
        column = int(np.flatnonzero(flat)[0])
        message = (
            f"column {column} has the same value for every alternative, which VIKOR cannot "
            "scale: leave the criterion out, or rank with another method"
        )
        raise MCDAError(message)
    if normal.shape[1] == 0:
        return np.zeros(normal.shape[0])
    regret = weights * (best - normal) / (best - worst)
    group, individual = _row_sums(regret), regret.max(axis=1)
    return share * _spread(group) + (1.0 - share) * _spread(individual)


def _spread(values: Array) -> Array:
    """``(values - min) / (max - min)``, 0 where all are equal."""
    low, span = values.min(), values.max() - values.min()
    return np.zeros_like(values) if span == 0 else (values - low) / span


def _vikor_values(matrix: Array, types: npt.NDArray[np.int64]) -> Array:
    """VIKOR's own reading of raw values: a cost column becomes ``max - x`` (as pymcdm)."""
    return np.where(types < 0, matrix.max(axis=0) - matrix, matrix)


_METHODS: dict[str, tuple[Callable[[Array, Array, dict[str, float]], Array], str | None]] = {
    "wsm": (_wsm, "sum"),
    "wpm": (_wpm, "sum"),
    "waspas": (_waspas, "max"),
    "topsis": (_topsis, "minmax"),
    "vikor": (_vikor, None),
}

RANKING_METHODS: tuple[str, ...] = tuple(_METHODS)
"""Every ranking method's name."""

_PARAMETERS = {"waspas": "lambda_", "vikor": "v"}


def method_scores(
    method: str, normal: Array, weights: Array, balance: float, *, ignore_flat: bool = False
) -> Array:
    """Return ``method``'s score of each row of the normalised matrix ``normal``.

    ``balance`` is WASPAS's λ or VIKOR's v. With ``ignore_flat``, a VIKOR criterion on which
    every alternative is alike adds no regret instead of being refused (for a framework's
    ranking, where the data decide, not the caller).
    """
    params = {_PARAMETERS.get(method, ""): balance, "ignore_flat": float(ignore_flat)}
    return _METHODS[method][0](normal, weights, params)


def rank(
    matrix: Any,
    weights: Any,
    types: Any = None,
    *,
    method: RankingMethod = "topsis",
    normalisation: Normalisation | None = None,
    ties: Ties = "min",
    decimals: int | None = None,
    **params: float,
) -> Ranking:
    """Score and rank the alternatives (rows) of ``matrix`` by ``method``.

    ``weights`` are used as given (a :class:`~criteriakit.mcda.WeightsWarning` says when they
    do not sum to 1); ``types`` holds +1 (benefit) or -1 (cost) per criterion, all benefits
    without it. ``normalisation`` defaults to the method's (see the module). ``lambda_``
    (WASPAS, 0.5) and ``v`` (VIKOR, 0.5) weigh the method's two parts. ``ties`` and
    ``decimals`` are :func:`ranks_of`'s.
    """
    try:
        score, default = _METHODS[method]
    except KeyError:
        names = ", ".join(RANKING_METHODS)
        raise MCDAError(f"unknown ranking method {method!r}: use one of {names}") from None
    allowed = _PARAMETERS.get(method)
    unknown = sorted(set(params) - {allowed})
    if unknown:
        hint = f"it takes {allowed}=" if allowed else "it takes none"
        raise MCDAError(f"{method} has no parameter {unknown[0]!r}: {hint}")
    for name, value in params.items():
        if not 0 <= value <= 1:
            raise MCDAError(f"{name} must be between 0 and 1; got {value!r}")
    checked = as_matrix(matrix)
    kinds = as_types(types, checked.shape[1])
    chosen = as_weights(weights, checked.shape[1])
    used = normalisation if normalisation is not None else default
    if used is None:
        normal = _vikor_values(checked, kinds)
    elif used in NORMALISATIONS:
        normal = normalised(checked, kinds, used)
    else:
        names = ", ".join(NORMALISATIONS)
        raise MCDAError(f"unknown normalisation {used!r}: use one of {names}")
    scores = score(normal, chosen, dict(params))
    higher = method != "vikor"
    ranks = ranks_of(scores, higher_is_better=higher, ties=ties, decimals=decimals)
    return Ranking(scores, ranks, method, used, higher)


def ranks_of(
    scores: Any,
    *,
    higher_is_better: bool = True,
    ties: Ties = "min",
    decimals: int | None = None,
) -> npt.NDArray[Any]:
    """Return the rank of each score (1 = best); equal scores (rounded to ``decimals``) tie."""
    values = np.asarray(scores, dtype=np.float64)
    if decimals is not None:
        values = np.round(values, decimals)
    if values.ndim != 1:
        raise MCDAError(f"scores must be a 1-D array; got shape {values.shape}")
    if np.isnan(values).any():
        raise MCDAError("a score is NaN: it cannot be ranked")
    if ties not in ("min", "dense", "average", "ordinal"):
        raise MCDAError(f"unknown ties {ties!r}: use min, dense, average or ordinal")
    keys = -values if higher_is_better else values
    # only ordinal ranks read the order within a tie: the others sort by the faster, unstable sort
    order = np.argsort(keys, kind="stable" if ties == "ordinal" else None)
    ordered = keys[order]
    ranks = np.empty(values.size, dtype=np.float64 if ties == "average" else np.int64)
    if values.size == 0:
        return ranks
    if ties == "ordinal":
        ranks[order] = np.arange(1, values.size + 1)
        return ranks
    starts = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    group = np.cumsum(starts) - 1
    first = np.flatnonzero(starts)
    if ties == "dense":
        ranks[order] = group + 1
    elif ties == "min":
        ranks[order] = first[group] + 1
    else:
        last = np.append(first[1:], values.size)
        ranks[order] = (first[group] + last[group] + 1) / 2.0
    return ranks
