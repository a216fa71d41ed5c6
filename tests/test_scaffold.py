"""criteriakit new-plugin: a plugin distribution whose tests pass once installed."""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import criteriakit
from criteriakit.cli import build_cli
from criteriakit.cli._scaffold import (
    PluginNames,
    ScaffoldError,
    create_plugin,
    plugin_names,
    requirement,
)

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]
FILES = {
    "pyproject.toml",
    "README.md",
    ".gitignore",
    "src/criteriakit_acme_coal/__init__.py",
    "src/criteriakit_acme_coal/py.typed",
    "src/criteriakit_acme_coal/frameworks/acme-coal.team-review.toml",
    "tests/test_acme_coal.py",
    "tests/test_acme_coal_cases.toml",
}
# the generated tests: 5 in Python and 8 cases
RESULTS = re.compile(r"^(\d+) passed", re.MULTILINE)


def test_names_derive_from_the_plugin_name():
    assert plugin_names("acme-coal") == PluginNames(
        folder="acme-coal",
        distribution="criteriakit-acme-coal",
        package="criteriakit_acme_coal",
        entry_point="acme-coal",
        module="acme_coal",
        framework_id="acme-coal.team-review",
    )
    assert plugin_names("criteriakit-acme2") == PluginNames(
        folder="criteriakit-acme2",
        distribution="criteriakit-acme2",
        package="criteriakit_acme2",
        entry_point="acme2",
        module="acme2",
        framework_id="acme2.team-review",
    )


@pytest.mark.parametrize(
    "name",
    ["Acme", "acme_coal", "1acme", "acme-", "-acme", "acme--coal", "acme coal", "", "a" * 61],
)
def test_invalid_names_are_refused(name, tmp_path):
    message = (
        f"invalid plugin name {name!r}: use lower-case letters and digits, in words joined by "
        "'-', starting with a letter, at most 60 characters (like 'acme-coal')"
    )
    with pytest.raises(ScaffoldError) as raised:
        create_plugin(name, tmp_path)
    assert str(raised.value) == message
    assert list(tmp_path.iterdir()) == []


def test_criteriakit_itself_is_not_a_plugin_name():
    with pytest.raises(ScaffoldError, match=r"^invalid plugin name 'criteriakit': name the plugin"):
        plugin_names("criteriakit")


def test_the_plugin_folder_holds_a_distribution(tmp_path):
    written = create_plugin("acme-coal", tmp_path)
    folder = tmp_path / "acme-coal"
    assert {path.relative_to(folder).as_posix() for path in written} == FILES
    assert {
        path.relative_to(folder).as_posix() for path in folder.rglob("*") if path.is_file()
    } == FILES
    project = tomllib.loads((folder / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["name"] == "criteriakit-acme-coal"
    assert project["project"]["dependencies"] == [requirement(criteriakit.__version__)]
    assert project["project"]["entry-points"]["criteriakit"] == {
        "acme-coal": "criteriakit_acme_coal"
    }
    assert project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"] == [
        "src/criteriakit_acme_coal"
    ]
    framework = criteriakit.load_framework(
        folder / "src/criteriakit_acme_coal/frameworks/acme-coal.team-review.toml"
    )
    assert (framework.ref, framework.title()) == (
        "acme-coal.team-review@1",
        "Acme coal team review",
    )
    for path in written:
        assert "${" not in path.read_text(encoding="utf-8"), path


def test_an_existing_folder_is_never_overwritten(tmp_path):
    (tmp_path / "acme-coal").mkdir()
    (tmp_path / "acme-coal" / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(ScaffoldError) as raised:
        create_plugin("acme-coal", tmp_path)
    assert str(raised.value) == (
        f"{tmp_path / 'acme-coal'} exists already: choose another name or move it away"
    )
    assert [path.name for path in (tmp_path / "acme-coal").iterdir()] == ["notes.txt"]


def test_a_file_in_the_way_is_not_overwritten(tmp_path):
    (tmp_path / "acme-coal").write_text("mine", encoding="utf-8")
    with pytest.raises(ScaffoldError, match="exists already"):
        create_plugin("acme-coal", tmp_path)
    assert (tmp_path / "acme-coal").read_text(encoding="utf-8") == "mine"


def test_the_command_creates_the_folder_in_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    created = runner.invoke(build_cli(), ["new-plugin", "acme-coal"])
    assert created.exit_code == 0, created.output
    assert created.output.splitlines()[0] == (
        "created acme-coal/: the distribution criteriakit-acme-coal, "
        "package criteriakit_acme_coal, entry point acme-coal"
    )
    assert "  acme-coal/tests/test_acme_coal_cases.toml" in created.output.splitlines()
    assert (tmp_path / "acme-coal" / "pyproject.toml").is_file()

    again = runner.invoke(build_cli(), ["new-plugin", "acme-coal"])
    assert again.exit_code == 1
    assert again.stderr == (
        "error: acme-coal exists already: choose another name or move it away\n"
    )


def test_the_command_refuses_an_invalid_name_as_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(build_cli(), ["new-plugin", "Acme"])
    assert result.exit_code == 2
    assert "Invalid value for NAME: invalid plugin name 'Acme'" in result.stderr
    assert list(tmp_path.iterdir()) == []


def _clean_environment(**extra: str) -> dict[str, str]:
    """The environment without what would point Python, pytest or criteriakit elsewhere."""
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in {"PYTHONPATH", "PYTEST_ADDOPTS", "PYTEST_PLUGINS", "HYPOTHESIS_PROFILE"}
        and not name.startswith("CRITERIAKIT_")
    }
    return {**environment, **extra}


def test_the_generated_tests_pass_in_place(tmp_path):
    create_plugin("acme-coal", tmp_path)
    folder = tmp_path / "acme-coal"
    library = Path(criteriakit.__file__).resolve().parents[1]
    # the case files need criteriakit's pytest plugin, found by its entry point once installed
    installed = importlib.metadata.entry_points(group="pytest11", name="criteriakit")
    plugin = [] if installed else ["-p", "criteriakit.testing.pytest_plugin"]
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            *plugin,
            # not installed here: the slow test below checks the entry point
            "--deselect",
            "tests/test_acme_coal.py::test_the_plugin_is_installed_in_the_criteriakit_entry_point_group",
        ],
        cwd=folder,
        env=_clean_environment(PYTHONPATH=os.pathsep.join([str(folder / "src"), str(library)])),
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert RESULTS.search(completed.stdout)[1] == "12", completed.stdout


