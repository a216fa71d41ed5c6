"""JSON Schemas for editors: generated from the model, shipped, and as strict as the loader.

Every framework and case file of the repository that loads validates against its schema;
typical mistakes are refused by both the loader and the schema, the broken-files catalogue's
mistakes of structure at the key paths the loader names; the shipped schemas are what the
generator makes; ``criteriakit schema`` prints them.
"""

from __future__ import annotations

import datetime as dt
import importlib.resources
import importlib.util
import json
import re
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from jsonschema import Draft202012Validator, ValidationError

import criteriakit
from criteriakit.cli import build_cli
from criteriakit.cli._schema import schema as schema_command
from criteriakit.schemas import KINDS, schema, schema_text
from criteriakit.testing import load_case_file

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).parent / "data"
BAD = DATA / "bad"
ACME = ROOT / "examples" / "local-plugin"
SMALL = (DATA / "good" / "small.toml").read_text(encoding="utf-8")
TEAM = DATA / "cases" / "team.toml"


def as_json(value):
    """A parsed TOML document as an editor validates it: dates and times as ISO strings."""
    if isinstance(value, dict):
        return {key: as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_json(item) for item in value]
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


def validator(kind):
    return Draft202012Validator(schema(kind), format_checker=Draft202012Validator.FORMAT_CHECKER)


def schema_errors(kind, text):
    return list(validator(kind).iter_errors(as_json(tomllib.loads(text))))


def toml_files():
    """The TOML files of the repository that may be frameworks or case files."""
    found = [
        *ROOT.glob("examples/**/*.toml"),
        *ROOT.glob("plugins/*/src/**/frameworks/*.toml"),
        *ROOT.glob("plugins/*/tests/**/*.toml"),
        *ROOT.glob("tests/**/*.toml"),
    ]
    return sorted(path for path in found if path.name != "pyproject.toml")


def parsed(path):
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError:
        return None


def registry():
    """The plugins the repository's frameworks need: its own, and the local example's."""
    names = ("criteriakit_vn_party", "criteriakit_vn_coal")
    plugins = [
        (name, importlib.import_module(name))
        for name in names
        if importlib.util.find_spec(name) is not None
    ]
    return criteriakit.Registry.load(autoload=False, plugins=plugins, plugin_dirs=[ACME])


def loads(path, plugins):
    try:
        criteriakit.load_framework(path, extensions=plugins.extensions, resolve=plugins.resolve)
    except criteriakit.CriteriaKitError:
        return False
    return True


def case_file_loads(path):
    try:
        load_case_file(path)
    except criteriakit.CriteriaKitError:
        return False
    return True


PLUGINS = registry()
TOML_FILES = [(path, data) for path in toml_files() if (data := parsed(path)) is not None]
FRAMEWORK_CANDIDATES = [path for path, data in TOML_FILES if "cases" not in data]
FRAMEWORK_FILES = [path for path in FRAMEWORK_CANDIDATES if loads(path, PLUGINS)]
CASE_CANDIDATES = [path for path, data in TOML_FILES if "cases" in data]
CASE_FILES = [path for path in CASE_CANDIDATES if case_file_loads(path)]


def name(path):
    return path.relative_to(ROOT).as_posix()


# ------------------------------------------------------------------ the shipped schemas


@pytest.mark.parametrize("kind", KINDS)
def test_the_shipped_schema_is_what_the_model_generates(kind):
    shipped = importlib.resources.files("criteriakit.schemas") / f"{kind}.schema.json"
    path = f"src/criteriakit/schemas/{kind}.schema.json"
    assert shipped.read_text(encoding="utf-8") == schema_text(kind), (
        f"{path} is not what the model generates: regenerate it with "
        f"`criteriakit schema {kind} > {path}`"
    )


