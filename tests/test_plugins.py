"""Plugins: in-process, local directories and real entry points; the registry and its errors."""

from __future__ import annotations

import datetime as dt
import sys
import textwrap
import warnings
from pathlib import Path

import pytest

import criteriakit
from criteriakit import FunctionSpec, Registry, hookimpl
from criteriakit.expressions import NUMBER

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ROOT / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks"
CELL = FRAMEWORKS / "vn.four-good-cell.toml"
MEMBER = FRAMEWORKS / "vn.four-good-member.toml"  # the cell's [children] framework
SMALL = ROOT / "tests" / "data" / "good" / "small.toml"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in (
        "CRITERIAKIT_PATH",
        "CRITERIAKIT_DISABLE_PLUGINS",
        "CRITERIAKIT_DISABLE_PLUGIN_AUTOLOAD",
    ):
        monkeypatch.delenv(name, raising=False)


class CellPlugin:
    @hookimpl
    def criteriakit_register_frameworks(self, register):
        register(MEMBER)
        register(CELL)


def registry(*plugins: tuple[str, object], **options) -> Registry:
    return Registry.load(autoload=False, plugins=plugins, **options)


def test_in_process_plugin_registers_a_framework():
    reg = registry(("cells", CellPlugin()))
    assert reg.problems == ()
    framework = reg.get("vn.four-good-cell")
    assert framework.ref == "vn.four-good-cell@2024"
    assert reg.resolve("vn.four-good-cell@2024") is framework
    assert reg.frameworks["vn.four-good-cell", "2024"].plugin.name == "cells"
    assert reg.plugins.info("cells").hooks == ("criteriakit_register_frameworks",)


def test_unknown_ids_and_versions_list_what_exists():
    reg = registry(("cells", CellPlugin()))
    with pytest.raises(criteriakit.UnknownFrameworkError) as caught:
        reg.get("vn.four-good-cel")
    assert str(caught.value) == (
        "no framework 'vn.four-good-cel'; did you mean 'vn.four-good-cell'? registered frameworks: vn.four-good-cell, vn.four-good-member"
    )
    with pytest.raises(
        criteriakit.UnknownFrameworkError, match="has no version '2019'; versions: 2024"
    ):
        reg.get("vn.four-good-cell", "2019")


def versioned(
    tmp_path: Path, version: str, valid_from: str, valid_until: str | None = None
) -> Path:
    text = SMALL.read_text().replace(
        'version = "1"', f'version = "{version}"\nvalid_from = {valid_from}'
    )
    if valid_until:
        text = text.replace(
            f"valid_from = {valid_from}", f"valid_from = {valid_from}\nvalid_until = {valid_until}"
        )
    path = tmp_path / f"small-{version}.toml"
    path.write_text(text)
    return path


def test_the_version_valid_on_a_date(tmp_path):
    versioned(tmp_path, "2019", "2019-01-01", "2022-12-31")
    versioned(tmp_path, "2023", "2023-01-01", "2024-12-31")
    versioned(tmp_path, "2025", "2025-01-01")
    reg = registry(plugin_dirs=[tmp_path])
    assert reg.problems == ()
    assert reg.get("test.small", on=dt.date(2020, 6, 1)).version == "2019"
    assert reg.get("test.small", on=dt.date(2024, 12, 31)).version == "2023"
    assert reg.get("test.small", on=dt.date(2026, 1, 1)).version == "2025"
    assert (
        criteriakit.get_framework("test.small", on=dt.date(2025, 3, 1), registry=reg).version
        == "2025"
    )
    with pytest.raises(criteriakit.UnknownFrameworkError) as caught:
        reg.get("test.small", on=dt.date(2018, 1, 1))
    assert str(caught.value) == (
        "no version of 'test.small' is valid on 2018-01-01; versions: "
        "2019 (2019-01-01 .. 2022-12-31); 2023 (2023-01-01 .. 2024-12-31); 2025 (2025-01-01 ..)"
    )


def test_overlapping_versions_are_ambiguous(tmp_path):
    versioned(tmp_path, "a", "2024-01-01")
    versioned(tmp_path, "b", "2024-06-01")
    reg = registry(plugin_dirs=[tmp_path])
    assert reg.get("test.small", on=dt.date(2024, 3, 1)).version == "a"
    with pytest.raises(
        criteriakit.UnknownFrameworkError,
        match=r"2 versions of 'test.small' are valid on 2024-07-01; give the version",
    ):
        reg.get("test.small", on=dt.date(2024, 7, 1))


def test_duplicate_registration_names_both_plugins():
    reg = registry(("first", CellPlugin()), ("second", CellPlugin()))
    assert len(reg.problems) == 2
    problem = reg.problems[1]
    assert problem.hook == "criteriakit_register_frameworks"
    assert str(problem).endswith(
        "framework vn.four-good-cell@2024 is already registered by plugin 'second'"
    )
    assert problem.plugin == "first"


