"""Composition: a derived framework file merged into its base, by id, with origins and problems."""

from __future__ import annotations

import copy
import datetime as dt
import re
import runpy
import shutil
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import criteriakit
from criteriakit._converter import converter, structure
from criteriakit._problems import RawProblem
from criteriakit.compose import Composition, compose
from criteriakit.diff import diff_definitions
from criteriakit.model.framework import FrameworkDefinition

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
BASE_FILE = (
    ROOT / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks/vn.four-good-cell.toml"
)
HEADER = 'extends = "vn.four-good-cell@2024"\nid = "acme.cell"\nversion = "1"\n'


def coal_toml() -> str:
    """The coal-mining extension as docs/extending.md shows it, so the document stays true."""
    text = (ROOT / "docs" / "extending.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, re.DOTALL)
    (coal,) = [block for block in blocks if block.startswith("extends = ")]
    return coal


@pytest.fixture(scope="module")
def base():
    return converter().unstructure(criteriakit.load_framework(BASE_FILE).definition)


def merge(base, text: str) -> Composition:
    composed = compose(base, tomllib.loads(HEADER + text))
    assert isinstance(composed, Composition), composed
    return composed


def problems(base, text: str, header: str = HEADER) -> list[RawProblem]:
    composed = compose(base, tomllib.loads(header + text))
    assert isinstance(composed, list), composed
    return composed


def indicator_ids(data, criterion: int) -> list[str]:
    return [indicator["id"] for indicator in data["criteria"][criterion]["indicators"]]


def without_none(value):
    if isinstance(value, dict):
        return {key: without_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, list | tuple):
        return [without_none(item) for item in value]
    return value


# ---------------------------------------------------------------------- top-level keys and inputs


def test_top_level_keys_override_and_the_patch_keys_are_gone(base):
    data = merge(base, 'title = "Coal cell"\nmax_score = 100\nsubject = "cell"\n').data
    assert (data["id"], data["version"], data["title"]) == ("acme.cell", "1", "Coal cell")
    assert data["description"] == base["description"]
    assert "extends" not in data
    assert "remove" not in merge(base, "[remove]\n").data


def test_policy_merges_key_by_key(base):
    data = merge(base, '[policy]\ndivision_by_zero = "zero"\n').data
    assert data["policy"] == {"missing_input": "fail", "division_by_zero": "zero"}


def test_an_input_is_added_or_replaced_whole(base):
    data = merge(
        base,
        '[inputs.initiatives]\ntype = "integer"\n\n[inputs.admissions_target]\ntype = "integer"\n',
    ).data
    assert data["inputs"]["initiatives"] == {"type": "integer"}
    assert data["inputs"]["admissions_target"] == {"type": "integer"}
    assert list(data["inputs"])[-1] == "initiatives"


def test_none_values_of_the_base_are_dropped(base):
    data = merge(base, "").data
    assert data == without_none(data)
    assert "valid_until" not in data
    assert "weight" not in data["criteria"][0]["indicators"][0]


# ---------------------------------------------------------------------- criteria and indicators


def test_a_criterion_s_given_keys_override_and_the_rest_is_kept(base):
    data = merge(base, '[[criteria]]\nid = "2"\npoints = 20\n').data
    criterion = data["criteria"][1]
    assert (criterion["points"], criterion["title"]) == (20, base["criteria"][1]["title"])
    assert indicator_ids(data, 1) == ["2.1", "2.2", "2.3", "2.4"]


def test_an_indicator_s_keys_override_and_a_scorer_is_replaced_whole(base):
    data = merge(
        base,
        '[[criteria]]\nid = "1"\n\n[[criteria.indicators]]\nid = "1.1"\npoints = 10\n'
        'scorer = { type = "target", target = 1 }\n',
    ).data
    indicator = data["criteria"][0]["indicators"][0]
    assert indicator["points"] == 10
    assert indicator["scorer"] == {"type": "target", "target": 1}
    assert indicator["value"] == "targets_met / targets_assigned"


def test_a_new_indicator_goes_at_the_end_of_its_criterion(base):
    data = merge(
        base,
        '[[criteria]]\nid = "2"\n\n[[criteria.indicators]]\nid = "2.5"\npoints = 1\n',
    ).data
    assert indicator_ids(data, 1) == ["2.1", "2.2", "2.3", "2.4", "2.5"]
    assert data["criteria"][1]["indicators"][4] == {"id": "2.5", "points": 1}


def test_a_new_criterion_goes_at_the_end_with_its_indicators(base):
    data = merge(
        base,
        '[[criteria]]\nid = "5"\ntitle = "Safety"\npoints = 10\n\n'
        '[[criteria.indicators]]\nid = "5.1"\npoints = 10\n',
    ).data
    assert [criterion["id"] for criterion in data["criteria"]] == ["1", "2", "3", "4", "5"]
    assert data["criteria"][4] == {
        "id": "5",
        "title": "Safety",
        "points": 10,
        "indicators": [{"id": "5.1", "points": 10}],
    }


def test_removing_indicators_and_criteria(base):
    data = merge(base, '[remove]\nindicators = ["1.4", "2.1"]\ncriteria = ["3"]\n').data
    assert [criterion["id"] for criterion in data["criteria"]] == ["1", "2", "4"]
    assert indicator_ids(data, 0) == ["1.1", "1.2", "1.3"]
    assert indicator_ids(data, 1) == ["2.2", "2.3", "2.4"]


def test_removing_inputs_gates_and_rules(base):
    data = merge(
        base,
        '[remove]\ninputs = ["mass_orgs_good"]\ngates = ["excellent-no-discipline"]\n'
        'rules = ["disunity"]\n',
    ).data
    assert "mass_orgs_good" not in data["inputs"]
    assert "mass_orgs_total" in data["inputs"]
    assert [gate["id"] for gate in data["tiers"][0]["gates"]] == [
        "excellent-all-targets-met",
        "excellent-targets-exceeded",
        "excellent-no-member-failed",
    ]
    assert [rule["id"] for rule in data["rules"]] == ["targets-under-half", "members-mostly-failed"]


# ---------------------------------------------------------------------- tiers, gates and rules


def test_a_tier_s_keys_override_and_gates_are_matched_by_id(base):
    data = merge(
        base,
        '[[tiers]]\nid = "good"\nmin_score = 75\n\n'
        '[[tiers.gates]]\nid = "good-all-targets-met"\nmessage = "Every target, please"\n\n'
        '[[tiers.gates]]\nid = "good-no-discipline"\nrequire = "members_disciplined == 0"\n'
        'message = "Good needs no member disciplined"\n',
    ).data
    good = data["tiers"][1]
    assert (good["min_score"], good["title"]) == (75, base["tiers"][1]["title"])
    assert good["gates"] == [
        {
            "id": "good-all-targets-met",
            "require": "targets_met >= targets_assigned",
            "message": "Every target, please",
        },
        {
            "id": "good-no-discipline",
            "require": "members_disciplined == 0",
            "message": "Good needs no member disciplined",
        },
    ]
    assert data["tiers"][0] == without_none(base["tiers"][0])


def test_rules_are_overridden_or_appended_by_id(base):
    data = merge(
        base,
        '[[rules]]\nid = "disunity"\nat_most = "complete"\n\n'
        '[[rules]]\nid = "accident"\nwhen = "true"\nat_most = "good"\nmessage = "An accident"\n',
    ).data
    assert [rule["id"] for rule in data["rules"]] == [
        "targets-under-half",
        "disunity",
        "members-mostly-failed",
        "accident",
    ]
    assert data["rules"][1]["at_most"] == "complete"
    assert data["rules"][1]["when"] == "disunity_found"


# ---------------------------------------------------------------------- problems of the patch


def test_id_and_version_are_required(base):
    assert problems(base, "", header='extends = "vn.four-good-cell@2024"\n') == [
        RawProblem(
            ("id",),
            "missing required key 'id'",
            "a framework that extends another needs its own id and version",
            missing=True,
        ),
        RawProblem(
            ("version",),
            "missing required key 'version'",
            "a framework that extends another needs its own id and version",
            missing=True,
        ),
    ]


def test_removing_what_the_base_does_not_have(base):
    found = problems(base, '[remove]\ninputs = ["mass_org_total"]\nrules = ["disunty", "x"]\n')
    assert found == [
        RawProblem(
            ("remove", "inputs", 0),
            "the base framework vn.four-good-cell@2024 has no input 'mass_org_total'",
            "did you mean 'mass_orgs_total'?",
        ),
        RawProblem(
            ("remove", "rules", 0),
            "the base framework vn.four-good-cell@2024 has no rule 'disunty'",
            "did you mean 'disunity'?",
        ),
        RawProblem(
            ("remove", "rules", 1), "the base framework vn.four-good-cell@2024 has no rule 'x'"
        ),
    ]


def test_unknown_keys_in_remove(base):
    assert problems(base, '[remove]\nindicator = ["1.4"]\ntiers = ["good"]\nfoo = []\n') == [
        RawProblem(
            ("remove", "indicator"),
            "unknown key 'indicator'",
            "did you mean 'indicators'?",
            at_key=True,
        ),
        RawProblem(
            ("remove", "tiers"),
            "unknown key 'tiers'",
            "tiers are the base framework's scale and cannot be removed",
            at_key=True,
        ),
        RawProblem(
            ("remove", "foo"),
            "unknown key 'foo'",
            "allowed keys: inputs, criteria, indicators, gates, rules, checks, awards, keys",
            at_key=True,
        ),
    ]


def test_wrong_types_in_remove(base):
    assert problems(base, 'remove = "1.4"\n') == [
        RawProblem(
            ("remove",),
            'expected a table, got a string ("1.4")',
            "write [remove] with inputs, criteria, indicators, gates, rules, checks, awards or keys"
            ' = ["name", ...]',
        )
    ]
    assert problems(base, '[remove]\nindicators = "1.4"\ncriteria = [1]\n') == [
        RawProblem(
            ("remove", "indicators"),
            'expected an array of ids, got a string ("1.4")',
            'write indicators = ["id", ...]',
        ),
        RawProblem(
            ("remove", "criteria", 0), "expected a string, got an integer (1)", 'quote it: "text"'
        ),
    ]


def test_an_id_removed_and_given_again_is_replaced_whole_in_its_place(base):
    data = merge(
        base,
        '[remove]\nindicators = ["2.2"]\ninputs = ["members_rated"]\ncriteria = ["3"]\n\n'
        '[inputs.members_rated]\ntype = "integer"\n\n'
        '[[criteria]]\nid = "2"\n\n[[criteria.indicators]]\nid = "2.2"\ntitle = "Attendance"\n'
        'value = "attendance_rate"\npoints = 7\n'
        'scorer = { type = "linear", zero_at = 0.5, full_at = 1 }\n\n'
        '[[criteria]]\nid = "3"\ntitle = "Discipline"\npoints = 20\n\n'
        '[[criteria.indicators]]\nid = "3.9"\n\n[[criteria.indicators]]\nid = "3.1"\n',
    ).data
    # nothing of the base's 2.2 is inherited (its title, its scorer's bands), but its place is
    assert indicator_ids(data, 1) == ["2.1", "2.2", "2.3", "2.4"]
    assert data["criteria"][1]["indicators"][1] == {
        "id": "2.2",
        "title": "Attendance",
        "value": "attendance_rate",
        "points": 7,
        "scorer": {"type": "linear", "zero_at": 0.5, "full_at": 1},
    }
    assert data["inputs"]["members_rated"] == {"type": "integer"}
    assert list(data["inputs"]).index("members_rated") == list(base["inputs"]).index(
        "members_rated"
    )
    # criterion 3 is replaced: neither its keys nor its indicators are inherited, but 3.1,
    # given under it, keeps its own keys
    assert [criterion["id"] for criterion in data["criteria"]] == ["1", "2", "3", "4"]
    assert data["criteria"][2] == {
        "id": "3",
        "title": "Discipline",
        "points": 20,
        "indicators": [{"id": "3.9"}, without_none(base["criteria"][2]["indicators"][0])],
    }


def test_an_indicator_removed_and_given_under_another_criterion_is_new_there(base):
    data = merge(
        base,
        '[remove]\nindicators = ["1.4"]\n\n'
        '[[criteria]]\nid = "2"\n\n[[criteria.indicators]]\nid = "1.4"\npoints = 3\n',
    ).data
    assert indicator_ids(data, 0) == ["1.1", "1.2", "1.3"]
    assert data["criteria"][1]["indicators"][-1] == {"id": "1.4", "points": 3}


def test_an_indicator_of_a_removed_criterion_given_elsewhere_moves_with_its_keys(base):
    data = merge(
        base,
        '[remove]\ncriteria = ["3"]\n\n'
        '[[criteria]]\nid = "4"\n\n[[criteria.indicators]]\nid = "3.1"\n',
    ).data
    assert [criterion["id"] for criterion in data["criteria"]] == ["1", "2", "4"]
    assert indicator_ids(data, 2) == ["4.1", "4.2", "4.3", "4.4", "3.1"]
    assert data["criteria"][2]["indicators"][4] == without_none(
        base["criteria"][2]["indicators"][0]
    )


# ---------------------------------------------------------------------- moving and placing


def test_an_indicator_given_under_another_criterion_moves_there_with_its_keys(base):
    composition = merge(
        base,
        '[[criteria]]\nid = "1"\npoints = 38\n\n[[criteria.indicators]]\nid = "2.1"\n\n'
        '[[criteria]]\nid = "2"\npoints = 17\n',
    )
    data = composition.data
    assert indicator_ids(data, 0) == ["1.1", "1.2", "1.3", "1.4", "2.1"]
    assert indicator_ids(data, 1) == ["2.2", "2.3", "2.4"]
    assert data["criteria"][0]["indicators"][4] == without_none(
        base["criteria"][1]["indicators"][0]
    )
    # its inherited keys come from where it was in the base, its id from the patch
    assert composition.origin(("criteria", 0, "indicators", 4, "value")) == (
        "base",
        ("criteria", 1, "indicators", 0, "value"),
    )
    assert composition.origin(("criteria", 0, "indicators", 4, "id")) == (
        "derived",
        ("criteria", 0, "indicators", 0, "id"),
    )
    assert composition.origin(("criteria", 1, "indicators", 0)) == (
        "base",
        ("criteria", 1, "indicators", 1),
    )
    # criterion 2's indicators changed because of the derived file: its entry there says so
    assert composition.origin(("criteria", 1, "indicators")) == ("derived", ("criteria", 1))
    assert merge(base, '[remove]\nindicators = ["2.1"]\n').origin(
        ("criteria", 1, "indicators")
    ) == (
        "derived",
        ("remove", "indicators", 0),
    )
    moved = criteriakit.framework_from_dict(data).definition.criteria
    assert (moved[0].points, moved[1].points) == (38, 17)


def test_a_gate_given_under_another_tier_moves_there(base):
    data = merge(
        base, '[[tiers]]\nid = "good"\n\n[[tiers.gates]]\nid = "excellent-no-discipline"\n'
    ).data
    gates = [[gate["id"] for gate in tier.get("gates", [])] for tier in data["tiers"]]
    assert "excellent-no-discipline" not in gates[0]
    assert gates[1][-1] == "excellent-no-discipline"
    (old,) = [gate for gate in base["tiers"][0]["gates"] if gate["id"] == "excellent-no-discipline"]
    assert data["tiers"][1]["gates"][-1] == without_none(old)


def test_an_id_given_under_two_parents_is_given_twice(base):
    found = problems(
        base,
        '[[criteria]]\nid = "1"\n\n[[criteria.indicators]]\nid = "2.1"\n\n'
        '[[criteria]]\nid = "2"\n\n[[criteria.indicators]]\nid = "2.1"\npoints = 4\n',
    )
    assert found == [
        RawProblem(
            ("criteria", 1, "indicators", 0, "id"),
            "indicator '2.1' is given twice",
            "give each indicator once, with all its changes",
        )
    ]


def test_before_and_after_place_entries_and_are_not_kept(base):
    data = merge(
        base,
        '[[criteria]]\nid = "4"\nbefore = "1"\n\n'
        '[[criteria.indicators]]\nid = "4.4"\nbefore = "4.1"\n\n'
        '[[criteria.indicators]]\nid = "1.4"\nafter = "4.1"\n\n'
        '[[criteria.indicators]]\nid = "4.2"\nafter = "4.1"\n\n'
        '[[criteria]]\nid = "1"\n\n'
        '[[rules]]\nid = "members-mostly-failed"\nafter = "targets-under-half"\n',
    ).data
    assert [criterion["id"] for criterion in data["criteria"]] == ["4", "1", "2", "3"]
    # entries placed next to the same one keep the file's order: 1.4, then 4.2, after 4.1
    assert indicator_ids(data, 0) == ["4.4", "4.1", "1.4", "4.2", "4.3"]
    assert indicator_ids(data, 1) == ["1.1", "1.2", "1.3"]
    assert [rule["id"] for rule in data["rules"]] == [
        "targets-under-half",
        "members-mostly-failed",
        "disunity",
    ]
    assert "before" not in data["criteria"][0]
    assert all("after" not in indicator for indicator in data["criteria"][0]["indicators"])


def test_an_entry_can_be_placed_next_to_one_that_is_placed_in_turn(base):
    data = merge(
        base,
        '[[criteria]]\nid = "1"\n\n'
        '[[criteria.indicators]]\nid = "X2"\nafter = "X1"\n\n'
        '[[criteria.indicators]]\nid = "X1"\nbefore = "1.1"\n\n'
        '[[criteria.indicators]]\nid = "1.3"\nafter = "X2"\n',
    ).data
    assert indicator_ids(data, 0) == ["X1", "X2", "1.3", "1.1", "1.2", "1.4"]


def test_before_and_after_problems(base):
    found = problems(
        base,
        '[[criteria]]\nid = "1"\n\n'
        '[[criteria.indicators]]\nid = "1.1"\nbefore = "1.2"\nafter = "1.3"\n\n'
        '[[criteria.indicators]]\nid = "1.2"\nafter = 3\n\n'
        '[[criteria.indicators]]\nid = "1.3"\nafter = "1.3"\n\n'
        '[[criteria.indicators]]\nid = "1.4"\nafter = "X9"\n\n'
        '[[rules]]\nid = "disunity"\nbefore = "disunit"\n\n'
        '[[rules]]\nid = "members-mostly-failed"\nafter = "members-mostly-failed"\n',
    )
    assert found == [
        RawProblem(
            ("criteria", 0, "indicators", 0, "after"),
            "indicator '1.1' is given both before and after",
            "give one of them: the entry it names fixes the place",
            at_key=True,
        ),
        RawProblem(
            ("criteria", 0, "indicators", 1, "after"),
            "expected a string, got an integer (3)",
            'write after = "indicator id"',
        ),
        RawProblem(
            ("criteria", 0, "indicators", 2, "after"),
            "indicator '1.3' cannot be placed after itself",
            "after names another indicator of criterion '1'",
        ),
        RawProblem(
            ("criteria", 0, "indicators", 3, "after"),
            "criterion '1' has no indicator 'X9' to place '1.4' after",
            "name one of its indicators: '1.1', '1.2', '1.3', '1.4'",
        ),
        RawProblem(
            ("rules", 0, "before"),
            "the framework has no rule 'disunit' to place 'disunity' before",
            "did you mean 'disunity'?",
        ),
        RawProblem(
            ("rules", 1, "after"),
            "rule 'members-mostly-failed' cannot be placed after itself",
            "after names another rule of the framework",
        ),
    ]


def test_entries_placed_next_to_each_other_in_a_circle_are_reported(base):
    found = problems(
        base,
        '[[criteria]]\nid = "1"\n\n'
        '[[criteria.indicators]]\nid = "1.1"\nafter = "1.2"\n\n'
        '[[criteria.indicators]]\nid = "1.2"\nafter = "1.1"\n',
    )
    hint = "place one of them after one of the indicators that stay where they are"
    assert found == [
        RawProblem(
            ("criteria", 0, "indicators", 0, "after"),
            "indicator '1.1' cannot be placed after '1.2', which is placed next to it in turn",
            hint,
        ),
        RawProblem(
            ("criteria", 0, "indicators", 1, "after"),
            "indicator '1.2' cannot be placed after '1.1', which is placed next to it in turn",
            hint,
        ),
    ]


# ---------------------------------------------------------------------- [remove] keys and dates


def test_remove_keys_clears_top_level_values(base):
    data = merge(base, '[remove]\nkeys = ["valid_from", "description", "children"]\n').data
    assert {"valid_from", "description", "children"}.isdisjoint(data)
    assert data["language"] == "en"
    given = merge(base, 'description = "Mine"\n[remove]\nkeys = ["description"]\n').data
    assert given["description"] == "Mine"


def test_remove_keys_names_only_values_the_base_sets_and_may_lose(base):
    found = problems(base, '[remove]\nkeys = ["valid_until", "title", "valid_frm", "rules"]\n')
    clears = (
        "keys clears weights, scale, max_score, description, language, valid_from, valid_until, policy, "
        "weighting, children, quotas, ranking; ids are removed with inputs, criteria, indicators, gates, "
        "rules, checks, awards"
    )
    assert found == [
        RawProblem(
            ("remove", "keys", 0),
            "the base framework vn.four-good-cell@2024 sets no valid_until",
            "the base sets 'scale', 'max_score', 'description', 'language', 'valid_from', …",
        ),
        RawProblem(("remove", "keys", 1), "'title' is not a value [remove] keys can clear", clears),
        RawProblem(
            ("remove", "keys", 2),
            "'valid_frm' is not a value [remove] keys can clear",
            f"did you mean 'valid_from'? {clears}",
        ),
        RawProblem(("remove", "keys", 3), "'rules' is not a value [remove] keys can clear", clears),
    ]


DATED = {"valid_from": "2023-01-01", "valid_until": "2023-12-31"}


@pytest.mark.parametrize(
    ("given", "merged"),
    [
        # the 2023 version ends, the 2024 version extends it: open from 2024 on
        ("valid_from = 2024-01-01\n", {"valid_from": dt.date(2024, 1, 1)}),
        # a start within the base's period keeps its end
        (
            "valid_from = 2023-07-01\n",
            {"valid_from": dt.date(2023, 7, 1), "valid_until": "2023-12-31"},
        ),
        # an end before the base's start drops the inherited start
        ("valid_until = 2022-12-31\n", {"valid_until": dt.date(2022, 12, 31)}),
        (
            "valid_until = 2024-12-31\n",
            {"valid_from": "2023-01-01", "valid_until": dt.date(2024, 12, 31)},
        ),
        ('[remove]\nkeys = ["valid_until"]\n', {"valid_from": "2023-01-01"}),
        ("", DATED),
    ],
)
def test_validity_dates_are_inherited_unless_the_derived_file_s_own_contradict_them(
    base, given, merged
):
    data = merge({**base, **DATED}, given).data
    assert {key: data[key] for key in ("valid_from", "valid_until") if key in data} == merged
    assert criteriakit.framework_from_dict(data).ref == "acme.cell@1"


def test_new_tiers_are_refused(base):
    assert problems(base, '[[tiers]]\nid = "excelent"\n\n[[tiers]]\nid = "platinum"\n') == [
        RawProblem(
            ("tiers", 0, "id"),
            "unknown tier 'excelent'",
            "tiers are the base framework's scale: an extension can change them but not add one; "
            "did you mean 'excellent'?",
        ),
        RawProblem(
            ("tiers", 1, "id"),
            "unknown tier 'platinum'",
            "tiers are the base framework's scale: an extension can change them but not add one",
        ),
    ]


def test_arrays_of_tables_are_checked(base):
    assert problems(base, "criteria = 3\nrules = [1]\n") == [
        RawProblem(
            ("criteria",),
            "expected an array of tables, got an integer (3)",
            "write [[criteria]] tables",
        ),
        RawProblem(("rules", 0), "expected a table, got an integer (1)", "write [[rules]] tables"),
    ]
    assert problems(base, '[[criteria]]\nid = "1"\nindicators = { id = "1.1" }\n') == [
        RawProblem(
            ("criteria", 0, "indicators"),
            "expected an array of tables, got a table",
            "write [[criteria.indicators]] tables",
        )
    ]


def test_entries_need_a_string_id_given_once(base):
    found = problems(
        base,
        '[[criteria]]\npoints = 30\n\n[[criteria]]\nid = 1\n\n[[criteria]]\nid = "2"\n\n'
        '[[criteria]]\nid = "2"\n\n[[tiers]]\nmin_score = 80\n',
    )
    assert found == [
        RawProblem(
            ("criteria", 0, "id"),
            "missing required key 'id'",
            "entries are matched by id: give the id of the criterion to change, "
            "or a new id to add one",
            missing=True,
        ),
        RawProblem(
            ("criteria", 1, "id"), "expected a string, got an integer (1)", 'quote it: "text"'
        ),
        RawProblem(
            ("criteria", 3, "id"),
            "criterion '2' is given twice",
            "give each criterion once, with all its changes",
        ),
        RawProblem(
            ("tiers", 0, "id"),
            "missing required key 'id'",
            "entries are matched by id: give the id of the tier to change",
            missing=True,
        ),
    ]


def test_inputs_must_be_a_table(base):
    assert problems(base, 'inputs = ["initiatives"]\n') == [
        RawProblem(("inputs",), "expected a table, got an array", "write [inputs.NAME] tables")
    ]


def test_every_problem_is_reported_at_once(base):
    found = problems(
        base,
        '[remove]\nindicators = ["9.9"]\n\n[[tiers]]\nid = "gold"\n\n[[rules]]\nwhen = "true"\n',
    )
    assert [problem.path for problem in found] == [
        ("remove", "indicators", 0),
        ("tiers", 0, "id"),
        ("rules", 0, "id"),
    ]


def test_compose_does_not_change_its_arguments(base):
    derived = tomllib.loads(coal_toml())
    before = (copy.deepcopy(base), copy.deepcopy(derived))
    compose(base, derived)
    assert (base, derived) == before


# ---------------------------------------------------------------------- origins


def test_origins_point_into_the_document_each_part_came_from(base):
    composition = merge(
        base,
        '[remove]\nindicators = ["2.1"]\n\n[policy]\ndivision_by_zero = "zero"\n\n'
        '[[criteria]]\nid = "2"\n\n[[criteria.indicators]]\nid = "2.3"\npoints = 5\n\n'
        '[[criteria.indicators]]\nid = "2.9"\n',
    )
    origin = composition.origin
    assert origin(()) == ("derived", ())
    assert origin(("id",)) == ("derived", ("id",))
    assert origin(("title",)) == ("base", ("title",))
    assert origin(("policy",)) == ("derived", ("policy",))
    assert origin(("policy", "missing_input")) == ("base", ("policy", "missing_input"))
    assert origin(("policy", "division_by_zero")) == ("derived", ("policy", "division_by_zero"))
    assert origin(("inputs",)) == ("base", ("inputs",))
    assert origin(("criteria",)) == ("derived", ("criteria",))
    assert origin(("criteria", 0)) == ("base", ("criteria", 0))
    assert origin(("criteria", 1)) == ("derived", ("criteria", 0))
    assert origin(("criteria", 1, "points")) == ("base", ("criteria", 1, "points"))
    assert origin(("criteria", 1, "indicators")) == ("derived", ("criteria", 0, "indicators"))
    # 2.1 is removed: the merged criterion's first indicator is the base's second
    assert origin(("criteria", 1, "indicators", 0)) == ("base", ("criteria", 1, "indicators", 1))
    assert origin(("criteria", 1, "indicators", 1, "points")) == (
        "derived",
        ("criteria", 0, "indicators", 0, "points"),
    )
    assert origin(("criteria", 1, "indicators", 1, "value")) == (
        "base",
        ("criteria", 1, "indicators", 2, "value"),
    )
    assert origin(("criteria", 1, "indicators", 3)) == (
        "derived",
        ("criteria", 0, "indicators", 1),
    )
    assert origin(("criteria", 2, "indicators")) == ("base", ("criteria", 2, "indicators"))
    assert origin(("tiers", 0, "gates", 1, "require")) == (
        "base",
        ("tiers", 0, "gates", 1, "require"),
    )


def test_origins_resolve_paths_below_a_recorded_one(base):
    composition = merge(
        base,
        '[[criteria]]\nid = "1"\n\n[[criteria.indicators]]\nid = "1.2"\n'
        'scorer = { type = "thresholds", bands = [{ min = 0.5, award = 6 }] }\n',
    )
    assert composition.origin(("criteria", 0, "indicators", 1, "scorer", "bands", 0, "min")) == (
        "derived",
        ("criteria", 0, "indicators", 0, "scorer", "bands", 0, "min"),
    )
    assert composition.origin(("criteria", 0, "indicators", 0, "title", "und")) == (
        "base",
        ("criteria", 0, "indicators", 0, "title", "und"),
    )
    assert composition.origin(("nowhere", 3)) == ("derived", ("nowhere", 3))


def test_a_problem_of_the_merged_framework_maps_to_the_derived_file(base):
    composition = merge(
        base,
        '[[criteria]]\nid = "4"\n\n[[criteria.indicators]]\nid = "4.5"\nvalue = "admissions"\n'
        'points = 1\nscorer = { type = "boolean" }\n',
    )
    found = structure(converter(), composition.data, FrameworkDefinition)
    assert isinstance(found, list)
    assert [(problem.path, problem.missing) for problem in found] == [
        (("criteria", 3, "indicators", 4, "title"), True)
    ]
    assert composition.origin(found[0].path) == (
        "derived",
        ("criteria", 0, "indicators", 0, "title"),
    )


# ---------------------------------------------------------------------- the worked example


def test_the_coal_mining_extension_in_the_docs_composes_loads_and_evaluates(base):
    composition = compose(base, tomllib.loads(coal_toml()))
    assert isinstance(composition, Composition), composition
    coal = criteriakit.framework_from_dict(composition.data)
    assert coal.ref == "vn.four-good-cell.coal-mining@2024"
    assert indicator_ids(composition.data, 0) == ["1.1", "1.2", "1.3", "X1", "X2"]
    assert composition.origin(("criteria", 0, "indicators", 3, "points")) == (
        "derived",
        ("criteria", 0, "indicators", 0, "points"),
    )
    cell = {
        "targets_assigned": 10,
        "targets_met": 10,
        "targets_exceeded": 3,
        "action_plan_on_time": True,
        "meetings_held": 12,
        "attendance_rate": 0.92,
        "thematic_meetings": 4,
        "absence_rule_kept": True,
        "members_disciplined": 0,
        "half_years_approved": 2,
        "disunity_found": False,
        "members_rated": 20,
        "members_good_or_better": 19,
        "members_not_completed": 0,
        "admissions": 1,
        "months_evaluated": 12,
        "initiatives": 10,
        "members": 20,
        "members_with_initiative": 17,
    }
    # 1: 1.1 12·min(10/10, 1) = 12; 1.2 3/10 = 30 % → 6; 1.3 4; X1 4·min(10/20, 1) = 2;
    #    X2 17/20 = 85 % ≥ 80 % → 2: 26
    # 2: 8·12/12 = 8; 92 % ≥ 90 % → 7; 5·4/4 = 5; 5: 25
    # 3: 8 + 6 + 6 = 20
    # 4: 19/20 = 95 % → 10; 5; 5·1/1 = 5; 5·12/12 = 5: 25
    # total 26 + 25 + 20 + 25 = 96 ≥ 90: excellent by score; the new gate needs 17 ≥ 20 → good
    result = coal.evaluate(cell, unit="coal-07")
    assert (result.score, result.band_tier, result.tier) == (96, "excellent", "good")
    assert result.reason_codes == ("excellent-all-members-innovate",)
    # every member with an initiative: X2 → 4, 98, and the gate holds
    everyone = coal.evaluate({**cell, "members_with_initiative": 20}, unit="coal-08")
    assert (everyone.score, everyone.tier) == (98, "excellent")


def doc_fragment(word: str) -> str:
    """The one fragment of a derived file in docs/extending.md (a block opening with a comment)
    that contains ``word``."""
    text = (ROOT / "docs" / "extending.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(# .*?)```", text, re.DOTALL)
    (block,) = [block for block in blocks if word in block]
    return block


def test_the_move_in_the_docs_moves_2_4_after_3_1(base):
    moved = criteriakit.framework_from_dict(merge(base, doc_fragment('after = "3.1"')).data)
    criteria = moved.definition.criteria
    assert [indicator.id for indicator in criteria[1].indicators] == ["2.1", "2.2", "2.3"]
    assert [indicator.id for indicator in criteria[2].indicators] == ["3.1", "2.4", "3.2", "3.3"]
    before = criteriakit.framework_from_dict(without_none(base)).definition
    assert criteria[2].indicators[1] == before.criteria[1].indicators[3]
    assert (
        "  ~ indicator 2.4 criterion: 2 → 3"
        in diff_definitions(before, moved.definition).render().splitlines()
    )


def test_the_replacement_in_the_docs_keeps_nothing_of_the_base_s_indicator(base):
    data = merge(base, doc_fragment('indicators = ["2.2"]')).data
    replaced = criteriakit.framework_from_dict(data).definition.criteria[1].indicators[1]
    assert (replaced.id, replaced.title, replaced.scorer.type) == (
        "2.2",
        {"und": "Average attendance"},
        "linear",
    )
    # nothing is inherited: without its title, the replacement has none
    untitled = merge(
        base, doc_fragment('indicators = ["2.2"]').replace('title = "Average attendance"\n', "")
    )
    with pytest.raises(criteriakit.FrameworkError, match="missing required key 'title'"):
        criteriakit.framework_from_dict(untitled.data)


def test_the_2024_version_in_the_docs_is_open_from_2024(base):
    data = merge({**base, **DATED}, doc_fragment("valid_from = 2024-01-01")).data
    definition = criteriakit.framework_from_dict(data).definition
    assert (definition.valid_from, definition.valid_until) == (dt.date(2024, 1, 1), None)


@pytest.mark.skipif(sys.version_info < (3, 11), reason="the example uses tomllib")
def test_the_python_example_in_the_docs_prints_what_the_docs_say(tmp_path, monkeypatch, capsys):
    doc = (ROOT / "docs" / "extending.md").read_text(encoding="utf-8")
    (script,) = re.findall(r"```python\n(.*?)```", doc, re.DOTALL)
    frameworks = tmp_path / BASE_FILE.relative_to(ROOT).parent
    frameworks.mkdir(parents=True)
    shutil.copy(BASE_FILE, frameworks)
    (tmp_path / "vn.four-good-cell.coal-mining.toml").write_text(coal_toml(), encoding="utf-8")
    (tmp_path / "example.py").write_text(script, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    runpy.run_path("example.py")
    origin, diff = capsys.readouterr().out.split("\n", 1)
    assert origin == "('derived', ('criteria', 0, 'indicators', 0, 'points'))"
    assert f"`composition.origin(...)` gives `{origin}`" in doc
    shown = re.search(r"```text\n(vn\.four-good-cell@2024 → .*?\n)```", doc, re.DOTALL)
    assert shown is not None
    assert diff == shown.group(1)


# ---------------------------------------------------------------------- an empty patch


def test_an_empty_patch_gives_back_the_base(base):
    composition = compose(base, {"extends": "vn.four-good-cell@2024", "id": "x", "version": "2"})
    assert isinstance(composition, Composition)
    assert composition.data == without_none({**base, "id": "x", "version": "2"})
    rebuilt = criteriakit.framework_from_dict(composition.data).definition
    assert converter().unstructure(rebuilt) == {**base, "id": "x", "version": "2"}


VALUES = (
    st.none()
    | st.booleans()
    | st.integers(-10, 10)
    | st.floats(allow_nan=False)
    | st.text(max_size=6)
)
KEYS = st.sampled_from(("title", "points", "weight", "value", "message", "scorer", "policy"))
TABLES = st.dictionaries(KEYS, VALUES | st.dictionaries(KEYS, VALUES, max_size=2), max_size=3)
ARRAYS = st.sampled_from((list, tuple))


@st.composite
def bases(draw):
    """Framework-like plain data: compose looks only at ids and arrays, not at what they mean."""

    def entries(prefix, count, nested=None):
        made = []
        for index in range(count):
            entry = {**draw(TABLES), "id": f"{prefix}{index}"}
            if nested is not None:
                key, sub_prefix = nested
                entry[key] = draw(ARRAYS)(
                    entries(f"{entry['id']}{sub_prefix}", draw(st.integers(0, 3)))
                )
            made.append(entry)
        return draw(ARRAYS)(made)

    names = st.from_regex(r"[a-z_]{1,6}", fullmatch=True)
    data = {
        "id": "base",
        "version": "1",
        "title": draw(VALUES),
        "policy": draw(st.none() | st.dictionaries(KEYS, VALUES, max_size=2)),
        "inputs": draw(st.none() | st.dictionaries(names, TABLES, max_size=4)),
        "criteria": entries("c", draw(st.integers(0, 3)), ("indicators", ".")),
        "tiers": entries("t", draw(st.integers(0, 3)), ("gates", "-g")),
        "rules": entries("r", draw(st.integers(0, 3))),
    }
    kept = draw(st.sets(st.sampled_from(sorted(data))))
    return {key: value for key, value in data.items() if key in kept | {"id", "version"}}


def leaf_paths(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from leaf_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaf_paths(item, (*path, index))
    else:
        yield path


@given(bases(), st.sampled_from(("base", "other")))
def test_composing_with_an_empty_patch_gives_back_the_base(base_data, new_id):
    derived = {"extends": "base@1", "id": new_id, "version": "2"}
    composition = compose(base_data, derived)
    assert isinstance(composition, Composition)
    assert composition.data == without_none({**base_data, "id": new_id, "version": "2"})
    for path in leaf_paths(composition.data):
        expected = "derived" if path in {("id",), ("version",)} else "base"
        assert composition.origin(path) == (expected, path)


# ---------------------------------------------------------------------- at scale


def test_100000_unknown_ids_in_remove_are_each_reported_and_suggested_for_the_first_only(base):
    ids = [f"1.4x{index}" for index in range(100_000)]
    found = compose(base, {**tomllib.loads(HEADER), "remove": {"indicators": ids}})
    assert isinstance(found, list)
    assert len(found) == 100_000
    assert found[-1].message == (
        "the base framework vn.four-good-cell@2024 has no indicator '1.4x99999'"
    )
    shown = criteriakit.limits.current().reported_problems
    assert {problem.hint for problem in found[:shown]} == {"did you mean '1.4'?"}
    assert {problem.hint for problem in found[shown:]} == {None}


def test_a_chain_of_20000_moved_and_placed_indicators():
    count = 20_000
    indicators = [{"id": str(index), "points": 1} for index in range(count)]
    base = {
        "id": "big",
        "version": "1",
        "criteria": [
            {"id": "a", "indicators": indicators},
            {"id": "b", "indicators": [{"id": "b.1"}]},
        ],
    }
    # each moves to b, placed before the one before it: b gets them in reverse order, through
    # a chain 20,000 deep (placing must not recurse once per link)
    moved = [{"id": "0", "before": "b.1"}] + [
        {"id": str(index), "before": str(index - 1)} for index in range(1, count)
    ]
    derived = {
        "extends": "big@1",
        "id": "big",
        "version": "2",
        "criteria": [{"id": "b", "indicators": moved}],
    }
    composition = compose(base, derived)
    assert isinstance(composition, Composition), composition[:3]
    assert composition.data["criteria"][0]["indicators"] == []
    placed = composition.data["criteria"][1]["indicators"]
    assert [indicator["id"] for indicator in placed] == [*map(str, reversed(range(count))), "b.1"]
    assert placed[0] == {"id": str(count - 1), "points": 1}
    assert composition.origin(("criteria", 1, "indicators", 0, "points")) == (
        "base",
        ("criteria", 0, "indicators", count - 1, "points"),
    )


@st.composite
def moves(draw):
    """A base of criteria and indicators, and a patch moving and placing some indicators."""
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    criteria = [
        {"id": f"c{c}", "indicators": [{"id": f"c{c}.{i}", "n": i} for i in range(size)]}
        for c, size in enumerate(sizes)
    ]
    everything = [
        indicator["id"] for criterion in criteria for indicator in criterion["indicators"]
    ]
    given = draw(st.lists(st.sampled_from(everything), unique=True))
    owner = {indicator: draw(st.sampled_from(range(len(sizes)))) for indicator in given}
    home = {i["id"]: c for c, criterion in enumerate(criteria) for i in criterion["indicators"]}
    # before placing: those that stay in their place, then those moved in, in the file's order
    final = [
        [i["id"] for i in criterion["indicators"] if owner.get(i["id"], c) == c]
        + [indicator for indicator in given if owner[indicator] == c != home[indicator]]
        for c, criterion in enumerate(criteria)
    ]
    patch: list[dict] = [{"id": criterion["id"], "indicators": []} for criterion in criteria]
    for indicator in given:
        entry = {"id": indicator}
        siblings = [other for other in final[owner[indicator]] if other != indicator]
        if siblings and draw(st.booleans()):
            entry[draw(st.sampled_from(("before", "after")))] = draw(st.sampled_from(siblings))
        patch[owner[indicator]]["indicators"].append(entry)
    derived = {"extends": "base@1", "id": "moved", "version": "1", "criteria": patch}
    return {"id": "base", "version": "1", "criteria": criteria}, derived, final


@given(moves())
def test_moved_and_placed_indicators_end_where_they_were_told(drawn):
    base_data, derived, final = drawn
    composition = compose(base_data, derived)
    if isinstance(composition, list):
        assert composition
        assert all("which is placed next to it in turn" in found.message for found in composition)
        return
    for criterion, expected, given_here in zip(
        composition.data["criteria"],
        final,
        (entry["indicators"] for entry in derived["criteria"]),
        strict=True,
    ):
        order = [indicator["id"] for indicator in criterion["indicators"]]
        assert sorted(order) == sorted(expected)
        for entry in given_here:
            if "after" in entry:
                assert order.index(entry["id"]) > order.index(entry["after"])
            if "before" in entry:
                assert order.index(entry["id"]) < order.index(entry["before"])
        placed = {entry["id"] for entry in given_here if {"before", "after"} & set(entry)}
        assert [item for item in order if item not in placed] == [
            item for item in expected if item not in placed
        ]
        # an indicator keeps its keys wherever it goes, and no placing key is left in it
        assert all(set(indicator) == {"id", "n"} for indicator in criterion["indicators"])
