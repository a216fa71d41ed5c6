"""Problems found before file positions are attached: a key path, a message and a hint."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

import attrs

__all__ = ["KeyPath", "RawProblem", "closest", "did_you_mean", "format_key_path"]

KeyPath = tuple[str | int, ...]

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")


@attrs.frozen
class RawProblem:
    """A finding at a key path, before the loader knows where that path is in the file.

    ``missing`` marks a required key that is absent: it has no position of its own, so the
    loader points at the table that lacks it; ``at_key`` points at the key rather than its
    value (an unknown or ill-chosen key). ``offset`` and ``width`` locate the offending part
    inside a string value (an expression error), in characters from the string's start.
    """

    path: KeyPath
    message: str
    hint: str | None = None
    missing: bool = False
    offset: int | None = None
    width: int = 1
    at_key: bool = False


def closest(word: str, choices: Sequence[str]) -> str | None:
    """Return the one of ``choices`` closest to ``word``, or None when none is close."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return close[0] if close else None


def did_you_mean(word: str, choices: Sequence[str]) -> str | None:
    """Suggest the closest of ``choices`` to ``word`` as a hint, or None."""
    close = closest(word, choices)
    return f"did you mean '{close}'?" if close is not None else None


def _quote(key: str) -> str:
    """Write ``key`` as a TOML basic string."""
    out = ['"']
    for char in key:
        if char in '"\\':
            out.append("\\" + char)
        elif char < " " or char == "\x7f":
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def format_key_path(path: KeyPath) -> str:
    """Render ``path`` the way errors show it: ``criteria[2].indicators[0]."x.y"``."""
    parts: list[str] = []
    for item in path:
        if isinstance(item, int):
            parts.append(f"[{item}]")
            continue
        name = item if _BARE_KEY.fullmatch(item) else _quote(item)
        parts.append(f".{name}" if parts else name)
    return "".join(parts)
