"""What it would take: the smallest changes that would lift a unit to the next tier."""

from __future__ import annotations

from typing import Any, Literal

import attrs

__all__ = ["Change", "Improvement", "Obstacle"]


@attrs.frozen
class Change:
    """Raise one indicator's value to ``needed_value`` (compared with ``comparison``).

    ``points_gain`` is what the change adds to the score.
    """

    indicator: str
    title: str
    current_value: Any
    needed_value: Any
    comparison: Literal[">=", ">", "<=", "<", "=="]
    points_gain: float


@attrs.frozen
class Obstacle:
    """A gate of the target tier that fails, or a veto, cap or quota that holds the unit down."""

    code: str
    kind: Literal["gate", "veto", "cap", "quota", "not-evaluable"]
    message: str
    condition: str
    values: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class Improvement:
    """How to reach ``target``: close ``score_gap`` by any one option, and clear every obstacle.

    Each option is a set of indicator changes that together close the gap; options that need
    one change come first, easiest first. ``reachable`` is false when even full points on every
    indicator would not close the gap.
    """

    target: str
    score_gap: float
    options: tuple[tuple[Change, ...], ...] = ()
    obstacles: tuple[Obstacle, ...] = ()
    reachable: bool = True
