"""Failures the fuzz campaign found, each kept as an explicit case.

A case that still fails is a strict ``xfail`` naming the part that has to change; it turns into
a failure (``xfail_strict``) once the fix lands, and is then made an ordinary test.
"""

from __future__ import annotations

import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner

import criteriakit
from criteriakit import CriteriaKitError, data
from criteriakit.cli import build_cli
from criteriakit.columnar.expressions import compile_columnar
from criteriakit.data import UnitRow
from criteriakit.expressions import INTEGER, Undefined, compile_expression
from criteriakit.scalar.batch import evaluate_rows
from test_engines_agree import NOTE, evaluate

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

SMALL = Path(__file__).parents[1] / "data" / "good" / "small.toml"
GOOD = SMALL.read_text()


@pytest.mark.parametrize("code", [0xD800, 0xDFFF, 0xDC80])
def test_a_lone_surrogate_in_a_framework_is_a_framework_error_at_its_line_and_column(code):
    # found by the framework files target: fingerprint() let a UnicodeEncodeError escape
    surrogate = chr(code)
    assert 'title = "Small"' in GOOD.splitlines()[2]
    text = GOOD.replace('title = "Small"', f'title = "{surrogate}Small"')
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.loads_framework(text, source="surrogate.toml")
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.column) == ("surrogate.toml", 3, 10)
    assert "lone surrogate" in problem.message
    assert problem.source_line == 'title = "\ufffdSmall"'
    str(caught.value).encode("utf-8")  # the report itself can be printed


def test_a_lone_surrogate_anywhere_is_refused_before_parsing():
    # in a comment, where TOML would accept it, and in a key: the first one is reported
    text = "# \udcff comment\n" + GOOD.replace("[[criteria]]", "[[crit\ud800eria]]", 1)
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.loads_framework(text, source="s.toml")
    [problem] = caught.value.problems
    assert (problem.line, problem.column, problem.source_line) == (1, 3, "# \ufffd comment")


def test_a_lone_surrogate_in_plain_data_is_a_framework_error_at_its_key_path():
    data = tomllib.loads(GOOD)
    data["criteria"][0]["title"] = "x\ud800"
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.framework_from_dict(data, source="plain")
    assert [problem.path for problem in caught.value.problems] == ["criteria[0].title"]
    data["criteria"][0]["title"] = "x"
    data["criteria"][0]["\udc80"] = 1
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.framework_from_dict(data, source="plain")
    assert [problem.path for problem in caught.value.problems] == ['criteria[0]."\ufffd"']
    str(caught.value).encode("utf-8")


def test_plain_data_holding_itself_is_a_framework_error_not_a_hang():
    # found by test_every_mistake's broken values: a table set inside itself was walked for ever
    data = tomllib.loads(GOOD)
    loop: dict[str, object] = {}
    loop["points"] = loop
    data["criteria"][0] = loop
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.framework_from_dict(data, source="plain")
    [problem] = caught.value.problems
    assert (
        problem.message == "tables or arrays are nested more than 100 deep (does one hold itself?)"
    )
    assert problem.path == "criteria[0]" + ".points" * 10 + "…"  # the first 12 parts
    assert "key_path_depth" in problem.hint
    with criteriakit.limits.override(key_path_depth=3):
        data["criteria"][0] = {"a": {"b": {"c": 1}}}
        with pytest.raises(criteriakit.FrameworkError, match="nested more than 3 deep"):
            criteriakit.framework_from_dict(data)


def test_plain_data_sharing_a_part_many_times_over_is_refused_by_its_size():
    # forty levels of [x, x]: a few objects, but 2**40 values for building to read
    data = tomllib.loads(GOOD)
    shared: list[object] = [1]
    for _ in range(40):
        shared = [shared, shared]
    data["criteria"][0]["indicators"] = shared
    with (
        criteriakit.limits.override(file_bytes=10_000),
        pytest.raises(criteriakit.FrameworkError) as caught,
    ):
        criteriakit.framework_from_dict(data)
    [problem] = caught.value.problems
    assert problem.message.startswith("the data holds more than 10,000 values")
    assert "file_bytes" in problem.hint


