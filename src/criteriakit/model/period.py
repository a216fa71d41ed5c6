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

    def months(self) -> tuple[str, ...]:
        """Return the labels of the months in the period, in order: ``("2024-01", …)``."""
        return tuple(
            f"{self.start.year}-{month:02d}"
            for month in range(self.start.month, self.end.month + 1)
        )

    def __contains__(self, day: object) -> bool:
        """Whether a date falls in the period."""
        return isinstance(day, dt.date) and self.start <= day <= self.end
