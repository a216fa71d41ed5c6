"""The results store (criteriakit.store, docs/store.md): runs, history, atomicity, upgrades, CLI.

Every test that takes ``stores`` runs against each kind of store (``store_kinds``): a DuckDB
file, and a schema on a PostgreSQL server when ``CRITERIAKIT_TEST_POSTGRESQL`` names one.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import socket
import subprocess
import sys
import textwrap
import threading
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import polars as pl
import pytest
from click.testing import CliRunner
from polars.testing import assert_frame_equal

import criteriakit
import store_kinds
from criteriakit import store
from criteriakit.cli import build_cli
from criteriakit.errors import StoreError
from criteriakit.model.results import Result
from criteriakit.store import database
from criteriakit.store.locations import ServerLocation, locate

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
CELLS = EXAMPLES / "four-good" / "cells.csv"
FRAMEWORK_ID = "vn.four-good-cell"


def shown_url(url: str) -> str:
    """The store's URL as messages show it: a password masked."""
    shown = locate(url).url
    assert "***" in shown or shown == url
    return shown


@pytest.fixture(params=store_kinds.KINDS)
def stores(request, tmp_path):
    """New stores of each kind for the test: DuckDB files, or PostgreSQL schemas."""
    kind = store_kinds.make(request.param, tmp_path)
    yield kind
    kind.close()


@pytest.fixture(scope="module")
def framework():
    return criteriakit.get_framework(FRAMEWORK_ID)


@pytest.fixture(scope="module")
def table(framework):
    return criteriakit.evaluate_frame(framework, str(CELLS))


@pytest.fixture(scope="module")
def cells_2023(tmp_path_factory):
    """The example cells, but C01 found disunity (a veto) in 2023."""
    lines = CELLS.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace(",2,no,", ",2,yes,")
    assert lines[1].startswith("C01,")
    assert ",yes,20," in lines[1]
    path = tmp_path_factory.mktemp("data") / "cells-2023.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def documents():
    """The example cells' result documents, as evaluate --format json writes them."""
    shown = run("evaluate", FRAMEWORK_ID, str(CELLS), "--format", "json")
    return [Result.from_dict(item) for item in json.loads(shown.stdout)["results"]]


def run(*args: str):
    return CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)


def new_run(framework, period: str, **settings) -> store.NewRun:
    return store.NewRun(store.FrameworkKey.of(framework), period, **settings)


# ---------------------------------------------------------------- storing and reading


def test_a_stored_period_reads_back_as_evaluate_frame_gave_it(stores, framework, table):
    results = store.open(stores.url())
    plugins = (store.PluginRecord("vn-party", "criteriakit-vn-party 1.0"),)
    stored = results.record(
        new_run(framework, "2024", label="commune", sources=("cells.csv",), plugins=plugins),
        table,
    )
    assert (stored.id, stored.period, stored.units, stored.documents) == (1, "2024", 21, 0)
    assert stored.evaluated_at.tzinfo is dt.timezone.utc
    assert_frame_equal(results.results(FRAMEWORK_ID, "2024"), table)
    runs = results.runs(FRAMEWORK_ID, "2024")
    assert runs.select("run", "label", "sources", "units", "current").rows() == [
        (1, "commune", ["cells.csv"], 21, True)
    ]
    assert runs["plugins"].to_list() == [
        [{"name": "vn-party", "distribution": "criteriakit-vn-party 1.0"}]
    ]
    assert runs.schema["evaluated_at"] == pl.Datetime("us", "UTC")
    periods = results.periods(FRAMEWORK_ID)
    assert periods.select("period", "start", "end", "run", "runs", "version").rows() == [
        ("2024", dt.date(2024, 1, 1), dt.date(2024, 12, 31), 1, 1, "2024")
    ]
    assert periods["fingerprint"].to_list() == [framework.fingerprint]


def test_some_columns_of_a_stored_period_read_alone(stores, framework, table):
    results = store.open(stores.url())
    results.record(new_run(framework, "2024"), table)
    wanted = ["indicator:1.2", "tier", "unit", "criterion:1", "version"]
    read = results.results(FRAMEWORK_ID, "2024", columns=wanted)
    # in the table's order, whatever the order asked in
    assert_frame_equal(read, table.select(name for name in table.columns if name in wanted))
    with pytest.raises(StoreError, match="the stored result table has no column 'rank'") as caught:
        results.results(FRAMEWORK_ID, "2024", columns=["unit", "rank"])
    assert "its columns: unit, parent, framework, version" in str(caught.value)


