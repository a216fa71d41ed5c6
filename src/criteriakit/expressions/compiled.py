"""Parse, check and compile an expression in one step: :func:`compile_expression`."""

from __future__ import annotations

from typing import TYPE_CHECKING

import attrs

from criteriakit.expressions._checker import check
from criteriakit.expressions._compiler import compile_tree
from criteriakit.expressions._parser import parse

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Mapping

    from criteriakit.expressions.functions import FunctionSpec
    from criteriakit.expressions.typed_ast import TypedNode
    from criteriakit.expressions.types import ExprType

__all__ = ["CompiledExpression", "compile_expression"]


@attrs.frozen
class CompiledExpression:
    """A checked expression, ready to evaluate.

    ``type`` is its static type, ``tree`` the typed tree (for other back ends and for
    explanations), ``names`` the declared inputs it reads (not record fields or ``it``).
    ``evaluate(env)`` returns the value (``float``/``int`` for numbers, ``int`` for integers,
    ``bool``, ``str`` for levels) or an :class:`~criteriakit.expressions.Undefined`; it never
    raises on inputs of the declared types. ``env`` maps input names to values; an absent
    name or ``None`` is a missing input.
    """

    text: str
    type: ExprType
    tree: TypedNode
    names: frozenset[str]
    evaluate: Callable[[Mapping[str, object]], object] = attrs.field(eq=False, repr=False)


def compile_expression(
    text: str,
    scope: Mapping[str, ExprType],
    *,
    functions: Mapping[str, FunctionSpec] | None = None,
    expect: ExprType | None = None,
    criteria: Collection[str] | None = None,
) -> CompiledExpression:
    """Parse ``text``, check it against the declared inputs ``scope`` and compile it.

    ``functions`` adds plugin functions by name (each key must equal its spec's name);
    ``expect`` is the type the result must have (an integer is accepted for a number), e.g.
    :data:`~criteriakit.expressions.BOOL` for a gate condition. ``criteria`` are the criterion
    ids ``criterion("ID").points``, ``.max`` and ``.share`` may name (gates, vetoes and caps):
    each reads the value an evaluation gives under ``criterion_value(ID, FIELD)``. Raises
    :class:`~criteriakit.errors.ExpressionSyntaxError` if the text does not parse or exceeds
    the caps, :class:`~criteriakit.errors.ExpressionTypeError` if it does not type-check, and
    ``ValueError`` if a ``functions`` key differs from its spec's name.
    """
    extra = dict(functions or {})
    for name, spec in extra.items():
        if name != spec.name:
            raise ValueError(f"function {spec.name!r} is registered under the name {name!r}")
    tree, names = check(parse(text), text, scope, extra, expect, criteria)
    return CompiledExpression(text, tree.type, tree, names, compile_tree(tree, text))
