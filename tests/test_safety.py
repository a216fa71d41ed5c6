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
        ("x = " + "[" * 100_000, "arrays or inline tables are nested more than 100 deep"),
        ("x = " + "{a=" * 5_000, "arrays or inline tables are nested more than 100 deep"),
        ("a" + ".a" * 100_000 + " = 1", "a dotted key or table header has more than 32 parts"),
        ("[" + '"q".' * 40 + "b]", "a dotted key or table header has more than 32 parts"),
    ],
)
def test_pathological_toml_is_refused_quickly(text, message):
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.loads_framework(text)
    assert caught.value.problems[0].message == message


def _load_at_stack_depth(text: str, depth: int) -> str:
    """Load ``text`` ``depth`` calls deeper; return how it ended (the first problem)."""
    if depth:
        return _load_at_stack_depth(text, depth - 1)
    try:
        criteriakit.loads_framework(text, source="deep.toml")
    except criteriakit.FrameworkError as error:
        return error.problems[0].message
    return "loaded"


@pytest.mark.parametrize("nesting", [100, 101, 300])
def test_nesting_is_judged_the_same_from_any_stack_depth(nesting):
    # tomllib recurses per level: left to it, 300 levels parse near the bottom of the stack and
    # fail deeper in it. Counted before parsing, the answer does not depend on the caller.
    text = GOOD + "\n[extra]\nv = " + "[" * nesting + "]" * nesting + "\n"
    outcomes = {_load_at_stack_depth(text, depth) for depth in (0, 300, 600)}
    assert len(outcomes) == 1, outcomes
    refused = "arrays or inline tables are nested more than 100 deep"
    assert (refused in outcomes) == (nesting > 100)


def test_brackets_in_strings_and_comments_are_not_nesting():
    text = GOOD.replace('title = "Small"', 'title = "' + "[" * 500 + '" # ' + "{" * 500)
    text += "\n# " + "[" * 500 + "\n"
    text = text.replace("[[criteria]]", "[[criteria]]\ndescription = '''" + "[" * 500 + "'''", 1)
    assert criteriakit.loads_framework(text).ref == "test.small@1"
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.loads_framework("x = [\n" * 101)
    problem = caught.value.problems[0]
    assert (problem.line, problem.column) == (101, 5)


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
