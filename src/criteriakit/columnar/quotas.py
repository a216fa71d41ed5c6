"""Quotas among siblings as window expressions: the same demotions as :mod:`criteriakit.scalar.quotas`.

Per group of siblings (rows sharing a parent), a quota counts the units in its capped and
reference tiers, computes how many must go by the scalar executor's own formula
(:func:`criteriakit.scalar.quotas.demotions_needed`, exact integer arithmetic), and demotes that many capped units one tier: the lowest scores first, equal
scores by ascending unit id. Quotas apply one after another, each on the tiers the previous
left.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs
import polars as pl

from criteriakit.compiling.compiled import CompiledFramework
from criteriakit.scalar.quotas import demotions_needed

__all__ = ["QuotaColumns", "apply_quotas"]


@attrs.frozen
class QuotaColumns:
    """The columns quotas read and update: the tier ``rank`` (0 = best) and the reasons.

    ``reasons`` gives, for each quota in order, the mask word and bit of its reason.
    """

    rank: str
    reasons: Sequence[tuple[str, int]]
    score: str
    unit: str
    row: str
    evaluable: str
    group: str | None


def apply_quotas(
    compiled: CompiledFramework,
    lazy: pl.LazyFrame,
    *,
    columns: QuotaColumns,
) -> pl.LazyFrame:
    """Demote units over each quota: update the rank column and set the quota's reason bit."""
    rank = columns.rank
    keys: list[str | pl.Expr] = [columns.group] if columns.group is not None else [pl.lit(0)]
    # ties by ascending id as text, as the scalar executor orders them ("10" before "9")
    order = [pl.col(columns.score), pl.col(columns.unit).cast(pl.String), pl.col(columns.row)]
    for quota, (word, bit) in zip(compiled.quotas, columns.reasons, strict=True):
        lower = quota.tier + 1
        capped = (pl.col(rank) == quota.tier) & pl.col(columns.evaluable)
        counted_capped = capped.cast(pl.Int64).sum().over(keys)
        reference = (pl.col(rank) == quota.of) & pl.col(columns.evaluable)
        counted_reference = reference.cast(pl.Int64).sum().over(keys)
        needed = demotions_needed(
            counted_capped, counted_reference, quota, into_reference=lower == quota.of
        )
        place = capped.cast(pl.Int64).cum_sum().over(keys, order_by=order)
        demoted = capped & (place <= needed)
        lazy = lazy.with_columns(
            pl.when(demoted).then(pl.lit(lower)).otherwise(pl.col(rank)).alias(rank),
            pl.when(demoted).then(pl.col(word) | bit).otherwise(pl.col(word)).alias(word),
        )
    return lazy
