"""Every mistake of a framework file is reported at once, and nothing that only follows from one.

A value that does not structure (a mistyped number, an unknown choice, an unknown key) no longer
hides the meaning checks (expressions, references, totals) of the rest of the file; the checks
that rest on the broken value are left out, so each mistake gives the messages it gives alone.
"""

from __future__ import annotations

import copy
import sys

import attrs
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import criteriakit
from criteriakit import Extensions
from criteriakit._problems import format_key_path
from criteriakit.cli import build_cli
from criteriakit.plugins.registrations import builtin_extensions

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

# The example of docs/format.md.
EXAMPLE = """\
id = "acme.team-review"
version = "2025"
title = { en = "Team review", fr = "Revue d'équipe" }
subject = "team"
valid_from = 2025-01-01
scale = "points"
max_score = 100

[policy]
missing_input = "fail"
division_by_zero = "zero"

[inputs.goals_set]
type = "integer"
min = 0

[inputs.goals_met]
type = "integer"
min = 0

[inputs.satisfaction]
type = "level"
levels = ["high", "medium", "low"]     # best first

[inputs.incidents]
type = "integer"
min = 0
default = 0

[[criteria]]
id = "delivery"
title = "Delivery"
points = 60

[[criteria.indicators]]
id = "delivery.goals"
title = "Goals met"
value = "goals_met / goals_set"
points = 40
scorer = { type = "linear", zero_at = 0.5, full_at = 1 }

[[criteria.indicators]]
id = "delivery.incidents"
title = "Incidents"
value = "incidents"
points = 20
scorer = { type = "thresholds", bands = [{ max = 0, award = 20 }, { max = 2, award = 10 }] }

[[criteria]]
id = "people"
title = "People"
points = 40

[[criteria.indicators]]
id = "people.satisfaction"
title = "Satisfaction"
value = "satisfaction"
points = 40
scorer = { type = "lookup", table = { high = 40, medium = 25, low = 0 } }

[[tiers]]
id = "outstanding"
title = "Outstanding"
min_score = 85

[[tiers.gates]]
id = "outstanding-no-incident"
require = "incidents == 0"
message = "Outstanding needs no incident"

[[tiers]]
id = "solid"
title = "Solid"
min_score = 60

[[tiers]]
id = "weak"
title = "Weak"
min_score = 0

[[rules]]
id = "most-goals-missed"
when = "goals_met < 50% * goals_set"
at_most = "weak"
message = "Fewer than half of the goals were met"
"""


@attrs.frozen
class Mistake:
    """One edit of the example: ``old`` (found once) becomes ``new``, on the same lines."""

    name: str
    old: str
    new: str

    def apply(self, text: str) -> str:
        assert text.count(self.old) == 1, self.name
        return text.replace(self.old, self.new)


# Independent mistakes: none of them is about a part another one breaks.
MISTAKES = (
    Mistake("version-type", 'version = "2025"', "version = 2025"),
    Mistake("date", "valid_from = 2025-01-01", 'valid_from = "soon"'),
    Mistake("policy-choice", 'division_by_zero = "zero"', 'division_by_zero = "zeroo"'),
    Mistake(
        "input-type",
        'type = "integer"\nmin = 0\ndefault = 0',
        'type = "integr"\nmin = 0\ndefault = 0',
    ),
    Mistake("criterion-points", "points = 60", 'points = "sixty"'),
    Mistake("unknown-name", '"goals_met / goals_set"', '"goals_mett / goals_set"'),
    Mistake("scorer-parameter", "zero_at = 0.5", "zero_at = true"),
    Mistake("band-award", "award = 10 }", 'award = "10" }'),
    Mistake("misspelt-key", 'title = "People"', 'titel = "People"'),
    Mistake("award-range", "high = 40,", "high = 45,"),
    Mistake("tier-min-score", "min_score = 60", 'min_score = "60"'),
    Mistake("lowest-tier", 'title = "Weak"\nmin_score = 0', 'title = "Weak"\nmin_score = 5'),
    Mistake("gate-syntax", '"incidents == 0"', '"incidents = 0"'),
    Mistake("rule-syntax", '"goals_met < 50% * goals_set"', '"goals_met < < 3"'),
    Mistake("unknown-tier", 'at_most = "weak"', 'at_most = "weakk"'),
)


