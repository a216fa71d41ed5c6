"""The DuckDB results store: one file, no server, the default.

Each operation opens the file, does its work and closes it, so that a process holds DuckDB's
lock on the file (one process at a time may open it) only while it reads or writes: a second
process waits for the lock, up to the store's ``timeout``, then fails with a clear
:class:`StoreError`. Threads of one process share the open database and write side by side.

A run is written in one transaction (its ``runs`` row, its result table in one insert from
Arrow, its documents in chunks of :data:`DOCUMENTS_CHUNK`): a reader sees a period's previous
current run or the new one whole, and a writer that fails or is killed midway leaves the store
as it was (DuckDB discards the unfinished transaction, from its log too).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import json
import time
from collections.abc import Iterable, Iterator

import duckdb
import polars as pl

from criteriakit.errors import StoreError
from criteriakit.model.results import Result
from criteriakit.store.changes import with_reason_changes
from criteriakit.store.interface import Recording
from criteriakit.store.layout import LAYOUT_VERSION, create, upgrade
from criteriakit.store.locations import Location
from criteriakit.store.records import FrameworkKey, NewRun, Run
from criteriakit.store.tables import Columns, stored_rows, table_of

__all__ = ["DOCUMENTS_CHUNK", "DuckDBStore"]

DOCUMENTS_CHUNK = 10_000
"""Result documents written per insert: a population's documents never sit in memory whole."""

_RETRY_SECONDS = 0.05
"""How long to wait between tries to open a file another process holds."""

_LATEST = """
    SELECT * FROM (
        SELECT *, row_number() OVER (
            PARTITION BY framework_id, period ORDER BY evaluated_at DESC, id DESC
        ) AS newest
        FROM runs WHERE evaluated_at <= ?
    ) WHERE newest = 1
"""
"""Each period's current run as of a time (the parameter): the last stored up to then."""

# the queries are the store's own text; their values are always given as parameters
_PERIODS = (
    'SELECT latest.period, latest.period_start AS start, latest.period_end AS "end", '  # noqa: S608
    "latest.id AS run, latest.evaluated_at, latest.label, "
    "latest.framework_version AS version, latest.fingerprint, latest.units, "
    "(SELECT count(*) FROM runs AS every WHERE every.framework_id = latest.framework_id "
    "AND every.period = latest.period AND every.evaluated_at <= ?) AS runs "
    f"FROM ({_LATEST}) AS latest WHERE latest.framework_id = ? "
    'ORDER BY start, "end"'
)
"""A framework's periods as of a time, each with its current run and its number of runs."""

_HISTORY = (
    "SELECT latest.framework_id AS framework, latest.framework_version AS version, "  # noqa: S608
    "latest.period, latest.id AS run, latest.evaluated_at, results.evaluable, "
    "results.score, results.max_score, results.band_tier, results.tier, results.reasons "
    f"FROM ({_LATEST}) AS latest JOIN results ON results.run_id = latest.id "
    "WHERE results.unit = ? "
    "ORDER BY latest.framework_id, latest.period_start, latest.period_end"
)
"""A unit's results in the current run of every period, by framework then time."""

_PLUGINS = pl.List(pl.Struct({"name": pl.String, "distribution": pl.String}))


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


def _locked(error: duckdb.Error) -> bool:
    """Whether DuckDB could not open a file because another process holds its lock."""
    return "lock" in str(error).lower()


def _insert(connection: duckdb.DuckDBPyConnection, table: str, frame: pl.DataFrame) -> None:
    """Insert a whole frame into one of the store's tables, in one statement (through Arrow)."""
    staged = f"staged_{table}"
    names = ", ".join(f'"{name}"' for name in frame.columns)
    connection.register(staged, frame)
    try:
        statement = f"INSERT INTO {table} ({names}) SELECT {names} FROM {staged}"  # noqa: S608 - the store's own table and column names
        connection.execute(statement).fetchall()
    finally:
        connection.unregister(staged)


