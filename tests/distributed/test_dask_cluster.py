"""Dask on a LocalCluster of worker processes: frameworks, plugins and errors cross to other processes.

The threaded scheduler (test_dask.py) pickles nothing. Here every task, with the frameworks'
recipe and the plugins' functions and scorer types in it, is pickled to two worker processes,
the shuffles and merges are Dask's distributed ones, and the errors raised on the workers are
pickled back. One cluster serves the whole module: it takes a few seconds to start.
"""

from __future__ import annotations

import os

import polars as pl
import pytest
from engines import (
    ACME_PLUGIN,
    READ_PARQUET_WARNING,
    assert_as_scalar,
    assert_same_frames,
    import_engine,
    row_by_row,
    run_docs_sample,
)

# distributed.client, not dask.distributed: without distributed installed, tests/distributed on
# sys.path is a namespace package "distributed", which dask.distributed imports without failing
import_engine("distributed.client", "dask")

import dask  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from dask.distributed import Client, LocalCluster  # noqa: E402

from criteriakit import (  # noqa: E402
    DataError,
    EvaluationError,
    FrameworkError,
    evaluate_levels_frame,
)
from criteriakit.columnar import evaluate_frame  # noqa: E402
from criteriakit.distributed import _recipe  # noqa: E402
from criteriakit.distributed.dask import evaluate_dask, evaluate_levels_dask  # noqa: E402

PARTITIONS = 4
TIMEOUT = 120


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            local_directory=tmp_path_factory.mktemp("dask-workers"),
        ) as cluster,
        Client(cluster) as client,
    ):
        yield client


def to_dask(frame: pl.DataFrame, *, arrow: bool = True) -> dd.DataFrame:
    pandas = frame.to_pandas(use_pyarrow_extension_array=arrow)
    return dd.from_pandas(pandas, npartitions=min(PARTITIONS, len(pandas)) or 1)


def compute(client: Client, *frames: dd.DataFrame) -> list[pd.DataFrame]:
    """Compute ``frames`` together, as ``dask.compute`` does, within a time limit.

    A worker that cannot unpickle a task (a plugin it cannot import) loses its connection and
    the computation waits for ever: fail instead.
    """
    return [future.result(timeout=TIMEOUT) for future in client.compute(list(frames))]


def to_polars(client: Client, frame: dd.DataFrame) -> pl.DataFrame:
    (computed,) = compute(client, frame)
    return pl.from_pandas(computed)


def built_here() -> tuple[int, list[str]]:
    """This process's id and the frameworks it rebuilt from their recipes."""
    return os.getpid(), sorted(fw.ref for chain in _recipe._BUILT.values() for fw in chain)


def test_the_commune_gives_the_one_machine_and_the_scalar_results(
    client, committee, commune, commune_on_one_machine, commune_by_scalar
):
    levels = [to_dask(frame) for frame in commune]
    computed = compute(client, *evaluate_levels_dask(committee, levels, keep_inputs=True))
    for actual, expected, scalar in zip(
        computed, commune_on_one_machine, commune_by_scalar, strict=True
    ):
        actual_polars = pl.from_pandas(actual[expected.columns])
        assert_same_frames(actual_polars, expected)
        assert_as_scalar(actual_polars, scalar)
    # the frameworks were rebuilt in the workers, not here
    workers = client.run(built_here).values()
    assert os.getpid() not in {pid for pid, _ in workers}
    assert {ref for _, refs in workers for ref in refs} >= {
        "vn.four-good-committee@2024",
        "vn.four-good-cell@2024",
        "vn.four-good-member@2024",
    }


def test_a_level_with_quotas_is_shuffled_among_the_workers(client, member, commune):
    expected = evaluate_frame(member, commune[2], keep_inputs=True)
    actual = to_polars(client, evaluate_dask(member, to_dask(commune[2]), keep_inputs=True))
    assert_same_frames(actual, expected)
    assert "excellent-at-most-20-percent-of-good" in expected["reasons"].explode().to_list()


