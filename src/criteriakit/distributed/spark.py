"""Evaluating on Spark: each partition through the columnar executor, with ``mapInArrow``.

A partition arrives as Arrow batches, becomes one Polars frame, is evaluated by
:func:`criteriakit.columnar.evaluate_frame` and goes back as Arrow, with the schema found by
evaluating an empty frame of the input's schema. The frameworks travel as data and are rebuilt
once per Python worker; the plugins that give them functions, scorer types, weightings or
evaluation hooks must be installed on the workers (see ``docs/clusters.md``).

Quotas apply among the units of one parent, so a level with quotas is repartitioned by its
parent column first. Roll-ups are reduced per partition to partial counts, combined by Spark's
``groupBy().agg()``, finished, and joined onto the level above by unit id.

Results are computed and persisted by these calls, so that a criteriakit error raised on a
worker (bad values, a policy that says "fail") is raised here as the same
:class:`~criteriakit.DataError` or :class:`~criteriakit.EvaluationError` as on one machine, and
so that each level is computed once although the level above reads it too. Call
``unpersist()`` on the results when done with them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Mapping, Sequence

import attrs
import polars as pl
import pyarrow as pa
from pyspark.errors import PythonException
from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as F  # noqa: N812  the name every Spark program uses
from pyspark.sql.pandas.types import from_arrow_schema, to_arrow_schema
from pyspark.sql.types import StructType

from criteriakit.compiling.inputs import UnknownInputs
from criteriakit.distributed._plan import ROLLED, Combine, Step, evaluate_levels
from criteriakit.distributed._shipped import ship, unship
from criteriakit.errors import CriteriaKitError
from criteriakit.scalar.framework import Framework

__all__ = ["evaluate_levels_spark", "evaluate_spark"]

_KEY = f"{ROLLED}key"
_COMBINE: Mapping[Combine, Callable[[Column], Column]] = {
    "sum": F.sum,
    "min": F.min,
    "max": F.max,
}


def evaluate_spark(
    framework: Framework,
    frame: DataFrame,
    *,
    unit_column: str = "id",
    parent_column: str = "parent",
    keep_inputs: bool = False,
    unknown_inputs: UnknownInputs = "error",
) -> DataFrame:
    """Evaluate every row of ``frame`` (one unit per row, inputs as columns) on Spark.

    Returns the columns of :func:`criteriakit.columnar.evaluate_frame`: ``unit``, ``parent``
    (if ``frame`` has ``parent_column``), ``evaluable``, ``score``, ``band_tier``, ``tier``,
    ``reasons``, one ``criterion:<id>`` per criterion, and with ``keep_inputs`` the declared
    inputs. Quotas apply among the rows sharing ``parent_column`` (all rows without it).
    Columns that are no declared input are an error unless ``unknown_inputs="ignore"``.
    Raises :class:`~criteriakit.DataError` for bad values and
    :class:`~criteriakit.EvaluationError` when the policy says "fail".
    """
    (result,) = evaluate_levels_spark(
        framework,
        [frame],
        unit_column=unit_column,
        parent_column=parent_column,
        keep_inputs=keep_inputs,
        unknown_inputs=unknown_inputs,
    )
    return result


def evaluate_levels_spark(
    framework: Framework,
    levels: Sequence[DataFrame],
    *,
    unit_column: str = "id",
    parent_column: str = "parent",
    keep_inputs: bool = False,
    unknown_inputs: UnknownInputs = "error",
) -> list[DataFrame]:
    """Evaluate a hierarchy on Spark: ``levels[0]`` with ``framework``, ``levels[1]`` below it.

    Like :func:`criteriakit.evaluate_levels_frame`, levels are given and returned top first;
    the units of each level below the top name their parent in ``parent_column``. Raises
    :class:`~criteriakit.DataError` for orphans (children whose parent is not in the level
    above) and bad values, :class:`~criteriakit.EvaluationError` when the policy says "fail".
    """
    with _raised_here():
        return evaluate_levels(
            _Spark(),
            framework,
            levels,
            unit_column=unit_column,
            parent_column=parent_column,
            keep_inputs=keep_inputs,
            unknown_inputs=unknown_inputs,
        )


@contextlib.contextmanager
def _raised_here() -> Iterator[None]:
    """Raise a criteriakit error that a worker raised as itself, not as Spark's report of it."""
    try:
        yield
    except PythonException as error:
        shipped = unship(str(error))
        if shipped is None:
            raise
        raise shipped from None