def _both_engines(
    tmp_path, content: bytes, output: str, name: str = "data.jsonl"
) -> dict[str, tuple[int, bytes, str]]:
    """Evaluate the data file ``name`` holding ``content`` with each engine, through the CLI."""
    data = tmp_path / name
    data.write_bytes(content)
    found = {}
    for engine in ("scalar", "columnar"):
        arguments = ["--no-autoload", "evaluate", str(SMALL), str(data), "--format", output]
        result = CliRunner().invoke(
            build_cli(), [*arguments, "--engine", engine], catch_exceptions=False
        )
        found[engine] = (result.exit_code, result.stdout_bytes, result.stderr.replace(NOTE, ""))
    return found


@pytest.mark.parametrize("output", ["table", "csv", "jsonl"])
@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b"1\xed\xa0\x802,parent,n0,n1,k,f,lv,xs\n", 1),  # the campaign's: a header of bad UTF-8
        (b"\xef\xbb\xbfid,a\nu1,\xff\n", 2),
    ],
)
def test_a_csv_file_of_invalid_utf8_gets_the_same_message_from_both_engines(
    tmp_path, content, line, output
):
    # found by the data target: the scalar engine's whole-data path (--format table) said
    # "1 data problem in FILE:", the streamed and columnar paths "1 data problem:"
    found = _both_engines(tmp_path, content, output, "data.csv")
    data = tmp_path / "data.csv"
    message = (
        f"1 data problem in {data}:\n{data}:{line}: the file is not valid UTF-8\n"
        "  hint: save it as UTF-8\n"
    )
    assert found["scalar"] == found["columnar"] == (1, b"", message)


def _written_out(text: str) -> int:
    """The characters of an integer expression's columnar value and undefined, serialised."""
    column = compile_columnar(compile_expression(text, {"i": INTEGER}))
    return sum(len(e.meta.serialize(format="json")) for e in (column.value, column.undefined))


