"""What deciding an award gives: for a unit, whether it earned it, and why (value objects).

An :class:`AwardResult` says whether a unit earned an award in a period, whether the award's
quota withheld it (:class:`Withheld`), and, for each history function its condition calls, a
:class:`HistoryNote`: the call's value and the periods that made it.
:meth:`AwardResult.explain` renders them (:mod:`criteriakit.render.awards`), as tiers are
explained::

    C03 earned "4-good two years running" in 2024
      streak(tier == "excellent") >= 2
      streak(tier == "excellent") is 2: 2023, 2024
"""

from __future__ import annotations

from typing import Any

import attrs

__all__ = ["AwardResult", "HistoryNote", "Withheld"]


@attrs.frozen
class HistoryNote:
    """One history call's value for a unit and the periods behind it.

    ``function`` is the call's history function and ``call`` its text. ``periods`` are the
    labels of the periods the call's argument held in (``streak``, ``count_last``,
    ``all_periods_since``), or of the period ``previous`` read; ``of`` is how many periods a
    windowed call looked at (``count_last``'s ``n``, the periods from
    ``all_periods_since``'s first). ``value`` is ``None`` where it is undefined.
    """

    function: str
    call: str
    value: bool | int | float | str | None
    periods: tuple[str, ...] = ()
    of: int | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the note as plain data."""
        found: dict[str, Any] = {
            "function": self.function,
            "call": self.call,
            "value": self.value,
            "periods": list(self.periods),
        }
        if self.of is not None:
            found["of"] = self.of
        return found


@attrs.frozen
class Withheld:
    """Why a quota withheld an award from a unit that met its condition.

    ``allowed`` of the ``units`` of ``parent`` (``None``: the units without a parent) may earn
    it under ``quota``; ``met`` of them met the condition, and the lowest scores lost it.
    """

    parent: str | int | None
    units: int
    allowed: int
    met: int
    quota: float

    def to_dict(self) -> dict[str, Any]:
        """Return the reason as plain data."""
        return attrs.asdict(self)


@attrs.frozen
class AwardResult:
    """Whether ``unit`` earned ``award`` in ``period``, and why.

    ``earned`` is the final answer; ``met`` whether the condition held, so that a unit with
    ``met`` and not ``earned`` lost the award to its ``quota`` (``withheld`` says how).
    """

    unit: str | int
    parent: str | int | None
    award: str
    title: str
    period: str
    condition: str
    met: bool
    earned: bool
    notes: tuple[HistoryNote, ...] = ()
    withheld: Withheld | None = None

    def explain(self, language: str = "en") -> str:
        """Explain the decision in a few lines: the verdict, the condition, each history call."""
        from criteriakit.render.awards import explain_award  # noqa: PLC0415 - render imports model

        return explain_award(self, language)

    def to_dict(self) -> dict[str, Any]:
        """Return the result as plain data (JSON-ready)."""
        return {
            "unit": self.unit,
            "parent": self.parent,
            "award": self.award,
            "title": self.title,
            "period": self.period,
            "condition": self.condition,
            "met": self.met,
            "earned": self.earned,
            "notes": [note.to_dict() for note in self.notes],
            "withheld": None if self.withheld is None else self.withheld.to_dict(),
        }
