"""Frameworks travel to workers as data and are rebuilt there, once per process."""

from __future__ import annotations

import pickle

import attrs
import pytest

from criteriakit import DataError, FrameworkError, load_framework
from criteriakit.distributed import _recipe
from criteriakit.distributed._recipe import FrameworkRecipe


def shipped(recipe: FrameworkRecipe) -> FrameworkRecipe:
    """The recipe as a worker receives it."""
    return pickle.loads(pickle.dumps(recipe))  # noqa: S301  our own bytes, as an engine ships them


def test_a_recipe_pickles_and_rebuilds_the_chain_of_frameworks(committee):
    recipe = shipped(FrameworkRecipe.of(committee, 3))
    rebuilt = recipe.frameworks()
    assert [framework.ref for framework in rebuilt] == [
        "vn.four-good-committee@2024",
        "vn.four-good-cell@2024",
        "vn.four-good-member@2024",
    ]
    assert rebuilt[0].compiled.children.framework is rebuilt[1]
    assert rebuilt[1].compiled.children.framework is rebuilt[2]
    assert [framework.fingerprint for framework in rebuilt] == list(recipe.fingerprints)
    assert [rule.id for rule in rebuilt[1].compiled.rules] == [
        rule.id for rule in committee.compiled.children.framework.compiled.rules
    ]


def test_a_chain_is_rebuilt_once_per_process(committee, monkeypatch):
    monkeypatch.setattr(_recipe, "_BUILT", {})
    first = shipped(FrameworkRecipe.of(committee, 2)).frameworks()
    second = shipped(FrameworkRecipe.of(committee, 2)).frameworks()
    assert first is second
    assert len(first) == 2


def test_a_framework_rebuilt_differently_is_refused(committee, monkeypatch):
    monkeypatch.setattr(_recipe, "_BUILT", {})
    recipe = FrameworkRecipe.of(committee, 1)
    changed = attrs.evolve(recipe, fingerprints=("sha256:elsewhere",))
    with pytest.raises(FrameworkError, match="sha256:elsewhere") as caught:
        changed.frameworks()
    assert "same versions of criteriakit" in str(caught.value)


def test_levels_below_a_framework_without_children_are_refused(cell_file):
    alone = load_framework(cell_file)  # loaded on its own: its children's framework is unknown
    with pytest.raises(DataError, match="was loaded on its own"):
        FrameworkRecipe.of(alone, 2)
