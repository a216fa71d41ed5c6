"""Plugins: the hooks, the manager that loads plugins, and what they register.

- :mod:`~criteriakit.plugins.hookspecs`: the hook specifications and the ``hookimpl`` marker
  (imports nothing else of criteriakit, so any plugin module can import it);
- :mod:`~criteriakit.plugins.manager`: loading installed, local and in-process plugins into a
  fresh pluggy manager, refusing unknown hooks and wrapper implementations;
- :mod:`~criteriakit.plugins.registrations`: calling the registration hooks, plugin by plugin,
  into the :class:`~criteriakit.Extensions` frameworks are loaded and evaluated with;
- :mod:`~criteriakit.plugins.builtin`: criteriakit's own plugin (the built-in scorer types and
  weightings), registered like any other;
- :mod:`~criteriakit.plugins.local`: a local plugin directory's framework files.

Environment variables, read when plugins are loaded (never at import):

- ``CRITERIAKIT_DISABLE_PLUGINS``: comma-separated plugin names not to load;
- ``CRITERIAKIT_DISABLE_PLUGIN_AUTOLOAD``: any non-empty value turns entry-point loading off;
- ``CRITERIAKIT_PATH``: local plugin directories, separated by ``os.pathsep``.

A local plugin directory holds framework TOML files, each registered as a framework, and
optionally ``criteriakit_plugin.py``, a Python plugin module. That file is code and runs when
loaded: point only at directories you trust. Framework files never run code.
"""

from __future__ import annotations

from criteriakit.plugins.hookspecs import hookimpl
from criteriakit.plugins.manager import (
    ENTRY_POINT_GROUP,
    LOCAL_PLUGIN_FILE,
    HookName,
    LoadedPlugins,
    PluginInfo,
    builtin_plugins,
    load_plugins,
)

__all__ = [
    "ENTRY_POINT_GROUP",
    "LOCAL_PLUGIN_FILE",
    "HookName",
    "LoadedPlugins",
    "PluginInfo",
    "builtin_plugins",
    "hookimpl",
    "load_plugins",
]
