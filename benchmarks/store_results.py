"""The results store: a period of five million member results stored and read back.

The result table is a real one: ``criteriakit.evaluate_frame`` rates the members that
``rollup_members.generate`` draws (the ``country`` preset's shape) with ``vn.four-good-member``,
which gives the table ``evaluate --store`` stores: unit, parent, framework, version, evaluable,
score, max score, band tier, tier, reasons, and the criterion's and indicator's points.
Generating and evaluating are outside the seconds.

The reference is the same table and Parquet, measured in the same run: storing is
``Store.record`` of the table as one run into a new store (opened beforehand), against Polars'
``write_parquet`` of the table into a new file; reading is ``Store.results`` of the period
against ``pl.read_parquet`` of the file. A round writes (or reads) once with each, in turn, so
that all meet the same busy and quiet moments of a shared machine; a first round is not timed,
and each round's new store or file is made before the clock starts and removed after it stops.
The table read back must equal the table stored, types included.

PostgreSQL is measured too when a server's URL is given (``CRITERIAKIT_BENCH_POSTGRESQL``, or the
second argument): each round stores into a new schema of that database, dropped afterwards.

Run alone: python benchmarks/store_results.py [MEMBERS] [POSTGRESQL_URL]
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

import polars as pl
from harness import Row, size_of, table
from polars.testing import assert_frame_equal
from rollup_members import frameworks, generate

import criteriakit
from criteriakit import store

FULL_SIZE = 5_000_000
"""The number of member results the target is set for."""
TARGET = 2.0
"""Storing a period may take at most this many times as long as writing it to Parquet."""
PERIOD = "2024"
POSTGRESQL_VARIABLE = "CRITERIAKIT_BENCH_POSTGRESQL"
"""The environment variable that gives run.py a PostgreSQL server to measure."""

Setup = Callable[[], Callable[[], object]]
"""Prepares one round (a new file or schema, outside the clock) and returns what to time."""


def result_table(members: int) -> pl.DataFrame:
    """Return ``vn.four-good-member``'s result table of ``members`` generated members."""
    _, member = frameworks()
    return criteriakit.evaluate_frame(member, generate(members)[1])


def alternating(repeats: int, setups: Sequence[Setup]) -> list[float]:
    """Time each setup's action in turn, ``repeats`` rounds after an untimed one; the best of each."""
    fastest = [float("inf")] * len(setups)
    for round_number in range(repeats + 1):
        for position, setup in enumerate(setups):
            action = setup()
            start = time.perf_counter()
            action()
            seconds = time.perf_counter() - start
            if round_number:
                fastest[position] = min(fastest[position], seconds)
    return fastest


class Places:
    """New places to write a round into, each removing the one before: files, schemas."""

    def __init__(self, folder: Path, server: str | None) -> None:
        self.folder = folder
        self.server = server
        self.schemas: list[str] = []
        self.count = 0

    def file(self, suffix: str) -> Path:
        """Return a new file's path, the older files with that suffix removed."""
        for old in self.folder.glob(f"*{suffix}"):
            old.unlink()
        self.count += 1
        return self.folder / f"{self.count}{suffix}"

    def duckdb(self) -> str:
        """Return a new DuckDB store's path."""
        return str(self.file(".duckdb"))

    def postgresql(self) -> str:
        """Return the URL of a new schema on the server, the older ones dropped."""
        assert self.server is not None  # noqa: S101  only asked for when there is a server
        self.drop()
        self.schemas.append(f"bench_{uuid.uuid4().hex[:12]}")
        joiner = "&" if "?" in self.server else "?"
        return f"{self.server}{joiner}schema={self.schemas[-1]}"

    def drop(self) -> None:
        """Drop the schemas made so far, through the store's own driver (ADBC)."""
        if not self.schemas:
            return
        import adbc_driver_postgresql.dbapi as adbc  # noqa: PLC0415  the postgresql extra, for its lines only

        with adbc.connect(self.server) as connection, connection.cursor() as cursor:
            for name in self.schemas:
                cursor.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
            connection.commit()
        self.schemas.clear()


class Writer:
    """A round of :func:`alternating` that stores the table into a new store; keeps the last."""

    def __init__(self, new_store: Callable[[], str], frame: pl.DataFrame) -> None:
        self.new_store = new_store
        self.frame = frame
        self.key = store.FrameworkKey(frame["framework"][0], frame["version"][0], "benchmark")
        self.last: store.Store | None = None

    def __call__(self) -> Callable[[], object]:
        """Open a new store (not timed); return the recording of the table into it."""
        opened = self.last = store.open(self.new_store())
        return lambda: opened.record(store.NewRun(self.key, PERIOD, label="benchmark"), self.frame)

    def read(self) -> pl.DataFrame:
        """Read the period back from the last store written."""
        assert self.last is not None  # noqa: S101  a round has run
        return self.last.results(self.key.id, PERIOD)


def agreement(writer: Writer) -> str:
    """Return whether the last store written gives the table back as it was stored."""
    try:
        assert_frame_equal(writer.read(), writer.frame)
    except AssertionError:
        return "does not agree with the table stored"
    return "agree with the table stored"


def run(members: int, repeats: int, postgresql: str | None = None) -> list[Row]:
    """Store and read back a period of ``members`` results; return the table's rows."""
    frame = result_table(members)
    size = size_of(members, "member results")
    with tempfile.TemporaryDirectory(prefix="criteriakit-bench-") as folder:
        places = Places(Path(folder), postgresql)
        try:
            writers = {"DuckDB": Writer(places.duckdb, frame)}
            if postgresql:
                writers["PostgreSQL"] = Writer(places.postgresql, frame)
            parquet: list[Path] = []

            def to_parquet() -> Callable[[], object]:
                parquet[:] = [places.file(".parquet")]
                return lambda: frame.write_parquet(parquet[0])

            written = alternating(repeats, [to_parquet, *writers.values()])
            read = alternating(
                repeats,
                [
                    lambda: lambda: pl.read_parquet(parquet[0]),
                    *(lambda writer=writer: writer.read for writer in writers.values()),
                ],
            )
            stored = [Row("store a period", "Parquet: write_parquet", size, written[0])]
            reads = [Row("read a period", "Parquet: read_parquet", size, read[0])]
            for position, (name, writer) in enumerate(writers.items(), start=1):
                ratio = written[position] / written[0]
                duckdb = name == "DuckDB"
                stored.append(
                    Row(
                        "store a period",
                        f"{name} store: record",
                        size,
                        written[position],
                        ratio=f"{ratio:.2f}x Parquet's time",
                        agree=agreement(writer),
                        target=f"≤ {TARGET:g}x Parquet's time at 5 M" if duckdb else "",
                        met=ratio <= TARGET if duckdb and members >= FULL_SIZE else None,
                    )
                )
                reads.append(
                    Row(
                        "read a period",
                        f"{name} store: results()",
                        size,
                        read[position],
                        ratio=f"{read[position] / read[0]:.2f}x Parquet's time",
                    )
                )
        finally:
            places.drop()
    return stored + reads


def main(argv: Sequence[str] = sys.argv[1:]) -> None:
    """Run the store workload alone and print its table."""
    members = int(argv[0]) if argv else FULL_SIZE
    postgresql = argv[1] if len(argv) > 1 else os.environ.get(POSTGRESQL_VARIABLE)
    print(table(run(members, repeats=3, postgresql=postgresql)))


if __name__ == "__main__":
    main()
