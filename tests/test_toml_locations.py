"""Tests for the TOML position locator."""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
import time
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from criteriakit._problems import KeyPath, format_key_path
from criteriakit._toml_locations import Located, Span, TomlLocations

if TYPE_CHECKING:
    import random

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


def text_at(locations: TomlLocations, span: Span) -> str:
    line = locations.line_text(span.line)
    return line[span.column - 1 : span.column - 1 + span.length]


def found(text: str, path: KeyPath) -> Located:
    tomllib.loads(text.removeprefix("\ufeff"))
    located = TomlLocations(text).get(path)
    assert located is not None, path
    return located


# Exact spans, construct by construct.


def test_key_value() -> None:
    text = 'points = 12\nname = "abc"\n'
    assert found(text, ("points",)) == Located(Span(1, 1, 6), Span(1, 10, 2), 9)
    assert found(text, ("name",)) == Located(Span(2, 1, 4), Span(2, 8, 5), 19)


@pytest.mark.parametrize(
    ("text", "path", "key", "value"),
    [
        ('"1.1" = 3', ("1.1",), Span(1, 1, 5), Span(1, 9, 1)),
        ("'a b' = 1", ("a b",), Span(1, 1, 5), Span(1, 9, 1)),
        ('"" = 1', ("",), Span(1, 1, 2), Span(1, 6, 1)),
        (r'"q\"\u00e9\\" = 1', ('q"é\\',), Span(1, 1, 13), Span(1, 17, 1)),
        ("1234 = true", ("1234",), Span(1, 1, 4), Span(1, 8, 4)),
        ("a-b_c=1", ("a-b_c",), Span(1, 1, 5), Span(1, 7, 1)),
    ],
)
def test_quoted_and_bare_keys(text: str, path: KeyPath, key: Span, value: Span) -> None:
    located = found(text, path)
    assert (located.key, located.value) == (key, value)


def test_dotted_keys_and_their_implicit_tables() -> None:
    text = 'a.b.c = 1\na.b.d = 2\nx . "b.c" = 3\n'
    assert found(text, ("a", "b", "c")) == Located(Span(1, 5, 1), Span(1, 9, 1), 8)
    assert found(text, ("a", "b", "d")).key == Span(2, 5, 1)
    assert found(text, ("a",)) == Located(Span(1, 1, 1), Span(1, 1, 1), 0)
    assert found(text, ("a", "b")) == Located(Span(1, 3, 1), Span(1, 3, 1), 2)
    assert found(text, ("x", "b.c")) == Located(Span(3, 5, 5), Span(3, 13, 1), 32)
    assert found(text, ("x",)).key == Span(3, 1, 1)


def test_table_headers() -> None:
    text = '[table]\nx = 1\n[a.b."c.d"]\ny = 2\n[ p . q ]  # spaced\n[p]\n'
    assert found(text, ("table",)) == Located(Span(1, 1, 7), Span(1, 1, 7), 0)
    assert found(text, ("table", "x")).value == Span(2, 5, 1)
    assert found(text, ("a", "b", "c.d")).value == Span(3, 1, 11)
    assert found(text, ("a", "b", "c.d", "y")).key == Span(4, 1, 1)
    assert found(text, ("a",)).key == Span(3, 2, 1)
    assert found(text, ("a", "b")).key == Span(3, 4, 1)
    assert found(text, ("p", "q")).value == Span(5, 1, 9)
    # `p` was implicit in `[ p . q ]`; its own header later defines it.
    assert found(text, ("p",)).value == Span(6, 1, 3)


ARRAY_OF_TABLES = """\
[[criteria]]
name = "A"
[[criteria.indicators]]
points = 1
[[criteria.indicators]]
points = 2
[[criteria]]
[criteria.extra]
x = 1
[[criteria.indicators]]
points = 3
"""


