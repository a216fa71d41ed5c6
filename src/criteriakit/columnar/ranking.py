"""``[ranking]`` as window expressions: the ranks of :mod:`criteriakit.scalar.ranking`.

Each method's score is computed over the units of a group (all rows, or the rows of a parent)
with the formulas of :mod:`criteriakit.mcda.ranking`, written in Polars: the indicators' shares
(points over points possible), optionally min-max normalised within the group, weighed by the
indicators' points. Units not ranked (not evaluable; for the multi-criteria methods, an indicator
excluded) have no score, so they are in no group's extremes and get no rank. Scores are rounded
as totals are and ranked with Polars' ``rank`` (``ordinal``: in the order of the rows, as the
scalar engine). Sums add criterion by criterion, left to right, as :mod:`criteriakit.mcda` adds
them in the scalar engine: WSM's, TOPSIS's and VIKOR's scores are the same bits in both engines,
WPM's (powers) the same to rounding.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce

import polars as pl

from criteriakit.columnar.floats import added_up, divided, over, rounded
from criteriakit.columnar.numbers import Numbers
from criteriakit.columnar.population import minmax
from criteriakit.compiling.compiled import CompiledFramework, CompiledRanking

__all__ = ["RANK", "RANK_SCORE", "ranked", "ranking_constants"]

RANK = "_rank"
RANK_SCORE = "_rank_score"


def ranking_constants(compiled: CompiledFramework) -> list[float]:
    """Return the numbers the ranking divides by: each indicator's points possible."""
    ranking = compiled.ranking
    if ranking is None or ranking.by_score:
        return []
    return [indicator.max_points for indicator in compiled.indicators if indicator.max_points]


def _squared(value: pl.Expr) -> pl.Expr:
    """``value * value``, as NumPy squares (a power of 2 would call ``pow``, and be slower)."""
    return value * value


def _topsis_distances(weighted: Sequence[pl.Expr], keys: str | None) -> list[pl.Expr]:
    """Each unit's distances to the group's ideal and anti-ideal points, in that order."""
    best = added_up([_squared(v - over(v.max(), keys)) for v in weighted]).sqrt()
    worst = added_up([_squared(v - over(v.min(), keys)) for v in weighted]).sqrt()
    return [best, worst]


def _closeness(best: pl.Expr, worst: pl.Expr) -> pl.Expr:
    """TOPSIS's score: the relative closeness to the ideal point (1 on the ideal itself)."""
    return pl.when(best == 0).then(pl.lit(1.0)).otherwise(divided(worst, best + worst))


def _regret(share: pl.Expr, weight: pl.Expr, keys: str | None) -> pl.Expr:
    """One criterion's weighted regret in VIKOR: 0 where the whole group is alike on it.

    A unit not ranked (its share null) has none, even then: it is in no group's extremes.
    """
    best, worst = over(share.max(), keys), over(share.min(), keys)
    regret = divided(weight * (best - share), best - worst)
    return pl.when(share.is_null()).then(None).when(best == worst).then(0.0).otherwise(regret)


def _vikor(regrets: Sequence[pl.Expr], balance: float, keys: str | None) -> pl.Expr:
    group = added_up(regrets)
    individual = pl.max_horizontal(regrets)
    return balance * minmax(group, keys, alike=0.0) + (1.0 - balance) * minmax(
        individual, keys, alike=0.0
    )


def _method_score(
    ranking: CompiledRanking,
    normal: Sequence[pl.Expr],
    weights: Sequence[pl.Expr],
    keys: str | None,
) -> pl.Expr:
    if ranking.method == "topsis":  # ``normal`` holds the distances (see :func:`ranked`)
        return _closeness(*normal)
    if ranking.method == "vikor":  # ``normal`` holds the regrets (see :func:`ranked`)
        return _vikor(normal, ranking.balance, keys)
    weighted_sum = added_up([share * w for share, w in zip(normal, weights, strict=True)])
    product = reduce(
        lambda total, term: total * term,
        [share.pow(w) for share, w in zip(normal, weights, strict=True)],
        pl.lit(1.0),
    )
    if ranking.method == "wsm":
        return weighted_sum
    if ranking.method == "wpm":
        return product
    return ranking.balance * weighted_sum + (1.0 - ranking.balance) * product  # waspas


def _materialised(lazy: pl.LazyFrame, prefix: str, columns: Sequence[pl.Expr]) -> pl.LazyFrame:
    """Add ``columns`` as ``{prefix}0``, ``{prefix}1`` …, for later steps to read by name."""
    return lazy.with_columns(column.alias(f"{prefix}{o}") for o, column in enumerate(columns))


def ranked(
    compiled: CompiledFramework, lazy: pl.LazyFrame, group: str | None, numbers: Numbers
) -> pl.LazyFrame:
    """Add each unit's rank (``_rank``, null when not ranked) and what it was ranked by.

    ``group`` names the column of each row's parent; ``numbers`` give the indicators' points
    possible and the ranking's weights. The frame holds the plan's columns: the final
    ``_blocked``, ``_excluding``, ``_score`` and the points ``_p``.
    """
    ranking = compiled.ranking
    assert ranking is not None  # noqa: S101  the caller checked
    keys = group if ranking.within == "parent" else None
    if ranking.by_score:
        score = pl.when(~pl.col("_blocked")).then(pl.col("_score"))
    else:
        rankable = ~pl.col("_blocked") & ~pl.col("_excluding")
        shares: list[pl.Expr] = [
            pl.when(rankable).then(numbers.share(pl.col(f"_p{ordinal}"), ordinal))
            for ordinal in range(len(compiled.indicators))
        ]
        weights = [numbers(f"weight{k}") for k in range(len(shares))]
        # each step's columns are materialised: referring to an expression several times
        # copies it, and a plan of copies takes seconds and hundreds of MiB to optimise
        lazy = _materialised(lazy, "_rk", shares)
        if ranking.normalisation == "minmax":
            lazy = _materialised(
                lazy, "_rn", [minmax(pl.col(f"_rk{o}"), keys) for o in range(len(shares))]
            )
            shares = [pl.col(f"_rn{o}") for o in range(len(shares))]
        else:
            shares = [pl.col(f"_rk{o}") for o in range(len(shares))]
        if ranking.method == "vikor":
            regrets = [
                _regret(share, weight, keys) for share, weight in zip(shares, weights, strict=True)
            ]
            lazy = _materialised(lazy, "_rg", regrets)
            shares = [pl.col(f"_rg{o}") for o in range(len(regrets))]
        elif ranking.method == "topsis":
            weighted = [share * weight for share, weight in zip(shares, weights, strict=True)]
            lazy = _materialised(lazy, "_rw", weighted)
            columns = [pl.col(f"_rw{o}") for o in range(len(weighted))]
            lazy = _materialised(lazy, "_rd", _topsis_distances(columns, keys))
            shares = [pl.col("_rd0"), pl.col("_rd1")]
        score = pl.when(rankable).then(rounded(_method_score(ranking, shares, weights, keys)))
    lazy = lazy.with_columns(score.alias(RANK_SCORE))
    place = over(pl.col(RANK_SCORE).rank(ranking.ties, descending=ranking.higher_is_better), keys)
    return lazy.with_columns(
        place.cast(pl.Float64 if ranking.ties == "average" else pl.Int64).alias(RANK)
    )
