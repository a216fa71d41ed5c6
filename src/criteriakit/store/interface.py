"""The one interface every results store implements, whatever database holds it.

A store keeps runs: each evaluation of a framework's units for a period (:class:`NewRun`), with
its result table and, when they were produced, its result documents. The latest run of a
period is its current one; earlier runs stay as history, and ``as_of`` reads the state a store
was in at an earlier time. Queries return Polars frames, typed as the docs say
(``docs/store.md``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING, Protocol, TypeAlias

if TYPE_CHECKING:
    import polars as pl

    from criteriakit.model.results import Result
    from criteriakit.store.records import NewRun, Run

__all__ = ["Recording", "Store"]

Recording: TypeAlias = "tuple[NewRun, pl.DataFrame, Iterable[Result] | None]"
"""One run to store with :meth:`Store.record_many`: the run, its result table, its documents."""


class Store(Protocol):
    """A results store: record runs, read periods, results, documents, runs and a unit's history.

    ``url`` is the path or URL it was opened by, a password in it masked (messages show it).
    ``as_of`` is a time (a naive one is taken as UTC): the state the store was in then, i.e. the
    runs stored up to that time; ``None`` reads the latest.
    """

    url: str

    def record(
        self, run: NewRun, table: pl.DataFrame, documents: Iterable[Result] | None = None
    ) -> Run:
        """Store a run, its result table and its documents; make it its period's current run.

        All of it is written in one transaction: a reader sees the period's previous run or this
        one whole, and a failure (even of the ``documents`` iterable) leaves the store as it was.
        """
        ...

    def record_many(self, runs: Iterable[Recording]) -> tuple[Run, ...]:
        """Store several runs in one transaction, in order: all of them, or none.

        Each is stored as :meth:`record` stores one (each becomes its period's current run);
        a failure in any of them leaves the store as it was. An evaluation with levels stores
        its levels so: a reader never sees one level's run without the others'.
        """
        ...

    def frameworks(self, *, as_of: dt.datetime | None = None) -> tuple[str, ...]:
        """Return the ids of the frameworks the store holds runs of, in order."""
        ...

    def periods(self, framework_id: str, *, as_of: dt.datetime | None = None) -> pl.DataFrame:
        """Return the periods the store holds for a framework, in time order, and their runs."""
        ...

    def results(
        self,
        framework_id: str,
        period: str,
        *,
        as_of: dt.datetime | None = None,
        columns: Collection[str] | None = None,
    ) -> pl.DataFrame:
        """Return the result table of a period's current run, as ``evaluate_frame`` gave it.

        ``columns`` keeps those of the table's columns only (in the table's order), and the
        store reads no more than they need: a column the table lacks is a ``StoreError``.
        """
        ...

    def documents(
        self, framework_id: str, period: str, *, as_of: dt.datetime | None = None
    ) -> tuple[Result, ...]:
        """Return the result documents of a period's current run (none if it kept none)."""
        ...

    def runs(self, framework_id: str, period: str) -> pl.DataFrame:
        """Return every run of a period, oldest first, and which one is current."""
        ...

    def history(
        self,
        unit: str | int,
        framework_id: str | None = None,
        *,
        as_of: dt.datetime | None = None,
    ) -> pl.DataFrame:
        """Return a unit's results over periods: tier, score, reasons, and how reasons changed."""
        ...