def test_a_plugin_function_is_usable_in_frameworks(tmp_path):
    class Functions:
        @hookimpl
        def criteriakit_register_functions(self, register):
            register(
                FunctionSpec(
                    "per_member", (NUMBER, NUMBER), NUMBER, lambda a, b: a / b if b else None
                )
            )

    framework_file = tmp_path / "f.toml"
    framework_file.write_text(
        SMALL.read_text().replace('value = "done / planned"', 'value = "per_member(done, planned)"')
    )
    reg = registry(("functions", Functions()), plugin_dirs=[tmp_path])
    assert reg.problems == ()
    assert reg.get("test.small").evaluate({"done": 3, "planned": 4, "ok": True}).score == 85
    assert reg.origins["function", "per_member"].name == "functions"


def test_invalid_registrations_are_reported_and_the_rest_works():
    class Broken:
        @hookimpl
        def criteriakit_register_frameworks(self, register):
            register(42)
            register(ROOT / "tests" / "data" / "bad" / "unknown-tier.toml")
            register(CELL)
            raise RuntimeError("boom")

    reg = registry(("broken", Broken()))
    messages = [str(problem) for problem in reg.problems]
    assert (
        messages[0]
        == "plugin 'broken', hook criteriakit_register_frameworks: raised RuntimeError: boom"
    )
    assert messages[1].endswith("registered int; register a framework file path or a Framework")
    assert "unknown tier 'pore'" in messages[2]
    assert reg.get("vn.four-good-cell").ref == "vn.four-good-cell@2024"


@pytest.mark.parametrize("option", ["wrapper", "hookwrapper"])
def test_a_wrapper_implementation_is_refused_at_registration(option):
    class Wrapping:
        @hookimpl(**{option: True})
        def criteriakit_validate_inputs(self, framework, inputs):  # noqa: ARG002 - never called
            yield

        @hookimpl
        def criteriakit_register_frameworks(self, register):
            register(CELL)

    reg = registry(("wrapping", Wrapping()))
    [problem] = reg.problems
    assert str(problem) == (
        "plugin 'wrapping', hook criteriakit_validate_inputs: implements "
        "criteriakit_validate_inputs as a wrapper (hookimpl with wrapper=True or "
        "hookwrapper=True); criteriakit calls each plugin's implementation on its own: "
        "drop the wrapper option"
    )
    assert (problem.plugin, problem.hook) == ("wrapping", "criteriakit_validate_inputs")
    # the whole plugin is refused: nothing it registers is used
    assert [info.name for info in reg.plugins.infos] == ["criteriakit"]
    assert not reg.frameworks


def test_a_misspelled_hook_is_an_error_naming_the_plugin():
    class Misspelled:
        @hookimpl
        def criteriakit_register_framework(self, register):
            register(CELL)

    reg = registry(("typo", Misspelled()))
    assert len(reg.problems) == 1
    assert str(reg.problems[0]).startswith(
        "plugin 'typo', hook criteriakit_register_framework: implements unknown hook 'criteriakit_register_framework'"
    )
    assert reg.frameworks == {}


def test_wrong_hook_arguments_are_an_error():
    class WrongArguments:
        @hookimpl
        def criteriakit_register_frameworks(self, register, extra):  # noqa: ARG002  the extra argument is the mistake under test
            register(CELL)

    reg = registry(("wrong", WrongArguments()))
    assert "extra" in str(reg.problems[0])
    assert reg.problems[0].plugin == "wrong"


def test_blocking_by_option_and_environment(monkeypatch):
    assert registry(("cells", CellPlugin()), disabled=["cells"]).frameworks == {}
    monkeypatch.setenv("CRITERIAKIT_DISABLE_PLUGINS", "other, cells")
    assert registry(("cells", CellPlugin())).frameworks == {}


def test_local_directory_with_frameworks_and_a_python_plugin(tmp_path, monkeypatch):
    (tmp_path / "cell.toml").write_text(CELL.read_text())
    (tmp_path / "member.toml").write_text(MEMBER.read_text())
    (tmp_path / "criteriakit_plugin.py").write_text(
        textwrap.dedent(
            """
            from criteriakit import FunctionSpec, hookimpl
            from criteriakit.expressions import NUMBER

            @hookimpl
            def criteriakit_register_functions(register):
                register(FunctionSpec("double", (NUMBER,), NUMBER, lambda x: 2 * x))
            """
        )
    )
    monkeypatch.setenv("CRITERIAKIT_PATH", str(tmp_path))
    reg = Registry.load(autoload=False)
    assert reg.problems == ()
    assert "double" in reg.extensions.functions
    assert reg.get("vn.four-good-cell").version == "2024"
    names = [info.name for info in reg.plugins.infos]
    assert names == [
        "criteriakit",
        f"local:{tmp_path}",
        f"local:{tmp_path / 'criteriakit_plugin.py'}",
    ]


