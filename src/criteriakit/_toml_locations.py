"""Source positions of the key paths of a TOML document.

``tomllib`` (and ``tomli``) return plain values with no record of where they came from, yet
framework errors must say the line and column of ``criteria[2].indicators[0].points``. This
module re-scans the same text with a small, forgiving, linear-time scanner that knows only as
much TOML as is needed to follow keys, tables and values; it never raises and never recurses:
on text it does not understand it stops and simply knows fewer positions.
"""

from __future__ import annotations

import bisect
import re
from typing import TypeAlias

import attrs

from criteriakit import limits
from criteriakit._problems import KeyPath

__all__ = ["Located", "Span", "TomlLocations"]


_BOM = "\ufeff"

_BASIC = r'"[^"\\\n]*(?:\\.[^"\\\n]*)*"'
_LITERAL = r"'[^'\n]*'"
# A key part (bare, basic or literal), then whitespace and perhaps a dot for the next part.
_KEY_PART = re.compile(rf"([A-Za-z0-9_-]+|{_BASIC}|{_LITERAL})[ \t]*(\.[ \t]*)?")
# Any value but an array or inline table. A multi-line string ends at the first unescaped run
# of three quotes, which may be followed by up to two more that belong to the content; a
# date-time is the only value that may contain a space.
_SCALAR_PATTERN = "|".join(
    (
        r'"""(?:[^"\\]|\\[\s\S]|"(?!""))*""""{0,2}',
        r"'''(?:[^']|'(?!''))*''''{0,2}",
        _BASIC,
        _LITERAL,
        r"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9][0-9A-Za-z_+\-.:]*",
        r"[0-9A-Za-z_+\-.:]+",
    )
)
_SCALAR = re.compile(_SCALAR_PATTERN)
# The common line ``key = scalar  # comment``, read in one go.
_SIMPLE_LINE = re.compile(
    rf"([A-Za-z0-9_-]+|{_BASIC}|{_LITERAL})[ \t]*=[ \t]*({_SCALAR_PATTERN})"
    r"[ \t]*(?:#[^\n]*)?(?:\r?\n|\Z)"
)
# The common items ``scalar,`` of an array and ``key = scalar,`` of an inline table.
_ARRAY_ITEM = re.compile(rf"[ \t\r\n]*({_SCALAR_PATTERN})[ \t]*(?P<comma>,)?")
_TABLE_ITEM = re.compile(
    rf"[ \t\r\n]*([A-Za-z0-9_-]+|{_BASIC}|{_LITERAL})[ \t]*=[ \t]*({_SCALAR_PATTERN})"
    r"[ \t]*(?P<comma>,)?"
)
# The part of a line before its comment: strings are skipped whole, and a multi-line string
# that does not close on the line runs to its end.
_CODE = re.compile(
    "(?:{})*".format(
        "|".join(
            (
                r'"""(?:[^"\\\n]|\\.|"(?!""))*(?:""""{0,2})?',
                r"'''(?:[^'\n]|'(?!''))*(?:''''{0,2})?",
                _BASIC,
                _LITERAL,
                r"""[^"'#\n]""",
            )
        )
    )
)
_EQUALS = re.compile(r"=[ \t]*")
_WS = re.compile(r"[ \t]*")
_BLANK_LINES = re.compile(r"(?:[ \t\r\n]|#[^\n]*)*")
_END_OF_LINE = re.compile(r"[ \t]*(?:#[^\n]*)?(?:\r?\n|\Z)")
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|x[0-9A-Fa-f]{2}|.)", re.DOTALL)
_SIMPLE_ESCAPES = {
    "b": "\b",
    "t": "\t",
    "n": "\n",
    "f": "\f",
    "r": "\r",
    "e": "\x1b",
    '"': '"',
    "\\": "\\",
}
_UNICODE_MAX = 0x10FFFF
# Where a key path is, as offsets: key token start and end (-1 for none), value start and end.
_Offsets: TypeAlias = tuple[int, int, int, int]


@attrs.frozen
class Span:
    """A run of characters on one line: 1-based ``line`` and ``column``, ``length`` >= 1."""

    line: int
    column: int
    length: int


@attrs.frozen
class Located:
    """Where one key path is: its key token (``None`` for array elements) and its value.

    Tables defined by a header use the header for both spans (an array of tables and each of
    its elements use their ``[[criteria]]`` header); tables created implicitly (``a`` in ``a.b = 1`` or in ``[a.b]``) use the key token that first
    created them for both. Values spanning several lines are clipped to their first line;
    ``value_start_offset`` indexes the value's first character in the text as given.
    """

    key: Span | None
    value: Span
    value_start_offset: int


@attrs.define
class _Frame:
    """An open array or inline table while its contents are scanned."""

    closing: str
    path: KeyPath
    key_start: int
    key_end: int
    start: int
    count: int = 0
    expect_item: bool = True


def _unescape(body: str) -> str:
    """Decode the escapes of a basic string body, leaving anything malformed as written."""

    def replace(match: re.Match[str]) -> str:
        code = match.group(1)
        if code[0] in "uUx" and len(code) > 1:
            point = int(code[1:], 16)
            return chr(point) if point <= _UNICODE_MAX else match.group()
        return _SIMPLE_ESCAPES.get(code, match.group())

    return _ESCAPE.sub(replace, body)


