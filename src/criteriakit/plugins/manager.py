"""The plugin manager: installed distributions, local directories and in-process objects loaded.

:func:`load_plugins` builds a fresh pluggy manager every time (there is no global one). It
loads the ``criteriakit`` entry-point group unless autoloading is off, skips blocked plugins,
adds local plugin directories, and checks every plugin's hooks. A plugin that fails to import,
implements a hook that does not exist or implements one as a wrapper is recorded as a
:class:`~criteriakit.PluginError` naming the plugin and its distribution; the other plugins
keep working. The environment variables are listed in :mod:`criteriakit.plugins`.
"""

from __future__ import annotations

import functools
import importlib.metadata
import importlib.util
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import ModuleType

import attrs
import pluggy
from pluggy import HookImpl

from criteriakit._version import __version__
from criteriakit.errors import PluginError, plugin_errors
from criteriakit.plugins import builtin, hookspecs
from criteriakit.plugins.hookspecs import HookName
from criteriakit.plugins.local import LocalFrameworks

__all__ = [
    "ENTRY_POINT_GROUP",
    "LOCAL_PLUGIN_FILE",
    "HookName",
    "LoadedPlugins",
    "PluginInfo",
    "builtin_plugins",
    "load_plugins",
]

ENTRY_POINT_GROUP = hookspecs.PROJECT
LOCAL_PLUGIN_FILE = "criteriakit_plugin.py"


@attrs.frozen
class PluginInfo:
    """A loaded plugin: its name, where it comes from and the hooks it implements."""

    name: str
    distribution: str | None
    hooks: tuple[str, ...]
    location: str | None = None


@attrs.frozen
class LoadedPlugins:
    """A pluggy manager with the plugins loaded into it and the failures met on the way.

    criteriakit never calls a hook through pluggy's ``manager.hook``: :meth:`implementations`
    gives each plugin's implementation on its own, so what it registers and what it raises is
    attributed to it (see :func:`criteriakit.errors.plugin_errors`).
    """

    manager: pluggy.PluginManager
    infos: tuple[PluginInfo, ...]
    problems: tuple[PluginError, ...]

    def info(self, name: str) -> PluginInfo:
        """Return the information about one loaded plugin."""
        for info in self.infos:
            if info.name == name:
                return info
        raise KeyError(name)

    def implementations(self, hook: HookName) -> Iterator[tuple[PluginInfo, Callable[..., object]]]:
        """Yield each plugin implementing ``hook``, in pluggy's call order, with its function.

        The function takes the hook's arguments by keyword. Calling each implementation on its
        own attributes registrations and errors to one plugin.
        """
        caller = getattr(self.manager.hook, hook)
        for implementation in reversed(caller.get_hookimpls()):
            call = functools.partial(_call, implementation)
            # named and marked (criteriakit.applies_to) like the plugin's own function
            yield (
                self.info(implementation.plugin_name),
                functools.update_wrapper(call, implementation.function),
            )


def _call(implementation: HookImpl, **arguments: object) -> object:
    return implementation.function(*(arguments[name] for name in implementation.argnames))


def _blocked(disabled: Iterable[str]) -> frozenset[str]:
    from_env = os.environ.get("CRITERIAKIT_DISABLE_PLUGINS", "")
    return frozenset(name.strip() for name in (*disabled, *from_env.split(",")) if name.strip())


def _local_dirs(plugin_dirs: Sequence[str | os.PathLike[str]]) -> list[Path]:
    """Return the local plugin directories: ``CRITERIAKIT_PATH``'s, then ``plugin_dirs``.

    A directory named twice (by the variable and an option, or by two spellings of one path)
    is loaded once.
    """
    from_env = [part for part in os.environ.get("CRITERIAKIT_PATH", "").split(os.pathsep) if part]
    found: dict[Path, Path] = {}
    for directory in (*from_env, *plugin_dirs):
        found.setdefault(Path(directory).resolve(), Path(directory))
    return list(found.values())


def _distribution_name(entry_point: importlib.metadata.EntryPoint) -> str | None:
    dist = entry_point.dist
    return f"{dist.name} {dist.version}" if dist is not None else None


