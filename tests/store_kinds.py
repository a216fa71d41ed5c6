"""The kinds of results store the store tests run against: DuckDB always, PostgreSQL given a server.

``CRITERIAKIT_TEST_POSTGRESQL`` holds a PostgreSQL server's URL (``.ci/postgresql`` starts a
throwaway server and sets it). Without it, or without the ``postgresql`` extra's driver, the
PostgreSQL tests skip, unless ``CRITERIAKIT_REQUIRE_POSTGRESQL`` is set (``tox -e postgresql``
sets it), under which they fail instead: CI must not pass for want of a server.

A kind gives each test new stores (:meth:`StoreKind.url`): files in the test's folder, or
schemas on the server, dropped when the test ends. Its :meth:`StoreKind.execute` runs SQL on a
store's tables behind criteriakit's back, to count what a failed writer left, or to make a store
look older, newer or foreign.
"""

from __future__ import annotations

import abc
import importlib
import os
import uuid
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import duckdb
import pytest

SERVER_VARIABLE = "CRITERIAKIT_TEST_POSTGRESQL"
REQUIRED_VARIABLE = "CRITERIAKIT_REQUIRE_POSTGRESQL"
KINDS = ("duckdb", "postgresql")


class StoreKind(abc.ABC):
    """New stores of one kind for a test, and direct access to their tables."""

    name: str
    busy: str
    """What the error says when another process keeps a writer waiting past its timeout."""

    @abc.abstractmethod
    def url(self, name: str = "results") -> str:
        """Return a new store's URL or path; nothing is created until criteriakit opens it."""

    @abc.abstractmethod
    def execute(self, url: str, statement: str) -> list[tuple[Any, ...]]:
        """Run one statement on the store's tables, committed; return its rows."""

    @abc.abstractmethod
    def error(self, message: str) -> Exception:
        """Return an error of the kind the database's driver raises."""

    @abc.abstractmethod
    def holder(self, url: str) -> str:
        """Return Python code that keeps the store busy for a minute, printing ``held`` first."""

    def counts(self, url: str) -> list[int]:
        """Return how many rows ``runs``, ``results`` and ``documents`` hold."""
        return [
            int(self.execute(url, f"SELECT count(*) FROM {name}")[0][0])  # noqa: S608
            for name in ("runs", "results", "documents")
        ]

    def close(self) -> None:  # noqa: B027 - most kinds leave nothing behind
        """Remove what the kind made outside the test's folder."""


class DuckDBKind(StoreKind):
    """DuckDB files in the test's folder."""

    name = "duckdb"
    busy = "another process has kept the store open"

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.made = 0

    def url(self, name: str = "results") -> str:
        self.made += 1
        return str(self.folder / f"{name}-{self.made}.duckdb")

    def execute(self, url: str, statement: str) -> list[tuple[Any, ...]]:
        with duckdb.connect(url) as connection:
            return connection.execute(statement).fetchall()

    def error(self, message: str) -> Exception:
        return duckdb.IOException(message)

    def holder(self, url: str) -> str:
        return (
            f"import duckdb, time; c = duckdb.connect({url!r}); print('held', flush=True); "
            "time.sleep(60)"
        )


class PostgreSQLKind(StoreKind):
    """Schemas on the server of ``CRITERIAKIT_TEST_POSTGRESQL``, each dropped after the test."""

    name = "postgresql"
    busy = "another writer has kept the store busy"

    def __init__(self, server: str) -> None:
        self.server = server
        self.schemas: list[str] = []
        self.adbc = importlib.import_module("adbc_driver_postgresql.dbapi")

    def url(self, name: str = "results") -> str:
        self.schemas.append(f"test_{name}_{uuid.uuid4().hex[:10]}")
        joiner = "&" if "?" in self.server else "?"
        return f"{self.server}{joiner}schema={quote(self.schemas[-1])}"

    def execute(self, url: str, statement: str) -> list[tuple[Any, ...]]:
        schema = identifier(url)
        with self.adbc.connect(self.server) as connection, connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            cursor.execute(f"SET search_path TO {schema}")
            cursor.execute(statement)
            rows = cursor.fetchall() if cursor.description else []
            connection.commit()
        return rows

    def error(self, message: str) -> Exception:
        status = importlib.import_module("adbc_driver_manager").AdbcStatusCode.IO
        return self.adbc.OperationalError(message, status_code=status)

    def holder(self, url: str) -> str:
        lock = f"LOCK TABLE {identifier(url)}.runs IN SHARE ROW EXCLUSIVE MODE"
        return (
            "import adbc_driver_postgresql.dbapi as adbc, time\n"
            f"connection = adbc.connect({self.server!r})\n"
            f"connection.cursor().execute({lock!r})\n"
            "print('held', flush=True)\n"
            "time.sleep(60)\n"
        )

    def close(self) -> None:
        if not self.schemas:
            return
        with self.adbc.connect(self.server) as connection, connection.cursor() as cursor:
            for schema in self.schemas:
                cursor.execute(f"DROP SCHEMA IF EXISTS {quoted(schema)} CASCADE")
            connection.commit()


def quoted(name: str) -> str:
    """Return a name as a quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def identifier(url: str) -> str:
    """Return the schema of a store URL that :meth:`PostgreSQLKind.url` made, quoted for SQL."""
    return quoted(unquote(url.rpartition("schema=")[2]))


def _unavailable(reason: str) -> None:
    """Skip the test for want of ``reason``; fail it where PostgreSQL is required."""
    if os.environ.get(REQUIRED_VARIABLE):
        pytest.fail(f"{REQUIRED_VARIABLE} is set, but {reason}")
    pytest.skip(reason)


def postgresql_driver() -> None:
    """Skip (or fail, where it is required) without the postgresql extra's driver."""
    try:
        importlib.import_module("adbc_driver_postgresql.dbapi")
    except ImportError:
        _unavailable("the postgresql extra's driver (adbc-driver-postgresql) is not installed")


def postgresql_server() -> str:
    """Return the test server's URL; skip (or fail, where it is required) without one."""
    server = os.environ.get(SERVER_VARIABLE, "")
    if not server:
        _unavailable(f"no PostgreSQL server: {SERVER_VARIABLE} is not set")
    postgresql_driver()
    return server


def make(name: str, folder: Path) -> StoreKind:
    """Return the store kind ``name`` for a test whose folder is ``folder``."""
    if name == "duckdb":
        return DuckDBKind(folder)
    return PostgreSQLKind(postgresql_server())


@pytest.fixture(scope="module", params=KINDS)
def module_stores(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    """New stores of each kind for the tests of a module-wide fixture: a test module takes it
    with ``module_stores = store_kinds.module_stores``."""
    kind = make(request.param, tmp_path_factory.mktemp("stores"))
    yield kind
    kind.close()
