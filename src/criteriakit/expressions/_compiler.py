"""Compile a typed tree to a Python closure.

Each node becomes one small closure ``fn(env, frame)`` specialised at compile time for its
operator and for a constant operand, so evaluation dispatches on nothing and allocates nothing
outside aggregates. ``env`` maps input names to values; ``frame`` holds the current item of
each enclosing aggregate (``frame[level - 1]``), empty at the top. Constant sub-expressions are
folded by evaluating their closure once at compile time, so folding cannot change a result.

Undefined values propagate (the first one wins), ``and``/``or`` are three-valued, and nothing
raises on values of the declared types: a zero divisor, a missing input or an empty list gives
an :class:`~criteriakit.expressions.Undefined`, NaN and infinities are ordinary numbers, and
integers beyond the float range count as ±inf when mixed with floats.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any, NamedTuple, TypeAlias

from criteriakit.expressions.floats import (
    add_up,
    exponential,
    in_log_domain,
    in_sqrt_domain,
    round_decimals,
    saturated,
)
from criteriakit.expressions.tolerance import (
    EXACT_ABOVE,
    RELATIVE_TOLERANCE,
    approx_eq,
    approx_ge,
    approx_gt,
    approx_le,
    approx_lt,
    approx_ne,
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
from criteriakit.expressions.types import INTEGER, NUMBER, LevelType, ListType
from criteriakit.expressions.undefined import Undefined

__all__ = ["compile_tree"]

_Env: TypeAlias = Mapping[str, object]
_Frame: TypeAlias = tuple[Any, ...]
_Fn: TypeAlias = Callable[[_Env, _Frame], Any]
_Test: TypeAlias = Callable[[Any, Any], bool]

_SNIPPET = 60
_EXACT: dict[str, _Test] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
_TOLERANT: dict[str, _Test] = {
    "==": approx_eq,
    "!=": approx_ne,
    "<": approx_lt,
    "<=": approx_le,
    ">": approx_gt,
    ">=": approx_ge,
}

_BOUNDS = frozenset({"<", "<=", ">", ">="})


class _Code(NamedTuple):
    """A compiled node: its closure and, when ``constant``, the value it always returns."""

    fn: _Fn
    constant: bool
    value: Any


def compile_tree(tree: TypedNode, text: str, *, fold: bool = True) -> Callable[[_Env], object]:
    """Compile ``tree`` (checked from ``text``) to ``evaluate(env) -> value | Undefined``.

    ``fold=False`` turns off constant folding and constant-operand specialisation; results are
    the same either way (tests compare both). An expression that is one input reads it directly.
    """
    if isinstance(tree, InputRef):
        return _read_input(tree.name)
    code = _Compiler(text, fold=fold).compile(tree)
    if code.constant:
        value = code.value

        def constant(_env: _Env) -> object:
            return value

        return constant
    root = code.fn

    def evaluate(env: _Env) -> object:
        return root(env, ())

    return evaluate


_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


def _to_float(operand: _Fn) -> _Fn:
    def to_float(env: _Env, frame: _Frame) -> Any:
        value = operand(env, frame)
        if type(value) is not int:
            return value
        try:  # saturated's common case, without its call: every integer divided goes here
            return float(value)
        except OverflowError:
            return saturated(value)

    return to_float


def _within_64_bits(operation: _Fn, overflow: Undefined) -> _Fn:
    def within_64_bits(env: _Env, frame: _Frame) -> Any:
        value = operation(env, frame)
        if type(value) is int and not _INT64_MIN <= value <= _INT64_MAX:
            return overflow
        return value

    return within_64_bits


def _known(code: _Code) -> bool:
    return code.constant and type(code.value) is not Undefined


class _Compiler:
    def __init__(self, text: str, *, fold: bool) -> None:
        self._text = text
        self._fold = fold

    def compile(self, node: TypedNode) -> _Code:
        if isinstance(node, Constant):
            return self._constant(node.value)
        if isinstance(node, InputRef):
            return _Code(_input(node.name), constant=False, value=None)
        if isinstance(node, FieldRef):
            missing = Undefined(
                "missing", f"field '{node.name}' is missing in an item of '{node.source}'"
            )
            return _Code(_field(node.level - 1, node.name, missing), constant=False, value=None)
        if isinstance(node, ItemRef):
            missing = Undefined("missing", f"an item of '{node.source}' is missing")
            return _Code(_item(node.level - 1, missing), constant=False, value=None)
        if isinstance(node, Negate):
            operand = self.compile(node.operand)
            return self._checked(node, self._derive(_negate(operand.fn), operand))
        if isinstance(node, Arithmetic):
            return self._arithmetic(node)
        if isinstance(node, Comparison):
            return self._comparison(node)
        if isinstance(node, Not):
            operand = self.compile(node.operand)
            return self._derive(_not(operand.fn), operand)
        if isinstance(node, Logical):
            return self._logical(node)
        if isinstance(node, Conditional):
            return self._conditional(node)
        if isinstance(node, BuiltinCall):
            return self._builtin(node)
        if isinstance(node, Aggregate):
            return self._aggregate(node)
        return self._plugin(node)

    def _constant(self, value: Any) -> _Code:
        def constant(_env: _Env, _frame: _Frame) -> Any:
            return value

        return _Code(constant, constant=self._fold, value=value)

    def _derive(self, fn: _Fn, *children: _Code) -> _Code:
        """Wrap ``fn``; fold it to a constant when folding and all its operands are constant."""
        if self._fold and all(child.constant for child in children):
            return self._constant(fn({}, ()))
        return _Code(fn, constant=False, value=None)

    def _snippet(self, node: TypedNode) -> str:
        text = " ".join(self._text[node.offset : node.offset + node.length].split())
        return text if len(text) <= _SNIPPET else text[: _SNIPPET - 1] + "…"

    def _as_number(self, node: TypedNode) -> _Code:
        """Compile ``node`` for a number context: an integer value becomes its float.

        The columnar engine holds numbers as floats, so ``if(p, a, 0)`` is ``0.0`` there and
        must be here (a zero's sign, an integer's rounding beyond 2**53).
        """
        code = self.compile(node)
        if node.type != INTEGER:
            return code
        if code.constant:
            value = code.value
            return self._constant(value if type(value) is Undefined else saturated(value))
        return _Code(_to_float(code.fn), constant=False, value=None)

    def _checked(self, node: TypedNode, code: _Code) -> _Code:
        """Make an integer result beyond 64 bits undefined (kind ``overflow``)."""
        if node.type != INTEGER:
            return code
        overflow = Undefined(
            "overflow", f"the integer result of '{self._snippet(node)}' does not fit in 64 bits"
        )
        if code.constant:
            value = code.value
            in_range = type(value) is Undefined or _INT64_MIN <= value <= _INT64_MAX
            return code if in_range else self._constant(overflow)
        return _Code(_within_64_bits(code.fn, overflow), constant=False, value=None)

    def _arithmetic(self, node: Arithmetic) -> _Code:
        if node.op == "/":
            left, right = self._as_number(node.left), self._as_number(node.right)
        else:
            left, right = self.compile(node.left), self.compile(node.right)
        op = node.op
        if op == "/":
            zero = Undefined("division-by-zero", f"division by zero in '{self._snippet(node)}'")
            if _known(right):
                fn = _divide_by(left.fn, right.value, zero)
            elif _known(left):
                fn = _divide_into(left.value, right.fn, zero)
            else:
                fn = _divide(left.fn, right.fn, zero)
        elif op == "-":
            if _known(right):
                fn = _subtract_constant(left.fn, right.value)
            elif _known(left):
                fn = _subtract_from(left.value, right.fn)
            else:
                fn = _subtract(left.fn, right.fn)
        else:
            general, with_constant = (
                (_add, _add_constant) if op == "+" else (_multiply, _multiply_constant)
            )
            if _known(right):
                fn = with_constant(left.fn, right.value)
            elif _known(left):
                fn = with_constant(right.fn, left.value)
            else:
                fn = general(left.fn, right.fn)
        return self._checked(node, self._derive(fn, left, right))

    def _comparison(self, node: Comparison) -> _Code:
        left = self.compile(node.left)
        right = self.compile(node.right)
        kind = node.left.type
        if isinstance(kind, LevelType):
            return self._derive(_level_comparison(node.op, kind, left, right), left, right)
        test = _EXACT[node.op] if node.exact else _TOLERANT[node.op]
        if _known(right) and not node.exact and node.op in _BOUNDS:
            fn = _compare_bound(node.op, left.fn, right.value)
        elif _known(right):
            fn = _compare_constant(test, left.fn, right.value)
        elif _known(left):
            fn = _compare_to_constant(test, left.value, right.fn)
        else:
            fn = _compare(test, left.fn, right.fn)
        return self._derive(fn, left, right)

    def _logical(self, node: Logical) -> _Code:
        left = self.compile(node.left)
        right = self.compile(node.right)
        conjunction = node.op == "and"
        if self._fold:
            for fixed, other in ((left, right), (right, left)):
                if _known(fixed):
                    # A false operand decides a conjunction, a true one a disjunction; the other
                    # constant leaves the result to the other operand.
                    decides = not fixed.value if conjunction else bool(fixed.value)
                    return self._constant(not conjunction) if decides else other
        fn = _and(left.fn, right.fn) if conjunction else _or(left.fn, right.fn)
        return self._derive(fn, left, right)

    def _conditional(self, node: Conditional) -> _Code:
        condition = self.compile(node.condition)
        number = node.type == NUMBER
        then = self._as_number(node.then) if number else self.compile(node.then)
        otherwise = self._as_number(node.otherwise) if number else self.compile(node.otherwise)
        if self._fold and condition.constant:
            if type(condition.value) is Undefined:
                return condition
            return then if condition.value else otherwise
        return _Code(_if(condition.fn, then.fn, otherwise.fn), constant=False, value=None)

    def _builtin(self, node: BuiltinCall) -> _Code:
        number = node.type == NUMBER
        args = tuple(self._as_number(arg) if number else self.compile(arg) for arg in node.args)
        fns = tuple(arg.fn for arg in args)
        if node.function == "abs":
            return self._checked(node, self._derive(_abs(fns[0]), *args))
        if node.function in ("sqrt", "ln"):
            square = node.function == "sqrt"
            outside = Undefined(
                "domain",
                f"{'the square root of a negative number' if square else 'the logarithm of a number <= 0'}"
                f" in '{self._snippet(node)}'",
            )
            domain = in_sqrt_domain if square else in_log_domain
            return self._derive(
                _partial(fns[0], math.sqrt if square else math.log, domain, outside), *args
            )
        if node.function == "exp":
            return self._derive(_partial(fns[0], exponential, None, None), *args)
        if node.function == "round":
            digits = args[1].value if len(args) > 1 else 0
            places = int(digits)
            rounding = _partial(fns[0], lambda a: round_decimals(a, places), None, None)
            return self._derive(rounding, args[0])
        if node.function == "clamp":
            fn = _clamp(*fns)
        elif node.function == "min":
            fn = _minimum(fns)
        else:
            fn = _maximum(fns)
        return self._derive(fn, *args)

    def _plugin(self, node: PluginCall) -> _Code:
        fns = tuple(self.compile(arg).fn for arg in node.args)
        missing = Undefined("missing", f"function '{node.function.name}' returned no value")
        return _Code(_call(node.function.implementation, fns, missing), constant=False, value=None)

    def _aggregate(self, node: Aggregate) -> _Code:
        source = self.compile(node.source).fn
        item = None if node.item is None else self.compile(node.item).fn
        function = node.function
        name = node.source.name
        empty = Undefined("empty", f"{function} of an empty list '{name}'")
        # The checker gives share, any and all a condition; the other forms may lack an item.
        if function == "count":
            fn = _count(source) if item is None else _count_where(source, item)
        elif function == "share" and item is not None:
            fn = _share(source, item, empty)
        elif function == "any" and item is not None:
            fn = _any(source, item)
        elif function == "all" and item is not None:
            fn = _all(source, item)
        else:
            missing = Undefined("missing", f"an item of '{name}' is missing")
            values = _values(source, item, missing)
            value_type = node.item.type if node.item is not None else node.source.type
            integer = value_type in (INTEGER, ListType(INTEGER))
            if function == "sum":
                fn = _reduce(values, sum if integer else _float_sum, None)
                return self._checked(node, _Code(fn, constant=False, value=None))
            if function == "avg":
                overflow = Undefined(
                    "overflow", f"the sum of '{self._snippet(node)}' does not fit in 64 bits"
                )
                average = _average_integers(overflow) if integer else _average
                fn = _reduce(values, average, empty)
            else:
                fn = _reduce(values, min if function == "min" else max, empty)
        return _Code(fn, constant=False, value=None)


# --- names ---------------------------------------------------------------------------------


def _read_input(name: str) -> Callable[[_Env], object]:
    """Return ``evaluate(env)`` for an expression that is just the input ``name``."""
    missing = Undefined("missing", f"input '{name}' is missing")

    def read_input(env: _Env) -> object:
        value = env.get(name)
        return missing if value is None else value

    return read_input


def _input(name: str) -> _Fn:
    missing = Undefined("missing", f"input '{name}' is missing")

    def read_input(env: _Env, _frame: _Frame) -> Any:
        value = env.get(name)
        return missing if value is None else value

    return read_input


def _field(index: int, name: str, missing: Undefined) -> _Fn:
    def read_field(_env: _Env, frame: _Frame) -> Any:
        value = frame[index].get(name)
        return missing if value is None else value

    return read_field


def _item(index: int, missing: Undefined) -> _Fn:
    def read_item(_env: _Env, frame: _Frame) -> Any:
        value = frame[index]
        return missing if value is None else value

    return read_item


# --- arithmetic ----------------------------------------------------------------------------


def _negate(operand: _Fn) -> _Fn:
    def negate(env: _Env, frame: _Frame) -> Any:
        a = operand(env, frame)
        return a if type(a) is Undefined else -a

    return negate


def _add(left: _Fn, right: _Fn) -> _Fn:
    def add(env: _Env, frame: _Frame) -> Any:
        a = left(env, frame)
        if type(a) is Undefined:
            return a
        b = right(env, frame)
        if type(b) is Undefined:
            return b
        try:
            return a + b
        except OverflowError:
            return saturated(a) + saturated(b)

    return add


def _add_constant(left: _Fn, b: Any) -> _Fn:
    def add_constant(env: _Env, frame: _Frame) -> Any:
        a = left(env, frame)
        if type(a) is Undefined:
            return a
        try:
            return a + b
        except OverflowError:
            return saturated(a) + saturated(b)

    return add_constant


def _subtract(left: _Fn, right: _Fn) -> _Fn:
    def subtract(env: _Env, frame: _Frame) -> Any:
        a = left(env, frame)
        if type(a) is Undefined:
            return a
        b = right(env, frame)
        if type(b) is Undefined:
            return b
        try:
            return a - b
        except OverflowError:
            return saturated(a) - saturated(b)

    return subtract


def _subtract_constant(left: _Fn, b: Any) -> _Fn:
    def subtract_constant(env: _Env, frame: _Frame) -> Any:
        a = left(env, frame)
        if type(a) is Undefined:
            return a
        try:
            return a - b
        except OverflowError:
            return saturated(a) - saturated(b)

    return subtract_constant


def _subtract_from(a: Any, right: _Fn) -> _Fn:
    def subtract_from(env: _Env, frame: _Frame) -> Any:
        b = right(env, frame)
        if type(b) is Undefined:
            return b
        try:
            return a - b
        except OverflowError:
            return saturated(a) - saturated(b)

    return subtract_from


def _multiply(left: _Fn, right: _Fn) -> _Fn:
    def multiply(env: _Env, frame: _Frame) -> Any:
        a = left(env, frame)
        if type(a) is Undefined:
            return a
        b = right(env, frame)
        if type(b) is Undefined:
            return b
        try:
            return a * b
        except OverflowError:
            return saturated(a) * saturated(b)

    return multiply


def _multiply_constant(left: _Fn, b: Any) -> _Fn:
    def multiply_constant(env: _Env, frame: _Frame) -> Any:
        a = left(env, frame)
        if type(a) is Undefined:
            return a
        try:
            return a * b
        except OverflowError:
            return saturated(a) * saturated(b)

    return multiply_constant


def _divide(left: _Fn, right: _Fn, zero: Undefined) -> _Fn:
    def divide(env: _Env, frame: _Frame) -> Any:
        a = left(env, frame)
        if type(a) is Undefined:
            return a
        b = right(env, frame)
        if type(b) is Undefined:
            return b
        if b == 0:
            return zero
        try:
            return a / b
        except OverflowError:
            return saturated(a) / saturated(b)

    return divide


def _divide_by(left: _Fn, b: Any, zero: Undefined) -> _Fn:
    if b == 0:

        def divide_by_zero(env: _Env, frame: _Frame) -> Any:
            a = left(env, frame)
            return a if type(a) is Undefined else zero

        return divide_by_zero

    def divide_by(env: _Env, frame: _Frame) -> Any:
        a = left(env, frame)
        if type(a) is Undefined:
            return a
        try:
            return a / b
        except OverflowError:
            return saturated(a) / saturated(b)

    return divide_by


def _divide_into(a: Any, right: _Fn, zero: Undefined) -> _Fn:
    def divide_into(env: _Env, frame: _Frame) -> Any:
        b = right(env, frame)
        if type(b) is Undefined:
            return b
        if b == 0:
            return zero
        try:
            return a / b
        except OverflowError:
            return saturated(a) / saturated(b)

    return divide_into


# --- comparisons and logic -----------------------------------------------------------------


def _compare(test: _Test, left: _Fn, right: _Fn) -> _Fn:
    def compare(env: _Env, frame: _Frame) -> Any:
        a = left(env, frame)
        if type(a) is Undefined:
            return a
        b = right(env, frame)
        if type(b) is Undefined:
            return b
        return test(a, b)

    return compare


def _compare_constant(test: _Test, left: _Fn, b: Any) -> _Fn:
    def compare_constant(env: _Env, frame: _Frame) -> Any:
        a = left(env, frame)
        return a if type(a) is Undefined else test(a, b)

    return compare_constant


def _compare_bound(op: str, left: _Fn, bound: Any) -> _Fn:
    """Compare a number with a constant bound, exactly as the tolerance helpers would.

    While ``abs(a)`` does not exceed ``scale = max(1, abs(bound))`` the tolerance is that of
    the bound alone, so the shifted bounds are computed once; larger (or NaN) values fall back
    to the helper.
    """
    test = _TOLERANT[op]
    scale = max(1.0, abs(bound))
    if not scale < EXACT_ABOVE:
        return _compare_constant(test, left, bound)
    lower = bound - RELATIVE_TOLERANCE * scale
    upper = bound + RELATIVE_TOLERANCE * scale
    low = -scale

    def at_least(env: _Env, frame: _Frame) -> Any:
        a = left(env, frame)
        if type(a) is Undefined:
            return a
        return a >= lower if low <= a <= scale else test(a, bound)

    def above(env: _Env, frame: _Frame) -> Any:
        a = left(env, frame)
        if type(a) is Undefined:
            return a
        return a > upper if low <= a <= scale else test(a, bound)

    def at_most(env: _Env, frame: _Frame) -> Any:
        a = left(env, frame)
        if type(a) is Undefined:
            return a
        return a <= upper if low <= a <= scale else test(a, bound)

    def below(env: _Env, frame: _Frame) -> Any:
        a = left(env, frame)
        if type(a) is Undefined:
            return a
        return a < lower if low <= a <= scale else test(a, bound)

    return {">=": at_least, ">": above, "<=": at_most, "<": below}[op]


def _compare_to_constant(test: _Test, a: Any, right: _Fn) -> _Fn:
    def compare_to_constant(env: _Env, frame: _Frame) -> Any:
        b = right(env, frame)
        return b if type(b) is Undefined else test(a, b)

    return compare_to_constant


def _level_comparison(op: str, kind: LevelType, left: _Code, right: _Code) -> _Fn:
    """Compare levels by rank (better is greater) through precomputed sets of true cases."""
    rank = {level: -index for index, level in reversed(tuple(enumerate(kind.levels)))}
    test = _EXACT[op]
    if _known(right):
        bound = rank[right.value]
        allowed = frozenset(level for level in kind.levels if test(rank[level], bound))
        return _member(left.fn, allowed)
    if _known(left):
        bound = rank[left.value]
        allowed = frozenset(level for level in kind.levels if test(bound, rank[level]))
        return _member(right.fn, allowed)
    pairs = frozenset(
        (first, second)
        for first in kind.levels
        for second in kind.levels
        if test(rank[first], rank[second])
    )
    return _pair_member(left.fn, right.fn, pairs)


def _member(operand: _Fn, allowed: frozenset[str]) -> _Fn:
    def member(env: _Env, frame: _Frame) -> Any:
        a = operand(env, frame)
        return a if type(a) is Undefined else a in allowed

    return member


def _pair_member(left: _Fn, right: _Fn, pairs: frozenset[tuple[str, str]]) -> _Fn:
    def pair_member(env: _Env, frame: _Frame) -> Any:
        a = left(env, frame)
        if type(a) is Undefined:
            return a
        b = right(env, frame)
        if type(b) is Undefined:
            return b
        return (a, b) in pairs

    return pair_member


def _not(operand: _Fn) -> _Fn:
    def negation(env: _Env, frame: _Frame) -> Any:
        a = operand(env, frame)
        return a if type(a) is Undefined else not a

    return negation


def _and(left: _Fn, right: _Fn) -> _Fn:
    def conjunction(env: _Env, frame: _Frame) -> Any:
        a = left(env, frame)
        if type(a) is Undefined:
            b = right(env, frame)
            return a if type(b) is Undefined or b else False
        return right(env, frame) if a else False

    return conjunction


def _or(left: _Fn, right: _Fn) -> _Fn:
    def disjunction(env: _Env, frame: _Frame) -> Any:
        a = left(env, frame)
        if type(a) is Undefined:
            b = right(env, frame)
            return a if type(b) is Undefined or not b else True
        return True if a else right(env, frame)

    return disjunction


def _if(condition: _Fn, then: _Fn, otherwise: _Fn) -> _Fn:
    def conditional(env: _Env, frame: _Frame) -> Any:
        chosen = condition(env, frame)
        if type(chosen) is Undefined:
            return chosen
        return then(env, frame) if chosen else otherwise(env, frame)

    return conditional


# --- functions -----------------------------------------------------------------------------


def _abs(operand: _Fn) -> _Fn:
    def absolute(env: _Env, frame: _Frame) -> Any:
        a = operand(env, frame)
        return a if type(a) is Undefined else abs(a)

    return absolute


def _partial(
    operand: _Fn,
    function: Callable[[float], float],
    domain: Callable[[float], bool] | None,
    outside: Undefined | None,
) -> _Fn:
    """Apply ``function`` to the operand; undefined (``outside``) where ``domain`` says so."""

    def apply(env: _Env, frame: _Frame) -> Any:
        a = operand(env, frame)
        if type(a) is Undefined:
            return a
        if domain is not None and not domain(a):
            return outside
        return function(a)

    return apply


def _clamp(value: _Fn, low: _Fn, high: _Fn) -> _Fn:
    def clamp(env: _Env, frame: _Frame) -> Any:
        x = value(env, frame)
        if type(x) is Undefined:
            return x
        lo = low(env, frame)
        if type(lo) is Undefined:
            return lo
        hi = high(env, frame)
        if type(hi) is Undefined:
            return hi
        x = max(x, lo)
        return min(x, hi)

    return clamp


def _minimum(args: tuple[_Fn, ...]) -> _Fn:
    first, rest = args[0], args[1:]

    def minimum(env: _Env, frame: _Frame) -> Any:
        best = first(env, frame)
        if type(best) is Undefined:
            return best
        for arg in rest:
            value = arg(env, frame)
            if type(value) is Undefined:
                return value
            best = min(best, value)
        return best

    return minimum


def _maximum(args: tuple[_Fn, ...]) -> _Fn:
    first, rest = args[0], args[1:]

    def maximum(env: _Env, frame: _Frame) -> Any:
        best = first(env, frame)
        if type(best) is Undefined:
            return best
        for arg in rest:
            value = arg(env, frame)
            if type(value) is Undefined:
                return value
            best = max(best, value)
        return best

    return maximum


def _call(implementation: Callable[..., object], args: tuple[_Fn, ...], missing: Undefined) -> _Fn:
    def call(env: _Env, frame: _Frame) -> Any:
        values = []
        for arg in args:
            value = arg(env, frame)
            if type(value) is Undefined:
                return value
            values.append(value)
        result = implementation(*values)
        return missing if result is None else result

    return call


# --- aggregates ----------------------------------------------------------------------------


def _count(source: _Fn) -> _Fn:
    def count(env: _Env, frame: _Frame) -> Any:
        items = source(env, frame)
        return items if type(items) is Undefined else len(items)

    return count


def _count_where(source: _Fn, condition: _Fn) -> _Fn:
    def count_where(env: _Env, frame: _Frame) -> Any:
        items = source(env, frame)
        if type(items) is Undefined:
            return items
        found = 0
        for item in items:
            holds = condition(env, (*frame, item))
            if type(holds) is Undefined:
                return holds
            if holds:
                found += 1
        return found

    return count_where


def _share(source: _Fn, condition: _Fn, empty: Undefined) -> _Fn:
    def share(env: _Env, frame: _Frame) -> Any:
        items = source(env, frame)
        if type(items) is Undefined:
            return items
        if not len(items):
            return empty
        found = 0
        for item in items:
            holds = condition(env, (*frame, item))
            if type(holds) is Undefined:
                return holds
            if holds:
                found += 1
        return found / len(items)

    return share


def _any(source: _Fn, condition: _Fn) -> _Fn:
    def any_item(env: _Env, frame: _Frame) -> Any:
        items = source(env, frame)
        if type(items) is Undefined:
            return items
        undefined: Undefined | None = None
        for item in items:
            holds = condition(env, (*frame, item))
            if type(holds) is Undefined:
                undefined = undefined or holds
            elif holds:
                return True
        return undefined or False

    return any_item


def _all(source: _Fn, condition: _Fn) -> _Fn:
    def all_items(env: _Env, frame: _Frame) -> Any:
        items = source(env, frame)
        if type(items) is Undefined:
            return items
        undefined: Undefined | None = None
        for item in items:
            holds = condition(env, (*frame, item))
            if type(holds) is Undefined:
                undefined = undefined or holds
            elif not holds:
                return False
        return undefined or True

    return all_items


def _values(source: _Fn, item: _Fn | None, missing: Undefined) -> _Fn:
    """Return the numbers to reduce: the items themselves, or the per-item values."""
    if item is None:

        def items_as_values(env: _Env, frame: _Frame) -> Any:
            items = source(env, frame)
            if type(items) is Undefined:
                return items
            return missing if None in items else items

        return items_as_values

    def item_values(env: _Env, frame: _Frame) -> Any:
        items = source(env, frame)
        if type(items) is Undefined:
            return items
        values = []
        for each in items:
            value = item(env, (*frame, each))
            if type(value) is Undefined:
                return value
            values.append(value)
        return values

    return item_values


def _reduce(values: _Fn, reducer: Callable[[Sequence[Any]], Any], empty: Undefined | None) -> _Fn:
    def reduce(env: _Env, frame: _Frame) -> Any:
        found = values(env, frame)
        if type(found) is Undefined:
            return found
        if empty is not None and not len(found):
            return empty
        return reducer(found)

    return reduce


def _float_sum(values: Sequence[Any]) -> float:
    """Sum left to right (see :mod:`criteriakit.expressions.floats`), saturating big ints."""
    try:
        return add_up(values)
    except OverflowError:  # an int beyond the float range among floats
        return add_up(saturated(value) for value in values)


def _average(values: Sequence[Any]) -> float:
    return _float_sum(values) / len(values)


def _average_integers(overflow: Undefined) -> Callable[[Sequence[Any]], object]:
    """Return the mean of integers: their sum (which must fit in 64 bits) as a float, divided."""

    def average(values: Sequence[Any]) -> object:
        total: int = sum(values)
        if not _INT64_MIN <= total <= _INT64_MAX:
            return overflow
        return float(total) / len(values)

    return average
