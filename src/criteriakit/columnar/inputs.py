"""Declared inputs as typed columns: conversion, defaults, and every bad value reported by row.

Each declared input becomes a column of its type (number → Float64, integer → Int64, bool,
level → String, list → List, records → List of Struct), converted as the scalar checker
converts: text cells (CSV) like ``"12"``, ``"yes"``, ``"85%"`` or a JSON array; typed values
only when their type fits (a float for an integer only if whole). A value that does not convert,
lies outside the declared bounds or levels, or a list longer than allowed flags its row; the
flagged rows (up to the report cap) are then checked one by one by the scalar checker, so that
the problems read exactly as the scalar executor's, with row and column.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping
from typing import Any

import attrs
import polars as pl

from criteriakit._problems import did_you_mean
from criteriakit.data import MAX_REPORTED_PROBLEMS
from criteriakit.errors import DataError, Problem
from criteriakit.framework import Framework
from criteriakit.inputs import DEFAULT_MAX_LENGTH, UnknownInputs
from criteriakit.model.framework import Field, Input

__all__ = [
    "ROW",
    "RowChecks",
    "check_columns",
    "converted_inputs",
    "input_dtype",
    "repeats",
    "report_bad_rows",
    "row_checks",
]

_VALUE_BAD = "__value_bad"
ROW = "__row"
"""The column of each unit's row number (1 = the first data row), for problems."""

_TRUE = ["true", "yes", "y", "1"]
_FALSE = ["false", "no", "n", "0"]
_NUMERIC: tuple[type[pl.DataType], ...] = (pl.Float32, pl.Float64, pl.Int8, pl.Int16, pl.Int32)
_NUMERIC += (pl.Int64, pl.UInt8, pl.UInt16, pl.UInt32, pl.UInt64)
_DTYPES: dict[str, pl.DataType] = {
    "number": pl.Float64(),
    "integer": pl.Int64(),
    "bool": pl.Boolean(),
    "level": pl.String(),
}


def input_dtype(spec: Input | Field) -> pl.DataType:
    """Return the Polars type of a declared input or field."""
    if isinstance(spec, Input) and spec.type == "list":
        return pl.List(_DTYPES[spec.items or "number"])
    if isinstance(spec, Input) and spec.type == "records":
        fields = spec.fields or {}
        return pl.List(pl.Struct({name: input_dtype(field) for name, field in fields.items()}))
    return _DTYPES[spec.type]


def _from_text(kind: str, raw: pl.Expr) -> pl.Expr:
    cell = raw.str.strip_chars()
    if kind == "number":
        percent = cell.str.ends_with("%")
        number = cell.str.strip_suffix("%").str.strip_chars().cast(pl.Float64, strict=False)
        return pl.when(percent).then(number * 0.01).otherwise(cell.cast(pl.Float64, strict=False))
    if kind == "integer":
        whole = cell.cast(pl.Int64, strict=False)
        number = cell.cast(pl.Float64, strict=False)
        integral = number.is_finite() & (number.round(0) == number) & (number.abs() < 2.0**53)
        return pl.coalesce(whole, pl.when(integral).then(number.cast(pl.Int64)))
    if kind == "bool":
        lowered = cell.str.to_lowercase()
        return pl.when(lowered.is_in(_TRUE)).then(True).when(lowered.is_in(_FALSE)).then(False)
    return cell


