"""Derived frameworks through the registry: base first, chains, cycles, errors in the right file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import criteriakit
from criteriakit import Registry

SMALL = Path(__file__).parent / "data" / "good" / "small.toml"


def derived(extends: str, framework_id: str, body: str = "") -> str:
    return f'extends = "{extends}"\nid = "{framework_id}"\nversion = "1"\n{body}'


@pytest.fixture
def directory(tmp_path, monkeypatch):
    monkeypatch.delenv("CRITERIAKIT_PATH", raising=False)
    (tmp_path / "small.toml").write_text(SMALL.read_text())
    return tmp_path


def load(directory: Path) -> Registry:
    return Registry.load(autoload=False, plugin_dirs=[directory])


def test_a_chain_of_derived_frameworks_loads_base_first(directory):
    # file names sort the derived ones before their bases: the registry must wait for them
    (directory / "a-grandchild.toml").write_text(
        derived("test.child@1", "test.grandchild", '[remove]\nrules = ["nothing-done"]\n')
    )
    (directory / "b-child.toml").write_text(
        derived("test.small@1", "test.child", '[[tiers]]\nid = "good"\nmin_score = 60\n')
    )
    registry = load(directory)
    assert registry.problems == ()
    child = registry.get("test.child")
    grandchild = registry.get("test.grandchild")
    assert (child.base, grandchild.base) == ("test.small@1", "test.child@1")
    assert child.definition.tiers[0].min_score == 60
    assert grandchild.definition.tiers[0].min_score == 60
    assert grandchild.definition.rules == ()
    assert grandchild.evaluate({"done": 0, "planned": 4, "ok": True}).tier == "poor"


def test_cycles_are_reported_for_every_file_in_them(directory):
    (directory / "x.toml").write_text(derived("test.y@1", "test.x"))
    (directory / "y.toml").write_text(derived("test.x@1", "test.y"))
    registry = load(directory)
    messages = sorted(str(problem) for problem in registry.problems)
    assert len(messages) == 2
    assert messages[0].endswith(
        "x.toml: frameworks refer to each other in a cycle: test.x@1 → test.y@1 → test.x@1"
    )
    assert messages[1].endswith(
        "y.toml: frameworks refer to each other in a cycle: test.y@1 → test.x@1 → test.y@1"
    )
    assert registry.get("test.small").ref == "test.small@1"


def test_a_missing_base_is_reported_at_the_extends_key(directory):
    path = directory / "orphan.toml"
    path.write_text(derived("test.absent@1", "test.orphan"))
    registry = load(directory)
    (problem,) = registry.problems
    assert f"{path}:1:11: extends: no framework 'test.absent'" in str(problem)


def test_a_problem_in_the_derived_part_points_into_the_derived_file(directory):
    path = directory / "child.toml"
    path.write_text(
        derived(
            "test.small@1",
            "test.child",
            '[[tiers]]\nid = "good"\n\n[[tiers.gates]]\nid = "extra"\nrequire = "done >= plannd"\nmessage = "m"\n',
        )
    )
    (problem,) = registry_problems(directory)
    # the merged path is tiers[0].gates[1]; the derived file's own path is tiers[0].gates[0]
    assert f"{path}:9:20: tiers[0].gates[0].require: unknown input 'plannd'" in problem
    assert "hint: did you mean 'planned'?" in problem


def test_a_problem_in_the_base_part_points_into_the_base_file(directory):
    (directory / "child.toml").write_text(
        derived("test.small@1", "test.child", '[remove]\ninputs = ["planned"]\n')
    )
    problems = registry_problems(directory)
    assert len(problems) == 1
    base = directory / "small.toml"
    # the base's indicator a.1 and its gate read the removed input
    assert f"2 problems in {directory / 'child.toml'}:" in problems[0]
    assert f"{base}:25:17: criteria[0].indicators[0].value: unknown input 'planned'" in problems[0]
    assert f"{base}:43:20: tiers[0].gates[0].require: unknown input 'planned'" in problems[0]


def test_a_base_problem_is_placed_in_the_base_as_it_was_read(tmp_path):
    """The base is not read again from disk: a file changed since is not where problems point."""
    base_path = tmp_path / "small.toml"
    base_path.write_text(SMALL.read_text())
    base = criteriakit.load_framework(base_path)
    base_path.write_text("# rewritten since it was loaded\n" * 40)
    path = tmp_path / "child.toml"
    path.write_text(derived("test.small@1", "test.child", '[remove]\ninputs = ["planned"]\n'))
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.load_framework(path, resolve={"test.small@1": base}.__getitem__)
    placed = [(problem.file, problem.line, problem.column) for problem in caught.value.problems]
    assert placed == [(str(base_path), 25, 17), (str(base_path), 43, 20)]
    assert "value = " in (caught.value.problems[0].source_line or "")


def registry_problems(directory: Path) -> list[str]:
    return [str(problem) for problem in load(directory).problems]


def test_loading_a_derived_file_alone_says_what_is_needed(tmp_path):
    path = tmp_path / "child.toml"
    path.write_text(derived("test.small@1", "test.child"))
    with pytest.raises(criteriakit.FrameworkError) as caught:
        criteriakit.load_framework(path)
    problem = caught.value.problems[0]
    assert problem.message == "cannot find the base test.small@1: no registry"
    assert (
        problem.hint
        == "load it through a plugin directory (--plugin-dir) or a criteriakit.Registry"
    )
    base = criteriakit.load_framework(SMALL)
    child = criteriakit.load_framework(path, resolve={"test.small@1": base}.__getitem__)
    assert child.base == "test.small@1"
    assert child.fingerprint != base.fingerprint


def test_extends_must_name_a_version(tmp_path):
    path = tmp_path / "child.toml"
    path.write_text(derived("test.small", "test.child"))
    with pytest.raises(
        criteriakit.FrameworkError, match=r'extends must name a framework as "id@version"'
    ):
        criteriakit.load_framework(
            path, resolve=lambda _reference: criteriakit.load_framework(SMALL)
        )


# ---------------------------------------------------------------------- issue 12: moves and dates

TWO = """\
id = "test.two"
version = "1"
title = "Two criteria"
subject = "unit"