def problems_of(text: str) -> list[criteriakit.Problem]:
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.loads_framework(text, source="review.toml")
    return list(caught.value.problems)


def key(problem: criteriakit.Problem) -> tuple[object, ...]:
    return (problem.line, problem.column, problem.path, problem.message)


ALONE = {
    mistake.name: [key(problem) for problem in problems_of(mistake.apply(EXAMPLE))]
    for mistake in MISTAKES
}


def test_the_example_loads():
    assert criteriakit.loads_framework(EXAMPLE).ref == "acme.team-review@2025"


@pytest.mark.parametrize("mistake", MISTAKES, ids=[mistake.name for mistake in MISTAKES])
def test_each_mistake_alone_is_reported_where_it_is(mistake):
    (edited,) = (
        number
        for number, text in enumerate(mistake.new.splitlines(), 1)
        if text not in mistake.old.splitlines()
    )
    line = EXAMPLE.count("\n", 0, EXAMPLE.index(mistake.old)) + edited
    assert line in {problem[0] for problem in ALONE[mistake.name]}


@settings(max_examples=60, deadline=None)
@given(st.sets(st.sampled_from(MISTAKES), min_size=2))
def test_mistakes_together_give_exactly_the_messages_each_gives_alone(mistakes):
    text = EXAMPLE
    for mistake in mistakes:
        text = mistake.apply(text)
    found = [key(problem) for problem in problems_of(text)]
    expected = sorted(problem for mistake in mistakes for problem in ALONE[mistake.name])
    assert sorted(found) == expected  # the union, nothing twice
    assert [problem[:2] for problem in found] == sorted(problem[:2] for problem in found)


def test_the_four_mistakes_file_gets_four_messages():
    text = EXAMPLE
    for name in ("criterion-points", "unknown-name", "rule-syntax"):
        text = next(mistake for mistake in MISTAKES if mistake.name == name).apply(text)
    text = text.replace('id = "delivery.incidents"\n', 'id = "delivery.incidents"\nscorre = 3\n')
    found = [
        (problem.line, problem.column, problem.path, problem.message)
        for problem in problems_of(text)
    ]
    assert found == [
        (33, 10, "criteria[0].points", 'expected a number, got a string ("sixty")'),
        (38, 10, "criteria[0].indicators[0].value", "unknown input 'goals_mett'"),
        (44, 1, "criteria[0].indicators[1].scorre", "unknown key 'scorre'"),
        (84, 21, "rules[0].when", "expected a value, found '<'"),
    ]


def test_lint_reports_the_four_mistakes_at_once(tmp_path, monkeypatch):
    monkeypatch.delenv("CRITERIAKIT_PATH", raising=False)
    text = EXAMPLE.replace(
        'points = 40\nscorer = { type = "linear"', 'points = "4O"\nscorer = { type = "linear"'
    )
    text = text.replace('"goals_met / goals_set"', '"goals_mett / goals_set"')
    text = text.replace('id = "delivery.incidents"\n', 'id = "delivery.incidents"\nscorre = 3\n')
    text = text.replace('"goals_met < 50% * goals_set"', '"goals_met < < 3"')
    path = tmp_path / "four.toml"
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(build_cli(), ["lint", str(path)], catch_exceptions=False)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith(str(path))]
    assert lines == [
        f"{path}:38:10: criteria[0].indicators[0].value: unknown input 'goals_mett'",
        f'{path}:39:10: criteria[0].indicators[0].points: expected a number, got a string ("4O")',
        f"{path}:44:1: criteria[0].indicators[1].scorre: unknown key 'scorre'",
        f"{path}:84:21: rules[0].when: expected a value, found '<'",
    ]
    assert result.output.startswith(f"4 problems in {path}:")


# Mistakes that other checks rest on: each gives its own message and nothing else.
FOUNDATIONS = (
    Mistake("max-score", "max_score = 100", 'max_score = "100"'),
    Mistake("scale", 'scale = "points"', 'scale = "point"'),
    Mistake("tier-id", 'id = "weak"', "id = 5"),
    Mistake(
        "tiers", '[[tiers]]\nid = "outstanding"', '[[tiers]]\nid = "outstanding"\nbad = { x = 1 }'
    ),
    Mistake("input-levels", 'levels = ["high", "medium", "low"]', "levels = [1, 2, 3]"),
    Mistake("input-misspelt", "min = 0\ndefault = 0", "min = 0\ndefualt = 0"),
    Mistake("indicator-weight", "points = 20\n", "points = 20\nweight = true\n"),
    Mistake("scorer-type", 'type = "thresholds"', 'type = "threshold"'),
)


