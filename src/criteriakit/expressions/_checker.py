"""Type-check a syntax tree against the declared inputs and build the typed tree.

Every error is an :class:`~criteriakit.errors.ExpressionTypeError` pointing at the offending
node, with a "did you mean" hint for misspelt names, functions and levels.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

import attrs

from criteriakit.errors import ExpressionTypeError, shorten
from criteriakit.expressions.ast import (
    BinaryOp,
    BoolLiteral,
    Call,
    CriterionRef,
    Name,
    Node,
    NumberLiteral,
    StringLiteral,
    UnaryOp,
)
from criteriakit.expressions.functions import AGGREGATE_FUNCTIONS, BUILTIN_FUNCTIONS, FunctionSpec
from criteriakit.expressions.typed_ast import (
    Aggregate,
    AggregateFunction,
    Arithmetic,
    ArithmeticOperator,
    BuiltinCall,
    BuiltinFunction,
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
    BOOL,
    INTEGER,
    NUMBER,
    ExprType,
    LevelType,
    ListType,
    RecordsType,
    accepts,
    is_numeric,
    unify,
)

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

__all__ = ["CRITERION_FIELDS", "check", "criterion_value"]

_NAMES_LISTED = 8
_CONDITION_FUNCTIONS = frozenset({"count", "share", "any", "all"})
# result types that do not depend on the values aggregated (sum, min, max keep integers)
_AGGREGATE_TYPES = {"count": INTEGER, "share": NUMBER, "avg": NUMBER, "any": BOOL, "all": BOOL}
_ARITHMETIC: dict[str, ArithmeticOperator] = {"+": "+", "-": "-", "*": "*", "/": "/"}
_LOGICAL: dict[str, LogicalOperator] = {"and": "and", "or": "or"}
_COMPARISONS: dict[str, ComparisonOperator] = {
    "==": "==",
    "!=": "!=",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
}
_BUILTINS: dict[str, BuiltinFunction] = {
    name: name for name in ("min", "max", "abs", "clamp", "sqrt", "ln", "exp", "round")
}
_MATH = frozenset({"sqrt", "ln", "exp"})
"""The one-argument functions of a number whose result is a number."""
_MOST_DIGITS = 9
"""``round(x, digits)`` rounds to at most this many decimals (the points' own precision)."""
_AGGREGATES: dict[str, AggregateFunction] = {
    name: name for name in ("count", "share", "any", "all", "sum", "avg", "min", "max")
}


@attrs.frozen
class _Frame:
    """The names an aggregate's per-item expression adds to the scope."""

    source: str
    level: int
    is_list: bool
    names: Mapping[str, ExprType]


def check(
    node: Node,
    text: str,
    scope: Mapping[str, ExprType],
    functions: Mapping[str, FunctionSpec],
    expect: ExprType | None,
    criteria: Collection[str] | None = None,
) -> tuple[TypedNode, frozenset[str]]:
    """Type-check ``node`` (parsed from ``text``); return the typed tree and the inputs it reads.

    ``criteria`` are the ids ``criterion("ID").FIELD`` may name (``None``: none may be named
    here). Such a reference reads the value named :func:`criterion_value` like an input.
    """
    checker = _Checker(text, scope, functions, criteria)
    tree = checker.check(node, ())
    if expect is not None and not accepts(expect, tree.type):
        wanted = "a bool condition" if expect == BOOL else f"a value of type {expect}"
        raise checker.error(f"expected {wanted}, got {tree.type}", tree)
    return tree, frozenset(checker.names)


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:_NAMES_LISTED])
    return shown + (", …" if len(names) > _NAMES_LISTED else "")


def _did_you_mean(word: str, candidates: list[str]) -> str | None:
    close = difflib.get_close_matches(word, candidates, n=1)
    if not close:
        lowered = {candidate.lower(): candidate for candidate in candidates}
        close = [lowered[word.lower()]] if word.lower() in lowered else []
    return f"did you mean '{close[0]}'?" if close else None


def _logic_hint(kind: ExprType) -> str | None:
    if is_numeric(kind):
        return "compare it to get a condition, e.g. x > 0"
    return None


