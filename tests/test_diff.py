"""Diffs: what a specialised framework adds to, removes from and changes in its base."""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path

import attrs
import pytest

import criteriakit
from criteriakit._converter import converter
from criteriakit.compose import Composition, compose
from criteriakit.diff import DiffEntry, diff_definitions
from criteriakit.model.framework import (
    Criterion,
    FrameworkDefinition,
    IndicatorPolicy,
    Input,
    pick_text,
)

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "extending.md").read_text(encoding="utf-8")
HEADER = 'extends = "vn.four-good-cell@2024"\nid = "acme.cell"\nversion = "1"\n'

WEIGHTED = """
id = "acme.weighted"
version = "1"
title = "Weighted"
subject = "team"
scale = "weights"

[inputs.a]
type = "number"

[[criteria]]
id = "c"
title = "C"
weight = 1

[[criteria.indicators]]
id = "c.1"
title = "One"
value = "a"
weight = 0.5
scorer = { type = "linear", zero_at = 0, full_at = 1 }

[[criteria.indicators]]
id = "c.2"
title = "Two"
value = "a"
weight = 0.5
scorer = { type = "linear", zero_at = 0, full_at = 1 }

[[tiers]]
id = "all"
title = "All"
"""


@pytest.fixture(scope="module")
def cell() -> FrameworkDefinition:
    return criteriakit.load_framework(
        ROOT
        / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks/vn.four-good-cell.toml"
    ).definition


def derive(cell: FrameworkDefinition, text: str, header: str = HEADER) -> FrameworkDefinition:
    composition = compose(converter().unstructure(cell), tomllib.loads(header + text))
    assert isinstance(composition, Composition), composition
    return criteriakit.framework_from_dict(composition.data).definition


def lines(base: FrameworkDefinition, derived: FrameworkDefinition) -> list[str]:
    return [entry.render() for entry in diff_definitions(base, derived).changes]


def with_criterion(definition: FrameworkDefinition, index: int, **changes) -> FrameworkDefinition:
    criteria = list(definition.criteria)
    criteria[index] = attrs.evolve(criteria[index], **changes)
    return attrs.evolve(definition, criteria=tuple(criteria))


def with_indicator(
    definition: FrameworkDefinition, criterion: int, index: int, **changes
) -> FrameworkDefinition:
    indicators = list(definition.criteria[criterion].indicators)
    indicators[index] = attrs.evolve(indicators[index], **changes)
    return with_criterion(definition, criterion, indicators=tuple(indicators))


def test_a_framework_against_itself_is_empty(cell):
    diff = diff_definitions(cell, cell)
    assert diff.empty
    assert diff.changes == ()
    assert diff.render() == "vn.four-good-cell@2024 → vn.four-good-cell@2024\n  no changes"


def test_a_new_id_and_version_alone_change_nothing(cell):
    diff = diff_definitions(cell, derive(cell, ""))
    assert diff.empty
    assert (diff.base, diff.derived) == ("vn.four-good-cell@2024", "acme.cell@1")


def test_the_coal_mining_diff_is_the_one_in_the_docs(cell):
    (coal,) = [
        block
        for block in re.findall(r"```toml\n(.*?)```", DOC, re.DOTALL)
        if block.startswith("extends = ")
    ]
    shown = re.search(r"```text\n(vn\.four-good-cell@2024 → .*?)\n```", DOC, re.DOTALL)
    assert shown is not None
    diff = diff_definitions(cell, derive(cell, coal, header=""))
    assert not diff.empty
    assert diff.render() == shown.group(1)


def test_indicator_points_moved_within_a_criterion_keep_its_total(cell):
    derived = derive(
        cell,
        '[[criteria]]\nid = "1"\n\n[[criteria.indicators]]\nid = "1.1"\npoints = 10\n\n'
        '[[criteria.indicators]]\nid = "1.2"\npoints = 8\n',
    )
    assert lines(cell, derived) == [
        "~ indicator 1.1 points: 12 → 10",
        "~ indicator 1.2 points: 6 → 8",
        "= criterion 1 total points: 30",
    ]


def test_criterion_points_and_total_changes(cell):
    derived = with_indicator(with_criterion(cell, 0, points=25.0), 0, 0, points=7.0)
    assert lines(cell, derived) == [
        "~ criterion 1 points: 30 → 25",
        "~ indicator 1.1 points: 12 → 7",
        "~ criterion 1 total points: 30 → 25",
    ]


