"""The hooks a criteriakit plugin can implement, and the markers of specifications and plugins.

A plugin is a module or object with functions decorated by :data:`hookimpl` (also
``criteriakit.hookimpl``) and named after these specifications. Installed plugins are found
through the ``criteriakit`` entry-point group; local ones through ``--plugin-dir`` or
``CRITERIAKIT_PATH`` (see :mod:`criteriakit.plugins`). This module imports nothing else of
criteriakit at run time, so the built-in and local plugins import the marker from here without
an import cycle (as tox's ``tox.plugin`` does).

Registration hooks receive a ``register`` callback, like llm's: call it once per thing you
provide. Each plugin's implementation is called on its own, so every registration and every
error is attributed to the plugin that made it. Plugins are called in pluggy's order: the most
recently registered first (installed plugins in entry-point order, then local directories).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Literal, get_args

import pluggy

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable, Mapping

    from criteriakit.compiling.extensions import Weighting
    from criteriakit.compiling.scorer_types import ScorerType
    from criteriakit.expressions import FunctionSpec
    from criteriakit.model.results import Result
    from criteriakit.scalar.framework import Framework

__all__ = [
    "HOOKS",
    "PROJECT",
    "HookName",
    "criteriakit_adjust_result",
    "criteriakit_register_frameworks",
    "criteriakit_register_functions",
    "criteriakit_register_scorers",
    "criteriakit_register_weightings",
    "criteriakit_validate_inputs",
    "hookimpl",
]

PROJECT = "criteriakit"
"""The pluggy project name: the entry-point group and the markers' name."""

_hookspec = pluggy.HookspecMarker(PROJECT)

hookimpl = pluggy.HookimplMarker(PROJECT)
"""Marks a function as the implementation of a criteriakit hook."""


@_hookspec
def criteriakit_register_frameworks(
    register: Callable[[Framework | str | os.PathLike[str]], None],
) -> None:
    """Register frameworks: ``register(path_or_framework)`` once per framework.

    Pass the path of a framework TOML file (loaded with every registered function available), or
    a :class:`criteriakit.Framework` you built. Frameworks are known by ``id@version``; a second
    registration of the same ``id@version`` is an error naming both plugins. Returns nothing.

    Added in criteriakit 0.1.
    """


@_hookspec
def criteriakit_register_functions(register: Callable[[FunctionSpec], None]) -> None:
    """Register expression functions: ``register(FunctionSpec(...))`` once per function.

    The function becomes callable by name in every framework's expressions, type-checked against
    its declared parameters. Names are unique across plugins and cannot shadow a built-in
    function. Functions are registered before any framework is loaded. Returns nothing.

    Added in criteriakit 0.1.
    """


@_hookspec
def criteriakit_register_scorers(register: Callable[[ScorerType], None]) -> None:
    """Register scorer types: ``register(ScorerType(...))`` once per type.

    An indicator selects one with ``scorer = { type = "NAME", ... }``. Build simple ones with
    :func:`criteriakit.function_scorer`. Names are unique across plugins; criteriakit's own plugin
    registers ``linear``, ``thresholds``, ``target``, ``boolean`` and ``lookup``. Scorers are
    registered before any framework is loaded. Returns nothing.

    Added in criteriakit 0.1.
    """


@_hookspec
def criteriakit_register_weightings(register: Callable[[Weighting], None]) -> None:
    """Register weightings: ``register(Weighting(...))`` once per weighting.

    A framework selects one with its top-level ``weighting = "NAME"`` key; it combines the
    criteria's scores into the total. criteriakit's own plugin registers ``sum`` (the default)
    and ``geometric``. Returns nothing.

    Added in criteriakit 0.1.
    """


@_hookspec
def criteriakit_validate_inputs(
    framework: Framework, inputs: Mapping[str, object]
) -> Iterable[str | tuple[str, str]] | None:
    """Check one unit's inputs with local rules, after their declared types and bounds.

    ``inputs`` are the unit's checked values. Return the problems found, each a message or an
    ``(input name, message)`` pair (or nothing); any problem makes the evaluation raise a
    :class:`~criteriakit.DataError` listing all of them. Called for every framework: check
    ``framework.id`` to apply rules to your frameworks only.

    Added in criteriakit 0.1.
    """


@_hookspec
def criteriakit_adjust_result(framework: Framework, result: Result) -> Result | None:
    """Adjust a unit's result with local logic; return a new result, or None to keep it.

    Results are frozen: build the new one with ``attrs.evolve(result, ...)``, e.g. to add a
    :class:`~criteriakit.Reason`. Implementations are chained in call order, each receiving the
    previous one's result. Called for every framework: check ``framework.id``.

    Added in criteriakit 0.1.
    """


HookName = Literal[
    "criteriakit_register_frameworks",
    "criteriakit_register_functions",
    "criteriakit_register_scorers",
    "criteriakit_register_weightings",
    "criteriakit_validate_inputs",
    "criteriakit_adjust_result",
]
"""The name of a criteriakit hook."""

HOOKS: tuple[HookName, ...] = get_args(HookName)
"""Every hook's name."""
