"""The columnar executor: a whole population evaluated as column expressions, not a Python loop.

``evaluate_frame(framework, frame)`` reads the data by the scalar readers' rules, converts and
checks the inputs as columns, runs the framework's plan (:mod:`.plan`) and returns the result
table (:mod:`criteriakit.render.table`): the same columns and values as the scalar engine's, in
the caller's kind of frame. One pass over the data computes the results and flags the rows with
problems; only when a row is flagged are the first such rows checked again by the scalar
checker, so that errors read exactly as the scalar engine's (see
:mod:`criteriakit.scalar.hierarchy` for the order in which problems are found). A ``fail`` policy
stops at the first unit it applies to, which the scalar executor then evaluates to say why.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

import attrs
import polars as pl

from criteriakit import limits
from criteriakit.columnar.floats import constant_columns, rounded
from criteriakit.columnar.frames import MAX_PIECES, Opened, id_dtype, open_frame
from criteriakit.columnar.hooks import carried_for_checks, refuse_result_adjusters, validate_by_rows
from criteriakit.columnar.inputs import (
    ROW,
    converted_inputs,
    id_checks,
    input_dtype,
    may_repeat,
    nulled_blanks,
    repeated,
    report_bad_rows,
    value_problems,
    within,
)
from criteriakit.columnar.numbers import Numbers, number_columns
from criteriakit.columnar.plan import (
    constants,
    decoded_reasons,
    evaluated,
    fail_columns,
    mask_columns,
    relative_column,
    shown_criterion,
    tier_names,
)
from criteriakit.columnar.ranking import RANK, RANK_SCORE
from criteriakit.columnar.rollups import join_rollups
from criteriakit.compiling.columns import check_columns
from criteriakit.compiling.compiled import CompiledFramework
from criteriakit.compiling.inputs import UnknownInputs
from criteriakit.compiling.scoring import Relative, relative_key
from criteriakit.errors import DataError, EvaluationError, Problem
from criteriakit.expressions import Undefined
from criteriakit.render.table import FIXED_COLUMNS
from criteriakit.scalar.framework import Framework
from criteriakit.scalar.hierarchy import checked_rows, first_given
from criteriakit.scalar.population import Standing, refused
from criteriakit.scalar.weighing import weighed

__all__ = ["PARENT", "UNIT", "check_opened", "evaluate_frame", "evaluate_lazy", "evaluate_opened"]

UNIT = "unit"
PARENT = "parent"
_ID_SUSPECT = "__id_suspect"
_FAILED = "__failed"
_GROUP = "__group"
_VALUES_BAD = "__values_bad"
_PROBLEMS = "__problems"


def _output(compiled: CompiledFramework, keep_inputs: Sequence[str]) -> list[pl.Expr]:
    """Return the columns of the result table (see :mod:`criteriakit.render.table`) that vary.

    The columns every row shares are added after the pass (:func:`_with_constants`).
    """
    tiers = [tier.id for tier in compiled.tiers]
    blocked = pl.col("_blocked")
    return [
        pl.col(UNIT),
        pl.col(PARENT),
        (~blocked).alias("evaluable"),
        pl.when(~blocked).then(pl.col("_score")).alias("score"),
        tier_names(pl.col("_band"), tiers).alias("band_tier"),
        tier_names(pl.col("_final"), tiers).alias("tier"),
        *(  # decoded after the collect; -1 where not evaluable
            pl.when(blocked).then(-1).otherwise(pl.col(word)).alias(word)
            for word in mask_columns(compiled)
        ),
        *(
            [pl.col(RANK).alias("rank"), pl.col(RANK_SCORE).alias("rank_score")]
            if compiled.ranking is not None
            else []
        ),
        *(
            rounded(shown_criterion(index)).alias(f"criterion:{criterion.id}")
            for index, criterion in enumerate(compiled.criteria)
        ),
        *(
            rounded(pl.col(f"_p{ordinal}")).alias(f"indicator:{indicator.id}")
            for ordinal, indicator in enumerate(compiled.indicators)
        ),
        *(pl.col(name) for name in keep_inputs),
    ]


def _with_constants(compiled: CompiledFramework, table: pl.DataFrame) -> pl.DataFrame:
    """Add the columns every row shares to ``table``, in the result table's order.

    A literal added to a frame stays one value until read, which a streamed pass, writing it
    out in every batch, cannot do.
    """
    constants = [
        pl.lit(compiled.id, pl.String).alias("framework"),
        pl.lit(compiled.version, pl.String).alias("version"),
        pl.lit(compiled.max_score).alias("max_score"),
    ]
    fixed = [name for name, _ in FIXED_COLUMNS]
    rest = [name for name in table.columns if name not in fixed]
    return table.with_columns(constants).select(*fixed, *rest)


def _schema(lazy: pl.LazyFrame, source: str | None) -> Mapping[str, pl.DataType]:
    try:
        return lazy.collect_schema()
    except pl.exceptions.PolarsError as error:
        raise DataError([Problem(f"cannot read the data: {error}", file=source)]) from None


@attrs.frozen
class _Reread:
    """What the error paths read again: the data as given and as joined to its roll-ups.

    The one pass over the data only says whether a row has a bad value; ``flags`` (on the data
    as given) and ``outside`` (rolled-up inputs out of bounds, on the joined data) count them.
    """

    raw: pl.LazyFrame
    joined: pl.LazyFrame
    id_bad: pl.Expr
    flags: tuple[pl.Expr, ...]
    outside: tuple[pl.Expr, ...]
    rolled: tuple[str, ...]

    def rows(self, rows: Collection[int]) -> pl.DataFrame:
        """Return the data's own values of ``rows``, with their rolled-up inputs (as evaluated)."""
        wanted = pl.col(ROW).is_in(list(rows))
        found = self.raw.filter(wanted).collect()
        if self.rolled:
            values = self.joined.filter(wanted).select(ROW, *self.rolled).collect()
            found = found.join(values, on=ROW, how="left", maintain_order="left")
        return found

    def bad_ids(self) -> pl.Series:
        """Return whether each row's id (or parent id) is bad, in row order."""
        return self.raw.select(self.id_bad).collect().to_series()

    def bad_values(self) -> pl.Series:
        """Return each row's number of bad values (one problem each), in row order."""
        counts = self.raw.select(value_problems(self.flags)).collect().to_series()
        if self.outside:
            rolled = self.joined.select(value_problems(self.outside)).collect().to_series()
            counts = counts + rolled
        return counts


