"""What plugins register: each plugin's registration hook called on its own, its items checked.

:func:`registrations` runs one hook across the loaded plugins and yields each item with the
plugin that registered it; a plugin that raises keeps what it registered before, and its
failure is recorded, not raised, so the other plugins keep working. :func:`gather` collects
the named registrations (functions, scorer types, weightings) into the
:class:`~criteriakit.Extensions` frameworks are loaded and evaluated with; the registry
collects the frameworks the same way. :func:`builtin_extensions` is criteriakit's own plugin
gathered alone, what a framework is loaded with outside a registry.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from typing import TypeVar

import attrs

from criteriakit.compiling.extensions import Extensions, Weighting
from criteriakit.compiling.scorer_types import ScorerType
from criteriakit.errors import PluginError, plugin_errors
from criteriakit.expressions import FunctionSpec
from criteriakit.plugins.manager import HookName, LoadedPlugins, PluginInfo, builtin_plugins

__all__ = ["Registrations", "builtin_extensions", "gather", "registrations"]

_Named = TypeVar("_Named", FunctionSpec, ScorerType, Weighting)


def registrations(
    plugins: LoadedPlugins, hook: HookName, problems: list[PluginError]
) -> Iterator[tuple[PluginInfo, object]]:
    """Call ``hook`` of each plugin on its own; yield what it registered, with the plugin.

    A plugin's failure is appended to ``problems`` after the items it registered before it.
    """
    for plugin, implementation in plugins.implementations(hook):
        registered: list[object] = []
        try:
            with plugin_errors(plugin.name, plugin.distribution, hook):
                implementation(register=registered.append)
        except PluginError as error:
            problems.append(error)
        for item in registered:
            yield plugin, item


@attrs.frozen
class Registrations:
    """The extensions the plugins registered, who registered each, and what was refused.

    ``origins`` maps ``(kind, name)`` (kind ``"function"``, ``"scorer"`` or ``"weighting"``) to
    the plugin that registered it.
    """

    extensions: Extensions
    origins: Mapping[tuple[str, str], PluginInfo]
    problems: tuple[PluginError, ...]


def gather(plugins: LoadedPlugins) -> Registrations:
    """Collect every plugin's functions, scorer types and weightings, refusing wrong ones.

    An item of the wrong type, or a name another plugin registered first, is a problem naming
    both plugins; the first registration keeps the name.
    """
    origins: dict[tuple[str, str], PluginInfo] = {}
    problems: list[PluginError] = []

    def named(hook: HookName, kind: str, cls: type[_Named]) -> dict[str, _Named]:
        collected: dict[str, _Named] = {}
        for plugin, item in registrations(plugins, hook, problems):
            message = None
            if not isinstance(item, cls):
                message = f"registered {type(item).__name__}, not a {cls.__name__}"
            elif item.name in collected:
                other = origins[kind, item.name].name
                message = f"{kind} {item.name!r} is already registered by plugin {other!r}"
            else:
                collected[item.name] = item
                origins[kind, item.name] = plugin
            if message is not None:
                problems.append(
                    PluginError(
                        message, plugin=plugin.name, distribution=plugin.distribution, hook=hook
                    )
                )
        return collected

    extensions = Extensions.gather(
        plugins,
        functions=named("criteriakit_register_functions", "function", FunctionSpec),
        scorers=named("criteriakit_register_scorers", "scorer", ScorerType),
        weightings=named("criteriakit_register_weightings", "weighting", Weighting),
    )
    return Registrations(extensions, origins, tuple(problems))


@functools.cache
def builtin_extensions() -> Extensions:
    """Return criteriakit's own extensions, gathered once through its plugin's hooks."""
    return gather(builtin_plugins()).extensions
