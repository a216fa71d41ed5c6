"""A results store written once for every database: runs in; periods, results, history out.

:class:`DatabaseStore` implements :class:`~criteriakit.store.Store` with SQL that DuckDB and
PostgreSQL both run as it is (``$1``-numbered parameters, which both take; every value is a
parameter). A database's store (:mod:`~criteriakit.store.duckdb_store`,
:mod:`~criteriakit.store.postgresql_store`) says how to connect and how a writer takes its
turn, and the little their SQL differs in: the layout's :class:`~criteriakit.store.layout.Dialect`,
how the plugins are given and read, and whose clock stamps a run. Each operation gets a
:class:`Connection` of its own from the store.

A run is written in one transaction: its ``runs`` row, its result table in one insert through
Arrow (never row by row), and its documents in inserts of :data:`DOCUMENTS_CHUNK`. A reader sees
a period's previous current run or the new one whole, and a writer that fails or is killed
midway leaves the store as it was (the database discards the unfinished transaction).
"""

from __future__ import annotations

import abc
import contextlib
import datetime as dt
import itertools
import json
from collections.abc import Collection, Iterable, Sequence
from typing import Any, ClassVar, Protocol

import polars as pl

from criteriakit.errors import StoreError
from criteriakit.model.results import Result
from criteriakit.store import layout
from criteriakit.store.changes import with_reason_changes
from criteriakit.store.interface import Recording
from criteriakit.store.layout import LAYOUT_VERSION, Dialect
from criteriakit.store.records import NewRun, PluginRecord, Run
from criteriakit.store.tables import Columns, stored_reads, stored_rows, table_of

__all__ = ["DOCUMENTS_CHUNK", "PLUGINS", "Connection", "DatabaseStore", "plugin_dicts"]

DOCUMENTS_CHUNK = 10_000
"""Result documents written per insert: a population's documents never sit in memory whole."""

PLUGINS = pl.List(pl.Struct({"name": pl.String, "distribution": pl.String}))
"""The type of the ``plugins`` column of :meth:`DatabaseStore.runs`."""