@pytest.mark.parametrize(
    ("path", "line", "column"),
    [
        (("criteria",), 1, 1),
        (("criteria", 0), 1, 1),
        (("criteria", 0, "name"), 2, 1),
        (("criteria", 0, "indicators"), 3, 1),
        (("criteria", 0, "indicators", 0, "points"), 4, 1),
        (("criteria", 0, "indicators", 1), 5, 1),
        (("criteria", 0, "indicators", 1, "points"), 6, 1),
        (("criteria", 1), 7, 1),
        (("criteria", 1, "extra"), 8, 1),
        (("criteria", 1, "extra", "x"), 9, 1),
        (("criteria", 1, "indicators", 0), 10, 1),
        (("criteria", 1, "indicators", 0, "points"), 11, 1),
    ],
)
def test_arrays_of_tables_count_per_parent(path: KeyPath, line: int, column: int) -> None:
    located = found(ARRAY_OF_TABLES, path)
    assert located.key is not None
    assert (located.key.line, located.key.column) == (line, column)


def test_array_of_tables_spans_and_absent_elements() -> None:
    locations = TomlLocations(ARRAY_OF_TABLES)
    assert locations.get(("criteria", 1)) == Located(Span(7, 1, 12), Span(7, 1, 12), 94)
    assert locations.get(("criteria", 0, "indicators", 1)) == Located(
        Span(5, 1, 23), Span(5, 1, 23), 59
    )
    assert locations.get(("criteria", 1, "indicators", 1)) is None
    assert locations.get(("criteria", 2)) is None


def test_array_of_tables_inside_tables() -> None:
    text = '[a]\nk = 0\n[[a.b]]\nx = 1\n[[a.b]]\nx = 2\n[[a."c.d"]]\n[a."c.d".e]\nz = 3\n'
    assert found(text, ("a", "b", 1, "x")).key == Span(6, 1, 1)
    assert found(text, ("a", "b", 0)).value == Span(3, 1, 7)
    assert found(text, ("a", "c.d", 0, "e", "z")).key == Span(9, 1, 1)


def test_inline_tables() -> None:
    text = "q = { a = 1, b = { c = 2 }, d.e = 'x' }\n"
    assert found(text, ("q",)) == Located(Span(1, 1, 1), Span(1, 5, 35), 4)
    assert found(text, ("q", "a")) == Located(Span(1, 7, 1), Span(1, 11, 1), 10)
    assert found(text, ("q", "b")).value == Span(1, 18, 9)
    assert found(text, ("q", "b", "c")) == Located(Span(1, 20, 1), Span(1, 24, 1), 23)
    assert found(text, ("q", "d")).key == Span(1, 29, 1)
    assert found(text, ("q", "d", "e")) == Located(Span(1, 31, 1), Span(1, 35, 3), 34)


def test_arrays_on_one_line() -> None:
    text = "v = [1, 2, [3, 4], {x = 1}, []]\n"
    assert found(text, ("v",)).value == Span(1, 5, 27)
    assert found(text, ("v", 0)) == Located(None, Span(1, 6, 1), 5)
    assert found(text, ("v", 1)).value == Span(1, 9, 1)
    assert found(text, ("v", 2)) == Located(None, Span(1, 12, 6), 11)
    assert found(text, ("v", 2, 1)).value == Span(1, 16, 1)
    assert found(text, ("v", 3)).value == Span(1, 20, 7)
    assert found(text, ("v", 3, "x")) == Located(Span(1, 21, 1), Span(1, 25, 1), 24)
    assert found(text, ("v", 4)).value == Span(1, 29, 2)


MULTI_LINE_ARRAY = """\
bands = [  # the bands
  { min = 0, label = "low" },   # first
  { min = 10, label = "high" },

  # a comment line, then a nested array with a trailing comma
  [1, 2,],
  [
    "deep",
  ],
]
xs = [1, 2,
  3]
after = 1
"""