def _number_hint(kind: ExprType) -> str | None:
    if kind == BOOL:
        return "turn a condition into a number with if(condition, 1, 0)"
    if isinstance(kind, LevelType):
        return 'levels can only be compared, e.g. tier >= "good"'
    if isinstance(kind, ListType | RecordsType):
        return "aggregate a list with count, share, sum, avg, min or max"
    return None


CRITERION_FIELDS = ("points", "max", "share")
"""What ``criterion("ID").FIELD`` reads: the criterion's points as the result shows them, its
maximum, and their ratio."""


def criterion_value(criterion: str, field: str) -> str:
    """Return the name under which an evaluation gives ``criterion("ID").FIELD`` its value."""
    return f'criterion("{criterion}").{field}'


class _Checker:
    def __init__(
        self,
        text: str,
        scope: Mapping[str, ExprType],
        functions: Mapping[str, FunctionSpec],
        criteria: Collection[str] | None = None,
    ) -> None:
        self._text = text
        self._scope = scope
        self._functions = functions
        self._criteria = criteria
        self.names: set[str] = set()

    def error(
        self, message: str, node: Node | TypedNode, hint: str | None = None
    ) -> ExpressionTypeError:
        return ExpressionTypeError(
            message, text=self._text, offset=node.offset, length=node.length, hint=hint
        )

    def check(self, node: Node, frames: tuple[_Frame, ...]) -> TypedNode:
        if isinstance(node, NumberLiteral):
            kind = INTEGER if isinstance(node.value, int) else NUMBER
            return Constant(node.value, kind, node.offset, node.length)
        if isinstance(node, BoolLiteral):
            return Constant(node.value, BOOL, node.offset, node.length)
        if isinstance(node, StringLiteral):
            raise self.error(
                "a string is only allowed in a comparison with a level",
                node,
                'strings name levels, e.g. tier >= "good"',
            )
        if isinstance(node, Name):
            return self._resolve(node, frames)
        if isinstance(node, UnaryOp):
            return self._unary(node, frames)
        if isinstance(node, BinaryOp):
            return self._binary(node, frames)
        if isinstance(node, CriterionRef):
            return self._criterion(node)
        return self._call(node, frames)

    def _criterion(self, node: CriterionRef) -> InputRef:
        """Check ``criterion("ID").FIELD``: in gates, vetoes and caps, of a known criterion."""
        if self._criteria is None:
            raise self.error(
                'criterion("…") is only available in gates, vetoes and caps',
                node,
                "they are decided after the criteria are scored; indicators and derived values"
                " come before",
            )
        if node.criterion not in self._criteria:
            known = sorted(self._criteria)
            hint = _did_you_mean(node.criterion, known) or f"criteria: {_listing(known)}"
            raise self.error(f"unknown criterion '{shorten(node.criterion)}'", node, hint)
        if node.field not in CRITERION_FIELDS:
            raise self.error(
                f"a criterion has no field '{shorten(node.field)}'",
                node,
                'criterion("ID").points, .max or .share',
            )
        name = criterion_value(node.criterion, node.field)
        self.names.add(name)
        return InputRef(name, NUMBER, node.offset, node.length)

    def _resolve(self, node: Name, frames: tuple[_Frame, ...]) -> InputRef | FieldRef | ItemRef:
        name = node.name
        for frame in reversed(frames):
            kind = frame.names.get(name)
            if kind is None:
                continue
            if frame.is_list:
                return ItemRef(frame.source, frame.level, kind, node.offset, node.length)
            return FieldRef(name, frame.source, frame.level, kind, node.offset, node.length)
        kind = self._scope.get(name)
        if kind is not None:
            self.names.add(name)
            return InputRef(name, kind, node.offset, node.length)
        raise self._unknown_name(node, frames)

    def _unknown_name(self, node: Name, frames: tuple[_Frame, ...]) -> ExpressionTypeError:
        name = node.name
        visible = sorted({*self._scope, *(field for frame in frames for field in frame.names)})
        hint = _did_you_mean(name, visible)
        if name in BUILTIN_FUNCTIONS or name in self._functions:
            hint = f"'{name}' is a function; call it, e.g. {name}(…)"
        elif name == "it":
            hint = "'it' is the item only inside an aggregate over a list, e.g. count(xs, it > 0)"
        elif name in ("True", "False"):
            hint = f"write {name.lower()}"
        elif hint is None:
            hint = f"declared inputs: {_listing(sorted(self._scope))}" if self._scope else None
        what = "name" if frames else "input"
        return self.error(f"unknown {what} '{shorten(name)}'", node, hint)

    def _unary(self, node: UnaryOp, frames: tuple[_Frame, ...]) -> TypedNode:
        operand = self.check(node.operand, frames)
        if node.op == "not":
            if operand.type != BOOL:
                raise self.error(
                    f"'not' needs a bool, got {operand.type}", operand, _logic_hint(operand.type)
                )
            return Not(operand, BOOL, node.offset, node.length)
        if not is_numeric(operand.type):
            raise self.error(
                f"'-' needs a number, got {operand.type}", operand, _number_hint(operand.type)
            )
        return Negate(operand, operand.type, node.offset, node.length)

    def _binary(self, node: BinaryOp, frames: tuple[_Frame, ...]) -> TypedNode:
        op = node.op
        if op in _COMPARISONS:
            return self._comparison(node, _COMPARISONS[op], frames)
        left = self.check(node.left, frames)
        right = self.check(node.right, frames)
        if op in _LOGICAL:
            for side in (left, right):
                if side.type != BOOL:
                    raise self.error(
                        f"'{op}' needs bool operands, got {side.type}", side, _logic_hint(side.type)
                    )
            return Logical(_LOGICAL[op], left, right, BOOL, node.offset, node.length)
        for side in (left, right):
            if not is_numeric(side.type):
                raise self.error(
                    f"'{op}' needs numbers, got {side.type}", side, _number_hint(side.type)
                )
        both_integer = left.type == INTEGER and right.type == INTEGER
        kind = INTEGER if both_integer and op != "/" else NUMBER
        return Arithmetic(_ARITHMETIC[op], left, right, kind, node.offset, node.length)

    def _comparison(
        self, node: BinaryOp, op: ComparisonOperator, frames: tuple[_Frame, ...]
    ) -> TypedNode:
        if isinstance(node.left, StringLiteral) and isinstance(node.right, StringLiteral):
            raise self.error(
                "cannot compare two strings", node, 'strings name levels, e.g. tier >= "good"'
            )
        left: TypedNode
        right: TypedNode
        if isinstance(node.left, StringLiteral):
            right = self.check(node.right, frames)
            left = self._level_literal(node.left, right)
        elif isinstance(node.right, StringLiteral):
            left = self.check(node.left, frames)
            right = self._level_literal(node.right, left)
        else:
            left = self.check(node.left, frames)
            right = self.check(node.right, frames)
        if is_numeric(left.type) and is_numeric(right.type):
            exact = left.type == INTEGER and right.type == INTEGER
        elif left.type == BOOL and right.type == BOOL:
            if op not in ("==", "!="):
                raise self.error(
                    "bools can only be compared with == or !=",
                    node,
                    "use the condition itself, or not",
                )
            exact = True
        elif isinstance(left.type, LevelType) and left.type == right.type:
            exact = True
        else:
            raise self.error(f"cannot compare {left.type} with {right.type}", node)
        return Comparison(op, left, right, exact, BOOL, node.offset, node.length)

    def _level_literal(self, node: StringLiteral, other: TypedNode) -> Constant:
        if not isinstance(other.type, LevelType):
            raise self.error(
                f"a string can only be compared with a level, not with {other.type}",
                node,
                'strings name levels, e.g. tier >= "good"',
            )
        levels = other.type.levels
        if node.value not in levels:
            known = f"the levels are: {', '.join(levels)}"
            close = difflib.get_close_matches(node.value, levels, n=1)
            hint = f"did you mean '{close[0]}'? {known}" if close else known
            raise self.error(f"unknown level '{node.value}'", node, hint)
        return Constant(node.value, other.type, node.offset, node.length)

    def _call(self, node: Call, frames: tuple[_Frame, ...]) -> TypedNode:
        name = node.function
        if name in ("min", "max") and node.args and self._is_list_name(node.args[0], frames):
            return self._aggregate(node, frames)
        if name in AGGREGATE_FUNCTIONS - {"min", "max"}:
            return self._aggregate(node, frames)
        if name in _BUILTINS:
            return self._builtin(node, frames)
        if name == "if":
            return self._conditional(node, frames)
        if name == "criterion" and name not in self._functions:
            raise self.error(
                'criterion("ID") is read by a field: .points, .max or .share',
                node,
                'e.g. criterion("1").share >= 0.8',
            )
        spec = self._functions.get(name)
        if spec is not None:
            return self._plugin(node, spec, frames)
        if name in self._scope:
            raise self._name_error(f"'{name}' is an input, not a function", node)
        candidates = sorted(BUILTIN_FUNCTIONS | set(self._functions))
        hint = _did_you_mean(name, candidates) or f"functions: {', '.join(candidates)}"
        raise self._name_error(f"unknown function '{shorten(name)}'", node, hint)

    def _name_error(self, message: str, node: Call, hint: str | None = None) -> ExpressionTypeError:
        return ExpressionTypeError(
            message, text=self._text, offset=node.offset, length=len(node.function), hint=hint
        )

    def _is_list_name(self, node: Node, frames: tuple[_Frame, ...]) -> bool:
        if not isinstance(node, Name):
            return False
        kind = next(
            (frame.names[node.name] for frame in reversed(frames) if node.name in frame.names),
            self._scope.get(node.name),
        )
        return isinstance(kind, ListType | RecordsType)

    def _arity(self, node: Call, low: int, high: int, described: str) -> None:
        count = len(node.args)
        if low <= count <= high:
            return
        if low == high:
            plural = "" if low == 1 else "s"
            takes = f"{low} argument{plural}"
        elif high == low + 1:
            takes = f"{low} or {high} arguments"
        else:
            takes = f"at least {low} arguments"
        raise self.error(f"{node.function} takes {takes} ({described}), got {count}", node)

    def _numeric_args(self, node: Call, frames: tuple[_Frame, ...]) -> tuple[TypedNode, ...]:
        args = tuple(self.check(arg, frames) for arg in node.args)
        for index, arg in enumerate(args, start=1):
            if not is_numeric(arg.type):
                raise self.error(
                    f"argument {index} of {node.function} must be a number, got {arg.type}",
                    arg,
                    _number_hint(arg.type),
                )
        return args

    def _builtin(self, node: Call, frames: tuple[_Frame, ...]) -> TypedNode:
        name = node.function
        if name == "abs" or name in _MATH:
            self._arity(node, 1, 1, "number")
        elif name == "round":
            self._arity(node, 1, 2, "number, decimals")
        elif name == "clamp":
            self._arity(node, 3, 3, "value, low, high")
        elif len(node.args) < 2:
            whole = "minimum" if name == "min" else "maximum"
            raise self.error(
                f"{name} takes at least 2 arguments (numbers), got {len(node.args)}",
                node,
                f"for the {whole} of a list input, pass the list's name: {name}(scores)",
            )
        args = self._numeric_args(node, frames)
        if name == "round" and len(args) == 2:
            self._decimals(args[1])
        exact = name not in _MATH and name != "round"
        kind = INTEGER if exact and all(arg.type == INTEGER for arg in args) else NUMBER
        return BuiltinCall(_BUILTINS[name], args, kind, node.offset, node.length)

    def _decimals(self, digits: TypedNode) -> None:
        """Require ``round``'s decimals to be a whole number 0 … 9 written in the expression."""
        value = digits.value if isinstance(digits, Constant) else None
        if not (isinstance(value, int) and digits.type == INTEGER and 0 <= value <= _MOST_DIGITS):
            raise self.error(
                f"the decimals of round must be a whole number from 0 to {_MOST_DIGITS} "
                "written in the expression",
                digits,
                "e.g. round(share, 2)",
            )

    def _conditional(self, node: Call, frames: tuple[_Frame, ...]) -> TypedNode:
        self._arity(node, 3, 3, "condition, then, else")
        condition, then, otherwise = (self.check(arg, frames) for arg in node.args)
        if condition.type != BOOL:
            raise self.error(
                f"the condition of if must be a bool, got {condition.type}",
                condition,
                _logic_hint(condition.type),
            )
        kind = unify(then.type, otherwise.type)
        if kind is None:
            raise self.error(
                f"the branches of if have different types: {then.type} and {otherwise.type}", node
            )
        return Conditional(condition, then, otherwise, kind, node.offset, node.length)

    def _plugin(self, node: Call, spec: FunctionSpec, frames: tuple[_Frame, ...]) -> TypedNode:
        described = ", ".join(str(parameter) for parameter in spec.parameters)
        self._arity(node, len(spec.parameters), len(spec.parameters), described)
        args = tuple(self.check(arg, frames) for arg in node.args)
        for index, (parameter, arg) in enumerate(zip(spec.parameters, args, strict=True), start=1):
            if not accepts(parameter, arg.type):
                raise self.error(
                    f"argument {index} of {spec.name} must be of type {parameter}, got {arg.type}",
                    arg,
                )
        return PluginCall(spec, args, spec.returns, node.offset, node.length)

    def _aggregate(self, node: Call, frames: tuple[_Frame, ...]) -> TypedNode:
        name = node.function
        conditional = name in _CONDITION_FUNCTIONS
        low = 1 if name not in ("share", "any", "all") else 2
        when = " when the first argument is a list" if name in ("min", "max") else ""
        self._arity(node, low, 2, f"list, {'condition' if conditional else 'value'}{when}")
        first = node.args[0]
        if not isinstance(first, Name):
            raise self.error(
                f"the first argument of {name} must be the name of a list or records input", first
            )
        source = self._resolve(first, frames)
        if isinstance(source, ItemRef) or not isinstance(source.type, ListType | RecordsType):
            raise self.error(
                f"{name} needs a list or records input, but '{first.name}' is {source.type}", first
            )
        level = len(frames) + 1
        item: TypedNode | None = None
        if len(node.args) == 2:
            frame = self._frame(first, source.type, level, frames)
            item = self.check(node.args[1], (*frames, frame))
            value_type = item.type
            if conditional and value_type != BOOL:
                raise self.error(
                    f"the condition of {name} must be a bool, got {value_type}",
                    item,
                    _logic_hint(value_type),
                )
            if not conditional and not is_numeric(value_type):
                raise self.error(
                    f"the value of {name} must be a number, got {value_type}",
                    item,
                    _number_hint(value_type),
                )
        elif name == "count":
            value_type = INTEGER  # the items are only counted
        elif isinstance(source.type, RecordsType):
            raise self.error(
                f"{name} over records needs a per-item value, e.g. {name}({first.name}, field)",
                node,
            )
        elif not is_numeric(source.type.item):
            raise self.error(
                f"{name} needs a list of numbers, got {source.type}",
                node,
                f"pass a per-item value, e.g. {name}({first.name}, if(it, 1, 0))",
            )
        else:
            value_type = source.type.item
        kind = _AGGREGATE_TYPES.get(name, INTEGER if value_type == INTEGER else NUMBER)
        return Aggregate(_AGGREGATES[name], source, item, level, kind, node.offset, node.length)

    def _frame(
        self, source: Name, kind: ListType | RecordsType, level: int, frames: tuple[_Frame, ...]
    ) -> _Frame:
        is_list = isinstance(kind, ListType)
        names: dict[str, ExprType] = (
            {"it": kind.item} if isinstance(kind, ListType) else dict(kind.fields)
        )
        for field in names:
            what = "the item name 'it'" if is_list else f"field '{field}'"
            if field in self._scope:
                raise self.error(
                    f"{what} of '{source.name}' shadows the input '{field}'",
                    source,
                    "rename the field or the input so that each name means one thing",
                )
            for outer in frames:
                if field in outer.names and not (is_list and outer.is_list):
                    raise self.error(
                        f"{what} of '{source.name}' shadows a field of '{outer.source}'",
                        source,
                        "rename one of the fields so that each name means one thing",
                    )
        return _Frame(source.name, level, is_list, names)
