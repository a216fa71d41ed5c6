"""What a worker needs to rebuild a chain of frameworks: their definitions as plain data.

A :class:`~criteriakit.Framework` does not pickle: its compiled expressions are closures. What
rebuilds it does: the definition as plain data (what a TOML file parses to), and the
:class:`~criteriakit.Extensions` it was loaded with, whose plugin functions pickle by reference
(so the plugins must be installed on the workers). Each worker process rebuilds a chain once
and keeps it by fingerprint, for every partition it evaluates afterwards.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import attrs

from criteriakit._converter import converter_for
from criteriakit.errors import FrameworkError, Problem, UnknownFrameworkError
from criteriakit.extensions import Extensions, builtin_extensions
from criteriakit.framework import Framework
from criteriakit.hierarchy import framework_chain
from criteriakit.loading import Resolve, framework_from_dict

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
        for a level (as :func:`criteriakit.hierarchy.evaluate_levels` does).
        """
        chain = framework_chain(framework, depth)
        extensions = framework.extensions or builtin_extensions()
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