def _column(name: str) -> Column:
    """Return the column ``name`` taken literally (names such as ``criterion:1.1`` have dots)."""
    return F.col("`" + name.replace("`", "``") + "`")


def _narrow(kind: pa.DataType) -> pa.DataType:
    """Return ``kind`` with 32-bit offsets, as Spark takes it: Polars writes large strings and lists."""
    if pa.types.is_large_string(kind) or pa.types.is_string_view(kind):
        return pa.string()
    if pa.types.is_large_binary(kind) or pa.types.is_binary_view(kind):
        return pa.binary()
    if pa.types.is_large_list(kind) or pa.types.is_list(kind) or pa.types.is_list_view(kind):
        return pa.list_(_narrow(kind.value_type))
    if pa.types.is_struct(kind):
        return pa.struct([field.with_type(_narrow(field.type)) for field in kind])
    return kind


def _spark_schema(empty: pl.DataFrame) -> StructType:
    arrow = empty.to_arrow().schema
    return from_arrow_schema(pa.schema([field.with_type(_narrow(field.type)) for field in arrow]))


@attrs.frozen
class _ArrowStep:
    """A step as ``mapInArrow`` runs it: a whole partition's batches in, batches of ``schema`` out.

    The input columns arrive renamed by position (see :meth:`_Spark.apply`) and get back their
    ``names`` here.
    """

    step: Step
    schema: pa.Schema
    names: tuple[str, ...]

    def __call__(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        received = list(batches)
        if not received:
            return
        table = pa.Table.from_batches(received).rename_columns(self.names)
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)  # noqa: S101  a table gives a frame, not a series
        try:
            result = self.step(frame)
        except CriteriaKitError as error:
            raise RuntimeError(ship(error)) from None
        yield from result.to_arrow().cast(self.schema).to_batches()


class _Spark:
    """The engine primitives of :mod:`criteriakit.distributed._plan`, on Spark DataFrames."""

    def schema(self, frame: DataFrame) -> pl.DataFrame:
        empty = pl.from_arrow(to_arrow_schema(frame.schema).empty_table())
        assert isinstance(empty, pl.DataFrame)  # noqa: S101  a table gives a frame, not a series
        return empty

    def apply(self, frame: DataFrame, step: Step, output: pl.DataFrame) -> DataFrame:
        # mapInArrow resolves its input columns by name, which fails for names with dots
        # (criterion:1.1): they cross it renamed by position
        names = tuple(frame.columns)
        positional = frame.toDF(*(f"_{index}" for index in range(len(names))))
        schema = _spark_schema(output)
        return positional.mapInArrow(_ArrowStep(step, to_arrow_schema(schema), names), schema)

    def group(self, frame: DataFrame, column: str | None) -> DataFrame:
        return frame.repartition(1) if column is None else frame.repartition(_column(column))

    def combine(self, frame: DataFrame, key: str, how: Mapping[str, Combine]) -> DataFrame:
        if not how:
            return frame.select(_column(key)).distinct()
        return frame.groupBy(_column(key)).agg(
            *(_COMBINE[combine](_column(name)).alias(name) for name, combine in how.items())
        )

    def join_rolled(self, frame: DataFrame, rolled: DataFrame, unit_column: str) -> DataFrame:
        unit = _column(unit_column).cast("string")
        return frame.join(rolled, unit == _column(f"{ROLLED}unit").cast("string"), "left")

    def orphans(
        self,
        children: DataFrame,
        parents: DataFrame,
        *,
        unit_column: str,
        parent_column: str,
        limit: int,
    ) -> list[tuple[object, object]]:
        keys = parents.select(_column(unit_column).cast("string").alias(_KEY))
        parent = _column(parent_column).cast("string")
        found = (
            children.join(keys, parent == _column(_KEY), "left_anti")
            .select(_column(unit_column), _column(parent_column))
            .limit(limit)
            .collect()
        )
        return [(row[0], row[1]) for row in found]

    def unevaluable(self, results: DataFrame, *, limit: int) -> list[object]:
        found = results.where(~_column("evaluable")).select(_column("unit")).limit(limit).collect()
        return [row[0] for row in found]

    def select(self, frame: DataFrame, columns: Sequence[str]) -> DataFrame:
        return frame.select(*(_column(name) for name in columns))

    def done(self, frame: DataFrame) -> DataFrame:
        frame = frame.persist()
        try:
            frame.count()
        except BaseException:
            frame.unpersist()
            raise
        return frame

    def release(self, frame: DataFrame) -> None:
        frame.unpersist()
