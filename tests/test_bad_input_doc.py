"""docs/bad-input.md shows real messages: each example is what the command line prints today.

Each example in the page follows a ``<!-- case: NAME -->`` marker; the case of that name here
builds the bad input in a temporary directory, runs ``criteriakit`` on it and returns what it
printed on standard error. The page and the cases must name the same examples, and the table of
limits must list every limit with its default.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
from click.testing import CliRunner

import criteriakit
from criteriakit.cli import build_cli

PAGE = Path(__file__).resolve().parent.parent / "docs" / "bad-input.md"
SMALL = (Path(__file__).parent / "data" / "good" / "small.toml").read_text(encoding="utf-8")
GOOD_DATA = "id,done,planned,ok\nc1,3,4,yes\n"

Case = Callable[[], str]
CASES: dict[str, Case] = {}


def case(name: str) -> Callable[[Case], Case]:
    def register(function: Case) -> Case:
        CASES[name] = function
        return function

    return register


def criteriakit_stderr(*args: str, code: int = 1) -> str:
    result = CliRunner().invoke(
        build_cli(), ["--no-autoload", *args], prog_name="criteriakit", catch_exceptions=False
    )
    assert result.exit_code == code, result.output
    return result.stderr.rstrip("\n")


def lint(text: str, *options: str) -> str:
    Path("bad.toml").write_text(text, encoding="utf-8")
    return criteriakit_stderr(*options, "lint", "bad.toml")


def small(old: str, new: str) -> str:
    assert old in SMALL
    return SMALL.replace(old, new, 1)


def evaluate(data: str, name: str = "cells.csv", framework: str = SMALL) -> str:
    Path("small.toml").write_text(framework, encoding="utf-8")
    Path(name).write_text(data, encoding="utf-8")
    return criteriakit_stderr("evaluate", "small.toml", name)


@case("toml-syntax")
def _() -> str:
    return lint(small('title = "Small"', 'title = "Small'))


@case("missing-key")
def _() -> str:
    return lint(small('id = "a"\ntitle = "A"\n', 'id = "a"\n'))


@case("wrong-type")
def _() -> str:
    return lint(small("points = 60", 'points = "sixty"'))


@case("unknown-key")
def _() -> str:
    return lint(small("points = 40\nscorer", "pionts = 40\nscorer"))


@case("unknown-name")
def _() -> str:
    return lint(small('"done >= planned"', '"done >= planed"'))


@case("expression-syntax")
def _() -> str:
    return lint(small('when = "done == 0"', 'when = "done = 0"'))


@case("expression-type")
def _() -> str:
    return lint(small('when = "done == 0"', 'when = "done + 1"'))


@case("totals")
def _() -> str:
    return lint(small("points = 60", "points = 50"))


@case("reference")
def _() -> str:
    return lint(small('at_most = "poor"', 'at_most = "pore"'))


@case("duplicate-id")
def _() -> str:
    return lint(small('id = "a.2"', 'id = "a.1"'))


@case("extends")
def _() -> str:
    Path("plugins").mkdir()
    Path("plugins/small.toml").write_text(SMALL, encoding="utf-8")
    text = 'extends = "test.small@1"\nid = "test.child"\nversion = "1"\n\n'
    text += '[remove]\nrules = ["nothing-don"]\n'
    return lint(text, "--plugin-dir", "plugins")


@case("plugin")
def _() -> str:
    Path("plugins").mkdir()
    Path("plugins/small.toml").write_text(SMALL, encoding="utf-8")
    Path("plugins/criteriakit_plugin.py").write_text("import no_such_module\n", encoding="utf-8")
    Path("bad.toml").write_text(SMALL, encoding="utf-8")
    return criteriakit_stderr("--plugin-dir", "plugins", "lint", "bad.toml", code=0)


@case("repeated-values")
def _() -> str:
    levels = ", ".join(['"x"'] * 4_000)
    text = small(
        "[inputs.ok]", f'[inputs.grade]\ntype = "level"\nlevels = [{levels}]\n\n[inputs.ok]'
    )
    return lint(text, "--limit", "reported_problems=3")


@case("long-expression")
def _() -> str:
    return lint(small('"done / planned"', '"' + "done + " * 1_500 + 'planned"'))


@case("deep-expression")
def _() -> str:
    return lint(small('"done / planned"', '"' + "(" * 40 + "done" + ")" * 40 + '"'))


@case("large-file")
def _() -> str:
    return lint(SMALL, "--limit", "file_bytes=500")


@case("long-key")
def _() -> str:
    return lint(small("[inputs.ok]", "[inputs.ok]\n" + ".".join(["a"] * 40) + " = 1"))


@case("data-file")
def _() -> str:
    Path("small.toml").write_text(SMALL, encoding="utf-8")
    Path("cells.csv").write_bytes(b"id,done,planned,ok\nc1,3,4,\xff\n")
    return criteriakit_stderr("evaluate", "small.toml", "cells.csv")


@case("data-columns")
def _() -> str:
    return evaluate("id,done,planed,ok\nc1,3,4,yes\n")


@case("data-values")
def _() -> str:
    return evaluate("id,done,planned,ok\nc1,three,4,yes\nc2,3,4,maybe\nc3,-1,4,no\n")


@case("data-size")
def _() -> str:
    Path("small.toml").write_text(SMALL, encoding="utf-8")
    Path("cells.csv").write_text(GOOD_DATA, encoding="utf-8")
    return criteriakit_stderr("--limit", "data_bytes=10", "evaluate", "small.toml", "cells.csv")


@case("data-list")
def _() -> str:
    framework = small(
        "[inputs.ok]",
        '[inputs.scores]\ntype = "list"\nitems = "integer"\nmax_length = 3\n\n[inputs.ok]',
    )
    return evaluate(
        '{"id": "c1", "done": 3, "planned": 4, "ok": true, "scores": [1, 2, 3, 4]}\n',
        "cells.jsonl",
        framework,
    )


@case("data-nesting")
def _() -> str:
    framework = small(
        "[inputs.ok]", '[inputs.scores]\ntype = "list"\nitems = "integer"\n\n[inputs.ok]'
    )
    deep = "[" * 70 + "]" * 70
    line = f'{{"id": "c1", "done": 3, "planned": 4, "ok": true, "scores": {deep}}}\n'
    return evaluate(line, "cells.jsonl", framework)


@case("data-checks")
def _() -> str:
    framework = SMALL + (
        '\n[[checks]]\nid = "done-within-plan"\nrequire = "done <= planned"\n'
        'message = "{done} done, but only {planned} planned"\n'
    )
    return evaluate("id,done,planned,ok\nc1,3,4,yes\nc2,6,4,no\n", framework=framework)


@case("plan-size")
def _() -> str:
    Path("small.toml").write_text(SMALL, encoding="utf-8")
    Path("cells.csv").write_text(GOOD_DATA, encoding="utf-8")
    return criteriakit_stderr(
        "--limit", "plan_size=20", "evaluate", "small.toml", "cells.csv", "--engine", "columnar"
    )


@case("bad-limit")
def _() -> str:
    Path("bad.toml").write_text(SMALL, encoding="utf-8")
    return criteriakit_stderr("--limit", "file_byte=10", "lint", "bad.toml", code=2)


def shown_examples() -> dict[str, str]:
    text = PAGE.read_text(encoding="utf-8")
    found = re.findall(r"<!-- case: ([a-z-]+) -->\n+```text\n(.*?)\n```", text, re.DOTALL)
    return dict(found)


def test_the_page_and_the_cases_name_the_same_examples():
    assert sorted(shown_examples()) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_example_is_what_criteriakit_prints(name, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CRITERIAKIT_PATH", raising=False)
    monkeypatch.delenv("CRITERIAKIT_DISABLE_PLUGINS", raising=False)
    assert CASES[name]() == shown_examples()[name]


def test_the_table_lists_every_limit_with_its_default():
    text = PAGE.read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| ([0-9,]+) \|", text, re.MULTILINE))
    defaults = attrs.asdict(criteriakit.limits.DEFAULTS)
    assert {name: int(value.replace(",", "")) for name, value in rows.items()} == defaults
