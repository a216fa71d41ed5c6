"""Decide awards unit by unit, with the notes that explain each decision.

The reference semantics, which :mod:`criteriakit.awards.columnar` computes as columns: each
history call reads the unit's results in the periods of the current period's type up to the
current one; a period without a result, or whose argument is undefined, is a period the
argument does not hold in. The condition reads each call's value by the call's text, and the
current period's fields by their names. The quota then withholds the award from the units
over it (:func:`criteriakit.awards.quota.withheld_units`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import attrs
import polars as pl

from criteriakit.awards.history import FIELDS, History
from criteriakit.awards.quota import Candidate, withheld_units
from criteriakit.compiling.awards import CompiledAward, HistoryCall
from criteriakit.expressions import Undefined
from criteriakit.model.awards import AwardResult, HistoryNote
from criteriakit.model.framework import pick_text
from criteriakit.model.period import Period

__all__ = ["decide_all", "note"]

_Row = Mapping[str, Any]


def _holds(call: HistoryCall, row: _Row | None) -> bool:
    return row is not None and call.over.evaluate(row) is True


def note(call: HistoryCall, rows: Mapping[int, _Row], period: Period) -> HistoryNote:
    """Return the value of ``call`` in ``period`` for a unit with ``rows`` by period index."""
    current = period.index
    if call.function == "previous":
        row = rows.get(current - 1)
        value = None if row is None else call.over.evaluate(row)
        if row is None or isinstance(value, Undefined):
            return HistoryNote(
                call.function, call.text, None, () if row is None else (row["period"],)
            )
        return HistoryNote(call.function, call.text, value, (row["period"],))  # type: ignore[arg-type]
    if call.function == "streak":
        length = 0
        while _holds(call, rows.get(current - length)):
            length += 1
        periods = tuple(rows[current - back]["period"] for back in range(length - 1, -1, -1))
        return HistoryNote(call.function, call.text, length, periods)
    window = call.window(period)
    periods = tuple(
        rows[index]["period"]
        for index in range(current - window + 1, current + 1)
        if _holds(call, rows.get(index))
    )
    if call.function == "count_last":
        return HistoryNote(call.function, call.text, len(periods), periods, window)
    return HistoryNote(
        call.function, call.text, len(periods) == window if window >= 1 else None, periods, window
    )


def _decide(
    award: CompiledAward,
    history: History,
    by_unit: Mapping[str, Mapping[int, _Row]],
    languages: tuple[str | None, str | None],
    met_elsewhere: Sequence[bool] | None,
) -> tuple[AwardResult, ...]:
    """Decide ``award`` for the units of ``by_unit`` (in the table's order), quota included.

    The quota counts every unit of the period: those not in ``by_unit`` take whether they met
    the condition from ``met_elsewhere`` (by row of the current table). The title is in the
    first of ``languages`` the file gives it in.
    """
    current, period = history.period.index, history.period.label
    title, condition = pick_text(award.title, *languages), award.require.text
    decided: dict[int, AwardResult] = {}
    candidates: list[Candidate] = []
    rows_of_units = history.current.select("unit", "parent", "score").iter_rows()
    for position, (unit, parent, score) in enumerate(rows_of_units):
        rows = by_unit.get(str(unit))
        if rows is None:
            assert met_elsewhere is not None  # noqa: S101  every unit is decided otherwise
            candidates.append(Candidate(unit, parent, score, met_elsewhere[position]))
            continue
        notes = tuple(note(call, rows, history.period) for call in award.calls)
        env: dict[str, object] = {name: rows[current][name] for name in FIELDS}
        env |= {item.call: item.value for item in notes}
        met = award.require.evaluate(env) is True
        decided[position] = AwardResult(
            unit, parent, award.id, title, period, condition, met, met, notes
        )
        candidates.append(Candidate(unit, parent, score, met))
    lost = withheld_units(award.quota, candidates)
    return tuple(
        attrs.evolve(result, earned=False, withheld=lost[position]) if position in lost else result
        for position, result in decided.items()
    )


def decide_all(
    awards: Sequence[CompiledAward],
    history: History,
    language: str | None = None,
    units: Collection[str] | None = None,
    met: Mapping[str, Sequence[bool]] | None = None,
    *,
    fallback: str | None = None,
) -> tuple[AwardResult, ...]:
    """Decide every award, award by award, each for every unit of the current period.

    Titles are in ``language`` where the file gives one, else in ``fallback`` (the
    framework's own language). ``units`` (ids as text) decides those
    units only; the quota then needs whether each other unit met each award's condition:
    ``met`` by award id, by row of the current table (the columnar engine's answer).
    """
    by_unit: dict[str, dict[int, _Row]] = defaultdict(dict)
    for table in history.tables:
        kept = table if units is None else table.filter(pl.col("key").is_in(list(units)))
        for row in kept.iter_rows(named=True):
            by_unit[row["key"]][row["index"]] = row
    return tuple(
        result
        for award in awards
        for result in _decide(
            award,
            history,
            by_unit,
            (language, fallback),
            None if met is None else met[award.id],
        )
    )
