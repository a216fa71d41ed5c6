"""Checking one unit's input values against the framework's declared inputs.

Values come either as Python/JSON values (``text=False``) or as text cells from CSV
(``text=True``: ``"12"``, ``"yes"``, ``"85%"``, a JSON array for lists). Every bad value is
reported at once, by input name (the column) and, for data files, by row. Missing values and
empty cells take the declared default or stay missing, for the framework's missing-input policy.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import Literal

import attrs

from criteriakit._problems import did_you_mean
from criteriakit.errors import DataError, Problem
from criteriakit.model.framework import Field, Input

__all__ = ["DEFAULT_MAX_LENGTH", "InputChecker", "UnknownInputs"]

DEFAULT_MAX_LENGTH = 100_000
"""The longest list or records input accepted when the framework declares no ``max_length``."""

UnknownInputs = Literal["error", "ignore"]

_TRUE = frozenset({"true", "yes", "y", "1"})
_FALSE = frozenset({"false", "no", "n", "0"})


class _BadValue(ValueError):  # noqa: N818  a finding about one value, collected into a DataError
    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


Convert = Callable[[object, bool], object]


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _number_text(number: float) -> str:
    """Show a number as ``:g`` does; an int too large for a float is shown as it is."""
    try:
        return f"{number:g}"
    except OverflowError:
        return _shown(number)


def _number(value: object, text: bool) -> float | int:
    if text and isinstance(value, str):
        cell = value.strip()
        scale = 1.0
        if cell.endswith("%"):
            cell, scale = cell[:-1].strip(), 0.01
        try:
            value = float(cell) * scale if scale != 1.0 else float(cell)
        except ValueError:
            raise _BadValue(
                f"expected a number, got {_shown(value)}", "write 12, 7.5 or 85%"
            ) from None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _BadValue(f"expected a number, got {_shown(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise _BadValue(f"expected a finite number, got {_shown(value)}")
    return value


def _integer(value: object, text: bool) -> int:
    if text and isinstance(value, str):
        try:
            value = (
                float(value.strip()) if "." in value or "e" in value.lower() else int(value.strip())
            )
        except ValueError:
            raise _BadValue(
                f"expected an integer, got {_shown(value)}", "write a whole number: 12"
            ) from None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _BadValue(f"expected an integer, got {_shown(value)}", "write a whole number: 12")
    return value


def _bool(value: object, text: bool) -> bool:
    if text and isinstance(value, str):
        cell = value.strip().lower()
        if cell in _TRUE:
            return True
        if cell in _FALSE:
            return False
    if not isinstance(value, bool):
        raise _BadValue(
            f"expected true or false, got {_shown(value)}", "write true/false, yes/no or 1/0"
        )
    return value


def _level(levels: tuple[str, ...]) -> Convert:
    allowed = frozenset(levels)

    def convert(value: object, text: bool) -> str:
        if text and isinstance(value, str):
            value = value.strip()
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
        try:
            return json.loads(value)
        except json.JSONDecodeError as error:
            raise _BadValue(f"expected a JSON array, got {_shown(value)}: {error.msg}") from None
    return value


def _sequence(value: object, text: bool, limit: int) -> Sequence[object]:
    value = _parse_json_cell(value, text)
    if not isinstance(value, list | tuple):
        raise _BadValue(
            f"expected a list, got {_shown(value)}", "in CSV, write a JSON array: [80, 95]"
        )
    if len(value) > limit:
        raise _BadValue(f"the list has {len(value)} items, more than the maximum {limit}")
    return value


def _list(item: Convert, limit: int) -> Convert:
    def convert(value: object, text: bool) -> list[object]:
        items = _sequence(value, text, limit)
        converted: list[object] = []
        for index, element in enumerate(items):
            try:
                converted.append(item(element, text and isinstance(element, str)))
            except _BadValue as bad:
                raise _BadValue(f"item {index}: {bad.message}", bad.hint) from None
        return converted

    return convert


def _records(fields: Mapping[str, Field], limit: int) -> Convert:
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
    limit = spec.max_length if spec.max_length is not None else DEFAULT_MAX_LENGTH
    if spec.type == "list":
        return _list(_scalar(spec.items or "number", spec.levels, spec.min, spec.max), limit)
    if spec.type == "records":
        return _records(spec.fields or {}, limit)
    return _scalar(spec.type, spec.levels, spec.min, spec.max)


_FINITE = 1.7976931348623157e308  # the largest float: bounds that no infinity passes
_PLAIN_TYPES: dict[str, tuple[type, ...]] = {
    "number": (int, float),
    "integer": (int,),
    "bool": (bool,),
}


@attrs.frozen
class _Slot:
    """One declared input: its converter and default, and the values accepted as they are.

    A value whose type is exactly one of ``plain`` and which lies within ``lower .. upper`` is
    what ``convert`` would return unchanged, so the checker takes it without the call; anything
    else (a float for an integer, text, a list, a bad value) goes through ``convert``.
    """

    name: str
    convert: Convert
    default: object
    plain: tuple[type, ...] = ()
    lower: float = -_FINITE
    upper: float = _FINITE

    @classmethod
    def for_input(cls, name: str, spec: Input) -> _Slot:
        """Build the slot of a declared input."""
        plain = _PLAIN_TYPES.get(spec.type, ())
        lower = -_FINITE if spec.min is None else max(spec.min, -_FINITE)
        upper = _FINITE if spec.max is None else min(spec.max, _FINITE)
        return cls(name, _converter_for(spec), spec.default, plain, lower, upper)


@attrs.frozen
class InputChecker:
    """Checks and converts one unit's raw values against the declared inputs."""

    slots: tuple[_Slot, ...]
    names: frozenset[str]
    _plan: tuple[tuple[str, tuple[type, ...], float, float, _Slot], ...] = attrs.field(
        init=False, repr=False, eq=False
    )

    @_plan.default
    def _unpacked(self) -> tuple[tuple[str, tuple[type, ...], float, float, _Slot], ...]:
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
        text: bool = False,
        row: int | None = None,
        unknown: UnknownInputs = "error",
        source: str | None = None,
    ) -> dict[str, object]:
        """Return the converted values; raise :class:`DataError` listing every bad value.

        Absent values, ``None`` and (with ``text``) empty cells take the declared default, or are
        left out so the framework's missing-input policy decides.
        """
        values: dict[str, object] = {}
        problems: list[Problem] = []
        for name, plain, lower, upper, slot in self._plan:
            value = raw.get(name)
            if type(value) in plain and lower <= value <= upper:  # type: ignore[operator]
                values[name] = value
                continue
            if value is None or (text and isinstance(value, str) and not value.strip()):
                if slot.default is not None:
                    values[name] = slot.default
                continue
            try:
                values[name] = slot.convert(value, text)
            except _BadValue as bad:
                problems.append(
                    Problem(bad.message, path=name, row=row, hint=bad.hint, file=source)
                )
        if unknown == "error" and not self.names.issuperset(raw):
            problems.extend(self._unknown(raw, row, source))
        if problems:
            raise DataError(problems, source=source)
        return values

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