@pytest.mark.parametrize(
    ("path", "key", "value"),
    [
        (("bands",), Span(1, 1, 5), Span(1, 9, 1)),
        (("bands", 0), None, Span(2, 3, 26)),
        (("bands", 0, "min"), Span(2, 5, 3), Span(2, 11, 1)),
        (("bands", 1, "label"), Span(3, 15, 5), Span(3, 23, 6)),
        (("bands", 2), None, Span(6, 3, 7)),
        (("bands", 2, 1), None, Span(6, 7, 1)),
        (("bands", 3), None, Span(7, 3, 1)),
        (("bands", 3, 0), None, Span(8, 5, 6)),
        (("xs",), Span(11, 1, 2), Span(11, 6, 6)),
        (("xs", 2), None, Span(12, 3, 1)),
        (("after",), Span(13, 1, 5), Span(13, 9, 1)),
    ],
)
def test_multi_line_arrays(path: KeyPath, key: Span | None, value: Span) -> None:
    located = found(MULTI_LINE_ARRAY, path)
    assert (located.key, located.value) == (key, value)


@pytest.mark.parametrize(
    ("text", "first_line"),
    [
        ('x = [ "a # b", # c\n]', '[ "a # b",'),
        ("x = [ 'a # b', '''c # d\n''' ]", "[ 'a # b', '''c # d"),
        ('x = [ """c""", # d\n]', '[ """c""",'),
        ("x = [\t\n]", "["),
        ("x = [ [1,\n2] ]  # c", "[ [1,"),
    ],
)
def test_multi_line_array_spans_end_before_the_comment(text: str, first_line: str) -> None:
    assert found(text, ("x",)).value == Span(1, 5, len(first_line))


STRINGS = "\n".join(
    [
        r'a = "say \"hi\" \\ # not a comment"',
        r"b = 'C:\path # not either'",
        'c = """',
        'first "quoted" ""twice"" \\',
        '   continued"""',
        "d = '''",
        "raw ''quotes'' here'''",
        'e = """ends with quotes"""""',
        "f = '''x''''",
        'g = ["""one',
        'two""", \'three\']',
        'h = ""',
        "i = ''",
        "j = 1",
    ]
)


@pytest.mark.parametrize(
    ("path", "literal", "line", "column"),
    [
        (("a",), r'"say \"hi\" \\ # not a comment"', 1, 5),
        (("b",), "'C:\\path # not either'", 2, 5),
        (("c",), '"""', 3, 5),
        (("d",), "'''", 6, 5),
        (("e",), '"""ends with quotes"""""', 8, 5),
        (("f",), "'''x''''", 9, 5),
        (("g", 0), '"""one', 10, 6),
        (("g", 1), "'three'", 11, 9),
        (("h",), '""', 12, 5),
        (("i",), "''", 13, 5),
        (("j",), "1", 14, 5),
    ],
)
def test_strings(path: KeyPath, literal: str, line: int, column: int) -> None:
    located = found(STRINGS, path)
    assert located.value == Span(line, column, len(literal))
    assert STRINGS[located.value_start_offset :].startswith(literal)


def test_multi_line_string_offset_covers_the_whole_value() -> None:
    located = found(STRINGS, ("c",))
    rest = STRINGS[located.value_start_offset :]
    assert rest.startswith('"""\nfirst "quoted" ""twice"" \\\n   continued"""\n')


@pytest.mark.parametrize(
    "literal",
    [
        "1979-05-27 07:32:00Z",
        "1979-05-27T07:32:00.999-07:00",
        "1979-05-27t07:32:00z",
        "1979-05-27 07:32:00",
        "1979-05-27",
        "07:32:00.5",
        "1e3",
        "6.626e-34",
        "-0.0",
        "inf",
        "-inf",
        "+inf",
        "nan",
        "+1_000",
        "0xDEAD_beef",
        "0o755",
        "0b1101",
        "true",
        "false",
    ],
)
def test_scalars(literal: str) -> None:
    for text in (f"v = {literal}\n", f"v = {literal} # comment\n", f"w = [{literal}, 1]"):
        locations = TomlLocations(text)
        tomllib.loads(text)
        located = locations.get(("v",)) or locations.get(("w", 0))
        assert located is not None
        assert text_at(locations, located.value) == literal
    assert found(f"v = {literal}\nnext = 2", ("next",)).value == Span(2, 8, 1)


