"""The static types of rule expressions.

Every declared input has one of these types, and the checker gives every expression one:

- :data:`NUMBER`, :data:`INTEGER` (usable wherever a number is expected) and :data:`BOOL`;
- :class:`LevelType`, an ordered scale of named levels, best first;
- :class:`ListType`, a list of numbers, integers, bools or levels;
- :class:`RecordsType`, a list of records with named, typed fields.

Types are immutable, hashable and compare by value; ``str()`` gives the wording used in errors.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeAlias

import attrs

__all__ = [
    "BOOL",
    "INTEGER",
    "NUMBER",
    "ExprType",
    "LevelType",
    "ListType",
    "RecordsType",
    "ScalarType",
    "accepts",
    "is_numeric",
    "unify",
]

_LEVELS_SHOWN = 6


@attrs.frozen
class ScalarType:
    """A scalar type; use the constants :data:`NUMBER`, :data:`INTEGER` and :data:`BOOL`."""

    name: str = attrs.field(validator=attrs.validators.in_(("number", "integer", "bool")))

    def __str__(self) -> str:
        """Return the type's name, e.g. ``number``."""
        return self.name


NUMBER = ScalarType("number")
"""A number; its values are ``float`` (or ``int``)."""

INTEGER = ScalarType("integer")
"""A whole number; its values are ``int``. Accepted wherever a number is expected."""

BOOL = ScalarType("bool")
"""A truth value; its values are ``bool``."""


def _to_levels(levels: Iterable[str]) -> tuple[str, ...]:
    return tuple(levels)


@attrs.frozen
class LevelType:
    """An ordered scale of named levels, **best first**, e.g. ``("excellent", "good", "complete")``.

    Values are the level names (``str``). In comparisons "greater" means better, so
    ``tier >= "good"`` holds for ``excellent`` and ``good``. Level names should be unique (the
    framework loader checks that); two level types are the same type when their levels are.
    """

    levels: tuple[str, ...] = attrs.field(converter=_to_levels)

    def rank(self, level: str) -> int:
        """Return the 0-based position of ``level`` (0 is the best); raise ValueError if unknown."""
        return self.levels.index(level)

    def __str__(self) -> str:
        """Return ``level (excellent, good, …)``."""
        shown = ", ".join(self.levels[:_LEVELS_SHOWN])
        more = ", …" if len(self.levels) > _LEVELS_SHOWN else ""
        return f"level ({shown}{more})"


@attrs.frozen
class ListType:
    """A list of numbers, integers, bools or levels; its values are sequences of those values."""

    item: ScalarType | LevelType = attrs.field(
        validator=attrs.validators.instance_of((ScalarType, LevelType))
    )

    def __str__(self) -> str:
        """Return ``list of number`` and the like."""
        return f"list of {self.item}"


def _to_fields(
    fields: Mapping[str, ExprType] | Iterable[tuple[str, ExprType]],
) -> tuple[tuple[str, ExprType], ...]:
    pairs = fields.items() if isinstance(fields, Mapping) else fields
    return tuple((name, kind) for name, kind in pairs)


def _check_fields(
    _instance: object, _attribute: object, value: tuple[tuple[str, ExprType], ...]
) -> None:
    names = [name for name, _ in value]
    if len(set(names)) != len(names):
        raise ValueError(f"record field names must be unique, got {names}")


@attrs.frozen
class RecordsType:
    """A list of records; its values are sequences of mappings from field name to value.

    ``fields`` is given as a mapping or as ``(name, type)`` pairs and kept as a tuple of pairs
    in declaration order, so the type stays hashable.
    """

    fields: tuple[tuple[str, ExprType], ...] = attrs.field(
        converter=_to_fields, validator=_check_fields
    )

    @property
    def names(self) -> tuple[str, ...]:
        """The field names in declaration order."""
        return tuple(name for name, _ in self.fields)

    def field(self, name: str) -> ExprType | None:
        """Return the type of field ``name``, or ``None`` if the records have no such field."""
        for field_name, kind in self.fields:
            if field_name == name:
                return kind
        return None

    def __str__(self) -> str:
        """Return ``records (tier, score)``."""
        return f"records ({', '.join(self.names)})"


ExprType: TypeAlias = ScalarType | LevelType | ListType | RecordsType
"""Any expression type."""


def is_numeric(kind: ExprType) -> bool:
    """Return whether ``kind`` is :data:`NUMBER` or :data:`INTEGER`."""
    return kind in (NUMBER, INTEGER)


def accepts(expected: ExprType, actual: ExprType) -> bool:
    """Return whether a value of type ``actual`` may be used where ``expected`` is required.

    Types must be equal, except that an integer is accepted as a number, also as list items
    (a list of integers is accepted as a list of numbers).
    """
    if expected == actual:
        return True
    if expected == NUMBER:
        return actual == INTEGER
    if isinstance(expected, ListType) and isinstance(actual, ListType):
        return accepts(expected.item, actual.item)
    return False


def unify(first: ExprType, second: ExprType) -> ExprType | None:
    """Return the type of a value that is either ``first`` or ``second``, or ``None`` if none.

    Equal types unify to themselves and an integer with a number to a number.
    """
    if accepts(first, second):
        return first
    if accepts(second, first):
        return second
    return None
