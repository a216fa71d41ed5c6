"""The syntax tree :func:`~criteriakit.expressions.parse` returns: what the text says, untyped.

Every node is a frozen attrs class with ``offset`` (0-based index into the text) and ``length``,
spanning the node's text including any parentheses around it. The checker turns this tree into
the typed tree of :mod:`criteriakit.expressions.typed_ast`.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import attrs

__all__ = [
    "BinaryOp",
    "BinaryOperator",
    "BoolLiteral",
    "Call",
    "CriterionRef",
    "Name",
    "Node",
    "NumberLiteral",
    "StringLiteral",
    "UnaryOp",
]

BinaryOperator: TypeAlias = Literal[
    "or", "and", "==", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/"
]


@attrs.frozen
class NumberLiteral:
    """A number: ``12`` (``int`` value), ``7.5`` or ``85%`` (``float`` value, here 0.85)."""

    value: int | float
    percent: bool
    offset: int
    length: int


@attrs.frozen
class BoolLiteral:
    """``true`` or ``false``."""

    value: bool
    offset: int
    length: int


@attrs.frozen
class StringLiteral:
    """A quoted string (without its quotes); only meaningful as a level name."""

    value: str
    offset: int
    length: int


@attrs.frozen
class Name:
    """A bare name: an input, a record field or ``it`` inside an aggregate."""

    name: str
    offset: int
    length: int


@attrs.frozen
class UnaryOp:
    """A prefix operator: ``not x`` or ``-x``."""

    op: Literal["not", "-"]
    operand: Node
    offset: int
    length: int


@attrs.frozen
class BinaryOp:
    """An infix operator; ``op_offset`` is where the operator itself is in the text."""

    op: BinaryOperator
    left: Node
    right: Node
    op_offset: int
    offset: int
    length: int


@attrs.frozen
class Call:
    """A function call ``name(args, …)``; the name starts at ``offset``."""

    function: str
    args: tuple[Node, ...]
    offset: int
    length: int


@attrs.frozen
class CriterionRef:
    """``criterion("ID").FIELD``: a criterion's ``points``, ``max`` or ``share`` of this unit."""

    criterion: str
    field: str
    offset: int
    length: int


Node: TypeAlias = (
    NumberLiteral | BoolLiteral | StringLiteral | Name | UnaryOp | BinaryOp | Call | CriterionRef
)
"""Any syntax node."""