def test_a_directory_named_by_the_variable_and_the_option_is_loaded_once(tmp_path, monkeypatch):
    (tmp_path / "criteriakit_plugin.py").write_text("")
    monkeypatch.setenv("CRITERIAKIT_PATH", str(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # pluggy's "already registered" would be a warning
        reg = Registry.load(autoload=False, plugin_dirs=[tmp_path / ".." / tmp_path.name])
    assert reg.problems == ()
    names = [info.name for info in reg.plugins.infos]
    assert names == [
        "criteriakit",
        f"local:{tmp_path}",
        f"local:{tmp_path / 'criteriakit_plugin.py'}",
    ]


def test_a_broken_local_plugin_file_and_a_missing_directory(tmp_path):
    (tmp_path / "criteriakit_plugin.py").write_text("import does_not_exist\n")
    reg = registry(plugin_dirs=[tmp_path, tmp_path / "absent"])
    messages = [str(problem) for problem in reg.problems]
    assert messages[0].startswith(
        f"plugin 'local:{tmp_path / 'criteriakit_plugin.py'}': failed to import"
    )
    assert "ModuleNotFoundError: No module named 'does_not_exist'" in messages[0]
    assert (
        messages[1]
        == f"plugin 'local:{tmp_path / 'absent'}': {tmp_path / 'absent'} is not a directory"
    )


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """Install two distributions with criteriakit entry points onto sys.path: one works, one is broken."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "good_cells.py").write_text(
        textwrap.dedent(
            f"""
            from criteriakit import hookimpl

            @hookimpl
            def criteriakit_register_frameworks(register):
                register({str(MEMBER)!r})
                register({str(CELL)!r})
            """
        )
    )
    (site / "broken_plugin.py").write_text("raise ImportError('the plugin is broken')\n")
    for dist, module in (("good_cells", "good_cells"), ("broken_plugin", "broken_plugin")):
        info = site / f"{dist}-1.2.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.2\n")
        (info / "entry_points.txt").write_text(f"[criteriakit]\n{dist} = {module}\n")
    monkeypatch.syspath_prepend(str(site))
    # the real plugins, when installed, would register the same framework as good_cells
    monkeypatch.setenv("CRITERIAKIT_DISABLE_PLUGINS", "vn-party,vn-coal")
    yield site
    for module in ("good_cells", "broken_plugin"):
        sys.modules.pop(module, None)


@pytest.mark.usefixtures("installed")
def test_entry_points_load_and_a_broken_one_names_its_distribution():
    reg = Registry.load()
    assert reg.get("vn.four-good-cell").ref == "vn.four-good-cell@2024"
    assert reg.frameworks["vn.four-good-cell", "2024"].plugin.distribution == "good_cells 1.2"
    broken = [problem for problem in reg.problems if problem.plugin == "broken_plugin"]
    expected = (
        "plugin 'broken_plugin' (distribution broken_plugin 1.2): "
        "failed to import 'broken_plugin': ImportError: the plugin is broken"
    )
    assert [str(problem) for problem in broken] == [expected]


@pytest.mark.usefixtures("installed")
def test_autoload_can_be_turned_off(monkeypatch):
    assert Registry.load(autoload=False).frameworks == {}
    monkeypatch.setenv("CRITERIAKIT_DISABLE_PLUGIN_AUTOLOAD", "1")
    assert Registry.load().frameworks == {}
    monkeypatch.delenv("CRITERIAKIT_DISABLE_PLUGIN_AUTOLOAD")
    assert Registry.load(disabled=["broken_plugin"]).problems == ()


def test_a_framework_whose_children_are_not_registered_still_works_with_direct_inputs():
    class CellOnly:
        @hookimpl
        def criteriakit_register_frameworks(self, register):
            register(CELL)

    reg = registry(("cell-only", CellOnly()))
    expected = (
        "plugin 'cell-only', hook criteriakit_register_frameworks: vn.four-good-cell@2024 rates its children"
        " with vn.four-good-member@2024, which is not registered: it evaluates units with direct inputs only"
    )
    assert [str(problem) for problem in reg.problems] == [expected]
    framework = reg.get("vn.four-good-cell")
    assert framework.compiled.children is None


def test_local_directories_skip_test_case_files(tmp_path):
    frameworks = ROOT / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks"
    framework = frameworks / "vn.four-good-member.toml"
    (tmp_path / framework.name).write_text(framework.read_text())
    (tmp_path / "test_cases.toml").write_text('framework = "x@1"\n')
    loaded = Registry.load(autoload=False, plugin_dirs=[tmp_path])
    assert not loaded.problems
    assert len(loaded.frameworks) == 1
