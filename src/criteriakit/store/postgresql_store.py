"""The PostgreSQL results store: a schema on a server, shared by every machine that evaluates.

The driver is ADBC's PostgreSQL driver (``adbc-driver-postgresql``, on libpq): Arrow in and out,
so that a result table is written with one binary ``COPY`` (``adbc_ingest``) and read back as
Arrow arrays, never row by row in Python. The tables are the layout's
(:mod:`~criteriakit.store.layout`), in one schema: the URL's ``schema=`` or ``public``; each
connection's ``search_path`` is that schema, so the queries are
:class:`~criteriakit.store.database.DatabaseStore`'s, the same text as DuckDB's.

Each operation connects, does its work in one transaction and disconnects: a store holds no
connection between operations, and threads may share it. A writer's transaction first takes
``LOCK TABLE runs IN SHARE ROW EXCLUSIVE MODE``, a lock one transaction holds at a time and
readers never wait for: two writers take turns, and each run's id and time are taken after the
previous writer's run was committed, so they are distinct and in order. A writer waits at most
the store's ``timeout`` for its turn (``lock_timeout``), then fails with a clear error. A writer
that fails or is killed midway leaves the store as it was: the server rolls the transaction back
when the connection ends, and the lock goes with it. Opening a store takes an advisory lock on
its schema while it creates or upgrades the tables, so that two processes opening a new store at
once do not both create it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import math
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import adbc_driver_postgresql.dbapi as adbc
import polars as pl
import pyarrow as pa

from criteriakit.errors import StoreError
from criteriakit.store.database import PLUGINS, Connection, DatabaseStore, plugin_dicts
from criteriakit.store.layout import POSTGRESQL
from criteriakit.store.locations import ServerLocation
from criteriakit.store.records import PluginRecord

__all__ = ["PostgreSQLStore"]

_LOCK_NOT_AVAILABLE = "55P03"
"""The SQLSTATE of a lock not granted within ``lock_timeout``."""

_CONNECTING_HINTS = (
    ("password authentication failed", "check the user name and password in the URL"),
    ("does not exist", "give a database and user that exist on the server"),
    ("connection refused", "is the server running, and listening on that host and port?"),
    ("could not translate host name", "check the host name in the URL"),
    ("timeout expired", "is the server running, and reachable from here?"),
)
"""What to suggest for the usual reasons a connection fails (libpq's words, lower case)."""

_URL_HINT = "postgresql://user:password@host:5432/database?schema=results"


def _quoted(name: str) -> str:
    """Return an identifier as SQL writes one whatever its characters: in double quotes."""
    return '"' + name.replace('"', '""') + '"'


def _with_timeout(url: str, timeout: float) -> str:
    """Return the URL with ``connect_timeout`` (whole seconds, 2 at least) unless it has one."""
    if any(name == "connect_timeout" for name, _ in parse_qsl(urlsplit(url).query)):
        return url
    joiner = "&" if urlsplit(url).query else "?"
    return f"{url}{joiner}connect_timeout={max(2, math.ceil(timeout))}"


def _storage(table: pa.Table) -> pa.Table:
    """Return a table whose extension-typed columns (PostgreSQL's JSON) are their plain storage."""
    columns = [
        pa.chunked_array([chunk.storage for chunk in column.chunks], type=column.type.storage_type)
        if isinstance(column.type, pa.BaseExtensionType)
        else column
        for column in table.columns
    ]
    return pa.table(columns, names=table.column_names)


class _Connection:
    """An ADBC connection as the store's shared code uses it (a :class:`Connection`)."""

    def __init__(self, connection: adbc.Connection, schema: str) -> None:
        self._connection = connection
        self._schema = schema

    def execute(self, query: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """Run one statement; return its rows (none for a statement that returns none)."""
        with self._connection.cursor() as cursor:
            cursor.execute(query, list(parameters) or None)
            return list(cursor.fetchall()) if cursor.description else []

    def frame(self, query: str, parameters: Sequence[object] = ()) -> pl.DataFrame:
        """Run one query; return its rows as a Polars frame, from the Arrow the driver reads."""
        with self._connection.cursor() as cursor:
            cursor.execute(query, list(parameters) or None)
            return pl.DataFrame(_storage(cursor.fetch_arrow_table()))

    def insert(self, table: str, rows: pl.DataFrame) -> None:
        """Append a frame to a table with one binary ``COPY``, the driver writing Arrow arrays."""
        with self._connection.cursor() as cursor:
            cursor.adbc_ingest(table, rows.to_arrow(), mode="append", db_schema_name=self._schema)


class PostgreSQLStore(DatabaseStore):
    """A results store in a schema of a PostgreSQL server (see the module docs).

    Open one with :func:`criteriakit.store.open`, which creates the schema and its tables, or
    checks or upgrades them, first. ``url`` is the URL with its password masked.
    """

    dialect = POSTGRESQL
    extra = "postgresql"

    def __init__(self, location: ServerLocation, *, timeout: float) -> None:
        self.url = location.url
        self._schema = location.schema
        self._connect = _with_timeout(location.connect, timeout)
        self._timeout = timeout

    @classmethod
    def open(cls, location: ServerLocation, *, timeout: float, create: bool) -> PostgreSQLStore:
        """Open the store in ``location``'s schema: create it (if ``create``) or upgrade it."""
        store = cls(location, timeout=timeout)
        digest = hashlib.blake2b(location.schema.encode(), digest_size=8).digest()
        with store._transaction(writing=False) as connection:
            connection.execute(
                "SELECT pg_advisory_xact_lock($1)", [int.from_bytes(digest, "big", signed=True)]
            )
            found = connection.execute(
                "SELECT count(*) FROM pg_catalog.pg_namespace WHERE nspname = $1",
                [location.schema],
            )
            if not found[0][0]:
                if not create:
                    raise store._missing()
                connection.execute(f"CREATE SCHEMA {_quoted(location.schema)}")
            store._prepare(connection, create=create)
        return store

    def _connected(self) -> adbc.Connection:
        """Connect to the server; a connection that fails is a :class:`StoreError` with a hint."""
        try:
            return adbc.connect(self._connect)
        except adbc.Error as error:
            text = " ".join(str(error).split()).split("Failed to connect: ", 1)[-1]
            hint = next(
                (hint for words, hint in _CONNECTING_HINTS if words in text.lower()),
                f"a PostgreSQL store's URL is written {_URL_HINT}",
            )
            raise StoreError(
                f"cannot connect to the server: {text}", store=self.url, hint=hint
            ) from None

    @contextlib.contextmanager
    def _transaction(self, *, writing: bool) -> Iterator[Connection]:
        """Run the block in one transaction: committed whole, or rolled back on any error."""
        raw = self._connected()
        try:
            connection = _Connection(raw, self._schema)
            connection.execute(
                "SELECT set_config('search_path', $1, true)", [_quoted(self._schema)]
            )
            milliseconds = max(1, round(self._timeout * 1000))
            connection.execute("SELECT set_config('lock_timeout', $1, true)", [f"{milliseconds}ms"])
            if writing:
                connection.execute("LOCK TABLE runs IN SHARE ROW EXCLUSIVE MODE")
            yield connection
            raw.commit()
        except adbc.Error as error:
            raise self._failed(error) from error
        finally:
            raw.close()  # a transaction not committed is rolled back

    def _connection(self) -> contextlib.AbstractContextManager[Connection]:
        """Connect for one read: a transaction that writes nothing."""
        return self._transaction(writing=False)

    def _failed(self, error: adbc.Error) -> StoreError:
        """Return the :class:`StoreError` for a driver's error inside an operation."""
        if getattr(error, "sqlstate", None) == _LOCK_NOT_AVAILABLE:
            return StoreError(
                f"another writer has kept the store busy for {self._timeout:g} s",
                store=self.url,
                hint="one writer at a time stores runs: try again when the other has finished, "
                "or wait longer (timeout=)",
            )
        text = " ".join(str(error).split())
        return StoreError(
            f"the store could not be read or written, and is unchanged: {text}", store=self.url
        )

    def _foreign(self) -> StoreError:
        """Return the error for a schema with tables of its own."""
        return StoreError(
            f"the schema {self._schema!r} is not a results store: it has tables of its own",
            store=self.url,
            hint="give the store a schema of its own, which criteriakit creates: "
            "add ?schema=NAME to the URL",
        )

    def _plugins(self, plugins: tuple[PluginRecord, ...]) -> pl.Series:
        """Return the plugins as JSON text, which the ``JSON`` column takes as it is."""
        return pl.Series("plugins", [json.dumps(plugin_dicts(plugins))], dtype=pl.String)

    def _plugins_read(self, plugins: pl.Series) -> pl.Series:
        """Return the plugins' JSON as DuckDB's stores give them: a list of structs."""
        return plugins.str.json_decode(PLUGINS)

    def _now(self, connection: Connection) -> dt.datetime:
        """Return the server's clock, in UTC: one clock for every machine that writes."""
        query = "SELECT CAST(clock_timestamp() AT TIME ZONE 'UTC' AS TIMESTAMP)"
        now: dt.datetime = connection.execute(query)[0][0]  # naive, as TIMESTAMP is
        return now
