"""Where a results store is: a path or URL read into the kind of database and its location.

``results.duckdb`` and ``duckdb:///results.duckdb`` are DuckDB files (the URL form as
SQLAlchemy writes it: three slashes then the path, so ``duckdb:////srv/results.duckdb`` is
absolute); an in-memory database is refused, since a store must outlive the process that writes
it. ``postgresql://user:password@host:port/database`` (or ``postgres://``, or SQLAlchemy's
``postgresql+driver://``) is a PostgreSQL server: libpq's URL, whose query may hold libpq's
parameters (``sslmode=require``…) and criteriakit's own ``schema=NAME``, the schema the store's
tables live in (``public`` by default).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import attrs

from criteriakit.errors import StoreError

__all__ = ["DEFAULT_SCHEMA", "FileLocation", "Location", "ServerLocation", "locate"]

_DUCKDB_PREFIX = "duckdb:///"
_POSTGRESQL = re.compile(r"(postgres|postgresql)(\+[\w.-]+)?://", re.IGNORECASE)
_HINT = "give a DuckDB file (results.duckdb or duckdb:///results.duckdb) or a PostgreSQL URL"

DEFAULT_SCHEMA = "public"
"""The schema a PostgreSQL store's tables live in when its URL names none."""

_MASK = "***"
"""What a password is shown as in messages."""


@attrs.frozen
class FileLocation:
    """A DuckDB store's file, and the text the caller named it by (for messages)."""

    path: Path
    url: str


@attrs.frozen
class ServerLocation:
    """A PostgreSQL store: the URL to connect with, the schema, and the URL to show.

    ``connect`` is the URL libpq is given (criteriakit's ``schema`` parameter taken out);
    ``url`` is the caller's URL with its password masked, for messages, which may be logged.
    """

    connect: str = attrs.field(repr=False)
    schema: str
    url: str


Location = FileLocation | ServerLocation
"""Where a store is: a file, or a schema on a server."""


def locate(url: str) -> Location:
    """Read a store's path or URL; raise :class:`StoreError` for what cannot be a store."""
    text = url.strip()
    if _POSTGRESQL.match(text):
        return _server(text)
    path_text = text.removeprefix(_DUCKDB_PREFIX)
    if "://" in path_text:
        scheme = path_text.split("://", 1)[0]
        raise StoreError(f"unknown kind of store {scheme!r}", store=url, hint=_HINT)
    if path_text in {"", ":memory:"}:
        raise StoreError(
            "a store must be a file, which outlives the process that writes it",
            store=url,
            hint="give a DuckDB file: results.duckdb or duckdb:///results.duckdb",
        )
    return FileLocation(Path(path_text), url)


def _masked(url: str) -> str:
    """Return a PostgreSQL URL with its password, in the user part or the query, as ``***``."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        user, _, host = netloc.rpartition("@")
        if ":" in user:
            user = f"{user.split(':', 1)[0]}:{_MASK}"
        netloc = f"{user}@{host}"
    query = "&".join(
        f"{name}={_MASK}" if name == "password" else f"{name}={value}"
        for name, value in (pair.partition("=")[::2] for pair in parts.query.split("&") if pair)
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def _server(url: str) -> ServerLocation:
    """Read a PostgreSQL URL: the schema parameter out, the driver part of the scheme dropped."""
    shown = _masked(url)
    try:
        parts = urlsplit(_POSTGRESQL.sub("postgresql://", url, count=1))
        parts.port  # noqa: B018 - reading the port checks it
    except ValueError as error:
        raise StoreError(
            f"this is not a PostgreSQL URL: {error}",
            store=shown,
            hint="postgresql://user:password@host:5432/database?schema=results",
        ) from None
    query = parse_qsl(parts.query, keep_blank_values=True)
    schemas = [value for name, value in query if name == "schema"]
    schema = schemas[-1] if schemas else DEFAULT_SCHEMA
    if not schema:
        raise StoreError(
            "the schema= parameter names no schema",
            store=shown,
            hint="give the schema the store's tables live in, e.g. ?schema=results",
        )
    kept = urlencode([(name, value) for name, value in query if name != "schema"])
    return ServerLocation(urlunsplit(parts._replace(query=kept)), schema, shown)
