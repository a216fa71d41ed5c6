"""A hand-written Pratt parser from expression text to the syntax tree of :mod:`.ast`.

Precedence, lowest first: ``or``; ``and``; prefix ``not``; comparisons (not associative);
``+ -``; ``* /``; unary ``-``; atoms (literals, names, calls, parentheses). Nesting is counted
and capped (the ``expression_depth`` limit, :mod:`criteriakit.limits`) before each recursive
step, so no text can reach Python's recursion limit; the other caps (``expression_length``,
``expression_nodes``) are checked on the way.
"""

from __future__ import annotations

import math
from typing import Literal

import attrs

from criteriakit import limits
from criteriakit.errors import ExpressionSyntaxError
from criteriakit.expressions._lexer import ATTRIBUTE_ACCESS, ATTRIBUTE_HINT, Lexer, Token, describe
from criteriakit.expressions.ast import (
    BinaryOp,
    BinaryOperator,
    BoolLiteral,
    Call,
    CriterionRef,
    Name,
    Node,
    NumberLiteral,
    StringLiteral,
    UnaryOp,
)

__all__ = ["parse"]

_SPLIT_HINT = (
    "simplify it: split a condition into several [[tiers.gates]] or [[rules]], or compute part"
    " of a value before evaluation and declare it as an input ([inputs.NAME])"
)

_BINDING: dict[str, tuple[BinaryOperator, int]] = {
    "or": ("or", 10),
    "and": ("and", 20),
    "==": ("==", 40),
    "!=": ("!=", 40),
    "<": ("<", 40),
    "<=": ("<=", 40),
    ">": (">", 40),
    ">=": (">=", 40),
    "+": ("+", 50),
    "-": ("-", 50),
    "*": ("*", 60),
    "/": ("/", 60),
}
_COMPARISON = 40
_NOT_OPERAND = 30
_NEGATE_OPERAND = 70

_WORD_HINTS: dict[str, str] = {
    "is": "use == or != to compare",
    "in": "there are no membership tests; compare with == and combine with or",
    "if": "write if(condition, then, else)",
    "else": "write if(condition, then, else)",
    "not": "write not before a condition, e.g. not (a == b), or use != to compare",
    "xor": "use !=, which is true when exactly one of two conditions holds",
    "mod": "there is no remainder operator",
    "lambda": "there are no lambdas; aggregates take the per-item expression directly,"
    " e.g. count(members, score >= 50)",
}


def _binding(token: Token) -> tuple[BinaryOperator, int] | None:
    """Return the infix operator a token stands for and its binding power, if it is one."""
    return _BINDING.get(token.text) if token.kind in ("op", "keyword") else None


def parse(text: str) -> Node:
    """Parse ``text`` into a syntax tree; raise ExpressionSyntaxError if it does not parse.

    Only syntax is checked here, and the caps (:mod:`~criteriakit.expressions.limits`); names
    and types are checked by :func:`~criteriakit.expressions.compile_expression`.
    """
    cap = limits.current().expression_length
    if len(text) > cap:
        raise ExpressionSyntaxError(
            f"expression is too long ({len(text)} characters, at most {cap})",
            text=text,
            offset=cap,
            length=len(text) - cap,
            hint=f"{_SPLIT_HINT}; or raise the limit (--limit expression_length={len(text)})",
        )
    return _Parser(text).parse()