class _Loader:
    """Registers plugins into one manager, recording what loaded and what failed."""

    def __init__(self, blocked: frozenset[str]) -> None:
        self.manager = pluggy.PluginManager(hookspecs.PROJECT)
        self.manager.add_hookspecs(hookspecs)
        self.blocked = blocked
        self.infos: list[PluginInfo] = []
        self.problems: list[PluginError] = []

    def add(
        self, plugin: object, name: str, distribution: str | None, location: str | None = None
    ) -> None:
        if name in self.blocked:
            return
        try:
            self.manager.register(plugin, name=name)
        except (pluggy.PluginValidationError, ValueError) as error:
            self.problems.append(PluginError(str(error), plugin=name, distribution=distribution))
            return
        refusal = _refusal(self.manager, plugin)
        if refusal is not None:
            self.manager.unregister(plugin)
            message, hook = refusal
            self.problems.append(
                PluginError(message, plugin=name, distribution=distribution, hook=hook)
            )
            return
        hooks = tuple(sorted(caller.name for caller in self.manager.get_hookcallers(plugin) or ()))
        self.infos.append(PluginInfo(name, distribution, hooks, location))

    def builtin(self) -> None:
        """Register criteriakit's own plugin first; it cannot be blocked."""
        self.blocked -= {builtin.BUILTIN_PLUGIN_NAME}
        self.add(builtin, builtin.BUILTIN_PLUGIN_NAME, f"criteriakit {__version__}")

    def entry_points(self) -> None:
        for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            if entry_point.name in self.blocked:
                continue
            distribution = _distribution_name(entry_point)
            try:
                with plugin_errors(
                    entry_point.name, distribution, doing=f"failed to import {entry_point.value!r}:"
                ):
                    plugin = entry_point.load()
            except PluginError as error:  # a broken plugin must not stop the others
                self.problems.append(error)
                continue
            self.add(plugin, entry_point.name, distribution)

    def local_directory(self, directory: Path) -> None:
        name = f"local:{directory}"
        if not directory.is_dir():
            self.problems.append(PluginError(f"{directory} is not a directory", plugin=name))
            return
        self.add(LocalFrameworks(directory), name, None, str(directory))
        module_path = directory / LOCAL_PLUGIN_FILE
        if module_path.is_file():
            module = self._import_file(module_path)
            if module is not None:
                self.add(module, f"local:{module_path}", None, str(module_path))

    def _import_file(self, path: Path) -> ModuleType | None:
        module_name = f"criteriakit_local_{abs(hash(str(path.resolve())))}"
        spec = importlib.util.spec_from_file_location(module_name, path)
        if spec is None or spec.loader is None:  # pragma: no cover - only for unreadable paths
            self.problems.append(PluginError(f"cannot import {path}", plugin=f"local:{path}"))
            return None
        module = importlib.util.module_from_spec(spec)
        sys.modules[module_name] = module
        try:
            with plugin_errors(f"local:{path}", doing=f"failed to import {path}:"):
                spec.loader.exec_module(module)
        except PluginError as error:  # a broken local plugin must not stop the others
            del sys.modules[module_name]
            self.problems.append(error)
            return None
        return module


def _refusal(manager: pluggy.PluginManager, plugin: object) -> tuple[str, str] | None:
    """Why a just registered plugin cannot stay, and the hook at fault; None if it can.

    pluggy accepts implementations of hooks that do not exist (they may be specified later)
    and wrapper implementations; criteriakit has a fixed set of hooks and calls each plugin's
    implementation on its own, where a wrapper (which expects to wrap the other plugins'
    calls) would be called as a plain function.
    """
    for caller in manager.get_hookcallers(plugin) or ():
        for implementation in caller.get_hookimpls():
            if implementation.plugin is not plugin:
                continue
            name = implementation.function.__name__
            if not caller.has_spec() and not implementation.optionalhook:
                known = ", ".join(sorted(hookspecs.HOOKS))
                return f"implements unknown hook {name!r}; the hooks are: {known}", name
            if implementation.hookwrapper or implementation.wrapper:
                message = (
                    f"implements {caller.name} as a wrapper (hookimpl with wrapper=True or "
                    "hookwrapper=True); criteriakit calls each plugin's implementation on its "
                    "own: drop the wrapper option"
                )
                return message, caller.name
    return None


def builtin_plugins() -> LoadedPlugins:
    """Load criteriakit's own plugin alone, whatever the environment says."""
    loader = _Loader(frozenset())
    loader.builtin()
    return LoadedPlugins(loader.manager, tuple(loader.infos), tuple(loader.problems))


def load_plugins(
    *,
    autoload: bool = True,
    disabled: Iterable[str] = (),
    plugin_dirs: Sequence[str | os.PathLike[str]] = (),
    plugins: Sequence[tuple[str, object]] = (),
) -> LoadedPlugins:
    """Load plugins into a new manager.

    ``autoload`` loads the ``criteriakit`` entry points (unless
    ``CRITERIAKIT_DISABLE_PLUGIN_AUTOLOAD`` is set); ``disabled`` names plugins to skip (with
    those of ``CRITERIAKIT_DISABLE_PLUGINS``); ``plugin_dirs`` adds local plugin directories
    (after those of ``CRITERIAKIT_PATH``); ``plugins`` adds in-process ``(name, plugin)`` pairs.
    """
    loader = _Loader(_blocked(disabled))
    loader.builtin()
    if autoload and not os.environ.get("CRITERIAKIT_DISABLE_PLUGIN_AUTOLOAD"):
        loader.entry_points()
    for directory in _local_dirs(plugin_dirs):
        loader.local_directory(directory)
    for name, plugin in plugins:
        loader.add(plugin, name, None)
    return LoadedPlugins(loader.manager, tuple(loader.infos), tuple(loader.problems))
