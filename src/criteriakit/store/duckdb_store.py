"""The DuckDB results store: one file, no server, the default.

Each operation opens the file, does its work and closes it, so that a process holds DuckDB's
lock on the file (one process at a time may open it) only while it reads or writes: a second
process waits for the lock, up to the store's ``timeout``, then fails with a clear
:class:`StoreError`. Threads of one process share the open database; their writes take turns
(a lock per file), so that each run is stamped after the one before. The queries and writes are
:class:`~criteriakit.store.database.DatabaseStore`'s.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from criteriakit.errors import StoreError
from criteriakit.store.database import Connection, DatabaseStore
from criteriakit.store.layout import DUCKDB
from criteriakit.store.locations import FileLocation

__all__ = ["DuckDBStore"]

_RETRY_SECONDS = 0.05
"""How long to wait between tries to open a file another process holds."""

_WRITERS: dict[Path, threading.Lock] = {}
"""The writers' lock of each store file this process has written to."""
_WRITERS_LOCK = threading.Lock()


def _writers(path: Path) -> threading.Lock:
    """Return the lock the writers of this process take in turn for the file at ``path``."""
    with _WRITERS_LOCK:
        return _WRITERS.setdefault(path.resolve(), threading.Lock())


def _locked(error: duckdb.Error) -> bool:
    """Whether DuckDB could not open a file because another process holds its lock."""
    return "lock" in str(error).lower()


class _Connection:
    """A DuckDB connection as the store's shared code uses it (a :class:`Connection`)."""

    def __init__(self, connection: duckdb.DuckDBPyConnection) -> None:
        self._connection = connection

    def execute(self, query: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run one statement; return its rows."""
        return self._connection.execute(query, list(parameters)).fetchall()

    def frame(self, query: str, parameters: Sequence[object] = ()) -> pl.DataFrame:
        """Run one query; return its rows as a Polars frame."""
        frame: pl.DataFrame = self._connection.sql(query, params=list(parameters)).pl()
        return frame

    def insert(self, table: str, rows: pl.DataFrame) -> None:
        """Append a frame to a table in one statement, DuckDB reading the frame's Arrow arrays.

        The arrays are Polars' own (string views): converting them to plain Arrow strings
        first would copy every string of the table.
        """
        staged = f"staged_{table}"
        names = ", ".join(f'"{name}"' for name in rows.columns)
        self._connection.register(staged, rows.to_arrow(compat_level=pl.CompatLevel.newest()))
        try:
            statement = f"INSERT INTO {table} ({names}) SELECT {names} FROM {staged}"  # noqa: S608 - the store's own table and column names
            self._connection.execute(statement).fetchall()
        finally:
            self._connection.unregister(staged)


class DuckDBStore(DatabaseStore):
    """A results store in a DuckDB file (see the module docs; the queries: :class:`Store`).

    Open one with :func:`criteriakit.store.open`, which checks, creates or upgrades the file's
    tables first.
    """

    dialect = DUCKDB
    extra = "store"

    def __init__(self, location: FileLocation, *, timeout: float) -> None:
        self.url = location.url
        self._schema = "main"
        self._path = location.path
        self._timeout = timeout

    @classmethod
    def open(cls, location: FileLocation, *, timeout: float, create: bool) -> DuckDBStore:
        """Open the store at ``location``: create it (if ``create``) or upgrade its tables."""
        store = cls(location, timeout=timeout)
        if not create and not location.path.exists():
            raise store._missing()
        with store._transaction(writing=False) as connection:
            store._prepare(connection, create=create)
        return store

    def _open_file(self) -> duckdb.DuckDBPyConnection:
        """Open the file, waiting while another process holds it (up to the timeout)."""
        deadline = time.monotonic() + self._timeout
        while True:
            try:
                return duckdb.connect(str(self._path))
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

    @contextlib.contextmanager
    def _connection(self) -> Iterator[Connection]:
        """Open the file for one operation; a DuckDB error inside becomes a :class:`StoreError`."""
        connection = self._open_file()
        try:
            yield _Connection(connection)
        except duckdb.Error as error:
            message = f"the store could not be read or written, and is unchanged: {error}"
            raise StoreError(message, store=self.url) from error
        finally:
            connection.close()

    @contextlib.contextmanager
    def _transaction(self, *, writing: bool) -> Iterator[Connection]:
        """Run the block in one transaction: committed whole, or rolled back on any error."""
        turn = _writers(self._path) if writing else contextlib.nullcontext()
        with turn, self._connection() as connection:
            connection.execute("BEGIN TRANSACTION")
            try:
                yield connection
            except BaseException:
                # closing the connection discards the transaction too, should this fail
                with contextlib.suppress(duckdb.Error):
                    connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")

    def _foreign(self) -> StoreError:
        """Return the error for a DuckDB file with tables of its own."""
        return StoreError(
            "this DuckDB file is not a results store: it has tables of its own",
            store=self.url,
            hint="give a new file, or one criteriakit wrote",
        )
