"""The command line for programs and shells: lint as JSON and SARIF, --plugin-dir after a command,
-V, help texts with examples, and shell completion of framework ids."""

from __future__ import annotations

import email.message
import json
import re
import shutil
from importlib import metadata
from pathlib import Path

import pytest
from click.testing import CliRunner

from criteriakit.cli import build_cli

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORK = str(
    ROOT / "plugins/criteriakit-vn-party/src/criteriakit_vn_party/frameworks/vn.four-good-cell.toml"
)
BAD = ROOT / "tests" / "data" / "bad"
LOCAL = ROOT / "examples" / "local-plugin"
PLUGIN_FRAMEWORK = str(LOCAL / "acme.team-safety.toml")
TUTORIAL = ROOT / "docs" / "tutorial.md"
PROBLEM_KEYS = {"file", "line", "column", "key_path", "message", "hint", "severity"}


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch):
    for name in ("CRITERIAKIT_PATH", "CRITERIAKIT_DISABLE_PLUGINS", "CRITERIAKIT_LANGUAGE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def plugin_dir(tmp_path):
    folder = tmp_path / "plugins"
    folder.mkdir()
    shutil.copy(FRAMEWORK, folder / "cell.toml")
    return str(folder)


def run(*args: str):
    return CliRunner().invoke(build_cli(), list(args), catch_exceptions=False)


# ---------------------------------------------------------------- lint --format json


def test_lint_json_lists_each_files_problems_and_the_counts():
    unknown_key, wrong_type = str(BAD / "unknown-key.toml"), str(BAD / "wrong-type.toml")
    result = run("lint", "--format", "json", unknown_key, FRAMEWORK, wrong_type)
    assert result.exit_code == 1
    assert result.stderr == ""
    document = json.loads(result.stdout)
    assert [entry["file"] for entry in document["files"]] == [unknown_key, FRAMEWORK, wrong_type]
    first, valid, last = document["files"]
    assert first == {
        "file": unknown_key,
        "ok": False,
        "framework": None,
        "problems": [
            {
                "file": unknown_key,
                "line": 20,
                "column": 1,
                "key_path": "criteria[0].pionts",
                "message": "unknown key 'pionts'",
                "hint": "did you mean 'points'?",
                "severity": "error",
            }
        ],
        "problems_found": 1,
    }
    assert valid == {
        "file": FRAMEWORK,
        "ok": True,
        "framework": "vn.four-good-cell@2024",
        "problems": [],
        "problems_found": 0,
    }
    (problem,) = last["problems"]
    assert problem.keys() == PROBLEM_KEYS
    assert (problem["line"], problem["column"], problem["key_path"]) == (
        26,
        10,
        "criteria[0].indicators[0].points",
    )
    assert document["summary"] == {"files": 3, "ok": 1, "failed": 2, "problems": 2}


def test_lint_json_of_valid_files_exits_0():
    result = run("lint", "--format", "json", FRAMEWORK)
    assert result.exit_code == 0
    assert json.loads(result.stdout)["summary"] == {
        "files": 1,
        "ok": 1,
        "failed": 0,
        "problems": 0,
    }


def test_lint_json_counts_the_problems_a_limit_leaves_out():
    result = run(
        "--limit",
        "reported_problems=1",
        "lint",
        "--format",
        "json",
        str(BAD / "many-problems.toml"),
    )
    assert result.exit_code == 1
    (entry,) = json.loads(result.stdout)["files"]
    assert len(entry["problems"]) == 1
    assert entry["problems_found"] > 1


def test_an_unreadable_file_is_one_problem_of_the_file(tmp_path):
    missing = str(tmp_path / "missing.toml")
    result = run("lint", "--format", "json", missing)
    assert result.exit_code == 1
    (problem,) = json.loads(result.stdout)["files"][0]["problems"]
    assert problem["file"] == missing
    assert problem["message"].startswith("cannot read the file")
    assert problem["line"] is None


# ---------------------------------------------------------------- lint --format sarif

_MESSAGE = {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}
_REGION = {
    "type": "object",
    "required": ["startLine"],
    "additionalProperties": False,
    "properties": {
        "startLine": {"type": "integer", "minimum": 1},
        "startColumn": {"type": "integer", "minimum": 1},
    },
}
_LOCATION = {
    "type": "object",
    "required": ["physicalLocation"],
    "additionalProperties": False,
    "properties": {
        "physicalLocation": {
            "type": "object",
            "required": ["artifactLocation"],
            "additionalProperties": False,
            "properties": {
                "artifactLocation": {
                    "type": "object",
                    "required": ["uri"],
                    "additionalProperties": False,
                    "properties": {"uri": {"type": "string", "minLength": 1}},
                },
                "region": _REGION,
            },
        }
    },
}
_RESULT = {
    "type": "object",
    "required": ["ruleId", "level", "message", "locations"],
    "additionalProperties": False,
    "properties": {
        "ruleId": {"type": "string"},
        "ruleIndex": {"type": "integer", "minimum": 0},
        "level": {"enum": ["none", "note", "warning", "error"]},
        "message": _MESSAGE,
        "locations": {"type": "array", "minItems": 1, "items": _LOCATION},
        "properties": {"type": "object"},
    },
}
_DRIVER = {
    "type": "object",
    "required": ["name", "version", "rules"],
    "additionalProperties": False,
    "properties": {
        "name": {"const": "criteriakit"},
        "version": {"type": "string"},
        "informationUri": {"type": "string", "pattern": "^https?://"},
        "rules": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "shortDescription"],
                "additionalProperties": False,
                "properties": {
                    "id": {"type": "string"},
                    "name": {"type": "string"},
                    "shortDescription": _MESSAGE,
                },
            },
        },
    },
}
SARIF_SUBSET = {
    "type": "object",
    "required": ["version", "runs"],
    "additionalProperties": False,
    "properties": {
        "$schema": {"const": "https://json.schemastore.org/sarif-2.1.0.json"},
        "version": {"const": "2.1.0"},
        "runs": {
            "type": "array",
            "minItems": 1,
            "maxItems": 1,
            "items": {
                "type": "object",
                "required": ["tool", "results"],
                "additionalProperties": False,
                "properties": {
                    "tool": {
                        "type": "object",
                        "required": ["driver"],
                        "additionalProperties": False,
                        "properties": {"driver": _DRIVER},
                    },
                    "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                    "results": {"type": "array", "items": _RESULT},
                },
            },
        },
    },
}
"""The parts of the SARIF 2.1.0 schema lint writes: its required keys, their types and values.

The whole log also validates against the OASIS schema (sarif-schema-2.1.0.json), which is not
shipped here; this subset fails on a misspelt or misplaced key all the same.
"""


