"""Checking one unit's input values against the framework's declared inputs.

One rule for every source (see ``docs/data.md``): **text** (a CSV cell, a JSON string, a text
column of a frame) is read as written — ``12``, ``7.5``, ``85%``, ``yes``, a level name, a JSON
array for a list — and a **typed** value (a JSON number or boolean, a numeric or boolean column)
must have the input's type. Numbers are 64-bit floats, integers 64-bit signed integers: a value
that does not fit is refused, never rounded or overflowed. A NaN in a typed column is a missing
value, as pandas writes missing values; ``nan`` and ``inf`` written as text are not numbers.
Every bad value is reported at once, by input name (the column) and, for data files, by row.
Missing values and empty text take the declared default or stay missing, for the framework's
missing-input policy.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Literal

import attrs

from criteriakit import limits
from criteriakit._problems import did_you_mean
from criteriakit.data import jsontext
from criteriakit.errors import DataError, Problem
from criteriakit.model.framework import Field, Input

__all__ = [
    "BLANK",
    "DEFAULT_MAX_LENGTH",
    "FALSE_WORDS",
    "INT64_MAX",
    "INT64_MIN",
    "INTEGER_TEXT",
    "NUMBER_TEXT",
    "PERCENT_TEXT",
    "TRUE_WORDS",
    "InputChecker",
    "UnknownInputs",
    "is_missing",
]

DEFAULT_MAX_LENGTH = limits.DEFAULTS.list_length
"""The longest list or records input accepted by default when the framework declares no
``max_length`` (the ``list_length`` limit of :mod:`criteriakit.limits`)."""

UnknownInputs = Literal["error", "ignore"]

BLANK = " \t\n\r\f\v"
"""The characters stripped from both ends of text before it is read (ASCII white space only)."""
NUMBER_TEXT = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
"""A number written as text: ASCII digits, an optional sign, point and exponent (no ``1_000``,
no ``inf``, no other scripts' digits)."""
PERCENT_TEXT = rf"({NUMBER_TEXT})[ \t]*%"
"""A percentage: a number followed by ``%``, read as the number times 0.01."""
INTEGER_TEXT = r"([+-]?[0-9]+)(?:\.0*)?"
"""An integer written as text: ASCII digits and an optional sign, optionally ``.0``."""
TRUE_WORDS = ("true", "yes", "y", "1")
FALSE_WORDS = ("false", "no", "n", "0")
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1

_NUMBER = re.compile(NUMBER_TEXT)
_PERCENT = re.compile(PERCENT_TEXT)
_INTEGER = re.compile(INTEGER_TEXT)
_TRUE = frozenset(TRUE_WORDS)
_FALSE = frozenset(FALSE_WORDS)
_NUMBER_HINT = "write 12, 7.5 or 85%"
_INTEGER_HINT = "write a whole number: 12"
_RANGE_HINT = f"integers are 64-bit: from {INT64_MIN} to {INT64_MAX}"


class _BadValue(ValueError):  # noqa: N818  a finding about one value, collected into a DataError
    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


Convert = Callable[[object, bool], object]
"""Convert one value; the flag says whether text is read (top-level values) or not (items)."""


def _shown(value: object) -> str:
    text = repr(value) if not isinstance(value, Decimal) else f"'{value}'"
    return text if len(text) <= 40 else text[:37] + "..."


def _number_text(number: float) -> str:
    return f"{number:g}"


def _number_from_text(value: str) -> float:
    cell = value.strip(BLANK)
    if _NUMBER.fullmatch(cell):
        number = float(cell)
    else:
        percent = _PERCENT.fullmatch(cell)
        if percent is None:
            raise _BadValue(f"expected a number, got {_shown(value)}", _NUMBER_HINT)
        number = float(percent.group(1)) * 0.01
    if not math.isfinite(number):
        raise _BadValue(f"the number {_shown(value)} is too large", "numbers are 64-bit floats")
    return number


def _number(value: object, text: bool) -> float:
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        raise _BadValue(f"expected a finite number, got {_shown(value)}")
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            raise _BadValue(
                f"the number {_shown(value)} is too large", "numbers are 64-bit floats"
            ) from None
    if isinstance(value, Decimal) or (text and isinstance(value, str)):
        return _number_from_text(str(value))
    raise _BadValue(f"expected a number, got {_shown(value)}")


def _in_range(number: int, value: object) -> int:
    if INT64_MIN <= number <= INT64_MAX:
        return number
    raise _BadValue(f"the integer {_shown(value)} does not fit in 64 bits", _RANGE_HINT)


def _integer_from_text(value: str) -> int:
    match = _INTEGER.fullmatch(value.strip(BLANK))
    if match is None:
        raise _BadValue(f"expected an integer, got {_shown(value)}", _INTEGER_HINT)
    digits = match.group(1)
    if len(digits.lstrip("+-0")) > 19:  # more digits than any 64-bit integer has
        raise _BadValue(f"the integer {_shown(value)} does not fit in 64 bits", _RANGE_HINT)
    return _in_range(int(digits), value)


def _integer(value: object, text: bool) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return _in_range(value, value)
    if isinstance(value, float) and value.is_integer():
        if -(2.0**63) <= value < 2.0**63:
            return int(value)
        raise _BadValue(f"the integer {_shown(value)} does not fit in 64 bits", _RANGE_HINT)
    if isinstance(value, Decimal) or (text and isinstance(value, str)):
        return _integer_from_text(str(value))
    raise _BadValue(f"expected an integer, got {_shown(value)}", _INTEGER_HINT)


def _bool(value: object, text: bool) -> bool:
    if isinstance(value, bool):
        return value
    if text and isinstance(value, str):
        cell = value.strip(BLANK).lower()
        if cell in _TRUE:
            return True
        if cell in _FALSE:
            return False
    raise _BadValue(
        f"expected true or false, got {_shown(value)}", "write true/false, yes/no or 1/0"
    )


def _level(levels: tuple[str, ...]) -> Convert:
    allowed = frozenset(levels)

    def convert(value: object, text: bool) -> str:
        if text and isinstance(value, str):
            value = value.strip(BLANK)
        if isinstance(value, str) and value in allowed:
            return value
        hint = did_you_mean(value, levels) if isinstance(value, str) else None
        listed = ", ".join(levels)
        raise _BadValue(f"expected one of the levels {listed}; got {_shown(value)}", hint)

    return convert


def _bounded(convert: Convert, lower: float | None, upper: float | None) -> Convert:
    if lower is None and upper is None:
        return convert

    def check(value: object, text: bool) -> object:
        number = convert(value, text)
        assert isinstance(number, int | float)  # noqa: S101  numeric converters return numbers
        if lower is not None and number < lower:
            raise _BadValue(f"{_number_text(number)} is below the minimum {lower:g}")
        if upper is not None and number > upper:
            raise _BadValue(f"{_number_text(number)} is above the maximum {upper:g}")
        return number

    return check


def _scalar(
    kind: str, levels: tuple[str, ...] | None, lower: float | None, upper: float | None
) -> Convert:
    if kind == "level":
        return _level(levels or ())
    if kind == "bool":
        return _bool
    return _bounded(_integer if kind == "integer" else _number, lower, upper)


def _parse_json_cell(value: object, text: bool) -> object:
    if text and isinstance(value, str):
        depth = limits.current().data_nesting_depth
        try:
            return jsontext.loads(value, depth)
        except jsontext.TooDeep as error:
            message = f"the JSON array nests lists and objects more than {depth} deep"
            raise _BadValue(
                f"{message}, from {error.excerpt!r}", jsontext.depth_hint(depth)
            ) from None
        except ValueError as error:  # JSONDecodeError, or an integer of over 4,300 digits
            reason = error.msg if isinstance(error, json.JSONDecodeError) else str(error)
            raise _BadValue(f"expected a JSON array, got {_shown(value)}: {reason}") from None
    return value


def _sequence(value: object, text: bool, limit: int | None) -> Sequence[object]:
    """Return ``value`` as a list of at most ``limit`` items (None: the list_length limit).

    The limit is read at each check, as the columnar executor reads it, so that both engines
    apply the one in force when the data is evaluated.
    """
    value = _parse_json_cell(value, text)
    if not isinstance(value, list | tuple):
        raise _BadValue(
            f"expected a list, got {_shown(value)}", "in CSV, write a JSON array: [80, 95]"
        )
    cap = limits.current().list_length if limit is None else limit
    if len(value) > cap:
        hint = (
            None
            if limit is not None
            else f"declare max_length on the input, or raise the list_length limit"
            f" (--limit list_length={len(value)})"
        )
        raise _BadValue(f"the list has {len(value)} items, more than the maximum {cap}", hint)
    return value


def _list(item: Convert, limit: int | None) -> Convert:
    def convert(value: object, text: bool) -> list[object]:
        converted: list[object] = []
        for index, element in enumerate(_sequence(value, text, limit)):
            try:
                converted.append(item(element, False))
            except _BadValue as bad:
                raise _BadValue(f"item {index}: {bad.message}", bad.hint) from None
        return converted

    return convert


def _records(fields: Mapping[str, Field], limit: int | None) -> Convert:
    converters = {
        name: _scalar(field.type, field.levels, field.min, field.max)
        for name, field in fields.items()
    }
    names = tuple(fields)

    def convert_record(index: int, record: object) -> dict[str, object]:
        if not isinstance(record, Mapping):
            raise _BadValue(f"item {index}: expected a record (an object), got {_shown(record)}")
        result: dict[str, object] = {}
        for key, element in record.items():
            if key not in converters:
                hint = did_you_mean(str(key), names) or f"fields: {', '.join(names)}"
                raise _BadValue(f"item {index}: unknown field {key!r}", hint)
            if element is not None:
                try:
                    result[key] = converters[key](element, False)
                except _BadValue as bad:
                    raise _BadValue(
                        f"item {index}, field {key!r}: {bad.message}", bad.hint
                    ) from None
        return result

    def convert(value: object, text: bool) -> list[dict[str, object]]:
        return [
            convert_record(index, record)
            for index, record in enumerate(_sequence(value, text, limit))
        ]

    return convert


def _converter_for(spec: Input) -> Convert:
    if spec.type == "list":
        return _list(
            _scalar(spec.items or "number", spec.levels, spec.min, spec.max), spec.max_length
        )
    if spec.type == "records":
        return _records(spec.fields or {}, spec.max_length)
    return _scalar(spec.type, spec.levels, spec.min, spec.max)


def is_missing(value: object) -> bool:
    """Return whether a raw value counts as missing: None, empty text, or a NaN float."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip(BLANK)
    return isinstance(value, float) and value != value  # noqa: PLR0124  NaN test


_FINITE = 1.7976931348623157e308  # the largest float: bounds that no infinity passes
_PLAIN: dict[str, tuple[type, float, float]] = {
    "number": (float, -_FINITE, _FINITE),
    "integer": (int, INT64_MIN, INT64_MAX),
    "bool": (bool, -_FINITE, _FINITE),
}


@attrs.frozen
class _Slot:
    """One declared input: its converter and default, and the values accepted as they are.

    A value whose type is exactly ``plain`` and which lies within ``lower .. upper`` is what
    ``convert`` would return unchanged, so the checker takes it without the call; anything
    else (an int for a number, text, a list, a bad value) goes through ``convert``.
    """

    name: str
    convert: Convert
    default: object
    plain: type | None = None
    lower: float = -_FINITE
    upper: float = _FINITE
    item: Convert | None = None

    @classmethod
    def for_input(cls, name: str, spec: Input) -> _Slot:
        """Build the slot of a declared input; its default is converted like a value."""
        convert = _converter_for(spec)
        default: object = spec.default
        if default is not None:
            try:
                default = convert(default, True)
            except _BadValue:  # the loader reports a bad default; keep it as declared
                default = spec.default
        plain, lower, upper = _PLAIN.get(spec.type, (None, -_FINITE, _FINITE))
        if spec.min is not None:
            lower = max(spec.min, lower)
        if spec.max is not None:
            upper = min(spec.max, upper)
        item = (
            _scalar(spec.items or "number", spec.levels, spec.min, spec.max)
            if spec.type == "list"
            else None
        )
        return cls(name, convert, default, plain, lower, upper, item)


@attrs.frozen
class InputChecker:
    """Checks and converts one unit's raw values against the declared inputs."""

    slots: tuple[_Slot, ...]
    names: frozenset[str]
    _plan: tuple[tuple[str, type | None, float, float, _Slot], ...] = attrs.field(
        init=False, repr=False, eq=False
    )

    @_plan.default
    def _unpacked(self) -> tuple[tuple[str, type | None, float, float, _Slot], ...]:
        return tuple((slot.name, slot.plain, slot.lower, slot.upper, slot) for slot in self.slots)

    @classmethod
    def for_inputs(cls, inputs: Mapping[str, Input]) -> InputChecker:
        """Build the checker for a framework's declared inputs."""
        return cls(
            tuple(_Slot.for_input(name, spec) for name, spec in inputs.items()), frozenset(inputs)
        )

    def check(
        self,
        raw: Mapping[str, object],
        *,
        row: int | None = None,
        unknown: UnknownInputs = "error",
        source: str | None = None,
    ) -> dict[str, object]:
        """Return the converted values; raise :class:`DataError` listing every bad value.

        Missing values (see :func:`is_missing`) take the declared default, or are left out so
        the framework's missing-input policy decides.
        """
        values: dict[str, object] = {}
        problems: list[Problem] = []
        for name, plain, lower, upper, slot in self._plan:
            value = raw.get(name)
            if type(value) is plain and lower <= value <= upper:  # type: ignore[operator]
                values[name] = value
                continue
            if is_missing(value):
                if slot.default is not None:
                    values[name] = slot.default
                continue
            try:
                values[name] = slot.convert(value, True)
            except _BadValue as bad:
                problems.append(
                    Problem(bad.message, path=name, row=row, hint=bad.hint, file=source)
                )
        if unknown == "error" and not self.names.issuperset(raw):
            problems.extend(self._unknown(raw, row, source))
        if problems:
            raise DataError(problems, source=source)
        return values

    def check_cells(
        self, name: str, cells: Sequence[object], *, row: int | None = None
    ) -> list[object]:
        """Return a list input given cell by cell (one per month), each cell read as text is.

        Raises :class:`DataError` naming the first bad cell as ``item N``.
        """
        slot = next(slot for slot in self.slots if slot.name == name)
        assert slot.item is not None  # noqa: S101  only list inputs gather cells
        items: list[object] = []
        try:
            for index, cell in enumerate(cells):
                try:
                    items.append(slot.item(cell, True))
                except _BadValue as bad:
                    raise _BadValue(f"item {index}: {bad.message}", bad.hint) from None
            converted = slot.convert(items, False)
        except _BadValue as bad:
            raise DataError([Problem(bad.message, path=name, row=row, hint=bad.hint)]) from None
        assert isinstance(converted, list)  # noqa: S101  a list input converts to a list
        return converted

    def _unknown(
        self, raw: Mapping[str, object], row: int | None, source: str | None
    ) -> list[Problem]:
        declared = sorted(self.names)
        return [
            Problem(
                f"unknown input {key!r}",
                path=str(key),
                row=row,
                file=source,
                hint=did_you_mean(str(key), declared)
                or "declared inputs: "
                + ", ".join(declared[:12])
                + ("…" if len(declared) > 12 else ""),
            )
            for key in raw
            if key not in self.names
        ]
