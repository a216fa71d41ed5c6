"""The registry: every framework and function the loaded plugins registered, by name.

Frameworks are known by ``id@version`` and have validity dates; :meth:`Registry.get` gives the
version valid on a date (today by default). Registrations that fail (an invalid framework file,
a duplicate ``id@version``, something that is not a function spec) become
:class:`~criteriakit.PluginError` values in :attr:`Registry.problems`, naming the plugin; the
rest of the registry still works.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import os
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import attrs

from criteriakit._toml_locations import TomlLocations
from criteriakit.errors import CriteriaKitError, PluginError, UnknownFrameworkError
from criteriakit.loading import build_framework, parse_framework_file
from criteriakit.plugins import HookName, LoadedPlugins, PluginInfo, load_plugins
from criteriakit.plugins.registrations import gather, registrations
from criteriakit.scalar.framework import Framework

__all__ = ["RegisteredFramework", "Registry", "get_framework", "split_ref"]


@attrs.frozen
class RegisteredFramework:
    """A framework and the plugin that registered it."""

    framework: Framework
    plugin: PluginInfo

    def valid_on(self, day: dt.date) -> bool:
        """Whether the framework's validity period includes ``day``."""
        definition = self.framework.definition
        after_start = definition.valid_from is None or definition.valid_from <= day
        before_end = definition.valid_until is None or day <= definition.valid_until
        return after_start and before_end

    @property
    def validity(self) -> str:
        """The validity period as text: ``2024-05-19 ..``, ``.. 2025-12-31`` or ``always``."""
        definition = self.framework.definition
        if definition.valid_from is None and definition.valid_until is None:
            return "always"
        start = definition.valid_from.isoformat() if definition.valid_from else ""
        end = definition.valid_until.isoformat() if definition.valid_until else ""
        return f"{start} .. {end}".strip()


_HOOK: HookName = "criteriakit_register_frameworks"
_Built = TypeVar("_Built")


@attrs.frozen
class _Pending:
    """A registered framework file, parsed, with its ``extends`` if any."""

    plugin: PluginInfo
    source: str
    data: dict[str, Any]
    locations: TomlLocations = attrs.field(eq=False)

    @property
    def ref(self) -> str:
        return f"{self.data.get('id')}@{self.data.get('version')}"

    @property
    def needs(self) -> frozenset[str]:
        """The frameworks this one refers to: the base it extends, its children's framework."""
        children = self.data.get("children")
        references = [
            self.data.get("extends"),
            children.get("framework") if isinstance(children, dict) else None,
        ]
        return frozenset(reference for reference in references if isinstance(reference, str))


def _parse(plugin: PluginInfo, path: str | os.PathLike[str]) -> _Pending:
    data, locations = parse_framework_file(path)
    return _Pending(plugin, str(path), data, locations)


def _chain(start: _Pending, pending: Sequence[_Pending]) -> str:
    by_ref = {entry.ref: entry for entry in pending}
    chain = [start.ref]
    current = start
    while True:
        following = sorted(current.needs & by_ref.keys())
        if not following or following[0] in chain:
            return " → ".join([*chain, *following[:1]])
        chain.append(following[0])
        current = by_ref[following[0]]


def split_ref(ref: str) -> tuple[str, str | None]:
    """Split ``id@version`` into its id and version (``None`` without ``@``)."""
    framework_id, _, version = ref.partition("@")
    return framework_id, version or None


