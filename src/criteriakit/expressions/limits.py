"""Caps on rule expressions, enforced by the parser.

Framework files come from other organisations, so an expression is untrusted text: these caps keep
parsing, checking and evaluation cheap and far from Python's recursion limit whatever the text is.
Exceeding a cap is an :class:`~criteriakit.errors.ExpressionSyntaxError`.

Together they bound the height of a tree: nesting is capped, and a chain of binary operators
(``a + b + …``) is at most ``MAX_NODES // 2`` deep. Checking and compiling such a tree use
about two Python frames per level (some 500 at most), evaluating it one (some 250).
"""

from __future__ import annotations

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "MAX_NODES"]

MAX_LENGTH = 4000
"""Most characters an expression may have."""

MAX_DEPTH = 32
"""Deepest nesting of parentheses, calls and prefix operators (``not``, unary ``-``)."""

MAX_NODES = 500
"""Most syntax nodes (literals, names, operators, calls) an expression may have."""
