"""What a worker needs to rebuild a chain of frameworks: their definitions as plain data.

A :class:`~criteriakit.Framework` does not pickle: its compiled expressions are closures. What
rebuilds it does: the definition as plain data (what a TOML file parses to), and the
:class:`~criteriakit.Extensions` it was loaded with, whose plugin functions pickle by reference
(so the plugins must be installed on the workers). Each worker process rebuilds a chain once
and keeps it by fingerprint, for every partition it evaluates afterwards.

A local plugin directory's ``criteriakit_plugin.py`` is imported under a name of its own, which
no worker can import: a recipe whose extensions hold anything of such a module is refused on
the driver, before anything is shipped (a worker failing to unpickle it fails late, or, in Dask,
hangs).
"""

from __future__ import annotations

import functools
import sys
import threading
import types
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

from criteriakit._converter import converter_for
from criteriakit.columnar.hooks import refuse_result_adjusters
from criteriakit.compiling.extensions import Extensions
from criteriakit.documentation import page
from criteriakit.errors import FrameworkError, Problem, UnknownFrameworkError
from criteriakit.loading import Resolve, framework_from_dict
from criteriakit.plugins import LOCAL_PLUGIN_FILE
from criteriakit.plugins.registrations import builtin_extensions
from criteriakit.scalar.framework import Framework
from criteriakit.scalar.hierarchy import framework_chain

__all__ = ["FrameworkRecipe"]

_BUILT: dict[tuple[str, ...], tuple[Framework, ...]] = {}
_LOCK = threading.Lock()


@attrs.frozen(eq=False)
class FrameworkRecipe:
    """A framework and its children's frameworks, ``depth`` levels in all, as picklable data.

    ``definitions`` are the definitions of the chain, top first, as plain data;
    ``fingerprints`` are theirs, checked when a worker rebuilds them; ``extensions`` are the
    functions, scorer types and weightings they were loaded with.
    """

    definitions: tuple[Mapping[str, Any], ...]
    fingerprints: tuple[str, ...]
    extensions: Extensions

    @classmethod
    def of(cls, framework: Framework, depth: int) -> FrameworkRecipe:
        """Return the recipe of ``framework`` and the frameworks of ``depth - 1`` levels below.

        Raises :class:`~criteriakit.DataError` when ``framework`` has no children's framework
        for a level (as :func:`criteriakit.scalar.hierarchy.evaluate_levels` does),
        :class:`~criteriakit.FrameworkError` when its extensions hold functions, scorer types,
        weightings or hooks of a local plugin file, which the workers cannot import, and
        :class:`~criteriakit.PluginError` when a plugin adjusts results, which the columnar
        executor on the workers cannot do: all of it on the driver, before anything is shipped.
        """
        chain = framework_chain(framework, depth)
        extensions = framework.extensions or builtin_extensions()
        _refuse_local_plugins(framework, extensions)
        for level in chain:
            refuse_result_adjusters(level)
        unstructure = converter_for(extensions.scorers).unstructure
        return cls(
            tuple(unstructure(level.definition) for level in chain),
            tuple(level.fingerprint for level in chain),
            extensions,
        )

    def frameworks(self) -> tuple[Framework, ...]:
        """Return the chain of frameworks, top first, rebuilt once per process.

        Raises :class:`~criteriakit.FrameworkError` when a framework rebuilt here differs from
        the one shipped: criteriakit or a plugin is another version on this machine.
        """
        built = _BUILT.get(self.fingerprints)
        if built is None:
            with _LOCK:
                built = _BUILT.get(self.fingerprints) or self._build()
                _BUILT[self.fingerprints] = built
        return built

    def _build(self) -> tuple[Framework, ...]:
        chain: list[Framework] = []
        for data, expected in zip(
            reversed(self.definitions), reversed(self.fingerprints), strict=True
        ):
            below = chain[0] if chain else None
            framework = framework_from_dict(
                data, extensions=self.extensions, resolve=_resolver(below)
            )
            if framework.fingerprint != expected:
                message = (
                    f"{framework.ref} rebuilt on this machine has the fingerprint "
                    f"{framework.fingerprint}, not {expected} as where it was loaded"
                )
                hint = "install the same versions of criteriakit and its plugins everywhere"
                raise FrameworkError([Problem(message, hint=hint)])
            chain.insert(0, framework)
        return tuple(chain)


def _resolver(below: Framework | None) -> Resolve:
    """Resolve the children's framework of a level to the level below, rebuilt just before."""

    def resolve(ref: str) -> Framework:
        if below is None or ref != below.ref:
            raise UnknownFrameworkError(f"{ref} is not part of this evaluation")
        return below

    return resolve