def test_lists_held_by_pandas_as_objects_are_shuffled_as_they_are(client, member, commune):
    with dask.config.set({"dataframe.convert-string": False}):  # else Dask makes them text
        members = to_dask(commune[2], arrow=False)
    assert members.dtypes["monthly_scores"] == np.dtype(object)
    assert_same_frames(
        to_polars(client, evaluate_dask(member, members)), evaluate_frame(member, commune[2])
    )


def test_bad_values_raise_the_data_error_of_one_machine(client, member, commune):
    members = commune[2].with_columns(
        tasks_done=pl.when(pl.col("id") == "K0001-C02-M003").then(-1).otherwise("tasks_done")
    )
    with pytest.raises(DataError) as expected:
        evaluate_frame(member, members)
    result = evaluate_dask(member, to_dask(members))
    with pytest.raises(DataError) as caught:
        compute(client, result)
    (problem,) = expected.value.problems
    assert [(p.message, p.path, p.row) for p in caught.value.problems] == [
        (f"unit 'K0001-C02-M003': {problem.message}", "tasks_done", None)
    ]


def test_a_policy_that_says_fail_raises_an_evaluation_error(client, cell, cells_alone):
    with pytest.raises(EvaluationError, match="could not be computed"):
        compute(client, evaluate_dask(cell, to_dask(cells_alone)))


# ---------------------------------------------------------------- plugins on the workers


@row_by_row
def test_an_installed_plugins_function_runs_on_the_workers(client, coal_mining, coal_commune):
    expected = evaluate_levels_frame(coal_mining, coal_commune)
    levels = [to_dask(frame) for frame in coal_commune]
    computed = compute(client, *evaluate_levels_dask(coal_mining, levels))
    for actual, one_machine in zip(computed, expected, strict=True):
        assert_same_frames(pl.from_pandas(actual), one_machine)
    assert expected[0]["criterion:1"].n_unique() > 1  # X1, per_member(), rates the cells apart


@row_by_row
def test_a_plugins_function_and_scorer_run_on_the_workers(client, acme, teams):
    client.upload_file(str(ACME_PLUGIN))  # importable on every worker, present and future
    expected = evaluate_frame(acme, teams)
    assert_same_frames(to_polars(client, evaluate_dask(acme, to_dask(teams))), expected)


def test_a_local_plugin_files_code_is_refused_before_anything_is_computed(
    client, local_acme, teams
):
    framework, refusal = local_acme
    units = to_dask(teams)
    with pytest.raises(FrameworkError) as caught:  # from building the graph: nothing to wait for
        evaluate_dask(framework, units)
    assert str(caught.value) == refusal
    assert "function 'incident_rate'" in refusal
    assert len(client.scheduler_info()["workers"]) == 2  # no worker was lost


class Registering:
    """A stand-in for a client, which keeps the worker plugins registered with it."""

    def __init__(self) -> None:
        self.plugins: list[object] = []

    def register_plugin(self, plugin: object) -> None:
        self.plugins.append(plugin)


@READ_PARQUET_WARNING
def test_the_dask_examples_of_the_docs_run_on_a_cluster(
    client, evaluations, commune_on_one_machine
):
    from dask.distributed import PipInstall  # noqa: PLC0415

    namespace: dict[str, object] = {}
    run_docs_sample("dd.read_parquet(", evaluations, namespace)  # on this module's cluster
    # connecting to the page's scheduler: to this module's cluster, whose address only it knows
    address = {'"tcp://scheduler:8786"': repr(client.scheduler.address)}
    run_docs_sample('Client("tcp://scheduler:8786")', evaluations, namespace, address)
    try:
        assert namespace["client"].scheduler.address == client.scheduler.address
        levels = ("committees", "cells", "members")
        for name, expected in zip(levels, commune_on_one_machine, strict=True):
            assert_same_frames(pl.from_pandas(namespace[name]), expected)
    finally:
        namespace["client"].close()
    # PipInstall installs packages from the index on every worker: not on these workers, whose
    # environment is the tests'; the sample registers it with a stand-in
    namespace["client"] = Registering()
    run_docs_sample("PipInstall(", evaluations, namespace)
    (plugin,) = namespace["client"].plugins
    assert isinstance(plugin, PipInstall)
