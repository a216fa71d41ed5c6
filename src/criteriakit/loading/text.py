"""Framework text to raw tables: size and shape caps, then ``tomllib``, problems located.

Loading never runs anything a file contains, and never lets hostile text take unbounded time or
memory: text over the ``file_bytes`` limit, dotted keys of more than ``key_parts`` parts (whose
parsing is quadratic), text that is not Unicode and integers of thousands of digits are refused
with a problem at their line and column before or instead of what ``tomllib`` would raise.
"""

from __future__ import annotations

import functools
import os
import re
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

from criteriakit import limits
from criteriakit._files import UnreadableFile, read_text_capped
from criteriakit._problems import format_key_path
from criteriakit._toml_locations import TomlLocations
from criteriakit.data.jsontext import nesting_past
from criteriakit.documentation import page
from criteriakit.errors import FrameworkError, Problem, position

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

__all__ = [
    "MAX_FILE_BYTES",
    "MAX_KEY_PARTS",
    "parse_framework_file",
    "parse_framework_text",
    "refuse_unreadable_values",
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
_LONG_DIGITS = re.compile(r"[0-9][0-9_]{999,}")
_NESTING_TOKEN = re.compile(
    r'"""(?:[^\\]|\\.)*?"""'  # a multi-line basic string
    r"|'''.*?'''"  # a multi-line literal string
    r'|"(?:[^"\\\n]|\\.)*"'  # a basic string
    r"|'[^'\n]*'"  # a literal string
    r"|#[^\n]*"  # a comment
    r"|[\[\]{}]",  # a bracket or brace
    re.DOTALL,
)
"""What the nesting scan reads: strings and comments (skipped whole) and brackets."""


@functools.lru_cache(maxsize=4)
def _long_dotted_key(parts: int) -> re.Pattern[str]:
    """Return the pattern of a dotted key or table header of more than ``parts`` parts."""
    return re.compile(
        rf"(?:^|[{{,\[])[ \t]*(?:{_KEY_PART}[ \t]*\.[ \t]*){{{parts},}}{_KEY_PART}",
        re.MULTILINE,
    )


def parse_framework_file(path: str | os.PathLike[str]) -> tuple[dict[str, Any], TomlLocations]:
    """Read the framework file at ``path`` (capped at ``file_bytes``) and parse it safely."""
    try:
        text = read_text_capped(Path(path), limits.current().file_bytes, "file_bytes")
    except UnreadableFile as error:
        raise FrameworkError([error.problem]) from None
    return parse_framework_text(text, str(path))


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
    _refuse_deep_nesting(text, source)
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


def refuse_unreadable_values(data: Mapping[str, Any], source: str | None) -> None:
    """Refuse plain data that a framework cannot safely be built from, naming its key path.

    - A key or string value holding a lone surrogate, which is not Unicode.
    - Tables and arrays nested deeper than the ``key_path_depth`` limit, as in a framework
      file. Data that holds itself (a table inside itself) always is, and would otherwise be
      walked for ever.
    - More values than a framework file of the ``file_bytes`` limit could hold. Parts shared
      many times over reach that without being large, and building reads each once per place.

    The data is walked as building reads it, with a stack rather than recursion, since plain
    data may nest deeper than Python recurses.
    """
    caps = limits.current()
    walked = 0
    stack: list[tuple[tuple[str | int, ...], object]] = [((), data)]
    while stack:
        path, value = stack.pop()
        walked += 1
        if walked > caps.file_bytes:
            _refuse_value(
                f"the data holds more than {caps.file_bytes:,} values, more than a framework "
                "file can (are tables or arrays shared many times over?)",
                path,
                source,
                "build it from a framework file, or raise the file_bytes limit",
            )
        if len(path) > caps.key_path_depth:
            _refuse_value(
                f"tables or arrays are nested more than {caps.key_path_depth} deep (does one "
                "hold itself?)",
                path,
                source,
                "a framework needs a few levels of nesting at most (the key_path_depth limit)",
            )
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
            _refuse_value(_SURROGATE_MESSAGE, shown, source, _SURROGATE_HINT)


_SHOWN_PARTS = 12
"""How many parts of a key path a problem with plain data shows (a cycle's path is endless)."""


def _refuse_value(
    message: str, path: tuple[str | int, ...], source: str | None, hint: str
) -> NoReturn:
    """Raise the :class:`FrameworkError` of plain data refused at ``path``."""
    where = format_key_path(path[:_SHOWN_PARTS]) + ("…" if len(path) > _SHOWN_PARTS else "")
    raise FrameworkError([Problem(message, path=where, file=source, hint=hint)], source=source)


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
    _refuse_at(
        text,
        start,
        f"a dotted key or table header has more than {parts} parts",
        source,
        "framework files need a few levels of keys at most (the key_parts limit)",
    )


def _refuse_deep_nesting(text: str, source: str) -> None:
    """Refuse arrays and inline tables nested deeper than the ``key_path_depth`` limit.

    ``tomllib`` parses nesting by recursion: left to it, whether deep nesting loads or ends in
    a ``RecursionError`` would depend on how deep the caller's own stack is. Counted here, in
    one pass that skips strings and comments, the answer is the same from everywhere.
    """
    cap = limits.current().key_path_depth
    offset = nesting_past(_NESTING_TOKEN, text, cap)
    if offset is None:
        return
    _refuse_at(
        text,
        offset,
        f"arrays or inline tables are nested more than {cap} deep",
        source,
        "framework files need a few levels of nesting at most (the key_path_depth limit)",
    )


def _refuse_at(text: str, offset: int, message: str, source: str, hint: str) -> NoReturn:
    """Raise the :class:`FrameworkError` of framework text refused at ``offset``, before parsing."""
    line, column = position(text, offset)
    problem = Problem(message, file=source, line=line, column=column, hint=hint)
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
        hint = f"the file format: {page('format')}"
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
