"""The hooks a criteriakit plugin can implement.

A plugin is a module or object with functions decorated by :data:`criteriakit.hookimpl` and named
after these specifications. Installed plugins are found through the ``criteriakit`` entry-point
group; local ones through ``--plugin-dir`` or ``CRITERIAKIT_PATH`` (see :mod:`criteriakit.plugins`).

Registration hooks receive a ``register`` callback, like llm's: call it once per thing you
provide. Each plugin's implementation is called on its own, so every registration and every
error is attributed to the plugin that made it. Plugins are called in pluggy's order: the most
recently registered first (installed plugins in entry-point order, then local directories).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    import os

    from criteriakit.expressions import FunctionSpec
    from criteriakit.framework import Framework

__all__ = ["criteriakit_register_frameworks", "criteriakit_register_functions"]

_hookspec = pluggy.HookspecMarker("criteriakit")


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
