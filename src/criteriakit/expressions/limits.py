"""The default caps on rule expressions, kept as names for code that imported them.

Framework files come from other organisations, so an expression is untrusted text: caps keep
parsing, checking and evaluation cheap and far from Python's recursion limit whatever the text is.
Exceeding a cap is an :class:`~criteriakit.errors.ExpressionSyntaxError`. The caps in force are
the ``expression_length``, ``expression_depth`` and ``expression_nodes`` limits of
:mod:`criteriakit.limits` (where they are changed); these constants are their defaults.

Together they bound the height of a tree: nesting is capped, and a chain of binary operators
(``a + b + …``) is at most ``expression_nodes // 2`` deep. Checking and compiling such a tree
use about two Python frames per level (some 500 at most), evaluating it one (some 250); this is
why the depth and node caps can be lowered but not raised.
"""

from __future__ import annotations

from criteriakit.limits import DEFAULTS

__all__ = ["MAX_DEPTH", "MAX_LENGTH", "MAX_NODES"]

MAX_LENGTH = DEFAULTS.expression_length
"""Most characters an expression may have, by default."""

MAX_DEPTH = DEFAULTS.expression_depth
"""Deepest nesting of parentheses, calls and prefix operators (``not``, unary ``-``)."""

MAX_NODES = DEFAULTS.expression_nodes
"""Most syntax nodes (literals, names, operators, calls) an expression may have."""
