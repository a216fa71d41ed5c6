"""Evaluating on Dask: each partition through the columnar executor, with ``map_partitions``.

A partition (a pandas frame) becomes a Polars frame, is evaluated by
:func:`criteriakit.columnar.evaluate_frame` and goes back as a pandas frame with Arrow-backed
columns; ``meta`` is the same evaluation of an empty frame with the input's dtypes. Columns of
``object`` dtype (lists and records, as pandas holds them) take their type from the framework's
declared inputs. The frameworks travel as data and are rebuilt once per worker process; the
plugins that give them functions, scorer types, weightings or evaluation hooks must be installed
on the workers (see ``docs/clusters.md``).

Quotas apply among the units of one parent, so a level with quotas is shuffled on its parent
column first. Roll-ups are reduced per partition to partial counts, combined by Dask's
``groupby().agg()``, finished, and merged onto the level above by unit id. Shuffles and merges
of frames with list, record or ``object`` columns are task-based: on a distributed cluster Dask
would use its P2P shuffle, which cannot move them (see :func:`_shuffle_method`).

The results are lazy, like any Dask frame: bad values and policy failures raise
:class:`~criteriakit.DataError` and :class:`~criteriakit.EvaluationError` when they are computed.
Orphans, and unevaluable children their parents refuse, are looked for at once. Compute the levels together
(``dask.compute(*levels)``) so that the steps they share run once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import attrs
import dask.dataframe as dd
import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa

from criteriakit.compiling.inputs import UnknownInputs
from criteriakit.distributed._plan import ROLLED, Combine, Step, evaluate_levels
from criteriakit.scalar.framework import Framework

__all__ = ["evaluate_dask", "evaluate_levels_dask"]

_KEY = f"{ROLLED}key"


def evaluate_dask(
    framework: Framework,
    frame: dd.DataFrame,
    *,
    unit_column: str = "id",
    parent_column: str = "parent",
    keep_inputs: bool = False,
    unknown_inputs: UnknownInputs = "error",
) -> dd.DataFrame:
    """Evaluate every row of ``frame`` (one unit per row, inputs as columns) on Dask.

    Returns the columns of :func:`criteriakit.columnar.evaluate_frame`: ``unit``, ``parent``
    (if ``frame`` has ``parent_column``), ``evaluable``, ``score``, ``band_tier``, ``tier``,
    ``reasons``, one ``criterion:<id>`` per criterion, and with ``keep_inputs`` the declared
    inputs. Quotas apply among the rows sharing ``parent_column`` (all rows without it).
    Columns that are no declared input are an error unless ``unknown_inputs="ignore"``.
    Computing the result raises :class:`~criteriakit.DataError` for bad values and
    :class:`~criteriakit.EvaluationError` when the policy says "fail".
    """
    (result,) = evaluate_levels_dask(
        framework,
        [frame],
        unit_column=unit_column,
        parent_column=parent_column,
        keep_inputs=keep_inputs,
        unknown_inputs=unknown_inputs,
    )
    return result


def evaluate_levels_dask(
    framework: Framework,
    levels: Sequence[dd.DataFrame],
    *,
    unit_column: str = "id",
    parent_column: str = "parent",
    keep_inputs: bool = False,
    unknown_inputs: UnknownInputs = "error",
) -> list[dd.DataFrame]:
    """Evaluate a hierarchy on Dask: ``levels[0]`` with ``framework``, ``levels[1]`` below it.

    Like :func:`criteriakit.evaluate_levels_frame`, levels are given and returned top first;
    the units of each level below the top name their parent in ``parent_column``. Raises
    :class:`~criteriakit.DataError` for orphans (children whose parent is not in the level
    above); bad values and policy failures raise when the results are computed.
    """
    return evaluate_levels(
        _Dask(),
        framework,
        levels,
        unit_column=unit_column,
        parent_column=parent_column,
        keep_inputs=keep_inputs,
        unknown_inputs=unknown_inputs,
    )


@attrs.frozen
class _PandasStep:
    """A step as ``map_partitions`` runs it: a pandas partition in, a pandas frame out."""

    step: Step

    def __call__(self, partition: pd.DataFrame) -> pd.DataFrame:
        result: pd.DataFrame = self.step(pl.from_pandas(partition)).to_pandas(
            use_pyarrow_extension_array=True
        )
        return result


def _shuffle_method(frame: dd.DataFrame) -> str | None:
    """Dask's own choice of shuffle for ``frame``, unless it has columns P2P cannot move.

    With a distributed client, Dask shuffles and merges with P2P, which moves partitions as
    Arrow tables and rebuilds pandas frames from their metadata: that fails for nested Arrow
    columns (lists, records: pandas cannot read their dtype names back), and lists held in
    ``object`` columns come back as NumPy arrays. The task-based shuffle pickles partitions whole.
    """
    for dtype in frame.dtypes:
        nested = isinstance(dtype, pd.ArrowDtype) and pa.types.is_nested(dtype.pyarrow_dtype)
        if nested or dtype == np.dtype(object):
            return "tasks"
    return None


class _Dask:
    """The engine primitives of :mod:`criteriakit.distributed._plan`, on Dask DataFrames."""

    def schema(self, frame: dd.DataFrame) -> pl.DataFrame:
        dtypes = {str(name): dtype for name, dtype in frame.dtypes.items()}
        empty = pl.from_pandas(
            pd.DataFrame({name: pd.Series([], dtype=dtype) for name, dtype in dtypes.items()})
        )
        # pandas holds lists and records as objects: typeless, so that they cast as declared
        objects = [name for name, dtype in dtypes.items() if dtype == np.dtype(object)]
        return empty.with_columns(pl.lit(None).alias(name) for name in objects)

    def apply(self, frame: dd.DataFrame, step: Step, output: pl.DataFrame) -> dd.DataFrame:
        meta = output.to_pandas(use_pyarrow_extension_array=True)
        return frame.map_partitions(_PandasStep(step), meta=meta)

    def group(self, frame: dd.DataFrame, column: str | None) -> dd.DataFrame:
        if column is None:
            return frame.repartition(npartitions=1)
        return frame.shuffle(on=column, shuffle_method=_shuffle_method(frame))

    def combine(self, frame: dd.DataFrame, key: str, how: Mapping[str, Combine]) -> dd.DataFrame:
        if not how:
            return frame[[key]].drop_duplicates()
        return frame.groupby(key).agg(dict(how)).reset_index()

    def join_rolled(
        self, frame: dd.DataFrame, rolled: dd.DataFrame, unit_column: str
    ) -> dd.DataFrame:
        key = f"{ROLLED}unit"
        rolled = rolled.astype({key: frame.dtypes[unit_column]})
        return frame.merge(
            rolled,
            how="left",
            left_on=unit_column,
            right_on=key,
            shuffle_method=_shuffle_method(frame),
        )

    def orphans(
        self,
        children: dd.DataFrame,
        parents: dd.DataFrame,
        *,
        unit_column: str,
        parent_column: str,
        limit: int,
    ) -> list[tuple[object, object]]:
        keys = (
            parents[[unit_column]]
            .dropna()
            .drop_duplicates()
            .rename(columns={unit_column: _KEY})
            .astype({_KEY: children.dtypes[parent_column]})
        )
        merged = children[[unit_column, parent_column]].merge(
            keys, how="left", left_on=parent_column, right_on=_KEY, indicator=True
        )
        found = merged[merged["_merge"] == "left_only"][[unit_column, parent_column]]
        rows = found.compute().head(limit)
        return [
            (unit, None if pd.isna(parent) else parent)
            for unit, parent in zip(
                rows[unit_column].tolist(), rows[parent_column].tolist(), strict=True
            )
        ]

    def unevaluable(self, results: dd.DataFrame, *, limit: int) -> list[object]:
        units: list[object] = results[~results["evaluable"]]["unit"].compute().head(limit).tolist()
        return units

    def select(self, frame: dd.DataFrame, columns: Sequence[str]) -> dd.DataFrame:
        return frame[list(columns)]

    def done(self, frame: dd.DataFrame) -> dd.DataFrame:
        return frame

    def release(self, frame: dd.DataFrame) -> None:
        pass  # nothing is kept: results stay lazy