def test_crlf_line_endings() -> None:
    text = 'a = 1\r\n[t]\r\nb = "x"\r\nc = [  # c\r\n  1,\r\n]\r\nd = """\r\nx"""\r\ne = 2\r\n'
    locations = TomlLocations(text)
    assert locations.get(("t",)) == Located(Span(2, 1, 3), Span(2, 1, 3), 7)
    assert locations.get(("t", "b")) == Located(Span(3, 1, 1), Span(3, 5, 3), 16)
    assert locations.get(("t", "c")) == Located(Span(4, 1, 1), Span(4, 5, 1), 25)
    assert locations.get(("t", "c", 0)) == Located(None, Span(5, 3, 1), 35)
    assert locations.get(("t", "d")) == Located(Span(7, 1, 1), Span(7, 5, 3), 46)
    assert locations.get(("t", "e")) == Located(Span(9, 1, 1), Span(9, 5, 1), 61)
    assert locations.line_text(2) == "[t]"
    assert text[61] == "2"


def test_byte_order_mark_is_not_a_column() -> None:
    text = "\ufeffa = 1\nb = 2"
    assert found(text, ("a",)) == Located(Span(1, 1, 1), Span(1, 5, 1), 5)
    assert found(text, ("b",)) == Located(Span(2, 1, 1), Span(2, 5, 1), 11)
    locations = TomlLocations(text)
    assert locations.line_text(1) == "a = 1"
    assert locations.get(()) == Located(None, Span(1, 1, 1), 1)


def test_tabs_and_wide_characters_count_as_one_column() -> None:
    text = '\tk\t=\t"é😀"\t# c\n"ключ" = "😀😀" # 😀\nx = 1\n'
    assert found(text, ("k",)) == Located(Span(1, 2, 1), Span(1, 6, 4), 5)
    assert found(text, ("ключ",)) == Located(Span(2, 1, 6), Span(2, 10, 4), 23)
    assert found(text, ("x",)).value == Span(3, 5, 1)


def test_offset_inside_a_single_line_string_maps_to_a_column() -> None:
    text = 'x = 1\nvalue = "a / b"\n'
    located = found(text, ("value",))
    offset = 2  # of "/" inside the expression a / b
    column = located.value.column + 1 + offset
    assert TomlLocations(text).line_text(located.value.line)[column - 1] == "/"
    assert text[located.value_start_offset + 1 + offset] == "/"


# nearest(), line_text(), format_key_path().


def test_nearest_points_at_the_table_that_lacks_a_key() -> None:
    locations = TomlLocations(ARRAY_OF_TABLES)
    path: KeyPath = ("criteria", 1, "indicators", 0)
    assert locations.nearest((*path, "weight")) == (path, locations.get(path))
    assert locations.nearest(path) == (path, locations.get(path))
    assert locations.nearest(("criteria", 5, "name")) == (
        ("criteria",),
        locations.get(("criteria",)),
    )
    assert locations.nearest(("missing", 0)) == ((), Located(None, Span(1, 1, 1), 0))
    assert locations.nearest(()) == ((), Located(None, Span(1, 1, 1), 0))


def test_root_of_an_empty_document() -> None:
    locations = TomlLocations("")
    assert locations.get(()) == Located(None, Span(1, 1, 1), 0)
    assert locations.line_text(1) == ""


