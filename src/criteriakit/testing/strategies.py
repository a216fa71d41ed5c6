"""Hypothesis strategies that build valid inputs for a framework, boundary values included.

This module needs `hypothesis <https://hypothesis.readthedocs.io>`_ (``pip install hypothesis``,
or the ``test`` extra); nothing else in criteriakit imports it. ::

    from hypothesis import given
    from criteriakit.testing.strategies import inputs

    @given(inputs(framework))
    def test_every_unit_gets_a_tier(values):
        assert framework.evaluate(values).tier in framework.tiers

:func:`inputs` draws a dict with a valid value for every declared input: numbers and integers
within their declared ``min``/``max``, bools, levels, lists and records (of at most
:data:`MAX_ITEMS` items). Inputs with a declared default may be left out (they take the
default); with ``missing=True`` any input may be left out, for the framework's missing-input
policy to decide.

Rules change their answer at their thresholds, so the strategies mix in the framework's
**boundary values** (:func:`boundary_values`): the bounds of threshold bands, the ``zero_at``
and ``full_at`` of linear scorers, numeric targets, integer lookup keys, the constants that
gates, rules and indicator values compare against, and the indicator values that put a score on
a tier's ``min_score`` when every other indicator earns all or none of its points. Each is
mapped back to the input it comes from when the expression reads one input through constants
(``x``, ``x / 2``, ``100 - x``, ``-x``, a record field, a list item) and is taken exactly and a
tiny step either side (:func:`nudge`), within the input's declared bounds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs
from hypothesis import strategies as st

from criteriakit.compiling.compiled import CompiledFramework, CompiledIndicator
from criteriakit.compiling.scoring import Relative
from criteriakit.expressions import (
    Aggregate,
    Arithmetic,
    BuiltinCall,
    Comparison,
    CompiledExpression,
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
from criteriakit.model.framework import Field, Indicator, Input
from criteriakit.model.scorers import LinearScorer, LookupScorer, TargetScorer, ThresholdScorer
from criteriakit.scalar.framework import Framework

__all__ = [
    "MAX_ITEMS",
    "STEP",
    "UNBOUNDED",
    "boundary_values",
    "input_values",
    "inputs",
    "nudge",
    "populations",
]

MAX_ITEMS = 8
"""The most items a generated list or records input has (fewer when ``max_length`` says so)."""

UNBOUNDED = 1_000_000
"""How far a number or integer goes on a side its declaration leaves open."""

STEP = 1e-6
"""The relative step of :func:`nudge`: well above the tolerance of comparisons (1e-9)."""

_Key = tuple[str, str | None]
"""What a boundary applies to: an input (or the items of a list input), or a record field."""


def nudge(value: float, *, integer: bool = False) -> tuple[float, ...]:
    """Return ``value`` and its neighbours a tiny step below and above.

    For integers the neighbours are the whole numbers around: ``4 → (3, 4, 5)``,
    ``4.5 → (4, 5)``. For numbers the step is :data:`STEP` relative to the value (at least
    ``STEP``), so a neighbour lands on the other side of the comparison tolerance.
    """
    if integer:
        if float(value).is_integer():
            whole = int(value)
            return (whole - 1, whole, whole + 1)
        return (math.floor(value), math.ceil(value))
    step = STEP * max(1.0, abs(value))
    return (value - step, value, value + step)


# ---------------------------------------------------------------- boundary values


def _arithmetic(op: str, left: float, right: float) -> float | None:
    if op == "/":
        return left / right if right else None
    return {"+": left + right, "-": left - right, "*": left * right}[op]


@attrs.frozen
class _Solver:
    """Solves ``expression = value`` for the input ``target``, the others taken from ``given``.

    Without a ``target``, the expression must read one input, list item or record field
    through constants; with one, every other input it reads counts as the constant ``given``
    says.
    """

    target: str | None = None
    given: Mapping[str, Any] = attrs.field(factory=dict)

    def known(self, node: TypedNode) -> float | None:
        """Return the number ``node`` is when it does not depend on the target, else None."""
        if isinstance(node, Constant):
            value: object = node.value
        elif isinstance(node, InputRef) and self.target not in {None, node.name}:
            value = self.given.get(node.name)
        elif isinstance(node, Negate):
            inner = self.known(node.operand)
            return None if inner is None else -inner
        elif isinstance(node, Arithmetic):
            left, right = self.known(node.left), self.known(node.right)
            return None if left is None or right is None else _arithmetic(node.op, left, right)
        else:
            return None
        if not isinstance(value, int | float) or isinstance(value, bool):
            return None
        try:
            return float(value)
        except OverflowError:  # an integer beyond every float: no boundary to solve for
            return None

    def unknown(self, node: TypedNode) -> _Key | None:
        """Return what ``node`` is, if it is the unknown being solved for."""
        if isinstance(node, InputRef) and self.target in {None, node.name}:
            return node.name, None
        if self.target is None and isinstance(node, ItemRef):
            return node.source, None
        if self.target is None and isinstance(node, FieldRef):
            return node.source, node.name
        return None

    def solve(self, node: TypedNode, value: float) -> tuple[_Key, float] | None:
        """Return the unknown and the value of it that makes ``node`` equal ``value``."""
        key = self.unknown(node)
        if key is not None:
            return key, value
        if isinstance(node, Negate):
            return self.solve(node.operand, -value)
        if not isinstance(node, Arithmetic):
            return None
        left, right = self.known(node.left), self.known(node.right)
        if right is not None and left is None:
            inverse = {
                "+": value - right,
                "-": value + right,
                "*": value / right if right else None,
                "/": value * right,
            }[node.op]
            return None if inverse is None else self.solve(node.left, inverse)
        if left is not None and right is None:
            inverse = {
                "+": value - left,
                "-": left - value,
                "*": value / left if left else None,
                "/": left / value if value else None,
            }[node.op]
            return None if inverse is None else self.solve(node.right, inverse)
        return None

    def compared(self, node: TypedNode) -> Iterator[tuple[_Key, float]]:
        """Yield the solution of every ``expression <op> number`` comparison in ``node``."""
        if isinstance(node, Comparison):
            for side, other in ((node.left, node.right), (node.right, node.left)):
                bound = self.known(other)
                solved = None if bound is None else self.solve(side, bound)
                if solved is not None:
                    yield solved
        for child in _children(node):
            yield from self.compared(child)


def _children(node: TypedNode) -> Iterator[TypedNode]:
    """Yield the direct sub-expressions of ``node``."""
    if isinstance(node, Negate | Not):
        yield node.operand
    elif isinstance(node, Arithmetic | Comparison | Logical):
        yield node.left
        yield node.right
    elif isinstance(node, Conditional):
        yield from (node.condition, node.then, node.otherwise)
    elif isinstance(node, BuiltinCall | PluginCall):
        yield from node.args
    elif isinstance(node, Aggregate) and node.item is not None:
        yield node.item


def _scorer_points(spec: object) -> Iterator[float]:
    """Yield the indicator values where a built-in scorer changes its award or its slope."""
    if isinstance(spec, LinearScorer):
        yield from (spec.zero_at, spec.full_at)
    elif isinstance(spec, ThresholdScorer):
        for band in spec.bands:
            bound = band.min if band.min is not None else band.max
            if bound is not None:
                yield bound
    elif isinstance(spec, TargetScorer) and not isinstance(spec.target, str):
        yield from (0.0, spec.target)
    elif isinstance(spec, LookupScorer):
        for key in spec.table:
            if key.lstrip("-").isdigit():
                yield float(key)


def _tier_points(
    framework: Framework, indicator: CompiledIndicator, given: Mapping[str, Any]
) -> Iterator[float]:
    """Yield indicator values that put the score on a tier's minimum.

    That is, when every other indicator earns all its points, or none. Only for weightings
    where the total moves point for point with the indicators.
    """
    compiled = framework.compiled
    if not compiled.weighting.additive or isinstance(indicator.scorer.form, Relative):
        return  # a relative indicator's points depend on the other units' values too
    others = compiled.max_score - indicator.max_points
    for tier in compiled.tiers:
        for points in (tier.min_score, tier.min_score - others):
            if not 0 < points <= indicator.max_points:
                continue
            try:
                needed = indicator.scorer.needed(points, given)
            except (ArithmeticError, ValueError):  # a plugin scorer's inverse may fail
                continue
            value = None if needed is None else needed[0]
            if isinstance(value, int | float) and not isinstance(value, bool):
                yield float(value)


def _expressions(compiled: CompiledFramework) -> Iterator[CompiledExpression]:
    """Yield every gate and rule condition."""
    yield from (gate.expression for tier in compiled.tiers for gate in tier.gates)
    yield from (rule.expression for rule in compiled.rules)


def _solvers(expression: CompiledExpression, given: Mapping[str, Any] | None) -> list[_Solver]:
    """Without ``given``, one solver for the whole expression; with it, one per input it reads."""
    if given is None:
        return [_Solver()]
    return [_Solver(name, given) for name in sorted(expression.names)]


def _raw_boundaries(
    framework: Framework, given: Mapping[str, Any] | None
) -> dict[_Key, set[float]]:
    compiled = framework.compiled
    specs: dict[str, Indicator] = {
        indicator.id: indicator
        for criterion in framework.definition.criteria
        for indicator in criterion.indicators
    }
    found: dict[_Key, set[float]] = {}

    def add(pairs: Iterable[tuple[_Key, float] | None]) -> None:
        for pair in pairs:
            if pair is not None and math.isfinite(pair[1]):
                found.setdefault(pair[0], set()).add(pair[1])

    for indicator in compiled.indicators:
        points = [
            *_scorer_points(specs[indicator.id].scorer),
            *_tier_points(framework, indicator, given or {}),
        ]
        for solver in _solvers(indicator.value, given):
            add(solver.solve(indicator.value.tree, point) for point in points)
            add(solver.compared(indicator.value.tree))
    for expression in _expressions(compiled):
        for solver in _solvers(expression, given):
            add(solver.compared(expression.tree))
    return found


def _numeric(kind: str | None) -> bool:
    return kind in {"number", "integer"}


def _spec_of(framework: Framework, key: _Key) -> Input | Field | None:
    """Return the declaration a boundary key refers to, if it is numeric."""
    name, field = key
    spec = framework.definition.inputs.get(name)
    if spec is None:
        return None
    if field is not None:
        found = (spec.fields or {}).get(field)
        return found if found is not None and _numeric(found.type) else None
    kind = spec.items if spec.type == "list" else spec.type
    return spec if _numeric(kind) else None


def _is_integer(spec: Input | Field) -> bool:
    return spec.type == "integer" or (isinstance(spec, Input) and spec.items == "integer")


def _within(spec: Input | Field, value: float) -> bool:
    return (spec.min is None or value >= spec.min) and (spec.max is None or value <= spec.max)


def boundary_values(
    framework: Framework, given: Mapping[str, Any] | None = None
) -> dict[str, tuple[float, ...]]:
    """Return, by input, the values around which the framework's rules change their answer.

    Keys are input names (for a list input: values of its items) and ``"input.field"`` for a
    field of a records input. Each value is :func:`nudged <nudge>` and kept when it is within
    the declared ``min``/``max``; integers stay whole. Only numeric inputs appear, and only
    those whose boundaries can be traced back through the expressions (see the module docs).

    With ``given`` (one unit's inputs), the boundaries are those of each input when the other
    inputs keep their given values: ``done / assigned >= 0.8`` gives ``done`` the boundary
    ``0.8 * assigned``, and a target expression gives its value. List items and record fields
    are left out then.
    """
    values: dict[str, tuple[float, ...]] = {}
    raw = _raw_boundaries(framework, given)
    for key, points in sorted(raw.items(), key=lambda item: str(item[0])):
        spec = _spec_of(framework, key)
        if spec is None:
            continue
        integer = _is_integer(spec)
        kept = {
            near
            for point in points
            for near in nudge(point, integer=integer)
            if math.isfinite(near) and _within(spec, near)
        }
        if kept:
            name, field = key
            values[name if field is None else f"{name}.{field}"] = tuple(sorted(kept))
    return values


# ---------------------------------------------------------------- strategies


def _finite(bound: float | None) -> float | None:
    return bound if bound is not None and math.isfinite(bound) else None


def _range(lower: float | None, upper: float | None) -> tuple[float, float]:
    low, high = _finite(lower), _finite(upper)
    if low is None and high is None:
        return -UNBOUNDED, UNBOUNDED
    if low is None:
        assert high is not None  # noqa: S101  one side at least is declared here
        return high - UNBOUNDED, high
    return low, low + UNBOUNDED if high is None else high


def _number_values(
    what: str, kind: str, lower: float | None, upper: float | None, near: tuple[float, ...]
) -> st.SearchStrategy[Any]:
    low, high = _range(lower, upper)
    base: st.SearchStrategy[Any]
    if kind == "integer":
        first, last = math.ceil(low), math.floor(high)
        if first > last:
            raise ValueError(f"{what} admits no integer between {low:g} and {high:g}")
        base = st.integers(first, last)
    else:
        base = st.floats(low, high, allow_nan=False, allow_infinity=False, allow_subnormal=False)
    return st.one_of(st.sampled_from(near), base) if near else base


def _scalar_values(
    what: str,
    kind: str,
    spec: Input | Field,
    near: tuple[float, ...],
) -> st.SearchStrategy[Any]:
    if kind == "bool":
        return st.booleans()
    if kind == "level":
        return st.sampled_from(spec.levels or ())
    return _number_values(what, kind, spec.min, spec.max, near)


def _list_size(spec: Input) -> int:
    return min(MAX_ITEMS, spec.max_length) if spec.max_length is not None else MAX_ITEMS


def _values_for(
    name: str, spec: Input, near: Mapping[str, tuple[float, ...]]
) -> st.SearchStrategy[Any]:
    what = f"input {name!r}"
    if spec.type == "list":
        item = _scalar_values(what, spec.items or "number", spec, near.get(name, ()))
        return st.lists(item, max_size=_list_size(spec))
    if spec.type == "records":
        fields = {
            field: _scalar_values(
                f"field {field!r} of {what}",
                declared.type,
                declared,
                near.get(f"{name}.{field}", ()),
            )
            for field, declared in (spec.fields or {}).items()
        }
        return st.lists(st.fixed_dictionaries(fields), max_size=_list_size(spec))
    return _scalar_values(what, spec.type, spec, near.get(name, ()))


def _declared(framework: Framework, name: str) -> Input:
    spec = framework.definition.inputs.get(name)
    if spec is None:
        declared = ", ".join(framework.definition.inputs) or "none"
        raise ValueError(
            f"framework {framework.ref} has no input {name!r}; its inputs are: {declared}"
        )
    return spec


def input_values(
    framework: Framework, name: str, *, boundaries: bool = True
) -> st.SearchStrategy[Any]:
    """Return a strategy for valid values of the input ``name`` (never ``None``).

    With ``boundaries``, the input's :func:`boundary_values` are mixed in. Raises
    ``ValueError`` for a name the framework does not declare.
    """
    spec = _declared(framework, name)
    return _values_for(name, spec, boundary_values(framework) if boundaries else {})


def inputs(
    framework: Framework,
    *,
    boundaries: bool = True,
    missing: bool = False,
    overrides: Mapping[str, st.SearchStrategy[Any]] | None = None,
) -> st.SearchStrategy[dict[str, Any]]:
    """Return a strategy for one unit's inputs: a valid value for every declared input.

    ``boundaries`` mixes in the framework's :func:`boundary_values`. Inputs with a declared
    default may be left out (they take the default); with ``missing``, any input may be left
    out, so the framework's missing-input policy is exercised. ``overrides`` maps input names
    to strategies of your own (for values that depend on each other, say); such inputs are
    always present. Raises ``ValueError`` for an override of an undeclared input.
    """
    chosen = dict(overrides or {})
    for name in chosen:
        _declared(framework, name)
    near = boundary_values(framework) if boundaries else {}
    required: dict[str, st.SearchStrategy[Any]] = {}
    optional: dict[str, st.SearchStrategy[Any]] = {}
    for name, spec in framework.definition.inputs.items():
        if name in chosen:
            required[name] = chosen[name]
        elif missing or spec.default is not None:
            optional[name] = _values_for(name, spec, near)
        else:
            required[name] = _values_for(name, spec, near)
    return st.fixed_dictionaries(required, optional=optional)


def populations(
    framework: Framework,
    *,
    min_size: int = 1,
    max_size: int = 20,
    id_column: str = "id",
    boundaries: bool = True,
    missing: bool = False,
    overrides: Mapping[str, st.SearchStrategy[Any]] | None = None,
) -> st.SearchStrategy[list[dict[str, Any]]]:
    """Return a strategy for a population: rows of inputs with the unit ids u1, u2 and so on.

    Each row is ``{id_column: "u<n>", **inputs}`` (see :func:`inputs` for the other options),
    ready for a data frame (the columnar executor) or a data file. Raises ``ValueError`` when
    ``id_column`` is the name of an input.
    """
    if id_column in framework.definition.inputs:
        raise ValueError(f"id_column {id_column!r} is the name of an input of {framework.ref}")
    units = inputs(framework, boundaries=boundaries, missing=missing, overrides=overrides)
    return st.lists(units, min_size=min_size, max_size=max_size).map(
        lambda rows: [{id_column: f"u{number}", **row} for number, row in enumerate(rows, 1)]
    )
