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
interface is :class:`Store`; the one implementation so far is a DuckDB file (the ``store``
extra: ``pip install 'criteriakit[store]'``). ``docs/store.md`` says what is kept.

Importing this module loads neither DuckDB nor Polars: :func:`open` does.
"""

from __future__ import annotations

import os

from criteriakit.errors import StoreError
from criteriakit.store.interface import Recording, Store
from criteriakit.store.locations import locate
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
    """Open the results store at ``url``: a DuckDB file's path or a ``duckdb:///`` URL.

    A new file becomes an empty store unless ``create`` is false (then a missing file is an
    error, as it is for a reader); an older store's tables are upgraded. ``timeout`` is how long
    to wait, at each read or write, while another process has the file open. Raises
    :class:`~criteriakit.errors.StoreError` for a ``postgresql://`` URL (not supported yet), a
    file that is not a store, or a store written by a newer criteriakit.
    """
    location = locate(os.fspath(url))
    try:
        from criteriakit.store.duckdb_store import DuckDBStore  # noqa: PLC0415  needs duckdb and polars, the store extra
    except ImportError as error:
        raise StoreError(
            f"a DuckDB store needs {error.name or 'duckdb'}, which is not installed",
            store=location.url,
            hint="pip install 'criteriakit[store]'",
        ) from None
    return DuckDBStore.open(location, timeout=timeout, create=create)