def test_line_text() -> None:
    locations = TomlLocations("a = 1\r\n\nb = 2")
    assert [locations.line_text(line) for line in range(-1, 6)] == [
        "",
        "",
        "a = 1",
        "",
        "b = 2",
        "",
        "",
    ]
    assert locations.text == "a = 1\r\n\nb = 2"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (("criteria", 2, "indicators", 0, "points"), "criteria[2].indicators[0].points"),
        (("criteria", 0, "x.y"), 'criteria[0]."x.y"'),
        (("1", "2-b_c"), "1.2-b_c"),
        (("a b",), '"a b"'),
        (("",), '""'),
        (('q"\\',), r'"q\"\\"'),
        (("tab\there",), r'"tab\u0009here"'),
        (("é",), '"é"'),
        ((), ""),
        ((0, "a"), "[0].a"),
    ],
)
def test_format_key_path(path: KeyPath, expected: str) -> None:
    assert format_key_path(path) == expected


@given(st.lists(st.text(), min_size=1, max_size=4))
def test_format_key_path_is_a_toml_key(keys: list[str]) -> None:
    value: Any = tomllib.loads(f"{format_key_path(tuple(keys))} = 1")
    for key in keys:
        value = value[key]
    assert value == 1


# Robustness and speed.


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 10_000 + "]" * 10_000,
        "a = " + "[" * 10_000,
        "a = " + "{b = " * 10_000 + "1" + "}" * 10_000,
        "a" + ".a" * 10_000 + " = 1",
        "[" + "a." * 10_000 + "a]",
        "a = [\n" + "[\n" * 10_000 + "]\n" * 10_000 + "]",
    ],
)
def test_deep_nesting_neither_crashes_nor_records_without_bound(text: str) -> None:
    locations = TomlLocations(text)
    assert locations.get(("a", *[0] * 200)) is None
    assert locations.nearest(("a", *[0] * 200)) is not None


def test_nesting_is_recorded_up_to_the_cap() -> None:
    text = "a = " + "[" * 60 + "]" * 60 + "\nb = 1\n"
    locations = TomlLocations(text)
    assert locations.get(("a", *[0] * 59)) == Located(None, Span(1, 64, 2), 63)
    assert locations.get(("b",)) is not None


@pytest.mark.parametrize(
    "text",
    [
        "",
        "[",
        "[[",
        "[a",
        "[[a]",
        "a",
        "a =",
        "a = ",
        'a = "',
        'a = """',
        "a = '''",
        "a = [",
        "a = {",
        "a = [1,,]",
        "a = {b}",
        '"',
        "\\",
        "[a.",
        "a.",
        "=",
        "\ufeff",
        "\r",
        "a = 1\r",
        "a = 1 2",
        "]]]",
        "# only a comment",
        "a = 1979-05-27 ",
    ],
)
def test_invalid_text_is_survived(text: str) -> None:
    locations = TomlLocations(text)
    assert locations.get(()) is not None


def test_scanning_stops_at_what_it_does_not_understand() -> None:
    locations = TomlLocations("a = 1\n= oops\nb = 2\n")
    assert locations.get(("a",)) is not None
    assert locations.get(("b",)) is None


@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    TomlLocations(text)


@given(st.text(alphabet="[]{}\"'=.,#\n\r\t \\ab1-:_e+", max_size=60))
def test_never_raises_on_toml_like_text(text: str) -> None:
    locations = TomlLocations(text)
    for line in range(len(text.splitlines()) + 2):
        locations.line_text(line)


INDICATOR = """\
[[criteria]]
name = "Criterion {i}"  # a comment
weight = 1.5e0
[[criteria.indicators]]
id = "c{i}.a"
when = "score >= 3 and not vetoed"
bands = [
  {{ min = 0, max = 10, label = 'low' }},  # first
  {{ min = 10, max = 20, label = "mid", flags = [1, 2] }},
]
meta.source = {{ file = "x.csv", columns = ["a", "b"] }}
notes = \"\"\"
multi "line" \\
text\"\"\"
"""