def test_indicator_fields_value_title_scorer_and_policy(cell):
    derived = derive(
        cell,
        '[[criteria]]\nid = "2"\n\n[[criteria.indicators]]\nid = "2.1"\ntitle = "Meetings"\n'
        'value = "min(meetings_held, 12)"\nscorer = { type = "target", target = 10 }\n'
        'policy = { missing_input = "zero" }\n\n'
        '[[criteria.indicators]]\nid = "2.3"\nscorer = { type = "linear", zero_at = 0, full_at = 4 }\n',
    )
    assert lines(cell, derived) == [
        '~ indicator 2.1 title: { en = "Regular meetings held (of 12)", vi = "Sinh hoạt thường kỳ (trên 12 kỳ)" } → "Meetings"',
        '~ indicator 2.1 value: "meetings_held" → "min(meetings_held, 12)"',
        "~ indicator 2.1 scorer.target: 12 → 10",
        '~ indicator 2.1 policy: (none) → { missing_input = "zero" }',
        '~ indicator 2.3 scorer: { type = "target", target = 4 } → { type = "linear", zero_at = 0, full_at = 4 }',
    ]


def test_nested_tables_are_compared_key_by_key(cell):
    policy = IndicatorPolicy(division_by_zero="zero")
    base = with_indicator(cell, 0, 0, policy=policy)
    derived = with_indicator(cell, 0, 0, policy=attrs.evolve(policy, missing_input="exclude"))
    assert lines(base, derived) == ['~ indicator 1.1 policy.missing_input: (none) → "exclude"']


def test_framework_fields(cell):
    derived = derive(
        cell,
        'title = "Cell"\nvalid_until = 2025-12-31\nlanguage = "vi"\n\n'
        '[policy]\ndivision_by_zero = "zero"\n',
    )
    assert lines(cell, derived) == [
        '~ title: { en = "4-good party cell", vi = "Chi bộ 4 tốt" } → "Cell"',
        '~ language: "en" → "vi"',
        "~ valid_until: (none) → 2025-12-31",
        '~ policy.division_by_zero: "fail" → "zero"',
    ]
    assert derived.valid_until == dt.date(2025, 12, 31)


def test_inputs_added_removed_and_changed(cell):
    inputs = dict(cell.inputs)
    del inputs["admissions"]
    inputs["members_rated"] = attrs.evolve(inputs["members_rated"], min=1.0, unit="members")
    inputs["scores"] = Input(type="list", items="number")
    derived = attrs.evolve(cell, inputs=inputs)
    assert lines(cell, derived) == [
        '~ input members_rated unit: (none) → "members"',
        "~ input members_rated min: 0 → 1",
        "- input admissions (integer)",
        "+ input scores (list of number)",
    ]


def test_criteria_added_removed_and_retitled(cell):
    new = Criterion("5", {"und": "Safety"}, cell.criteria[3].indicators, points=25.0)
    derived = attrs.evolve(
        cell,
        criteria=(
            attrs.evolve(cell.criteria[0], title={"en": "Political tasks"}),
            *cell.criteria[1:3],
            new,
        ),
    )
    changes = lines(cell, derived)
    assert changes[:3] == [
        '~ criterion 1 title: { en = "Successful fulfilment of political tasks", vi = "Hoàn thành tốt nhiệm vụ chính trị" } → { en = "Political tasks" }',
        "- criterion 4 Good cadres and party members (25 points)",
        "+ criterion 5 Safety (25 points)",
    ]
    # the indicators moved with the criterion: each says so
    assert changes[3:] == [f"~ indicator 4.{n} criterion: 4 → 5" for n in range(1, 5)]


