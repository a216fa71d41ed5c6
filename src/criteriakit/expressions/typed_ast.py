"""The typed tree: what an expression means, checked against the declared inputs.

:func:`~criteriakit.expressions.compile_expression` builds it (``CompiledExpression.tree``) and
compiles it to closures; other back ends (narwhals expressions) compile the same tree. Every
node is a frozen attrs class with its static ``type`` and the ``offset``/``length`` of its
source text. Names are resolved (:class:`InputRef`, :class:`FieldRef`, :class:`ItemRef`),
quoted levels are :class:`Constant` nodes of the compared level type, and calls are split
into :class:`Conditional`, :class:`BuiltinCall`, :class:`Aggregate` and :class:`PluginCall`.
No constants are folded here; the tree mirrors the text.

Inside an aggregate's per-item expression, the items being aggregated are in scope: an
aggregate opens scope ``level`` 1 (2 for an aggregate nested in another one's per-item
expression, and so on); :class:`FieldRef` and :class:`ItemRef` say which level's item they read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, TypeAlias

import attrs

if TYPE_CHECKING:
    from criteriakit.expressions.functions import FunctionSpec
    from criteriakit.expressions.types import ExprType

__all__ = [
    "Aggregate",
    "AggregateFunction",
    "Arithmetic",
    "ArithmeticOperator",
    "BuiltinCall",
    "BuiltinFunction",
    "Comparison",
    "ComparisonOperator",
    "Conditional",
    "Constant",
    "FieldRef",
    "InputRef",
    "ItemRef",
    "Logical",
    "LogicalOperator",
    "Negate",
    "Not",
    "PluginCall",
    "TypedNode",
]

AggregateFunction: TypeAlias = Literal["count", "share", "any", "all", "sum", "avg", "min", "max"]
ArithmeticOperator: TypeAlias = Literal["+", "-", "*", "/"]
BuiltinFunction: TypeAlias = Literal["min", "max", "abs", "clamp", "sqrt", "ln", "exp", "round"]
ComparisonOperator: TypeAlias = Literal["==", "!=", "<", "<=", ">", ">="]
LogicalOperator: TypeAlias = Literal["and", "or"]


@attrs.frozen
class Constant:
    """A literal: ``int`` (integer), ``float`` (number), ``bool`` or ``str`` (a level name)."""

    value: int | float | bool | str
    type: ExprType
    offset: int
    length: int


@attrs.frozen
class InputRef:
    """A declared input, read from the evaluation environment by name."""

    name: str
    type: ExprType
    offset: int
    length: int


@attrs.frozen
class FieldRef:
    """Field ``name`` of the current record of the aggregate over ``source`` at scope ``level``."""

    name: str
    source: str
    level: int
    type: ExprType
    offset: int
    length: int


@attrs.frozen
class ItemRef:
    """``it``: the current item of the aggregate over the list ``source`` at scope ``level``."""

    source: str
    level: int
    type: ExprType
    offset: int
    length: int


@attrs.frozen
class Negate:
    """Unary minus."""

    operand: TypedNode
    type: ExprType
    offset: int
    length: int


@attrs.frozen
class Arithmetic:
    """``+ - * /`` on numbers; ``/`` is always a number and undefined when dividing by zero."""

    op: ArithmeticOperator
    left: TypedNode
    right: TypedNode
    type: ExprType
    offset: int
    length: int


@attrs.frozen
class Comparison:
    """A comparison of two numbers, two bools (``==``/``!=``) or two levels (better is greater).

    ``exact`` is true when both sides are bools, levels or integers; numbers otherwise compare
    with :mod:`~criteriakit.expressions.tolerance`.
    """

    op: ComparisonOperator
    left: TypedNode
    right: TypedNode
    exact: bool
    type: ExprType
    offset: int
    length: int


@attrs.frozen
class Not:
    """``not``, three-valued: ``not`` of an undefined value is undefined."""

    operand: TypedNode
    type: ExprType
    offset: int
    length: int


@attrs.frozen
class Logical:
    """``and``/``or`` with three-valued (Kleene) logic, evaluated left to right."""

    op: LogicalOperator
    left: TypedNode
    right: TypedNode
    type: ExprType
    offset: int
    length: int


@attrs.frozen
class Conditional:
    """``if(condition, then, otherwise)``: only the chosen branch is evaluated."""

    condition: TypedNode
    then: TypedNode
    otherwise: TypedNode
    type: ExprType
    offset: int
    length: int


@attrs.frozen
class BuiltinCall:
    """A scalar built-in: ``min``/``max`` (two or more), ``abs``, ``clamp``, ``sqrt``, ``ln``, ``exp``.

    Or ``round``, whose second argument (the decimals) is a constant integer.
    """

    function: BuiltinFunction
    args: tuple[TypedNode, ...]
    type: ExprType
    offset: int
    length: int


@attrs.frozen
class Aggregate:
    """An aggregate over the list or records ``source``.

    ``item`` is the per-item expression (a condition for ``count``/``share``/``any``/``all``, a
    number for ``sum``/``avg``/``min``/``max``), evaluated in scope ``level``; ``None`` for the
    one-argument forms (``count(xs)``, ``sum(numbers)``…), which use the items themselves.
    """

    function: AggregateFunction
    source: InputRef | FieldRef
    item: TypedNode | None
    level: int
    type: ExprType
    offset: int
    length: int


@attrs.frozen
class PluginCall:
    """A call of a plugin function."""

    function: FunctionSpec
    args: tuple[TypedNode, ...]
    type: ExprType
    offset: int
    length: int


TypedNode: TypeAlias = (
    Constant
    | InputRef
    | FieldRef
    | ItemRef
    | Negate
    | Arithmetic
    | Comparison
    | Not
    | Logical
    | Conditional
    | BuiltinCall
    | Aggregate
    | PluginCall
)
"""Any typed node."""
