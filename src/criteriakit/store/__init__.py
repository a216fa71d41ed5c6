"""Results stores: every period's results kept in a database, with their history.

::

    import criteriakit
    from criteriakit import store

    framework = criteriakit.get_framework("vn.four-good-cell")
    table = criteriakit.evaluate_frame(framework, "cells.csv")
    results = store.open("results.duckdb")
    results.record(store.NewRun(store.FrameworkKey.of(framework), "2024"), table)
    results.results("vn.four-good-cell", "2024")  # the period's current result table
    results.history("C03")  # the unit's tiers, scores and reasons over periods

A store keeps runs (:class:`NewRun`, :class:`Run`): each evaluation of a framework's units for a
period, with its result table and documents; re-evaluating a period adds a run that becomes the
current one atomically, and the earlier runs stay (``as_of=`` reads an earlier state). The
interface is :class:`Store`, with two implementations: a DuckDB file, the default, which needs
no server (the ``store`` extra: ``pip install 'criteriakit[store]'``), and a schema on a
PostgreSQL server, for shared deployments (the ``postgresql`` extra). ``docs/store.md`` says
what is kept, and where.

Importing this module loads no database driver, nor Polars: :func:`open` does.
"""

from __future__ import annotations

import os

from criteriakit.errors import StoreError
from criteriakit.store.interface import Recording, Store
from criteriakit.store.locations import ServerLocation, locate
from criteriakit.store.records import FrameworkKey, NewRun, PluginRecord, Run, default_label

__all__ = [
    "DEFAULT_TIMEOUT",
    "FrameworkKey",
    "NewRun",
    "PluginRecord",
    "Recording",
    "Run",
    "Store",
    "default_label",
    "open",
]

DEFAULT_TIMEOUT = 30.0
"""Seconds to wait for a store another process has open before failing."""


def open(  # noqa: A001 - the store's entry point, criteriakit.store.open(url), as files are opened
    url: str | os.PathLike[str], *, timeout: float = DEFAULT_TIMEOUT, create: bool = True
) -> Store:
    """Open the results store at ``url``: a DuckDB file's path or URL, or a PostgreSQL URL.

    ``results.duckdb`` or ``duckdb:///results.duckdb`` is a DuckDB file, which becomes an empty
    store unless ``create`` is false (then a missing file is an error, as it is for a reader).
    ``postgresql://user:password@host:5432/database`` (``postgres://`` too) is a PostgreSQL
    server; ``?schema=NAME`` names the schema the store's tables are in (``public`` by default;
    a missing schema is created unless ``create`` is false). An older store's tables are
    upgraded. ``timeout`` is how long to wait, at each write, for another process's turn (a
    DuckDB file: at each read too; PostgreSQL: to connect as well). Raises
    :class:`~criteriakit.errors.StoreError` for a URL or server that cannot be reached, a file
    or schema whose tables are not a store's, a store written by a newer criteriakit, or a
    driver that is not installed (with the extra that installs it).
    """
    location = locate(os.fspath(url))
    if isinstance(location, ServerLocation):
        try:
            from criteriakit.store.postgresql_store import PostgreSQLStore  # noqa: PLC0415  needs the ADBC driver, the postgresql extra
        except ImportError as error:
            raise _missing_driver("a PostgreSQL store", error, location.url, "postgresql") from None
        return PostgreSQLStore.open(location, timeout=timeout, create=create)
    try:
        from criteriakit.store.duckdb_store import DuckDBStore  # noqa: PLC0415  needs duckdb and polars, the store extra
    except ImportError as error:
        raise _missing_driver("a DuckDB store", error, location.url, "store") from None
    return DuckDBStore.open(location, timeout=timeout, create=create)


def _missing_driver(kind: str, error: ImportError, url: str, extra: str) -> StoreError:
    """Return the error for a store whose driver is not installed, with the extra to install."""
    return StoreError(
        f"{kind} needs {error.name or extra}, which is not installed",
        store=url,
        hint=f"pip install 'criteriakit[{extra}]'",
    )
