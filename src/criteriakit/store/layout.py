"""The tables of a store, its layout version, and the steps that upgrade older layouts.

A store holds four tables, the same in DuckDB and PostgreSQL (the statements below are written
once, for both):

- ``schema_version``: one row, the layout version (:data:`LAYOUT_VERSION`);
- ``runs``: one row per run: the framework (id, version, fingerprint), the period (its label and
  its first and last days, so that periods sort by time), when and by whom it was evaluated
  (``evaluated_at`` in UTC, ``label``), the data sources' names and the loaded plugins, the
  result table's columns with their Polars types (JSON), and its number of rows;
- ``results``: the result tables, one row per unit of each run, in the table's order
  (``position``): the fixed columns, ``rank`` and ``rank_score`` (empty for frameworks without
  ``[ranking]``), and every criterion's and indicator's points as one list, ``points``, in the
  order the run's columns name them; ids are kept as text and read back in their own type;
- ``documents``: each unit's result document (JSON text), when the run produced them.

What differs is a :class:`Dialect`: the type of ``runs.plugins`` (a list of structs in DuckDB;
PostgreSQL has no struct type, so JSON there) and the indexes PostgreSQL needs to find a run's
rows or a unit's among many periods' (DuckDB's zone maps find them without one). Text is
``TEXT``, which is DuckDB's ``VARCHAR`` and the type PostgreSQL's binary ``COPY`` writes.

Version 0 was the first layout, whose ``runs`` lacked the period's days; each step of
:data:`UPGRADES` takes a store from one version to the next, and :func:`upgrade` runs the ones a
store needs inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import attrs

from criteriakit.model.period import Period

if TYPE_CHECKING:
    from criteriakit.store.database import Connection

__all__ = [
    "DUCKDB",
    "LAYOUT_VERSION",
    "POSTGRESQL",
    "TABLES",
    "UPGRADES",
    "Dialect",
    "create",
    "upgrade",
]

LAYOUT_VERSION = 1
"""The layout this criteriakit writes; a store of a higher one was written by a newer release."""

TABLES = frozenset({"schema_version", "runs", "results", "documents"})
"""The tables of a store (of every layout version so far)."""


@attrs.frozen
class Dialect:
    """What a database's tables differ in: the SQL type of ``runs.plugins``, and indexes."""

    plugins: str
    indexes: tuple[str, ...] = ()


DUCKDB = Dialect("STRUCT(name TEXT, distribution TEXT)[]")
POSTGRESQL = Dialect(
    "JSON",
    (
        "CREATE INDEX results_of_run ON results (run_id, position)",
        "CREATE INDEX results_of_unit ON results (unit)",
        "CREATE INDEX documents_of_run ON documents (run_id, position)",
    ),
)

_CREATE = (
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    "CREATE SEQUENCE run_ids START 1",
    """CREATE TABLE runs (
        id BIGINT PRIMARY KEY,
        framework_id TEXT NOT NULL,
        framework_version TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        period TEXT NOT NULL,
        period_start DATE NOT NULL,
        period_end DATE NOT NULL,
        evaluated_at TIMESTAMP NOT NULL,
        label TEXT NOT NULL,
        sources TEXT[] NOT NULL,
        plugins {plugins} NOT NULL,
        columns TEXT NOT NULL,
        units BIGINT NOT NULL
    )""",
    """CREATE TABLE results (
        run_id BIGINT NOT NULL,
        position BIGINT NOT NULL,
        unit TEXT,
        parent TEXT,
        evaluable BOOLEAN,
        score DOUBLE PRECISION,
        max_score DOUBLE PRECISION,
        band_tier TEXT,
        tier TEXT,
        reasons TEXT[],
        rank DOUBLE PRECISION,
        rank_score DOUBLE PRECISION,
        points DOUBLE PRECISION[]
    )""",
    """CREATE TABLE documents (
        run_id BIGINT NOT NULL,
        position BIGINT NOT NULL,
        unit TEXT,
        document TEXT NOT NULL
    )""",
)


def create(connection: Connection, dialect: Dialect) -> None:
    """Create the tables of the current layout in an empty database (inside a transaction)."""
    for statement in (*_CREATE, *dialect.indexes):
        connection.execute(statement.format(plugins=dialect.plugins))
    connection.execute("INSERT INTO schema_version VALUES ($1)", [LAYOUT_VERSION])


def _add_period_days(connection: Connection) -> None:
    """Version 0 → 1: give each run its period's first and last days, read from its label."""
    connection.execute("ALTER TABLE runs ADD COLUMN period_start DATE")
    connection.execute("ALTER TABLE runs ADD COLUMN period_end DATE")
    for (label,) in connection.execute("SELECT DISTINCT period FROM runs"):
        period = Period.parse(label)
        connection.execute(
            "UPDATE runs SET period_start = $1, period_end = $2 WHERE period = $3",
            [period.start, period.end, label],
        )


UPGRADES: Mapping[int, Callable[[Connection], None]] = {0: _add_period_days}
"""The step from each older layout version to the next."""


def upgrade(connection: Connection, version: int) -> None:
    """Take a store from layout ``version`` to :data:`LAYOUT_VERSION` (inside a transaction)."""
    for step in range(version, LAYOUT_VERSION):
        UPGRADES[step](connection)
    connection.execute("UPDATE schema_version SET version = $1", [LAYOUT_VERSION])
