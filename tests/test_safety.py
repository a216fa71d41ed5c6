"""Hostile framework files and data: clear errors, bounded time and memory, no code run."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import criteriakit

GOOD = (Path(__file__).parent / "data" / "good" / "small.toml").read_text()
CELL = (
    Path(__file__).parent.parent
    / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks/vn.four-good-cell.toml"
).read_text()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("x = " + "[" * 100_000, "arrays or inline tables are nested too deeply to parse"),
        ("x = " + "{a=" * 5_000, "arrays or inline tables are nested too deeply to parse"),
        ("a" + ".a" * 100_000 + " = 1", "a dotted key or table header has more than 32 parts"),
        ("[" + '"q".' * 40 + "b]", "a dotted key or table header has more than 32 parts"),
    ],
)
def test_pathological_toml_is_refused_quickly(text, message):
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.loads_framework(text)
    assert caught.value.problems[0].message == message


def test_dots_inside_a_string_value_are_not_a_key():
    text = GOOD.replace('title = "Small"', 'title = "' + "a." * 100 + '"')
    assert criteriakit.loads_framework(text).ref == "test.small@1"


def test_expressions_cannot_reach_python():
    for expression in (
        "__import__('os')",
        "done.__class__",
        "[x for x in done]",
        "lambda: 1",
        "done[0]",
    ):
        text = GOOD.replace('value = "done / planned"', f'value = "{expression}"')
        with pytest.raises(criteriakit.FrameworkError) as caught:
            criteriakit.loads_framework(text)
        assert caught.value.problems[0].path == "criteria[0].indicators[0].value"


def test_an_expression_over_the_length_cap_is_refused():
    long_sum = " + ".join(["done"] * 2_000)
    text = GOOD.replace('require = "done >= planned"', f'require = "{long_sum} >= planned"')
    with pytest.raises(criteriakit.FrameworkError, match="characters"):
        criteriakit.loads_framework(text)


def test_list_inputs_are_capped():
    text = GOOD.replace(
        '[inputs.ok]\ntype = "bool"',
        '[inputs.ok]\ntype = "bool"\n\n[inputs.xs]\ntype = "list"\nitems = "number"\nmax_length = 3',
    )
    framework = criteriakit.loads_framework(text)
    with pytest.raises(
        criteriakit.DataError, match="the list has 4 items, more than the maximum 3"
    ):
        framework.evaluate({"done": 1, "planned": 1, "ok": True, "xs": [1, 2, 3, 4]})


@given(st.text(max_size=400))
def test_arbitrary_text_gives_a_framework_error_or_a_framework(text):
    try:
        criteriakit.loads_framework(text)
    except criteriakit.FrameworkError as error:
        assert error.problems


@given(st.data())
def test_mutated_frameworks_give_a_framework_error_or_a_framework(data):
    source = data.draw(st.sampled_from([GOOD, CELL]))
    start = data.draw(st.integers(0, len(source)))
    end = data.draw(st.integers(start, min(len(source), start + 40)))
    insert = data.draw(
        st.text(alphabet=st.sampled_from(list("[]{}=\"'.,#\n abc12_-")), max_size=20)
    )
    mutated = source[:start] + insert + source[end:]
    try:
        framework = criteriakit.loads_framework(mutated, source="mutated.toml")
    except criteriakit.FrameworkError as error:
        for problem in error.problems:
            assert problem.file == "mutated.toml"
            assert problem.message
    else:
        assert framework.tiers
