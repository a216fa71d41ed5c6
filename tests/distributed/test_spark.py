"""Spark in local mode gives the one-machine results: quotas per parent, roll-ups across partitions.

In classic mode, or through Spark Connect with ``CRITERIAKIT_SPARK_MODE=connect`` (tox -e
spark-connect).
"""

from __future__ import annotations

import os
import sys
import warnings
from pathlib import Path

import polars as pl
import pytest
from engines import (
    ACME_PLUGIN,
    assert_as_scalar,
    assert_same_frames,
    import_engine,
    row_by_row,
    run_docs_sample,
)

import_engine("pyspark", "spark")

from pyspark import SparkContext  # noqa: E402
from pyspark.sql import DataFrame, SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402, N812

from criteriakit import (  # noqa: E402
    DataError,
    EvaluationError,
    FrameworkError,
    evaluate_levels_frame,
)
from criteriakit.columnar import evaluate_frame  # noqa: E402
from criteriakit.distributed.spark import evaluate_levels_spark, evaluate_spark  # noqa: E402

pytestmark = [
    # pyspark 4 warns on every Arrow call under pandas 3, which it calls "not yet fully supported"
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    # pyspark 3.5 checks the pandas version with distutils' LooseVersion on every mapInArrow,
    # and leaves Py4J's sockets to the garbage collector
    pytest.mark.filterwarnings(
        "ignore:distutils Version classes are deprecated:DeprecationWarning"
    ),
    pytest.mark.filterwarnings("ignore:unclosed <socket.socket:ResourceWarning"),
]

PARTITIONS = 4

CONNECT = os.environ.get("CRITERIAKIT_SPARK_MODE", "classic") == "connect"
"""Whether the tests talk to Spark through Spark Connect (tox -e spark-connect), not classic mode.

``remote("local[2]")`` starts a local Connect server in this process's JVM, and the session is a
Connect client of it: no SparkContext, RDDs or ``_jdf`` on the client side.
"""


