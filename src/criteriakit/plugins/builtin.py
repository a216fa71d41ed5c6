"""criteriakit's own plugin: the built-in scorer types and weightings, registered like any other.

Its hooks run first (``tryfirst``), so no plugin can take a built-in name.
"""

from __future__ import annotations

from collections.abc import Callable

from criteriakit.compiling.extensions import BUILTIN_WEIGHTINGS, Weighting
from criteriakit.compiling.scorer_types import BUILTIN_SCORER_TYPES, ScorerType
from criteriakit.plugins.hookspecs import hookimpl

__all__ = ["BUILTIN_PLUGIN_NAME", "criteriakit_register_scorers", "criteriakit_register_weightings"]

BUILTIN_PLUGIN_NAME = "criteriakit"


@hookimpl(tryfirst=True)
def criteriakit_register_scorers(register: Callable[[ScorerType], None]) -> None:
    """Register linear, thresholds, target, boolean and lookup."""
    for scorer_type in BUILTIN_SCORER_TYPES:
        register(scorer_type)


@hookimpl(tryfirst=True)
def criteriakit_register_weightings(register: Callable[[Weighting], None]) -> None:
    """Register sum and geometric."""
    for weighting in BUILTIN_WEIGHTINGS:
        register(weighting)
