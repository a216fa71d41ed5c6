"""The rule-expression language: a small typed language that never runs foreign code.

Framework files come from other organisations, so conditions and derived values are written
in a language owned by criteriakit and never executed as Python::

    targets_met / targets_assigned >= 50% and not disunity_found
    count(members, tier >= "good") / count(members)
    if(mass_orgs_total == 0, 8, 8 * mass_orgs_good / mass_orgs_total)

Text is parsed by a Pratt parser (:func:`parse`, capped by the expression limits of
:mod:`criteriakit.limits`, whose defaults are :data:`MAX_LENGTH`, :data:`MAX_DEPTH` and
:data:`MAX_NODES`), checked against the declared input types and compiled to closures
(:func:`compile_expression`). Evaluation returns a value or an :class:`Undefined` (missing
input, division by zero, empty list) and never raises; ``and``/``or`` are three-valued; numbers compare with the tolerance of :mod:`.tolerance`.

Syntax, lowest precedence first: ``or``; ``and``; ``not``; ``== != < <= > >=`` (not
chainable); ``+ -``; ``* /``; unary ``-``; literals (``12``, ``7.5``, ``85%``, ``true``,
``"good"``), names, calls and parentheses. Functions are listed in :mod:`.functions`.
"""

from __future__ import annotations

from criteriakit.expressions._checker import CRITERION_FIELDS, criterion_value
from criteriakit.expressions._parser import parse
from criteriakit.expressions.ast import (
    BinaryOp,
    BoolLiteral,
    Call,
    Name,
    Node,
    NumberLiteral,
    StringLiteral,
    UnaryOp,
)
from criteriakit.expressions.compiled import CompiledExpression, compile_expression
from criteriakit.expressions.functions import BUILTIN_FUNCTIONS, FunctionSpec
from criteriakit.expressions.limits import MAX_DEPTH, MAX_LENGTH, MAX_NODES
from criteriakit.expressions.tolerance import (
    RELATIVE_TOLERANCE,
    approx_eq,
    approx_ge,
    approx_gt,
    approx_le,
    approx_lt,
    approx_ne,
    tolerance,
)
from criteriakit.expressions.typed_ast import (
    Aggregate,
    Arithmetic,
    BuiltinCall,
    Comparison,
    Conditional,
    Constant,
    FieldRef,
    InputRef,
    ItemRef,
    Logical,
    Negate,
    Not,
    PluginCall,
    TypedNode,
)
from criteriakit.expressions.types import (
    BOOL,
    INTEGER,
    NUMBER,
    ExprType,
    LevelType,
    ListType,
    RecordsType,
    ScalarType,
    accepts,
    is_numeric,
)
from criteriakit.expressions.undefined import Undefined, UndefinedKind

__all__ = [
    "BOOL",
    "BUILTIN_FUNCTIONS",
    "CRITERION_FIELDS",
    "INTEGER",
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_NODES",
    "NUMBER",
    "RELATIVE_TOLERANCE",
    "Aggregate",
    "Arithmetic",
    "BinaryOp",
    "BoolLiteral",
    "BuiltinCall",
    "Call",
    "Comparison",
    "CompiledExpression",
    "Conditional",
    "Constant",
    "ExprType",
    "FieldRef",
    "FunctionSpec",
    "InputRef",
    "ItemRef",
    "LevelType",
    "ListType",
    "Logical",
    "Name",
    "Negate",
    "Node",
    "Not",
    "NumberLiteral",
    "PluginCall",
    "RecordsType",
    "ScalarType",
    "StringLiteral",
    "TypedNode",
    "UnaryOp",
    "Undefined",
    "UndefinedKind",
    "accepts",
    "approx_eq",
    "approx_ge",
    "approx_gt",
    "approx_le",
    "approx_lt",
    "approx_ne",
    "compile_expression",
    "criterion_value",
    "is_numeric",
    "parse",
    "tolerance",
]
