"""Derived values: named expressions over the inputs, which other expressions read like inputs.

``[derived] share_met = "targets_met / targets_assigned"`` names a value computed for each unit
before its indicators; indicators, gates, vetoes, caps, targets and later derived values read it
by name. Each is checked like any expression, against the inputs and the derived values it
reads, in the order those dependencies give (a cycle is an error naming it), and must be a
single value (a number, an integer, a bool or a level), not a list. An undefined derived value
(an input missing, a division by zero) makes what reads it undefined with the same kind.
``[[checks]]`` do not see them: a check reads the data as given.
"""

from __future__ import annotations

import graphlib
import heapq
from collections.abc import Callable, Iterator, Mapping

from criteriakit._problems import KeyPath, RawProblem
from criteriakit.errors import ExpressionError
from criteriakit.expressions import (
    BinaryOp,
    Call,
    CompiledExpression,
    ExprType,
    ListType,
    Name,
    Node,
    RecordsType,
    UnaryOp,
    parse,
)
from criteriakit.expressions.functions import is_value_name

__all__ = ["check_derived"]


def _names(node: Node) -> Iterator[str]:
    """Yield every bare name in ``node`` (inputs, derived values, record fields alike)."""
    if isinstance(node, Name):
        yield node.name
    elif isinstance(node, UnaryOp):
        yield from _names(node.operand)
    elif isinstance(node, BinaryOp):
        yield from _names(node.left)
        yield from _names(node.right)
    elif isinstance(node, Call):
        for arg in node.args:
            yield from _names(arg)


def _order(texts: Mapping[str, str], problems: list[RawProblem]) -> list[str]:
    """Return the derived values in file order, each moved after the values it reads.

    A value that does not parse is left in place (its own compilation reports it); a cycle is
    a problem at the first value on it, naming the whole cycle, and leaves the values on and
    after it out.
    """
    names = list(texts)
    position = {name: index for index, name in enumerate(names)}
    reads: dict[str, set[str]] = {}
    for name, text in texts.items():
        try:
            reads[name] = {other for other in _names(parse(text)) if other in texts}
        except ExpressionError:
            reads[name] = set()
    readers: dict[str, list[str]] = {name: [] for name in names}
    waiting = {name: len(read) for name, read in reads.items()}
    for name, read in reads.items():
        for other in read:
            readers[other].append(name)
    ready = [position[name] for name in names if not waiting[name]]
    heapq.heapify(ready)
    order: list[str] = []
    while ready:
        name = names[heapq.heappop(ready)]
        order.append(name)
        for reader in readers[name]:
            waiting[reader] -= 1
            if not waiting[reader]:
                heapq.heappush(ready, position[reader])
    if len(order) < len(names):
        left = {name: reads[name] for name in names if waiting[name]}
        try:
            graphlib.TopologicalSorter(left).prepare()
        except graphlib.CycleError as error:
            cycle = error.args[1]
            message = f"the derived value '{cycle[0]}' depends on itself: {' → '.join(cycle)}"
            hint = "compute one of them from the inputs alone"
            problems.append(RawProblem(("derived", cycle[0]), message, hint))
    return order


def check_derived(
    texts: Mapping[str, str],
    scope: dict[str, ExprType],
    compile_at: Callable[[KeyPath, str], CompiledExpression | None],
    problems: list[RawProblem],
) -> tuple[tuple[str, CompiledExpression], ...]:
    """Check and compile the derived values, adding each to ``scope`` with its type.

    ``compile_at(path, text)`` compiles an expression against ``scope`` as it stands, recording
    its problems; the compiled values come back in the order they must be computed.
    """
    named: dict[str, str] = {}
    for name, text in texts.items():
        path: KeyPath = ("derived", name)
        if not is_value_name(name):
            problems.append(
                RawProblem(
                    path,
                    f"invalid derived value name '{name}'",
                    "names are identifiers (letters, digits, '_') and not and/or/not/true/false/it",
                )
            )
        elif name in scope:
            problems.append(
                RawProblem(
                    path,
                    f"'{name}' is an input already",
                    "give the derived value another name, or remove the input",
                )
            )
        else:
            named[name] = text
    compiled: list[tuple[str, CompiledExpression]] = []
    for name in _order(named, problems):
        path = ("derived", name)
        expression = compile_at(path, named[name])
        if expression is None:
            continue
        if isinstance(expression.type, ListType | RecordsType):
            message = f"a derived value is a single value, but '{name}' is {expression.type}"
            hint = "aggregate it: count(…), sum(…), avg(…), any(…)"
            problems.append(RawProblem(path, message, hint))
            continue
        scope[name] = expression.type
        compiled.append((name, expression))
    return tuple(compiled)
