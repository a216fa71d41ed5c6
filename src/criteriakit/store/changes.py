"""Which reasons appeared and disappeared between a unit's consecutive periods.

A unit's history lists its results period after period; what a reader wants to see is what
changed: a veto that fired this year and not last, a gate failed last year and met this one.
This is the same for every store, so it is computed here on the history frame.
"""

from __future__ import annotations

import polars as pl

__all__ = ["with_reason_changes"]


def with_reason_changes(history: pl.DataFrame) -> pl.DataFrame:
    """Add ``appeared`` and ``disappeared``: the reasons gained and lost since the row before.

    ``history`` holds one unit's rows ordered by framework, then period, with ``framework`` and
    ``reasons`` columns. The comparison is within a framework: its first period has none
    (``null``) in both, there being nothing before it. Reasons keep their order.
    """
    appeared: list[list[str] | None] = []
    disappeared: list[list[str] | None] = []
    before: tuple[str | None, list[str]] = (None, [])
    for framework, reasons in history.select("framework", "reasons").iter_rows():
        now = list(reasons or ())
        if framework != before[0]:
            appeared.append(None)
            disappeared.append(None)
        else:
            appeared.append([code for code in now if code not in before[1]])
            disappeared.append([code for code in before[1] if code not in now])
        before = (framework, now)
    kind = pl.List(pl.String)
    return history.with_columns(
        pl.Series("appeared", appeared, dtype=kind),
        pl.Series("disappeared", disappeared, dtype=kind),
    )
