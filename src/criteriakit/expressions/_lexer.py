"""Split expression text into tokens, one at a time, rejecting anything outside the language.

The lexer is pulled by the parser token by token, so the first problem in the text is the one
reported. Every character it does not know is an error with a hint at what was probably meant.
"""

from __future__ import annotations

from typing import Literal, TypeAlias

import attrs

from criteriakit.errors import ExpressionSyntaxError, shorten
from criteriakit.expressions.functions import KEYWORDS

__all__ = ["ATTRIBUTE_ACCESS", "ATTRIBUTE_HINT", "Token", "TokenKind", "describe"]

ATTRIBUTE_ACCESS = "attribute access is not supported"
ATTRIBUTE_HINT = (
    "inputs are plain names; aggregate record lists with count, share, sum, avg, min, max, any,"
    ' all; a criterion\'s points are criterion("ID").points (in gates, vetoes and caps)'
)

TokenKind: TypeAlias = Literal["number", "string", "name", "keyword", "op", "end"]

_DIGITS = frozenset("0123456789")
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME_CHARS = _NAME_START | _DIGITS
_NUMBER_TAIL = _NAME_CHARS | {".", "%"}
_OPERATORS = ("==", "!=", "<=", ">=", "+", "-", "*", "/", "<", ">", "(", ")", ",")

_NO_POWER = "there is no exponentiation; multiply explicitly, e.g. x * x"
_INDEXING = "there is no indexing; aggregate lists with count, share, sum, avg, min, max, any, all"
_BAD_OPERATORS: dict[str, tuple[str, str]] = {
    "**": ("'**' is not supported", _NO_POWER),
    "&&": ("'&&' is not an operator", "use and"),
    "||": ("'||' is not an operator", "use or"),
    "<>": ("'<>' is not an operator", "use != to test for a difference"),
    "=>": ("'=>' is not an operator", "use >= for greater than or equal"),
    "=<": ("'=<' is not an operator", "use <= for less than or equal"),
    "=": ("'=' is not an operator", "use == to compare"),
    "!": ("'!' is not an operator", "use not to negate a condition, != to test for a difference"),
    "&": ("'&' is not an operator", "use and"),
    "|": ("'|' is not an operator", "use or"),
    "^": ("'^' is not supported", _NO_POWER),
    "%": (
        "'%' is only a percent sign",
        "write it right after a number, e.g. 85%; there is no remainder operator",
    ),
    "[": ("'[' is not supported", _INDEXING),
    "]": ("']' is not supported", _INDEXING),
    ":": (
        "':' is not supported",
        (
            "there are no lambdas or slices; aggregates take the per-item expression directly,"
            " e.g. count(members, score >= 50)"
        ),
    ),
    "?": ("'?' is not supported", "use if(condition, then, else)"),
    "#": ("'#' is not supported", "expressions have no comments"),
    ";": ("';' is not supported", "an expression is a single formula"),
}
_LOOKALIKES: dict[str, str] = {
    "\u2265": ">=",
    "\u2264": "<=",
    "\u2260": "!=",
    "\u00d7": "*",
    "\u00b7": "*",
    "\u00f7": "/",
    "\u2212": "-",
    "\u2013": "-",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2018": "'",
    "\u2019": "'",
}


@attrs.frozen
class Token:
    """One token: its kind, its exact text and where it starts."""

    kind: TokenKind
    text: str
    offset: int


def describe(token: Token) -> str:
    """Describe a token for messages: ``name 'x'``, ``'+'``, ``the end of the expression``."""
    if token.kind == "end":
        return "the end of the expression"
    if token.kind == "name":
        return f"name '{shorten(token.text)}'"
    if token.kind == "number":
        return f"number {shorten(token.text)}"
    if token.kind == "string":
        return f"string {shorten(token.text)}"
    return f"'{token.text}'"


