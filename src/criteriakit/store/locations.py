"""Where a results store is: a path or URL read into the kind of database and its location.

``results.duckdb`` and ``duckdb:///results.duckdb`` are DuckDB files (the URL form as
SQLAlchemy writes it: three slashes then the path, so ``duckdb:////srv/results.duckdb`` is
absolute). A ``postgresql://`` URL is refused with a clear error until PostgreSQL stores exist;
an in-memory database is refused too, since a store must outlive the process that writes it.
"""

from __future__ import annotations

from pathlib import Path

import attrs

from criteriakit.errors import StoreError

__all__ = ["Location", "locate"]

_DUCKDB_PREFIX = "duckdb:///"
_POSTGRES_SCHEMES = ("postgresql://", "postgres://", "postgresql+")


@attrs.frozen
class Location:
    """A DuckDB store's file, and the text the caller named it by (for messages)."""

    path: Path
    url: str


def locate(url: str) -> Location:
    """Read a store's path or URL; raise :class:`StoreError` for what cannot be a store."""
    text = url.strip()
    if text.lower().startswith(_POSTGRES_SCHEMES):
        raise StoreError(
            "PostgreSQL stores are not supported yet: only DuckDB files are",
            store=url,
            hint="use a DuckDB file, e.g. --store results.duckdb",
        )
    path_text = text.removeprefix(_DUCKDB_PREFIX)
    if "://" in path_text:
        scheme = path_text.split("://", 1)[0]
        raise StoreError(
            f"unknown kind of store {scheme!r}",
            store=url,
            hint="give a DuckDB file: results.duckdb or duckdb:///results.duckdb",
        )
    if path_text in {"", ":memory:"}:
        raise StoreError(
            "a store must be a file, which outlives the process that writes it",
            store=url,
            hint="give a DuckDB file: results.duckdb or duckdb:///results.duckdb",
        )
    return Location(Path(path_text), url)