def test_a_period_stored_out_of_order_reads_back_in_the_tables_order(stores, framework, table):
    url = stores.url()
    store.open(url).record(new_run(framework, "2024"), table)
    for statement in (  # the rows rewritten last first: a server reads them back that way
        "CREATE TABLE reversed AS SELECT * FROM results ORDER BY position DESC",
        "DELETE FROM results",
        "INSERT INTO results SELECT * FROM reversed",
        "DROP TABLE reversed",
    ):
        stores.execute(url, statement)
    units = stores.execute(url, "SELECT unit FROM results")
    assert [unit for (unit,) in units] == table["unit"].reverse().to_list()  # out of order
    assert_frame_equal(store.open(url).results(FRAMEWORK_ID, "2024"), table)


def test_integer_ids_and_ranks_keep_their_types(stores, framework):
    frame = pl.read_csv(CELLS).with_columns(pl.int_range(pl.len(), dtype=pl.Int32).alias("id"))
    table = criteriakit.evaluate_frame(framework, frame)
    assert table.schema["unit"] == pl.Int32
    results = store.open(stores.url())
    results.record(new_run(framework, "2024-H1"), table)
    assert_frame_equal(results.results(FRAMEWORK_ID, "2024-H1"), table)
    assert results.history(3)["period"].to_list() == ["2024-H1"]


def test_documents_are_kept_with_the_table(stores, framework, table, documents):
    results = store.open(stores.url())
    stored = results.record(new_run(framework, "2024"), table, documents)
    assert stored.documents == 21
    kept = results.documents(FRAMEWORK_ID, "2024")
    assert [result.to_dict() for result in kept] == [result.to_dict() for result in documents]
    assert results.runs(FRAMEWORK_ID, "2024")["documents"].to_list() == [21]


def test_documents_of_other_units_are_refused_whole(stores, framework, table, documents):
    results = store.open(stores.url())
    with pytest.raises(StoreError, match="20 result documents for a table of 21 units"):
        results.record(new_run(framework, "2024"), table, documents[:20])
    with pytest.raises(StoreError, match=r"no run of vn\.four-good-cell for 2024"):
        results.results(FRAMEWORK_ID, "2024")


def test_a_table_that_is_not_a_result_table_is_refused(stores, framework, table):
    results = store.open(stores.url())
    with pytest.raises(StoreError, match="has the column 'targets_met'") as caught:
        results.record(new_run(framework, "2024"), table.with_columns(targets_met=pl.lit(1)))
    assert "without keep_inputs" in str(caught.value)
    other = table.with_columns(version=pl.lit("2023"))
    with pytest.raises(StoreError, match=r"not of vn\.four-good-cell@2024"):
        results.record(new_run(framework, "2024"), other)


def test_re_evaluating_keeps_both_runs_and_as_of_reads_the_earlier(stores, framework, table):
    results = store.open(stores.url())
    first = results.record(new_run(framework, "2024", label="first"), table)
    fewer = table.head(5)
    second = results.record(new_run(framework, "2024", label="second"), fewer)
    assert second.evaluated_at > first.evaluated_at
    assert_frame_equal(results.results(FRAMEWORK_ID, "2024"), fewer)
    assert_frame_equal(results.results(FRAMEWORK_ID, "2024", as_of=first.evaluated_at), table)
    runs = results.runs(FRAMEWORK_ID, "2024")
    assert runs.select("run", "label", "units", "current").rows() == [
        (first.id, "first", 21, False),
        (second.id, "second", 5, True),
    ]
    assert results.periods(FRAMEWORK_ID)["runs"].to_list() == [2]
    before = first.evaluated_at - dt.timedelta(seconds=1)
    with pytest.raises(StoreError, match=r"no run of vn\.four-good-cell for 2024 as of"):
        results.results(FRAMEWORK_ID, "2024", as_of=before)
    assert results.periods(FRAMEWORK_ID, as_of=before).is_empty()


def test_history_lists_a_unit_over_periods_with_the_reasons_that_changed(
    stores, framework, table, cells_2023
):
    results = store.open(stores.url())
    results.record(new_run(framework, "2024"), table)
    results.record(new_run(framework, "2023"), criteriakit.evaluate_frame(framework, cells_2023))
    history = results.history("C01")
    assert history.select("period", "tier", "score", "reasons").rows() == [
        ("2023", "not-completed", 80.5, ["disunity"]),
        ("2024", "good", 86.5, []),
    ]
    assert history["appeared"].to_list() == [None, []]
    assert history["disappeared"].to_list() == [None, ["disunity"]]
    assert results.history("C01", "another.framework").is_empty()
    assert results.history("no-such-unit").is_empty()


# ---------------------------------------------------------------- atomicity and concurrency


