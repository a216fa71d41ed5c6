"""Problems found before file positions are attached: a key path, a message and a hint."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import attrs

__all__ = ["KeyPath", "RawProblem", "closest", "did_you_mean"]

KeyPath = tuple[str | int, ...]


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