class Lexer:
    """Produce the tokens of ``text`` on demand with :meth:`next`; the last one has kind ``end``."""

    def __init__(self, text: str) -> None:
        """Start at the beginning of ``text``."""
        self._text = text
        self._pos = 0

    def next(self) -> Token:
        """Return the next token, or raise ExpressionSyntaxError at the first invalid character."""
        text = self._text
        pos = self._pos
        end = len(text)
        while pos < end and text[pos].isspace():
            pos += 1
        if pos == end:
            self._pos = pos
            return Token("end", "", pos)
        char = text[pos]
        if char in _DIGITS:
            return self._number(pos)
        if char in _NAME_START:
            stop = pos + 1
            while stop < end and text[stop] in _NAME_CHARS:
                stop += 1
            self._pos = stop
            word = text[pos:stop]
            return Token("keyword" if word in KEYWORDS else "name", word, pos)
        if char in "\"'":
            return self._string(pos, char)
        if char == "." and text[pos + 1 : pos + 2] in _NAME_START:  # criterion("1").share
            self._pos = pos + 1
            return Token("op", ".", pos)
        if text[pos : pos + 2] in _BAD_OPERATORS:
            raise self._bad_operator(pos, text[pos : pos + 2])
        for operator in _OPERATORS:
            if text.startswith(operator, pos):
                self._pos = pos + len(operator)
                return Token("op", operator, pos)
        raise self._bad_character(pos)

    def _error(
        self, message: str, offset: int, length: int, hint: str | None
    ) -> ExpressionSyntaxError:
        return ExpressionSyntaxError(
            message, text=self._text, offset=offset, length=length, hint=hint
        )

    def _number(self, start: int) -> Token:
        text = self._text
        end = len(text)
        pos = start
        while pos < end and text[pos] in _DIGITS:
            pos += 1
        if pos < end and text[pos] == ".":
            if pos + 1 < end and text[pos + 1] in _DIGITS:
                pos += 1
                while pos < end and text[pos] in _DIGITS:
                    pos += 1
            else:
                digits = text[start:pos]
                raise self._error(
                    "a decimal point must be followed by a digit",
                    start,
                    pos + 1 - start,
                    f"write {digits}.0 or {digits}",
                )
        if pos < end and text[pos] == "%":
            pos += 1
        if pos < end and text[pos] in _NUMBER_TAIL:
            stop = pos
            while stop < end and text[stop] in _NUMBER_TAIL:
                stop += 1
            raise self._error(
                f"invalid number '{text[start:stop]}'",
                start,
                stop - start,
                "write numbers as digits with an optional decimal part, e.g. 12, 7.5 or 85%"
                " (no exponents, no digit separators)",
            )
        self._pos = pos
        return Token("number", text[start:pos], start)

    def _string(self, start: int, quote: str) -> Token:
        text = self._text
        close = text.find(quote, start + 1)
        newline = text.find("\n", start + 1, len(text) if close == -1 else close)
        if close == -1 or newline != -1:
            stop = len(text) if newline == -1 else newline
            raise self._error(
                "unterminated string",
                start,
                stop - start,
                f"close it with {quote} on the same line",
            )
        self._pos = close + 1
        return Token("string", text[start : close + 1], start)

    def _bad_operator(self, pos: int, operator: str) -> ExpressionSyntaxError:
        message, hint = _BAD_OPERATORS[operator]
        return self._error(message, pos, len(operator), hint)

    def _bad_character(self, pos: int) -> ExpressionSyntaxError:
        text = self._text
        if text[pos] == ".":
            if pos + 1 < len(text) and text[pos + 1] in _DIGITS:
                stop = pos + 1
                while stop < len(text) and text[stop] in _DIGITS:
                    stop += 1
                return self._error(
                    "a number cannot start with a decimal point",
                    pos,
                    stop - pos,
                    f"write 0{text[pos:stop]}",
                )
            return self._error(ATTRIBUTE_ACCESS, pos, 1, ATTRIBUTE_HINT)
        char = text[pos]
        if char in _BAD_OPERATORS:
            return self._bad_operator(pos, char)
        shown = f"'{char}'" if char.isprintable() else f"U+{ord(char):04X}"
        if char in _LOOKALIKES:
            hint: str | None = f"use {_LOOKALIKES[char]} instead"
        elif char.isalpha() or char.isdigit():
            hint = "names use ASCII letters, digits and underscores; numbers use the digits 0-9"
        else:
            hint = None
        return self._error(f"unexpected character {shown}", pos, 1, hint)
