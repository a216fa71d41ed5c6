"""Relative scoring as window expressions: the shares of :mod:`criteriakit.scalar.population`.

Each relative indicator's share is computed over its group (all rows, or the rows sharing a
parent) with the same operations, in the same order, as the scalar population step: minima,
maxima and counts are exact, divisions are IEEE divisions (:func:`.floats.divided`), and sums
add left to right in the order of the rows (a cumulative sum's last value), as the scalar step
adds them. A null value (an undefined one) is in no group, as the scalar step leaves it out.
"""

from __future__ import annotations

import polars as pl

from criteriakit.columnar.floats import divided, over
from criteriakit.compiling.scoring import Relative

__all__ = ["minmax", "relative_share"]


def _summed(terms: pl.Expr, keys: str | None) -> pl.Expr:
    """Return the group's sum of ``terms`` (nulls left out), added left to right by row."""
    return over(terms.drop_nulls().cum_sum().last(), keys)


def minmax(value: pl.Expr, keys: str | None, *, cost: bool = False, alike: float = 1.0) -> pl.Expr:
    """Return ``(value - min) / (max - min)`` within the group, ``alike`` if all are the same.

    For a cost, ``(max - value) / (max - min)``. A null value (undefined, or not ranked) has
    none, even in a group of alike values.
    """
    low, high = over(value.min(), keys), over(value.max(), keys)
    span = high - low
    share = divided(high - value, span) if cost else divided(value - low, span)
    return pl.when(value.is_null()).then(None).when(span == 0).then(alike).otherwise(share)


def _minmax(value: pl.Expr, form: Relative, keys: str | None) -> tuple[pl.Expr, pl.Expr]:
    return minmax(value, keys, cost=form.cost), pl.lit(value=False)


def _max(value: pl.Expr, form: Relative, keys: str | None) -> tuple[pl.Expr, pl.Expr]:
    if form.cost:
        low = over(value.min(), keys)
        return divided(low, value), low <= 0
    high = over(value.max(), keys)
    return divided(value, high), high == 0


def _sum(value: pl.Expr, form: Relative, keys: str | None) -> tuple[pl.Expr, pl.Expr]:
    refused = over(value.min(), keys) <= 0
    if form.cost:
        inverse = pl.lit(1.0) / value
        return divided(inverse, _summed(inverse, keys)), refused
    return divided(value, _summed(value, keys)), refused


def _vector(value: pl.Expr, form: Relative, keys: str | None) -> tuple[pl.Expr, pl.Expr]:
    norm = _summed(value * value, keys).sqrt()
    share = divided(value, norm)
    return (pl.lit(1.0) - share if form.cost else share), norm == 0


def _percentile(value: pl.Expr, form: Relative, keys: str | None) -> tuple[pl.Expr, pl.Expr]:
    others = (over(value.count(), keys) - 1).cast(pl.Float64)
    ranked = over((-value if form.cost else value).rank("min"), keys)
    share = (ranked - 1).cast(pl.Float64) / others
    return pl.when(others == 0).then(pl.lit(1.0)).otherwise(share), pl.lit(value=False)


def _zscore(value: pl.Expr, form: Relative, keys: str | None) -> tuple[pl.Expr, pl.Expr]:
    count = over(value.count(), keys).cast(pl.Float64)
    mean = divided(_summed(value, keys), count)
    deviation = divided(_summed((value - mean) * (value - mean), keys), count).sqrt()
    z = divided(value - mean, deviation) * (-1.0 if form.cost else 1.0)
    share = pl.lit(0.5) + divided(z, pl.lit(2.0 * form.spread))
    return pl.when(deviation == 0).then(pl.lit(0.5)).otherwise(share), pl.lit(value=False)


_NORMALISATIONS = {
    "minmax": _minmax,
    "max": _max,
    "sum": _sum,
    "vector": _vector,
    "percentile": _percentile,
    "zscore": _zscore,
}


def relative_share(form: Relative, value: pl.Expr, group: str | None) -> pl.Expr:
    """Return each row's share of a relative indicator: null where its group is refused.

    ``value`` is the indicator's value (null where undefined); ``group`` names the column of
    each row's parent, which ``within = "parent"`` groups by.
    """
    number = value.cast(pl.Float64)
    keys = group if form.within == "parent" else None
    share, refused = _NORMALISATIONS[form.normalisation](number, form, keys)
    return pl.when(number.is_not_null() & ~refused.fill_null(value=False)).then(share)