@pytest.mark.parametrize("mistake", FOUNDATIONS, ids=[mistake.name for mistake in FOUNDATIONS])
def test_a_broken_part_causes_no_knock_on_problems(mistake):
    text = mistake.apply(EXAMPLE)
    start = EXAMPLE.count("\n", 0, EXAMPLE.index(mistake.old))
    edited = {
        start + number
        for number, line in enumerate(mistake.new.splitlines(), 1)
        if line not in mistake.old.splitlines()
    }
    found = problems_of(text)
    assert found
    assert {problem.line for problem in found} == edited, [str(problem) for problem in found]


def test_whatever_rests_on_a_broken_part_is_left_out_but_the_rest_is_checked():
    # max_score broken: totals and tier bounds cannot be checked; expressions still are
    text = EXAMPLE.replace("max_score = 100", 'max_score = "100"').replace(
        "points = 60", "points = 70"
    )
    text = text.replace('"incidents == 0"', '"incidents == 0 and goals_sett > 1"')
    assert [(problem.path, problem.message) for problem in problems_of(text)] == [
        ("max_score", 'expected a number, got a string ("100")'),
        ("tiers[0].gates[0].require", "unknown input 'goals_sett'"),
    ]


def test_a_misspelt_key_stands_for_the_key_it_misspells():
    found = problems_of(EXAMPLE.replace("points = 60", "pionts = 60"))
    assert [(problem.path, problem.message, problem.hint) for problem in found] == [
        ("criteria[0].pionts", "unknown key 'pionts'", "did you mean 'points'?")
    ]


def test_a_syntax_error_naming_a_broken_input_is_still_reported():
    text = EXAMPLE.replace('type = "level"', 'type = "levels"')
    text = text.replace('value = "satisfaction"', 'value = "satisfaction +"')
    found = problems_of(text)
    assert [problem.path for problem in found] == [
        "inputs.satisfaction.type",
        "criteria[1].indicators[0].value",
    ]
    assert found[1].message.startswith("expected")


def test_a_type_error_naming_a_broken_input_is_left_out():
    text = EXAMPLE.replace('type = "level"', 'type = "levels"')
    text = text.replace('require = "incidents == 0"', 'require = "satisfaction == 0"')
    assert [problem.path for problem in problems_of(text)] == ["inputs.satisfaction.type"]


def test_a_placeholder_the_plugins_refuse_leaves_the_structure_problems_alone():
    builtin = builtin_extensions()
    scorers = {name: scorer for name, scorer in builtin.scorers.items() if name != "target"}
    extensions = Extensions(builtin.functions, scorers, builtin.weightings)
    text = EXAMPLE.replace('type = "thresholds"', 'type = "threshold"').replace(
        '"goals_met / goals_set"', '"goals_mett / goals_set"'
    )
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.loads_framework(text, extensions=extensions)
    # the scorer cannot be replaced: the meaning checks (goals_mett) wait for the fix
    assert [problem.path for problem in caught.value.problems] == [
        "criteria[0].indicators[1].scorer.type"
    ]


def test_data_that_is_not_a_table_is_one_problem():
    with pytest.raises(criteriakit.FrameworkError, match="expected a table, got an array"):
        criteriakit.framework_from_dict([])  # type: ignore[arg-type]


BASE = EXAMPLE


def test_a_derived_file_reports_its_mistakes_and_its_base_part_at_once(tmp_path):
    base_path = tmp_path / "base.toml"
    base_path.write_text(BASE, encoding="utf-8")
    base = criteriakit.load_framework(base_path)
    child = tmp_path / "child.toml"
    child.write_text(
        'extends = "acme.team-review@2025"\n'
        'id = "acme.child"\n'
        'version = "1"\n'
        "\n"
        "[remove]\n"
        'inputs = ["goals_set"]\n'
        "\n"
        "[[tiers]]\n"
        'id = "solid"\n'
        'min_score = "sixty"\n'
        "\n"
        "[[rules]]\n"
        'id = "many-incidents"\n'
        'when = "incidents > > 3"\n'
        'at_most = "weak"\n'
        'message = "Too many incidents"\n',
        encoding="utf-8",
    )
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.load_framework(child, resolve={base.ref: base}.__getitem__)
    found = [
        (problem.file, problem.line, problem.column, problem.path, problem.message)
        for problem in caught.value.problems
    ]
    assert found == [
        (str(child), 10, 13, "tiers[0].min_score", 'expected a number, got a string ("sixty")'),
        (str(child), 14, 21, "rules[0].when", "expected a value, found '>'"),
        (str(base_path), 38, 22, "criteria[0].indicators[0].value", "unknown input 'goals_set'"),
        (str(base_path), 83, 27, "rules[0].when", "unknown input 'goals_set'"),
    ]