@pytest.fixture(scope="session")
def spark():
    with pytest.MonkeyPatch.context() as patch:
        # the workers run this Python: pyspark 4 reads spark.pyspark.python, but pyspark 3.5's
        # SparkContext reads only $PYSPARK_PYTHON (else it runs python3 from the PATH)
        patch.setenv("PYSPARK_PYTHON", sys.executable)
        builder = SparkSession.builder
        builder = builder.remote("local[2]") if CONNECT else builder.master("local[2]")
        builder = (
            builder.appName("criteriakit-tests")
            .config("spark.sql.shuffle.partitions", str(PARTITIONS))
            .config("spark.default.parallelism", str(PARTITIONS))
            # keep every shuffle at 4 partitions, so that roll-ups combine partials from several
            .config("spark.sql.adaptive.enabled", "false")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.pyspark.python", sys.executable)
            # a JVM that starts quickly: these tests run many small jobs, none long enough to
            # optimise
            .config("spark.driver.extraJavaOptions", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC")
        )
        with warnings.catch_warnings():
            # a Connect client sets the configurations again, on the server's session, and warns
            # of the static ones (spark.ui.enabled, ...), which the local server started with
            warnings.filterwarnings("ignore", "Failed to set spark", UserWarning)
            session = builder.getOrCreate()
        server().setLogLevel("ERROR")
        yield session
        session.stop()


@pytest.fixture(scope="module")
def to_spark(spark, tmp_path_factory):
    folder = tmp_path_factory.mktemp("spark")

    def convert(frame: pl.DataFrame, partitions: int = PARTITIONS) -> DataFrame:
        path = folder / f"{len(list(folder.iterdir()))}.parquet"
        frame.write_parquet(path)
        return spark.read.parquet(str(path)).repartition(partitions)

    return convert


def to_polars(frame: DataFrame, like: pl.DataFrame) -> pl.DataFrame:
    assert frame.columns == like.columns
    return pl.DataFrame([row.asDict() for row in frame.collect()], schema=like.schema)


def server() -> SparkContext:
    """The SparkContext running the jobs: the session's, or the local Connect server's."""
    context = SparkContext._active_spark_context
    assert context is not None
    return context


def persisted() -> int:
    """How many computed results Spark keeps."""
    return server()._jsc.getPersistentRDDs().size()


def send_to_workers(spark: SparkSession, path: Path) -> None:
    """Make a Python file importable by the workers."""
    if CONNECT:
        spark.addArtifacts(str(path), pyfile=True)
    else:
        spark.sparkContext.addPyFile(str(path))


def select(frame: DataFrame, names: list[str]) -> DataFrame:
    return frame.select(*(F.col(f"`{name}`") for name in names))


@pytest.fixture(scope="module")
def levels(to_spark, commune):
    return [to_spark(frame) for frame in commune]


def test_the_commune_gives_the_one_machine_and_the_scalar_results(
    committee, levels, commune_on_one_machine, commune_by_scalar
):
    # the cells have no quota: they stay in 4 partitions, each with cells of the committee, so
    # the committee's roll-ups combine partial counts from all four
    sizes = levels[1].groupBy(F.spark_partition_id()).count().collect()
    assert len(sizes) == PARTITIONS
    results = evaluate_levels_spark(committee, levels, keep_inputs=True)
    assert len(results) == 3
    for actual, expected, scalar in zip(
        results, commune_on_one_machine, commune_by_scalar, strict=True
    ):
        assert set(expected.columns) < set(actual.columns)  # and the inputs, kept
        actual_polars = to_polars(select(actual, expected.columns), expected)
        assert_same_frames(actual_polars, expected)
        assert_as_scalar(actual_polars, scalar)
    assert results[0].collect()[0]["cells_rated"] == 21


def test_the_four_good_cells_give_the_one_machine_and_the_scalar_results(
    cell, levels, cells_on_one_machine, cells_by_scalar
):
    before = persisted()
    cells, members = evaluate_levels_spark(cell, levels[1:])
    # computed by the call and kept for the caller to unpersist; the members' inputs, which the
    # cells rolled up, are not kept any more
    assert cells.storageLevel.useMemory
    assert members.storageLevel.useMemory
    assert persisted() == before + 2
    for actual, expected, scalar in zip(
        (cells, members), cells_on_one_machine, cells_by_scalar, strict=True
    ):
        actual_polars = to_polars(actual, expected)
        assert_same_frames(actual_polars, expected)
        assert_as_scalar(actual_polars, scalar)


def test_a_level_with_quotas_is_evaluated_among_the_units_of_each_parent(member, commune, to_spark):
    expected = evaluate_frame(member, commune[2], keep_inputs=True)
    actual = evaluate_spark(member, to_spark(commune[2]), keep_inputs=True)
    assert_same_frames(to_polars(actual, expected), expected)
    assert "excellent-at-most-20-percent-of-good" in expected["reasons"].explode().to_list()


@pytest.mark.parametrize("parents", [True, False])
def test_relative_scores_compare_the_units_of_each_parent_or_of_the_level(
    relative_member, commune, to_spark, parents
):
    members = commune[2] if parents else commune[2].drop("parent")
    expected = evaluate_frame(relative_member, members)
    actual = evaluate_spark(relative_member, to_spark(members))
    assert_same_frames(to_polars(actual, expected), expected)


@pytest.mark.parametrize("weighed", ["entropy_member", "entropy_member_by_cell"])
def test_weights_decided_by_the_members_are_decided_over_all_or_each_cells(
    weighed, request, commune, to_spark
):
    framework = request.getfixturevalue(weighed)  # all the members, or each cell's apart
    members = commune[2]
    expected = evaluate_frame(framework, members)
    actual = evaluate_spark(framework, to_spark(members))
    assert_same_frames(to_polars(actual, expected), expected)


def test_without_a_parent_column_quotas_apply_to_the_whole_level(member, commune, to_spark):
    members = commune[2].drop("parent")
    expected = evaluate_frame(member, members)
    actual = evaluate_spark(member, to_spark(members))
    assert_same_frames(to_polars(actual, expected), expected)


def test_orphans_are_refused(cell, commune, to_spark):
    members = commune[2].head(3).with_columns(pl.Series("parent", ["K0001-C01", "K0001-C99", None]))
    with pytest.raises(DataError) as caught:
        evaluate_levels_spark(cell, [to_spark(commune[1]), to_spark(members)])
    messages = sorted(problem.message for problem in caught.value.problems)
    assert messages == [
        f"unit {members['id'][1]!r} has parent 'K0001-C99', which is not in the level above",
        f"unit {members['id'][2]!r} has no parent",
    ]


def test_bad_values_raise_the_data_error_of_one_machine(member, commune, to_spark):
    members = commune[2].with_columns(
        tasks_done=pl.when(pl.col("id") == "K0001-C02-M003").then(-1).otherwise("tasks_done")
    )
    with pytest.raises(DataError) as expected:
        evaluate_frame(member, members)
    with pytest.raises(DataError) as caught:
        evaluate_spark(member, to_spark(members))
    (problem,) = expected.value.problems
    assert [(p.message, p.path, p.row) for p in caught.value.problems] == [
        (f"unit 'K0001-C02-M003': {problem.message}", "tasks_done", None)
    ]


def test_a_policy_that_says_fail_raises_an_evaluation_error(cell, cells_alone, to_spark):
    # alone, the cells miss the inputs their members roll up, and a missing input "fail"s
    with pytest.raises(EvaluationError, match="could not be computed") as caught:
        evaluate_spark(cell, to_spark(cells_alone.head(2), partitions=1))
    assert caught.value.row is None  # a row within a partition would mean nothing


def test_no_levels_give_no_results(cell):
    assert evaluate_levels_spark(cell, []) == []


def test_unevaluable_children_are_refused_when_their_parents_say_so(strict_cell, commune, to_spark):
    # a member without monthly scores cannot be rated (the mean of nothing divides by zero)
    members = commune[2].with_columns(
        monthly_scores=pl.when(pl.col("id") == "K0001-C01-M002")
        .then(pl.lit([], pl.List(pl.Float64)))
        .otherwise("monthly_scores")
    )
    with pytest.raises(DataError) as caught:
        evaluate_levels_spark(strict_cell, [to_spark(commune[1]), to_spark(members)])
    assert [problem.message for problem in caught.value.problems] == [
        "unit 'K0001-C01-M002' is not evaluable, and its parent's [children] say not_evaluable = \"fail\""
    ]


# ---------------------------------------------------------------- plugins on the workers


@row_by_row
def test_an_installed_plugins_function_runs_on_the_workers(coal_mining, coal_commune, to_spark):
    expected = evaluate_levels_frame(coal_mining, coal_commune)
    results = evaluate_levels_spark(coal_mining, [to_spark(frame) for frame in coal_commune])
    for actual, one_machine in zip(results, expected, strict=True):
        assert_same_frames(to_polars(actual, one_machine), one_machine)
    assert expected[0]["criterion:1"].n_unique() > 1  # X1, per_member(), rates the cells apart


@row_by_row
def test_a_plugins_function_and_scorer_run_on_the_workers(spark, acme, teams, to_spark):
    send_to_workers(spark, ACME_PLUGIN)
    expected = evaluate_frame(acme, teams)
    actual = evaluate_spark(acme, to_spark(teams))
    assert_same_frames(to_polars(actual, expected), expected)


def test_a_local_plugin_files_code_is_refused_on_the_driver(local_acme, teams, to_spark):
    framework, refusal = local_acme
    units = to_spark(teams)
    with pytest.raises(FrameworkError) as caught:  # not a worker's ModuleNotFoundError
        evaluate_spark(framework, units)
    assert str(caught.value) == refusal
    assert "function 'incident_rate'" in refusal


@pytest.mark.skipif(CONNECT, reason="the page's example builds a classic session")
def test_the_spark_example_of_the_docs_evaluates_the_commune(
    spark, evaluations, commune_on_one_machine
):
    namespace: dict[str, object] = {}
    run_docs_sample("spark.read.parquet(", evaluations, namespace)
    assert namespace["spark"] is spark  # getOrCreate() gives the session that is running
    levels = ("committees", "cells", "members")
    for name, expected in zip(levels, commune_on_one_machine, strict=True):
        assert_same_frames(to_polars(namespace[name], expected), expected)
        namespace[name].unpersist()
    written = spark.read.parquet(f"{evaluations}2024/results/members.parquet")
    assert written.count() == commune_on_one_machine[2].height
