"""Derived frameworks through the registry: base first, chains, cycles, errors in the right file."""

from __future__ import annotations

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