QUOTA = '\n[[quotas]]\nid = "few-outstanding"\ntier = "outstanding"\nof = "solid"\nshare = 0.2\n'
CHILDREN = (
    '\n[children]\nframework = "acme.member@2025"\nname = "members"\n'
    '\n[inputs.members_done]\ntype = "integer"\nrollup = "count(members, score > 50)"\n'
)


@pytest.mark.parametrize(
    ("addition", "old", "new", "path"),
    [
        (QUOTA, 'id = "outstanding"\n', "id = 5\n", "tiers[0].id"),
        (QUOTA, "share = 0.2", 'share = "20%"', "quotas[0].share"),
        (CHILDREN, 'framework = "acme.member@2025"', "framework = 2025", "children.framework"),
        (
            CHILDREN,
            'name = "members"',
            'name = "members"\nnot_evaluable = "skipp"',
            "children.not_evaluable",
        ),
    ],
)
def test_quotas_and_children_rest_on_what_they_name(addition, old, new, path):
    text = (EXAMPLE + addition).replace(old, new)
    (problem,) = problems_of(text)
    assert problem.path == path


def leaf_paths(value: object, path: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    if isinstance(value, dict):
        return [path] + [p for key, item in value.items() for p in leaf_paths(item, (*path, key))]
    if isinstance(value, list):
        return [path] + [
            p for index, item in enumerate(value) for p in leaf_paths(item, (*path, index))
        ]
    return [path]


PARSED = tomllib.loads(EXAMPLE)
PATHS = [path for path in leaf_paths(PARSED) if path]
ODD_VALUES = st.one_of(
    st.integers(-5, 5),
    st.floats(allow_nan=True),
    st.booleans(),
    st.sampled_from(["", "x", "weak", "goals_met", "1 +", "number"]),
    # fresh lists and tables each time: one object shared by examples would carry one
    # example's edits into the next (data holding itself is tested in the fuzz regressions)
    st.builds(list),
    st.builds(lambda: [1, "a"]),
    st.builds(dict),
    st.builds(lambda: {"type": "linear"}),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(PATHS), st.none() | ODD_VALUES), min_size=1, max_size=4))
def test_any_broken_value_gives_problems_never_a_crash(edits):
    data = copy.deepcopy(PARSED)
    for path, value in edits:
        parent = data
        for step in path[:-1]:
            if not isinstance(parent, dict | list) or (
                isinstance(parent, list) and not isinstance(step, int)
            ):
                break
            try:
                parent = parent[step]
            except (KeyError, IndexError, TypeError):
                break
        else:
            if isinstance(parent, dict) and value is None:
                parent.pop(path[-1], None)
            elif isinstance(parent, dict) or (
                isinstance(parent, list) and isinstance(path[-1], int) and path[-1] < len(parent)
            ):
                parent[path[-1]] = value
    try:
        criteriakit.framework_from_dict(data)
    except criteriakit.FrameworkError as error:
        assert error.problems
        assert all(problem.path is not None for problem in error.problems)


# A text in several languages is one value: a wrong part is reported at the text.
SHAPED = [path for path in PATHS if "title" not in path[:-1]]


@pytest.mark.parametrize("path", SHAPED, ids=[format_key_path(path) for path in SHAPED])
def test_a_value_of_the_wrong_shape_anywhere_is_its_only_problem(path):
    data = copy.deepcopy(PARSED)
    parent = data
    for step in path[:-1]:
        parent = parent[step]
    wrong: object = 5 if isinstance(parent[path[-1]], dict | list) else [1, "a"]
    parent[path[-1]] = wrong
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.framework_from_dict(data)
    where = format_key_path(path)
    assert all(problem.path.startswith(where) for problem in caught.value.problems), [
        str(problem) for problem in caught.value.problems
    ]
