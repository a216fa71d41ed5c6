"""Compile typed rule expressions to Polars expressions, with the scalar evaluator's semantics.

:func:`compile_columnar` turns a :class:`~criteriakit.expressions.CompiledExpression` into a
:class:`ColumnExpression`: a ``value`` expression and an ``undefined`` expression to evaluate
over a frame with one row per unit and one column per declared input (number as Float64,
integer as Int64, bool as Boolean, level as String, list as a List column, records as a List
of Struct column). A null is a missing input; so is every row of an input named in neither
the frame nor ``columns`` when ``columns`` is given. Expressions that read no input are
literals and broadcast like any Polars literal (use ``with_columns``).

``value`` is null exactly where the scalar evaluator returns an
:class:`~criteriakit.expressions.Undefined`, and ``undefined`` then holds its kind
as a small integer (:data:`KIND_CODES`: ``"missing"``, ``"division-by-zero"``, ``"empty"`` or
``"overflow"``; integers are 64-bit and wrap, so a wrapped result is flagged as an overflow):
the first undefined operand's kind,
``and``/``or`` three-valued, ``if`` lazy, numbers compared with the tolerance of
:mod:`criteriakit.expressions.tolerance` and NaN compared as Python floats do.

Some parts need columns added to the frame first, listed in ``aggregates`` in order (see
:func:`criteriakit.columnar.aggregates.with_aggregates`): aggregates with a per-item
expression (``count(xs, it > 1)``, ``share(members, ok)``, nested ones), computed by
grouping the items, and plugin functions with a narwhals builder. The one-argument forms
``count(xs)`` and ``sum``/``avg``/``min``/``max`` of a list run on the list column directly.

What cannot run as columns raises :class:`ColumnarUnsupported` (the executor then evaluates
that expression row by row with the scalar evaluator):

- plugin functions without a columnar builder;
- integer literals beyond 64 bits;
- expressions whose Polars form would exceed the ``columnar_expression_size`` limit
  (:mod:`criteriakit.limits`; by default :data:`MAX_SIZE`) operations. Operands are
  written out once per use: a comparison reads each side about six times and ``if`` its
  condition three times, so comparisons nested in ``if`` conditions inside comparisons grow
  geometrically; chains of ``and``/``or``, arithmetic and ``if`` branches grow linearly.

Known differences, all outside the scalar evaluator's exactness: integers are 64-bit (they
wrap where Python's grow, and convert to floats before dividing or mixing with numbers, so
beyond 2**53 they may round); sums of numbers use Polars' float sum, not the exactly rounded
:func:`math.fsum` (the same to rounding, unless terms cancel).
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, NamedTuple, TypeAlias

import attrs
import polars as pl

from criteriakit import limits
from criteriakit.columnar.floats import divided
from criteriakit.errors import ColumnarUnsupported
from criteriakit.expressions import CompiledExpression
from criteriakit.expressions._compiler import compile_tree
from criteriakit.expressions.floats import WHOLE_FROM
from criteriakit.expressions.tolerance import column_tolerance
from criteriakit.expressions.typed_ast import (
    Aggregate,
    AggregateFunction,
    Arithmetic,
    BuiltinCall,
    Comparison,
    ComparisonOperator,
    Conditional,
    Constant,
    FieldRef,
    InputRef,
    ItemRef,
    Logical,
    LogicalOperator,
    Negate,
    Not,
    PluginCall,
    TypedNode,
)
from criteriakit.expressions.types import (
    INTEGER,
    NUMBER,
    ExprType,
    LevelType,
    ListType,
    RecordsType,
    ScalarType,
)
from criteriakit.expressions.undefined import UndefinedKind

__all__ = [
    "KINDS",
    "KIND_CODES",
    "MAX_SIZE",
    "NO_KIND",
    "AggregateColumns",
    "ColumnExpression",
    "ColumnarFunction",
    "ColumnarUnsupported",
    "FunctionColumns",
    "Request",
    "StagedColumn",
    "column_dtype",
    "compile_columnar",
    "derived_kind",
    "item_column",
    "kind_code",
]

KIND_CODES: dict[UndefinedKind, int] = {
    "missing": 1,
    "division-by-zero": 2,
    "empty": 3,
    "overflow": 4,
    "domain": 5,
}
"""The codes of the kinds of undefined values in ``undefined`` columns (Int8; null: defined)."""
KINDS: dict[int, UndefinedKind] = {code: kind for kind, code in KIND_CODES.items()}
NO_KIND = pl.lit(None, pl.Int8)
"""The ``undefined`` of an expression that is never undefined."""


def kind_code(kind: UndefinedKind) -> pl.Expr:
    """Return the literal code of ``kind`` for ``undefined`` columns."""
    return pl.lit(KIND_CODES[kind], pl.Int8)


MAX_SIZE = limits.DEFAULTS.columnar_expression_size
"""The largest estimated size (operations written out) of an expression run as columns, by
default (the ``columnar_expression_size`` limit of :mod:`criteriakit.limits`)."""

ColumnarFunction: TypeAlias = Callable[..., Any]
"""A plugin function's columnar builder: narwhals expressions in, a narwhals expression out.