class _Parser:
    def __init__(self, text: str) -> None:
        self._text = text
        self._lexer = Lexer(text)
        self._token = self._lexer.next()
        self._depth = 0
        self._nodes = 0
        self._limits = limits.current()

    def parse(self) -> Node:
        if not self._text.strip():
            raise self._error(
                "empty expression",
                len(self._text),
                1,
                "write a condition or a value, e.g. score >= 90",
            )
        node = self._expression(0)
        if self._token.kind != "end":
            raise self._unexpected("an operator or the end of the expression")
        return node

    def _error(
        self, message: str, offset: int, length: int, hint: str | None = None
    ) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(
            message, text=self._text, offset=offset, length=length, hint=hint
        )

    def _advance(self) -> Token:
        token = self._token
        self._token = self._lexer.next()
        return token

    def _count(self, node: Node) -> Node:
        """Count a new node against the cap; an operator is pointed at by its own text."""
        self._nodes += 1
        cap = self._limits.expression_nodes
        if self._nodes > cap:
            if isinstance(node, BinaryOp):
                offset, length = node.op_offset, len(node.op)
            else:
                offset, length = node.offset, node.length
            raise self._error(
                f"expression is too large (more than {cap} operators and operands)",
                offset,
                length,
                _SPLIT_HINT,
            )
        return node

    def _enter(self, token: Token) -> None:
        self._depth += 1
        cap = self._limits.expression_depth
        if self._depth > cap:
            raise self._error(
                f"expression nests too deeply (more than {cap} levels)",
                token.offset,
                len(token.text),
                _SPLIT_HINT,
            )

    def _expression(self, min_binding: int) -> Node:
        left = self._prefix(min_binding)
        while True:
            token = self._token
            if token.kind == "op" and token.text == ".":
                raise self._error(ATTRIBUTE_ACCESS, token.offset, 1, ATTRIBUTE_HINT)
            entry = _binding(token)
            if entry is None or entry[1] < min_binding:
                return left
            op, binding = entry
            self._advance()
            right = self._expression(binding + 1)
            left = self._count(
                BinaryOp(
                    op,
                    left,
                    right,
                    token.offset,
                    left.offset,
                    right.offset + right.length - left.offset,
                )
            )
            following = _binding(self._token)
            if binding == _COMPARISON and following is not None and following[1] == _COMPARISON:
                raise self._error(
                    "comparisons cannot be chained",
                    self._token.offset,
                    len(self._token.text),
                    "combine them with and, e.g. a < b and b < c",
                )

    def _prefix(self, min_binding: int) -> Node:
        token = self._token
        if token.kind == "number":
            self._advance()
            return self._count(self._number(token))
        if token.kind == "string":
            self._advance()
            return self._count(StringLiteral(token.text[1:-1], token.offset, len(token.text)))
        if token.kind == "name":
            return self._name(token)
        if token.text in ("true", "false") and token.kind == "keyword":
            self._advance()
            return self._count(BoolLiteral(token.text == "true", token.offset, len(token.text)))
        if token.kind == "keyword" and token.text == "not":
            if min_binding > _NOT_OPERAND:
                raise self._error(
                    "'not' must be put in parentheses here",
                    token.offset,
                    3,
                    "write (not x)",
                )
            return self._unary(token, "not", _NOT_OPERAND)
        if token.kind == "op" and token.text == "-":
            return self._unary(token, "-", _NEGATE_OPERAND)
        if token.kind == "op" and token.text == "(":
            return self._parenthesised(token)
        raise self._error(
            f"expected a value, found {describe(token)}",
            token.offset,
            max(1, len(token.text)),
            "there is no unary '+'; remove it" if token.text == "+" else None,
        )

    def _number(self, token: Token) -> NumberLiteral:
        text = token.text
        percent = text.endswith("%")
        digits = text[:-1] if percent else text
        value: int | float
        if percent:
            whole, _, fraction = digits.partition(".")
            whole = whole.rjust(3, "0")
            value = float(f"{whole[:-2]}.{whole[-2:]}{fraction}")
        elif "." in digits:
            value = float(digits)
        else:
            try:
                value = int(digits)
            except ValueError:
                raise self._error("integer has too many digits", token.offset, len(text)) from None
        if isinstance(value, float) and not math.isfinite(value):
            raise self._error("number is too large", token.offset, len(text))
        return NumberLiteral(value, percent, token.offset, len(text))

    def _name(self, token: Token) -> Node:
        if token.text == "lambda":
            raise self._error(
                "lambda expressions are not supported", token.offset, 6, _WORD_HINTS["lambda"]
            )
        self._advance()
        if not (self._token.kind == "op" and self._token.text == "("):
            return self._count(Name(token.text, token.offset, len(token.text)))
        opening = self._advance()
        self._enter(opening)
        args: list[Node] = []
        if self._token.text == ")" and self._token.kind == "op":
            closing = self._advance()
        else:
            while True:
                args.append(self._expression(0))
                if self._token.kind == "op" and self._token.text == ",":
                    self._advance()
                    continue
                closing = self._close(opening, "an operator, ',' or ')'")
                break
        self._depth -= 1
        length = closing.offset + 1 - token.offset
        call = Call(token.text, tuple(args), token.offset, length)
        if self._token.kind == "op" and self._token.text == ".":
            return self._count(self._criterion_field(call))
        return self._count(call)

    def _criterion_field(self, call: Call) -> CriterionRef:
        """Read ``.FIELD`` after ``criterion("ID")``, the one call a field may follow."""
        dot = self._token
        args = call.args
        if call.function != "criterion" or len(args) != 1 or not isinstance(args[0], StringLiteral):
            raise self._error(ATTRIBUTE_ACCESS, dot.offset, 1, ATTRIBUTE_HINT)
        self._advance()
        field = self._advance()  # the lexer gives a '.' only before a name
        length = field.offset + len(field.text) - call.offset
        return CriterionRef(args[0].value, field.text, call.offset, length)

    def _unary(self, token: Token, op: Literal["not", "-"], operand_binding: int) -> Node:
        self._advance()
        self._enter(token)
        operand = self._expression(operand_binding)
        self._depth -= 1
        length = operand.offset + operand.length - token.offset
        return self._count(UnaryOp(op, operand, token.offset, length))

    def _parenthesised(self, opening: Token) -> Node:
        self._advance()
        self._enter(opening)
        inner = self._expression(0)
        closing = self._close(opening, "an operator or ')'")
        self._depth -= 1
        return attrs.evolve(
            inner, offset=opening.offset, length=closing.offset + 1 - opening.offset
        )

    def _close(self, opening: Token, expected: str) -> Token:
        if self._token.kind == "op" and self._token.text == ")":
            return self._advance()
        if self._token.kind == "end":
            raise self._error("unclosed '('", opening.offset, 1, "add a matching ')'")
        raise self._unexpected(expected)

    def _unexpected(self, expected: str) -> ExpressionSyntaxError:
        token = self._token
        hint: str | None
        if token.text == ")":
            return self._error("unmatched ')'", token.offset, 1, "remove it or add a matching '('")
        if token.text == ",":
            hint = "commas only separate the arguments of a function call"
        elif token.text == "(":
            hint = "only functions can be called, e.g. min(a, b); is an operator missing?"
        elif token.kind in ("name", "keyword") and token.text in _WORD_HINTS:
            hint = _WORD_HINTS[token.text]
        elif token.kind == "name" and token.text.lower() in ("and", "or", "not"):
            hint = f"operators are written in lowercase: {token.text.lower()}"
        else:
            hint = "is an operator missing before it?"
        return self._error(
            f"expected {expected}, found {describe(token)}",
            token.offset,
            max(1, len(token.text)),
            hint,
        )
