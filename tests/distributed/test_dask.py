"""Dask's threaded scheduler gives the one-machine results: quotas per parent, roll-ups combined."""

from __future__ import annotations

import polars as pl
import pytest
from engines import (
    READ_PARQUET_WARNING,
    assert_as_scalar,
    assert_same_frames,
    import_engine,
    run_docs_sample,
)

import_engine("dask.dataframe", "dask")

import dask  # noqa: E402
import dask.dataframe as dd  # noqa: E402
import numpy as np  # noqa: E402

from criteriakit import DataError, EvaluationError  # noqa: E402
from criteriakit.columnar import evaluate_frame  # noqa: E402
from criteriakit.distributed.dask import evaluate_dask, evaluate_levels_dask  # noqa: E402

PARTITIONS = 4


@pytest.fixture(autouse=True, scope="module")
def threads():
    with dask.config.set(scheduler="threads", num_workers=2):
        yield


def to_dask(frame: pl.DataFrame, *, arrow: bool = True) -> dd.DataFrame:
    pandas = frame.to_pandas(use_pyarrow_extension_array=arrow)
    return dd.from_pandas(pandas, npartitions=min(PARTITIONS, len(pandas)) or 1)


def to_polars(frame: dd.DataFrame) -> pl.DataFrame:
    return pl.from_pandas(frame.compute())


@pytest.fixture(scope="module")
def levels(commune):
    return [to_dask(frame) for frame in commune]


def test_the_commune_gives_the_one_machine_and_the_scalar_results(
    committee, levels, commune_on_one_machine, commune_by_scalar
):
    # the cells have no quota: they stay in 4 partitions, each with cells of the committee, so
    # the committee's roll-ups combine partial counts from all four
    assert levels[1].npartitions == PARTITIONS
    results = evaluate_levels_dask(committee, levels, keep_inputs=True)
    assert len(results) == 3
    computed = dask.compute(*results)
    for actual, expected, scalar in zip(
        computed, commune_on_one_machine, commune_by_scalar, strict=True
    ):
        assert set(expected.columns) < set(actual.columns)  # and the inputs, kept
        actual_polars = pl.from_pandas(actual[expected.columns])
        assert_same_frames(actual_polars, expected)
        assert_as_scalar(actual_polars, scalar)
    assert computed[0]["cells_rated"].tolist() == [21]


def test_the_four_good_cells_give_the_one_machine_and_the_scalar_results(
    cell, levels, cells_on_one_machine, cells_by_scalar
):
    computed = dask.compute(*evaluate_levels_dask(cell, levels[1:]))
    for actual, expected, scalar in zip(
        computed, cells_on_one_machine, cells_by_scalar, strict=True
    ):
        actual_polars = pl.from_pandas(actual)
        assert_same_frames(actual_polars, expected)
        assert_as_scalar(actual_polars, scalar)


def test_a_level_with_quotas_is_evaluated_among_the_units_of_each_parent(member, commune):
    expected = evaluate_frame(member, commune[2], keep_inputs=True)
    actual = to_polars(evaluate_dask(member, to_dask(commune[2]), keep_inputs=True))
    assert_same_frames(actual, expected)
    assert "excellent-at-most-20-percent-of-good" in expected["reasons"].explode().to_list()


@pytest.mark.parametrize("parents", [True, False])
def test_relative_scores_compare_the_units_of_each_parent_or_of_the_level(
    relative_member, commune, parents
):
    members = commune[2] if parents else commune[2].drop("parent")
    expected = evaluate_frame(relative_member, members)
    assert_same_frames(to_polars(evaluate_dask(relative_member, to_dask(members))), expected)
    assert expected["indicator:done"].n_unique() > 3  # the shares differ from cell to cell


def test_weights_decided_by_the_members_are_decided_over_every_partition(entropy_member, commune):
    expected = evaluate_frame(entropy_member, commune[2])
    actual = to_polars(evaluate_dask(entropy_member, to_dask(commune[2])))
    assert_same_frames(actual, expected)
    # the weights differ from the equal ones the file compiles with
    equal = evaluate_frame(entropy_member, commune[2].head(1))
    assert equal["score"][0] != expected["score"][0]