def _key_name(token: str) -> str:
    """Return the name a key token stands for."""
    if token[0] == '"':
        return _unescape(token[1:-1])
    if token[0] == "'":
        return token[1:-1]
    return token


def _skip(pattern: re.Pattern[str], text: str, pos: int) -> int:
    """Return the end of ``pattern`` matched at ``pos`` (``pos`` when it does not match)."""
    match = pattern.match(text, pos)
    return match.end() if match else pos


class TomlLocations:
    """Positions of every key path of one TOML document."""

    def __init__(self, text: str) -> None:
        """Scan ``text`` once; a leading byte-order mark does not count as a column."""
        self._text = text
        first = 1 if text.startswith(_BOM) else 0
        self._starts = [first, *(match.end() for match in re.finditer("\n", text))]
        self._aot_counts: dict[KeyPath, int] = {}
        self._offsets: dict[KeyPath, _Offsets] = {(): (-1, -1, first, first + 1)}
        self._lines: dict[int, str] = {}
        # Scanning stops at arrays and inline tables nested deeper than the key_path_depth
        # limit and at keys with more parts, so key paths (and the work of building them) stay
        # bounded on pathological input; Python 3.11's tomllib cannot read such nesting anyway.
        self._max_depth = limits.current().key_path_depth
        self._scan(first)

    @property
    def text(self) -> str:
        """The text that was scanned."""
        return self._text

    def get(self, path: KeyPath) -> Located | None:
        """Return where ``path`` is, or ``None`` if it was not seen."""
        offsets = self._offsets.get(path)
        if offsets is None:
            return None
        key_start, key_end, start, end = offsets
        key = None if key_start < 0 else self._span(key_start, key_end)
        return Located(key, self._span(start, end), start)

    def nearest(self, path: KeyPath) -> tuple[KeyPath, Located] | None:
        """Return the longest known prefix of ``path`` and its location (at worst the root)."""
        for size in range(len(path), -1, -1):
            located = self.get(path[:size])
            if located is not None:
                return path[:size], located
        return None

    def line_text(self, line: int) -> str:
        """Return source line ``line`` (1-based) without its newline, or ``''``.

        A line is cut out once and shared: problems by the thousand on one long line (a list
        repeating a value) must not each hold a copy of it.
        """
        if not 1 <= line <= len(self._starts):
            return ""
        if line not in self._lines:
            self._lines[line] = self._text[self._starts[line - 1] : self._line_end(line - 1)]
        return self._lines[line]

    # Positions are kept as offsets and turned into lines and columns only when asked for.

    def _line_end(self, index: int) -> int:
        """Return the offset just past the content of line ``index`` (0-based), before CR LF."""
        text = self._text
        end = self._starts[index + 1] - 1 if index + 1 < len(self._starts) else len(text)
        if end > self._starts[index] and text[end - 1] == "\r":
            end -= 1
        return end

    def _span(self, start: int, end: int) -> Span:
        """Return the span of ``text[start:end]``, clipped to the line where it starts."""
        index = bisect.bisect_right(self._starts, start) - 1
        length = min(end, self._line_end(index)) - start
        return Span(index + 1, start - self._starts[index] + 1, max(1, length))

    def _container_end(self, start: int, close: int) -> int:
        """Return where an array or inline table's value ends: its bracket or its first line."""
        line_end = self._line_end(bisect.bisect_right(self._starts, start) - 1)
        if close < line_end:
            return close + 1
        end = min(_skip(_CODE, self._text, start), line_end)
        return start + len(self._text[start:end].rstrip(" \t"))

    def _implicit(self, path: KeyPath, start: int, end: int) -> None:
        """Remember a table created by the key token at ``start``, unless already known."""
        if path not in self._offsets:
            self._offsets[path] = (start, end, start, end)

    def _dotted(self, base: KeyPath, parts: list[tuple[str, int, int]]) -> KeyPath:
        """Record the tables a dotted key passes through; return the key's full path."""
        path = base
        for name, start, end in parts[:-1]:
            path = (*path, name)
            self._implicit(path, start, end)
        return (*path, parts[-1][0])

    # Scanning. Every method returns the offset after what it read, or -1 to stop.

    def _scan(self, pos: int) -> None:
        """Read headers and ``key = value`` lines from ``pos`` to the end."""
        text = self._text
        table: KeyPath = ()
        while pos >= 0:
            pos = _skip(_BLANK_LINES, text, pos)
            if pos >= len(text):
                return
            simple = _SIMPLE_LINE.match(text, pos)
            if simple is not None:
                key = (*table, _key_name(simple.group(1)))
                self._offsets[key] = (pos, simple.end(1), simple.start(2), simple.end(2))
                pos = simple.end()
                continue
            if text[pos] == "[":
                pos, table = self._header(pos, table)
            else:
                pos = self._key_value(pos, table)
            end_of_line = _END_OF_LINE.match(text, pos) if pos >= 0 else None
            pos = end_of_line.end() if end_of_line else -1

    def _key(self, pos: int) -> tuple[list[tuple[str, int, int]], int]:
        """Read a possibly dotted key into ``(name, start, end)`` parts (none on failure)."""
        parts: list[tuple[str, int, int]] = []
        while True:
            match = _KEY_PART.match(self._text, pos)
            if match is None:
                return [], -1
            parts.append((_key_name(match.group(1)), pos, match.end(1)))
            pos = match.end()
            if match.group(2) is None:
                return parts, pos
            if len(parts) == self._max_depth:
                return [], -1

    def _header(self, pos: int, table: KeyPath) -> tuple[int, KeyPath]:
        """Read ``[table]`` or ``[[array]]``; return the new current table's path."""
        text = self._text
        is_array = text.startswith("[[", pos)
        parts, end = self._key(_skip(_WS, text, pos + 1 + is_array))
        closing = "]]" if is_array else "]"
        if not parts or not text.startswith(closing, end):
            return -1, table
        end += len(closing)
        path: KeyPath = ()
        for name, start, stop in parts[:-1]:
            path = (*path, name)
            self._implicit(path, start, stop)
            if path in self._aot_counts:
                path = (*path, self._aot_counts[path] - 1)
        path = (*path, parts[-1][0])
        if is_array:
            count = self._aot_counts.get(path, 0)
            if count == 0:
                self._offsets[path] = (pos, end, pos, end)
            self._aot_counts[path] = count + 1
            path = (*path, count)
        self._offsets[path] = (pos, end, pos, end)
        return end, path

    def _key_value(self, pos: int, table: KeyPath) -> int:
        """Read ``key = value`` in ``table``."""
        parts, pos = self._key(pos)
        equals = _EQUALS.match(self._text, pos) if parts else None
        if equals is None:
            return -1
        _, start, end = parts[-1]
        return self._value(equals.end(), self._dotted(table, parts), start, end)

    def _value(self, pos: int, path: KeyPath, key_start: int, key_end: int) -> int:
        """Read the value for ``path`` at ``pos``, following nested arrays and inline tables.

        An array or inline table is recorded as its bracket when it opens and in full when it
        closes, so one that is cut short (too deep, or not understood) is still known.
        """
        text = self._text
        stack: list[_Frame] = []
        while True:
            if text.startswith(("[", "{"), pos):
                if len(stack) == self._max_depth:
                    return -1
                self._offsets[path] = (key_start, key_end, pos, pos + 1)
                closing = "]" if text[pos] == "[" else "}"
                stack.append(_Frame(closing, path, key_start, key_end, pos))
                pos += 1
            else:
                scalar = _SCALAR.match(text, pos)
                if scalar is None:
                    return -1
                self._offsets[path] = (key_start, key_end, pos, scalar.end())
                pos = scalar.end()
            pos = self._next_item(stack, pos)
            if pos < 0 or not stack:
                return pos
            pos, path, key_start, key_end = self._item(stack[-1], pos)
            if pos < 0:
                return -1

    def _next_item(self, stack: list[_Frame], pos: int) -> int:
        """Move past commas, closing brackets and simple items to an item to read in full.

        Return its offset, or the end of the outermost value once ``stack`` is empty.
        """
        text = self._text
        while stack:
            frame = stack[-1]
            pos = _skip(_BLANK_LINES, text, pos)
            if text.startswith(frame.closing, pos):
                stack.pop()
                end = self._container_end(frame.start, pos)
                self._offsets[frame.path] = (frame.key_start, frame.key_end, frame.start, end)
                pos += 1
            elif not frame.expect_item:
                if not text.startswith(",", pos):
                    return -1
                frame.expect_item = True
                pos += 1
            else:
                simple = self._simple_item(frame, pos)
                if simple < 0:
                    return pos
                pos = simple
        return pos

    def _simple_item(self, frame: _Frame, pos: int) -> int:
        """Read a scalar item of ``frame`` and its comma in one go, or return -1 if not one."""
        if frame.closing == "]":
            match = _ARRAY_ITEM.match(self._text, pos)
            if match is None:
                return -1
            path = (*frame.path, frame.count)
            self._offsets[path] = (-1, -1, match.start(1), match.end(1))
            frame.count += 1
        else:
            match = _TABLE_ITEM.match(self._text, pos)
            if match is None:
                return -1
            path = (*frame.path, _key_name(match.group(1)))
            self._offsets[path] = (match.start(1), match.end(1), match.start(2), match.end(2))
        frame.expect_item = match.group("comma") is not None
        return match.end()

    def _item(self, frame: _Frame, pos: int) -> tuple[int, KeyPath, int, int]:
        """Start the next item of ``frame``: where its value is, its path and its key token."""
        frame.expect_item = False
        if frame.closing == "]":
            frame.count += 1
            return pos, (*frame.path, frame.count - 1), -1, -1
        parts, pos = self._key(pos)
        equals = _EQUALS.match(self._text, pos) if parts else None
        if equals is None:
            return -1, frame.path, -1, -1
        _, start, end = parts[-1]
        return equals.end(), self._dotted(frame.path, parts), start, end