@pytest.mark.parametrize(
    "nest",
    [
        lambda depth: "abs(" * depth + "i" + ")" * depth,
        lambda depth: "-(" * depth + "i" + ")" * depth,
        lambda depth: " + ".join(["i"] * depth),
        lambda depth: "-(abs(" * (depth // 2) + "i * i" + "))" * (depth // 2),
    ],
)
def test_nested_integer_arithmetic_stays_small_as_columns(nest):
    # found by the expressions target: each overflow check read its operands again, so
    # abs( nested 17 deep took minutes and gigabytes and i + ... + i (7 terms) 17 s,
    # while the size estimate grew linearly and never sent them to the scalar engine
    small, large = _written_out(nest(8)), _written_out(nest(16))
    assert large <= 4 * small, (small, large)  # quadratic at most; it grew ~5x per level


def test_nested_integer_arithmetic_gives_the_same_output_from_both_engines(tmp_path):
    deep = "abs(-(abs(-(abs(-(abs(-(abs(-(abs(-(i)))))))))))) + i + i + i + i + i + i * i"
    framework = tmp_path / "nested.toml"
    framework.write_text(
        GOOD.replace('type = "integer"\nmin = 0', 'type = "integer"', 1).replace(
            'value = "done / planned"',
            f'value = "({deep.replace("i", "done")}) / planned"\n'
            'policy = { division_by_zero = "not-evaluable" }',
        )
    )
    edges = [0, 1, -1, 3037000499, 3037000500, 2**62, -(2**62), 2**63 - 1, -(2**63)]
    rows = [f"u{n},{done},1,true" for n, done in enumerate(edges)]
    data = tmp_path / "data.csv"
    data.write_text("id,done,planned,ok\n" + "\n".join(rows) + "\n")
    found = evaluate(framework, data, "--format", "jsonl")
    assert found["scalar"] == found["columnar"]
    expression = compile_expression(deep, {"i": INTEGER})
    overflowing = [
        done for done in edges if isinstance(expression.evaluate({"i": done}), Undefined)
    ]
    assert 3 <= len(overflowing) < len(edges) - 2
    assert found["scalar"][1].count(b'"reasons":["not-evaluable"]') == len(overflowing)


ROW = '"done": 1, "planned": 1, "ok": true'


@pytest.mark.parametrize("output", ["table", "csv", "jsonl"])
def test_half_a_surrogate_pair_in_json_data_is_a_data_error_at_its_escape(tmp_path, output):
    # found by the data target: "\ud800" decoded to a lone surrogate, which reached the
    # columnar input checks and the writers as a UnicodeEncodeError
    content = (
        f'{{"id": "u0", {ROW}}}\n{{"id": "\\ud800", {ROW}}}\n{{"id": "\\ud83d\\ude00", {ROW}}}\n'
    )
    found = _both_engines(tmp_path, content.encode(), output)
    data = tmp_path / "data.jsonl"
    message = (
        f"1 data problem in {data}:\n{data}:2:9: row 2: a string holds half a surrogate pair "
        "(\\ud800), which is not a character\n"
        "  hint: write the character itself, or both halves of the pair (\\ud83d\\ude00)\n"
    )
    assert found["scalar"] == found["columnar"] == (1, b"", message)


@pytest.mark.parametrize("digits", [20, 400, 5000])
def test_a_json_id_beyond_64_bits_is_refused_alike_by_both_engines(tmp_path, digits):
    # found by the data target: the columnar engine failed to cast it to Int64, the scalar
    # table could not print a 5,000-digit number
    content = f'{{"id": 12, {ROW}}}\n{{"id": -{"9" * digits}, {ROW}}}\n'.encode()
    found = _both_engines(tmp_path, content, "table")
    assert found["scalar"] == found["columnar"]
    exit_code, stdout, stderr = found["scalar"]
    assert (exit_code, stdout) == (1, b"")
    assert "row 2: id: the unit id is a whole number beyond 64 bits" in stderr
    assert len(stderr) < 400
    assert "write a longer number as text" in stderr


def test_the_largest_64_bit_ids_are_ids(tmp_path):
    content = f'{{"id": {2**63 - 1}, {ROW}}}\n{{"id": {-(2**63)}, {ROW}}}\n'.encode()
    found = _both_engines(tmp_path, content, "csv")
    assert found["scalar"] == found["columnar"]
    assert found["scalar"][0] == 0
    assert [line.split(",")[0] for line in found["scalar"][1].decode().splitlines()[1:]] == [
        str(2**63 - 1),
        str(-(2**63)),
    ]
    assert data.unit_id(2**63) is None
    assert data.unit_id(Decimal(2**63)) is None


def test_a_pandas_column_of_a_python_int_beyond_64_bits_is_a_data_error():
    pandas = pytest.importorskip("pandas")
    framework = criteriakit.loads_framework(GOOD)
    frame = pandas.DataFrame(
        {"id": ["a", "b"], "done": [10**30, 1], "planned": [1, 1], "ok": [True, True]}
    )
    with pytest.raises(
        criteriakit.DataError, match="the column 'done' holds a whole number beyond 64 bits"
    ):
        criteriakit.evaluate_frame(framework, frame)


@pytest.mark.parametrize("digits", [4301, 6002])
def test_an_integer_of_thousands_of_digits_in_a_framework_is_a_framework_error(digits):
    # found by the framework files target: tomllib's int() refused it with a bare ValueError
    number = "2" * digits
    text = GOOD.replace('title = "Small"', f'title = "Small"\nvalid_from = {number}-01-01')
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.loads_framework(text, source="long.toml")
    [problem] = caught.value.problems
    assert (problem.file, problem.line, problem.column) == ("long.toml", 4, 14)
    assert problem.message == f"invalid TOML: an integer of {digits:,} digits"
    assert len(str(caught.value)) < 600


@pytest.mark.parametrize(
    "text",
    [
        "clamp(a, a, clamp(a, clamp(a, avg(ns), a), a))",
        "min(max(a, min(b, max(a, b, avg(xs))), a), max(b, min(a, b)))",
        "clamp(clamp(clamp(clamp(a, b, a), a, b), a, b), a, b)",
    ],
)
def test_nested_clamps_stay_small_and_agree(text):
    # found by the expressions target: each clamp wrote its operands out ~17 times, so three
    # nested clamps made a plan of ten million characters, 4.7 GB and 21 s in Polars
    from test_columnar_expressions import FUNCTIONS, SCOPE, check  # noqa: PLC0415 - its oracle

    compiled = compile_columnar(compile_expression(text, SCOPE, functions=FUNCTIONS))
    assert compiled.size < 2_000
    assert len(str(compiled.value)) < 20_000
    check(
        text,
        [
            {"a": 0.5, "b": -0.0, "ns": [1, 2], "xs": [0.25, float("nan")]},
            {"a": None, "b": 3.0, "ns": [], "xs": []},
            {"a": -0.0, "b": 0.0, "ns": None, "xs": [1e300, -1e300]},
            {"a": float("nan"), "b": 2.0, "ns": [7], "xs": [2.0]},
        ],
    )


@pytest.mark.parametrize(
    ("divisor", "scores"),
    [(29643560937225.0, [0.0, 0.1]), (-49.0, [0.0, -1e300]), (3337.0, [0.0, 0.1])],
)
def test_an_item_divided_by_its_owners_input_is_an_ieee_division(divisor, scores):
    # found by the expressions target: Polars's streaming engine holds an owner's input, carried
    # beside each of its exploded items, as one value and divided by its reciprocal (one ulp off)
    from test_columnar_expressions import check  # noqa: PLC0415 - its oracle

    items = [{"score": score, "ok": None, "quarter": None} for score in scores]
    check("max(ms, score / b)", [{"b": divisor, "ms": items}, {"b": 3.0, "ms": items[1:]}])


def test_a_records_input_holding_nan_is_the_same_value_in_both_engines():
    # found by the expressions target: the oracle compared [{"score": nan}] with ==, never equal
    from test_columnar_expressions import check  # noqa: PLC0415 - its oracle

    check("ms", [{"ms": [{"score": float("nan"), "ok": None, "quarter": None}]}])
    check("xs", [{"xs": [float("nan"), -0.0]}])


def test_drawing_units_of_a_framework_with_a_huge_integer_constant():
    # found by the framework-files target: the boundary solver turned a 400-digit constant into
    # a float (OverflowError) while drawing units, instead of leaving that boundary out
    from criteriakit.testing.strategies import boundary_values  # noqa: PLC0415

    text = (Path(__file__).parents[1] / "data" / "good" / "small.toml").read_text()
    text = text.replace('value = "done / planned"', f'value = "done / planned - {"9" * 400}"')
    framework = criteriakit.loads_framework(text, source="huge.toml")
    assert isinstance(boundary_values(framework), dict)


@pytest.mark.parametrize(
    ("scorer", "points"),
    [
        ('{ type = "linear", zero_at = 0, full_at = 1 }', 60.0),
        ('{ type = "target", target = 4 }', 60.0),
        ('{ type = "thresholds", bands = [{ min = 0.5, award = 60 }] }', 60.0),
        ('{ type = "relative", normalisation = "percentile" }', 60.0),
    ],
)
def test_an_indicator_worth_an_integer_beyond_every_float_scores(scorer, points):
    # found by the framework-files target: a value that is a 400-digit integer literal reached
    # the linear scorer as it was, and (value - zero_at) raised OverflowError; scorers now
    # saturate such an integer to an infinity, as the expression language's arithmetic does
    text = (Path(__file__).parents[1] / "data" / "good" / "small.toml").read_text()
    text = text.replace('value = "done / planned"', f'value = "if(done > 1, {"9" * 400}, 0)"')
    text = re.sub(r'scorer = \{ type = "linear"[^}]*\}', f"scorer = {scorer}", text, count=1)
    framework = criteriakit.loads_framework(text, source="huge.toml")
    units = [UnitRow("u1", {"done": 2, "planned": 2, "ok": True}, 1)]
    units.append(UnitRow("u2", {"done": 1, "planned": 2, "ok": True}, 2))
    results = evaluate_rows(framework, units)
    assert results[0].indicator("a.1").points == points
    assert results[1].explain()  # "what it would take" names no value beyond every float


WEIGHED = Path(__file__).parents[1] / "data" / "good" / "weighed.toml"


@pytest.mark.parametrize(
    ("edit", "path", "message"),
    [
        # the file cut just after [weights]: no criteria to weigh (ZeroDivisionError)
        (
            lambda text: text[: text.index("[weights]") + len("[weights]")],
            "criteria",
            "missing required key 'criteria'",
        ),
        # an indicator given twice under [criteria.weights] (IndexError)
        (
            lambda text: text.replace(
                '[[criteria.indicators]]\nid = "care.safe"',
                '[[criteria.indicators]]\nid = "care.effort"\ntitle = "Again"\nvalue = "effort"\n'
                'scorer = { type = "boolean" }\n\n[[criteria.indicators]]\nid = "care.safe"',
            ),
            "criteria[1].indicators[1].id",
            "duplicate indicator id 'care.effort'",
        ),
    ],
)
def test_weights_of_entries_with_problems_of_their_own_are_not_derived(edit, path, message):
    # found by the framework-files target: deriving weights for no entries, or for entries with
    # an id twice, raised instead of leaving the problem to the entries' own check
    with pytest.raises(CriteriaKitError) as caught:
        criteriakit.loads_framework(edit(WEIGHED.read_text()), source="weighed.toml")
    assert any(
        problem.path == path and message in problem.message for problem in caught.value.problems
    ), caught.value
