"""Scorer specifications: how an indicator's value becomes points.

Each scorer is a frozen value object structured from an inline TOML table whose ``type`` key
selects the class (``scorer = { type = "linear", zero_at = 0, full_at = 1 }``). Awards in
``thresholds`` and ``lookup`` scorers are in the indicator's own units: points for frameworks on a
points scale, a fraction from 0 to 1 of the indicator's share for frameworks on a weights scale.
The scoring functions themselves live in :mod:`criteriakit.compiling.scoring`.
"""

from __future__ import annotations

from typing import Literal, Protocol, Union

import attrs

__all__ = [
    "BUILTIN_SCORERS",
    "Band",
    "BooleanScorer",
    "LinearScorer",
    "LookupScorer",
    "RelativeScorer",
    "Scorer",
    "ScorerSpec",
    "TargetScorer",
    "ThresholdScorer",
]


@attrs.frozen
class LinearScorer:
    """Points grow linearly from none at ``zero_at`` to all at ``full_at``, clamped outside.

    ``zero_at`` may be above ``full_at`` for indicators where lower is better.
    """

    zero_at: float
    full_at: float
    type: Literal["linear"] = "linear"


@attrs.frozen
class Band:
    """One step of a threshold scorer: values at least ``min`` (or at most ``max``) earn ``award``."""

    award: float
    min: float | None = None
    max: float | None = None


@attrs.frozen
class ThresholdScorer:
    """Step function: the best band the value reaches gives the award, else ``otherwise``.

    Bands use ``min`` (higher is better) or ``max`` (lower is better), all the same way;
    ``inclusive`` says whether a value exactly on a bound reaches it (default: it does).
    """

    bands: tuple[Band, ...]
    otherwise: float = 0.0
    inclusive: bool = True
    type: Literal["thresholds"] = "thresholds"


@attrs.frozen
class TargetScorer:
    """Points in proportion to ``value / target``, capped at the full points.

    ``target`` is a number or an expression over the inputs (``"admissions_target"``).
    """

    target: float | str
    type: Literal["target"] = "target"


@attrs.frozen
class BooleanScorer:
    """All points when the value (a bool) is true, none when it is false."""

    type: Literal["boolean"] = "boolean"


@attrs.frozen
class LookupScorer:
    """A table from value to award; keys are level names, ``true``/``false`` or integers."""

    table: dict[str, float]
    otherwise: float = 0.0
    type: Literal["lookup"] = "lookup"


@attrs.frozen
class RelativeScorer:
    """Points by where the value stands among the other units' values (population-relative).

    ``normalisation`` says how: ``minmax``, ``max``, ``sum`` and ``vector`` as
    :func:`criteriakit.mcda.normalise` computes them, ``percentile`` (the share of the other
    units below) or ``zscore`` (the mean earns half the points, ``spread`` standard deviations
    above it all of them). ``direction = "cost"`` turns it round for values where lower is
    better. ``within = "parent"`` compares a unit with its siblings only, ``"all"`` with every
    unit evaluated. See ``docs/format.md``.
    """

    normalisation: Literal["minmax", "max", "sum", "vector", "percentile", "zscore"]
    direction: Literal["benefit", "cost"] = "benefit"
    within: Literal["all", "parent"] = "all"
    spread: float = 3.0
    type: Literal["relative"] = "relative"


Scorer = Union[  # noqa: UP007  a runtime union cattrs can dispatch on under Python 3.10
    LinearScorer, ThresholdScorer, TargetScorer, BooleanScorer, LookupScorer, RelativeScorer
]


BUILTIN_SCORERS: dict[str, type] = {
    str(attrs.fields_dict(spec)["type"].default): spec
    for spec in (
        LinearScorer,
        ThresholdScorer,
        TargetScorer,
        BooleanScorer,
        LookupScorer,
        RelativeScorer,
    )
}
"""The built-in scorers' parameter classes by type name: what a scorer table structures into."""


class ScorerSpec(Protocol):
    """Any scorer's parameters: a built-in scorer class above, or a plugin scorer type's class."""

    @property
    def type(self) -> str:
        """The scorer type's name, as written in ``scorer = { type = ... }``."""
        ...