def _report(
    compiled: CompiledFramework,
    result: pl.DataFrame,
    reread: _Reread,
    *,
    unit_column: str,
    parent_column: str,
    source: str | None,
) -> None:
    """Raise the scalar reader's DataError for the flagged rows, if any (see the module docs).

    A row with an unusable id (missing, malformed, repeated) has that one problem; any other
    row one per bad value.
    """
    whole = pl.lit(reread.bad_ids()) | repeated(pl.col(UNIT))
    counts = pl.when(whole).then(pl.lit(1, pl.UInt32)).otherwise(reread.bad_values())
    counted = result.select(ROW, UNIT, counts.alias(_PROBLEMS))
    total = int(counted[_PROBLEMS].sum())
    if not total:
        return
    bad = counted.filter(pl.col(_PROBLEMS) > 0)
    before = bad[_PROBLEMS].cum_sum() - bad[_PROBLEMS]
    rows = bad.filter(before < limits.current().reported_problems)[ROW].to_list()
    units = bad.filter(pl.col(ROW).is_in(rows))[UNIT].drop_nulls().implode()
    first = counted.filter(pl.col(UNIT).is_in(units)).group_by(UNIT).agg(pl.col(ROW).min())
    report_bad_rows(
        compiled,
        reread.rows(rows),
        total=total,
        unit_column=unit_column,
        parent_column=parent_column,
        first_rows={str(unit): row for unit, row in first.iter_rows()},
        source=source,
    )


def _standing(share: float | None, value: object, form: Relative) -> Standing:
    """Return a relative indicator's standing as the scalar scorer reads it, from its share.

    Only the unit's own value is scored (to say why a ``fail`` policy stopped it).
    """
    if share is not None:
        return Standing(form, value, share)
    why = refused(form) or Undefined("division-by-zero", "the share is not a finite number")
    return Standing(form, value, why)


