"""Raw tables to a checked, compiled :class:`~criteriakit.Framework`, every problem at once.

A file is structured into the model by the strict converter; when that fails, the meaning
checks still run on a salvaged copy (see :mod:`.salvage`), so a file's structure and meaning
problems are reported together. A file that ``extends`` another is merged onto its base first
(see :mod:`criteriakit.compose`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import cattrs

from criteriakit._converter import converter_for, describe, structure
from criteriakit._problems import RawProblem
from criteriakit._toml_locations import TomlLocations
from criteriakit.compiling.compiler import compile_definition
from criteriakit.compiling.extensions import Extensions
from criteriakit.compose import compose
from criteriakit.errors import CriteriaKitError, FrameworkError
from criteriakit.loading.fingerprint import fingerprint
from criteriakit.loading.locating import framework_error, locate_problem
from criteriakit.loading.salvage import salvage
from criteriakit.loading.text import (
    parse_framework_file,
    parse_framework_text,
    refuse_unreadable_values,
)
from criteriakit.model.framework import FrameworkDefinition
from criteriakit.plugins.registrations import builtin_extensions
from criteriakit.scalar.framework import Framework

__all__ = ["Resolve", "build_framework", "framework_from_dict", "load_framework", "loads_framework"]

Resolve = Callable[[str], Framework]
"""Finds a framework another one refers to by ``id@version``: the base it ``extends``, or the
framework that rates its ``[children]``. A :class:`~criteriakit.Registry` passes its lookup."""


def load_framework(
    path: str | os.PathLike[str],
    *,
    extensions: Extensions | None = None,
    resolve: Resolve | None = None,
) -> Framework:
    """Load, check and compile the framework file at ``path``.

    ``extensions`` are the functions, scorer types and weightings available (by default
    criteriakit's own; a :class:`~criteriakit.Registry` passes every plugin's). Raises
    :class:`~criteriakit.FrameworkError` listing every problem of the file.
    """
    data, locations = parse_framework_file(path)
    return build_framework(data, str(path), locations, extensions=extensions, resolve=resolve)


def loads_framework(
    text: str,
    *,
    source: str = "<string>",
    extensions: Extensions | None = None,
    resolve: Resolve | None = None,
) -> Framework:
    """Load, check and compile a framework from TOML text; ``source`` names it in errors.

    A file with ``extends = "id@version"`` is merged onto its base, which ``resolve``
    finds (a :class:`~criteriakit.Registry` passes its own lookup).
    """
    data, locations = parse_framework_text(text, source)
    return build_framework(data, source, locations, extensions=extensions, resolve=resolve)


def build_framework(
    data: Mapping[str, Any],
    source: str,
    locations: TomlLocations,
    *,
    extensions: Extensions | None = None,
    resolve: Resolve | None = None,
) -> Framework:
    """Build a framework from parsed TOML: merged onto its base when it ``extends`` one."""
    if "extends" in data:
        return _build_extension(data, source, locations, extensions, resolve)
    return _build(data, source, locations, extensions, resolve)


def framework_from_dict(
    data: Mapping[str, Any],
    *,
    source: str | None = None,
    extensions: Extensions | None = None,
    resolve: Resolve | None = None,
) -> Framework:
    """Check and compile a framework given as plain data (as parsed from TOML or JSON)."""
    refuse_unreadable_values(data, source)
    return _build(data, source, None, extensions, resolve)


def _build(
    data: Mapping[str, Any],
    source: str | None,
    locations: TomlLocations | None,
    extensions: Extensions | None,
    resolve: Resolve | None,
) -> Framework:
    extensions = extensions or builtin_extensions()
    convert = converter_for(extensions.scorers)
    definition = structure(convert, data, FrameworkDefinition)
    if isinstance(definition, list):
        raise framework_error(
            _every_problem(definition, convert, data, extensions, resolve), source, locations
        )
    compiled = compile_definition(definition, extensions, resolve)
    if isinstance(compiled, list):
        raise framework_error(compiled, source, locations)
    return Framework(
        definition, fingerprint(definition), compiled, source, extensions, None, locations
    )


def _build_extension(
    data: Mapping[str, Any],
    source: str,
    locations: TomlLocations,
    extensions: Extensions | None,
    resolve: Resolve | None,
) -> Framework:
    """Merge a derived file onto its base, then check the result like any framework."""
    reference = data["extends"]
    if not isinstance(reference, str) or "@" not in reference:
        message = f'extends must name a framework as "id@version", got {describe(reference)}'
        raise framework_error(
            [RawProblem(("extends",), message, 'extends = "vn.four-good-cell@2024"')],
            source,
            locations,
        )
    if resolve is None:
        hint = "load it through a plugin directory (--plugin-dir) or a criteriakit.Registry"
        raise framework_error(
            [RawProblem(("extends",), f"cannot find the base {reference}: no registry", hint)],
            source,
            locations,
        )
    try:
        base = resolve(reference)
    except CriteriaKitError as error:
        raise framework_error([RawProblem(("extends",), str(error))], source, locations) from None
    extensions = extensions or base.extensions or builtin_extensions()
    convert = converter_for(extensions.scorers)
    composed = compose(convert.unstructure(base.definition), data)
    if isinstance(composed, list):
        raise framework_error(composed, source, locations)
    definition = structure(convert, composed.data, FrameworkDefinition)
    compiled = (
        _every_problem(definition, convert, composed.data, extensions, resolve)
        if isinstance(definition, list)
        else compile_definition(definition, extensions, resolve)
    )
    if isinstance(compiled, list):
        documents = {
            "derived": (source, locations),
            "base": (base.source, base.source_locations),
        }
        problems = []
        for problem in compiled:
            document, path = composed.origin(problem.path)
            problems.append(locate_problem(attrs.evolve(problem, path=path), *documents[document]))
        problems.sort(
            key=lambda problem: (problem.file != source, problem.line or 0, problem.column or 0)
        )
        raise FrameworkError(problems, source=source)
    assert not isinstance(definition, list)  # noqa: S101  compiled only when structuring succeeded
    return Framework(
        definition, fingerprint(definition), compiled, source, extensions, base.ref, locations
    )


def _every_problem(
    problems: list[RawProblem],
    convert: cattrs.Converter,
    data: Mapping[str, Any],
    extensions: Extensions,
    resolve: Resolve | None,
) -> list[RawProblem]:
    """Add to a file's structure ``problems`` those its meaning checks find elsewhere.

    The checks run on a salvaged copy of the file (see :mod:`.salvage`); problems
    that rest on a part that did not structure are knock-ons of its own problem and left out.
    """
    salvaged = salvage(convert, data, problems)
    if salvaged is None:
        return problems
    compiled = compile_definition(salvaged.definition, extensions, resolve)
    found = compiled if isinstance(compiled, list) else []
    return [*problems, *(problem for problem in found if not salvaged.is_knock_on(problem))]
