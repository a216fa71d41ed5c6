"""The tables of a DuckDB store, its layout version, and the steps that upgrade older layouts.

A store holds four tables:

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

Version 0 was the first layout, whose ``runs`` lacked the period's days; each step of
:data:`UPGRADES` takes a store from one version to the next, and :func:`upgrade` runs the ones a
store needs inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

from criteriakit.model.period import Period

if TYPE_CHECKING:
    import duckdb

__all__ = ["LAYOUT_VERSION", "TABLES", "UPGRADES", "create", "upgrade"]

LAYOUT_VERSION = 1
"""The layout this criteriakit writes; a store of a higher one was written by a newer release."""

TABLES = frozenset({"schema_version", "runs", "results", "documents"})
"""The tables of a store (of every layout version so far)."""

_CREATE = (
    "CREATE TABLE schema_version (version INTEGER NOT NULL)",
    "CREATE SEQUENCE run_ids START 1",
    """CREATE TABLE runs (
        id BIGINT PRIMARY KEY,
        framework_id VARCHAR NOT NULL,
        framework_version VARCHAR NOT NULL,
        fingerprint VARCHAR NOT NULL,
        period VARCHAR NOT NULL,
        period_start DATE NOT NULL,
        period_end DATE NOT NULL,
        evaluated_at TIMESTAMP NOT NULL,
        label VARCHAR NOT NULL,
        sources VARCHAR[] NOT NULL,
        plugins STRUCT(name VARCHAR, distribution VARCHAR)[] NOT NULL,
        columns VARCHAR NOT NULL,
        units BIGINT NOT NULL
    )""",
    """CREATE TABLE results (
        run_id BIGINT NOT NULL,
        position BIGINT NOT NULL,
        unit VARCHAR,
        parent VARCHAR,
        evaluable BOOLEAN,
        score DOUBLE,
        max_score DOUBLE,
        band_tier VARCHAR,
        tier VARCHAR,
        reasons VARCHAR[],
        rank DOUBLE,
        rank_score DOUBLE,
        points DOUBLE[]
    )""",
    """CREATE TABLE documents (
        run_id BIGINT NOT NULL,
        position BIGINT NOT NULL,
        unit VARCHAR,
        document VARCHAR NOT NULL
    )""",
)


def create(connection: duckdb.DuckDBPyConnection) -> None:
    """Create the tables of the current layout in an empty database (inside a transaction)."""
    for statement in _CREATE:
        connection.execute(statement).fetchall()
    connection.execute("INSERT INTO schema_version VALUES (?)", [LAYOUT_VERSION]).fetchall()


def _add_period_days(connection: duckdb.DuckDBPyConnection) -> None:
    """Version 0 → 1: give each run its period's first and last days, read from its label."""
    connection.execute("ALTER TABLE runs ADD COLUMN period_start DATE").fetchall()
    connection.execute("ALTER TABLE runs ADD COLUMN period_end DATE").fetchall()
    labels = connection.execute("SELECT DISTINCT period FROM runs").fetchall()
    for (label,) in labels:
        period = Period.parse(label)
        connection.execute(
            "UPDATE runs SET period_start = ?, period_end = ? WHERE period = ?",
            [period.start, period.end, label],
        ).fetchall()


UPGRADES: Mapping[int, Callable[[duckdb.DuckDBPyConnection], None]] = {0: _add_period_days}
"""The step from each older layout version to the next."""


def upgrade(connection: duckdb.DuckDBPyConnection, version: int) -> None:
    """Take a store from layout ``version`` to :data:`LAYOUT_VERSION` (inside a transaction)."""
    for step in range(version, LAYOUT_VERSION):
        UPGRADES[step](connection)
    connection.execute("UPDATE schema_version SET version = ?", [LAYOUT_VERSION]).fetchall()