class DuckDBStore:
    """A results store in a DuckDB file (see the module docs; the queries: :class:`Store`).

    Open one with :func:`criteriakit.store.open`, which checks, creates or upgrades the file's
    tables first.
    """

    def __init__(self, location: Location, *, timeout: float) -> None:
        self.url = location.url
        self._path = location.path
        self._timeout = timeout

    @classmethod
    def open(cls, location: Location, *, timeout: float, create: bool) -> DuckDBStore:
        """Open the store at ``location``: create it (if ``create``) or upgrade its tables."""
        if not create and not location.path.exists():
            raise StoreError(
                "there is no store here",
                store=location.url,
                hint="store results first: criteriakit evaluate FRAMEWORK DATA --period "
                f"PERIOD --store {location.url}",
            )
        store = cls(location, timeout=timeout)
        store._prepare()
        return store

    @contextlib.contextmanager
    def _connection(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Open the file for one operation, waiting while another process holds it.

        A DuckDB error inside the block becomes a :class:`StoreError`; the file is closed after.
        """
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                connection = duckdb.connect(str(self._path))
                break
            except duckdb.Error as error:
                if not _locked(error):
                    raise StoreError(
                        f"cannot open the store: {error}",
                        store=self.url,
                        hint="a store is a DuckDB file that criteriakit wrote, or a new file",
                    ) from error
                if time.monotonic() >= deadline:
                    raise StoreError(
                        f"another process has kept the store open for {self._timeout:g} s",
                        store=self.url,
                        hint="DuckDB lets one process open a file at a time: try again when "
                        "the other run has finished, or wait longer (timeout=)",
                    ) from error
                time.sleep(_RETRY_SECONDS)
        try:
            yield connection
        except duckdb.Error as error:
            message = f"the store could not be read or written, and is unchanged: {error}"
            raise StoreError(message, store=self.url) from error
        finally:
            connection.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """Run the block in one transaction: committed whole, or rolled back on any error."""
        with self._connection() as connection:
            connection.execute("BEGIN TRANSACTION").fetchall()
            try:
                yield connection
            except BaseException:
                # closing the connection discards the transaction too, should this fail
                with contextlib.suppress(duckdb.Error):
                    connection.execute("ROLLBACK").fetchall()
                raise
            connection.execute("COMMIT").fetchall()

    def _prepare(self) -> None:
        """Create the tables of a new store, or upgrade an older one; refuse anything else."""
        with self._transaction() as connection:
            tables = {
                name
                for (name,) in connection.execute(
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
                ).fetchall()
            }
            if "schema_version" not in tables:
                if tables:
                    raise StoreError(
                        "this DuckDB file is not a results store: it has tables of its own",
                        store=self.url,
                        hint="give a new file, or one criteriakit wrote",
                    )
                create(connection)
                return
            version = int(connection.execute("SELECT version FROM schema_version").fetchall()[0][0])
            if version > LAYOUT_VERSION:
                raise StoreError(
                    f"the store was written by a newer criteriakit (layout version {version}; "
                    f"this one knows up to {LAYOUT_VERSION})",
                    store=self.url,
                    hint="upgrade criteriakit: pip install -U 'criteriakit[store]'",
                )
            if version < LAYOUT_VERSION:
                upgrade(connection, version)

    def record(
        self, run: NewRun, table: pl.DataFrame, documents: Iterable[Result] | None = None
    ) -> Run:
        """Store a run (see :meth:`criteriakit.store.Store.record`)."""
        return self.record_many([(run, table, documents)])[0]

    def record_many(self, runs: Iterable[Recording]) -> tuple[Run, ...]:
        """Store several runs at once (see :meth:`criteriakit.store.Store.record_many`).

        Every table is checked before the transaction begins, so that a table that cannot be
        stored is refused without touching the file.
        """
        checked = [
            (
                run,
                *stored_rows(table, run.framework.id, run.framework.version, store=self.url),
                kept,
            )
            for run, table, kept in runs
        ]
        with self._transaction() as connection:
            # the tuple is whole before the block ends: the transaction commits every run
            return tuple(
                self._write(connection, run, columns, rows, documents)
                for run, columns, rows, documents in checked
            )

    def _write(
        self,
        connection: duckdb.DuckDBPyConnection,
        run: NewRun,
        columns: Columns,
        rows: pl.DataFrame,
        documents: Iterable[Result] | None,
    ) -> Run:
        """Write one run inside the caller's transaction: its row, its table, its documents."""
        run_id = int(connection.execute("SELECT nextval('run_ids')").fetchall()[0][0])
        stamp = _stamp(connection)
        _insert(connection, "runs", _run_row(run_id, run, stamp, columns, rows.height))
        _insert(connection, "results", rows.with_columns(run_id=pl.lit(run_id, pl.Int64)))
        kept = 0 if documents is None else _insert_documents(connection, run_id, documents)
        if documents is not None and kept != rows.height:
            raise StoreError(
                f"{kept} result documents for a table of {rows.height} units: nothing was stored",
                store=self.url,
                hint="give the documents of the same results as the table",
            )
        return Run(
            run_id,
            run.framework,
            run.period.label,
            stamp.replace(tzinfo=dt.timezone.utc),
            run.label,
            run.sources,
            run.plugins,
            rows.height,
            kept,
        )

    def _current(
        self,
        connection: duckdb.DuckDBPyConnection,
        framework_id: str,
        period: str,
        as_of: dt.datetime | None,
    ) -> tuple[int, str, Columns]:
        """Return a period's current run: its id, framework version and table columns."""
        found = connection.execute(
            f"SELECT id, framework_version, columns FROM ({_LATEST}) "  # noqa: S608 - the store's own query
            "WHERE framework_id = ? AND period = ?",
            [_as_of(as_of), framework_id, period],
        ).fetchall()
        if found:
            run_id, version, columns = found[0]
            return int(run_id), str(version), Columns.from_json(columns)
        held = [
            row[0]
            for row in connection.execute(
                "SELECT DISTINCT period, period_start, period_end FROM runs "
                "WHERE framework_id = ? AND evaluated_at <= ? ORDER BY period_start, period_end",
                [framework_id, _as_of(as_of)],
            ).fetchall()
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
        self, framework_id: str, period: str, *, as_of: dt.datetime | None = None
    ) -> pl.DataFrame:
        """Return a period's current result table (see :class:`criteriakit.store.Store`)."""
        with self._connection() as connection:
            run_id, version, columns = self._current(connection, framework_id, period, as_of)
            rows = connection.sql(
                "SELECT unit, parent, evaluable, score, max_score, band_tier, tier, reasons, "
                "rank, rank_score, points FROM results WHERE run_id = ? ORDER BY position",
                params=[run_id],
            ).pl()
        return table_of(rows, columns, framework_id, version)

    def documents(
        self, framework_id: str, period: str, *, as_of: dt.datetime | None = None
    ) -> tuple[Result, ...]:
        """Return a period's current result documents (see :class:`criteriakit.store.Store`)."""
        with self._connection() as connection:
            run_id, _, _ = self._current(connection, framework_id, period, as_of)
            texts = connection.execute(
                "SELECT document FROM documents WHERE run_id = ? ORDER BY position", [run_id]
            ).fetchall()
        return tuple(Result.from_dict(json.loads(text)) for (text,) in texts)

    def frameworks(self, *, as_of: dt.datetime | None = None) -> tuple[str, ...]:
        """Return the frameworks the store holds (see :class:`criteriakit.store.Store`)."""
        with self._connection() as connection:
            found = connection.execute(
                "SELECT DISTINCT framework_id FROM runs WHERE evaluated_at <= ? "
                "ORDER BY framework_id",
                [_as_of(as_of)],
            ).fetchall()
        return tuple(str(framework_id) for (framework_id,) in found)

    def periods(self, framework_id: str, *, as_of: dt.datetime | None = None) -> pl.DataFrame:
        """Return a framework's periods, in time order (see :class:`criteriakit.store.Store`)."""
        moment = _as_of(as_of)
        with self._connection() as connection:
            frame = connection.sql(_PERIODS, params=[moment, moment, framework_id]).pl()
        return _utc(frame)

    def runs(self, framework_id: str, period: str) -> pl.DataFrame:
        """Return a period's runs, oldest first (see :class:`criteriakit.store.Store`)."""
        with self._connection() as connection:
            frame = connection.sql(
                "SELECT id AS run, evaluated_at, label, framework_version AS version, "
                "fingerprint, sources, plugins, units, "
                "(SELECT count(*) FROM documents WHERE documents.run_id = runs.id) AS documents "
                "FROM runs WHERE framework_id = ? AND period = ? ORDER BY evaluated_at, id",
                params=[framework_id, period],
            ).pl()
        newest = pl.int_range(pl.len()) == pl.len() - 1
        return _utc(frame).with_columns(current=newest)

    def history(
        self,
        unit: str | int,
        framework_id: str | None = None,
        *,
        as_of: dt.datetime | None = None,
    ) -> pl.DataFrame:
        """Return a unit's results over periods (see :class:`criteriakit.store.Store`)."""
        with self._connection() as connection:
            frame = connection.sql(_HISTORY, params=[_as_of(as_of), str(unit)]).pl()
        if framework_id is not None:
            frame = frame.filter(pl.col("framework") == framework_id)
        return with_reason_changes(_utc(frame))


def _stamp(connection: duckdb.DuckDBPyConnection) -> dt.datetime:
    """Return the new run's time: now (UTC), or just after the latest run if the clock is behind.

    Runs are ordered by their times, so no two share one and a later run never reads earlier.
    """
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    latest = connection.execute("SELECT max(evaluated_at) FROM runs").fetchall()[0][0]
    return now if latest is None or now > latest else latest + dt.timedelta(microseconds=1)


def _run_row(
    run_id: int, run: NewRun, stamp: dt.datetime, columns: Columns, units: int
) -> pl.DataFrame:
    """Return the ``runs`` row of a run, typed as the table's columns are."""
    key: FrameworkKey = run.framework
    plugins = [{"name": plugin.name, "distribution": plugin.distribution} for plugin in run.plugins]
    values = (
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
        plugins,
        columns.to_json(),
        units,
    )
    return pl.DataFrame(
        [values],
        schema={
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
            "plugins": _PLUGINS,
            "columns": pl.String,
            "units": pl.Int64,
        },
        orient="row",
    )


def _insert_documents(
    connection: duckdb.DuckDBPyConnection, run_id: int, documents: Iterable[Result]
) -> int:
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
        _insert(connection, "documents", frame)
        count += len(chunk)
    return count
