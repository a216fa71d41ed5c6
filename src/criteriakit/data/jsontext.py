"""Parsing JSON from untrusted data with its nesting capped, never a RecursionError.

Python's JSON parser recurses once per level of nesting: a few kilobytes of ``[[[[…`` end in a
``RecursionError``, and values nested a few hundred deep make every later recursive step (a
``repr``, a Polars type) fail the same way. :func:`loads` parses with the C parser as usual,
then measures the nesting without recursion, and refuses too deep a value with
:class:`TooDeep`, which says where the first level too many opens. Both steps are linear in
the text; the place is only looked for when the value is refused.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from criteriakit.errors import position

__all__ = ["TooDeep", "depth_hint", "loads", "nesting_past"]

_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
"""A JSON string (skipped whole, so that its brackets do not count) or a bracket."""

_EXCERPT = 20
"""Characters of the text shown from where the nesting goes too deep."""


class TooDeep(ValueError):  # noqa: N818  a finding, turned into a Problem by its caller
    """JSON text nests lists and objects more than ``limit`` deep.

    ``offset`` is the 0-based index in the text of the bracket that opens the first level too
    many (0 if it cannot be told); ``excerpt`` a few characters from there.
    """

    def __init__(self, limit: int, text: str, offset: int) -> None:
        self.limit = limit
        self.offset = offset
        end = offset + _EXCERPT
        self.excerpt = text[offset:end] + ("…" if len(text) > end else "")
        super().__init__(f"the JSON nests lists and objects more than {limit} deep")

    def line_column(self, text: str) -> tuple[int, int]:
        """Return the 1-based line and column of :attr:`offset` in ``text``."""
        return position(text, self.offset)


def depth_hint(limit: int) -> str:
    """Return the hint of a value refused for nesting over ``limit`` deep."""
    return (
        f"a value holds at most {limit} levels of lists and objects (the data_nesting_depth limit)"
    )


def loads(
    text: str,
    limit: int,
    *,
    parse_int: Callable[[str], Any] | None = None,
    parse_constant: Callable[[str], Any] | None = None,
) -> object:
    """Return the value of JSON ``text``; raise :class:`TooDeep` if it nests over ``limit`` deep.

    A list or an object is one level, each list or object inside it one more: ``[1]`` is 1
    deep, ``[{"a": [1]}]`` 3. Invalid JSON raises :class:`json.JSONDecodeError` as
    :func:`json.loads` does (a ``ValueError``); ``parse_int`` and ``parse_constant`` are its.
    """
    try:
        value = json.loads(text, parse_int=parse_int, parse_constant=parse_constant)
    except RecursionError:
        raise TooDeep(limit, text, _too_deep_at(text, limit)) from None
    if _deeper_than(value, limit):
        raise TooDeep(limit, text, _too_deep_at(text, limit))
    return value


def _deeper_than(value: object, limit: int) -> bool:
    """Return whether ``value`` nests lists and dicts more than ``limit`` deep, level by level."""
    level: list[Any] = [value] if type(value) is list or type(value) is dict else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        inner: list[Any] = []
        for container in level:
            items = container.values() if type(container) is dict else container
            inner.extend(item for item in items if type(item) is list or type(item) is dict)
        level = inner
    return False


def _too_deep_at(text: str, limit: int) -> int:
    """Return the offset of the first bracket that opens a level past ``limit`` (else 0)."""
    return nesting_past(_TOKEN, text, limit) or 0


def nesting_past(tokens: re.Pattern[str], text: str, limit: int) -> int | None:
    """Return the offset of the first bracket of ``text`` opening a level past ``limit``.

    ``tokens`` matches what the scan skips whole (strings; comments, in TOML) and the single
    brackets ``[ ] { }``; the scan is one linear pass, never recursion. ``None``: no level
    goes past the limit.
    """
    depth = 0
    for token in tokens.finditer(text):
        bracket = token.group()
        if bracket in {"[", "{"}:
            depth += 1
            if depth > limit:
                return token.start()
        elif bracket in {"]", "}"}:
            depth = max(0, depth - 1)
    return None