def _raise_failure(
    framework_of: Callable[[int], Framework],
    result: pl.DataFrame,
    reread: _Reread,
    source: str | None,
) -> None:
    """Raise the EvaluationError of the first unit a ``fail`` policy stops at, if any.

    ``framework_of`` gives the framework of a row (each parent's, where their weights differ).
    """
    failed = result.filter(_FAILED)
    if failed.is_empty():
        return
    row = int(failed[ROW].min())  # type: ignore[arg-type]
    framework = framework_of(row)
    record = reread.rows([row]).row(0, named=True)
    names = framework.compiled.declared
    values = framework.compiled.inputs.check(
        {name: value for name, value in record.items() if name in names and value is not None},
        row=row,
        unknown="ignore",
        source=source,
    )
    found = result.filter(pl.col(ROW) == row)
    unit = str(found[UNIT][0])
    population = {
        relative_key(form.indicator): _standing(
            found[relative_column(ordinal)][0], found[f"_v{ordinal}"][0], form
        )
        for ordinal, form in framework.compiled.relative
    }
    try:
        framework.evaluate_checked(values, unit, validate=False, population=population)
    except EvaluationError as error:
        raise error.located(source, row) from None
    message = f"unit {unit!r} could not be evaluated"  # the engines disagree: say so plainly
    raise EvaluationError(message, unit=unit, file=source, row=row)


@attrs.frozen
class _Decided:
    """The frameworks with the weights the units decided (:mod:`criteriakit.scalar.weighing`).

    ``frameworks`` holds one per group of units that decided weights together, and ``groups``
    each row's group among them; ``framework`` is the first (every unit's, when all the units
    decided together, or the framework's weights are not the units' to decide).
    """

    frameworks: list[Framework]
    groups: list[int] = attrs.field(factory=list)

    @property
    def framework(self) -> Framework:
        return self.frameworks[0]

    @property
    def by_row(self) -> bool:
        """Whether the units were weighed in several groups (each parent's apart)."""
        return len(self.frameworks) > 1

    @property
    def numbers(self) -> Numbers:
        """The numbers the weights decide, as the plan reads them (each row's, where they differ)."""
        return Numbers.of(self.framework.compiled, by_row=self.by_row)

    def of_row(self, row: int) -> Framework:
        """Return the framework of the unit at ``row`` (counted from 1)."""
        return self.frameworks[self.groups[row - 1]] if self.by_row else self.framework

    def with_numbers(self, frame: pl.LazyFrame) -> pl.LazyFrame:
        """Add to ``frame`` (a row per unit) each row's numbers its weights decide, if they differ.

        See :func:`~criteriakit.columnar.numbers.number_columns`.
        """
        if not self.by_row:
            return frame
        compiled = [framework.compiled for framework in self.frameworks]
        return pl.concat([frame, number_columns(self.groups, compiled).lazy()], how="horizontal")


def _decided(
    framework: Framework,
    lazy: pl.LazyFrame,
    unit_column: str,
    parent_column: str,
    **arguments: Any,
) -> _Decided:
    """Return ``framework`` with the weights its units decide, per group of units.

    The units are evaluated once with the file's provisional (equal) weights to decide them.
    """
    if not framework.compiled.data_weights:
        return _Decided([framework])
    compiled = attrs.evolve(framework.compiled, data_weights=())
    provisional = evaluate_lazy(
        attrs.evolve(framework, compiled=compiled),
        lazy,
        unit_column=unit_column,
        parent_column=parent_column,
        **arguments,
    )
    points = {
        indicator.id: provisional[f"indicator:{indicator.id}"].to_list()
        for indicator in framework.compiled.indicators
    }
    parents = provisional["parent"].to_list()
    found = weighed(framework, points, provisional["evaluable"].to_list(), parents)
    groups = [0] * len(parents)
    for index, (members, _) in enumerate(found):
        for member in members:
            groups[member] = index
    return _Decided([decided for _, decided in found], groups)


