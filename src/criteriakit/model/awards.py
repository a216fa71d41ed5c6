"""What deciding an award gives: for a unit, whether it earned it, and why (value objects).

An :class:`AwardResult` says whether a unit earned an award in a period, whether the award's
quota withheld it, and, for each history function its condition calls, a :class:`HistoryNote`:
the call's value and the periods that made it. :meth:`AwardResult.explain` renders them the way
tiers are explained::

    C03 earned "4-good two years running" in 2024
      streak(tier == "excellent") >= 2
      streak(tier == "excellent") is 2: 2023, 2024
"""

from __future__ import annotations

from typing import Any

import attrs

from criteriakit.expressions.formatting import format_value

__all__ = ["AwardResult", "HistoryNote"]


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

    def line(self) -> str:
        """Return the note as one line: ``streak(tier == "excellent") is 2: 2023, 2024``."""
        listed = f": {', '.join(self.periods)}" if self.periods else ""
        if self.function == "previous":
            if self.value is None:
                where = (
                    f" in {self.periods[0]}" if self.periods else ": no result the period before"
                )
                return f"{self.call} is undefined{where}"
            return f"{self.call} is {format_value(self.value)} ({self.periods[0]})"
        if self.function == "count_last":
            return f"{self.call} is {self.value} of the last {self.of}{listed}"
        if self.function == "all_periods_since":
            if self.value is None:
                return f"{self.call} is undefined: its first period comes after this one"
            held = f"{len(self.periods)} of the {self.of} periods"
            return f"{self.call} is {format_value(self.value)}: {held}{listed}"
        return f"{self.call} is {self.value}{listed}"

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
    withheld: str | None = None

    def explain(self) -> str:
        """Explain the decision in a few lines: the verdict, the condition, each history call."""
        verdict = "earned" if self.earned else "did not earn"
        lines = [f'{self.unit} {verdict} "{self.title}" in {self.period}', f"  {self.condition}"]
        lines += [f"  {note.line()}" for note in self.notes]
        if self.withheld is not None:
            lines.append(f"  withheld: {self.withheld}")
        return "\n".join(lines)

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
            "withheld": self.withheld,
        }
