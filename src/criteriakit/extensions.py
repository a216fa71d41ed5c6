"""What plugins add to frameworks, at its documented path: see :mod:`criteriakit.compiling.extensions`."""

from __future__ import annotations

from criteriakit.compiling.extensions import (
    BUILTIN_WEIGHTINGS,
    Extensions,
    Weighting,
    WeightingColumns,
    applies_to,
)

__all__ = ["BUILTIN_WEIGHTINGS", "Extensions", "Weighting", "WeightingColumns", "applies_to"]
