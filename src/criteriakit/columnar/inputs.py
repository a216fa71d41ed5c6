"""Declared inputs as typed columns, by the scalar checker's rules, with every bad row flagged.

Each declared input becomes a column of its type (number → Float64, integer → Int64, bool,
level → String, list → List, records → List of Struct), converted by the rules of
:mod:`criteriakit.compiling.inputs`: a text column is read as text (``"12"``, ``"yes"``, ``"85%"``), a typed
column must have the input's type (a float for an integer only when whole and within 64 bits; a
NaN is missing). A value that does not convert, lies outside the declared bounds or levels, or a
list longer than allowed flags its row, and so does a missing, empty, repeated or malformed id.

The flags only find the bad rows: the first of them are then checked one by one by the scalar
checker (:func:`report_bad_rows`), so that the problems read exactly as the scalar executor's,
with row and column, and the count of all problems is the scalar executor's count. Lists and
records written as JSON text (a CSV cell) are converted by the scalar converter itself, since
Polars' JSON decoding would coerce what the rules refuse.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import attrs
import polars as pl

from criteriakit import limits
from criteriakit.compiling.compiled import CompiledFramework
from criteriakit.compiling.inputs import (
    BLANK,
    FALSE_WORDS,
    INTEGER_TEXT,
    NUMBER_TEXT,
    PERCENT_TEXT,
    TRUE_WORDS,
)
from criteriakit.data import row_problem
from criteriakit.data.typed_files import instance
from criteriakit.errors import DataError, Problem
from criteriakit.model.framework import Field, Input

__all__ = [
    "ROW",
    "RowChecks",
    "converted_inputs",
    "id_checks",
    "input_dtype",
    "may_repeat",
    "nulled_blanks",
    "repeated",
    "report_bad_rows",
    "value_problems",
    "within",
]

ROW = "__row"
"""The column of each unit's row number (1 = the first data row), for problems."""

_DTYPES: dict[str, pl.DataType] = {
    "number": pl.Float64(),
    "integer": pl.Int64(),
    "bool": pl.Boolean(),
    "level": pl.String(),
}
_TWO_63 = 2.0**63


def input_dtype(spec: Input | Field) -> pl.DataType:
    """Return the Polars type of a declared input or field."""
    if isinstance(spec, Input) and spec.type == "list":
        return pl.List(_DTYPES[spec.items or "number"])
    if isinstance(spec, Input) and spec.type == "records":
        fields = spec.fields or {}
        return pl.List(pl.Struct({name: input_dtype(field) for name, field in fields.items()}))
    return _DTYPES[spec.type]


def within(spec: Input | Field, value: pl.Expr) -> pl.Expr:
    """Return "the converted value is acceptable": within bounds, a known level (null if null)."""
    if spec.type in {"number", "integer"}:
        low = -math.inf if spec.min is None else spec.min
        high = math.inf if spec.max is None else spec.max
        return value.is_between(low, high)
    if spec.type == "level":
        return value.is_in(list(spec.levels or ()))
    return pl.lit(value=True)


def _from_text(kind: str, raw: pl.Expr) -> pl.Expr:
    """Return the value text converts to, null where it does not (see criteriakit.compiling.inputs)."""
    cell = raw.str.strip_chars(BLANK)
    if kind == "number":
        plain = cell.str.contains(f"^{NUMBER_TEXT}$")
        percent = cell.str.extract(f"^{PERCENT_TEXT}$", 1).cast(pl.Float64, strict=False) * 0.01
        number = pl.when(plain).then(cell.cast(pl.Float64, strict=False)).otherwise(percent)
        return pl.when(number.is_finite()).then(number)
    if kind == "integer":
        return cell.str.extract(f"^{INTEGER_TEXT}$", 1).cast(pl.Int64, strict=False)
    if kind == "bool":
        lowered = cell.str.to_lowercase()
        true, false = list(TRUE_WORDS), list(FALSE_WORDS)
        return pl.when(lowered.is_in(true)).then(True).when(lowered.is_in(false)).then(False)
    return cell


def _from_typed(kind: str, raw: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Return the value a typed column converts to, null where it does not (or is missing)."""
    if kind == "number":
        if dtype.is_integer():
            return raw.cast(pl.Float64)
        if dtype.is_float():
            return pl.when(raw.is_finite()).then(raw.cast(pl.Float64))
        return pl.lit(None, pl.Float64)
    if kind == "integer":
        if dtype.is_integer():
            return raw.cast(pl.Int64, strict=False)
        if dtype.is_float():
            whole = (raw.floor() == raw) & (raw >= -_TWO_63) & (raw < _TWO_63)
            return pl.when(whole).then(raw.cast(pl.Int64, strict=False))
        return pl.lit(None, pl.Int64)
    if kind == "bool":
        return raw if dtype == pl.Boolean else pl.lit(None, pl.Boolean)
    return raw if dtype == pl.String else pl.lit(None, pl.String)


def _missing(raw: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Return "the value is missing": null, blank text, or a NaN float."""
    if dtype == pl.String:
        return raw.is_null() | (raw.str.strip_chars(BLANK) == "")
    if dtype.is_float():
        return raw.is_null() | raw.is_nan()
    return raw.is_null()


def _numeric_input(spec: Input, raw: pl.Expr, dtype: pl.DataType) -> tuple[pl.Expr, pl.Expr]:
    """Return a numeric column's converted values and "bad value" flag, in few operations.

    The common case of large data (a number or integer input from a column of its kind)
    says the same as the general rule (:func:`_scalar_input`) with less work per row.
    """
    low = -math.inf if spec.min is None else spec.min
    high = math.inf if spec.max is None else spec.max
    if spec.type == "integer" or dtype.is_integer():
        value = raw if dtype == pl.Int64 else raw.cast(pl.Int64, strict=False)
        if spec.type == "number":
            value = raw.cast(pl.Float64)
        inside = value.is_between(low, high).fill_null(value=False)
        return value, raw.is_not_null() & ~inside
    inside = raw.is_between(low, high)
    if not (math.isfinite(low) and math.isfinite(high)):
        inside = raw.is_finite() & inside
    return pl.when(raw.is_finite()).then(raw), ~(inside | raw.is_null() | raw.is_nan())


def _scalar_input(spec: Input, raw: pl.Expr, dtype: pl.DataType) -> tuple[pl.Expr, pl.Expr]:
    """Return the converted column and its "bad value" flag (never null)."""
    numeric = dtype.is_integer() or dtype == pl.Float64
    if numeric and (spec.type == "number" or (spec.type == "integer" and dtype.is_integer())):
        return _numeric_input(spec, raw, dtype)
    if dtype == pl.String:
        converted = _from_text(spec.type, raw)
    else:
        converted = _from_typed(spec.type, raw, dtype)
    missing = _missing(raw, dtype)
    good = converted.is_not_null() & within(spec, converted).fill_null(value=False)
    return pl.when(~missing).then(converted), ~missing & ~good


def _item(kind: str, spec: Input | Field, dtype: pl.DataType) -> tuple[pl.Expr, pl.Expr]:
    """Return an item's (or field's) converted value and "bad" flag, on ``pl.element()``.

    Items are typed: text is only a level's, taken exactly; a null or NaN item is bad.
    """
    element = pl.element()
    converted = _from_typed(kind, element, dtype)
    good = converted.is_not_null() & within(spec, converted).fill_null(value=False)
    return converted, ~good


def _typed_list(spec: Input, raw: pl.Expr, dtype: pl.DataType) -> tuple[pl.Expr, pl.Expr]:
    target = input_dtype(spec)
    kind = spec.items or "number"
    inner = instance(dtype.inner) if isinstance(dtype, pl.List | pl.Array) else None
    if inner is None:
        return pl.lit(None, target), raw.is_not_null()
    item = Input(kind, min=spec.min, max=spec.max, levels=spec.levels)
    value, bad = _item(kind, item, inner)
    # items of the input's own type pass as they are (a bad one fails the row anyway): a list
    # column of millions of rows is not copied
    same = isinstance(dtype, pl.List) and inner == _DTYPES[kind]
    converted = raw if same else raw.list.eval(value).cast(target)
    items_bad = raw.list.eval(bad).list.any()
    return converted, raw.is_not_null() & items_bad.fill_null(value=False)


def _typed_records(spec: Input, raw: pl.Expr, dtype: pl.DataType) -> tuple[pl.Expr, pl.Expr]:
    target = input_dtype(spec)
    inner = instance(dtype.inner) if isinstance(dtype, pl.List | pl.Array) else None
    if not isinstance(inner, pl.Struct):
        return pl.lit(None, target), raw.is_not_null()
    declared = spec.fields or {}
    present = {field.name: instance(field.dtype) for field in inner.fields}
    if set(present) - set(declared):  # the scalar checker refuses every record with them
        return pl.lit(None, target), (raw.list.len() > 0).fill_null(value=False)
    fields: list[pl.Expr] = []
    flags: list[pl.Expr] = [pl.element().is_null()]
    for name, field in declared.items():
        if name not in present:
            fields.append(pl.lit(None, input_dtype(field)).alias(name))
            continue
        part = pl.element().struct.field(name)
        converted = _from_typed(field.type, part, present[name])
        good = converted.is_not_null() & within(field, converted).fill_null(value=False)
        fields.append(converted.cast(input_dtype(field)).alias(name))
        flags.append(part.is_not_null() & ~good)
    converted_list = raw.list.eval(pl.struct(fields)).cast(target)
    bad = raw.list.eval(pl.any_horizontal(flags)).list.any()
    return converted_list, raw.is_not_null() & bad.fill_null(value=False)


def _by_converter(compiled: CompiledFramework, name: str, raw: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Convert a list or records input written as JSON text with the scalar converter."""
    slot = next(slot for slot in compiled.inputs.slots if slot.name == name)
    target = input_dtype(compiled.declared[name])

    def convert(cells: pl.Series) -> pl.Series:
        values: list[object] = []
        bad: list[bool] = []
        for cell in cells:
            if cell is None or not cell.strip(BLANK):
                values.append(None)
                bad.append(False)
                continue
            try:
                values.append(slot.convert(cell, True))
                bad.append(False)
            except ValueError:
                values.append(None)
                bad.append(True)
        return pl.DataFrame(
            [pl.Series("value", values, dtype=target), pl.Series("bad", bad, dtype=pl.Boolean)]
        ).to_struct("converted")

    struct = raw.map_batches(convert, return_dtype=pl.Struct({"value": target, "bad": pl.Boolean}))
    return struct.struct.field("value"), struct.struct.field("bad")


def converted_inputs(
    compiled: CompiledFramework,
    schema: Mapping[str, pl.DataType],
    *,
    skip: Collection[str] = (),
) -> tuple[list[pl.Expr], list[pl.Expr]]:
    """Return each declared input's typed column (defaults applied) and its "bad value" flag.

    Inputs in ``skip`` are left alone (roll-ups, which the level below supplies).
    """
    columns: list[pl.Expr] = []
    flags: list[pl.Expr] = []
    defaults = {slot.name: slot.default for slot in compiled.inputs.slots}
    for name, spec in compiled.declared.items():
        if name in skip:
            continue
        target = input_dtype(spec)
        dtype = schema.get(name)
        if dtype is None or dtype == pl.Null:
            column: pl.Expr = pl.lit(None, target)
        else:
            raw = pl.col(name)
            if spec.type in {"list", "records"} and dtype == pl.String:
                column, bad = _by_converter(compiled, name, raw)
            elif spec.type == "list":
                column, bad = _typed_list(spec, raw, dtype)
            elif spec.type == "records":
                column, bad = _typed_records(spec, raw, dtype)
            else:
                column, bad = _scalar_input(spec, raw, dtype)
            if spec.type in {"list", "records"}:
                limit = (
                    spec.max_length if spec.max_length is not None else limits.current().list_length
                )
                bad = bad | (column.list.len() > limit).fill_null(value=False)
            flags.append(bad.alias(f"__bad:{name}"))
        if spec.default is not None:
            column = column.fill_null(pl.lit(defaults[name], target))
        columns.append(column.cast(target).alias(name))
    return columns, flags


def _whole_id(raw: pl.Expr, dtype: pl.DataType) -> pl.Expr:
    """Return the id of an id column in its own type, null where it is no id.

    The rule is :func:`~criteriakit.data.unit_id`'s: text that is not blank, or a whole number
    (a float id becomes the Int64 of its whole number).
    """
    if dtype == pl.String:
        return pl.when(raw.str.strip_chars(BLANK) != "").then(raw)
    if dtype.is_integer():
        return raw
    if dtype.is_float():
        whole = raw.is_finite() & (raw.floor() == raw) & (raw.abs() < _TWO_63)
        return pl.when(whole).then(raw.cast(pl.Int64, strict=False))
    return pl.lit(None, pl.String)


@attrs.frozen
class RowChecks:
    """The id checks of a level's rows.

    ``unit`` and ``parent`` give each row's id and parent id in their own type (text, or
    integers), null where there is none or it is no id (a blank unit id stays, and is flagged;
    a blank parent id stays too, for :func:`nulled_blanks` after the pass, and ``group`` is the
    parent with blanks null, for the quotas that group by it);
    ``id_bad`` flags the rows the scalar reader refuses as a whole for a missing, empty or
    malformed id or a malformed parent, and ``id_suspect`` a few more, cheaply (text ids that
    sort before ``"!"``, as blank ones do, without stripping each id): the one pass flags the
    suspects and the error path counts the bad ones. A repeated id is looked for after the
    evaluation (see :func:`repeated`).
    """

    unit: pl.Expr
    parent: pl.Expr
    group: pl.Expr
    id_bad: pl.Expr
    id_suspect: pl.Expr


def id_checks(schema: Mapping[str, pl.DataType], unit_column: str, parent_column: str) -> RowChecks:
    """Return the id checks of a level whose columns are ``schema``."""
    unit: pl.Expr = pl.lit(None, pl.String)
    bad: pl.Expr = pl.lit(value=True)
    suspect: pl.Expr = bad
    if unit_column in schema and schema[unit_column] == pl.String:
        # kept as it is (no copy): a blank id is a problem, so it never reaches the results
        unit = pl.col(unit_column)
        bad = unit.is_null() | (unit.str.strip_chars(BLANK) == "")
        suspect = unit.is_null() | (unit < "!")  # every character of BLANK is below "!"
    elif unit_column in schema:
        unit = _whole_id(pl.col(unit_column), schema[unit_column])
        bad = suspect = unit.is_null()
    parent: pl.Expr = pl.lit(None, pl.String)
    group = parent
    if parent_column in schema:
        dtype = schema[parent_column]
        raw = pl.col(parent_column)
        group = _whole_id(raw, dtype)
        parent = raw if dtype == pl.String else group
        if dtype != pl.String:  # text names a parent or is blank; a number may be no id
            blank = raw.is_null() | raw.is_nan() if dtype.is_float() else raw.is_null()
            malformed = parent.is_null() & ~blank
            bad, suspect = bad | malformed, suspect | malformed
    return RowChecks(unit, parent, group, bad, suspect)


def nulled_blanks(ids: pl.Series) -> pl.Series:
    """Return text ``ids`` with the blank ones null (other ids as they are).

    Blank text sorts before ``"!"``: only if some id does are the ids stripped to look.
    """
    if ids.dtype != pl.String or not bool((ids < "!").any()):
        return ids
    return ids.to_frame().select(_whole_id(pl.col(ids.name), pl.String())).to_series()


def repeated(units: pl.Expr) -> pl.Expr:
    """Return "the row's id repeats an earlier row's"."""
    return units.is_not_null() & ~units.is_first_distinct()


def may_repeat(units: pl.Series) -> bool:
    """Return whether an id may repeat in ``units`` (nulls aside).

    Ids in strictly increasing order (as databases give them) repeat none, which takes one
    cheap pass to see; otherwise distinct hashes are counted, much cheaper than distinct text,
    and a collision only costs an exact look, which then finds no repeat.
    """
    given = units.drop_nulls()
    size = given.len()
    if size < 2:
        return False
    if bool((given.slice(1) > given.slice(0, size - 1)).all()):
        return False
    return bool(given.hash().n_unique() != size)


def value_problems(flags: Sequence[pl.Expr]) -> pl.Expr:
    """Return each row's number of bad values (one problem each, as the scalar checker says)."""
    return pl.sum_horizontal(pl.lit(0, pl.UInt32), *(flag.cast(pl.UInt32) for flag in flags))


def _record(row: Mapping[str, Any], names: Collection[str]) -> dict[str, object]:
    return {name: row[name] for name in names if name in row and row[name] is not None}


def report_bad_rows(
    compiled: CompiledFramework,
    bad_rows: pl.DataFrame,
    *,
    total: int,
    unit_column: str,
    parent_column: str,
    first_rows: Mapping[str, int],
    source: str | None,
) -> None:
    """Raise :class:`DataError` with the problems of ``bad_rows``, as the scalar reader words them.

    ``bad_rows`` are the first flagged rows (their :data:`ROW`, raw id, parent and inputs);
    ``first_rows`` the first row of each of their ids, for "repeats row N"; ``total`` the count
    of problems in all rows.
    """
    checker = compiled.inputs
    names = list(compiled.declared)
    problems: list[Problem] = []
    for row in bad_rows.iter_rows(named=True):
        number = row[ROW]
        found = row_problem(
            row.get(unit_column),
            row.get(parent_column),
            number,
            unit_column=unit_column,
            parent_column=parent_column,
            source=source,
            first_row=first_rows,
        )
        if found is not None:
            problems.append(found)
            continue
        try:
            checker.check(_record(row, names), row=number, unknown="ignore", source=source)
        except DataError as error:
            problems.extend(error.problems)
            continue
        message = "a value could not be read as columns, though it is valid"
        hint = "evaluate these data with the scalar engine (--engine scalar)"
        problems.append(Problem(message, file=source, row=number, hint=hint))
    if problems:
        raise DataError(problems, source=source, total=total)
