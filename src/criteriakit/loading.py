"""Loading frameworks: TOML text → raw tables → model → checked, compiled :class:`Framework`.

Every problem of a file is reported at once, each with the file, the TOML key path, the line
and column, the source line with a caret, what was expected and a hint. Files are read with a
size cap and parsed by ``tomllib``: loading never runs anything a file contains.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import attrs
import cattrs

from criteriakit import limits
from criteriakit._converter import converter_for, describe, structure
from criteriakit._files import UnreadableFile, read_text_capped
from criteriakit._problems import RawProblem
from criteriakit._salvage import salvage
from criteriakit._toml_locations import TomlLocations, format_key_path
from criteriakit.compiler import compile_definition
from criteriakit.compose import compose
from criteriakit.errors import CriteriaKitError, FrameworkError, Problem, position
from criteriakit.extensions import Extensions
from criteriakit.fingerprint import fingerprint
from criteriakit.framework import Framework
from criteriakit.model.framework import FrameworkDefinition
from criteriakit.plugins.registrations import builtin_extensions

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

Resolve = Callable[[str], Framework]
"""Finds a framework another one refers to by ``id@version``: the base it ``extends``, or the
framework that rates its ``[children]``. A :class:`~criteriakit.Registry` passes its lookup."""

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_KEY_PARTS",
    "Resolve",
    "build_framework",
    "framework_from_dict",
    "load_framework",
    "loads_framework",
    "parse_framework_text",
]

MAX_FILE_BYTES = limits.DEFAULTS.file_bytes
"""Framework files larger than this are refused before parsing by default (4 MiB; the
``file_bytes`` limit of :mod:`criteriakit.limits`)."""

MAX_KEY_PARTS = limits.DEFAULTS.key_parts
"""Dotted keys and table headers with more parts than this are refused by default (the
``key_parts`` limit): the TOML parser's time and memory grow with the square of the number of
parts."""

_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)\s*$")
_TOML_AT_END = re.compile(r"\s*\(at end of document\)\s*$")
_SURROGATE = re.compile("[\ud800-\udfff]")
"""A lone surrogate: Python text may hold one (``surrogateescape``), UTF-8 cannot."""
_SURROGATE_MESSAGE = "the text holds a lone surrogate, which is not Unicode"
_SURROGATE_HINT = (
    "framework text must be valid Unicode: was it decoded with errors='surrogateescape'?"
)
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""


@functools.lru_cache(maxsize=4)
def _long_dotted_key(parts: int) -> re.Pattern[str]:
    """Return the pattern of a dotted key or table header of more than ``parts`` parts."""
    return re.compile(
        rf"(?:^|[{{,\[])[ \t]*(?:{_KEY_PART}[ \t]*\.[ \t]*){{{parts},}}{_KEY_PART}",
        re.MULTILINE,
    )


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
    try:
        text = read_text_capped(Path(path), limits.current().file_bytes, "file_bytes")
    except UnreadableFile as error:
        raise FrameworkError([error.problem]) from None
    return loads_framework(text, source=str(path), extensions=extensions, resolve=resolve)


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


def parse_framework_text(text: str, source: str) -> tuple[dict[str, Any], TomlLocations]:
    """Parse framework TOML safely: size and shape caps, then ``tomllib``; positions too."""
    cap = limits.current().file_bytes
    if len(text) > cap:
        problem = Problem(
            f"the framework text is longer than {cap:,} characters",
            file=source,
            hint=f"raise the file_bytes limit (--limit file_bytes={len(text)})",
        )
        raise FrameworkError([problem])
    text = text.removeprefix("\ufeff")
    _refuse_surrogates(text, source)
    _refuse_pathological(text, source)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FrameworkError([_toml_problem(str(error), text, source)], source=source) from None
    except RecursionError:
        problem = Problem(
            "arrays or inline tables are nested too deeply to parse",
            file=source,
            hint="framework files need a few levels of nesting at most",
        )
        raise FrameworkError([problem], source=source) from None
    except ValueError:  # an integer longer than Python converts (sys.get_int_max_str_digits)
        raise FrameworkError([_long_number_problem(text, source)], source=source) from None
    return data, TomlLocations(text)


_LONG_DIGITS = re.compile(r"[0-9][0-9_]{999,}")


def _long_number_problem(text: str, source: str) -> Problem:
    """Return the problem of TOML text holding an integer of thousands of digits."""
    match = _LONG_DIGITS.search(text)
    line, column = position(text, match.start()) if match is not None else (None, None)
    digits = 0 if match is None else sum(ch.isdigit() for ch in match.group())
    lines = text.splitlines()
    return Problem(
        f"invalid TOML: an integer of {digits:,} digits"
        if digits
        else "invalid TOML: an integer too long to read",
        file=source,
        line=line,
        column=column,
        source_line=lines[line - 1] if line is not None and line <= len(lines) else None,
        hint="framework numbers need a few digits; is a value pasted twice?",
    )


def framework_from_dict(
    data: Mapping[str, Any],
    *,
    source: str | None = None,
    extensions: Extensions | None = None,
    resolve: Resolve | None = None,
) -> Framework:
    """Check and compile a framework given as plain data (as parsed from TOML or JSON)."""
    _refuse_surrogate_values(data, source)
    return _build(data, source, None, extensions, resolve)


def _refuse_surrogate_values(data: Mapping[str, Any], source: str | None) -> None:
    """Refuse a key or string value holding a lone surrogate, naming its key path.

    Walked with a stack, not recursion: plain data may nest deeper than Python recurses.
    """
    stack: list[tuple[tuple[str | int, ...], object]] = [((), data)]
    while stack:
        path, value = stack.pop()
        found = isinstance(value, str) and _SURROGATE.search(value) is not None
        if isinstance(value, Mapping):
            for key, item in value.items():
                if isinstance(key, str) and _SURROGATE.search(key) is not None:
                    path, found = (*path, key), True
                    break
                stack.append(((*path, str(key)), item))
        elif isinstance(value, list | tuple):
            stack.extend(((*path, index), item) for index, item in enumerate(value))
        if found:
            shown = tuple(
                _SURROGATE.sub("\ufffd", part) if isinstance(part, str) else part for part in path
            )
            problem = Problem(
                _SURROGATE_MESSAGE, path=format_key_path(shown), file=source, hint=_SURROGATE_HINT
            )
            raise FrameworkError([problem], source=source)


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
        raise _error(
            _every_problem(definition, convert, data, extensions, resolve), source, locations
        )
    compiled = compile_definition(definition, extensions, resolve)
    if isinstance(compiled, list):
        raise _error(compiled, source, locations)
    return Framework(definition, fingerprint(definition), compiled, source, extensions)


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
        raise _error(
            [RawProblem(("extends",), message, 'extends = "vn.four-good-cell@2024"')],
            source,
            locations,
        )
    if resolve is None:
        hint = "load it through a plugin directory (--plugin-dir) or a criteriakit.Registry"
        raise _error(
            [RawProblem(("extends",), f"cannot find the base {reference}: no registry", hint)],
            source,
            locations,
        )
    try:
        base = resolve(reference)
    except CriteriaKitError as error:
        raise _error([RawProblem(("extends",), str(error))], source, locations) from None
    extensions = extensions or base.extensions or builtin_extensions()
    convert = converter_for(extensions.scorers)
    composed = compose(convert.unstructure(base.definition), data)
    if isinstance(composed, list):
        raise _error(composed, source, locations)
    definition = structure(convert, composed.data, FrameworkDefinition)
    compiled = (
        _every_problem(definition, convert, composed.data, extensions, resolve)
        if isinstance(definition, list)
        else compile_definition(definition, extensions, resolve)
    )
    if isinstance(compiled, list):
        documents = {
            "derived": (source, locations),
            "base": (base.source, _locations_of(base.source)),
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
    return Framework(definition, fingerprint(definition), compiled, source, extensions, base.ref)


def _every_problem(
    problems: list[RawProblem],
    convert: cattrs.Converter,
    data: Mapping[str, Any],
    extensions: Extensions,
    resolve: Resolve | None,
) -> list[RawProblem]:
    """Add to a file's structure ``problems`` those its meaning checks find elsewhere.

    The checks run on a salvaged copy of the file (see :mod:`criteriakit._salvage`); problems
    that rest on a part that did not structure are knock-ons of its own problem and left out.
    """
    salvaged = salvage(convert, data, problems)
    if salvaged is None:
        return problems
    compiled = compile_definition(salvaged.definition, extensions, resolve)
    found = compiled if isinstance(compiled, list) else []
    return [*problems, *(problem for problem in found if not salvaged.is_knock_on(problem))]


def _locations_of(source: str | None) -> TomlLocations | None:
    if source is None:
        return None
    try:
        return TomlLocations(
            read_text_capped(Path(source), limits.current().file_bytes, "file_bytes")
        )
    except UnreadableFile:
        return None


def _refuse_surrogates(text: str, source: str) -> None:
    """Refuse text holding a lone surrogate: it is not Unicode and has no UTF-8 encoding.

    Files are decoded strictly, so only text given to :func:`loads_framework` can hold one.
    The line is shown with the surrogate replaced by U+FFFD, which any terminal can print.
    """
    match = _SURROGATE.search(text)
    if match is None:
        return
    start = match.start()
    line, column = position(text, start)
    line_end = text.find("\n", start)
    shown = text[start - column + 1 : len(text) if line_end < 0 else line_end]
    problem = Problem(
        _SURROGATE_MESSAGE,
        file=source,
        line=line,
        column=column,
        source_line=_SURROGATE.sub("\ufffd", shown.rstrip("\r")),
        hint=_SURROGATE_HINT,
    )
    raise FrameworkError([problem], source=source)


def _refuse_pathological(text: str, source: str) -> None:
    """Refuse keys whose parsing would take quadratic time and memory, before parsing."""
    parts = limits.current().key_parts
    match = _long_dotted_key(parts).search(text)
    if match is None:
        return
    start = match.start() + len(match.group()) - len(match.group().lstrip("{,[ \t"))
    line, column = position(text, start)
    problem = Problem(
        f"a dotted key or table header has more than {parts} parts",
        file=source,
        line=line,
        column=column,
        hint="framework files need a few levels of keys at most (the key_parts limit)",
    )
    raise FrameworkError([problem], source=source)


def _toml_problem(message: str, text: str, source: str) -> Problem:
    """Turn a ``tomllib`` message into a problem at its line and column.

    A file cut short ("at end of document") is pointed at just after its last character
    that is not white space: where what is still open should have been closed.
    """
    match = _TOML_POSITION.search(message)
    if match is not None:
        line, column = int(match.group(1)), int(match.group(2))
        what = message[: match.start()]
        hint = "see docs/format.md for the file format"
    else:
        match = _TOML_AT_END.search(message)
        if match is None:
            return Problem(f"invalid TOML: {message}", file=source)
        line, column = _end_of(text)
        what = f"{message[: match.start()]} at the end of the file"
        hint = "the file ends before this is closed: was it cut short?"
    lines = text.splitlines()
    return Problem(
        f"invalid TOML: {what}",
        file=source,
        line=line,
        column=column,
        source_line=lines[line - 1] if 0 < line <= len(lines) else None,
        hint=hint,
    )


def _end_of(text: str) -> tuple[int, int]:
    """Return the line and column just after the last character of ``text`` that is not blank."""
    return position(text, len(text.rstrip()))


def _error(
    raw: Sequence[RawProblem], source: str | None, locations: TomlLocations | None
) -> FrameworkError:
    problems = [locate_problem(problem, source, locations) for problem in raw]
    problems.sort(key=lambda problem: (problem.line or 0, problem.column or 0))
    return FrameworkError(problems, source=source)


def locate_problem(
    problem: RawProblem, source: str | None, locations: TomlLocations | None
) -> Problem:
    """Return ``problem`` with its key path as text and its line and column in ``source``."""
    path_text = format_key_path(problem.path)
    base = Problem(problem.message, path=path_text, file=source, hint=problem.hint)
    if locations is None:
        return base
    if problem.missing:
        near = locations.nearest(problem.path[:-1])
        found = near[1] if near is not None else None
    else:
        found = locations.get(problem.path)
        if found is None:
            near = locations.nearest(problem.path)
            found = near[1] if near is not None else None
    if found is None:
        return base
    span = found.value
    if (problem.missing and found.key is not None) or (problem.at_key and found.key is not None):
        span = found.key
    line, column, width = span.line, span.column, span.length
    if problem.offset is not None and not problem.missing:
        line, column, width = _inside_string(
            locations, found.value_start_offset, problem.offset, problem.width
        )
    return Problem(
        problem.message,
        path=path_text,
        file=source,
        line=line,
        column=column,
        hint=problem.hint,
        source_line=locations.line_text(line),
        width=width,
    )


def _inside_string(
    locations: TomlLocations, start: int, offset: int, width: int
) -> tuple[int, int, int]:
    """Map an offset inside a string value to a line and column of the file."""
    text = locations.text
    quote = text[start : start + 3]
    opening = 3 if quote in {'"""', "'''"} else 1
    first = start + opening
    if opening == 3 and text.startswith("\n", first):
        first += 1
    elif opening == 3 and text.startswith("\r\n", first):
        first += 2
    line, column = position(text, first + offset)
    return line, column, width
