"""Functions callable from expressions: the built-in names and :class:`FunctionSpec` for plugins.

Built in, and never overridable:

- scalar: ``min(a, b, …)``, ``max(a, b, …)`` (two or more numbers), ``abs(x)``,
  ``clamp(x, low, high)`` (``min(max(x, low), high)``), ``if(condition, then, else)`` (lazy);
- aggregates over a list or records input named by the first argument: ``count(xs)``,
  ``count(xs, condition)``, ``share(xs, condition)``, ``any(xs, condition)``,
  ``all(xs, condition)``, and ``sum``/``avg``/``min``/``max`` as ``f(numbers)`` or
  ``f(xs, value)``; ``min``/``max`` are aggregates when their first argument is a list name.

Plugins add functions with :class:`FunctionSpec`; their arguments are type-checked like the
built-ins' and their implementation is called with plain values (never with an
:class:`~criteriakit.expressions.Undefined`: an undefined argument makes the call undefined).
"""

from __future__ import annotations

import keyword
import re
from typing import TYPE_CHECKING

import attrs

from criteriakit.expressions.types import ExprType, LevelType, ListType, RecordsType, ScalarType

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

__all__ = ["AGGREGATE_FUNCTIONS", "BUILTIN_FUNCTIONS", "KEYWORDS", "FunctionSpec", "is_value_name"]

AGGREGATE_FUNCTIONS = frozenset({"count", "share", "any", "all", "sum", "avg", "min", "max"})
"""Functions that aggregate a list or records input (``min``/``max`` also have a scalar form)."""

BUILTIN_FUNCTIONS = AGGREGATE_FUNCTIONS | {"abs", "clamp", "if", "sqrt", "ln", "exp", "round"}
"""Every built-in function name; plugins cannot use these names."""

KEYWORDS = frozenset({"and", "or", "not", "true", "false"})
"""Words of the language, which cannot name inputs or functions."""

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def is_value_name(name: str) -> bool:
    """Whether ``name`` can name a value an expression reads: an input, a field, a derived value.

    An identifier of ASCII letters, digits and ``_``, and no keyword of the language or of
    Python, nor ``it`` (the item inside an aggregate).
    """
    return bool(_NAME.match(name)) and not keyword.iskeyword(name) and name not in _RESERVED


_RESERVED = KEYWORDS | {"it"}


def _check_name(_instance: object, _attribute: object, value: str) -> None:
    if not _NAME.match(value) or value in KEYWORDS:
        raise ValueError(f"function name {value!r} is not a valid name")
    if value in BUILTIN_FUNCTIONS:
        raise ValueError(f"function name {value!r} is built in and cannot be overridden")


_is_type = attrs.validators.instance_of((ScalarType, LevelType, ListType, RecordsType))


def _to_parameters(parameters: Iterable[ExprType]) -> tuple[ExprType, ...]:
    return tuple(parameters)


@attrs.frozen
class FunctionSpec:
    """A function a plugin adds to the expression language.

    ``implementation`` is called with one plain value per parameter (an ``int`` may be passed
    for a number parameter) and returns a value of type ``returns``; returning ``None`` makes
    the call undefined (kind ``"missing"``), and it may also return an
    :class:`~criteriakit.expressions.Undefined`. It must not have side effects: calls are not
    cached, nor guaranteed to happen (an undefined argument skips the call). Constructing a
    spec with a built-in name or an invalid name raises ``ValueError``.
    """

    name: str = attrs.field(validator=_check_name)
    parameters: tuple[ExprType, ...] = attrs.field(
        converter=_to_parameters, validator=attrs.validators.deep_iterable(_is_type)
    )
    returns: ExprType = attrs.field(validator=_is_type)
    implementation: Callable[..., object] = attrs.field(validator=attrs.validators.is_callable())
    description: str = ""
    columnar: Callable[..., Any] | None = None
    """Optional narwhals builder: argument expressions in, the value expression out (see
    :data:`criteriakit.columnar.ColumnarFunction`); without one, the columnar executor calls
    ``implementation`` row by row."""