def test_weights_decided_by_each_cells_members_are_decided_in_its_partition(
    entropy_member_by_cell, entropy_member, commune
):
    expected = evaluate_frame(entropy_member_by_cell, commune[2])
    actual = to_polars(evaluate_dask(entropy_member_by_cell, to_dask(commune[2])))
    assert_same_frames(actual, expected)
    overall = evaluate_frame(entropy_member, commune[2])
    assert expected["score"].to_list() != overall["score"].to_list()


def test_lists_held_by_pandas_as_objects_evaluate_as_declared(member, commune):
    with dask.config.set({"dataframe.convert-string": False}):  # else Dask makes them text
        members = to_dask(commune[2], arrow=False)
    assert members.dtypes["monthly_scores"] == np.dtype(object)
    expected = evaluate_frame(member, commune[2])
    assert_same_frames(to_polars(evaluate_dask(member, members)), expected)


def test_without_a_parent_column_quotas_apply_to_the_whole_level(member, commune):
    members = commune[2].drop("parent")
    expected = evaluate_frame(member, members)
    assert_same_frames(to_polars(evaluate_dask(member, to_dask(members))), expected)


def test_orphans_are_refused(cell, commune):
    members = commune[2].head(3).with_columns(pl.Series("parent", ["K0001-C01", "K0001-C99", None]))
    with pytest.raises(DataError) as caught:
        evaluate_levels_dask(cell, [to_dask(commune[1]), to_dask(members)])
    messages = sorted(problem.message for problem in caught.value.problems)
    assert messages == [
        f"unit {members['id'][1]!r} has parent 'K0001-C99', which is not in the level above",
        f"unit {members['id'][2]!r} has no parent",
    ]


def test_bad_values_raise_the_data_error_of_one_machine(member, commune):
    members = commune[2].with_columns(
        tasks_done=pl.when(pl.col("id") == "K0001-C02-M003").then(-1).otherwise("tasks_done")
    )
    with pytest.raises(DataError) as expected:
        evaluate_frame(member, members)
    result = evaluate_dask(member, to_dask(members))
    with pytest.raises(DataError) as caught:
        result.compute()
    (problem,) = expected.value.problems
    assert [(p.message, p.path, p.row) for p in caught.value.problems] == [
        (f"unit 'K0001-C02-M003': {problem.message}", "tasks_done", None)
    ]


def test_a_policy_that_says_fail_raises_an_evaluation_error(cell, cells_alone):
    # alone, the cells miss the inputs their members roll up, and a missing input "fail"s
    result = evaluate_dask(cell, to_dask(cells_alone))
    with pytest.raises(EvaluationError, match="could not be computed"):
        result.compute()


def test_no_levels_give_no_results(cell):
    assert evaluate_levels_dask(cell, []) == []


def test_unevaluable_children_are_refused_when_their_parents_say_so(strict_cell, commune):
    # a member without monthly scores cannot be rated (the mean of nothing divides by zero)
    members = commune[2].with_columns(
        monthly_scores=pl.when(pl.col("id") == "K0001-C01-M002")
        .then(pl.lit([], pl.List(pl.Float64)))
        .otherwise("monthly_scores")
    )
    with pytest.raises(DataError) as caught:
        evaluate_levels_dask(strict_cell, [to_dask(commune[1]), to_dask(members)])
    assert [problem.message for problem in caught.value.problems] == [
        "unit 'K0001-C01-M002' is not evaluable, and its parent's [children] say not_evaluable = \"fail\""
    ]


def test_a_level_below_without_parents_is_refused(cell, commune):
    with pytest.raises(DataError, match="the level below has no column 'parent'"):
        evaluate_levels_dask(cell, [to_dask(commune[1]), to_dask(commune[2].drop("parent"))])


@READ_PARQUET_WARNING
def test_the_dask_example_of_the_docs_evaluates_the_commune(evaluations, commune_on_one_machine):
    namespace: dict[str, object] = {}
    run_docs_sample("dd.read_parquet(", evaluations, namespace)
    for name, expected in zip(
        ("committees", "cells", "members"), commune_on_one_machine, strict=True
    ):
        assert_same_frames(pl.from_pandas(namespace[name]), expected)