It receives one ``narwhals.Expr`` per argument (a column, null where the argument is
undefined: the result is then undefined whatever it is) and returns the value; a null result
is undefined with kind ``"missing"``, like ``None`` from the scalar implementation.
"""

_SNIPPET = 60
_INT64 = range(-(2**63), 2**63)
_ARITHMETIC: dict[str, Callable[[Any, Any], Any]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
}
_COMPARE: dict[ComparisonOperator, Callable[[Any, Any], Any]] = {
    "==": operator.eq,  # on expressions, as on numbers: a == b
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}


def _float_sum(items: pl.Expr) -> pl.Expr:
    """Return each list's items added left to right, as the scalar evaluator adds them.

    Polars adds a list's items in their order; the sum of no items is ``-0.0`` (the float that
    adds nothing, where the scalar evaluator starts).
    """
    return pl.when(items.list.len() > 0).then(items.list.sum()).otherwise(pl.lit(-0.0))


_EXTREMES: dict[str, Callable[[pl.Expr], pl.Expr]] = {
    "min": lambda items: items.list.min(),
    "max": lambda items: items.list.max(),
}


@attrs.frozen(eq=False)
class ColumnExpression:
    """An expression compiled to Polars: its ``value`` and why it is ``undefined``.

    ``value`` is null where the scalar evaluator returns an
    :class:`~criteriakit.expressions.Undefined`; ``undefined`` is a string expression, null
    where the value is defined, else the kind's code in :data:`KIND_CODES` (``"missing"``,
    ``"division-by-zero"`` or ``"empty"``).
    """

    value: pl.Expr
    undefined: pl.Expr
    aggregates: tuple[Request, ...] = ()
    size: int = 1
    """The operations it takes written out, the item expressions of its aggregates included."""


@attrs.frozen(eq=False)
class AggregateColumns:
    """An aggregate over items, computed by grouping its items (see :mod:`.aggregates`).

    The expressions that use it read its value from column ``name`` and its undefined kind
    from ``name:u``, which :func:`criteriakit.columnar.aggregates.with_aggregates` adds. The
    items are the list or records in column ``source`` of the frame (``None``: another frame
    supplies them, as the children do for roll-ups), one per row of an item frame whose item
    or fields are the columns named by :func:`item_column` for ``level``. ``item`` is the
    per-item expression (``None`` for ``count(xs)``), ``items_undefined`` whether it may be
    undefined for an item (not when it reads only fields every item has), ``carry`` the
    columns of the enclosing frame it reads, ``integer`` whether ``sum``/``avg`` add integers.
    """

    name: str
    function: AggregateFunction
    source: str | None
    level: int
    records: bool
    fields: tuple[str, ...]
    item: ColumnExpression | None
    items_undefined: bool
    integer: bool
    carry: tuple[str, ...]


@attrs.frozen(eq=False)
class FunctionColumns:
    """A plugin function with a columnar builder, computed as column ``name`` of the frame.

    The ``args`` are added as columns ``name.0``, ``name.1``… and the narwhals ``builder`` runs
    on them (see :mod:`.aggregates`), so that plugins write narwhals while the plan is Polars.
    """

    name: str
    builder: ColumnarFunction
    args: tuple[pl.Expr, ...]
    dtype: pl.DataType


@attrs.frozen
class StagedColumn:
    """A large operand computed once, as column ``name``, for an operation that reads it often.

    Polars writes a subexpression out again wherever it is used: ``clamp`` reads each operand
    many times, so nested clamps would grow the plan exponentially. A staged operand is a
    column of its own, which the operation reads as cheaply as any input (see :mod:`.aggregates`).
    """

    name: str
    value: pl.Expr


Request = AggregateColumns | FunctionColumns | StagedColumn
"""A column an expression needs added to the frame before it runs, in order."""

STAGED_ABOVE = 8
"""Operands of ``min``, ``max`` and ``clamp`` larger than this (in operations) are staged."""


def item_column(level: int, field: str | None) -> str:
    """Return the column of the items (or of one field of the records) aggregated at ``level``."""
    return f"__L{level}" if field is None else f"__L{level}.{field}"


def _absent(source: InputRef | FieldRef, reads: Collection[str]) -> bool:
    """Return whether ``source`` is an input without a column (missing in every row)."""
    return isinstance(source, InputRef) and source.name not in reads


def _source_column(node: InputRef | FieldRef) -> str:
    return node.name if isinstance(node, InputRef) else item_column(node.level, node.name)


def derived_kind(name: str) -> str:
    """Return the column of the undefined kind of the derived value ``name``."""
    return f"__derived:{name}:k"


def compile_columnar(
    compiled: CompiledExpression,
    *,
    columns: Collection[str] | None = None,
    builders: Mapping[str, ColumnarFunction] | None = None,
    prefix: str = "__agg",
    item_frames: Collection[str] = (),
    present: Collection[str] = (),
    derived: Collection[str] = (),
) -> ColumnExpression:
    """Compile ``compiled`` to Polars expressions with the scalar evaluator's semantics.

    ``columns`` names the frame's columns when some declared inputs may have none: inputs
    not among them are missing in every row (``None``: every input read has a column).
    A plugin function runs by its spec's :data:`ColumnarFunction`, unless ``builders`` maps its
    name to another (tests give builders to functions declared without one). Aggregates
    over items become :class:`AggregateColumns` named ``prefix`` and a number: keep prefixes
    distinct between expressions evaluated over one frame. ``item_frames`` names the records
    inputs whose items come from another frame (the children of a roll-up), ``present`` the
    item columns no item lacks (an evaluable child's ``tier``, say). ``derived`` names the
    derived values, which the frame holds as a value column and a kind column
    (:func:`derived_kind`). Raises :class:`ColumnarUnsupported` for what cannot run as columns
    (see the module docstring).
    """
    compiler = _Compiler(
        compiled.text,
        columns,
        builders or {},
        prefix=prefix,
        frames=item_frames,
        present=present,
        derived=derived,
    )
    column = compiler.compile(compiled.tree)
    size = column.size + compiler.staged_size
    cap = limits.current().columnar_expression_size
    if size > cap:
        raise compiler.unsupported(compiled.tree, f"it would take over {cap:,} column operations")
    undefined = column.undefined if column.undefined is not None else NO_KIND
    return ColumnExpression(column.value, undefined, tuple(compiler.requests), size)


class _Column(NamedTuple):
    """A compiled node: ``undefined`` is ``None`` when it is never undefined.

    ``value`` is null where ``undefined`` is not. ``value_size`` and ``undefined_size`` bound
    the operations of each written out as a tree (Polars expands a subexpression used twice):
    a node's sizes add its operands' sizes once for each time it uses their value or their
    undefined, so a value read by both the value and the undefined above it counts twice.
    """

    value: pl.Expr
    undefined: pl.Expr | None
    floating: bool  # a Float64 value, which may be NaN
    value_size: int
    undefined_size: int = 0

    @property
    def size(self) -> int:
        """The operations of the value and the undefined together."""
        return self.value_size + self.undefined_size


def _values(operands: Iterable[_Column]) -> int:
    return sum(operand.value_size for operand in operands)


def _undefineds(operands: Iterable[_Column]) -> int:
    return sum(operand.undefined_size for operand in operands)


def column_dtype(kind: ExprType) -> pl.DataType:
    """Return the Polars type of a column holding values of ``kind`` (a level is text)."""
    if isinstance(kind, ScalarType):
        return {"number": pl.Float64(), "integer": pl.Int64(), "bool": pl.Boolean()}[kind.name]
    if isinstance(kind, LevelType):
        return pl.String()
    if isinstance(kind, ListType):
        return pl.List(column_dtype(kind.item))
    return pl.List(pl.Struct([pl.Field(name, column_dtype(field)) for name, field in kind.fields]))


def _kind(kind: UndefinedKind, where: pl.Expr) -> pl.Expr:
    return pl.when(where).then(kind_code(kind))


_INT64_MIN = -(2**63)
_TWO_32 = 2**32


def _wide(operand: _Column) -> pl.Expr:
    return operand.value.cast(pl.Int128())


def _exact_integer(exact: pl.Expr, operands: Sequence[_Column]) -> _Column:
    """Return the 128-bit ``exact`` result of 64-bit ``operands``, undefined where it overflows.

    The scalar evaluator computes with Python's unbounded integers and calls a result beyond
    64 bits undefined (kind ``overflow``). Every 64-bit sum, difference, product, negation or
    absolute value is exact in 128 bits, and casting it back gives null where it does not fit:
    each operand's value is read once by the value and once by the undefined, so nested
    arithmetic grows linearly written out (checking the wrapped 64-bit result instead reads
    the operands in every test, which grows exponentially with the nesting).
    """
    value = exact.cast(pl.Int64(), strict=False)
    flagged = _kind("overflow", ~exact.is_between(_INT64_MIN, 2**63 - 1))
    undefined = _first(*(operand.undefined for operand in operands), flagged)
    value_size = _values(operands) + 2 * len(operands) + 2
    return _Column(
        value, undefined, False, value_size, _undefineds(operands) + value_size + len(operands) + 3
    )


def _integer_sum(items: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """Return each integer list's sum and "the exact sum does not fit in 64 bits".

    The high and low 32 bits of the items are added apart (each sum is exact in 64 bits for
    fewer than 2**31 items), and the exact sum ``high * 2**32 + low`` is checked from them.
    """
    high = items.list.eval(pl.element() // _TWO_32).list.sum()
    low = items.list.eval(pl.element() % _TWO_32).list.sum()
    carried = high + low // _TWO_32
    return items.list.sum(), (carried < -(2**31)) | (carried >= 2**31)


def _first(*undefined: pl.Expr | None) -> pl.Expr | None:
    """Return the first non-null kind among ``undefined`` (``None``: never undefined)."""
    present = [each for each in undefined if each is not None]
    if not present:
        return None
    return present[0] if len(present) == 1 else pl.coalesce(*present)


def _present(operands: list[_Column]) -> pl.Expr:
    """Return "no operand's value is null"."""
    present = ~operands[0].value.is_null()
    for operand in operands[1:]:
        present &= ~operand.value.is_null()
    return present


def _mathematical(node: BuiltinCall, args: list[_Column]) -> _Column:
    """``sqrt``, ``ln``, ``exp`` or ``round`` of a column, as the scalar executor computes them.

    Outside ``sqrt``'s and ``ln``'s domain the value is undefined (kind ``domain``); ``round``
    is :func:`~criteriakit.expressions.floats.round_decimals` on columns.
    """
    operand = args[0]
    x = operand.value.cast(pl.Float64)
    size = operand.value_size
    if node.function == "exp":
        return _Column(x.exp(), operand.undefined, True, size + 1, operand.undefined_size)
    if node.function == "round":
        decimals = node.args[1] if len(node.args) > 1 else None
        digits = decimals.value if isinstance(decimals, Constant) else 0
        assert isinstance(digits, int)  # noqa: S101 - the checker requires a constant integer
        scale = 10.0**digits
        scaled = x * scale
        nearest = divided(scaled.round(0, mode="half_to_even"), pl.lit(scale))
        value = pl.when(~(scaled.abs() < WHOLE_FROM)).then(x).otherwise(nearest)
        return _Column(value, operand.undefined, True, 9 * size + 8, operand.undefined_size)
    square = node.function == "sqrt"
    outside = x < 0 if square else x <= 0
    value = pl.when(~outside).then(x.sqrt() if square else x.log())
    undefined = _first(operand.undefined, _kind("domain", outside))
    return _Column(value, undefined, True, 2 * size + 2, operand.undefined_size + size + 2)


def _skipped_if_nan(operand: _Column) -> pl.Expr:
    """Return the operand's value, null if NaN: min/max_horizontal skip nulls."""
    return operand.value.fill_nan(None) if operand.floating else operand.value


def _nan_if_nan(first: _Column, result: pl.Expr) -> pl.Expr:
    """Return NaN where ``first`` is NaN, else ``result``: Python's min/max keep a NaN first."""
    if not first.floating:
        return result
    return pl.when(first.value.is_nan()).then(pl.lit(math.nan)).otherwise(result)


def _first_zero(extreme: pl.Expr, candidates: Sequence[pl.Expr]) -> pl.Expr:
    """Return ``extreme``, or where it is a zero, the first zero among ``candidates``.

    Python's ``min`` and ``max`` keep the first of equal values, and 0.0 equals -0.0: of
    ``min(0.0, -0.0)`` Python keeps 0.0, Polars may give -0.0, and a sign shows after a
    negation or a division.
    """
    zeros = [pl.when(candidate == 0).then(candidate.cast(pl.Float64)) for candidate in candidates]
    return pl.when(extreme == 0).then(pl.coalesce(*zeros)).otherwise(extreme)


def _tolerant(op: ComparisonOperator, left: _Column, right: _Column) -> pl.Expr:
    """Compare numbers as :mod:`criteriakit.expressions.tolerance` does (null if one is)."""
    a, b = left.value, right.value
    tol = column_tolerance(a, b)
    if op in {"==", "!="}:
        equal = (a == b) | ((a - b).abs() <= tol)
        result = equal if op == "==" else ~equal
    elif op in {">=", "<"}:
        result = _COMPARE[op](a, b - tol)
    else:
        result = _COMPARE[op](a, b + tol)
    nan = [operand.value.is_nan() for operand in (left, right) if operand.floating]
    if not nan:
        return result
    # Only != holds with a NaN (Polars would order NaN above all); a + b keeps nulls null.
    holds = (a + b).is_nan()
    return pl.when(pl.any_horizontal(*nan)).then(holds if op == "!=" else ~holds).otherwise(result)


def _chain(node: TypedNode, op: LogicalOperator) -> list[TypedNode]:
    """Return the operands of a chain of ``op`` (``a and b and c``), left to right."""
    if isinstance(node, Logical) and node.op == op:
        return [*_chain(node.left, op), *_chain(node.right, op)]
    return [node]


def _ranks(kind: LevelType) -> dict[str, int]:
    """Return the rank of each level name, greater is better (the first of duplicates)."""
    return {level: -index for index, level in reversed(tuple(enumerate(kind.levels)))}


def _rank(value: pl.Expr, kind: LevelType) -> pl.Expr:
    """Map level names to ranks (see :func:`_ranks`); others to null."""
    return value.replace_strict(_ranks(kind), default=None, return_dtype=pl.Int64())


def _versus_level(
    op: ComparisonOperator, value: pl.Expr, level: str, kind: LevelType, *, level_first: bool
) -> pl.Expr:
    """Compare level names with the constant ``level``: the names that compare true, listed.

    The same as comparing ranks (a name off the scale, or a constant off it, is false), but a
    test of membership in a few names instead of a lookup per row. Null where ``value`` is.
    """
    ranks = _ranks(kind)
    bound = ranks.get(level)
    holds = _COMPARE[op]
    names = [
        name
        for name, rank in ranks.items()
        if bound is not None and (holds(bound, rank) if level_first else holds(rank, bound))
    ]
    if not names:
        return pl.when(value.is_not_null()).then(pl.lit(value=False))
    return value == names[0] if len(names) == 1 else value.is_in(names)


def _level_comparison(
    node: Comparison, left: _Column, right: _Column, kind: LevelType
) -> tuple[pl.Expr, int]:
    """Compare level names by rank; return the value and how often it reads the operands.

    A name off the scale is false, as in the scalar evaluator, not undefined.
    """
    if isinstance(node.right, Constant):
        level = str(node.right.value)
        return _versus_level(node.op, left.value, level, kind, level_first=False), 1
    if isinstance(node.left, Constant):
        level = str(node.left.value)
        return _versus_level(node.op, right.value, level, kind, level_first=True), 1
    ranks = _COMPARE[node.op](_rank(left.value, kind), _rank(right.value, kind))
    return pl.when(_present([left, right])).then(ranks.fill_null(value=False)), 2


def _constant_tree(node: TypedNode) -> bool:
    """Whether ``node`` reads nothing: literals, and operators and conditions over them."""
    if isinstance(node, Constant):
        return True
    if isinstance(node, Negate | Not):
        return _constant_tree(node.operand)
    if isinstance(node, Arithmetic | Comparison | Logical):
        return _constant_tree(node.left) and _constant_tree(node.right)
    if isinstance(node, Conditional):
        return all(_constant_tree(part) for part in (node.condition, node.then, node.otherwise))
    return False


class _Compiler:
    def __init__(
        self,
        text: str,
        columns: Collection[str] | None,
        builders: Mapping[str, ColumnarFunction],
        *,
        prefix: str,
        frames: Collection[str] = (),
        present: Collection[str] = (),
        derived: Collection[str] = (),
    ) -> None:
        self._text = text
        self._columns = columns
        self._builders = builders
        self._prefix = prefix
        self._frames = frames
        self._present = present
        self._derived = derived
        self.requests: list[Request] = []
        self.staged_size = 0  # the operations of the staged operands, counted once each
        self.reads: set[str] = set()

    def compile(self, node: TypedNode) -> _Column:
        if isinstance(node, Constant):
            return self._constant(node)
        if isinstance(node, InputRef):
            return self._input(node)
        if isinstance(node, (FieldRef, ItemRef)):
            return self._reference(node)
        if isinstance(node, Aggregate):
            return self._aggregate(node)
        if isinstance(node, Negate):
            operand = self.compile(node.operand)
            if node.type == INTEGER:  # Int128 has no negation: 0 - x
                return _exact_integer(pl.lit(0, pl.Int128()) - _wide(operand), [operand])
            return operand._replace(value=-operand.value, value_size=operand.value_size + 1)
        if isinstance(node, Not):
            operand = self.compile(node.operand)
            return operand._replace(value=~operand.value, value_size=operand.value_size + 1)
        if isinstance(node, Arithmetic):
            return self._arithmetic(node)
        if isinstance(node, Comparison):
            return self._comparison(node)
        if isinstance(node, Logical):
            return self._logical(node)
        if isinstance(node, Conditional):
            return self._conditional(node)
        if isinstance(node, BuiltinCall):
            return self._builtin(node)
        return self._plugin(node)

    def unsupported(self, node: TypedNode, reason: str) -> ColumnarUnsupported:
        """Return the error for ``node``, quoting its text."""
        text = " ".join(self._text[node.offset : node.offset + node.length].split())
        if len(text) > _SNIPPET:
            text = text[: _SNIPPET - 1] + "…"
        return ColumnarUnsupported(
            f"'{text}' cannot run as columns: {reason}; use the scalar evaluator"
        )

    def _constant(self, node: Constant) -> _Column:
        if node.type == INTEGER and node.value not in _INT64:
            raise self.unsupported(node, "the integer does not fit in 64 bits")
        return _Column(pl.lit(node.value, column_dtype(node.type)), None, node.type == NUMBER, 1)

    def _input(self, node: InputRef) -> _Column:
        dtype = column_dtype(node.type)
        floating = node.type == NUMBER
        if node.name in self._derived:  # computed before, with its own undefined kind
            kind = derived_kind(node.name)
            self.reads.update((node.name, kind))
            return _Column(pl.col(node.name).cast(dtype), pl.col(kind), floating, 2, 1)
        if self._columns is not None and node.name not in self._columns:
            return _Column(pl.lit(None, dtype), kind_code("missing"), floating, 1, 1)
        self.reads.add(node.name)
        column = pl.col(node.name)
        missing = _kind("missing", column.is_null())
        if isinstance(node.type, RecordsType):  # read as given: only their count is used
            return _Column(column, missing, floating, 1, 3)
        return _Column(column.cast(dtype), missing, floating, 2, 3)

    def _arithmetic(self, node: Arithmetic) -> _Column:
        left = self.compile(node.left)
        right = self.compile(node.right)
        a, b = left.value, right.value
        operands = [left, right]
        if node.op == "/":
            zero = _kind("division-by-zero", b == 0)
            undefined = _first(left.undefined, right.undefined, zero)
            # divided() may read each operand three times; the test b != 0 reads b once more
            value_size = 3 * left.value_size + 4 * right.value_size + 8
            undefined_size = _undefineds(operands) + right.value_size + 4
            value = pl.when(b != 0).then(divided(a, b))
            return _Column(value, undefined, True, value_size, undefined_size)
        apply = _ARITHMETIC[node.op]
        if node.type == INTEGER:
            return _exact_integer(apply(_wide(left), _wide(right)), operands)
        result = apply(a, b)
        undefined = _first(left.undefined, right.undefined)
        floating = node.type == NUMBER
        value_size = _values(operands) + 1
        if floating and self._adds_positive_zero(node):
            # Polars adds a constant zero to a column holding nulls by leaving the column as
            # it is (and subtracts a column from it by negating it), which keeps -0.0 where
            # IEEE arithmetic, as Python's, gives 0.0: here a zero result is always 0.0
            result = pl.when(result == 0).then(pl.lit(0.0)).otherwise(result)
            value_size = 2 * value_size + 2
        return _Column(result, undefined, floating, value_size, _undefineds(operands) + 1)

    def _adds_positive_zero(self, node: Arithmetic) -> bool:
        """Whether ``node`` adds a constant 0.0 (or subtracts -0.0, or a column from 0.0).

        Its result is then 0.0 wherever it is zero, which Polars does not give on a column
        with nulls (the operations with a zero that IEEE leaves as they are, it gets right).
        """
        left = self._constant_number(node.left)
        right = self._constant_number(node.right)

        def positive_zero(value: float | None) -> bool:
            return value == 0 and math.copysign(1.0, value) > 0

        def negative_zero(value: float | None) -> bool:
            return value == 0 and math.copysign(1.0, value) < 0

        if node.op == "+":
            return positive_zero(left) or positive_zero(right)
        return node.op == "-" and (positive_zero(left) or negative_zero(right))

    def _constant_number(self, node: TypedNode) -> float | None:
        """Return the number ``node`` always is (literals and arithmetic on them), or None."""
        if not _constant_tree(node):
            return None
        value = compile_tree(node, self._text)({})
        return (
            float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None
        )

    def _comparison(self, node: Comparison) -> _Column:
        left = self.compile(node.left)
        right = self.compile(node.right)
        kind = node.left.type
        value: pl.Expr
        if isinstance(kind, LevelType):
            value, uses = _level_comparison(node, left, right, kind)
        elif node.exact:
            value = _COMPARE[node.op](left.value, right.value)
            uses = 1
        else:
            value = _tolerant(node.op, left, right)
            uses = 6
        undefined = _first(left.undefined, right.undefined)
        value_size = uses * _values([left, right]) + 20
        return _Column(value, undefined, False, value_size, _undefineds([left, right]) + 1)

    def _logical(self, node: Logical) -> _Column:
        # A chain of one operator is one n-ary node: the scalar's result is the same (Kleene
        # logic is associative, and the first undefined operand's kind wins either way).
        operands = [self.compile(operand) for operand in _chain(node, node.op)]
        value = operands[0].value
        for operand in operands[1:]:
            # Kleene logic on nulls: false and null is false, true and null is null.
            value = value & operand.value if node.op == "and" else value | operand.value
        kinds = _first(*(operand.undefined for operand in operands))
        undefined = None if kinds is None else pl.when(value.is_null()).then(kinds)
        value_size = _values(operands) + len(operands)
        undefined_size = value_size + _undefineds(operands) + 3 if kinds is not None else 0
        return _Column(value, undefined, False, value_size, undefined_size)

    def _conditional(self, node: Conditional) -> _Column:
        condition = self.compile(node.condition)
        then = self.compile(node.then)
        otherwise = self.compile(node.otherwise)
        chosen = condition.value
        value = pl.when(chosen).then(then.value).otherwise(pl.when(~chosen).then(otherwise.value))
        branch = None
        if then.undefined is not None or otherwise.undefined is not None:
            none = NO_KIND
            branch = (
                pl.when(chosen)
                .then(none if then.undefined is None else then.undefined)
                .otherwise(none if otherwise.undefined is None else otherwise.undefined)
            )
        undefined = _first(condition.undefined, branch)
        value_size = 2 * condition.value_size + then.value_size + otherwise.value_size + 5
        undefined_size = _undefineds([condition, then, otherwise]) + 2
        if branch is not None:
            undefined_size += condition.value_size + 4
        return _Column(value, undefined, node.type == NUMBER, value_size, undefined_size)

    def _staged(self, column: _Column) -> _Column:
        """Return ``column`` reading its value from a column of its own if it is large."""
        if column.value_size <= STAGED_ABOVE:
            return column
        name = f"{self._prefix}{len(self.requests)}"
        self.requests.append(StagedColumn(name, column.value))
        self.staged_size += column.value_size
        return column._replace(value=pl.col(name), value_size=1)

    def _builtin(self, node: BuiltinCall) -> _Column:
        args = [self.compile(arg) for arg in node.args]
        if node.function in {"min", "max", "clamp"}:  # they read each operand many times
            args = [self._staged(arg) for arg in args]
        if node.function == "abs":
            if node.type == INTEGER:
                return _exact_integer(_wide(args[0]).abs(), args)
            return args[0]._replace(value=args[0].value.abs(), value_size=args[0].value_size + 1)
        if node.function in {"sqrt", "ln", "exp", "round"}:
            return _mathematical(node, args)
        floating = any(arg.floating for arg in args)
        if node.function == "clamp":  # max(value, low), then min(that, high), as the scalar's
            value, low, high = args
            raised = pl.max_horizontal(value.value, _skipped_if_nan(low))
            if floating:
                raised = _first_zero(raised, [value.value, low.value])
            lowered = pl.min_horizontal(raised, _skipped_if_nan(high))
            if floating:
                lowered = _first_zero(lowered, [raised, high.value])
            result = _nan_if_nan(value, lowered)
        else:
            others = [_skipped_if_nan(arg) for arg in args[1:]]
            if node.function == "min":
                extreme = pl.min_horizontal(args[0].value, *others)
            else:
                extreme = pl.max_horizontal(args[0].value, *others)
            if floating:
                extreme = _first_zero(extreme, [arg.value for arg in args])
            result = _nan_if_nan(args[0], extreme)
        undefined = _first(*(arg.undefined for arg in args))
        # a clamp reads its value and bounds up to eleven times, min and max each argument six
        value_size = 12 * _values(args) + 10 * len(args)
        present = pl.when(_present(args)).then(result)
        return _Column(present, undefined, floating, value_size, _undefineds(args) + 1)

    def _reference(self, node: FieldRef | ItemRef) -> _Column:
        column = item_column(node.level, node.name if isinstance(node, FieldRef) else None)
        self.reads.add(column)
        value = pl.col(column)
        if not isinstance(node.type, RecordsType):
            value = value.cast(column_dtype(node.type))
        if column in self._present:
            return _Column(value, None, node.type == NUMBER, 2)
        return _Column(value, _kind("missing", value.is_null()), node.type == NUMBER, 2, 4)

    def _aggregate(self, node: Aggregate) -> _Column:
        source_name = node.source.name if isinstance(node.source, InputRef) else None
        from_frame = source_name is not None and source_name in self._frames
        if node.item is None and not from_frame:
            return self._list_aggregate(node)
        source = None if from_frame else self.compile(node.source)
        if source is not None and _absent(node.source, self.reads):
            dtype = column_dtype(node.type)
            return _Column(
                pl.lit(None, dtype), source.undefined, node.type == NUMBER, 1, source.undefined_size
            )
        items = _Compiler(
            self._text,
            self._columns,
            self._builders,
            prefix=f"{self._prefix}{len(self.requests)}.",
            present=self._present,
            derived=self._derived,
        )
        item = None
        items_undefined = False
        if node.item is not None:
            compiled = items.compile(node.item)
            items_undefined = compiled.undefined is not None
            undefined = compiled.undefined if compiled.undefined is not None else NO_KIND
            size = compiled.size + items.staged_size
            item = ColumnExpression(compiled.value, undefined, tuple(items.requests), size)
        own = item_column(node.level, None)
        carry = sorted(
            column for column in items.reads if column != own and not column.startswith(own + ".")
        )
        fields = sorted(
            column[len(own) + 1 :] for column in items.reads if column.startswith(own + ".")
        )
        self.reads.update(carry)
        name = f"{self._prefix}{len(self.requests)}"
        value_type = node.item.type if node.item is not None else node.source.type
        self.requests.append(
            AggregateColumns(
                name=name,
                function=node.function,
                source=None if from_frame else _source_column(node.source),
                level=node.level,
                records=isinstance(node.source.type, RecordsType),
                fields=tuple(fields),
                item=item,
                items_undefined=items_undefined,
                integer=value_type in (INTEGER, ListType(INTEGER)),
                carry=tuple(carry),
            )
        )
        value = pl.col(name)
        undefined = pl.col(f"{name}:u")
        # the item expression runs once, over the items: its size counts once, with the value
        value_size = 1 + (item.size if item is not None else 0)
        undefined_size = 1
        if source is not None:
            value = pl.when(~source.value.is_null()).then(value)
            value_size += source.value_size + 3
            if source.undefined is not None:
                undefined = pl.coalesce(source.undefined, undefined)
                undefined_size += source.undefined_size + 1
        return _Column(value, undefined, node.type == NUMBER, value_size, undefined_size)

    def _list_aggregate(self, node: Aggregate) -> _Column:
        source = self.compile(node.source)
        items = source.value
        if node.function == "count":
            count = items.list.len().cast(pl.Int64())
            return _Column(
                count, source.undefined, False, source.value_size + 2, source.undefined_size
            )
        has_missing = items.list.contains(None)
        empty = None if node.function == "sum" else _kind("empty", items.list.len() == 0)
        undefined = _first(source.undefined, _kind("missing", has_missing), empty)
        integer = node.source.type == ListType(INTEGER)
        value: pl.Expr
        if node.function in {"sum", "avg"}:
            total, overflow = _integer_sum(items) if integer else (_float_sum(items), None)
            if overflow is not None:
                undefined = _first(undefined, _kind("overflow", overflow))
            value = total if node.function == "sum" else divided(total, items.list.len())
        else:
            value = _EXTREMES[node.function](items)
        if node.function in {"min", "max"} and node.source.type == ListType(NUMBER):
            # Python keeps the first of equal items (0.0 equals -0.0) ...
            zero = items.list.eval(pl.element().filter(pl.element() == 0)).list.first()
            value = pl.when(value == 0).then(zero).otherwise(value)
            # ... and a NaN first item (nothing compares below or above it).
            first = pl.when(items.list.len() > 0).then(items).list.get(0)
            value = pl.when(first.is_nan()).then(first).otherwise(value)
        value = pl.when(undefined.is_null() if undefined is not None else True).then(value)
        # the items are read at most twice for missing and empty, three times for an overflow
        undefined_size = source.undefined_size + 5 * source.value_size + 12
        # ... and at most four times for the value, which also tests the undefined
        value_size = 4 * source.value_size + undefined_size + 10
        return _Column(value, undefined, node.type == NUMBER, value_size, undefined_size)

    def _plugin(self, node: PluginCall) -> _Column:
        name = node.function.name
        builder = self._builders.get(name, node.function.columnar)
        if builder is None:
            raise self.unsupported(node, f"plugin function '{name}' has no columnar builder")
        args = [self.compile(arg) for arg in node.args]
        column = f"{self._prefix}{len(self.requests)}"
        self.requests.append(
            FunctionColumns(
                column, builder, tuple(arg.value for arg in args), column_dtype(node.type)
            )
        )
        result = pl.col(column)
        value = pl.when(_present(args)).then(result) if args else result
        undefined = _first(*(arg.undefined for arg in args), _kind("missing", value.is_null()))
        value_size = _values(args) + 2 * len(args) + 2
        undefined_size = _undefineds(args) + value_size + 3
        return _Column(value, undefined, node.type == NUMBER, value_size, undefined_size)