def test_a_megabyte_is_located_well_under_a_second() -> None:
    text = "".join(INDICATOR.format(i=i) for i in range(3_200))
    assert len(text) > 1_000_000
    start = time.perf_counter()
    tomllib.loads(text)
    parsing = time.perf_counter() - start
    elapsed = []
    for _ in range(2):
        start = time.perf_counter()
        locations = TomlLocations(text)
        elapsed.append(time.perf_counter() - start)
    # Under a second, or on a slow or busy machine no slower than parsing the text at all.
    assert min(elapsed) < max(1.0, parsing)
    located = locations.get(("criteria", 3_199, "indicators", 0, "bands", 1, "flags", 1))
    assert located is not None
    assert text_at(locations, located.value) == "2"


# The property: every key path tomllib reports is found, at the right text.

BARE = re.compile(r"[A-Za-z0-9_-]+")
CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")
SHORT_ESCAPES = {"\b": r"\b", "\t": r"\t", "\n": r"\n", "\f": r"\f", "\r": r"\r"}


def escape(text: str, *, keep: str = "") -> str:
    out = []
    for char in text:
        if char in keep:
            out.append(char)
        elif char in '"\\':
            out.append("\\" + char)
        elif char in SHORT_ESCAPES:
            out.append(SHORT_ESCAPES[char])
        elif CONTROL.match(char):
            out.append(f"\\u{ord(char):04x}")
        else:
            out.append(char)
    return "".join(out)


class Writer:
    """Serialise nested data to TOML in random styles, noting each path's key and literal."""

    def __init__(self, rnd: random.Random) -> None:
        self.rnd = rnd
        self.lines: list[str] = []
        self.expected: dict[KeyPath, tuple[str | None, str]] = {}

    def key(self, name: str) -> str:
        if BARE.fullmatch(name) and self.rnd.random() < 0.8:
            return name
        if "'" not in name and not CONTROL.search(name) and self.rnd.random() < 0.5:
            return f"'{name}'"
        return f'"{escape(name)}"'

    def string(self, value: str) -> str:
        style = self.rnd.randrange(4)
        if style == 1 and "'" not in value and not CONTROL.search(value):
            return f"'{value}'"
        if style == 2:
            body = escape(value, keep="\n")
            opening = self.rnd.choice(['"""', '"""\n', '"""\\\n  '])
            return f'{opening}{body}"""'
        if style == 3 and "'''" not in value and not CONTROL.search(value.replace("\n", "")):
            return f"'''{value}'''"
        return f'"{escape(value)}"'

    def scalar(self, value: object) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            if value >= 0:
                return self.rnd.choice([str(value), f"+{value}", f"0x{value:x}", f"{value:_}"])
            return self.rnd.choice([str(value), f"{value:_}"])
        if isinstance(value, float):
            return "nan" if math.isnan(value) else repr(value)
        if isinstance(value, str):
            return self.string(value)
        if isinstance(value, dt.datetime):
            return value.isoformat(sep=self.rnd.choice("T "))
        assert isinstance(value, (dt.date, dt.time))
        return value.isoformat()

    def inline(self, value: object, path: KeyPath, key: str | None) -> str:
        if isinstance(value, dict):
            items = [item for name, v in value.items() for item in self.pair([name], path, v)]
            literal = "{ " + ", ".join(items) + " }" if items else "{}"
        elif isinstance(value, list):
            elements = [self.inline(v, (*path, i), None) for i, v in enumerate(value)]
            if elements and self.rnd.random() < 0.4:
                literal = "[  # elements\n" + "".join(f"  {e},  # c\n" for e in elements) + "]"
            else:
                literal = "[" + ", ".join(elements) + "]"
        else:
            literal = self.scalar(value)
        if not value or not isinstance(value, (dict, list)):
            self.expected[path] = (key, literal)
        return literal

    def pair(self, names: list[str], base: KeyPath, value: object) -> list[str]:
        """``name = value`` lines, with dict values spelled out as dotted keys at random."""
        path = (*base, *names)
        if isinstance(value, dict) and value and self.rnd.random() < 0.4:
            return [line for n, v in value.items() for line in self.pair([*names, n], base, v)]
        tokens = [self.key(name) for name in names]
        literal = self.inline(value, path, tokens[-1])
        dot = self.rnd.choice([".", " . "])
        equals = self.rnd.choice([" = ", "=", "\t=\t"])
        return [dot.join(tokens) + equals + literal]

    def table(self, table: dict[str, Any], path: KeyPath, tokens: list[str]) -> None:
        """Key/value lines of ``table``, then its sub-tables under ``[headers]``."""
        later = []
        for name, value in table.items():
            is_table = isinstance(value, dict)
            is_array = bool(value) and isinstance(value, list)
            is_array = is_array and all(isinstance(v, dict) for v in value)
            if (is_table or is_array) and self.rnd.random() < 0.6:
                later.append((name, value))
                continue
            for line in self.pair([name], path, value):
                self.lines.append(line + self.rnd.choice(["", "  # note"]))
        for name, value in later:
            header_tokens = [*tokens, self.key(name)]
            dotted = ".".join(header_tokens)
            if isinstance(value, dict):
                self.section(f"[{dotted}]", value, (*path, name), header_tokens)
            else:
                for i, element in enumerate(value):
                    self.section(f"[[{dotted}]]", element, (*path, name, i), header_tokens)

    def section(self, header: str, table: dict[str, Any], path: KeyPath, tokens: list[str]) -> None:
        self.lines.extend(self.rnd.choice([[], [""], ["# section"]]))
        self.lines.append(header)
        if not table:
            self.expected[path] = (header, header)
        self.table(table, path, tokens)


