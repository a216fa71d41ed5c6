"""How numbers compare: with a small relative tolerance, so hand arithmetic reaches its bounds.

``0.1 + 0.2 >= 0.3`` and ``89.99999999999999 >= 90`` should hold: a rule author who computes
a value that lands exactly on a threshold expects to reach it despite float rounding. So number
comparisons in expressions, and the scoring and tier thresholds built on them, use

    tol = RELATIVE_TOLERANCE * max(1.0, abs(a), abs(b))

    a >= b  ⇔  a >= b - tol        a > b  ⇔  a > b + tol
    a <= b  ⇔  a <= b + tol        a < b  ⇔  a < b - tol
    a == b  ⇔  abs(a - b) <= tol   a != b ⇔  not a == b

Infinities and magnitudes of :data:`EXACT_ABOVE` or more compare exactly; NaN compares like
Python's ``float`` (everything false except ``!=``). Comparisons of two values that are integers
by type are exact and do not use these helpers.

:func:`column_tolerance` is the same rule over Polars columns, which the columnar engine's
comparisons, threshold scorers and tier bounds all use: the rule is written here once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import polars as pl

__all__ = [
    "EXACT_ABOVE",
    "RELATIVE_TOLERANCE",
    "approx_eq",
    "approx_ge",
    "approx_gt",
    "approx_le",
    "approx_lt",
    "approx_ne",
    "column_tolerance",
    "tolerance",
]

RELATIVE_TOLERANCE = 1e-9
"""The tolerance relative to the larger magnitude of the two operands (and at least 1)."""

EXACT_ABOVE = 1e300
"""Operands this large (or infinite) compare exactly: the tolerance is zero."""


def tolerance(a: float, b: float) -> float:
    """Return the absolute tolerance for comparing ``a`` with ``b`` (0.0: compare exactly)."""
    # Spelled out rather than max(1.0, abs(a), abs(b)): this is on every comparison's path.
    scale = a if a >= 0 else -a
    other = b if b >= 0 else -b
    if other > scale:  # noqa: PLR1730 - max() is a slower call on this hot path
        scale = other
    if scale <= 1.0:
        return RELATIVE_TOLERANCE
    return RELATIVE_TOLERANCE * scale if scale < EXACT_ABOVE else 0.0


def column_tolerance(a: pl.Expr, b: pl.Expr | float) -> pl.Expr:
    """Return :func:`tolerance` of columns ``a`` and ``b`` as a Polars expression.

    Null where either is null; 0.0 (exact) from :data:`EXACT_ABOVE` and for infinities. A NaN
    is the caller's to handle (Polars orders NaN above every number; Python compares it false).
    """
    import polars as pl  # noqa: PLC0415 - Polars only for the columnar engine, not for expressions

    scale = pl.max_horizontal(pl.lit(1.0), a.abs(), abs(b) if isinstance(b, float) else b.abs())
    return pl.when(scale < EXACT_ABOVE).then(scale * RELATIVE_TOLERANCE).otherwise(pl.lit(0.0))


def approx_ge(a: float, b: float) -> bool:
    """Return whether ``a >= b`` within :func:`tolerance`."""
    tol = tolerance(a, b)
    return a >= b - tol if tol else a >= b


def approx_gt(a: float, b: float) -> bool:
    """Return whether ``a > b`` by more than :func:`tolerance`."""
    tol = tolerance(a, b)
    return a > b + tol if tol else a > b


def approx_le(a: float, b: float) -> bool:
    """Return whether ``a <= b`` within :func:`tolerance`."""
    tol = tolerance(a, b)
    return a <= b + tol if tol else a <= b


def approx_lt(a: float, b: float) -> bool:
    """Return whether ``a < b`` by more than :func:`tolerance`."""
    tol = tolerance(a, b)
    return a < b - tol if tol else a < b


def approx_eq(a: float, b: float) -> bool:
    """Return whether ``a`` and ``b`` differ by at most :func:`tolerance`."""
    if a == b:
        return True
    tol = tolerance(a, b)
    return bool(tol) and abs(a - b) <= tol


def approx_ne(a: float, b: float) -> bool:
    """Return ``not approx_eq(a, b)``."""
    return not approx_eq(a, b)
