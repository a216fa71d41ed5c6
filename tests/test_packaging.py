"""What the package says about itself is true: licence, Python versions, version, hooks."""

from __future__ import annotations

import importlib.metadata
import json
import re
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import criteriakit
from criteriakit.cli import build_cli

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib


ROOT = Path(__file__).resolve().parents[1]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_the_licence_file_is_the_licence_the_metadata_names():
    assert PROJECT["license"] == "MIT"
    assert PROJECT["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text


def test_every_supported_python_has_its_classifier():
    lowest = re.fullmatch(r">=3\.(\d+)", PROJECT["requires-python"])
    assert lowest is not None
    minors = sorted(
        int(found.group(1))
        for classifier in PROJECT["classifiers"]
        if (found := re.fullmatch(r"Programming Language :: Python :: 3\.(\d+)", classifier))
    )
    assert minors == list(range(int(lowest.group(1)), minors[-1] + 1))  # none left out
    assert sys.version_info.minor in minors  # the one running these tests among them


def editable() -> bool:
    """Whether criteriakit is installed in editable mode (its version file any build's since)."""
    direct = importlib.metadata.distribution("criteriakit").read_text("direct_url.json")
    return direct is not None and json.loads(direct).get("dir_info", {}).get("editable", False)


def test_the_version_is_the_installed_distributions():
    # written by the build from the git tags (hatch-vcs), so it cannot drift from the metadata
    # (an editable install's file is rewritten by every later build of the checkout)
    if not editable():
        assert criteriakit.__version__ == importlib.metadata.version("criteriakit")
    assert re.fullmatch(
        r"\d+\.\d+\.\d+((a|b|rc)\d+)?(\.post\d+)?(\.dev\d+)?(\+[\w.]+)?", criteriakit.__version__
    )
    for flag in ("--version", "-V"):
        shown = CliRunner().invoke(build_cli(), [flag])
        assert shown.exit_code == 0
        assert shown.output == f"criteriakit, version {criteriakit.__version__}\n"


def test_the_plugins_depend_on_a_bounded_criteriakit():
    for pyproject in sorted((ROOT / "plugins").glob("*/pyproject.toml")):
        project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
        for requirement in project["dependencies"]:
            assert re.fullmatch(r"[\w-]+>=[\w.]+,<[\w.]+", requirement), (pyproject, requirement)


HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("hook", "path", "runs"),
    [
        ("criteriakit-lint", "frameworks/acme.safety.toml", True),
        ("criteriakit-lint", "plugins/x/src/x/frameworks/vn.cell.toml", True),
        ("criteriakit-lint", "tests/test_safety.toml", False),
        ("criteriakit-lint", "pyproject.toml", False),
        ("criteriakit-lint", "notes.md", False),
        ("criteriakit-test", "tests/test_safety.toml", True),
        ("criteriakit-test", "frameworks/acme.safety.toml", False),
    ],
)
def test_the_pre_commit_hooks_run_on_the_files_they_check(hook, path, runs):
    (found,) = [each for each in HOOKS if each["id"] == hook]
    chosen = re.search(found["files"], path) is not None
    if "exclude" in found:
        chosen = chosen and re.search(found["exclude"], path) is None
    assert chosen == runs


@pytest.mark.parametrize("hook", [each["id"] for each in HOOKS])
def test_each_pre_commit_hook_runs_a_real_command(hook):
    (found,) = [each for each in HOOKS if each["id"] == hook]
    program, command = found["entry"].split()
    assert program == "criteriakit"
    assert command in build_cli().commands
    assert found["language"] == "python"
    # the cli extra's dependencies, which installing the hook's repository does not bring
    cli = PROJECT["optional-dependencies"]["cli"]
    assert sorted(found["additional_dependencies"]) == sorted(cli)
