"""The pure-Python table writers produce the bytes Polars' write_csv / write_ndjson produce."""

from __future__ import annotations

import math
import random
import struct

import pytest
from hypothesis import given
from hypothesis import strategies as st

from criteriakit.render.rows import format_float, write_csv_text, write_jsonl_text

pl = pytest.importorskip("polars")

DTYPES = {
    "string": pl.String,
    "integer": pl.Int64,
    "float": pl.Float64,
    "bool": pl.Boolean,
    "strings": pl.List(pl.String),
}


def polars_frame(columns, rows):
    rows = list(rows)
    if not columns:
        return pl.DataFrame(height=len(rows))
    # a dict, not a list of Series: Polars renames a Series named "" to "column_<n>"
    return pl.DataFrame(
        {
            name: pl.Series([row[index] for row in rows], dtype=DTYPES[kind])
            for index, (name, kind) in enumerate(columns)
        }
    )


# ---- strategies ---------------------------------------------------------------------------

NASTY = [",", '"', "\n", "\r", "\r\n", " ", "#", "\x00", "\x01", "\x08", "\x0c", "\t", "\x1f"]
NASTY += ["\x7f", "\x85", "\u2028", "\ufeff", "é", "😀", "\\", "/", "'", ";", ":", "a", "1"]

nasty_text = st.one_of(
    st.text(),
    st.lists(st.sampled_from(NASTY), max_size=8).map("".join),
    st.sampled_from(["", " ", "null", "NaN", "true", "1e5", "-0.0", '""', "#comment"]),
)

# every decimal exponent, with few and many digits: reaches each notation switch of Polars
decimal_floats = st.builds(
    lambda sign, digits, exponent: float(f"{sign}{digits}e{exponent}"),
    st.sampled_from(["", "-"]),
    st.one_of(st.sampled_from(["1", "5", "25", "123"]), st.integers(1, 10**17).map(str)),
    st.integers(-340, 310),
)
nasty_floats = st.one_of(
    st.floats(),
    st.floats(allow_nan=False, allow_infinity=False, allow_subnormal=True),
    st.floats(min_value=-1e-300, max_value=1e-300),
    decimal_floats,
    st.sampled_from([0.0, -0.0, 1e-5, 1e-6, 1e15, 1e16, 5e-324, 1.7976931348623157e308]),
    st.integers(0, 2**64 - 1).map(lambda bits: struct.unpack("<d", struct.pack("<Q", bits))[0]),
)

VALUES = {
    "string": nasty_text,
    "integer": st.integers(-(2**63), 2**63 - 1),
    "float": nasty_floats,
    "bool": st.booleans(),
    "strings": st.one_of(
        st.lists(st.one_of(st.none(), nasty_text), max_size=4),
        st.tuples(nasty_text, nasty_text),
    ),
}


@st.composite
def tables(draw, kinds=tuple(DTYPES)):
    names = draw(st.lists(nasty_text, max_size=6, unique=True))
    columns = [(name, draw(st.sampled_from(kinds))) for name in names]
    cells = [st.one_of(st.none(), VALUES[kind]) for _, kind in columns]
    rows = draw(st.lists(st.tuples(*cells), max_size=8)) if columns else []
    return columns, rows


CSV_KINDS = ("string", "integer", "float", "bool")


# ---- properties ---------------------------------------------------------------------------


@given(tables(kinds=CSV_KINDS))
def test_csv_equals_polars(table):
    columns, rows = table
    assert write_csv_text(columns, rows) == polars_frame(columns, rows).write_csv()


@given(tables())
def test_jsonl_equals_polars(table):
    columns, rows = table
    assert write_jsonl_text(columns, rows) == polars_frame(columns, rows).write_ndjson()


@given(st.lists(nasty_floats, min_size=1, max_size=50))
def test_format_float_is_polars_csv_float(values):
    frame = pl.DataFrame({"f": values}, schema={"f": pl.Float64})
    assert [format_float(value) for value in values] == frame.write_csv().split("\n")[1:-1]


@given(st.lists(nasty_floats, min_size=1, max_size=50))
def test_floats_read_back_exactly(values):
    for value in values:
        text = format_float(value)
        if not math.isnan(value):
            assert float(text) == value
            assert str(float(text)).startswith("-") == str(value).startswith("-")


def test_many_random_float_bit_patterns():
    generator = random.Random(20240611)  # noqa: S311 -- test data, not secrets
    values = [
        struct.unpack("<d", struct.pack("<Q", generator.getrandbits(64)))[0] for _ in range(20_000)
    ]
    frame = pl.DataFrame({"f": values}, schema={"f": pl.Float64})
    assert [format_float(value) for value in values] == frame.write_csv().split("\n")[1:-1]
    assert write_jsonl_text([("f", "float")], [(v,) for v in values]) == frame.write_ndjson()


# ---- what Polars does, case by case -------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.0, "0.0"),
        (-0.0, "-0.0"),
        (100.0, "100.0"),
        (0.1, "0.1"),
        (0.30000000000000004, "0.30000000000000004"),
        (1e-4, "0.0001"),
        (1e-5, "0.00001"),  # repr gives 1e-05: Polars stays fixed one decade lower
        (-1.234e-5, "-0.00001234"),
        (1e-6, "1e-6"),  # exponents without padding or a plus sign when negative
        (1e-9, "1e-9"),
        (2.5e-8, "2.5e-8"),
        (1e15, "1000000000000000.0"),
        (1e16, "1e+16"),  # a plus sign when positive
        (1.5e20, "1.5e+20"),
        (1.7976931348623157e308, "1.7976931348623157e+308"),
        (5e-324, "5e-324"),  # subnormal
        (float("nan"), "NaN"),
        (float("inf"), "inf"),
        (float("-inf"), "-inf"),
        (3, "3.0"),  # an int in a float column is written as the float Polars would store
    ],
)
def test_format_float_examples(value, text):
    assert format_float(value) == text
    frame = pl.DataFrame({"f": [value]}, schema={"f": pl.Float64})
    assert frame.write_csv() == f"f\n{text}\n"