def evaluate_lazy(
    framework: Framework,
    lazy: pl.LazyFrame,
    *,
    unit_column: str = "id",
    parent_column: str = "parent",
    rolled_up: pl.LazyFrame | None = None,
    keep_inputs: bool | Collection[str] = False,
    source: str | None = None,
) -> pl.DataFrame:
    """Evaluate a Polars lazy frame whose columns are already checked; return a Polars table.

    ``keep_inputs`` may also name the inputs to keep. The ``unit`` and ``parent`` columns hold
    the ids as text or integers; :func:`evaluate_opened` gives them the caller's types. A
    framework whose weights the units decide evaluates them twice: once to decide them
    (:mod:`criteriakit.scalar.weighing`), once with them.
    """
    decided = _decided(
        framework, lazy, unit_column, parent_column, rolled_up=rolled_up, source=source
    )
    framework, compiled = decided.framework, decided.framework.compiled
    refuse_result_adjusters(framework)
    schema = _schema(lazy, source)
    rolled = [name for name, _ in compiled.rollups] if rolled_up is not None else []
    raw = lazy.with_row_index(ROW, offset=1)
    ids = id_checks(schema, unit_column, parent_column)
    columns, flags = converted_inputs(compiled, schema, skip=rolled)
    frame = decided.with_numbers(
        raw.select(
            ROW,
            ids.unit.alias(UNIT),
            ids.parent.alias(PARENT),
            *([ids.group.alias(_GROUP)] if compiled.compares_units is not None else []),
            ids.id_suspect.alias(_ID_SUSPECT),
            *constant_columns(constants(compiled, decided.numbers), pl.col(ROW)),
            *columns,
            pl.any_horizontal(pl.lit(value=False), *flags).alias(_VALUES_BAD),
        )
    )
    joined = frame
    outside: list[pl.Expr] = []
    if rolled_up is not None:
        joined = join_rollups(compiled, frame, rolled_up, unit=UNIT)
        inputs = compiled.declared
        outside = [
            pl.col(name).is_not_null() & ~within(inputs[name], pl.col(name)).fill_null(value=False)
            for name in rolled
        ]
        joined = joined.with_columns(pl.any_horizontal(_VALUES_BAD, *outside).alias(_VALUES_BAD))
    reread = _Reread(raw, joined, ids.id_bad, tuple(flags), tuple(outside), tuple(rolled))
    planned = evaluated(compiled, joined, row=ROW, unit=UNIT, group=_GROUP, numbers=decided.numbers)
    kept = list(compiled.declared) if keep_inputs is True else list(keep_inputs or ())
    checked: dict[str, str] = {}
    failures = [pl.col(column) for column in fail_columns(compiled)]
    extra = [pl.col(_ID_SUSPECT), pl.col(_VALUES_BAD), pl.col(ROW)]
    extra.append(pl.any_horizontal(failures).alias(_FAILED))
    for ordinal, _ in compiled.relative:
        extra += [pl.col(relative_column(ordinal)), pl.col(f"_v{ordinal}")]
    checked = carried_for_checks(framework, planned)
    extra += [pl.col(name).alias(column) for name, column in checked.items()]
    try:
        result = planned.select(*_output(compiled, kept), *extra).collect()
    except pl.exceptions.PolarsError as error:
        problem = Problem(
            f"the data could not be read as columns: {error}",
            file=source,
            hint="evaluate these data with the scalar engine (--engine scalar)",
        )
        raise DataError([problem], source=source) from None
    if result[_ID_SUSPECT].any() or result[_VALUES_BAD].any() or may_repeat(result[UNIT]):
        _report(
            compiled,
            result,
            reread,
            unit_column=unit_column,
            parent_column=parent_column,
            source=source,
        )
    if checked:
        validate_by_rows(framework, result, ROW, checked, source)
    _raise_failure(decided.of_row, result, reread, source)
    masks = mask_columns(compiled)
    collected = dict(zip(result.columns, result.get_columns(), strict=True))
    collected[PARENT] = nulled_blanks(collected[PARENT])
    del result  # the hidden columns are freed with ``collected``
    hidden = {_ID_SUSPECT, _VALUES_BAD, ROW, _FAILED}
    for ordinal, _ in compiled.relative:
        hidden |= {relative_column(ordinal), f"_v{ordinal}"}
    hidden |= set(checked.values())
    reasons = decoded_reasons(compiled, pl.DataFrame([collected[name] for name in masks]))
    order = list(collected)
    table = order.index(masks[0])
    order[table : table + len(masks)] = ["reasons"]
    collected["reasons"] = reasons
    return _with_constants(compiled, _aligned(collected, [n for n in order if n not in hidden]))