def sarif(*args: str) -> dict:
    result = run("lint", "--format", "sarif", *args)
    log = json.loads(result.stdout)
    jsonschema = pytest.importorskip("jsonschema")
    jsonschema.validate(log, SARIF_SUBSET)
    return log


def test_lint_sarif_is_a_valid_log_with_one_result_per_problem(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text("x = [\n", encoding="utf-8")
    log = sarif(str(BAD / "unknown-key.toml"), FRAMEWORK, str(broken))
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    assert driver["rules"] == [
        {
            "id": "FrameworkError",
            "name": "FrameworkError",
            "shortDescription": {"text": "A framework file or definition is invalid."},
        }
    ]
    first, second = run_["results"]
    assert first == {
        "ruleId": "FrameworkError",
        "ruleIndex": 0,
        "level": "error",
        "message": {
            "text": "criteria[0].pionts: unknown key 'pionts'\nhint: did you mean 'points'?"
        },
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": (BAD / "unknown-key.toml").as_uri()},
                    "region": {"startLine": 20, "startColumn": 1},
                }
            }
        ],
        "properties": {"keyPath": "criteria[0].pionts", "hint": "did you mean 'points'?"},
    }
    assert second["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 1,
        "startColumn": 6,
    }
    assert run_["columnKind"] == "unicodeCodePoints"


