"""Quotas among siblings: at most a share of the units rated X may be rated Y (DOMAIN.md).

Units over the cap are demoted one tier, the lowest score first and, among equal scores, the
smallest id first; each gets a ``quota`` reason with the counts that decided, and its "what it
would take" names the quota. With ``counting = "final"`` the cap is measured against the final
count of the reference tier, so each demotion into it raises the cap; with ``"before"`` against
its count before any demotion. Counts are exact integer arithmetic: no rounding can let one too many through.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, TypeVar

import attrs

from criteriakit.compiling.compiled import CompiledFramework, CompiledQuota
from criteriakit.model.improvement import Improvement, Obstacle
from criteriakit.model.results import Reason, Result
from criteriakit.scalar.groups import groups

if TYPE_CHECKING:
    import polars as pl

__all__ = ["apply_quotas", "demotions_needed"]


Count = TypeVar("Count", int, "pl.Expr")


def demotions_needed(
    capped: Count, reference: Count, quota: CompiledQuota, *, into_reference: bool
) -> Count:
    """Return how many of the ``capped`` units must be demoted to respect the quota.

    ``into_reference`` says whether a demoted unit lands in the reference tier (it then counts
    toward the cap when counting the final numbers). Written with integer arithmetic only
    (the share is the fraction p/q), so the same formula counts Python integers here and
    Polars columns in :mod:`criteriakit.columnar.quotas`; floor division rounds down in both.
    """
    p, q = quota.share.numerator, quota.share.denominator
    if quota.counting == "before" or not into_reference:
        needed = capped - (reference * p) // q  # the cap is floor(share · reference)
    else:
        # the smallest d with capped - d <= p/q · (reference + d): ceil((q·capped - p·ref) / (q + p))
        needed = -((reference * p - capped * q) // (q + p))
    return max(0, needed) if isinstance(needed, int) else needed.clip(lower_bound=0)


def _demote(result: Result, quota: CompiledQuota, tier: str, counts: dict[str, int]) -> Result:
    reason = Reason(quota.id, "quota", quota.message, tier, counts)
    obstacle = Obstacle(quota.id, "quota", quota.message, "", counts)
    improvement = Improvement(result.tier or tier, 0.0, (), (obstacle,), reachable=False)
    return attrs.evolve(
        result, tier=tier, reasons=(*result.reasons, reason), improvement=improvement
    )


def _apply(compiled: CompiledFramework, quota: CompiledQuota, group: list[Result]) -> list[Result]:
    tiers = [tier.id for tier in compiled.tiers]
    capped_tier, reference_tier, lower_tier = (
        tiers[quota.tier],
        tiers[quota.of],
        tiers[quota.tier + 1],
    )
    capped = [result for result in group if result.tier == capped_tier]
    reference = sum(1 for result in group if result.tier == reference_tier)
    count = max(
        0,
        demotions_needed(
            len(capped), reference, quota, into_reference=lower_tier == reference_tier
        ),
    )
    if count == 0:
        return group
    order = sorted(capped, key=lambda result: (result.score or 0.0, result.unit or ""))
    demoted = {id(result) for result in order[:count]}
    counts = {capped_tier: len(capped), reference_tier: reference, "demoted": count}
    return [
        _demote(result, quota, lower_tier, counts) if id(result) in demoted else result
        for result in group
    ]


def apply_quotas(
    compiled: CompiledFramework, results: Sequence[Result], parents: Iterable[str | None]
) -> list[Result]:
    """Apply the framework's quotas among the results that share a parent; keep the order."""
    if not compiled.quotas:
        return list(results)
    siblings = groups(parents)
    adjusted = list(results)
    for quota in compiled.quotas:
        for indexes in siblings:
            group = _apply(compiled, quota, [adjusted[index] for index in indexes])
            for index, result in zip(indexes, group, strict=True):
                adjusted[index] = result
    return adjusted
