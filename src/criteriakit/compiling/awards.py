"""Compile ``[[awards]]``: conditions over a unit's results in earlier periods.

An award's ``require`` is written in the expression language, over the current period's
result (:data:`RESULT_FIELDS`) and four history functions, whose argument is evaluated in each
earlier period of the current period's type:

- ``streak(condition)``: the periods in a row, ending with the current one, where it holds;
- ``count_last(n, condition)``: of the last ``n`` periods (the current one included), how many
  it holds in;
- ``previous(value)``: the value in the period just before the current one;
- ``all_periods_since(period, condition)``: whether it holds in every period from ``period``
  (``2023``, ``"2023-H1"``) to the current one.

A period the unit has no result for is a period the condition does not hold in (a gap breaks
a streak), and so is one where the condition is undefined (a year the unit was not
evaluable). Each history call is compiled on its own, over one period's fields, and the
condition around the calls reads each call's value as an input named by the call's text: the
checker, the scalar evaluator and the columnar compiler of every other expression serve
awards unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Literal

import attrs

from criteriakit._problems import RawProblem
from criteriakit.errors import DataError, ExpressionError, ExpressionTypeError
from criteriakit.expressions import BOOL, INTEGER, NUMBER, CompiledExpression, ExprType, LevelType
from criteriakit.expressions._checker import check
from criteriakit.expressions._compiler import compile_tree
from criteriakit.expressions._parser import parse
from criteriakit.expressions.ast import (
    BinaryOp,
    Call,
    Name,
    Node,
    NumberLiteral,
    StringLiteral,
    UnaryOp,
)
from criteriakit.expressions.functions import FunctionSpec
from criteriakit.model.framework import FrameworkDefinition, Text
from criteriakit.model.period import Period

__all__ = [
    "HISTORY_FUNCTIONS",
    "CompiledAward",
    "HistoryCall",
    "HistoryFunction",
    "check_awards",
    "result_fields",
]

HistoryFunction = Literal["streak", "count_last", "previous", "all_periods_since"]
HISTORY_FUNCTIONS: tuple[HistoryFunction, ...] = (
    "streak",
    "count_last",
    "previous",
    "all_periods_since",
)

_USAGE: Mapping[str, str] = {
    "streak": 'streak(tier == "excellent")',
    "count_last": 'count_last(3, tier >= "good")',
    "previous": "previous(score)",
    "all_periods_since": 'all_periods_since(2023, tier >= "good")',
}


def result_fields(tiers: Sequence[str], ranked: bool) -> dict[str, ExprType]:
    """Return the fields of one period's result an award reads, with their types."""
    levels = LevelType(tuple(tiers))
    fields: dict[str, ExprType] = {
        "tier": levels,
        "band_tier": levels,
        "score": NUMBER,
        "max_score": NUMBER,
        "evaluable": BOOL,
    }
    if ranked:
        fields |= {"rank": NUMBER, "rank_score": NUMBER}
    return fields


@attrs.frozen
class HistoryCall:
    """One history function call of an award's condition.

    ``text`` is the call as written, the name the condition reads its value by; ``over`` the
    argument evaluated in each period (a condition, or ``previous``'s value); ``last`` is
    ``count_last``'s number of periods, ``since`` ``all_periods_since``'s first period.
    """

    text: str
    function: HistoryFunction
    over: CompiledExpression
    last: int | None = None
    since: Period | None = None

    def window(self, period: Period) -> int:
        """Return how many periods up to ``period`` a windowed call looks at (maybe none).

        ``count_last(n, …)`` looks at ``n``; ``all_periods_since(p, …)`` at the periods from
        the one of ``period``'s type that ``p`` starts in to ``period``: none when ``p`` is
        later.
        """
        if self.last is not None:
            return self.last
        if self.since is not None:
            return period.index - self.since.index_at(self.since.start, period.type) + 1
        raise ValueError(f"{self.function} looks at no fixed number of periods")

    @property
    def type(self) -> ExprType:
        """The type of the call's value."""
        if self.function == "previous":
            return self.over.type
        return BOOL if self.function == "all_periods_since" else INTEGER


@attrs.frozen
class CompiledAward:
    """An award ready to evaluate: its condition, its history calls and its quota."""

    id: str
    title: Text
    require: CompiledExpression
    calls: tuple[HistoryCall, ...]
    description: str | None = None
    quota: Fraction | None = None