def test_sarif_paths_stay_relative_and_are_uris(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("my framework.toml").write_text("x = [\n", encoding="utf-8")
    log = sarif("my framework.toml")
    (result,) = log["runs"][0]["results"]
    location = result["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "my%20framework.toml"}


def test_a_sarif_log_of_valid_files_has_no_results():
    log = sarif(FRAMEWORK)
    assert log["runs"][0]["results"] == []
    assert log["runs"][0]["tool"]["driver"]["rules"] == []


def test_the_sarif_tool_links_the_home_page_of_the_installed_metadata(monkeypatch):
    page = email.message.Message()
    page["Project-URL"] = "Changelog, https://example.org/ck/changes"
    page["Project-URL"] = "Homepage, https://example.org/ck"
    monkeypatch.setattr(metadata, "metadata", lambda _name: page)
    assert sarif(FRAMEWORK)["runs"][0]["tool"]["driver"]["informationUri"] == (
        "https://example.org/ck"
    )

    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(metadata, "metadata", not_installed)
    assert "informationUri" not in sarif(FRAMEWORK)["runs"][0]["tool"]["driver"]


def test_an_unknown_lint_format_is_a_usage_error():
    result = run("lint", "--format", "xml", FRAMEWORK)
    assert result.exit_code == 2
    assert "Invalid value for '--format': 'xml' is not one of 'text', 'json', 'sarif'" in (
        result.stderr
    )


# ---------------------------------------------------------------- lint --quiet


def test_quiet_lint_prints_only_the_problems():
    assert run("lint", "-q", FRAMEWORK).output == ""
    failed = run("lint", "--quiet", str(BAD / "unknown-key.toml"), FRAMEWORK)
    assert failed.exit_code == 1
    assert failed.stdout == ""
    assert "unknown key 'pionts'" in failed.stderr


# ---------------------------------------------------------------- --plugin-dir after the command


def test_plugin_dir_may_follow_the_command_and_the_hint_says_so():
    without = run("--no-autoload", "lint", PLUGIN_FRAMEWORK)
    assert without.exit_code == 1
    assert (
        "hint: a plugin may provide it: load a local one with --plugin-dir DIR, or install it"
        in without.stderr
    )
    before = run("--no-autoload", "--plugin-dir", str(LOCAL), "lint", PLUGIN_FRAMEWORK)
    after = run("--no-autoload", "lint", "--plugin-dir", str(LOCAL), PLUGIN_FRAMEWORK)
    assert before.exit_code == after.exit_code == 0, after.stderr
    assert after.stdout == before.stdout
    assert after.stdout.endswith(
        ": ok: acme.team-safety@2025, 2 criteria, 5 indicators, 3 tiers, 2 rules\n"
    )


def test_the_group_and_the_command_plugin_dirs_add_up(plugin_dir):
    listed = run(
        "--no-autoload", "--plugin-dir", str(LOCAL), "frameworks", "--plugin-dir", plugin_dir
    )
    assert listed.exit_code == 0, listed.stderr
    ids = [line.split()[0] for line in listed.stdout.splitlines()[1:]]
    assert ids == ["acme.team-safety", "vn.four-good-cell"]
    shown = run("--no-autoload", "show", "acme.team-safety", "--plugin-dir", str(LOCAL))
    assert shown.exit_code == 0, shown.stderr
    assert shown.stdout.startswith("acme.team-safety@2025")


@pytest.mark.parametrize(
    "command",
    [
        "compare",
        "diff",
        "evaluate",
        "explain",
        "frameworks",
        "lint",
        "plugins",
        "report",
        "sensitivity",
        "show",
        "test",
    ],
)
def test_every_command_that_loads_frameworks_takes_plugin_dir(command):
    assert "--plugin-dir DIRECTORY" in run(command, "--help").stdout


# ---------------------------------------------------------------- -V and the help texts


def test_dash_v_is_the_version():
    short, long = run("-V"), run("--version")
    assert short.exit_code == long.exit_code == 0
    assert short.stdout == long.stdout
    assert short.stdout.startswith("criteriakit, version ")


def test_every_command_has_a_whole_summary_and_examples():
    cli = build_cli()
    shown = run("--help").stdout
    listed = shown.split("Commands:\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert [line.split()[0] for line in listed] == sorted(cli.commands), "a summary wraps"
    assert [line for line in listed if line.endswith("...")] == []
    assert "Examples:\n    criteriakit lint my-framework.toml\n" in shown
    for name in cli.commands:
        example = re.compile(rf"\n  Examples:\n    criteriakit {re.escape(name)}[ \n]")
        assert example.search(run(name, "--help").stdout), name


# ---------------------------------------------------------------- shell completion


def complete(line: str, shell: str = "bash") -> list[str]:
    """What the shell is offered for the last word of ``line`` (empty after a final space)."""
    words = line.split()
    current = len(words) if line.endswith(" ") else len(words) - 1
    environment = {
        "_CRITERIAKIT_COMPLETE": f"{shell}_complete",
        "COMP_WORDS": line,
        "COMP_CWORD": str(current),
    }
    result = CliRunner(env=environment).invoke(build_cli(), [], prog_name="criteriakit")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    return result.stdout.splitlines()


def test_a_framework_argument_completes_the_registered_ids(plugin_dir):
    for line in (
        f"criteriakit --no-autoload --plugin-dir {plugin_dir} show vn.",
        f"criteriakit --no-autoload show --plugin-dir {plugin_dir} vn.",
        f"criteriakit --no-autoload --plugin-dir {plugin_dir} evaluate vn",
        f"criteriakit --no-autoload --plugin-dir {plugin_dir} diff vn.four-good-cell@2024 v",
    ):
        offered = complete(line)
        assert offered == [f"file,{line.split()[-1]}", "plain,vn.four-good-cell"], line


def test_after_an_at_sign_the_versions_are_offered(plugin_dir):
    line = f"criteriakit --no-autoload --plugin-dir {plugin_dir} explain vn.four-good-cell@"
    assert complete(line) == ["file,vn.four-good-cell@", "plain,vn.four-good-cell@2024"]


def test_without_a_matching_id_the_shell_completes_files(plugin_dir):
    line = f"criteriakit --no-autoload --plugin-dir {plugin_dir} show ./frame"
    assert complete(line) == ["file,./frame"]
    assert complete("criteriakit --no-autoload show vn.") == ["file,vn."]


def test_zsh_shows_each_frameworks_title_and_no_plugin_warning(plugin_dir):
    (Path(plugin_dir) / "broken.toml").write_text('id = "x"\n', encoding="utf-8")
    offered = complete(f"criteriakit --no-autoload --plugin-dir {plugin_dir} show vn", "zsh")
    assert offered == ["file", "vn", "_", "plain", "vn.four-good-cell", "4-good party cell"]


@pytest.mark.parametrize("shell", ["bash", "zsh", "fish"])
def test_the_completion_scripts_the_tutorial_gives(shell):
    assert f"_CRITERIAKIT_COMPLETE={shell}_source criteriakit" in TUTORIAL.read_text("utf-8")
    result = CliRunner(env={"_CRITERIAKIT_COMPLETE": f"{shell}_source"}).invoke(
        build_cli(), [], prog_name="criteriakit"
    )
    assert result.exit_code == 0
    assert f"_CRITERIAKIT_COMPLETE={shell}_complete" in result.stdout


def test_the_tutorials_lint_command_passes(monkeypatch):
    command = (
        "criteriakit lint --plugin-dir examples/local-plugin "
        "examples/local-plugin/acme.team-safety.toml"
    )
    assert f"$ {command}\n" in TUTORIAL.read_text("utf-8")
    monkeypatch.chdir(ROOT)
    result = run("--no-autoload", *command.split()[1:])
    assert result.exit_code == 0, result.stderr