def test_non_finite_floats_are_null_in_jsonl():
    columns = [("f", "float")]
    rows = [(float("nan"),), (float("inf"),), (float("-inf"),), (None,), (-0.0,), (1e-9,)]
    expected = '{"f":null}\n{"f":null}\n{"f":null}\n{"f":null}\n{"f":-0.0}\n{"f":1e-9}\n'
    assert write_jsonl_text(columns, rows) == expected
    assert polars_frame(columns, rows).write_ndjson() == expected


def test_csv_quotes_only_empty_strings_and_separator_quote_or_line_breaks():
    columns = [("s", "string")]
    rows = [
        ("",),  # an empty string is "" ...
        (None,),  # ... and null is an empty field (here an empty line)
        ("a,b",),
        ('say "hi"',),
        ("two\nlines",),
        ("carriage\rreturn",),
        (" padded ",),  # not quoted: spaces, #, tabs, NUL and non-ASCII are written as is
        ("#not a comment",),
        ("tab\there",),
        ("nul\x00",),
        ("née 😀",),
    ]
    expected = (
        "s\n"
        '""\n'
        "\n"
        '"a,b"\n'
        '"say ""hi"""\n'
        '"two\nlines"\n'
        '"carriage\rreturn"\n'
        " padded \n"
        "#not a comment\n"
        "tab\there\n"
        "nul\x00\n"
        "née 😀\n"
    )
    assert write_csv_text(columns, rows) == expected
    assert polars_frame(columns, rows).write_csv() == expected


def test_csv_header_is_quoted_like_a_field():
    columns = [
        ("criterion:1.1", "integer"),
        ("a,b", "integer"),
        ('q"', "integer"),
        ("", "integer"),
        ("é", "integer"),
    ]
    rows = [(1, 2, 3, 4, 5)]
    expected = 'criterion:1.1,"a,b","q""","",é\n1,2,3,4,5\n'
    assert write_csv_text(columns, rows) == expected
    assert polars_frame(columns, rows).write_csv() == expected


def test_csv_booleans_integers_and_nulls():
    columns = [("b", "bool"), ("i", "integer"), ("f", "float")]
    rows = [(True, 2**63 - 1, 1.0), (False, -(2**63), None), (None, None, None)]
    expected = "b,i,f\ntrue,9223372036854775807,1.0\nfalse,-9223372036854775808,\n,,\n"
    assert write_csv_text(columns, rows) == expected
    assert polars_frame(columns, rows).write_csv() == expected


def test_jsonl_escapes_only_quote_backslash_and_control_characters():
    text = "".join(chr(code) for code in range(0x20)) + '"\\/\x7f\x85\u2028é😀'
    columns = [("s", "string"), ('k"\n', "bool")]
    rows = [(text, True)]
    expected = (
        '{"s":"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r'
        "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019"
        '\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\\"\\\\/\x7f\x85\u2028é😀",'
        '"k\\"\\n":true}\n'
    )
    assert write_jsonl_text(columns, rows) == expected
    assert polars_frame(columns, rows).write_ndjson() == expected


def test_jsonl_lists_nulls_and_key_order():
    columns = [("z", "strings"), ("a", "integer"), ("m", "string")]
    rows = [(["x", "y"], 1, ""), ([], None, None), (None, -3, "t"), (("p", None), 0, "u")]
    expected = (
        '{"z":["x","y"],"a":1,"m":""}\n'
        '{"z":[],"a":null,"m":null}\n'
        '{"z":null,"a":-3,"m":"t"}\n'
        '{"z":["p",null],"a":0,"m":"u"}\n'
    )
    assert write_jsonl_text(columns, rows) == expected
    assert polars_frame(columns, rows).write_ndjson() == expected


def test_tables_without_rows_or_columns():
    columns = [("a", "integer"), ("b", "string")]
    assert write_csv_text(columns, []) == "a,b\n" == polars_frame(columns, []).write_csv()
    assert write_jsonl_text(columns, []) == "" == polars_frame(columns, []).write_ndjson()
    assert write_csv_text([], []) == "\n" == pl.DataFrame().write_csv()
    assert write_jsonl_text([], [(), ()]) == "{}\n{}\n" == pl.DataFrame(height=2).write_ndjson()


def test_csv_refuses_what_polars_cannot_write():
    with pytest.raises(ValueError, match="join its lists"):
        write_csv_text([("reasons", "strings")], [(["a"],)])
    with pytest.raises(ValueError, match="no columns"):
        write_csv_text([], [()])
    with pytest.raises(ValueError, match="has no JSON Lines form"):
        write_jsonl_text([("x", "decimal")], [])  # type: ignore[list-item]


def test_rows_of_the_wrong_length_are_refused():
    with pytest.raises(ValueError, match=r"shorter|longer"):
        write_csv_text([("a", "integer"), ("b", "integer")], [(1,)])
    with pytest.raises(ValueError, match=r"shorter|longer"):
        write_jsonl_text([("a", "integer")], [(1, 2)])


def test_rows_may_be_any_iterable_of_sequences():
    columns = [("a", "integer"), ("b", "string")]
    rows = ([index, str(index)] for index in range(3))
    assert write_csv_text(columns, rows) == "a,b\n0,0\n1,1\n2,2\n"