def _aligned(columns: dict[str, pl.Series], order: list[str]) -> pl.DataFrame:
    """Return the frame of ``columns`` in ``order``, every column cut into the same pieces.

    A collected frame comes in pieces (one per streamed batch), its constant columns in one;
    and any frame operation on columns cut differently copies them all into one piece at once,
    doubling the memory of a million-row table. A column in one piece is cut by zero-copy
    slices instead; a column cut otherwise (none is, today) is copied on its own.
    """
    kept = [columns.pop(name) for name in order]
    columns.clear()  # the hidden columns are freed here
    lengths = max((column.chunk_lengths() for column in kept), key=len)
    if len(lengths) > MAX_PIECES:  # crumbs cost more to cut alike than to copy: one piece each
        return pl.DataFrame([kept.pop(0).rechunk() for _ in range(len(kept))])
    for index, column in enumerate(kept):
        if column.chunk_lengths() != lengths:
            whole = column.rechunk()
            offsets = itertools.accumulate([0, *lengths[:-1]])
            pieces = [
                whole.slice(start, length) for start, length in zip(offsets, lengths, strict=True)
            ]
            kept[index] = pl.concat(pieces, rechunk=False)
    return pl.DataFrame(kept)


def _given(lazy: pl.LazyFrame, names: Sequence[str]) -> dict[str, int]:
    """Return, of ``names``, the columns some row gives a value for, with the first such row."""
    schema = lazy.collect_schema()
    present = [name for name in names if name in schema]
    if not present:
        return {}

    def has_value(name: str) -> pl.Expr:
        column = pl.col(name)
        if schema[name] == pl.String:
            return column.is_not_null() & (column != "")
        return column.is_not_null()

    firsts = (
        lazy.with_row_index(ROW, offset=1)
        .select(pl.col(ROW).filter(has_value(name)).min().alias(name) for name in present)
        .collect()
        .row(0, named=True)
    )
    return {name: int(row) for name, row in firsts.items() if row is not None}


def check_opened(
    framework: Framework,
    opened: Opened,
    *,
    rolled_up: bool,
    unit_column: str,
    parent_column: str,
    unknown_inputs: UnknownInputs,
) -> None:
    """Check one level's columns, as :func:`criteriakit.compiling.columns.check_columns` says."""
    rolled = [name for name, _ in framework.compiled.rollups] if rolled_up else []
    if opened.level is not None:
        level = opened.level
        if level.columns is None:  # JSON without a single unit: nothing to check
            return
        columns, has_ids = level.columns, level.has_ids
        given = first_given(level, rolled)
    else:
        assert opened.lazy is not None  # noqa: S101  a frame, when not JSON rows
        schema = _schema(opened.lazy, opened.source)
        columns = tuple(name for name in schema if name not in {unit_column, parent_column})
        has_ids = unit_column in schema
        given = _given(opened.lazy, rolled)
    check_columns(
        framework.compiled,
        columns,
        source=opened.source,
        id_column=unit_column,
        has_ids=has_ids,
        unknown=unknown_inputs,
        rolled_up=rolled,
        given=given,
    )