[inputs.done]
type = "integer"
min = 0

[inputs.planned]
type = "integer"
min = 0

[inputs.ok]
type = "bool"

[[criteria]]
id = "high"
title = "High"
points = 70

[[criteria.indicators]]
id = "done"
title = "Done"
value = "done / planned"
points = 50
scorer = { type = "linear", zero_at = 0, full_at = 1 }

[[criteria.indicators]]
id = "ok"
title = "OK"
value = "ok"
points = 20
scorer = { type = "boolean" }

[[criteria]]
id = "low"
title = "Low"
points = 30

[[criteria.indicators]]
id = "planned"
title = "Planned enough"
value = "planned"
points = 30
scorer = { type = "thresholds", bands = [{ min = 5, award = 30 }, { min = 1, award = 10 }] }

[[tiers]]
id = "good"
title = "Good"
min_score = 70

[[tiers]]
id = "poor"
title = "Poor"
"""

MOVE_OK = """\
[[criteria]]
id = "high"
points = 50

[[criteria]]
id = "low"
points = 50

[[criteria.indicators]]
id = "ok"
before = "planned"
"""


@pytest.fixture
def two(directory):
    (directory / "two.toml").write_text(TWO)
    return directory


def test_an_indicator_moved_to_another_criterion_is_rated_there_by_both_engines(two):
    pl = pytest.importorskip("polars")
    (two / "moved.toml").write_text(derived("test.two@1", "test.moved", MOVE_OK))
    registry = load(two)
    assert registry.problems == ()
    moved = registry.get("test.moved")
    high, low = moved.definition.criteria
    assert [indicator.id for indicator in high.indicators] == ["done"]
    assert [indicator.id for indicator in low.indicators] == ["ok", "planned"]
    assert low.indicators[0].title == {"und": "OK"}
    units = [
        {"id": "u1", "done": 4, "planned": 4, "ok": True},
        {"id": "u2", "done": 1, "planned": 4, "ok": True},
        {"id": "u3", "done": 6, "planned": 6, "ok": False},
    ]
    table = criteriakit.evaluate_frame(moved, pl.DataFrame(units)).to_dicts()
    rows = []
    for unit in units:
        result = moved.evaluate({key: unit[key] for key in ("done", "planned", "ok")})
        scores = {criterion.id: criterion.score for criterion in result.criteria}
        rows.append((result.score, result.tier, scores["high"], scores["low"]))
    # u1: high 50 · 4/4 = 50, low 20 + 10 = 30: 80; u2: 12.5 + 30 = 42.5; u3: 50 + 0 + 30 = 80
    assert rows == [(80, "good", 50, 30), (42.5, "poor", 12.5, 30), (80, "good", 50, 30)]
    assert [
        (row["score"], row["tier"], row["criterion:high"], row["criterion:low"]) for row in table
    ] == rows
    assert [row["indicator:ok"] for row in table] == [20, 20, 0]


def test_a_problem_of_a_moved_indicator_points_at_the_file_each_key_came_from(two):
    path = two / "moved.toml"
    path.write_text(derived("test.two@1", "test.moved", MOVE_OK + 'value = "ok and plannd > 0"\n'))
    (problem,) = registry_problems(two)
    assert f"{path}:15:17: criteria[1].indicators[0].value: unknown input 'plannd'" in problem
    # a criterion whose indicators no longer add up because of a move or a removal is the
    # derived file's problem: shown at the entry it gives for that criterion, or at the move
    path.write_text(derived("test.two@1", "test.moved", MOVE_OK.replace("points = 50\n", "", 1)))
    (problem,) = registry_problems(two)
    assert (
        f"{path}:4:1: criteria[0]: the points of the indicators of criterion 'high' add up to "
        "50, not 70"
    ) in problem
    path.write_text(
        derived(
            "test.two@1",
            "test.moved",
            '[remove]\nindicators = ["ok"]\n\n[[criteria]]\nid = "low"\n\n'
            '[[criteria.indicators]]\nid = "done"\n',
        )
    )
    (problem,) = registry_problems(two)
    assert f"{path}:10:1: criteria[0].indicators[0]: criterion 'high' has no indicators" in problem
    path.write_text(derived("test.two@1", "test.moved", '[remove]\nindicators = ["ok"]\n'))
    (problem,) = registry_problems(two)
    assert (
        f"{path}:5:15: remove.indicators[0]: the points of the indicators of criterion 'high' "
        "add up to 50, not 70"
    ) in problem


def test_placing_an_indicator_next_to_one_its_criterion_lacks_points_into_the_derived_file(two):
    path = two / "moved.toml"
    path.write_text(derived("test.two@1", "test.moved", MOVE_OK.replace('"planned"', '"plan"')))
    (problem,) = registry_problems(two)
    assert (
        f"{path}:14:10: criteria[1].indicators[0].before: criterion 'low' has no indicator "
        "'plan' to place 'ok' before"
    ) in problem
    assert "hint: did you mean 'planned'?" in problem


def test_the_2024_version_extends_the_2023_one_that_ends(directory):
    small = SMALL.read_text().replace(
        'version = "1"', 'version = "2023"\nvalid_from = 2023-01-01\nvalid_until = 2023-12-31'
    )
    (directory / "small.toml").write_text(small)
    (directory / "small-2024.toml").write_text(
        'extends = "test.small@2023"\nid = "test.small"\nversion = "2024"\n'
        "valid_from = 2024-01-01\n"
    )
    registry = load(directory)
    assert registry.problems == ()
    current = registry.get("test.small", on=dt.date(2025, 6, 1))
    assert (current.version, current.base) == ("2024", "test.small@2023")
    assert (current.definition.valid_from, current.definition.valid_until) == (
        dt.date(2024, 1, 1),
        None,
    )
    assert registry.get("test.small", on=dt.date(2023, 6, 1)).version == "2023"
    with pytest.raises(criteriakit.UnknownFrameworkError):
        registry.get("test.small", on=dt.date(2022, 6, 1))


def test_dates_a_derived_file_gives_that_contradict_each_other_point_into_it(directory):
    path = directory / "child.toml"
    path.write_text(
        derived("test.small@1", "test.child", "valid_from = 2024-01-01\nvalid_until = 2023-12-31\n")
    )
    (problem,) = registry_problems(directory)
    assert (
        f"{path}:5:15: valid_until: valid_until 2023-12-31 is before valid_from 2024-01-01"
        in problem
    )


def test_remove_keys_problems_point_into_the_derived_file(directory):
    path = directory / "child.toml"
    path.write_text(derived("test.small@1", "test.child", '[remove]\nkeys = ["valid_untill"]\n'))
    (problem,) = registry_problems(directory)
    assert (
        f"{path}:5:9: remove.keys[0]: 'valid_untill' is not a value [remove] keys can clear"
        in problem
    )
    assert "hint: did you mean 'valid_until'?" in problem