class Registry:
    """Frameworks and functions registered by a set of loaded plugins."""

    def __init__(self, plugins: LoadedPlugins) -> None:
        self.plugins = plugins
        gathered = gather(plugins)
        self.extensions = gathered.extensions
        self.origins = dict(gathered.origins)
        """The plugin that registered each function, scorer and weighting, by (kind, name)."""
        self.frameworks: dict[tuple[str, str], RegisteredFramework] = {}
        self._problems: list[PluginError] = [*plugins.problems, *gathered.problems]
        self._collect_frameworks()

    @classmethod
    def load(
        cls,
        *,
        autoload: bool = True,
        disabled: Iterable[str] = (),
        plugin_dirs: Sequence[str | os.PathLike[str]] = (),
        plugins: Sequence[tuple[str, object]] = (),
    ) -> Registry:
        """Load plugins (see :func:`criteriakit.plugins.load_plugins`) and build their registry."""
        return cls(
            load_plugins(
                autoload=autoload, disabled=disabled, plugin_dirs=plugin_dirs, plugins=plugins
            )
        )

    @property
    def problems(self) -> tuple[PluginError, ...]:
        """Every plugin failure met while loading plugins and collecting registrations."""
        return tuple(self._problems)

    def _fail(self, plugin: PluginInfo, hook: str, message: str) -> None:
        self._problems.append(
            PluginError(message, plugin=plugin.name, distribution=plugin.distribution, hook=hook)
        )

    def _collect_frameworks(self) -> None:
        """Load every registered framework, each after the frameworks it refers to."""
        pending: list[_Pending] = []
        for plugin, item in registrations(self.plugins, _HOOK, self._problems):
            if isinstance(item, Framework):
                self._add(plugin, item)
            elif isinstance(item, str | os.PathLike):
                parsed = self._attempt(plugin, functools.partial(_parse, plugin, item))
                if parsed is not None:
                    pending.append(parsed)
            else:
                message = f"registered {type(item).__name__}; register a framework file path or a Framework"
                self._fail(plugin, _HOOK, message)
        self._build_in_order(pending)

    def _build_in_order(self, pending: list[_Pending]) -> None:
        """Build frameworks after those they refer to (base, children); report cycles."""
        while pending:
            waiting = {entry.ref for entry in pending}
            ready = [
                entry for entry in pending if not waiting.intersection(entry.needs) - {entry.ref}
            ]
            if not ready:
                for entry in pending:
                    message = f"{entry.source}: frameworks refer to each other in a cycle: {_chain(entry, pending)}"
                    self._fail(entry.plugin, _HOOK, message)
                return
            for entry in ready:
                self._build(entry)
            pending = [entry for entry in pending if entry not in ready]

    def _build(self, parsed: _Pending) -> None:
        framework = self._attempt(
            parsed.plugin,
            lambda: build_framework(
                parsed.data,
                parsed.source,
                parsed.locations,
                extensions=self.extensions,
                resolve=self.resolve,
            ),
        )
        if framework is not None:
            self._add(parsed.plugin, framework)

    def _attempt(self, plugin: PluginInfo, action: Callable[[], _Built]) -> _Built | None:
        try:
            return action()
        except CriteriaKitError as error:
            self._fail(plugin, _HOOK, str(error))
            return None

    def _add(self, plugin: PluginInfo, framework: Framework) -> None:
        children = framework.definition.children
        if children is not None and framework.compiled.children is None:
            message = (
                f"{framework.ref} rates its children with {children.framework}, which is not registered:"
                " it evaluates units with direct inputs only"
            )
            self._fail(plugin, _HOOK, message)
        key = (framework.id, framework.version)
        if key in self.frameworks:
            other = self.frameworks[key].plugin.name
            self._fail(
                plugin,
                _HOOK,
                f"framework {framework.ref} is already registered by plugin {other!r}",
            )
        else:
            self.frameworks[key] = RegisteredFramework(framework, plugin)

    def get(
        self, framework_id: str, version: str | None = None, on: dt.date | None = None
    ) -> Framework:
        """Return the framework ``framework_id``: the given ``version``, or the one valid ``on``.

        ``on`` defaults to today. Raises :class:`~criteriakit.UnknownFrameworkError` when no
        version matches or when several are valid on that date, listing what exists.
        """
        versions = [
            entry for (known_id, _), entry in self.frameworks.items() if known_id == framework_id
        ]
        if not versions:
            known = sorted({known_id for known_id, _ in self.frameworks})
            close = difflib.get_close_matches(framework_id, known, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            listed = ", ".join(known) if known else "none (is the plugin installed?)"
            raise UnknownFrameworkError(
                f"no framework {framework_id!r}{hint} registered frameworks: {listed}"
            )
        if version is not None:
            for entry in versions:
                if entry.framework.version == version:
                    return entry.framework
            listed = ", ".join(sorted(entry.framework.version for entry in versions))
            raise UnknownFrameworkError(
                f"framework {framework_id!r} has no version {version!r}; versions: {listed}"
            )
        day = on or dt.datetime.now(tz=dt.timezone.utc).date()
        valid = [entry for entry in versions if entry.valid_on(day)]
        if len(valid) == 1:
            return valid[0].framework
        listed = "; ".join(f"{entry.framework.version} ({entry.validity})" for entry in versions)
        if not valid:
            raise UnknownFrameworkError(
                f"no version of {framework_id!r} is valid on {day}; versions: {listed}"
            )
        raise UnknownFrameworkError(
            f"{len(valid)} versions of {framework_id!r} are valid on {day}; give the version: {listed}"
        )

    def resolve(self, ref: str, on: dt.date | None = None) -> Framework:
        """Return the framework named by ``id`` or ``id@version`` (see :meth:`get`)."""
        framework_id, version = split_ref(ref)
        return self.get(framework_id, version, on)


def get_framework(
    framework_id: str,
    version: str | None = None,
    on: dt.date | None = None,
    *,
    registry: Registry | None = None,
) -> Framework:
    """Return a registered framework by id, version or validity date (see :meth:`Registry.get`).

    Without ``registry``, the installed plugins and ``CRITERIAKIT_PATH`` are loaded afresh.
    """
    return (registry or Registry.load()).get(framework_id, version, on)