def test_a_writer_failing_midway_leaves_the_previous_run_whole(
    stores, framework, table, documents, monkeypatch
):
    url = stores.url()
    results = store.open(url)
    results.record(new_run(framework, "2024", label="kept"), table, documents)
    monkeypatch.setattr("criteriakit.store.database.DOCUMENTS_CHUNK", 4)

    def failing():
        yield from documents[:10]  # two chunks are inserted, then the writer fails
        raise RuntimeError("the writer died")

    with pytest.raises(RuntimeError, match="the writer died"):
        results.record(new_run(framework, "2024", label="lost"), table.head(10), failing())
    assert results.runs(FRAMEWORK_ID, "2024")["label"].to_list() == ["kept"]
    assert_frame_equal(results.results(FRAMEWORK_ID, "2024"), table)
    assert len(results.documents(FRAMEWORK_ID, "2024")) == 21
    assert stores.counts(url) == [1, 21, 21]  # nothing of the failed run remains


def python(code: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


WRITER = """
    import os, signal, sys
    import criteriakit
    from criteriakit import store

    url, label, count, kill = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4] == "kill"
    framework = criteriakit.get_framework("vn.four-good-cell")
    table = criteriakit.evaluate_frame(framework, sys.argv[5])
    results = store.open(url, timeout=60)

    def documents():
        os.kill(os.getpid(), signal.SIGKILL)  # killed inside the transaction, the table written
        yield

    for _ in range(count):
        run = store.NewRun(store.FrameworkKey.of(framework), "2024", label=label)
        results.record(run, table, documents() if kill else None)
"""


def test_a_writer_killed_midway_leaves_the_previous_state_readable(stores, framework, table):
    url = stores.url()
    store.open(url).record(new_run(framework, "2024", label="kept"), table)
    killed = python(WRITER, url, "killed", "1", "kill", str(CELLS))
    assert killed.returncode == -9, killed.stderr
    results = store.open(url, timeout=10)  # the killed writer's turn is over
    assert results.runs(FRAMEWORK_ID, "2024")["label"].to_list() == ["kept"]
    assert_frame_equal(results.results(FRAMEWORK_ID, "2024"), table)
    assert stores.counts(url) == [1, 21, 0]
    results.record(new_run(framework, "2024", label="after"), table.head(2))
    assert results.runs(FRAMEWORK_ID, "2024")["label"].to_list() == ["kept", "after"]


def test_two_writer_processes_take_turns_and_both_runs_are_whole(stores, table):
    url = stores.url()
    store.open(url)
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", textwrap.dedent(WRITER), url, label, "4", "-", str(CELLS)],
            stderr=subprocess.PIPE,
            text=True,
        )
        for label in ("one", "two")
    ]
    for writer in writers:
        _, errors = writer.communicate(timeout=180)
        assert writer.returncode == 0, errors
    results = store.open(url)
    runs = results.runs(FRAMEWORK_ID, "2024")
    assert sorted(runs["label"].to_list()) == ["one"] * 4 + ["two"] * 4
    assert runs["units"].to_list() == [21] * 8
    times = runs["evaluated_at"]
    assert times.is_sorted()
    assert times.n_unique() == 8  # each run its own time, in the order they were stored
    assert runs["run"].is_sorted()
    assert_frame_equal(results.results(FRAMEWORK_ID, "2024"), table)


