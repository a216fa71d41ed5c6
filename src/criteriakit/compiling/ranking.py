"""``[ranking]``: how a framework ranks its units within a group, checked and compiled.

The ranking itself runs after the quotas, in every engine: :mod:`criteriakit.scalar.ranking`
and :mod:`criteriakit.columnar.ranking`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from criteriakit._problems import RawProblem
from criteriakit.compiling.compiled import CompiledIndicator, CompiledRanking
from criteriakit.model.framework import FrameworkDefinition

__all__ = ["BALANCED", "check_ranking"]

BALANCED = ("waspas", "vikor")
"""The methods with two parts that ``balance`` weighs."""


def check_ranking(
    definition: FrameworkDefinition,
    indicators: Sequence[CompiledIndicator],
    problems: list[RawProblem],
) -> CompiledRanking | None:
    """Check the ``[ranking]`` table's options; return it compiled (None without one)."""
    ranking = definition.ranking
    if ranking is None:
        return None
    start = len(problems)
    if not (0.0 <= ranking.balance <= 1.0 and math.isfinite(ranking.balance)):
        problems.append(
            RawProblem(
                ("ranking", "balance"),
                f"balance must be between 0 and 1, got {ranking.balance:g}",
            )
        )
    elif ranking.balance != 0.5 and ranking.method not in BALANCED:
        problems.append(
            RawProblem(
                ("ranking", "balance"),
                f"balance weighs the two parts of waspas and vikor, not of {ranking.method!r}",
                'method = "waspas", or leave balance out',
            )
        )
    if ranking.normalisation != "none" and ranking.method == "score":
        problems.append(
            RawProblem(
                ("ranking", "normalisation"),
                "the score method ranks by the total, which nothing normalises",
                'method = "topsis", or leave normalisation out',
            )
        )
    total = math.fsum(indicator.max_points for indicator in indicators)
    if len(problems) != start or not total > 0:
        return None
    return CompiledRanking(
        ranking.method,
        ranking.within,
        ranking.ties,
        ranking.normalisation,
        ranking.balance,
        tuple(indicator.max_points / total for indicator in indicators),
    )