class _Calls:
    """Replaces each history call of a condition's tree by a name, compiling the call."""

    def __init__(
        self, text: str, fields: Mapping[str, ExprType], functions: Mapping[str, FunctionSpec]
    ) -> None:
        self.text = text
        self.fields = fields
        self.functions = functions
        self.calls: dict[str, HistoryCall] = {}

    def error(self, message: str, node: Node, hint: str | None = None) -> ExpressionTypeError:
        return ExpressionTypeError(
            message, text=self.text, offset=node.offset, length=node.length, hint=hint
        )

    def replace(self, node: Node) -> Node:
        """Return ``node`` with every history call in it replaced by a name."""
        if isinstance(node, Call) and node.function in HISTORY_FUNCTIONS:
            call = self._call(node)
            self.calls.setdefault(call.text, call)
            return Name(call.text, node.offset, node.length)
        if isinstance(node, Call):
            return attrs.evolve(node, args=tuple(self.replace(arg) for arg in node.args))
        if isinstance(node, BinaryOp):
            return attrs.evolve(node, left=self.replace(node.left), right=self.replace(node.right))
        if isinstance(node, UnaryOp):
            return attrs.evolve(node, operand=self.replace(node.operand))
        return node

    def _call(self, node: Call) -> HistoryCall:
        function: HistoryFunction = node.function  # type: ignore[assignment]  # checked by the caller
        arity = 1 if function in ("streak", "previous") else 2
        if len(node.args) != arity:
            raise self.error(
                f"{function} takes {arity} argument{'s' * (arity > 1)}, got {len(node.args)}",
                node,
                f"e.g. {_USAGE[function]}",
            )
        over = node.args[-1]
        nested = _history_call_in(over)
        if nested is not None:
            raise self.error(
                f"{nested.function} cannot be used inside {function}",
                nested,
                "the argument is evaluated in one period; combine history calls outside, "
                'e.g. streak(tier == "excellent") >= 2 and previous(score) > 80',
            )
        expect = None if function == "previous" else BOOL
        compiled = self._over(over, expect)
        text = self.text[node.offset : node.offset + node.length]
        if function == "count_last":
            return HistoryCall(text, function, compiled, last=self._last(node.args[0]))
        if function == "all_periods_since":
            return HistoryCall(text, function, compiled, since=self._since(node.args[0]))
        return HistoryCall(text, function, compiled)

    def _over(self, node: Node, expect: ExprType | None) -> CompiledExpression:
        """Compile a call's argument, evaluated in each period, over one period's fields."""
        tree, names = check(node, self.text, self.fields, self.functions, expect)
        # the whole condition's text: the tree's offsets, and so its messages, are into it
        return CompiledExpression(self.text, tree.type, tree, names, compile_tree(tree, self.text))

    def _last(self, node: Node) -> int:
        if isinstance(node, NumberLiteral) and isinstance(node.value, int) and node.value >= 1:
            return node.value
        raise self.error(
            "the periods of count_last must be a whole number of at least 1 written in the "
            "expression",
            node,
            'e.g. count_last(3, tier >= "good")',
        )

    def _since(self, node: Node) -> Period:
        error = self.error(
            "the first argument of all_periods_since must be a period",
            node,
            'a year or a period label, e.g. 2023 or "2023-H1"',
        )
        if isinstance(node, NumberLiteral) and isinstance(node.value, int) and not node.percent:
            label = str(node.value)
        elif isinstance(node, StringLiteral):
            label = node.value
        else:
            raise error
        try:
            return Period.parse(label)
        except DataError:
            raise error from None


def _history_call_in(node: Node) -> Call | None:
    """Return the first history call inside ``node``, if any."""
    if isinstance(node, Call):
        if node.function in HISTORY_FUNCTIONS:
            return node
        return next(filter(None, (_history_call_in(arg) for arg in node.args)), None)
    if isinstance(node, BinaryOp):
        return _history_call_in(node.left) or _history_call_in(node.right)
    if isinstance(node, UnaryOp):
        return _history_call_in(node.operand)
    return None


def _compile_require(
    text: str, fields: Mapping[str, ExprType], functions: Mapping[str, FunctionSpec]
) -> tuple[CompiledExpression, tuple[HistoryCall, ...]]:
    """Compile an award's condition: the condition over the calls, and the calls."""
    calls = _Calls(text, fields, functions)
    tree = calls.replace(parse(text))
    scope = dict(fields) | {call.text: call.type for call in calls.calls.values()}
    typed, names = check(tree, text, scope, functions, BOOL)
    condition = CompiledExpression(text, typed.type, typed, names, compile_tree(typed, text))
    return condition, tuple(calls.calls.values())


def check_awards(
    definition: FrameworkDefinition,
    functions: Mapping[str, FunctionSpec],
    problems: list[RawProblem],
) -> tuple[CompiledAward, ...]:
    """Compile the definition's awards, adding what is wrong with them to ``problems``."""
    fields = result_fields([tier.id for tier in definition.tiers], definition.ranking is not None)
    compiled: list[CompiledAward] = []
    seen: set[str] = set()
    for index, award in enumerate(definition.awards):
        path = ("awards", index)
        start = len(problems)
        if award.id in seen:
            problems.append(RawProblem((*path, "id"), f"duplicate award id '{award.id}'"))
        seen.add(award.id)
        if award.quota is not None and not 0 < award.quota <= 1:
            problems.append(
                RawProblem(
                    (*path, "quota"),
                    f"quota must be above 0 and at most 1, got {award.quota:g}",
                    "write 0.2 for at most 20 % of a parent's units",
                )
            )
        try:
            found = _compile_require(award.require, fields, functions)
        except ExpressionError as error:
            hint = error.hint
            if error.message.startswith("unknown input"):
                hint = f"{hint + '; ' if hint else ''}an award reads {', '.join(fields)}"
            problems.append(
                RawProblem(
                    (*path, "require"),
                    error.message,
                    hint,
                    offset=error.offset,
                    width=error.length,
                )
            )
            continue
        if len(problems) > start:
            continue
        condition, calls = found
        quota = (
            None if award.quota is None else Fraction(repr(award.quota)).limit_denominator(10**9)
        )
        compiled.append(
            CompiledAward(award.id, award.title, condition, calls, award.description, quota)
        )
    return tuple(compiled)