@pytest.mark.parametrize("kind", KINDS)
def test_the_schema_is_a_valid_draft_2020_12_schema(kind):
    generated = json.loads(schema_text(kind))
    assert generated["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(generated)


# ------------------------------------------------------------------ the repository's files


def test_every_file_but_the_broken_ones_loads_and_so_is_checked():
    checked = FRAMEWORK_FILES + CASE_FILES
    left_out = [
        name(path) for path in FRAMEWORK_CANDIDATES + CASE_CANDIDATES if path not in checked
    ]
    assert left_out == [name(path) for path in FRAMEWORK_CANDIDATES if path.parent == BAD]
    assert CASE_FILES


@pytest.mark.parametrize("path", FRAMEWORK_FILES, ids=name)
def test_every_framework_file_of_the_repository_validates(path):
    data = as_json(tomllib.loads(path.read_text(encoding="utf-8")))
    validator("framework").validate(data)


@pytest.mark.parametrize("path", CASE_FILES, ids=name)
def test_every_case_file_of_the_repository_validates(path):
    data = as_json(tomllib.loads(path.read_text(encoding="utf-8")))
    validator("cases").validate(data)


def test_the_files_new_plugin_makes_validate(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(build_cli(), ["new-plugin", "acme-coal"])
    assert result.exit_code == 0, result.output
    folder = tmp_path / "acme-coal"
    (framework,) = folder.glob("src/*/frameworks/*.toml")
    (cases,) = folder.glob("tests/*.toml")
    assert schema_errors("framework", framework.read_text(encoding="utf-8")) == []
    assert schema_errors("cases", cases.read_text(encoding="utf-8")) == []


def toml_blocks(page):
    return re.findall(r"```toml\n(.*?)```", (ROOT / "docs" / page).read_text("utf-8"), re.DOTALL)


def test_the_examples_of_the_docs_validate():
    (framework,) = [block for block in toml_blocks("format.md") if block.startswith("id = ")]
    assert schema_errors("framework", framework) == []
    cases = [block for block in toml_blocks("testing.md") if "[[cases]]" in block]
    assert len(cases) == 3
    assert all(schema_errors("cases", block) == [] for block in cases)


# ------------------------------------------------------------------ mistakes in framework files

FRAMEWORK_MISTAKES = {
    "a misspelt key": ("points = 100", "pionts = 100"),
    "a misspelt top-level key": ('subject = "unit"', 'subjet = "unit"'),
    "a string where a number is expected": ("min_score = 70", 'min_score = "70"'),
    "a number where a string is expected": ('version = "1"', "version = 1"),
    "an unknown scale": ('subject = "unit"', 'subject = "unit"\nscale = "percent"'),
    "an unknown policy action": (
        'subject = "unit"',
        'subject = "unit"\npolicy = { missing_input = "zeros" }',
    ),
    "a scorer without a required key": ("zero_at = 0, full_at = 1 }", "zero_at = 0 }"),
    "a scorer key of another scorer type": (
        '{ type = "boolean" }',
        '{ type = "boolean", full_at = 1 }',
    ),
    "a scorer without a type": ('{ type = "boolean" }', "{ }"),
    "a tier without an id": ('id = "good"\n', ""),
    "a title that is no text": ('title = "Small"', "title = 5"),
    "a title table that is empty": ('title = "Small"', "title = {}"),
    "a date-time where a date is expected": (
        'subject = "unit"',
        'subject = "unit"\nvalid_from = 2024-05-19T10:00:00',
    ),
    "a table where an array of tables is expected": ("[[rules]]", "[rules]"),
}


@pytest.mark.parametrize(("old", "new"), FRAMEWORK_MISTAKES.values(), ids=FRAMEWORK_MISTAKES)
def test_a_typical_mistake_in_a_framework_is_refused_by_the_loader_and_the_schema(old, new):
    assert SMALL.count(old) == 1
    text = SMALL.replace(old, new)
    with pytest.raises(criteriakit.FrameworkError):
        criteriakit.loads_framework(text)
    assert schema_errors("framework", text)


def test_a_plugin_scorer_type_is_let_through_with_its_own_keys():
    text = SMALL.replace('{ type = "boolean" }', '{ type = "diminishing", full_at = 40 }')
    assert schema_errors("framework", text) == []


# ------------------------------------------------------------------ mistakes in files that extend

BASE = criteriakit.loads_framework(SMALL)
PATCH = 'extends = "test.small@1"\nid = "test.small.child"\nversion = "1"\n'
PATCHES = {
    "a criterion changed by id, with only the keys it changes": '[[criteria]]\nid = "a"\ntitle = "A, renamed"',
    "an indicator placed before another": '[[criteria]]\nid = "a"\n[[criteria.indicators]]\nid = "a.2"\nbefore = "a.1"',
    "an entry replaced whole": '[remove]\nrules = ["nothing-done"]\n[[rules]]\nid = "nothing-done"\nwhen = "done < 1"\nat_most = "poor"\nmessage = "Nothing done"',
    "a top-level value cleared": 'description = "Small"\n[remove]\nkeys = ["policy"]',
}
PATCH_MISTAKES = {
    "an extends without a version": PATCH.replace('"test.small@1"', '"test.small"'),
    "a derived file without its own version": PATCH.replace('version = "1"\n', ""),
    "an entry without its id": PATCH + "[[criteria]]\npoints = 100",
    "a misspelt key in an entry": PATCH + '[[criteria]]\nid = "a"\npionts = 100',
    "an entry placed both before and after": PATCH
    + '[[tiers]]\nid = "poor"\nbefore = "good"\nafter = "good"',
    "an unknown key in [remove]": PATCH + '[remove]\nindicator = ["a.1"]',
    "[remove] keys naming what it cannot clear": PATCH + '[remove]\nkeys = ["title"]',
}


def resolve(ref):
    assert ref == "test.small@1"
    return BASE


@pytest.mark.parametrize("patch", PATCHES.values(), ids=PATCHES)
def test_a_file_that_extends_another_validates_as_a_patch(patch):
    text = PATCH + patch
    criteriakit.loads_framework(text, resolve=resolve)
    assert schema_errors("framework", text) == []


@pytest.mark.parametrize("text", PATCH_MISTAKES.values(), ids=PATCH_MISTAKES)
def test_a_mistake_in_a_file_that_extends_another_is_refused_by_both(text):
    with pytest.raises(criteriakit.FrameworkError):
        criteriakit.loads_framework(text, resolve=resolve)
    assert schema_errors("framework", text)


# ------------------------------------------------------------------ the broken-files catalogue

STRUCTURE_MISTAKES = ("missing-key", "no-tiers", "policy-value", "unknown-key", "wrong-type")
"""The catalogue's files whose only problems are of structure, which a schema can see."""
MIXED = ("many-problems", "toml-syntax")
"""Files with problems of structure and of meaning together, and one that is not TOML."""
_PROBLEM = re.compile(r"^bad/[^:]+:\d+:\d+: (\S+): ", re.MULTILINE)


def key_path(error: ValidationError):
    """Where a schema error is, as the loader writes key paths: ``criteria[0].points``."""
    path = list(error.absolute_path)
    if error.validator == "required":
        path.append(next(key for key in error.validator_value if key not in error.instance))
    elif error.validator == "additionalProperties":
        path.extend(key for key in error.instance if key not in error.schema["properties"])
    return "".join(f"[{step}]" if isinstance(step, int) else f".{step}" for step in path)[1:]


@pytest.mark.parametrize("mistake", STRUCTURE_MISTAKES)
def test_the_catalogue_mistakes_of_structure_are_refused_where_the_loader_says(mistake):
    expected = _PROBLEM.findall((BAD / f"{mistake}.expected").read_text(encoding="utf-8"))
    errors = schema_errors("framework", (BAD / f"{mistake}.toml").read_text(encoding="utf-8"))
    assert sorted(key_path(error) for error in errors) == sorted(expected)


@pytest.mark.parametrize(
    "path",
    [path for path in sorted(BAD.glob("*.toml")) if path.stem not in STRUCTURE_MISTAKES + MIXED],
    ids=lambda path: path.stem,
)
def test_the_catalogue_mistakes_of_meaning_are_for_the_loader_alone(path):
    assert schema_errors("framework", path.read_text(encoding="utf-8")) == []


# ------------------------------------------------------------------ mistakes in case files

CASES = """framework = "team.toml"

[inputs]
done = 10
planned = 10
ok = true

[[cases]]
name = "perfect"
expect = { tier = "gold" }
"""
CASE_MISTAKES = {
    "a misspelt expectation": ('{ tier = "gold" }', '{ teir = "gold" }'),
    "a misspelt top-level key": ("framework =", "framwork ="),
    "a string where a number is expected": ('{ tier = "gold" }', '{ score = "100" }'),
    "a string where a bool is expected": ("[inputs]", 'installed_plugins = "yes"\n[inputs]'),
    "a case without a name": ('name = "perfect"\n', ""),
    "a unit without an id": (
        'expect = { tier = "gold" }',
        '[[cases.units]]\nexpect = { tier = "gold" }',
    ),
}


@pytest.mark.parametrize(("old", "new"), CASE_MISTAKES.values(), ids=CASE_MISTAKES)
def test_a_typical_mistake_in_a_case_file_is_refused_by_the_loader_and_the_schema(
    old, new, tmp_path
):
    (tmp_path / "team.toml").write_text(TEAM.read_text(encoding="utf-8"), encoding="utf-8")
    assert CASES.count(old) == 1
    text = CASES.replace(old, new)
    (tmp_path / "test_cases.toml").write_text(text, encoding="utf-8")
    with pytest.raises(criteriakit.CaseFileError):
        load_case_file(tmp_path / "test_cases.toml")
    assert schema_errors("cases", text)
    assert schema_errors("cases", CASES) == []


# ------------------------------------------------------------------ the command


def cli():
    """The criteriakit group with the schema command, as the console script has it."""
    group = build_cli()
    group.add_command(schema_command)
    return group


@pytest.mark.parametrize("kind", KINDS)
def test_the_command_prints_the_schema_as_json(kind):
    result = CliRunner().invoke(cli(), ["schema", kind])
    assert result.exit_code == 0, result.output
    assert result.output == schema_text(kind)
    assert (
        json.loads(result.output)["title"]
        == f"criteriakit {'case' if kind == 'cases' else kind} file"
    )


def test_an_unknown_kind_is_a_usage_error():
    result = CliRunner().invoke(cli(), ["schema", "results"])
    assert result.exit_code == 2
    assert "'results' is not one of 'framework', 'cases'" in result.output
