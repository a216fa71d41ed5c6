"""Start-up: ``import criteriakit`` and the pytest plugin import only what a call needs.

The times are measured in ``benchmarks/startup.py``; here, what is imported: a fresh
interpreter lists its modules after the import (nothing is timed).
"""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import criteriakit

HEAVY = ("attrs", "cattrs", "pluggy", "polars", "narwhals", "click")


def imported_after(code: str) -> set[str]:
    """The modules a fresh interpreter holds after running ``code``."""
    shown = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys\nprint('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(shown.stdout.split())


def test_importing_criteriakit_imports_none_of_its_parts_nor_its_dependencies():
    modules = imported_after("import criteriakit")
    assert {name for name in modules if name.startswith("criteriakit")} == {
        "criteriakit",
        "criteriakit._version",
        "criteriakit._built_version",  # the version the build wrote: one line
    }
    assert not set(HEAVY) & modules


def test_a_public_name_imports_what_it_needs_on_first_use():
    modules = imported_after("import criteriakit\ncriteriakit.FrameworkError")
    assert "criteriakit.errors" in modules
    assert "criteriakit.loading" not in modules
    assert "polars" not in imported_after("import criteriakit\ncriteriakit.load_framework")


@pytest.mark.parametrize("name", sorted(criteriakit.__all__))
def test_every_public_name_is_the_object_its_module_defines(name):
    value = getattr(criteriakit, name)
    assert name in dir(criteriakit)
    if name not in {"limits", "__version__"}:
        home = importlib.import_module(criteriakit._HOME[name])
        assert getattr(home, name) is value


def test_the_lazy_table_names_exactly_the_public_names():
    assert set(criteriakit._HOME) | {"limits", "__version__"} == set(criteriakit.__all__)


def test_an_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'Framwork'"):
        criteriakit.Framwork  # noqa: B018 - the access is the test


def test_names_imported_from_criteriakit_work_as_before():
    namespace: dict[str, object] = {}
    exec("from criteriakit import Framework, limits, evaluate_frame", namespace)  # noqa: S102
    assert namespace["limits"] is importlib.import_module("criteriakit.limits")
    assert callable(namespace["evaluate_frame"])


def test_the_pytest_plugin_imports_nothing_of_criteriakit_until_used():
    modules = imported_after("import criteriakit.testing.pytest_plugin")
    assert {name for name in modules if name.startswith("criteriakit")} == {
        "criteriakit",
        "criteriakit._version",
        "criteriakit._built_version",
        "criteriakit.testing",
        "criteriakit.testing.pytest_plugin",
    }
    assert not {"attrs", "cattrs", "polars"} & modules
