"""Float arithmetic every engine does with the same bits: sums and the rounding of points.

The scalar executor is the reference and the columnar engine must print the very same numbers,
so the two share one definition of the float operations whose results are shown: a sum is the
left-to-right sum from ``-0.0`` (as Polars' list sums add up; ``-0.0`` is the float that adds
nothing, so the sum of nothing is ``-0.0``), not an exactly rounded one, and points are
rounded by :func:`round_points`. Both are a few IEEE operations
that Polars performs identically on whole columns.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

__all__ = [
    "SCALE",
    "SCORE_DIGITS",
    "add_up",
    "exponential",
    "in_log_domain",
    "in_sqrt_domain",
    "round_decimals",
    "round_points",
    "saturated",
]

SCORE_DIGITS = 9
"""Scores and points are rounded to this many decimals, so float noise never shows or decides."""

SCALE = 10.0**SCORE_DIGITS
"""Points and scores are rounded to multiples of ``1 / SCALE``."""


def add_up(values: Iterable[float]) -> float:
    """Return the left-to-right float sum of ``values``, starting from ``-0.0``.

    Overflow gives an infinity, as float addition does (no exception).
    """
    total = -0.0
    for value in values:
        total += value
    return total


def round_points(value: float) -> float:
    """Return ``value`` rounded to :data:`SCORE_DIGITS` decimals, as every engine rounds it.

    The rule is the float product ``value * 1e9`` rounded to the nearest integer (ties to
    even; NaN and infinities stay as they are), divided by 1e9, keeping the sign of a zero. A
    total that hand arithmetic puts on 90 (``89.99999999999999``) becomes ``90.0``. The columnar
    engine applies the same operations to whole columns. (Scores are at most 1e15, see
    ``max_score``, so the product never overflows.)
    """
    scaled = value * SCALE
    if scaled - scaled != 0.0:  # NaN or an infinity: rounding keeps it
        return scaled / SCALE
    nearest = round(scaled)
    return nearest / SCALE if nearest else math.copysign(0.0, scaled)


WHOLE_FROM = 2.0**52
"""From this magnitude on every float is a whole number: rounding leaves it as it is."""


def round_decimals(value: float, digits: int) -> float:
    """Return ``value`` rounded to ``digits`` decimals, ties to even: the language's ``round``.

    The float product ``value * 10**digits`` rounded to the nearest integer, divided by
    ``10**digits``, keeping the sign of a zero; NaN, infinities and values whose product has no
    fraction left (beyond 2**52) stay as they are. Polars does the same operations on columns.
    """
    scale = 10.0**digits
    scaled = value * scale
    if not abs(scaled) < WHOLE_FROM:
        return value
    nearest = round(scaled)
    return nearest / scale if nearest else math.copysign(0.0, value)


def in_sqrt_domain(value: float) -> bool:
    """Return whether ``sqrt`` is defined at ``value``: not below zero (NaN gives NaN)."""
    return not value < 0


def in_log_domain(value: float) -> bool:
    """Return whether ``ln`` is defined at ``value``: above zero (NaN gives NaN)."""
    return not value <= 0


def exponential(value: float) -> float:
    """Return ``e ** value``; an infinity when it overflows, as Polars gives (not an error)."""
    try:
        return math.exp(value)
    except OverflowError:
        return math.inf


def saturated(value: Any) -> float:
    """Return ``value`` as a float, an integer beyond the float range as ±inf.

    Integers are exact in Python however large (a literal may be); arithmetic with floats
    saturates them, as a float that large would be.
    """
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf
