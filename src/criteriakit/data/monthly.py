"""Monthly data gathered into a longer period's inputs.

Members are reviewed every month and classified every year. A list input that declares
``per_month = "COLUMN"`` is filled from monthly rows (``id``, ``period`` such as ``2024-03``,
and the column): one item per month of the period that has a row, in month order. Rows of
months outside the period are ignored; two rows for the same unit and month are an error.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

import attrs

from criteriakit.data.records import MAX_REPORTED_PROBLEMS, records_of, unit_id
from criteriakit.data.sources import DataFormat, open_source
from criteriakit.errors import DataError, Problem
from criteriakit.model.period import Period

__all__ = ["MonthlyRow", "collect_months", "read_monthly"]


@attrs.frozen
class MonthlyRow:
    """One unit's values for one month."""

    unit: str
    month: str
    values: Mapping[str, object]
    row: int


def read_monthly(
    path: str | os.PathLike[str],
    *,
    id_column: str = "id",
    period_column: str = "period",
    data_format: DataFormat | None = None,
) -> list[MonthlyRow]:
    """Read monthly rows: each has a unit id and a month (``2024-03``); report every bad row."""
    source = open_source(path, data_format)
    name = source.name
    rows: list[MonthlyRow] = []
    problems: list[Problem] = []
    for row, fields in records_of(source):
        unit = unit_id(fields.get(id_column))
        if unit is None:
            message = f"the unit id is missing or not an id (column {id_column!r})"
            problems.append(Problem(message, file=name, row=row, path=id_column))
            continue
        month = fields.get(period_column)
        try:
            period: Period | None = Period.parse(str(month))
        except DataError:
            period = None
        if period is None or period.type != "month":
            problems.append(
                Problem(
                    f"expected a month such as 2024-03, got {month!r}",
                    file=name,
                    row=row,
                    path=period_column,
                )
            )
            continue
        values = {
            key: value for key, value in fields.items() if key not in {id_column, period_column}
        }
        rows.append(MonthlyRow(unit, period.label, values, row))
    if problems:
        raise DataError(problems[:MAX_REPORTED_PROBLEMS], source=name, total=len(problems))
    return rows


def collect_months(
    rows: Sequence[MonthlyRow],
    period: Period,
    columns: Mapping[str, str],
    *,
    source: str | None = None,
) -> dict[str, dict[str, list[object]]]:
    """Gather, per unit, each input's list of monthly values within ``period``, in month order.

    ``columns`` maps input names to the monthly column they collect (``per_month``). Empty cells
    are skipped; two rows for the same unit and month are an error.
    """
    months = period.months()
    inside = sorted(
        (row for row in rows if row.month in months), key=lambda row: (row.unit, row.month)
    )
    collected: dict[str, dict[str, list[object]]] = {}
    seen: dict[tuple[str, str], int] = {}
    problems: list[Problem] = []
    for row in inside:
        key = (row.unit, row.month)
        if key in seen:
            message = (
                f"unit {row.unit!r} has two rows for {row.month} (rows {seen[key]} and {row.row})"
            )
            problems.append(Problem(message, file=source, row=row.row))
            continue
        seen[key] = row.row
        unit = collected.setdefault(row.unit, {name: [] for name in columns})
        for name, column in columns.items():
            value = row.values.get(column)
            if value not in (None, ""):
                unit[name].append(value)
    if problems:
        raise DataError(problems, source=source)
    return collected
