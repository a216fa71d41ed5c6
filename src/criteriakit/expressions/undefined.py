"""The value of an expression that cannot be computed, and why."""

from __future__ import annotations

from typing import Literal, TypeAlias

import attrs

__all__ = ["Undefined", "UndefinedKind"]

UndefinedKind: TypeAlias = Literal["missing", "division-by-zero", "empty", "overflow", "domain"]


@attrs.frozen
class Undefined:
    """Why a value could not be computed; evaluation returns it instead of raising.

    ``kind`` is ``"missing"`` (an input, record field or list item is absent or ``None``),
    ``"division-by-zero"``, ``"empty"`` (``share``/``avg``/``min``/``max`` of an empty list),
    ``"overflow"`` (an integer result beyond 64 bits, which no engine can hold) or ``"domain"``
    (the square root of a negative number, the logarithm of one <= 0);
    ``detail`` says which, e.g. ``"input 'targets_assigned' is missing"``. What to do with it
    (fail, score zero, skip) is the framework's declared policy, decided by the caller.
    """

    kind: UndefinedKind
    detail: str