def test_a_writer_kept_waiting_by_another_process_fails_clearly_after_the_timeout(
    stores, framework, table
):
    url = stores.url()
    store.open(url)
    holder = subprocess.Popen(
        [sys.executable, "-c", stores.holder(url)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(StoreError, match=stores.busy) as caught:
            store.open(url, timeout=0.3).record(new_run(framework, "2024"), table)
        assert "wait longer (timeout=)" in str(caught.value)
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert store.open(url).runs(FRAMEWORK_ID, "2024").is_empty()


def test_two_writer_threads_both_store_whole_runs(stores, framework, table):
    results = store.open(stores.url())
    failures = []

    def write(label):
        try:
            results.record(new_run(framework, "2024", label=label), table)
        except Exception as error:  # noqa: BLE001 - reported to the test below
            failures.append(error)

    threads = [threading.Thread(target=write, args=(label,)) for label in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    runs = results.runs(FRAMEWORK_ID, "2024")
    assert sorted(runs["label"].to_list()) == ["a", "b"]
    assert runs["evaluated_at"].n_unique() == 2
    assert_frame_equal(results.results(FRAMEWORK_ID, "2024"), table)


# ---------------------------------------------------------------- layout versions and URLs


def test_a_version_0_store_is_upgraded_and_its_runs_read(stores, framework, table):
    url = stores.url()
    store.open(url).record(new_run(framework, "2024-Q3"), table)
    for statement in (  # version 0: runs without the period's days
        "ALTER TABLE runs DROP COLUMN period_start",
        "ALTER TABLE runs DROP COLUMN period_end",
        "UPDATE schema_version SET version = 0",
    ):
        stores.execute(url, statement)
    results = store.open(url)
    assert results.periods(FRAMEWORK_ID).select("period", "start", "end").rows() == [
        ("2024-Q3", dt.date(2024, 7, 1), dt.date(2024, 9, 30))
    ]
    assert_frame_equal(results.results(FRAMEWORK_ID, "2024-Q3"), table)
    assert stores.execute(url, "SELECT version FROM schema_version") == [(1,)]
    assert results.record(new_run(framework, "2025"), table).id == 2


def test_a_store_of_a_newer_layout_or_with_tables_of_its_own_is_refused(stores):
    newer = stores.url()
    store.open(newer)
    stores.execute(newer, "UPDATE schema_version SET version = 99")
    with pytest.raises(StoreError, match="written by a newer criteriakit") as caught:
        store.open(newer)
    assert "pip install -U 'criteriakit[" in str(caught.value)
    foreign = stores.url()
    stores.execute(foreign, "CREATE TABLE sales (amount INTEGER)")
    with pytest.raises(StoreError, match="not a results store: it has tables of its own"):
        store.open(foreign)
    assert stores.execute(foreign, "SELECT count(*) FROM sales") == [(0,)]  # left alone


def test_a_store_that_is_not_there_is_an_error_for_a_reader(stores):
    url = stores.url()
    with pytest.raises(StoreError, match="there is no store here") as caught:
        store.open(url, create=False)
    assert "criteriakit evaluate FRAMEWORK DATA --period PERIOD --store" in str(caught.value)
    store.open(url)
    assert store.open(url, create=False).frameworks() == ()


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    garbage = tmp_path / "results.duckdb"
    garbage.write_bytes(b"\x00not a database\xff" * 512)
    with pytest.raises(StoreError, match="cannot open the store") as caught:
        store.open(garbage)
    assert "hint: a store is a DuckDB file that criteriakit wrote" in str(caught.value)


def test_urls_and_paths(tmp_path, monkeypatch, framework, table):
    monkeypatch.chdir(tmp_path)
    store.open("duckdb:///relative.duckdb").record(new_run(framework, "2024"), table)
    assert (tmp_path / "relative.duckdb").exists()
    absolute = tmp_path / "absolute.duckdb"
    store.open(f"duckdb:///{absolute}")
    assert absolute.exists()
    with pytest.raises(StoreError, match="a store must be a file"):
        store.open("duckdb:///:memory:")
    with pytest.raises(StoreError, match="unknown kind of store 'sqlite'") as caught:
        store.open("sqlite:///results.db")
    assert "or a PostgreSQL URL" in str(caught.value)
    with pytest.raises(StoreError, match="there is no store here"):
        store.open(tmp_path / "missing.duckdb", create=False)
    assert not (tmp_path / "missing.duckdb").exists()


@pytest.mark.parametrize(
    ("url", "connect", "schema", "shown"),
    [
        (
            "postgresql://cells:s3cret@db.example:5433/results",
            "postgresql://cells:s3cret@db.example:5433/results",
            "public",
            "postgresql://cells:***@db.example:5433/results",
        ),
        (
            "postgres://db/results?schema=commune&sslmode=require",
            "postgresql://db/results?sslmode=require",
            "commune",
            "postgres://db/results?schema=commune&sslmode=require",
        ),
        (
            "postgresql+psycopg://cells@db/results?password=s3cret&schema=My%20Store",
            "postgresql://cells@db/results?password=s3cret",
            "My Store",
            "postgresql+psycopg://cells@db/results?password=***&schema=My%20Store",
        ),
    ],
)
def test_a_postgresql_url_is_read_into_a_server_a_schema_and_a_masked_url(
    url, connect, schema, shown
):
    found = locate(url)
    assert found == ServerLocation(connect, schema, shown)
    assert "s3cret" not in repr(found)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("postgresql://cells:s3cret@db:port/results", "this is not a PostgreSQL URL"),
        ("postgresql://cells:s3cret@db/results?schema=", "the schema= parameter names no schema"),
    ],
)
def test_a_postgresql_url_that_names_no_store_is_refused(url, message):
    with pytest.raises(StoreError, match=message) as caught:
        store.open(url)
    assert "s3cret" not in str(caught.value)
    assert "cells:***@db" in str(caught.value)


def test_a_postgresql_store_without_its_driver_says_which_extra_installs_it(monkeypatch):
    monkeypatch.delitem(sys.modules, "criteriakit.store.postgresql_store", raising=False)
    monkeypatch.setitem(sys.modules, "adbc_driver_postgresql", None)
    monkeypatch.setitem(sys.modules, "adbc_driver_postgresql.dbapi", None)
    with pytest.raises(
        StoreError, match="a PostgreSQL store needs adbc_driver_postgresql"
    ) as caught:
        store.open("postgresql://cells:s3cret@db/results")
    assert "hint: pip install 'criteriakit[postgresql]'" in str(caught.value)
    assert "s3cret" not in str(caught.value)


@pytest.fixture
def server():
    """The test PostgreSQL server's URL (skips without one, see store_kinds)."""
    return store_kinds.postgresql_server()


def test_a_server_that_cannot_be_reached_is_an_error_with_a_hint():
    store_kinds.postgresql_driver()  # and no server
    with socket.socket() as closed:  # a port nothing listens on: bound, never listened to
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        with pytest.raises(StoreError, match="cannot connect to the server") as caught:
            store.open(f"postgresql://cells:s3cret@127.0.0.1:{port}/results", timeout=2)
    text = str(caught.value)
    assert f"postgresql://cells:***@127.0.0.1:{port}/results: " in text
    assert "hint: is the server running, and listening on that host and port?" in text
    assert "s3cret" not in text


def test_wrong_credentials_or_database_are_errors_with_hints(server):
    parts = urlsplit(server)
    wrong = parts._replace(
        netloc=f"{parts.username}:not-the-password@{parts.hostname}:{parts.port}"
    )
    with pytest.raises(StoreError, match="password authentication failed") as caught:
        store.open(urlunsplit(wrong))
    assert "hint: check the user name and password in the URL" in str(caught.value)
    assert "not-the-password" not in str(caught.value)
    assert f"{parts.username}:***@" in str(caught.value)
    elsewhere = urlunsplit(parts._replace(path="/no_such_database"))
    with pytest.raises(StoreError, match='database "no_such_database" does not exist') as caught:
        store.open(elsewhere)
    assert "hint: give a database and user that exist on the server" in str(caught.value)


def test_a_postgresql_store_keeps_its_tables_in_its_schema(server, framework, table):
    kind = store_kinds.PostgreSQLKind(server)
    try:
        url = kind.url('Odd "Name"')
        results = store.open(url)
        password = urlsplit(server).password
        assert password is None or password not in results.url
        results.record(new_run(framework, "2024"), table)
        tables = kind.execute(
            url,
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = current_schema() ORDER BY table_name",
        )
        assert tables == [("documents",), ("results",), ("runs",), ("schema_version",)]
        assert kind.execute(url, "SELECT count(*) FROM results") == [(21,)]
    finally:
        kind.close()


# ---------------------------------------------------------------- the command line


def test_evaluate_store_then_history(stores, cells_2023):
    path = stores.url()
    stored = run(
        "evaluate", FRAMEWORK_ID, str(cells_2023), "--period", "2024-H2", "--store", path,
        "--label", "commune",
    )  # fmt: skip
    assert stored.exit_code == 0, stored.output
    shown = shown_url(path)
    assert stored.stderr == f"stored run 1: {FRAMEWORK_ID}@2024, 2024-H2, 21 units, in {shown}\n"
    assert "C01" in stored.stdout  # the output is written as without --store
    columnar = run(
        "evaluate", FRAMEWORK_ID, str(CELLS), "--period", "2025", "--store", path,
        "--engine", "columnar", "--format", "csv",
    )  # fmt: skip
    assert columnar.exit_code == 0, columnar.output
    results = store.open(path)
    runs = results.runs(FRAMEWORK_ID, "2024-H2")
    assert runs.select("label", "sources", "documents").rows() == [
        ("commune", [str(cells_2023)], 21)
    ]
    assert "vn-party" in {plugin["name"] for plugin in runs["plugins"][0]}
    assert results.runs(FRAMEWORK_ID, "2025")["documents"].to_list() == [0]
    assert results.runs(FRAMEWORK_ID, "2025")["label"].to_list() == [store.default_label()]

    shown = run("history", "C01", "--store", path)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines() == [
        "framework          period         score  tier           reasons   changes",
        "vn.four-good-cell  2024-H2  80.50 / 100  not-completed  disunity",
        "vn.four-good-cell  2025     86.50 / 100  good                     -disunity",
    ]
    document = json.loads(run("history", "C01", "--store", path, "--format", "json").stdout)
    assert document["unit"] == "C01"
    assert [
        (entry["period"], entry["tier"], entry["reasons"], entry["appeared"], entry["disappeared"])
        for entry in document["history"]
    ] == [
        ("2024-H2", "not-completed", ["disunity"], None, None),
        ("2025", "good", [], [], ["disunity"]),
    ]


def test_history_as_of_and_by_framework(stores, framework, table):
    path = stores.url()
    first = store.open(path).record(new_run(framework, "2024"), table)
    store.open(path).record(new_run(framework, "2024"), table.head(0))
    moment = first.evaluated_at.replace(tzinfo=None).isoformat(timespec="microseconds")
    assert run("history", "C01", "--store", path).exit_code == 1  # not in the current run
    then = run("history", "C01", "--store", path, "--as-of", moment)
    assert then.exit_code == 0, then.output
    assert "86.50 / 100" in then.stdout
    early = run("history", "C01", "--store", path, "--as-of", "2000-01-01")
    assert early.exit_code == 1
    assert early.stderr == f"{shown_url(path)}: no stored results for unit 'C01'\n"
    other = run("history", "C01", "--store", path, "--framework", "vn.other", "--as-of", moment)
    assert other.exit_code == 1
    assert "no stored results of vn.other for unit 'C01'" in other.stderr


def test_the_command_line_refuses_what_cannot_be_stored(stores):
    path = stores.url()
    no_period = run("evaluate", FRAMEWORK_ID, str(CELLS), "--store", path)
    assert no_period.exit_code == 2
    assert "give --period" in no_period.stderr
    label_alone = run("evaluate", FRAMEWORK_ID, str(CELLS), "--label", "x")
    assert label_alone.exit_code == 2
    assert "--label names a stored run" in label_alone.stderr
    unreachable = "postgresql://cells@127.0.0.1:1/r"  # no server on port 1, or no driver
    failed = run("evaluate", FRAMEWORK_ID, str(CELLS), "--period", "2024", "--store", unreachable)
    assert failed.exit_code == 1
    assert f"{unreachable}: " in failed.stderr
    assert failed.stdout == ""  # nothing is written when the results could not be stored
    missing = run("history", "C01", "--store", stores.url("none"))
    assert missing.exit_code == 1
    assert "there is no store here" in missing.stderr


# ---------------------------------------------------------------- every level, compare --store

COMMUNE = EXAMPLES / "commune"
COMMITTEE_ID = "vn.four-good-committee"


def evaluate_commune(path: str, period: str, *options: str):
    return run(
        "evaluate", COMMITTEE_ID, str(COMMUNE / "committees.csv"),
        "--children", str(COMMUNE / "cells.csv"), "--children", str(COMMUNE / "members.jsonl"),
        "--period", period, "--store", path, *options,
    )  # fmt: skip


@pytest.mark.parametrize("engine", ["scalar", "columnar"])
def test_an_evaluation_with_children_stores_every_level(stores, engine):
    path = stores.url()
    stored = evaluate_commune(path, "2024", "--engine", engine, "--label", "commune")
    assert stored.exit_code == 0, stored.output
    shown = shown_url(path)
    assert stored.stderr.splitlines() == [
        f"stored run 1: {COMMITTEE_ID}@2024, 2024, 1 units, in {shown}",
        f"stored run 2: vn.four-good-cell@2024, 2024, 21 units, in {shown}",
        f"stored run 3: vn.four-good-member@2024, 2024, 341 units, in {shown}",
    ]
    results = store.open(path)
    assert results.frameworks() == (FRAMEWORK_ID, COMMITTEE_ID, "vn.four-good-member")
    runs = [results.runs(framework, "2024") for framework in results.frameworks()]
    assert {run["label"][0] for run in runs} == {"commune"}
    assert {len(run["sources"][0]) for run in runs} == {3}
    documents = 0 if engine == "columnar" else 341
    assert results.runs("vn.four-good-member", "2024")["documents"].to_list() == [documents]
    cells = results.results(FRAMEWORK_ID, "2024")
    assert cells.height == 21
    assert set(cells["parent"]) == {"K0001"}

    shown = run("history", "K0001-C01-M001", "--store", path)
    assert shown.exit_code == 0, shown.output
    assert shown.stdout.splitlines() == [
        "framework            period        score  tier  reasons  changes",
        "vn.four-good-member  2024    78.28 / 100  good",
    ]


def test_a_failure_storing_the_second_level_stores_nothing_of_the_evaluation(stores, monkeypatch):
    path = stores.url()
    real = database._insert_documents
    calls: list[int] = []

    def failing(connection, run_id, documents):
        calls.append(run_id)
        if len(calls) == 2:  # the cells' documents, after the committee's were written
            raise stores.error("the disk is full")
        return real(connection, run_id, documents)

    monkeypatch.setattr("criteriakit.store.database._insert_documents", failing)
    failed = evaluate_commune(path, "2024")
    assert failed.exit_code == 1
    assert "the disk is full" in failed.stderr
    assert "stored run" not in failed.stderr
    assert failed.stdout == ""
    assert len(calls) == 2
    assert stores.counts(path) == [0, 0, 0]


def test_record_many_stores_all_runs_or_none(stores, framework, table, documents):
    results = store.open(stores.url())

    def failing():
        yield from documents[:3]
        raise RuntimeError("the writer died")

    with pytest.raises(RuntimeError, match="the writer died"):
        results.record_many(
            [
                (new_run(framework, "2024"), table, documents),
                (new_run(framework, "2025"), table, failing()),
            ]
        )
    with pytest.raises(StoreError, match="not a result table"):  # refused before writing
        results.record_many(
            [
                (new_run(framework, "2024"), table, None),
                (new_run(framework, "2025"), table.drop("tier"), None),
            ]
        )
    assert results.frameworks() == ()
    stored = results.record_many(
        [(new_run(framework, "2024"), table, documents), (new_run(framework, "2025"), table, None)]
    )
    assert [(run.id, run.period, run.units, run.documents) for run in stored] == [
        (stored[0].id, "2024", 21, 21),
        (stored[1].id, "2025", 21, 0),
    ]
    assert stored[0].evaluated_at < stored[1].evaluated_at
    assert results.periods(FRAMEWORK_ID)["period"].to_list() == ["2024", "2025"]


module_stores = store_kinds.module_stores


@pytest.fixture(scope="module")
def two_periods(module_stores, tmp_path_factory, cells_2023):
    """Two periods evaluated into JSON files and a store (scalar), and into a columnar store."""
    folder = tmp_path_factory.mktemp("compare")
    scalar, columnar = module_stores.url("scalar"), module_stores.url("columnar")
    for period, data in (("2024", cells_2023), ("2025", CELLS)):
        written = run(
            "evaluate", FRAMEWORK_ID, str(data), "--period", period, "--store", scalar,
            "--format", "json", "-o", str(folder / f"{period}.json"),
        )  # fmt: skip
        assert written.exit_code == 0, written.output
        kept = run(
            "evaluate", FRAMEWORK_ID, str(data), "--period", period, "--store", columnar,
            "--engine", "columnar", "--format", "csv", "-o", str(folder / f"{period}.csv"),
        )  # fmt: skip
        assert kept.exit_code == 0, kept.output
    return folder, scalar, columnar


@pytest.fixture
def new_store(module_stores):
    """Make a new store of the kind ``two_periods`` uses; return its URL or path."""
    return module_stores.url


@pytest.mark.parametrize("options", [(), ("--format", "json"), ("--only-changes",)])
def test_compare_store_gives_the_report_of_the_files(two_periods, options):
    folder, scalar, columnar = two_periods
    files = run("compare", str(folder / "2024.json"), str(folder / "2025.json"), *options)
    assert files.exit_code == 0, files.output
    assert "C01" in files.stdout
    for path in (scalar, columnar):  # documents, or a columnar run's table
        stored = run("compare", "--store", path, "2024", "2025", *options)
        assert stored.exit_code == 0, stored.output
        assert stored.stdout == files.stdout
    chosen = run("compare", "--store", scalar, "2024", "2025", "--framework", FRAMEWORK_ID)
    assert chosen.stdout == run("compare", "--store", scalar, "2024", "2025").stdout


def test_compare_store_says_what_it_needs(two_periods, new_store):
    folder, scalar, _ = two_periods
    cases = {
        ("--store", scalar, "2024"): "with --store, compare takes two periods, BEFORE and AFTER "
        "(got 1)",
        ("--store", scalar, "2024", "2025", "2026"): "(got 3)",
        ("--store", scalar, str(folder / "2024.json"), "2025"): "not files: ",
        ("--store", scalar, "2024", "2023"): f"no run of {FRAMEWORK_ID} for 2023; "
        "it holds 2024, 2025",
        ("--store", scalar, "2024", "2025", "--framework", "vn.x"): "the store holds no run of "
        f"vn.x; it holds {FRAMEWORK_ID}",
        (str(folder / "2024.json"),): "compare takes two result files, BEFORE and AFTER (got 1)",
        ("--framework", FRAMEWORK_ID, "a.json", "b.json"): "give --store too",
    }
    for arguments, message in cases.items():
        shown = run("compare", *arguments)
        assert shown.exit_code == 2, (arguments, shown.output)
        assert message in " ".join(shown.stderr.split()), (arguments, shown.stderr)

    several = new_store("several")
    assert evaluate_commune(several, "2024").exit_code == 0
    assert evaluate_commune(several, "2025").exit_code == 0
    unnamed = run("compare", "--store", several, "2024", "2025")
    assert unnamed.exit_code == 2
    assert (
        "the store holds several frameworks: give --framework, one of vn.four-good-cell, "
        "vn.four-good-committee, vn.four-good-member"
    ) in " ".join(unnamed.stderr.split())
    named = run("compare", "--store", several, "2024", "2025", "--framework", "vn.four-good-member")
    assert named.exit_code == 0, named.output
    assert named.stdout.startswith("2024 → 2025: 341 units; 0 up, 0 down, 341 same")
    missing = run("compare", "--store", new_store("none"), "2024", "2025")
    assert missing.exit_code == 1
    assert "there is no store here" in missing.stderr


def commune_report(output: Path, *options: str):
    return run(
        "report", COMMITTEE_ID, str(COMMUNE / "committees.csv"),
        "--children", str(COMMUNE / "cells.csv"), "--children", str(COMMUNE / "members.jsonl"),
        "--period", "2024", "-o", str(output), *options,
    )  # fmt: skip


AWARDS = (
    re.compile(r"^### Awards\n.*?(?=^#)", flags=re.MULTILINE | re.DOTALL),
    re.compile(r"\n\nAwards:\n\n(?:(?:  )?- [^\n]*\n)*(?:  )?- [^\n]*"),
    re.compile(r'<section class="awards">.*?</section>', flags=re.DOTALL),
    re.compile(r'<div class="awards">.*?</div>', flags=re.DOTALL),
)
"""The parts of a report that show awards: a level's and a unit's, in Markdown, then in HTML."""


def without_awards(report: bytes) -> bytes:
    """Return a report without its awards, which only a stored period has (from its history)."""
    text = report.decode()
    for part in AWARDS:
        text = part.sub("", text)
    return text.encode()


@pytest.mark.parametrize("suffix", [".md", ".html"])
def test_report_store_writes_the_report_of_the_files(tmp_path, two_periods, new_store, suffix):
    """The stored period's report is the file form's, byte for byte (neither has a timestamp),
    and the awards decided over the periods the store holds."""
    if suffix == ".html":
        pytest.importorskip("jinja2")  # the report extra
    _, scalar, _ = two_periods
    files = run(
        "report", FRAMEWORK_ID, str(CELLS), "--period", "2025", "-o", str(tmp_path / f"f{suffix}")
    )
    assert files.exit_code == 0, files.output
    stored = run(
        "report", "--store", scalar, "--period", "2025", "-o", str(tmp_path / f"s{suffix}")
    )
    assert stored.exit_code == 0, stored.output
    written = (tmp_path / f"s{suffix}").read_bytes()
    assert written != without_awards(written)  # vn.four-good-cell declares awards
    assert without_awards(written) == (tmp_path / f"f{suffix}").read_bytes()

    commune = new_store("commune")
    assert evaluate_commune(commune, "2024").exit_code == 0
    assert evaluate_commune(commune, "2025").exit_code == 0  # another period: not in the report
    files = commune_report(tmp_path / f"commune-f{suffix}")
    assert files.exit_code == 0, files.output
    stored = run(
        "report", "--store", commune, "--period", "2024", "--framework", COMMITTEE_ID,
        "-o", str(tmp_path / f"commune-s{suffix}"),
    )  # fmt: skip
    assert stored.exit_code == 0, stored.output
    written = (tmp_path / f"commune-s{suffix}").read_bytes()
    assert written != without_awards(written)
    assert without_awards(written) == (tmp_path / f"commune-f{suffix}").read_bytes()
    assert b"vn.four-good-member@2024" in written


def test_report_store_says_what_it_needs(tmp_path, two_periods, new_store):
    _, scalar, columnar = two_periods
    output = str(tmp_path / "report.md")
    cases = {
        ("--store", scalar): "give the stored period to report on with --period",
        ("--store", scalar, "--period", "2023"): f"no run of {FRAMEWORK_ID} for 2023; "
        "it holds 2024, 2025",
        ("--store", scalar, "--period", "2024", "--framework", "vn.x"): "the store holds no run "
        f"of vn.x; it holds {FRAMEWORK_ID}",
        ("--store", scalar, "--period", "2024", FRAMEWORK_ID, str(CELLS)): "with --store, report "
        "reads a stored period's results: leave out FRAMEWORK, DATA",
        ("--store", scalar, "--period", "2024", "--children", str(CELLS)): "leave out --children",
        ("--period", "2024"): "report takes FRAMEWORK and DATA; or, with --store, a stored period",
        ("--framework", FRAMEWORK_ID, FRAMEWORK_ID, str(CELLS)): "give --store too",
    }
    for arguments, message in cases.items():
        shown = run("report", *arguments, "-o", output)
        assert shown.exit_code == 2, (arguments, shown.output)
        assert message in " ".join(shown.stderr.split()), (arguments, shown.stderr)

    several = new_store("several")
    assert evaluate_commune(several, "2024").exit_code == 0
    unnamed = run("report", "--store", several, "--period", "2024", "-o", output)
    assert unnamed.exit_code == 2
    assert (
        "the store holds several frameworks: give --framework, one of vn.four-good-cell, "
        "vn.four-good-committee, vn.four-good-member"
    ) in " ".join(unnamed.stderr.split())

    table_only = run("report", "--store", columnar, "--period", "2024", "-o", output)
    assert table_only.exit_code == 1
    assert (
        "kept no result documents (a columnar evaluation stores the table alone), and a report "
        "needs them"
    ) in " ".join(table_only.stderr.split())
    assert "--engine scalar" in table_only.stderr
    assert not Path(output).exists()
