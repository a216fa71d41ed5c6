"""Frameworks travel to workers as data and are rebuilt there, once per process."""

from __future__ import annotations

import pickle
import shutil
import sys
import textwrap
from pathlib import Path

import attrs
import pytest
from engines import ACME

import criteriakit
from criteriakit import DataError, FrameworkError, PluginError, Registry, load_framework
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


# ---------------------------------------------------------------- local plugin files
# A local plugin directory's criteriakit_plugin.py is imported under a name of its own, which no
# worker can import: its code must be refused before anything is shipped.

HINT = (
    "install the plugin on the workers as a package, or import criteriakit_plugin by its name, "
    "give the module to Registry.load(plugins=...) and send the file to the workers "
    "(SparkContext.addPyFile, or spark.addArtifacts(..., pyfile=True) with Spark Connect; "
    "Client.upload_file in Dask): https://criteriakit.readthedocs.io/en/latest/clusters/"
)


def refusal(framework: str, plugin_file: Path, subjects: str, verb: str = "comes") -> str:
    """The message of the error refusing a local plugin file's ``subjects``."""
    return (
        f"1 problem:\n{plugin_file}: {framework} cannot be evaluated on the workers: {subjects} "
        f"{verb} from this local plugin file, which the workers cannot import\n  hint: {HINT}"
    )


@pytest.fixture
def local_modules(tmp_path):
    """Forget the local plugin files that a test imports from its temporary directory."""
    before = set(sys.modules)
    yield
    for name in set(sys.modules) - before:
        if str(getattr(sys.modules[name], "__file__", "")).startswith(str(tmp_path)):
            del sys.modules[name]


@pytest.mark.usefixtures("local_modules")
def test_a_local_plugin_files_code_is_refused_before_it_is_shipped(tmp_path):
    for name in ("acme.team-safety.toml", "criteriakit_plugin.py"):
        shutil.copy(ACME / name, tmp_path)
    registry = Registry.load(autoload=False, plugin_dirs=[tmp_path])
    assert not registry.problems
    acme = registry.get("acme.team-safety", "2025")
    with pytest.raises(FrameworkError) as caught:
        FrameworkRecipe.of(acme, 1)
    assert str(caught.value) == refusal(
        "acme.team-safety@2025",
        tmp_path / "criteriakit_plugin.py",
        "function 'incident_rate', scorer type 'diminishing' and hook criteriakit_validate_inputs",
        "come",
    )


PLUGIN_HEAD = """\
import math

import criteriakit
from criteriakit.expressions import NUMBER
"""

LOCAL_CODE = {
    "function 'halved'": """
        @criteriakit.hookimpl
        def criteriakit_register_functions(register):
            register(criteriakit.FunctionSpec("halved", (NUMBER,), NUMBER, lambda x: x / 2))
    """,
    "function 'distance'": """
        def distance(x, y):  # a columnar builder: the implementation is the standard library's
            return (x * x + y * y).sqrt()

        @criteriakit.hookimpl
        def criteriakit_register_functions(register):
            register(
                criteriakit.FunctionSpec(
                    "distance", (NUMBER, NUMBER), NUMBER, math.hypot, columnar=distance
                )
            )
    """,
    "scorer type 'root'": """
        def root(value, full_at):
            return math.sqrt(max(value, 0.0) / full_at)

        @criteriakit.hookimpl
        def criteriakit_register_scorers(register):
            register(criteriakit.function_scorer("root", root, parameters={"full_at": None}))
    """,
    "weighting 'weakest'": """
        def weakest(scores, maxima, max_score):
            return max_score * min(s / m for s, m in zip(scores, maxima) if m > 0)

        @criteriakit.hookimpl
        def criteriakit_register_weightings(register):
            register(criteriakit.Weighting("weakest", weakest))
    """,
    "hook criteriakit_validate_inputs": """
        @criteriakit.hookimpl
        def criteriakit_validate_inputs(framework, inputs):
            return []
    """,
    "hook criteriakit_adjust_result": """
        @criteriakit.hookimpl
        def criteriakit_adjust_result(framework, result):
            return None
    """,
}


@pytest.mark.usefixtures("local_modules")
@pytest.mark.parametrize("subject", list(LOCAL_CODE))
def test_every_kind_of_local_plugin_code_is_refused_used_or_not(subject, tmp_path, cell_file):
    plugin_file = tmp_path / "criteriakit_plugin.py"
    plugin_file.write_text(PLUGIN_HEAD + textwrap.dedent(LOCAL_CODE[subject]), encoding="utf-8")
    registry = Registry.load(autoload=False, plugin_dirs=[tmp_path, cell_file.parent])
    assert not registry.problems
    cell = registry.get("vn.four-good-cell", "2024")  # uses none of it: all of it would travel
    with pytest.raises(FrameworkError) as caught:
        FrameworkRecipe.of(cell, 2)
    assert str(caught.value) == refusal("vn.four-good-cell@2024", plugin_file, subject)
    (problem,) = caught.value.problems
    assert problem.file == str(plugin_file)


def test_a_local_directory_of_framework_files_alone_is_accepted(committee):
    assert shipped(FrameworkRecipe.of(committee, 3)).fingerprints  # conftest's local directory


# Plugin code needs the engines' cloudpickle to travel (a plugin's hooks hold its module):
# the engine tests ship these.


def test_an_installed_plugins_code_is_accepted(coal_mining):
    recipe = FrameworkRecipe.of(coal_mining, 2)
    assert "per_member" in recipe.extensions.functions


def test_a_plugin_file_imported_by_its_name_is_accepted(acme):
    recipe = FrameworkRecipe.of(acme, 1)  # the workers import it once it is sent to them
    assert recipe.extensions.functions["incident_rate"].implementation.__module__ == (
        "criteriakit_plugin"
    )


class _Adjuster:
    @criteriakit.hookimpl
    def criteriakit_adjust_result(self, result):
        return result


def test_a_plugin_that_adjusts_results_is_refused_on_the_driver(cell_file):
    registry = Registry.load(
        autoload=False, plugins=[("local-rules", _Adjuster())], plugin_dirs=[cell_file.parent]
    )
    cell = registry.get("vn.four-good-cell", "2024")
    with pytest.raises(
        PluginError, match=r"it adjusts the full results of vn\.four-good-cell@2024"
    ):
        FrameworkRecipe.of(cell, 2)
