"""Every cap on what criteriakit reads, in one place, with its default and a way to change it.

Framework files and data sets may come from other organisations, so every size that could make
loading or checking slow or large is capped: the bytes of a file, the nesting of its values,
the length and nesting of an expression, the problems reported and the characters of a report.
Each cap is a field of :class:`Limits`; the defaults suit real frameworks and data sets with a
wide margin, and exceeding a cap is an ordinary error (or, for ``columnar_expression_size``, a
fallback to the scalar executor), never a crash.

Change them for a block of code with :func:`override`, for the whole process with
:func:`configure`, or on the command line with ``criteriakit --limit NAME=VALUE``::

    with criteriakit.limits.override(file_bytes=16 * 1024 * 1024):
        framework = criteriakit.load_framework("huge.toml")

The limits in force are :func:`current`'s. They live in a :class:`~contextvars.ContextVar`, so an
override holds in its own thread or task only, and a worker process (Spark, Dask) sees the
defaults or its own :func:`configure`. ``expression_depth`` and ``expression_nodes`` can be
lowered but not raised: parsing, checking and compiling an expression recurse once per level,
and their defaults keep that far from Python's recursion limit.

The table of limits, with what exceeding each one gives, is in ``docs/bad-input.md``.
"""

from __future__ import annotations

import contextlib
import difflib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

import attrs

__all__ = ["DEFAULTS", "Limits", "configure", "current", "names", "override", "parse_setting"]

_CEILINGS = {"expression_depth": 32, "expression_nodes": 500}
"""Caps that may be lowered but not raised (the code recurses once per level below them)."""


def _check(_: Limits, attribute: attrs.Attribute[int], value: int) -> None:
    """Refuse a limit that is not a positive whole number, or above its ceiling."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"limit {attribute.name} must be a whole number, got {value!r}")
    if value < 1:
        raise ValueError(f"limit {attribute.name} must be at least 1, got {value}")
    ceiling = _CEILINGS.get(attribute.name)
    if ceiling is not None and value > ceiling:
        raise ValueError(
            f"limit {attribute.name} can be at most {ceiling} (expressions are parsed and "
            f"checked recursively), got {value}"
        )


def _limit(default: int, doc: str) -> Any:
    """Declare one limit: a positive whole number with its default and what it caps."""
    return attrs.field(default=default, validator=_check, metadata={"doc": doc})


@attrs.frozen
class Limits:
    """The caps in force: each a positive whole number (see the module docstring)."""

    file_bytes: int = _limit(
        4 * 1024 * 1024,
        "Bytes of a framework file (or text), refused before parsing; values of a framework "
        "given as plain data, refused before it is built.",
    )
    key_parts: int = _limit(
        32, "Parts of a dotted key or table header (the TOML parser is quadratic in them)."
    )
    key_path_depth: int = _limit(
        100,
        "Nesting of arrays and inline tables in a framework file or plain data (deeper is "
        "refused before parsing) and of the key paths whose positions errors show.",
    )
    data_bytes: int = _limit(512 * 1024 * 1024, "Bytes of a text data file (CSV, JSON, JSONL).")
    decoded_bytes: int = _limit(
        4 * 2**30,
        "Bytes a Parquet file's values take once decoded, dictionary text included (or the "
        "machine's memory where that is smaller), checked before it is read.",
    )
    data_nesting_depth: int = _limit(
        64, "Nesting of lists and objects in one data value (a JSON cell)."
    )
    list_length: int = _limit(
        100_000, "Items of a list or records input that declares no max_length."
    )
    expression_length: int = _limit(4000, "Characters of one expression.")
    expression_depth: int = _limit(
        32, "Nesting of parentheses, calls and prefix operators in one expression (at most 32)."
    )
    expression_nodes: int = _limit(
        500, "Literals, names, operators and calls in one expression (at most 500)."
    )
    columnar_expression_size: int = _limit(
        100_000,
        "Operations of one expression written out as columns; larger ones run row by row.",
    )
    plan_size: int = _limit(1_000_000, "Operations of the columnar plan of one framework.")
    reported_problems: int = _limit(
        50, "Problems kept and shown in one error; the message still says how many there were."
    )
    report_characters: int = _limit(
        20_000, "Characters of one error's message; problems past it are counted, not shown."
    )
    source_context: int = _limit(
        60, "Characters of a source line or expression shown either side of an error's column."
    )


DEFAULTS = Limits()
"""The default limits."""

_configured = DEFAULTS
_overridden: ContextVar[Limits | None] = ContextVar("criteriakit_limits", default=None)


def current() -> Limits:
    """Return the limits in force here: the innermost :func:`override`, else :func:`configure`'s."""
    return _overridden.get() or _configured


def configure(**changes: int) -> Limits:
    """Change limits for the whole process (where no :func:`override` holds); return them.

    ``configure()`` with no argument keeps them; ``configure(**attrs.asdict(DEFAULTS))`` restores
    the defaults. Raises ``TypeError`` for an unknown name or a value that is not a whole number,
    ``ValueError`` for one below 1 or above its ceiling.
    """
    global _configured  # noqa: PLW0603  the process-wide setting, by design
    _configured = _changed(_configured, changes)
    return _configured


@contextlib.contextmanager
def override(**changes: int) -> Iterator[Limits]:
    """Change limits inside a ``with`` block (this thread or task only); yield them.

    Raises like :func:`configure`.
    """
    token = _overridden.set(_changed(current(), changes))
    try:
        yield current()
    finally:
        _overridden.reset(token)


def names() -> tuple[str, ...]:
    """Return the names of the limits, in the order of :class:`Limits`."""
    return tuple(field.name for field in attrs.fields(Limits))


def parse_setting(text: str) -> tuple[str, int]:
    """Read ``NAME=VALUE`` (a ``--limit`` option) as a limit name and its value, checked.

    The value is a whole number and may use ``_`` between digits (``4_000_000``). Raises
    ``ValueError`` for anything else, naming the closest limit to an unknown name, or all.
    """
    name, equals, value = text.partition("=")
    name = name.strip().replace("-", "_")
    if not equals:
        raise ValueError(f"expected NAME=VALUE, got {text!r}")
    if name not in names():
        close = difflib.get_close_matches(name, names(), n=1)
        known = f"did you mean {close[0]}?" if close else "the limits are: " + ", ".join(names())
        raise ValueError(f"unknown limit {name!r}: {known}")
    try:
        number = int(value.strip())
    except ValueError:
        raise ValueError(f"limit {name} must be a whole number, got {value.strip()!r}") from None
    attrs.evolve(DEFAULTS, **{name: number})  # raises ValueError if out of range
    return name, number


def _changed(limits: Limits, changes: dict[str, int]) -> Limits:
    """Return ``limits`` with ``changes``, refusing unknown names with the known ones."""
    unknown = sorted(set(changes) - set(names()))
    if unknown:
        raise TypeError(f"unknown limit {unknown[0]!r}; the limits are: {', '.join(names())}")
    return attrs.evolve(limits, **changes)