def _checked_frame(
    framework: Framework,
    opened: Opened,
    rolled_up: pl.LazyFrame | None,
    unit_column: str,
    parent_column: str,
) -> pl.LazyFrame:
    """Return a JSON level's rows, checked by the scalar checker, as typed columns."""
    level = opened.level
    assert level is not None  # noqa: S101  only JSON levels come as rows
    extra: dict[str, dict[str, object]] | None = None
    if rolled_up is not None:
        units = pl.LazyFrame({UNIT: [row.unit for row in level.rows]}, schema={UNIT: pl.String})
        names = [name for name, _ in framework.compiled.rollups]
        joined = join_rollups(framework.compiled, units, rolled_up, unit=UNIT).collect()
        extra = {
            row[UNIT]: {name: row[name] for name in names if row[name] is not None}
            for row in joined.iter_rows(named=True)
            if row[UNIT] is not None
        }
    rows = checked_rows(framework, level, extra=extra)
    inputs = framework.compiled.declared
    data: dict[str, pl.Series] = {
        unit_column: pl.Series([unit.unit for unit, _ in rows], dtype=pl.String),
        parent_column: pl.Series([unit.parent for unit, _ in rows], dtype=pl.String),
    }
    for name, spec in inputs.items():
        data[name] = pl.Series([values.get(name) for _, values in rows], dtype=input_dtype(spec))
    return pl.DataFrame(data).lazy()


def evaluate_opened(
    framework: Framework,
    opened: Opened,
    *,
    unit_column: str,
    parent_column: str,
    rolled_up: pl.LazyFrame | None = None,
    keep_inputs: bool | Collection[str] = False,
) -> pl.DataFrame:
    """Evaluate a level opened by :func:`~criteriakit.columnar.frames.open_frame`.

    The ``unit`` and ``parent`` columns get the types of the data's id columns.
    """
    if opened.level is not None:
        lazy = _checked_frame(framework, opened, rolled_up, unit_column, parent_column)
        rolled_up = None
    else:
        assert opened.lazy is not None  # noqa: S101  a frame, when not JSON rows
        lazy = opened.lazy
    result = evaluate_lazy(
        framework,
        lazy,
        unit_column=unit_column,
        parent_column=parent_column,
        rolled_up=rolled_up,
        keep_inputs=keep_inputs,
        source=opened.source,
    )
    return result.with_columns(
        pl.col(UNIT).cast(id_dtype(opened, unit_column)),
        pl.col(PARENT).cast(id_dtype(opened, parent_column)),
    )


def evaluate_frame(
    framework: Framework,
    frame: Any,
    *,
    unit_column: str = "id",
    parent_column: str = "parent",
    rolled_up: Any = None,
    keep_inputs: bool = False,
    unknown_inputs: UnknownInputs = "error",
) -> Any:
    """Evaluate every row of ``frame`` (one unit per row, inputs as columns); return a table.

    ``frame`` is a Polars (eager or lazy), pandas or PyArrow frame (or ``RecordBatchReader``),
    a DuckDB relation, anything narwhals reads, or the path of a CSV, JSON, JSON Lines, Parquet
    or Excel file, read as the scalar engine reads it (``docs/data.md``). The result is the
    result table (``docs/results.md``: ``unit``, ``parent``, ``framework``, ``version``,
    ``evaluable``, ``score``, ``max_score``, ``band_tier``, ``tier``, ``reasons`` as a list,
    ``criterion:ID`` and ``indicator:ID`` points), one row per unit in their order, in the same
    kind of frame (a path gives a Polars frame); with ``keep_inputs`` also every declared
    input as checked. The unit and parent ids keep their type (an integer id column gives
    integers). Quotas apply among the rows sharing a parent. ``rolled_up`` gives the roll-up
    inputs of each unit (see :func:`criteriakit.columnar.rollups.finish_rollups`). Columns that
    are no declared input are an error unless ``unknown_inputs="ignore"``.

    Raises :class:`~criteriakit.DataError` listing bad values by row and column,
    :class:`~criteriakit.EvaluationError` when a policy says "fail". Plugin parts without a
    columnar form run row by row, with a
    :class:`~criteriakit.columnar.ColumnarFallbackWarning`.
    """
    opened = open_frame(frame, id_column=unit_column, parent_column=parent_column)
    rolled = open_frame(rolled_up).frame() if rolled_up is not None else None
    check_opened(
        framework,
        opened,
        rolled_up=rolled is not None,
        unit_column=unit_column,
        parent_column=parent_column,
        unknown_inputs=unknown_inputs,
    )
    result = evaluate_opened(
        framework,
        opened,
        unit_column=unit_column,
        parent_column=parent_column,
        rolled_up=rolled,
        keep_inputs=keep_inputs,
    )
    return opened.to_caller(result)