class Connection(Protocol):
    """One open connection to a store's database, for one read or one transaction.

    Queries take their values as ``$1``-numbered ``parameters``; a driver's errors raised here
    are turned into :class:`StoreError` by the store that opened the connection.
    """

    def execute(self, query: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run one statement; return its rows (none for a statement that returns none)."""
        ...

    def frame(self, query: str, parameters: Sequence[object] = ()) -> pl.DataFrame:
        """Run one query; return its rows as a Polars frame (through Arrow)."""
        ...

    def insert(self, table: str, rows: pl.DataFrame) -> None:
        """Append a whole frame to one of the store's tables, in one bulk write through Arrow."""
        ...


_LATEST = """
    SELECT * FROM (
        SELECT *, row_number() OVER (
            PARTITION BY framework_id, period ORDER BY evaluated_at DESC, id DESC
        ) AS newest
        FROM runs WHERE evaluated_at <= $1
    ) AS ranked WHERE newest = 1
"""
"""Each period's current run as of a time (``$1``): the last stored up to then."""

# the queries are the store's own text; their values are always given as parameters
_PERIODS = (
    'SELECT latest.period, latest.period_start AS start, latest.period_end AS "end", '  # noqa: S608
    "latest.id AS run, latest.evaluated_at, latest.label, "
    "latest.framework_version AS version, latest.fingerprint, latest.units, "
    "(SELECT count(*) FROM runs AS every WHERE every.framework_id = latest.framework_id "
    "AND every.period = latest.period AND every.evaluated_at <= $1) AS runs "
    f"FROM ({_LATEST}) AS latest WHERE latest.framework_id = $2 "
    'ORDER BY start, "end"'
)
"""A framework's periods as of a time, each with its current run and its number of runs."""

_HISTORY = (
    "SELECT latest.framework_id AS framework, latest.framework_version AS version, "  # noqa: S608
    "latest.period, latest.id AS run, latest.evaluated_at, results.evaluable, "
    "results.score, results.max_score, results.band_tier, results.tier, results.reasons "
    f"FROM ({_LATEST}) AS latest JOIN results ON results.run_id = latest.id "
    "WHERE results.unit = $2 "
    "ORDER BY latest.framework_id, latest.period_start, latest.period_end"
)
"""A unit's results in the current run of every period, by framework then time."""

_CURRENT = (
    f"SELECT id, framework_version, columns FROM ({_LATEST}) AS latest "  # noqa: S608
    "WHERE framework_id = $2 AND period = $3"
)
"""A period's current run as of a time: its id, framework version and table columns."""


_RUNS = (
    "SELECT id AS run, evaluated_at, label, framework_version AS version, fingerprint, sources, "
    "plugins, units, "
    "(SELECT count(*) FROM documents WHERE documents.run_id = runs.id) AS documents "
    "FROM runs WHERE framework_id = $1 AND period = $2 ORDER BY evaluated_at, id"
)


_RUN: dict[str, pl.DataType | type[pl.DataType]] = {
    "id": pl.Int64,
    "framework_id": pl.String,
    "framework_version": pl.String,
    "fingerprint": pl.String,
    "period": pl.String,
    "period_start": pl.Date,
    "period_end": pl.Date,
    "evaluated_at": pl.Datetime("us"),
    "label": pl.String,
    "sources": pl.List(pl.String),
    "columns": pl.String,
    "units": pl.Int64,
}
"""The columns of a run's ``runs`` row, without ``plugins`` (whose type is the dialect's)."""


def plugin_dicts(plugins: tuple[PluginRecord, ...]) -> list[dict[str, str | None]]:
    """Return the plugins as the names and distributions a run's row keeps."""
    return [{"name": plugin.name, "distribution": plugin.distribution} for plugin in plugins]


def _as_of(moment: dt.datetime | None) -> dt.datetime:
    """Return ``moment`` as the naive UTC time the store keeps (the end of time for None)."""
    if moment is None:
        return dt.datetime.max  # noqa: DTZ901 - the store's times are naive UTC
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(dt.timezone.utc).replace(tzinfo=None)


def _utc(frame: pl.DataFrame) -> pl.DataFrame:
    """Mark the frame's ``evaluated_at`` times as UTC, which they are."""
    return frame.with_columns(pl.col("evaluated_at").dt.replace_time_zone("UTC"))


class DatabaseStore(abc.ABC):
    """A results store in a database: every query and write of :class:`~criteriakit.store.Store`.

    A subclass gives ``url`` (what messages name the store by), the schema its tables are in
    (:attr:`_schema`), its :attr:`dialect`, the extra that installs its driver, and the hooks
    below; it opens its store with :meth:`_prepare`, which creates, checks or upgrades the
    tables.
    """

    dialect: ClassVar[Dialect]
    """The database's type for the plugins, and its indexes (see :mod:`.layout`)."""

    extra: ClassVar[str]
    """The extra that installs this store's driver, for the hint to upgrade criteriakit."""

    url: str
    _schema: str

    @abc.abstractmethod
    def _connection(self) -> contextlib.AbstractContextManager[Connection]:
        """Connect for one read; the driver's errors become :class:`StoreError`."""

    @abc.abstractmethod
    def _transaction(self, *, writing: bool) -> contextlib.AbstractContextManager[Connection]:
        """Connect for one transaction, committed whole or rolled back on any error.

        ``writing`` is a transaction that stores runs: it waits for its turn among writers
        (up to the store's timeout), so that runs are stamped one after the other.
        """

    @abc.abstractmethod
    def _foreign(self) -> StoreError:
        """Return the error for a database whose tables are not a store's."""

    def _plugins(self, plugins: tuple[PluginRecord, ...]) -> pl.Series:
        """Return a run's plugins as its ``runs`` row keeps them: a list of structs."""
        return pl.Series("plugins", [plugin_dicts(plugins)], dtype=PLUGINS)

    def _plugins_read(self, plugins: pl.Series) -> pl.Series:
        """Return the ``plugins`` column as read back, as a list of structs (:data:`PLUGINS`)."""
        return plugins

    def _now(self, connection: Connection) -> dt.datetime:  # noqa: ARG002 - the server's clock, in a subclass
        """Return the time to stamp a new run with, as naive UTC: by default this machine's."""
        return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)

    def _missing(self) -> StoreError:
        """Return the error for a store that is not there, for a reader (``create=False``)."""
        return StoreError(
            "there is no store here",
            store=self.url,
            hint="store results first: criteriakit evaluate FRAMEWORK DATA --period "
            f"PERIOD --store {self.url}",
        )

    def _prepare(self, connection: Connection, *, create: bool) -> None:
        """Create the tables of a new store, or upgrade an older one; refuse anything else.

        Runs in the caller's transaction; ``create`` false makes a store without tables an
        error, as it is for a reader.
        """
        tables = {
            name
            for (name,) in connection.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = $1",
                [self._schema],
            )
        }
        if "schema_version" not in tables:
            if tables:
                raise self._foreign()
            if not create:
                raise self._missing()
            layout.create(connection, self.dialect)
            return
        version = int(connection.execute("SELECT version FROM schema_version")[0][0])
        if version > LAYOUT_VERSION:
            raise StoreError(
                f"the store was written by a newer criteriakit (layout version {version}; "
                f"this one knows up to {LAYOUT_VERSION})",
                store=self.url,
                hint=f"upgrade criteriakit: pip install -U 'criteriakit[{self.extra}]'",
            )
        if version < LAYOUT_VERSION:
            layout.upgrade(connection, version)

    def record(
        self, run: NewRun, table: pl.DataFrame, documents: Iterable[Result] | None = None
    ) -> Run:
        """Store a run (see :meth:`criteriakit.store.Store.record`)."""
        return self.record_many([(run, table, documents)])[0]

    def record_many(self, runs: Iterable[Recording]) -> tuple[Run, ...]:
        """Store several runs at once (see :meth:`criteriakit.store.Store.record_many`).

        Every table is checked before the transaction begins, so that a table that cannot be
        stored is refused without touching the store.
        """
        checked = [
            (
                run,
                *stored_rows(table, run.framework.id, run.framework.version, store=self.url),
                kept,
            )
            for run, table, kept in runs
        ]
        with self._transaction(writing=True) as connection:
            # the tuple is whole before the block ends: the transaction commits every run
            return tuple(
                self._write(connection, run, columns, rows, documents)
                for run, columns, rows, documents in checked
            )

    def _write(
        self,
        connection: Connection,
        run: NewRun,
        columns: Columns,
        rows: pl.DataFrame,
        documents: Iterable[Result] | None,
    ) -> Run:
        """Write one run inside the caller's transaction: its row, its table, its documents."""
        run_id = int(connection.execute("SELECT nextval('run_ids')")[0][0])
        stamp = self._stamp(connection)
        key = run.framework
        row = pl.DataFrame(
            [
                (
                    run_id,
                    key.id,
                    key.version,
                    key.fingerprint,
                    run.period.label,
                    run.period.start,
                    run.period.end,
                    stamp,
                    run.label,
                    list(run.sources),
                    columns.to_json(),
                    rows.height,
                )
            ],
            schema=_RUN,
            orient="row",
        )
        connection.insert("runs", row.with_columns(self._plugins(run.plugins)))
        connection.insert("results", rows.with_columns(run_id=pl.lit(run_id, pl.Int64)))
        kept = 0 if documents is None else _insert_documents(connection, run_id, documents)
        if documents is not None and kept != rows.height:
            raise StoreError(
                f"{kept} result documents for a table of {rows.height} units: nothing was stored",
                store=self.url,
                hint="give the documents of the same results as the table",
            )
        return Run(
            run_id,
            key,
            run.period.label,
            stamp.replace(tzinfo=dt.timezone.utc),
            run.label,
            run.sources,
            run.plugins,
            rows.height,
            kept,
        )

    def _stamp(self, connection: Connection) -> dt.datetime:
        """Return the new run's time: now (UTC), or just after the latest run if the clock is behind.

        Runs are ordered by their times, so no two share one and a later run never reads
        earlier; the writer's turn (:meth:`_transaction`) keeps two writers from reading the
        same latest time.
        """
        now = self._now(connection)
        latest = connection.execute("SELECT max(evaluated_at) FROM runs")[0][0]
        return now if latest is None or now > latest else latest + dt.timedelta(microseconds=1)

    def _current(
        self, connection: Connection, framework_id: str, period: str, as_of: dt.datetime | None
    ) -> tuple[int, str, Columns]:
        """Return a period's current run: its id, framework version and table columns."""
        found = connection.execute(_CURRENT, [_as_of(as_of), framework_id, period])
        if found:
            run_id, version, columns = found[0]
            return int(run_id), str(version), Columns.from_json(columns)
        held = [
            row[0]
            for row in connection.execute(
                "SELECT DISTINCT period, period_start, period_end FROM runs "
                "WHERE framework_id = $1 AND evaluated_at <= $2 ORDER BY period_start, period_end",
                [framework_id, _as_of(as_of)],
            )
        ]
        when = "" if as_of is None else f" as of {as_of.isoformat()}"
        hint = (
            f"it holds {', '.join(held)}"
            if held
            else f"store it first: criteriakit evaluate {framework_id} DATA --period {period} "
            f"--store {self.url}"
        )
        raise StoreError(f"no run of {framework_id} for {period}{when}", store=self.url, hint=hint)

    def results(
        self,
        framework_id: str,
        period: str,
        *,
        as_of: dt.datetime | None = None,
        columns: Collection[str] | None = None,
    ) -> pl.DataFrame:
        """Return a period's current result table (see :class:`criteriakit.store.Store`)."""
        with self._connection() as connection:
            run_id, version, stored = self._current(connection, framework_id, period, as_of)
            read = ", ".join(("position", *stored_reads(stored, columns, self.url)))
            # the names are the store's own columns (stored_reads gives no other) and the run
            # id an integer: a query without parameters is one PostgreSQL copies out in binary
            query = f"SELECT {read} FROM results WHERE run_id = {int(run_id)}"  # noqa: S608
            rows = connection.frame(query)
        # put in order here, faster than either server does; rows mostly come in order already,
        # and a table in order is not copied
        if not rows.get_column("position").is_sorted():
            rows = rows.sort("position")
        return table_of(rows, stored, framework_id, version, columns)

    def documents(
        self, framework_id: str, period: str, *, as_of: dt.datetime | None = None
    ) -> tuple[Result, ...]:
        """Return a period's current result documents (see :class:`criteriakit.store.Store`)."""
        with self._connection() as connection:
            run_id, _, _ = self._current(connection, framework_id, period, as_of)
            texts = connection.execute(
                "SELECT document FROM documents WHERE run_id = $1 ORDER BY position", [run_id]
            )
        return tuple(Result.from_dict(json.loads(text)) for (text,) in texts)

    def frameworks(self, *, as_of: dt.datetime | None = None) -> tuple[str, ...]:
        """Return the frameworks the store holds (see :class:`criteriakit.store.Store`)."""
        with self._connection() as connection:
            found = connection.execute(
                "SELECT DISTINCT framework_id FROM runs WHERE evaluated_at <= $1 "
                "ORDER BY framework_id",
                [_as_of(as_of)],
            )
        return tuple(str(framework_id) for (framework_id,) in found)

    def periods(self, framework_id: str, *, as_of: dt.datetime | None = None) -> pl.DataFrame:
        """Return a framework's periods, in time order (see :class:`criteriakit.store.Store`)."""
        with self._connection() as connection:
            frame = connection.frame(_PERIODS, [_as_of(as_of), framework_id])
        return _utc(frame)

    def runs(self, framework_id: str, period: str) -> pl.DataFrame:
        """Return a period's runs, oldest first (see :class:`criteriakit.store.Store`)."""
        with self._connection() as connection:
            frame = connection.frame(_RUNS, [framework_id, period])
        newest = pl.int_range(pl.len()) == pl.len() - 1
        plugins = self._plugins_read(frame.get_column("plugins"))
        return _utc(frame).with_columns(plugins, current=newest)

    def history(
        self,
        unit: str | int,
        framework_id: str | None = None,
        *,
        as_of: dt.datetime | None = None,
    ) -> pl.DataFrame:
        """Return a unit's results over periods (see :class:`criteriakit.store.Store`)."""
        with self._connection() as connection:
            frame = connection.frame(_HISTORY, [_as_of(as_of), str(unit)])
        if framework_id is not None:
            frame = frame.filter(pl.col("framework") == framework_id)
        return with_reason_changes(_utc(frame))


def _insert_documents(connection: Connection, run_id: int, documents: Iterable[Result]) -> int:
    """Insert a run's result documents as JSON text, a chunk at a time; return how many."""
    count = 0
    remaining = iter(documents)
    while chunk := list(itertools.islice(remaining, DOCUMENTS_CHUNK)):
        frame = pl.DataFrame(
            {
                "run_id": [run_id] * len(chunk),
                "position": range(count, count + len(chunk)),
                "unit": [result.unit for result in chunk],
                "document": [json.dumps(result.to_dict(), ensure_ascii=False) for result in chunk],
            },
            schema={
                "run_id": pl.Int64,
                "position": pl.Int64,
                "unit": pl.String,
                "document": pl.String,
            },
        )
        connection.insert("documents", frame)
        count += len(chunk)
    return count
