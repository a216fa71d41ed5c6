"""An award's quota among siblings: at most a share of a parent's units may earn it.

The cap is ``floor(share · units)``, counted over all the parent's units in the period (those
that did not meet the condition too), in exact integer arithmetic; over it, the units that met
the condition lose the award lowest score first (a unit without a score before any other),
equal scores by ascending id, as tier quotas demote. :func:`allowed` is written once for
Python integers and Polars columns, as :func:`criteriakit.scalar.quotas.demotions_needed` is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from fractions import Fraction
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from criteriakit.model.awards import Withheld

if TYPE_CHECKING:
    import polars as pl

__all__ = ["Candidate", "allowed", "withheld_units"]

Count = TypeVar("Count", int, "pl.Expr")


def allowed(units: Count, quota: Fraction) -> Count:
    """Return how many of a parent's ``units`` may earn an award under ``quota``."""
    return (units * quota.numerator) // quota.denominator


@attrs.frozen
class Candidate:
    """A unit of the current period: its id, parent and score, and whether it met the condition."""

    unit: Any
    parent: Any
    score: float | None
    met: bool


def withheld_units(quota: Fraction | None, candidates: Sequence[Candidate]) -> dict[int, Withheld]:
    """Return the positions of the candidates the quota withholds the award from, with why."""
    if quota is None:
        return {}
    siblings: dict[Any, list[int]] = defaultdict(list)
    for position, candidate in enumerate(candidates):
        siblings[candidate.parent].append(position)
    lost: dict[int, Withheld] = {}
    for parent, positions in siblings.items():
        met = [position for position in positions if candidates[position].met]
        cap = allowed(len(positions), quota)
        if len(met) <= cap:
            continue
        met.sort(key=lambda position: _losing_order(candidates[position]))
        reason = Withheld(parent, len(positions), cap, len(met), float(quota))
        lost |= dict.fromkeys(met[: len(met) - cap], reason)
    return lost


def _losing_order(candidate: Candidate) -> tuple[bool, float, Any]:
    """Sort key: who loses the award first (no score, then the lowest, then the smallest id)."""
    score = candidate.score
    return (score is not None, 0.0 if score is None else score, candidate.unit)