keys = st.one_of(st.from_regex(r"[A-Za-z0-9_-]{1,6}", fullmatch=True), st.text(max_size=5))
scalars = st.one_of(
    st.booleans(),
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(),
    st.text(max_size=12),
    st.dates(),
    st.datetimes(timezones=st.one_of(st.none(), st.just(dt.timezone.utc))),
    st.times(),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=3),
        st.dictionaries(keys, children, max_size=3),
        st.lists(st.dictionaries(keys, children, max_size=3), min_size=1, max_size=2),
    ),
    max_leaves=12,
)
documents = st.dictionaries(keys, values, max_size=5)


def walk(value: object, path: KeyPath = ()) -> list[tuple[KeyPath, bool]]:
    """Every path in parsed TOML data, and whether it is a leaf."""
    if isinstance(value, dict) and value:
        children = [walk(v, (*path, k)) for k, v in value.items()]
    elif isinstance(value, list) and value:
        children = [walk(v, (*path, i)) for i, v in enumerate(value)]
    else:
        return [(path, True)]
    return [(path, False)] + [item for child in children for item in child]


def first_line(text: str) -> str:
    return text.split("\n", 1)[0].removesuffix("\r")


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    document=documents,
    rnd=st.randoms(use_true_random=False),
    newline=st.sampled_from(["\n", "\r\n"]),
    bom=st.booleans(),
)
def test_every_key_path_is_found(
    document: dict[str, Any], rnd: random.Random, newline: str, bom: bool
) -> None:
    writer = Writer(rnd)
    writer.table(document, (), [])
    body = "\n".join(writer.lines).replace("\n", newline)
    data = tomllib.loads(body)
    text = ("\ufeff" if bom else "") + body
    locations = TomlLocations(text)
    for path, is_leaf in walk(data):
        assert locations.nearest(path) == (path, locations.get(path)), path
        located = locations.get(path)
        assert located is not None
        if not is_leaf or path == ():
            continue
        key, literal = writer.expected[path]
        literal = literal.replace("\n", newline)
        if key is None:
            assert located.key is None
        else:
            assert located.key is not None
            assert text_at(locations, located.key) == first_line(key)
        assert text_at(locations, located.value) == first_line(literal)
        assert text[located.value_start_offset :].startswith(literal)
