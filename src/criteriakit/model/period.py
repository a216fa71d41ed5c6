"""Evaluation periods: the month, quarter, half-year or year a result is for.

Units are reviewed monthly, approved every half-year and classified every year; every result
says which period it is for. A period is written as a label: ``2024`` (a year), ``2024-H1`` (a
half-year), ``2024-Q3`` (a quarter) or ``2024-06`` (a month).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from typing import Literal

import attrs

from criteriakit.errors import DataError, Problem

__all__ = ["Period", "PeriodType"]

PeriodType = Literal["year", "half-year", "quarter", "month"]

_LABEL = re.compile(
    r"(?P<year>\d{4})(?:-(?:(?P<month>0[1-9]|1[0-2])|H(?P<half>[12])|Q(?P<quarter>[1-4])))?\Z"
)

_MONTHS: dict[str, int] = {"year": 12, "half-year": 6, "quarter": 3, "month": 1}
"""How many months a period of each type lasts."""


@attrs.frozen
class Period:
    """A period: its type, its label and its first and last days."""

    type: PeriodType
    label: str
    start: dt.date
    end: dt.date

    @classmethod
    def parse(cls, label: str) -> Period:
        """Read a label: ``2024``, ``2024-H1``, ``2024-Q3`` or ``2024-06``; DataError otherwise."""
        match = _LABEL.match(label.strip())
        if match is None:
            problem = Problem(
                f"invalid period {label!r}",
                path="period",
                hint="write 2024, 2024-H1, 2024-Q3 or 2024-06",
            )
            raise DataError([problem])
        year = int(match["year"])
        if match["month"]:
            first, last, kind = int(match["month"]), int(match["month"]), "month"
        elif match["half"]:
            first, kind = 6 * int(match["half"]) - 5, "half-year"
            last = first + 5
        elif match["quarter"]:
            first, kind = 3 * int(match["quarter"]) - 2, "quarter"
            last = first + 2
        else:
            first, last, kind = 1, 12, "year"
        end = dt.date(year, last, calendar.monthrange(year, last)[1])
        return cls(kind, match.group(0), dt.date(year, first, 1), end)  # type: ignore[arg-type]

    @property
    def index(self) -> int:
        """The period's place among the periods of its type: consecutive periods differ by 1.

        ``2023`` and ``2024`` are consecutive years, ``2024-H2`` and ``2025-H1`` consecutive
        half-years; a period missing from a unit's history is a gap in these numbers.
        """
        return self.index_at(self.start, self.type)

    @staticmethod
    def index_at(day: dt.date, kind: PeriodType) -> int:
        """Return the :attr:`index` of the period of type ``kind`` that ``day`` falls in."""
        return (day.year * 12 + day.month - 1) // _MONTHS[kind]

    def months(self) -> tuple[str, ...]:
        """Return the labels of the months in the period, in order: ``("2024-01", …)``."""
        return tuple(
            f"{self.start.year}-{month:02d}"
            for month in range(self.start.month, self.end.month + 1)
        )

    def __contains__(self, day: object) -> bool:
        """Whether a date falls in the period."""
        return isinstance(day, dt.date) and self.start <= day <= self.end