@pytest.mark.slow
def test_the_plugin_installs_into_a_fresh_virtual_environment_and_its_tests_pass(tmp_path):
    environment = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(environment)], check=True, timeout=60)
    python = environment / ("Scripts" if os.name == "nt" else "bin") / "python"

    def run(*arguments: str, cwd: Path = tmp_path) -> str:
        completed = subprocess.run(
            [str(python), *arguments],
            cwd=cwd,
            env=_clean_environment(PIP_DISABLE_PIP_VERSION_CHECK="1"),
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
        return completed.stdout

    # the installed criteriakit (its wheel, templates included) generates the plugin
    run("-m", "pip", "install", "--quiet", f"{ROOT}[cli]")
    run("-m", "criteriakit", "new-plugin", "acme-coal")
    run("-m", "pip", "install", "--quiet", f"{tmp_path / 'acme-coal'}[test]")
    output = run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=tmp_path / "acme-coal")
    assert RESULTS.search(output)[1] == "13", output


def test_the_page_shows_what_the_command_prints(tmp_path, monkeypatch):
    page = (ROOT / "docs" / "new-plugin.md").read_text(encoding="utf-8")
    session = re.search(
        r"```console\n\$ criteriakit new-plugin acme-coal\n(.*?)\$ cd", page, re.DOTALL
    )
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(build_cli(), ["new-plugin", "acme-coal"])
    assert result.output == session[1]
    errors = re.findall(r"^\| .+? \| (\d) .*?\| `(.+)` \|$", page, re.MULTILINE)
    invalid = (
        "Invalid value for NAME: invalid plugin name 'Acme_Coal': use lower-case letters and "
        "digits, in words joined by '-', starting with a letter, at most 60 characters "
        "(like 'acme-coal')"
    )
    assert errors == [
        ("2", invalid),
        ("1", "error: acme-coal exists already: choose another name or move it away"),
    ]
    refused = CliRunner().invoke(build_cli(), ["new-plugin", "Acme_Coal"])
    assert (refused.exit_code, invalid) == (
        2,
        refused.stderr.splitlines()[-1].removeprefix("Error: "),
    )
    again = CliRunner().invoke(build_cli(), ["new-plugin", "acme-coal"])
    assert again.stderr == f"{errors[1][1]}\n"


@pytest.mark.parametrize(
    ("version", "expected"),
    [
        ("0.1.0.dev248+ga2b53fa18", "criteriakit>=0.1.0.dev0,<0.2"),
        ("0.1.0", "criteriakit>=0.1.0,<0.2"),
        ("0.3.2", "criteriakit>=0.3.2,<0.4"),
        ("1.4.0", "criteriakit>=1.4.0,<2"),
        ("2.0", "criteriakit>=2.0.0,<3"),
        ("0.0.0+unknown", "criteriakit>=0.0.0.dev0,<0.1"),
    ],
)
def test_a_new_plugin_depends_on_this_release_series(version, expected):
    # a bounded range: a plugin made today keeps working until criteriakit may break it
    assert requirement(version) == expected
