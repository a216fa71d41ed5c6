"""Raw problems (a key path and a message) placed at their line and column in a file.

The converter and the compiler find problems by TOML key path; :func:`locate_problem` finds the
key or value in the file's text, down to the character inside an expression string.
"""

from __future__ import annotations

from collections.abc import Sequence

from criteriakit._problems import RawProblem, format_key_path
from criteriakit._toml_locations import TomlLocations
from criteriakit.errors import FrameworkError, Problem, position

__all__ = ["framework_error", "locate_problem"]


def framework_error(
    raw: Sequence[RawProblem], source: str | None, locations: TomlLocations | None
) -> FrameworkError:
    """Return the error of ``raw`` problems, each located in ``source``, in file order."""
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