def test_indicators_added_and_removed_keep_base_order_then_additions(cell):
    derived = derive(
        cell,
        '[remove]\nindicators = ["3.3"]\n\n[[criteria]]\nid = "3"\npoints = 20.5\n\n'
        '[[criteria.indicators]]\nid = "3.1"\npoints = 14\n\n'
        '[[criteria.indicators]]\nid = "3.4"\ntitle = "Extra"\nvalue = "true"\npoints = 0.5\n'
        'scorer = { type = "boolean" }\n\n'
        '[[criteria]]\nid = "4"\npoints = 24.5\n\n'
        '[[criteria.indicators]]\nid = "4.4"\npoints = 4.5\n\n'
        '[[tiers]]\nid = "not-completed"\n',
    )
    # 3: 14 + 6 + 0.5 = 20.5; 4: 10 + 5 + 5 + 4.5 = 24.5; 30 + 25 + 20.5 + 24.5 = 100
    assert lines(cell, derived) == [
        "~ criterion 3 points: 20 → 20.5",
        "~ criterion 4 points: 25 → 24.5",
        "~ indicator 3.1 points: 8 → 14",
        "- indicator 3.3 No finding of disunity (6 points)",
        "~ indicator 4.4 points: 5 → 4.5",
        "+ indicator 3.4 Extra (0.5 points) in criterion 3",
        "~ criterion 3 total points: 20 → 20.5",
        "~ criterion 4 total points: 25 → 24.5",
    ]


def test_tiers_gates_and_rules(cell):
    derived = derive(
        cell,
        '[remove]\ngates = ["excellent-no-discipline"]\nrules = ["disunity"]\n\n'
        '[[tiers]]\nid = "good"\nmin_score = 75\n\n'
        '[[tiers.gates]]\nid = "good-all-targets-met"\nmessage = "Every target"\n\n'
        '[[rules]]\nid = "targets-under-half"\nat_most = "complete"\n\n'
        '[[rules]]\nid = "accident"\nwhen = "members_disciplined > 2"\nat_most = "good"\n'
        'message = "Several members disciplined"\n',
    )
    assert lines(cell, derived) == [
        "~ tier good min_score: 70 → 75",
        "- gate excellent/excellent-no-discipline: Excellent needs no member disciplined",
        '~ gate good/good-all-targets-met message: { en = "Good needs every target met", vi = "Hoàn thành tốt cần hoàn thành tất cả các chỉ tiêu" } → "Every target"',
        '~ rule targets-under-half at_most: "not-completed" → "complete"',
        "- rule disunity: A formal finding of internal disunity (at most not-completed)",
        "+ rule accident: Several members disciplined (at most good)",
    ]


def test_tiers_added_removed_and_gates_moved(cell):
    excellent, good, complete, lowest = cell.tiers
    moved = attrs.evolve(good, gates=(*good.gates, excellent.gates[0]))
    gold = attrs.evolve(excellent, id="gold", title={"en": "Gold"}, gates=excellent.gates[1:])
    derived = attrs.evolve(cell, tiers=(gold, moved, complete, lowest))
    assert lines(cell, derived) == [
        "- tier excellent Excellent task completion (min_score 90)",
        "+ tier gold Gold (min_score 90)",
        *(f"- gate excellent/{gate.id}: {pick_text(gate.message)}" for gate in excellent.gates),
        *(f"+ gate gold/{gate.id}: {pick_text(gate.message)}" for gate in excellent.gates[1:]),
        "+ gate good/excellent-all-targets-met: Excellent needs every target met",
    ]


def test_a_weights_scale_shows_weights_and_totals_in_points():
    base = criteriakit.loads_framework(WEIGHTED).definition
    third = attrs.evolve(base.criteria[0].indicators[1], id="c.3", title={"und": "Three"})
    derived = with_criterion(
        base,
        0,
        indicators=(
            attrs.evolve(base.criteria[0].indicators[0], weight=0.25),
            attrs.evolve(base.criteria[0].indicators[1], weight=0.25),
            third,
        ),
    )
    assert lines(base, derived) == [
        "~ indicator c.1 weight: 0.5 → 0.25",
        "~ indicator c.2 weight: 0.5 → 0.25",
        "+ indicator c.3 Three (weight 0.5) in criterion c",
        "= criterion c total points: 100",
    ]


def test_entries_render_each_change():
    assert DiffEntry("added", "input", "x", summary="(bool)").render() == "+ input x (bool)"
    assert DiffEntry("removed", "rule", "r", summary="Why (at most t)").render() == (
        "- rule r: Why (at most t)"
    )
    assert DiffEntry("changed", "framework", "", "max_score", "100", "10").render() == (
        "~ max_score: 100 → 10"
    )
    assert DiffEntry("unchanged", "criterion", "1", "total points", "30").render() == (
        "= criterion 1 total points: 30"
    )