_LOCAL_HINT = (
    "install the plugin on the workers as a package, or import criteriakit_plugin by its name, "
    "give the module to Registry.load(plugins=...) and send the file to the workers "
    "(SparkContext.addPyFile, or spark.addArtifacts(..., pyfile=True) with Spark Connect; "
    f"Client.upload_file in Dask): {page('clusters')}"
)


def _refuse_local_plugins(framework: Framework, extensions: Extensions) -> None:
    """Raise FrameworkError if ``extensions`` hold anything of a local plugin file.

    Everything in the extensions travels, used by the framework or not, so everything is checked.
    """
    found: dict[str, list[str]] = {}  # each local plugin file: what of it would travel
    for subject, value in _entries(extensions):
        for file in dict.fromkeys(_local_files(value)):
            found.setdefault(file, []).append(subject)
    problems = [
        Problem(
            f"{framework.ref} cannot be evaluated on the workers: {_listed(subjects)} "
            f"{'comes' if len(subjects) == 1 else 'come'} from this local plugin file, "
            "which the workers cannot import",
            file=file,
            hint=_LOCAL_HINT,
        )
        for file, subjects in found.items()
    ]
    if problems:
        raise FrameworkError(problems)


def _entries(extensions: Extensions) -> Iterator[tuple[str, object]]:
    """Yield each registration and hook implementation of ``extensions``, named for people."""
    for name, function in extensions.functions.items():
        yield f"function {name!r}", function  # with its columnar builder
    for name, scorer in extensions.scorers.items():
        yield f"scorer type {name!r}", scorer  # its parameters class, compile and columnar builder
    for name, weighting in extensions.weightings.items():
        yield f"weighting {name!r}", weighting
    for _, implementation in extensions.input_validators:
        yield "hook criteriakit_validate_inputs", implementation
    for _, implementation in extensions.result_adjusters:
        yield "hook criteriakit_adjust_result", implementation


def _listed(subjects: list[str]) -> str:
    return subjects[0] if len(subjects) == 1 else f"{', '.join(subjects[:-1])} and {subjects[-1]}"


def _local_files(value: object) -> Iterator[str]:
    """Yield the file of each local plugin module that ``value`` refers to, as pickling would.

    Functions, classes and modules pickle by reference to their module; a function that is not
    a module's attribute (a closure, such as :func:`criteriakit.function_scorer`'s) travels with
    what it holds, so that is searched too, as are partials, bound methods, containers and
    instances' attributes.
    """
    seen: dict[int, object] = {}  # kept alive, so that no id is reused for another object
    stack = [value]
    while stack:
        item = stack.pop()
        if id(item) in seen or isinstance(item, (str, bytes, int, float, type(None))):
            continue
        seen[id(item)] = item
        if isinstance(item, types.ModuleType):
            module: object = item.__name__
        else:
            module = getattr(item, "__module__", None)
        if isinstance(module, str):
            file = _local_plugin_file(module)
            if file is not None:
                yield file
        if isinstance(item, (type, types.ModuleType)):
            continue  # found by name; what they hold does not travel
        stack.extend(_held(item))


def _held(item: object) -> list[object]:
    """Return what pickling ``item`` would pickle along with it."""
    if isinstance(item, dict):
        return [*item.keys(), *item.values()]
    if isinstance(item, (tuple, list, set, frozenset)):
        return list(item)
    held: list[object] = []
    if isinstance(item, types.FunctionType):
        for cell in item.__closure__ or ():
            try:
                held.append(cell.cell_contents)
            except ValueError:  # an empty cell
                continue
        held.extend((item.__defaults__, item.__kwdefaults__))
    elif isinstance(item, types.MethodType):
        held.extend((item.__func__, item.__self__))
    elif isinstance(item, functools.partial):
        held.extend((item.func, item.args, item.keywords))
    state = getattr(item, "__dict__", None)
    if isinstance(state, dict):
        held.append(state)
    for cls in type(item).__mro__:
        slots = cls.__dict__.get("__slots__", ())
        held.extend(
            getattr(item, slot)
            for slot in ((slots,) if isinstance(slots, str) else slots)
            if slot not in {"__dict__", "__weakref__"} and hasattr(item, slot)
        )
    return held


def _local_plugin_file(module_name: str) -> str | None:
    """Return the file of the module named so if it is a local plugin file, else None.

    A local plugin directory's file is imported under a name of its own (see
    :mod:`criteriakit.plugins`), not the name its file would be found under, so no worker can
    import it by that name. The same file imported by its name (``import criteriakit_plugin``)
    is an ordinary module, which the workers import if it is sent to them.
    """
    module = sys.modules.get(module_name)
    file = getattr(module, "__file__", None)
    if not isinstance(file, str) or Path(file).name != LOCAL_PLUGIN_FILE:
        return None
    return None if module_name.rpartition(".")[2] == Path(LOCAL_PLUGIN_FILE).stem else file