def _from_typed(kind: str, raw: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    if kind == "number":
        return raw.cast(pl.Float64) if isinstance(dtype, _NUMERIC) else pl.lit(None, pl.Float64)
    if kind == "integer":
        if dtype.is_integer():
            return raw.cast(pl.Int64, strict=False)
        if dtype.is_float():
            integral = raw.is_finite() & (raw.round(0) == raw) & (raw.abs() < 2.0**53)
            return pl.when(integral).then(raw.cast(pl.Int64, strict=False))
        return pl.lit(None, pl.Int64)
    if kind == "bool":
        return raw if dtype == pl.Boolean else pl.lit(None, pl.Boolean)
    return raw.cast(pl.String) if dtype in (pl.String, pl.Categorical) else pl.lit(None, pl.String)


def _within(spec: Input | Field, value: pl.Expr) -> pl.Expr:
    """Return "the converted value is acceptable": finite, within bounds, a known level."""
    if spec.type in {"number", "integer"}:
        low = -math.inf if spec.min is None else spec.min
        high = math.inf if spec.max is None else spec.max
        ok = value.is_between(low, high)  # false for NaN
        if spec.type == "number" and not (math.isfinite(low) and math.isfinite(high)):
            ok &= value.is_finite()
        return ok
    if spec.type == "level":
        return value.is_in(list(spec.levels or ()))
    return pl.lit(value=True)


def _scalar_input(
    spec: Input, raw: pl.Expr, dtype: pl.DataType, text: bool
) -> tuple[pl.Expr, pl.Expr]:
    converted = (
        _from_text(spec.type, raw)
        if text and dtype == pl.String
        else _from_typed(spec.type, raw, dtype)
    )
    if not (text and dtype == pl.String):
        # typed: null exactly where the raw value is (or its type does not fit: flagged)
        fits = converted.is_not_null() | raw.is_null()
        return converted, ~(fits & _within(spec, converted).fill_null(value=True))
    given = raw.is_not_null() & (raw.str.strip_chars() != "")
    bad = given & (converted.is_null() | ~_within(spec, converted).fill_null(value=False))
    return pl.when(given).then(converted), bad


def _collection_input(
    spec: Input, raw: pl.Expr, dtype: pl.DataType, text: bool
) -> tuple[pl.Expr, pl.Expr]:
    target = input_dtype(spec)
    if text and dtype == pl.String:
        cell = raw.str.strip_chars()
        given = raw.is_not_null() & (cell != "")
        converted: pl.Expr = pl.when(given).then(cell.str.json_decode(target))
        fits = True
    else:
        given = raw.is_not_null()
        converted = raw.cast(target, strict=False)
        fits = isinstance(dtype, pl.List) and _fits(dtype, target)
    limit = spec.max_length if spec.max_length is not None else DEFAULT_MAX_LENGTH
    ok = converted.list.len() <= limit
    if spec.type == "list":
        item = Input(spec.items or "number", min=spec.min, max=spec.max, levels=spec.levels)
        element = pl.element()
        ok &= converted.list.eval(_within(item, element) | element.is_null()).list.all()
    bad = given & (pl.lit(not fits) | converted.is_null() | ~ok.fill_null(value=False))
    return converted, bad


def _fits(actual: Any, target: Any) -> bool:
    """Return whether a typed list column converts to ``target`` without changing a value."""
    if isinstance(target, pl.List) and isinstance(actual, pl.List):
        return _fits(actual.inner, target.inner)
    if isinstance(target, pl.Struct) and isinstance(actual, pl.Struct):
        declared = {field.name: field.dtype for field in target.fields}
        return all(
            field.name in declared and _fits(field.dtype, declared[field.name])
            for field in actual.fields
        )
    if target == pl.Float64:
        return isinstance(actual, _NUMERIC) or actual == pl.Null
    if target == pl.Int64:
        return bool(actual.is_integer()) or actual == pl.Null
    return actual in (target, pl.Null)


def converted_inputs(
    framework: Framework,
    schema: Mapping[str, pl.DataType],
    *,
    text: bool,
    skip: Collection[str] = (),
) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """Return each declared input's typed column (defaults applied) and its "bad value" flag.

    Inputs in ``skip`` are left alone (roll-ups, which the level below supplies).
    """
    columns: list[pl.Expr] = []
    flags: list[pl.Expr] = []
    for name, spec in framework.definition.inputs.items():
        if name in skip:
            continue
        target = input_dtype(spec)
        if name not in schema:
            column: Any = pl.lit(None, target)
        else:
            raw, dtype = pl.col(name), schema[name]
            if dtype == pl.Null:
                column = pl.lit(None, target)
            else:
                if spec.type in {"list", "records"}:
                    column, bad = _collection_input(spec, raw, dtype, text)
                else:
                    column, bad = _scalar_input(spec, raw, dtype, text)
                flags.append(bad)
        if spec.default is not None:
            column = column.fill_null(pl.lit(spec.default, target))
        columns.append(column.cast(target).alias(name))
    return columns, flags


def _raw_values(row: Mapping[str, Any], names: Collection[str]) -> dict[str, object]:
    return {name: row[name] for name in names if name in row}


def check_columns(
    framework: Framework,
    lazy: pl.LazyFrame,
    *,
    reserved: Collection[str],
    unknown_inputs: UnknownInputs,
    source: str | None,
    rolled_up: Collection[str] = (),
) -> None:
    """Raise :class:`DataError` for columns that are no declared input, and roll-ups given.

    Unknown columns are errors unless ``unknown_inputs="ignore"``; roll-up inputs the data gives
    too are errors, since the level below supplies them.
    """
    schema = lazy.collect_schema()
    declared = framework.definition.inputs
    problems: list[Problem] = []
    if unknown_inputs == "error":
        for name in schema:
            if name not in declared and name not in reserved and name != ROW:
                hint = (
                    did_you_mean(name, tuple(declared)) or "remove the column, or declare the input"
                )
                message = f"unknown input {name!r}: {framework.ref} declares no such input"
                problems.append(Problem(message, path=name, file=source, hint=hint))
    if problems:
        raise DataError(problems, source=source)
    given = [name for name in rolled_up if name in schema]
    if given:
        _reject_rolled_up(framework, lazy, given, source)


@attrs.frozen
class RowChecks:
    """The flags of bad rows: bad ``values``, and bad unit ``ids`` (missing, empty, repeated).

    ``quick`` is what the executor computes per row in its pass over the data: the value flags
    and missing or empty ids. Repeated ids are found after it, on the ids evaluated
    (:func:`repeats`).
    """

    values: tuple[pl.Expr, ...]
    ids: tuple[pl.Expr, ...]
    quick: pl.Expr


def row_checks(flags: list[pl.Expr], schema: Collection[str], unit_column: str) -> RowChecks:
    """Return the checks of the rows: their values and their unit ids."""
    ids: tuple[pl.Expr, ...] = ()
    quick = [*flags]
    if unit_column in schema:
        unit = pl.col(unit_column).cast(pl.String)
        empty = unit.is_null() | (unit.str.strip_chars() == "")
        ids = (empty, unit.is_duplicated() & unit.is_not_null())
        quick.append(empty)
    bad = pl.any_horizontal(pl.lit(value=False), *quick).fill_null(value=True)
    return RowChecks(tuple(flags), ids, bad)


def repeats(ids: pl.Series) -> bool:
    """Return whether an id may repeat in ``ids`` (nulls aside), comparing their hashes.

    Counting distinct hashes is much cheaper than distinct strings; a collision only costs
    :func:`report_bad_rows` an exact look, which then finds no repeat.
    """
    given = ids.drop_nulls()
    return bool(given.hash().n_unique() != given.len())


def report_bad_rows(
    framework: Framework,
    lazy: pl.LazyFrame,
    checks: RowChecks,
    *,
    text: bool,
    unit_column: str,
    source: str | None,
) -> None:
    """Raise :class:`DataError` listing the flagged rows, with the scalar checker's messages.

    ``lazy`` has :data:`ROW`; ``checks`` flag its bad rows. The executor flags bad rows within
    its one pass over the data and calls this only when a row is flagged, an id may repeat or
    the engine could not read a value, so valid data are read once.
    """
    schema = lazy.collect_schema()
    declared = framework.definition.inputs
    problems: list[Problem] = []
    flags = [*checks.values, *checks.ids]
    if not flags:
        return
    names = [name for name in declared if name in schema]
    value_bad = pl.any_horizontal(pl.lit(value=False), *checks.values).fill_null(value=True)
    columns = [ROW, *({unit_column} & set(schema)), *names, value_bad.alias(_VALUE_BAD)]
    every_row = False
    try:
        bad_rows = (
            lazy.filter(pl.any_horizontal(flags)).select(columns).head(MAX_REPORTED_PROBLEMS)
        ).collect()
    except pl.exceptions.PolarsError:  # a cell the engine cannot even parse: check every row
        columns[-1] = pl.lit(value=False).alias(_VALUE_BAD)
        bad_rows, every_row = lazy.select(columns).collect(), True
    if bad_rows.is_empty():
        return
    first_rows: dict[str, int] = {}
    for row in bad_rows.iter_rows(named=True):
        number = row[ROW]
        unit: object = row.get(unit_column)
        if unit_column in schema and (unit is None or not str(unit).strip()):
            message = f"the unit id is missing or empty (column {unit_column!r})"
            problems.append(Problem(message, file=source, row=number, path=unit_column))
            continue
        if unit is not None and str(unit) in first_rows:
            message = f"unit id {str(unit)!r} repeats row {first_rows[str(unit)]}"
            problems.append(Problem(message, file=source, row=number, path=unit_column))
            continue
        if unit is not None:
            first_rows[str(unit)] = number
        try:
            framework.compiled.inputs.check(
                _raw_values(row, names), text=text, row=number, unknown="ignore", source=source
            )
        except DataError as error:
            problems.extend(error.problems)
            continue
        if every_row or not row[_VALUE_BAD]:
            continue  # a valid row, or the first of repeated ids (reported at its repeats)
        message = "a value could not be read as columns, though it is valid"
        hint = "evaluate these data with the scalar executor (--engine scalar)"
        problems.append(Problem(message, file=source, row=number, hint=hint))
        if len(problems) >= MAX_REPORTED_PROBLEMS:
            break
    if problems:
        raise DataError(problems[:MAX_REPORTED_PROBLEMS], source=source)


def _reject_rolled_up(
    framework: Framework, lazy: pl.LazyFrame, given: list[str], source: str | None
) -> None:
    children = framework.compiled.children
    below = children.name if children is not None else "level below"
    present = pl.any_horizontal(
        pl.col(name).is_not_null() & (pl.col(name).cast(pl.String) != "") for name in given
    )
    rows = lazy.filter(present).select(ROW, *given).head(MAX_REPORTED_PROBLEMS).collect()
    problems = [
        Problem(
            f"input {name!r} is rolled up from the {below}; the data gives it too",
            path=name,
            row=row[ROW],
            file=source,
            hint="remove the column, or evaluate without the level below",
        )
        for row in rows.iter_rows(named=True)
        for name in given
        if row[name] not in (None, "")
    ]
    if problems:
        raise DataError(problems[:MAX_REPORTED_PROBLEMS], source=source)
