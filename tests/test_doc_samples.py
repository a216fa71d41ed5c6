"""Every code sample of the documentation site (docs/*.md) runs, loads or is checked as its page says.

Each page is read into its fenced blocks (:func:`page_blocks`: the language, the line the block
starts on, a ``title="FILE"``). A page's samples are checked in page order, in one session
(:class:`Session`): a fresh working directory holding a copy of ``examples/`` and of the
plugins' framework files, plus what the page's :class:`Page` entry prepares; one Python
namespace; one set of exported environment variables. The examples of a page build on each
other (a file a command writes, a ``framework`` a later example uses), so they are not checked
apart. A block with a ``title`` is the file it names: it is written there when it is checked.

- ``python``: executed in the page's namespace, with the page's file name and line numbers. A
  ``>>>`` block is a doctest (whitespace may differ). An expression statement or a ``print(...)``
  whose line ends in a comment showing a value (``# (95.0, 'good', 'excellent')``, ``# 92.0
  exemplary solid``) must give that value. A pytest test module (a ``test_*.py`` file, or a block
  that imports pytest and defines tests) is written to a file and run by pytest, and its tests
  must pass; the later blocks of the page get its imports. The test functions of other blocks
  are called, with the page's fixtures. A block that defines criteriakit hooks is loaded as a
  plugin, which must have no problem. A ``text`` block right after a Python or shell block
  (nothing but blank lines between) is what it prints or, when it starts ``SomeError:``, the
  error it must raise.
- ``toml``: a framework (``id``, ``version`` and ``criteria``, or ``extends``) loads, with the
  installed plugins and the page's plugin directories; a case file (``[[cases]]``) runs and
  every case passes; any other block is a fragment, merged into the framework its page names
  for it (as a file that ``extends`` that framework and gives only the fragment), or checked by
  its own function. A file that names a ``#:schema`` names one the page wrote.
- ``console``, ``sh``, ``bash``: each ``criteriakit`` command runs through click's ``CliRunner``
  with ``build_cli()`` in the working directory, and must exit with status 0; the lines after a
  ``$`` command, up to the next one, are its output, compared line by line, and a command whose
  output the page does not show must write nothing to standard error (no warning the reader
  would see). Every other command must start as one of :data:`OTHER_COMMANDS` (installing, tox,
  pytest: run elsewhere), so that an unknown one is flagged; ``cd`` and ``export`` change the
  session.
- ``json``: parses, and the page's check compares it with what criteriakit writes.
- ``yaml`` or any other language: no check yet, so such a block fails until one is written.
- ``text`` and ``csv`` are outputs and data, not samples; a ``csv`` block after a line
  ```` `NAME`: ```` is the data file NAME.

A block that cannot run is marked on a line above it with ``<!-- sample: not run (REASON) -->``:
it is only compiled or parsed. Python samples that need Spark or Dask (:data:`ENGINE_SAMPLES`)
are compiled here and run in ``tests/distributed``, which the engines' tox environments run.
"""

from __future__ import annotations

import ast
import contextlib
import csv
import doctest
import inspect
import io
import json
import math
import re
import shlex
import shutil
import subprocess
import sys
import tokenize
import types
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import attrs
import pytest
from click.testing import CliRunner, Result

import criteriakit
from criteriakit.cli import build_cli
from criteriakit.testing import FrameworkFinder, load_case_file, run_case_file

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
FRAMEWORK_FILES = sorted(ROOT.glob("plugins/*/src/*/frameworks/*.toml"))

SAMPLES = ("python", "toml", "console", "sh", "bash", "json", "yaml")
"""The languages of code samples: every block in one of them is checked."""
NOT_SAMPLES = ("text", "csv")
"""Outputs, messages and data files: read by the samples' checks, not checked on their own."""
SHELLS = ("console", "sh", "bash")

FENCE = re.compile(r"^(?P<indent> *)```(?P<language>[\w-]*)(?P<attributes>[^`]*)$")
TITLE = re.compile(r'\btitle="(?P<title>[^"]+)"')
MARKER = re.compile(r"^<!-- sample: (?P<what>.*) -->$")
NOT_RUN = re.compile(r"^not run \((?P<reason>.+)\)$")
DATA_FILE = re.compile(r"^`(?P<name>[\w.-]+)`:$")
SHOWN_ERROR = re.compile(r"^(?P<type>[A-Z]\w*(?:Error|Exception)): (?P<message>.*)")
ASSIGNMENT = re.compile(r"[A-Za-z_]\w*=.*")
ENGINES = re.compile(r"^\s*(?:from|import) (?:pyspark|dask)\b", re.MULTILINE)


# ---------------------------------------------------------------------------- the blocks


@dataclass(frozen=True)
class Block:
    """One fenced block of a page."""

    page: str
    line: int
    """The line of the opening fence, counted from 1."""
    language: str
    text: str
    title: str | None
    before: str
    """The nearest line above the fence that is not blank."""
    follows: bool
    """Whether only blank lines stand between the previous block and this one."""

    @property
    def where(self) -> str:
        """The block's place as an editor takes it: ``docs/PAGE:LINE``."""
        return f"docs/{self.page}:{self.line}"

    @property
    def not_run(self) -> str | None:
        """Why the block is not run, from a ``<!-- sample: not run (REASON) -->`` above it."""
        marker = MARKER.match(self.before)
        reason = None if marker is None else NOT_RUN.match(marker["what"])
        return None if reason is None else reason["reason"]


def page_blocks(page: str) -> list[Block]:
    """Return the fenced blocks of ``docs/{page}``, in order."""
    lines = (DOCS / page).read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    index, last_end = 0, -1
    while index < len(lines):
        opening = FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        ends = [i for i in range(index + 1, len(lines)) if lines[i].strip() == "```"]
        assert ends, f"docs/{page}:{index + 1}: a block that is never closed"
        indent, end = opening["indent"], ends[0]
        above = [line for line in lines[:index] if line.strip()]
        title = TITLE.search(opening["attributes"])
        body = lines[index + 1 : end]
        blocks.append(
            Block(
                page=page,
                line=index + 1,
                language=opening["language"],
                text="".join(f"{line.removeprefix(indent)}\n" for line in body),
                title=None if title is None else title["title"],
                before=above[-1] if above else "",
                follows=bool(blocks) and not any(x.strip() for x in lines[last_end + 1 : index]),
            )
        )
        index, last_end = end + 1, end
    return blocks


def pages() -> list[str]:
    """Return the names of the documentation's pages."""
    return sorted(path.name for path in DOCS.glob("*.md"))


def pages_with_samples() -> list[str]:
    """Return the pages that have at least one code sample."""
    return [page for page in pages() if any(b.language in SAMPLES for b in page_blocks(page))]


def shown_block(page: str, language: str, containing: str) -> Block:
    """Return the one block of ``page`` in ``language`` whose text contains ``containing``."""
    (block,) = [b for b in page_blocks(page) if b.language == language and containing in b.text]
    return block


def engine_sample(containing: str) -> Block:
    """The clusters page's Python sample that contains ``containing`` (for tests/distributed)."""
    return shown_block("clusters.md", "python", containing)


# ---------------------------------------------------------------------------- the session


@dataclass
class Session:
    """The state one page's samples share: a working directory, a namespace, an environment."""

    page: str
    cwd: Path
    monkeypatch: pytest.MonkeyPatch
    request: pytest.FixtureRequest
    namespace: dict[str, Any] = field(default_factory=lambda: {"__name__": "__docs__"})
    env: dict[str, str] = field(default_factory=dict)
    """The variables ``export`` set, for the commands that follow."""
    files: dict[int, Path] = field(default_factory=dict)
    """Blocks kept as files, by line: a case file is run from the file the page keeps it in."""
    scoped: dict[str, Any] = field(default_factory=dict)
    """Names the next Python block sees instead of the namespace's (set by a fragment's check)."""
    plugins: criteriakit.Registry | None = None
    """The registry that the last block defining hooks was loaded into, as a plugin."""

    @property
    def config(self) -> Page:
        """What :data:`PAGES` says of this page."""
        return PAGES.get(self.page, Page())

    def chdir(self, path: Path) -> None:
        """Make ``path`` the working directory of the samples that follow."""
        self.cwd = path
        self.monkeypatch.chdir(path)

    def registry(self) -> criteriakit.Registry:
        """The registry the page's frameworks load in: the installed plugins, its directories."""
        directories = [self.cwd / directory for directory in self.config.plugin_dirs]
        registry = criteriakit.Registry.load(plugin_dirs=directories)
        assert registry.problems == (), registry.problems
        return registry


def run_page(session: Session, blocks: list[Block]) -> None:
    """Check each sample of the page in order, with the output block right after it."""
    for index, block in enumerate(blocks):
        after = blocks[index + 1] if index + 1 < len(blocks) else None
        shown = after if after is not None and after.follows and after.language == "text" else None
        if block.language in NOT_SAMPLES:
            if block.language == "csv" and (name := DATA_FILE.match(block.before)):
                (session.cwd / name["name"]).write_text(block.text, encoding="utf-8")
        elif block.not_run is not None:
            compile_only(block)
        else:
            check = CHECKS.get(block.language)
            assert check is not None, f"{block.where}: no check of ```{block.language} yet"
            check(session, block, shown)
            for containing, follow_up in session.config.after.items():
                if containing in block.text:
                    follow_up(session)


def compile_only(block: Block) -> None:
    """Check a block that is not run: Python compiles, TOML and JSON parse, commands split."""
    if block.language == "python":
        compile(block.text, block.where, "exec")
    elif block.language == "toml":
        tomllib.loads(block.text)
    elif block.language == "json":
        json.loads(block.text)
    elif block.language in SHELLS:
        assert commands(block), block.where


def write_file(session: Session, block: Block) -> Path:
    """Write the block to the file its title names, in the working directory; return it."""
    path = session.cwd / block.title
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(block.text, encoding="utf-8")
    session.files[block.line] = path
    return path


# ---------------------------------------------------------------------------- python


def check_python(session: Session, block: Block, shown: Block | None) -> None:
    """Run a Python block: a doctest, a test module under pytest, or code in the namespace."""
    if ENGINES.search(block.text):
        compile(block.text, block.where, "exec")  # run in tests/distributed: ENGINE_SAMPLES
        return
    if sys.version_info < (3, 11) and re.search(r"^import tomllib$", block.text, re.MULTILINE):
        pytest.skip(f"{block.where} imports tomllib, new in Python 3.11")
    hidden = {name: session.namespace.get(name) for name in session.scoped}
    session.namespace.update(session.scoped)
    try:
        if block.text.startswith(">>> "):
            run_doctest(session, block)
        elif is_pytest_module(block):
            run_test_module(session, block)
        else:
            run_code(session, block, shown)
    finally:
        session.namespace.update(hidden)
        session.scoped.clear()


def is_pytest_module(block: Block) -> bool:
    """Whether the block is a pytest test module, to be run by pytest from a file."""
    if block.title is not None:
        return Path(block.title).name.startswith("test_")
    imports = re.search(r"^import pytest$", block.text, re.MULTILINE)
    return imports is not None and re.search(r"^def test_", block.text, re.MULTILINE) is not None


def run_doctest(session: Session, block: Block) -> None:
    """Run a ``>>>`` block as a doctest in the namespace; whitespace in outputs may differ."""
    test = doctest.DocTestParser().get_doctest(
        block.text, session.namespace, block.where, str(DOCS / block.page), block.line
    )
    report = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    outcome = runner.run(test, out=report.write, clear_globs=False)
    assert outcome.failed == 0, report.getvalue()
    session.namespace.update(test.globs)  # a doctest runs in a copy of the namespace


def run_test_module(session: Session, block: Block) -> None:
    """Run a test module block with pytest, in this process; each of its tests must pass.

    The page's later blocks are parts of such a module: they get its imports.
    """
    if block.title is not None:
        path = write_file(session, block)
    else:
        path = session.cwd / session.config.test_folder / f"test_sample_{block.line}.py"
        path.write_text(block.text, encoding="utf-8")
    from criteriakit.testing import pytest_plugin  # noqa: PLC0415  imports pytest

    session.monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester = session.request.getfixturevalue("pytester")
    session.chdir(session.cwd)  # pytester made its own directory the working one
    result = pytester.runpytest_inprocess(
        str(path), "-p", "no:cacheprovider", plugins=[pytest_plugin]
    )
    tests = len(re.findall(r"^def test_", block.text, re.MULTILINE))
    assert result.ret == 0, f"{block.where}:\n{result.stdout.str()}"
    assert result.parseoutcomes().get("passed") == tests, result.stdout.str()
    tree = ast.parse(block.text)
    imports = [node for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)]
    execute(block, imports, session.namespace)


def run_code(session: Session, block: Block, shown: Block | None) -> None:
    """Execute the block in the namespace; check what it shows, prints, raises and defines.

    A file block (a title) runs as that file, in a namespace of its own.
    """
    before = dict(session.namespace)
    if block.title is not None:
        path = write_file(session, block)
        session.namespace = {"__name__": path.stem, "__file__": str(path)}
    error = SHOWN_ERROR.match(shown.text) if shown is not None else None
    output = io.StringIO()
    with contextlib.redirect_stdout(output):
        if error is None:
            run_statements(block, session.namespace)
        else:
            with pytest.raises(Exception) as raised:  # noqa: PT011  the page names the type
                run_statements(block, session.namespace)
            assert type(raised.value).__name__ == error["type"], (block.where, raised.value)
            start = re.split(r"\d", error["message"], maxsplit=1)[0]  # up to the drawn values
            assert str(raised.value).startswith(start), (block.where, str(raised.value))
    if shown is not None and error is None:
        assert shown.text in output.getvalue(), f"{block.where} does not print {shown.where}"
    defined = {
        name: value
        for name, value in session.namespace.items()
        if before.get(name, Ellipsis) is not value and not name.startswith("__")
    }
    if block.title is not None:
        session.namespace = before
    load_as_plugin(session, block, defined)
    call_tests(session, defined)


def run_statements(block: Block, namespace: dict[str, Any]) -> None:
    """Execute ``block`` in ``namespace``, checking the values its comments show.

    A block without such comments is executed whole (so ``from __future__`` imports hold for
    all of it), one with them statement by statement.
    """
    tree = ast.parse(block.text)
    ast.increment_lineno(tree, block.line)
    shown = comments("\n" * block.line + block.text)
    steps = [(node, shown_value(node, shown.get(node.end_lineno or 0))) for node in tree.body]
    if all(expected is None for _, expected in steps):
        execute(block, tree.body, namespace)
        return
    for statement, expected in steps:
        where = f"docs/{block.page}:{statement.lineno}"
        if expected is None:
            execute(block, [statement], namespace)
        elif expected[0] == "prints":
            printed = io.StringIO()
            with contextlib.redirect_stdout(printed):
                execute(block, [statement], namespace)
            assert printed.getvalue() == f"{expected[1]}\n", (where, printed.getvalue())
            sys.stdout.write(printed.getvalue())
        else:
            assert isinstance(statement, ast.Expr)
            code = compile(ast.Expression(statement.value), str(DOCS / block.page), "eval")
            value = eval(code, namespace)  # noqa: S307  the page's own expression
            assert same_value(value, expected[1]), (where, value)


def execute(block: Block, statements: list[ast.stmt], namespace: dict[str, Any]) -> None:
    """Execute statements of ``block`` in ``namespace``, under the page's name and lines."""
    code = compile(ast.Module(body=statements, type_ignores=[]), str(DOCS / block.page), "exec")
    exec(code, namespace)  # noqa: S102  the page's own code


def comments(source: str) -> dict[int, str]:
    """Return the comment ending each line of ``source`` that has one, by line number."""
    return {
        token.start[0]: token.string.removeprefix("#").strip()
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    }


def shown_value(statement: ast.stmt, comment: str | None) -> tuple[str, Any] | None:
    """What a statement's comment says it gives: ``("value", literal)`` or ``("prints", text)``."""
    if comment is None or not isinstance(statement, ast.Expr):
        return None
    call = statement.value
    if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "print":
        return ("prints", comment)
    try:
        return ("value", ast.literal_eval(comment))
    except (ValueError, SyntaxError):
        return None  # a remark, not a value


def same_value(actual: Any, shown: Any) -> bool:
    """Whether ``actual`` is the value shown: equal, or a float rounded as the page rounds it."""
    if isinstance(shown, float) and isinstance(actual, float):
        decimals = len(repr(shown).partition(".")[2])
        return round(actual, decimals) == shown
    return bool(actual == shown)


def load_as_plugin(session: Session, block: Block, defined: dict[str, Any]) -> None:
    """Load the hook implementations the block defined as a plugin; it must have no problem."""
    if not any(hasattr(value, "criteriakit_impl") for value in defined.values()):
        return
    plugin = types.ModuleType(f"docs_{Path(block.page).stem}_{block.line}")
    plugin.__dict__.update(defined)
    registry = criteriakit.Registry.load(autoload=False, plugins=[(plugin.__name__, plugin)])
    assert registry.problems == (), (block.where, registry.problems)
    session.plugins = registry


def call_tests(session: Session, defined: dict[str, Any]) -> None:
    """Call the test functions a block defined, with the page's fixtures."""
    fixtures = session.config.fixtures
    for name, test in defined.items():
        if name.startswith("test_") and callable(test):
            parameters = inspect.signature(test).parameters
            test(**{parameter: fixtures[parameter](session) for parameter in parameters})


# ---------------------------------------------------------------------------- toml


def check_toml(session: Session, block: Block, shown: Block | None) -> None:  # noqa: ARG001
    """Check a TOML block: a framework loads, a case file passes, a fragment fits its framework."""
    data = tomllib.loads(block.text)
    schema = re.match(r"#:schema (\S+)", block.text)
    if schema is not None:
        assert (session.cwd / schema[1]).is_file(), f"{block.where}: the page wrote no {schema[1]}"
    if block.title is not None:
        write_file(session, block)
    if "cases" in data:
        check_case_file(session, block)
    elif {"id", "version"} <= data.keys() and ("criteria" in data or "extends" in data):
        registry = session.registry()
        criteriakit.loads_framework(
            block.text, source=block.where, extensions=registry.extensions, resolve=registry.resolve
        )
    else:
        fragments = session.config.fragments
        starts = [start for start in fragments if block.text.startswith(start)]
        assert len(starts) == 1, f"{block.where}: a fragment: say in PAGES what it is part of"
        fragment = fragments[starts[0]]
        if isinstance(fragment, str):
            merge_fragment(session, block, fragment)
        else:
            fragment(session, block, data)


def check_case_file(session: Session, block: Block) -> None:
    """Run a case file block, from the file the page keeps it in; every case must pass."""
    path = session.files.get(block.line)
    if path is None:
        path = session.cwd / f"test_sample_{block.line}.toml"
        path.write_text(block.text, encoding="utf-8")
    outcome = run_case_file(load_case_file(path), FrameworkFinder())
    assert outcome.error is None, outcome.render_error()
    assert outcome.cases, block.where
    failed = [case.render() for case in outcome.cases if not case.passed]
    assert not failed, "\n".join(failed)


def merge_fragment(
    session: Session, block: Block, base: str, *, base_file: str | None = None
) -> None:
    """Register the fragment as a file that extends ``base`` and gives only what it gives.

    The registry (the installed plugins, and ``base_file`` for a base of this module's) checks
    the merged framework as any other, its children's framework too; it must have no problem.
    """
    folder = session.cwd / "fragments" / str(block.line)
    folder.mkdir(parents=True)
    if base_file is not None:
        (folder / "base.toml").write_text(base_file, encoding="utf-8")
    header = f'extends = "{base}"\nid = "docs.fragment"\nversion = "1"\n'
    (folder / f"{Path(block.page).stem}-{block.line}.toml").write_text(header + block.text)
    registry = criteriakit.Registry.load(plugin_dirs=[folder])
    assert registry.problems == (), registry.problems
    assert registry.get("docs.fragment", "1").base == base


# ---------------------------------------------------------------------------- shell


OTHER_COMMANDS = {
    "pip install": "installing: CI installs the extras in fresh environments (.ci/install-check)",
    "python -m pip install": "installing, as above",
    "tox": "tox environments: CI runs them (.ci/run)",
    "pytest": "case files under pytest: tests/test_testing_docs.py runs the page's",
    "python -m pytest": "a plugin's own tests: tests/test_tutorial.py, tests/test_scaffold.py",
    "pybabel": "maintainers' catalogue updates: tests/test_languages.py checks the catalogues",
    "source": "the shell runs the script that the criteriakit command before it printed",
}
"""Commands the samples show that are not criteriakit's, by their first words: why not run here."""


@dataclass
class Command:
    """One command line of a shell block, with the output the page shows after it."""

    words: list[str]
    line: int
    shown: list[str] = field(default_factory=list)


def commands(block: Block) -> list[Command]:
    """Split a shell block into commands (joining ``\\`` continuations) and their shown output.

    With ``$`` prompts, the lines after a command up to the next prompt are its output; without
    them, every line is a command. Comments and blank lines are left out.
    """
    prompted = any(line.startswith("$ ") for line in block.text.splitlines())
    found: list[Command] = []
    pending: list[str] = []
    for number, line in enumerate(block.text.splitlines(), start=block.line + 1):
        starts = line.startswith("$ ") if prompted else bool(line.strip())
        if not pending and not starts:
            if prompted and found:
                found[-1].shown.append(line)
            continue
        text = line if pending else line.removeprefix("$ ")
        if not pending and text.lstrip().startswith("#"):
            continue
        pending.append(text.removesuffix("\\"))
        if not line.endswith("\\"):
            found.append(Command(shell_words(" ".join(pending)), number))
            pending = []
    assert not pending, f"{block.where}: a command continues past the block"
    return found


def shell_words(line: str) -> list[str]:
    """Split a command line as a POSIX shell would, with ``|``, ``&&``, ``;`` and ``>`` apart."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
    lexer.whitespace_split = True
    return list(lexer)


def split_on(words: list[str], operators: set[str]) -> Iterator[list[str]]:
    """Split a command line's words into its commands, at the shell operators given."""
    part: list[str] = []
    for word in [*words, ";"]:
        if word in operators:
            if part:
                yield part
            part = []
        else:
            part.append(word)


def other_command(words: list[str]) -> str | None:
    """The entry of :data:`OTHER_COMMANDS` that a command starts with, if any."""
    words = [word for word in words if not ASSIGNMENT.fullmatch(word)]
    return next((p for p in OTHER_COMMANDS if words[: len(p.split())] == p.split()), None)


def check_shell(session: Session, block: Block, shown: Block | None) -> None:
    """Run each criteriakit command of a shell block; check its status and its shown output."""
    found = commands(block)
    assert found, f"{block.where}: no command"
    for number, command in enumerate(found):
        where = f"docs/{block.page}:{command.line}"
        output = run_command(session, command.words, where)
        expected = command.shown
        if not expected and shown is not None and number == len(found) - 1:
            expected = shown.text.splitlines()
        if expected and output is not None:
            assert normalised(output.output) == normalised("\n".join(expected)), where
        elif output is not None:
            assert not output.stderr, f"{where}: says what the page does not show: {output.stderr}"


def normalised(text: str) -> list[str]:
    """Return the lines of ``text`` without trailing blanks, and without blank lines at the end."""
    return "\n".join(line.rstrip() for line in text.splitlines()).rstrip("\n").splitlines()


def run_command(session: Session, words: list[str], where: str) -> Result | None:
    """Run one shell command line; return the result of its last criteriakit command, if any."""
    output = None
    for part in split_on(words, {"&&", ";", "|"}):
        evaluated = re.fullmatch(r"\$\((.*)\)", part[1]) if part[0] == "eval" else None
        command = part if evaluated is None else shell_words(evaluated[1])
        env = dict(session.env)
        while ASSIGNMENT.fullmatch(command[0]):
            name, _, value = command.pop(0).partition("=")
            env[name] = value
        if command[0] == "cd":
            session.chdir(session.cwd / command[1])
        elif command[0] == "export":
            session.env.update(assignment.split("=", 1) for assignment in command[1:])
        elif command[0] == "criteriakit":
            output = run_criteriakit(session, command[1:], env, where)
        else:
            assert other_command(command) is not None, (
                f"{where}: {shlex.join(command)!r} is not criteriakit's, nor in OTHER_COMMANDS"
            )
    return output


def run_criteriakit(
    session: Session, arguments: list[str], env: dict[str, str], where: str
) -> Result:
    """Run ``criteriakit ARGUMENTS`` (``> FILE`` writes its output there); it must succeed."""
    target = None
    if ">" in arguments:
        arguments, target = arguments[: arguments.index(">")], arguments[-1]
    result = CliRunner(env=env).invoke(
        build_cli(), arguments, prog_name="criteriakit", catch_exceptions=False
    )
    assert result.exit_code == 0, f"{where}: exit status {result.exit_code}\n{result.output}"
    if target is not None:
        (session.cwd / target).write_text(result.stdout, encoding="utf-8")
    return result


# ---------------------------------------------------------------------------- json


def check_json(session: Session, block: Block, shown: Block | None) -> None:  # noqa: ARG001
    """Check a JSON block: it parses, and is what criteriakit writes (the page's check)."""
    document = json.loads(block.text)
    check = session.config.document
    assert check is not None, f"{block.where}: say in PAGES what writes this document"
    check(session, document)


def assert_abridged(shown: Any, actual: Any, path: str = "") -> None:
    """Assert ``shown`` is ``actual`` abridged: some of its keys, its values, ``…`` for text.

    A list shown may be shorter than the list written (its first items stand for the rest), a
    table may leave keys out, and text may end in ``…`` where the document goes on.
    """
    if isinstance(shown, dict):
        assert isinstance(actual, dict), path
        assert shown.keys() <= actual.keys(), (path, sorted(shown), sorted(actual))
        for key, value in shown.items():
            assert_abridged(value, actual[key], f"{path}.{key}")
    elif isinstance(shown, list):
        assert isinstance(actual, list), path
        assert len(shown) <= len(actual), path
        for index, item in enumerate(shown):
            assert_abridged(item, actual[index], f"{path}[{index}]")
    elif isinstance(shown, str) and shown.endswith("…"):
        assert isinstance(actual, str), path
        assert actual.startswith(shown.removesuffix("…")), (path, actual)
    else:
        assert shown == actual, (path, shown, actual)


CHECKS: dict[str, Callable[[Session, Block, Block | None], None]] = {
    "python": check_python,
    "toml": check_toml,
    "console": check_shell,
    "sh": check_shell,
    "bash": check_shell,
    "json": check_json,
}


# ---------------------------------------------------------------------------- the pages
# What a page's samples need beyond the copies of examples/ and of the plugins' framework files,
# and what its fragments and documents are checked against.


def format_example() -> str:
    """The complete example of the format reference, which other pages use as a file."""
    (block,) = [b for b in page_blocks("format.md") if b.text.startswith('id = "acme.team-review"')]
    return block.text


def prepare_bad_input(session: Session) -> None:
    """huge.toml: the format reference's example, made larger than the default 4 MiB limit."""
    padding = "# a long comment, as a generated file might have\n" * 100_000
    (session.cwd / "huge.toml").write_text(format_example() + padding, encoding="utf-8")
    assert (session.cwd / "huge.toml").stat().st_size > criteriakit.limits.DEFAULTS.file_bytes


def prepare_clusters(session: Session) -> None:
    """The local-plugin example's one-file plugin, importable, and its framework file."""
    example = session.cwd / "examples" / "local-plugin"
    shutil.copy(example / "criteriakit_plugin.py", session.cwd)
    (session.cwd / "frameworks").mkdir()
    shutil.copy(example / "acme.team-safety.toml", session.cwd / "frameworks")
    session.monkeypatch.syspath_prepend(str(session.cwd))
    session.monkeypatch.delitem(sys.modules, "criteriakit_plugin", raising=False)
    session.request.addfinalizer(lambda: sys.modules.pop("criteriakit_plugin", None))


def prepare_columnar(session: Session) -> None:
    """The commune's three levels, the members as Parquet."""
    pl = pytest.importorskip("polars")
    commune = session.cwd / "examples" / "commune"
    shutil.copy(commune / "committees.csv", session.cwd)
    shutil.copy(commune / "cells.csv", session.cwd)
    pl.read_ndjson(commune / "members.jsonl").write_parquet(session.cwd / "members.parquet")


def prepare_awards(session: Session) -> None:
    """commune-2023: the commune generated with the seed 2023, as the page says."""
    generate = ROOT / "examples" / "generate_population.py"
    target = session.cwd / "commune-2023"
    subprocess.run(
        [sys.executable, str(generate), "commune", str(target), "--seed", "2023"], check=True
    )


def prepare_acme_toml(session: Session) -> None:
    """acme.toml: the format reference's example, as the page says."""
    (session.cwd / "acme.toml").write_text(format_example(), encoding="utf-8")


def prepare_extending(session: Session) -> None:
    """The derived file, where the Python example opens it; coal-mining cells to evaluate."""
    derived = shown_block("extending.md", "toml", 'extends = "vn.four-good-cell@2024"')
    path = session.cwd / "vn.four-good-cell.coal-mining.toml"
    path.write_text(derived.text, encoding="utf-8")
    with (session.cwd / "examples" / "four-good" / "cells.csv").open(encoding="utf-8") as file:
        cells = list(csv.DictReader(file))
    names = [name for name in cells[0] if not name.startswith("mass_orgs_")]
    coal = ["initiatives", "members", "members_with_initiative"]
    with (session.cwd / "coal-cells.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file)
        writer.writerow([*names, *coal])
        for number, cell in enumerate(cells):
            writer.writerow([*(cell[name] for name in names), number % 7, 20, number % 21])


def prepare_format(session: Session) -> None:
    """members.csv and reviews.csv: the commune's members, their monthly scores as monthly rows."""
    members, reviews = [], []
    commune = session.cwd / "examples" / "commune" / "members.jsonl"
    for line in commune.read_text(encoding="utf-8").splitlines():
        member = json.loads(line)
        scores = member.pop("monthly_scores")
        members.append(member)
        reviews += [
            {"id": member["id"], "period": f"2024-{month:02}", "score": score}
            for month, score in enumerate(scores, start=1)
        ]
    for name, rows in (("members.csv", members), ("reviews.csv", reviews)):
        with (session.cwd / name).open("w", encoding="utf-8", newline="") as file:
            writer = csv.DictWriter(file, list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)


class Campaign:
    """What tests/fuzz's ``campaign`` fixture gives: it runs a target, and fails on a failure."""

    def run(self, target: Any) -> Any:
        """Run ``target`` in this run's fuzz profile, as the fixture does."""
        from fuzz.campaign import Plan, raise_failures, run  # noqa: PLC0415  tests/fuzz

        tally = run(target, Plan.from_environment())
        raise_failures(tally)
        assert tally.inputs > 0
        return tally


def prepare_fuzzing(session: Session) -> None:
    """What the example takes as given: ``Target``, and a target's ``inputs`` and ``check``."""
    from hypothesis import strategies as st  # noqa: PLC0415

    from fuzz.campaign import Target  # noqa: PLC0415  tests/fuzz
    from fuzz.outcomes import assert_well_reported  # noqa: PLC0415

    def check(value: str, data: Any) -> None:  # noqa: ARG001  a target's check takes both
        """Load ``value`` as a framework file: it loads, or its error is well reported."""
        try:
            criteriakit.loads_framework(value)
        except criteriakit.CriteriaKitError as error:
            assert_well_reported(error)

    session.namespace.update(Target=Target, inputs=st.text(max_size=40), check=check)


def prepare_index(session: Session) -> None:
    """my-framework.toml: the format reference's example."""
    (session.cwd / "my-framework.toml").write_text(format_example(), encoding="utf-8")


def prepare_properties(session: Session) -> None:
    """The team review that ``criteriakit new-plugin`` generates, as ``framework`` too."""
    run_criteriakit(session, ["new-plugin", "acme-coal"], {}, "new-plugin")
    generated = next((session.cwd / "acme-coal").rglob("acme-coal.team-review.toml"))
    shutil.copy(generated, session.cwd)
    session.namespace["framework"] = criteriakit.load_framework("acme-coal.team-review.toml")


def prepare_testing(session: Session) -> None:
    """The local-plugin example, with the case files where the page keeps them."""
    acme = session.cwd / "acme"
    shutil.copytree(session.cwd / "examples" / "local-plugin", acme)
    (acme / "tests").mkdir()
    shutil.copy(ROOT / "tests" / "data" / "cases" / "team.toml", acme)  # the quota's framework
    for containing, name in (
        ("acme.team-safety@2025", "tests/test_team_safety.toml"),
        ("[[cases.units]]", "test_quota.toml"),
    ):
        block = shown_block("testing.md", "toml", containing)
        (acme / name).write_text(block.text, encoding="utf-8")
        session.files[block.line] = acme / name
    session.chdir(acme)


WEIGHTS_BASE = """\
id = "docs.delivery"
version = "1"
title = "Delivery"
subject = "supplier"
scale = "weights"

[weights]
method = "equal"

[inputs.on_time]
type = "number"
[inputs.throughput]
type = "number"
[inputs.defects]
type = "number"
[inputs.price]
type = "number"

[[criteria]]
id = "speed"
title = "Speed"
[criteria.weights]
method = "equal"
[[criteria.indicators]]
id = "on-time"
title = "On time"
value = "on_time"
scorer = { type = "linear", zero_at = 0, full_at = 1 }
[[criteria.indicators]]
id = "throughput"
title = "Throughput"
value = "throughput"
scorer = { type = "linear", zero_at = 0, full_at = 100 }

[[criteria]]
id = "quality"
title = "Quality"
[[criteria.indicators]]
id = "defects"
title = "Defects"
value = "defects"
weight = 1
scorer = { type = "linear", zero_at = 10, full_at = 0 }

[[criteria]]
id = "cost"
title = "Cost"
[[criteria.indicators]]
id = "price"
title = "Price"
value = "price"
weight = 1
scorer = { type = "linear", zero_at = 100, full_at = 50 }

[[tiers]]
id = "good"
title = "Good"
min_score = 0.5

[[tiers]]
id = "poor"
title = "Poor"
min_score = 0
"""
"""Three criteria, the first with the two indicators that the weights fragment ranks."""


def merge_weights(session: Session, block: Block, data: dict[str, Any]) -> None:  # noqa: ARG001
    """The weights fragment, merged into a framework of three criteria, ``speed`` first."""
    merge_fragment(session, block, "docs.delivery@1", base_file=WEIGHTS_BASE)


def head_of_example(session: Session, block: Block, data: dict[str, Any]) -> None:  # noqa: ARG001
    """The head of a file: the id and version of the format reference's example."""
    assert data.items() <= tomllib.loads(format_example()).items(), block.where


def check_taplo(session: Session, block: Block, data: dict[str, Any]) -> None:
    """The Taplo rules: each names a schema the page wrote, which the plugins' files that the
    rule includes (frameworks, case files) validate against."""
    jsonschema = pytest.importorskip("jsonschema")
    for rule in data["rule"]:
        schema = json.loads((session.cwd / rule["schema"]["path"]).read_text(encoding="utf-8"))
        matched = [path for pattern in rule["include"] for path in (ROOT / "plugins").glob(pattern)]
        assert matched, f"{block.where}: {rule['include']} matches no file of the plugins"
        for path in matched:
            document = tomllib.loads(path.read_text(encoding="utf-8"))
            as_json = json.loads(json.dumps(document, default=str))  # dates as text, as editors do
            jsonschema.validate(as_json, schema)


def check_entry_point(session: Session, block: Block, data: dict[str, Any]) -> None:
    """The entry point is the one in the pyproject.toml that ``new-plugin`` wrote."""
    written = tomllib.loads((session.cwd / "pyproject.toml").read_text(encoding="utf-8"))
    assert written["project"]["entry-points"] == data["project"]["entry-points"], block.where


def swap_bands(session: Session, block: Block, data: dict[str, Any]) -> None:
    """The bands typed the wrong way round: the team review with them is the next block's."""
    text = (session.cwd / "acme-coal.team-review.toml").read_text(encoding="utf-8")
    start = text.index("bands = [\n")
    end = text.index("]\n", start) + 2
    typed, meant = data["bands"], tomllib.loads(text[start:end])["bands"]
    for key in ("min", "award"):  # the same bounds and awards, paired the wrong way
        assert sorted(band[key] for band in typed) == sorted(band[key] for band in meant), key
    assert typed != meant, block.where
    changed = text[:start] + block.text + text[end:]
    session.scoped["framework"] = criteriakit.loads_framework(changed, source=block.where)


def check_comparison(session: Session, document: dict[str, Any]) -> None:
    """What the page's ``criteriakit compare`` writes with ``--format json``: its counts, and
    the change shown among its changes."""
    (command,) = [
        command.words
        for block in page_blocks("compare.md")
        if block.language in SHELLS
        for command in commands(block)
        if "compare" in command.words
    ]
    written = json.loads(
        run_criteriakit(session, [*command[1:], "--format", "json"], {}, "").stdout
    )
    assert document.keys() == written.keys()
    for key in ("before", "after", "counts"):
        assert document[key] == written[key], key
    for change in document["changes"]:
        assert change in written["changes"], change


def check_result_document(session: Session, document: dict[str, Any]) -> None:
    """The document ``criteriakit evaluate ... --format json`` writes, one result abridged."""
    arguments = ["evaluate", "vn.four-good-cell", "examples/four-good/cells.csv"]
    written = json.loads(run_criteriakit(session, [*arguments, "--format", "json"], {}, "").stdout)
    assert document.keys() == written.keys()
    (shown,) = document["results"]
    (result,) = [result for result in written["results"] if result["unit"] == shown["unit"]]
    assert shown.keys() == result.keys()  # every key of a result, whatever it abridges
    assert_abridged(shown, result)


def registry_of_the_plugin(session: Session) -> None:
    """The registry of the one-file plugin and its directory of framework files has both."""
    registry = session.namespace["registry"]
    assert registry.problems == ()
    assert "incident_rate" in registry.extensions.functions
    assert registry.get("acme.team-safety", "2025").ref == "acme.team-safety@2025"


def per_member_as_columns(session: Session) -> None:
    """The function with its columnar builder runs as columns (a fallback would warn, which
    fails the test) and gives what its scalar implementation gives."""
    pl = pytest.importorskip("polars")
    spec = session.namespace["per_member"]

    @criteriakit.hookimpl
    def criteriakit_register_functions(register: Callable[[Any], None]) -> None:
        register(spec)

    plugin = types.SimpleNamespace(criteriakit_register_functions=criteriakit_register_functions)
    registry = criteriakit.Registry.load(autoload=False, plugins=[("per-member", plugin)])
    assert registry.problems == ()
    text = format_example().replace('"goals_met / goals_set"', '"per_member(goals_met, goals_set)"')
    framework = criteriakit.loads_framework(text, extensions=registry.extensions)
    units = [
        {"id": f"t{met}", "goals_set": 4, "goals_met": met, "satisfaction": "low"}
        for met in range(5)
    ]
    scalar = [framework.evaluate({k: v for k, v in u.items() if k != "id"}).score for u in units]
    assert scalar == [20, 20, 20, 40, 60]  # below half the goals no points, then 20 each
    assert criteriakit.evaluate_frame(framework, pl.DataFrame(units))["score"].to_list() == scalar


def same_cells(session: Session) -> None:
    """Rolled up from partial results, the cells are what ``evaluate_levels_frame`` gave."""
    from polars.testing import assert_frame_equal  # noqa: PLC0415

    rolled, levels = session.namespace["cells_table"], session.namespace["cells"]
    assert_frame_equal(rolled, levels.select(rolled.columns))


def saturating_scores(session: Session) -> None:
    """Frameworks then write ``scorer = { type = "saturating", rate = 2 }``, as the page says."""
    assert session.plugins is not None
    text = format_example().replace(
        'scorer = { type = "linear", zero_at = 0.5, full_at = 1 }',
        'scorer = { type = "saturating", rate = 2 }',
    )
    framework = criteriakit.loads_framework(text, extensions=session.plugins.extensions)
    result = framework.evaluate({"goals_set": 4, "goals_met": 2, "satisfaction": "high"})
    share = 1 - math.exp(-2 * 0.5)  # 2 of 4 goals met, at rate 2
    assert result.indicator("delivery.goals").points == pytest.approx(40 * share)


def weakest_in_both_engines(session: Session) -> None:
    """A framework with ``weighting = "weakest"`` scores alike in both engines."""
    pl = pytest.importorskip("polars")
    assert session.plugins is not None
    text = f'weighting = "weakest"\n{format_example()}'
    framework = criteriakit.loads_framework(text, extensions=session.plugins.extensions)
    units = [
        {"id": "a", "goals_set": 4, "goals_met": 3, "satisfaction": "high", "incidents": 1},
        {"id": "b", "goals_set": 4, "goals_met": 4, "satisfaction": "medium", "incidents": 0},
    ]
    scores = [framework.evaluate({k: v for k, v in u.items() if k != "id"}).score for u in units]
    # the weakest criterion's share of its points: delivery 30 of 60, then people 25 of 40
    assert scores == [50, 62.5]
    assert criteriakit.evaluate_frame(framework, pl.DataFrame(units))["score"].to_list() == scores


Fragment = str | Callable[[Session, Block, dict[str, Any]], None]


@dataclass(frozen=True)
class Page:
    """What the samples of one page need, and the checks of their own."""

    prepare: Callable[[Session], None] | None = None
    """Puts in the working directory or namespace what the samples take as given."""
    plugin_dirs: tuple[str, ...] = ()
    """Local plugin directories its frameworks load with, beside the installed plugins."""
    test_folder: str = "."
    """Where its test modules are written (their ``plugin_dirs`` are relative to them)."""
    fixtures: Mapping[str, Callable[[Session], Any]] = field(default_factory=dict)
    """The fixtures of the test functions that its blocks define."""
    fragments: Mapping[str, Fragment] = field(default_factory=dict)
    """Its TOML fragments, by how they start: the framework (``id@version``) each is merged
    into, or the fragment's own check."""
    document: Callable[[Session, dict[str, Any]], None] | None = None
    """How the JSON document it shows is compared with what criteriakit writes."""
    after: Mapping[str, Callable[[Session], None]] = field(default_factory=dict)
    """Checks of what the page says of a block's results, by a text the block contains."""


CELL = "vn.four-good-cell@2024"

PAGES: dict[str, Page] = {
    "awards.md": Page(prepare=prepare_awards, fragments={"[[awards]]": CELL}),
    "bad-input.md": Page(prepare=prepare_bad_input),
    "clusters.md": Page(prepare=prepare_clusters, after={"plugin_dirs=": registry_of_the_plugin}),
    "columnar.md": Page(
        prepare=prepare_columnar,
        after={"rolled_up=rolled": same_cells, "per_member = FunctionSpec(": per_member_as_columns},
    ),
    "compare.md": Page(prepare=prepare_acme_toml, document=check_comparison),
    "extending.md": Page(
        prepare=prepare_extending,
        fragments={'[[criteria]]\nid = "1"': CELL, "# 2.4": CELL, "# 2.2": CELL, "# acme": CELL},
    ),
    "format.md": Page(
        prepare=prepare_format,
        fragments={
            "[derived]": CELL,
            'scale = "weights"': merge_weights,
            "[[checks]]": "vn.four-good-cell.coal-mining@2024",
            "[children]": CELL,
            "[[quotas]]": "vn.four-good-member@2024",
            "[ranking]": "vn.four-good-member@2024",
            "#:schema ./framework.schema.json": head_of_example,
            "[[rule]]": check_taplo,
        },
    ),
    "fuzzing.md": Page(prepare=prepare_fuzzing, fixtures={"campaign": lambda _: Campaign()}),
    "index.md": Page(prepare=prepare_index),
    "new-plugin.md": Page(fragments={"[project.entry-points.criteriakit]": check_entry_point}),
    "plugins.md": Page(
        after={'"saturating"': saturating_scores, '"weakest"': weakest_in_both_engines}
    ),
    "properties.md": Page(prepare=prepare_properties, fragments={"bands = [": swap_bands}),
    "results.md": Page(document=check_result_document),
    "testing.md": Page(prepare=prepare_testing, test_folder="tests"),
    "tutorial.md": Page(plugin_dirs=("examples/local-plugin",)),
}
"""What each page's samples need and are checked against, beyond the rules above."""

ENGINE_SAMPLES = {
    "spark.read.parquet(": "test_spark.py::test_the_spark_example_of_the_docs_evaluates_the_commune",
    "dd.read_parquet(": "test_dask.py::test_the_dask_example_of_the_docs_evaluates_the_commune",
    'Client("tcp://scheduler:8786")': "test_dask_cluster.py::test_the_dask_examples_of_the_docs_run_on_a_cluster",
    "PipInstall(": "test_dask_cluster.py::test_the_dask_examples_of_the_docs_run_on_a_cluster",
}
"""The clusters page's samples that need Spark or Dask, by what they contain: the test of
tests/distributed that runs them, where the engine is installed (tox -e spark, tox -e dask)."""


# ---------------------------------------------------------------------------- the tests


@pytest.fixture
def clean_environment(monkeypatch):
    """No CRITERIAKIT_* variable of the machine's: the pages assume none is set."""
    variables = ("PATH", "DISABLE_PLUGINS", "DISABLE_PLUGIN_AUTOLOAD", "LANGUAGE")
    for name in (f"CRITERIAKIT_{variable}" for variable in variables):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize("page", pages_with_samples())
def test_the_samples_of_each_page_run_as_shown(page, tmp_path, clean_environment, request):
    for plugin in ("criteriakit_vn_party", "criteriakit_vn_coal"):
        pytest.importorskip(plugin)  # the pages' frameworks: tox installs both plugins
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    for path in FRAMEWORK_FILES:
        copy = tmp_path / path.relative_to(ROOT)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, copy)
    clean_environment.chdir(tmp_path)
    session = Session(page, tmp_path, clean_environment, request)
    limits = criteriakit.limits.configure()  # a sample may change them for the whole process
    try:
        if session.config.prepare is not None:
            session.config.prepare(session)
        run_page(session, page_blocks(page))
    finally:
        criteriakit.limits.configure(**attrs.asdict(limits))


def test_every_block_is_a_sample_or_an_output_or_data():
    unknown = [
        f"{block.where}: ```{block.language}"
        for page in pages()
        for block in page_blocks(page)
        if block.language not in SAMPLES + NOT_SAMPLES
    ]
    assert not unknown, f"blocks of no known language: give one, or check it here: {unknown}"


def test_the_blocks_are_every_fence_of_the_pages():
    for page in pages():
        fences = re.findall(r"^ *```", (DOCS / page).read_text(encoding="utf-8"), re.MULTILINE)
        assert len(fences) == 2 * len(page_blocks(page)), page


def test_a_sample_not_run_is_marked_with_a_reason():
    markers = [
        (page, line)
        for page in pages()
        for line in (DOCS / page).read_text(encoding="utf-8").splitlines()
        if line.startswith("<!-- sample:")
    ]
    not_run = [block for page in pages() for block in page_blocks(page) if block.not_run]
    assert len(markers) == len(not_run), "a sample marker that is malformed or not above a block"
    for block in not_run:
        assert block.language in SAMPLES, block.where
        assert len(block.not_run.split()) >= 3, f"{block.where}: say why it is not run"


def test_what_pages_name_is_there():
    for page, config in PAGES.items():
        assert page in pages_with_samples(), page
        blocks = page_blocks(page)
        for start in config.fragments:
            assert [b for b in blocks if b.language == "toml" and b.text.startswith(start)], start
        for containing in config.after:
            assert sum(containing in block.text for block in blocks) == 1, containing
        assert (config.document is None) == all(b.language != "json" for b in blocks), page


def test_every_other_command_is_one_a_page_shows():
    shown = {
        other_command(part)
        for page in pages()
        for block in page_blocks(page)
        if block.language in SHELLS and not block.not_run
        for command in commands(block)
        for part in split_on(command.words, {"&&", ";", "|"})
    }
    assert shown - {None} == set(OTHER_COMMANDS)


def test_the_engine_samples_are_run_in_tests_distributed():
    samples = [b for b in page_blocks("clusters.md") if ENGINES.search(b.text)]
    assert samples
    for block in samples:
        assert sum(key in block.text for key in ENGINE_SAMPLES) == 1, block.where
    for key, test in ENGINE_SAMPLES.items():
        path, name = test.split("::")
        source = (ROOT / "tests" / "distributed" / path).read_text(encoding="utf-8")
        assert f"def {name}(" in source, test
        assert re.search(r"run_docs_sample\(\s*['\"]" + re.escape(key), source), test


def test_the_parser_finds_titles_markers_and_outputs():
    titles = [b.title for b in page_blocks("tutorial.md") if b.language == "python" and b.title]
    assert titles == [
        "examples/local-plugin/criteriakit_plugin.py",
        "examples/local-plugin/test_rules.py",
    ]
    assert [b.not_run is not None for b in page_blocks("clusters.md") if b.language in SHELLS] == [
        True,
        True,
    ]
    (entry_point,) = [b for b in page_blocks("new-plugin.md") if b.language == "toml"]
    assert entry_point.text.startswith("[project.entry-points.criteriakit]\n")  # indent removed
    (compared,) = [b for b in page_blocks("compare.md") if b.language == "text"]
    assert compared.follows
    (session,) = commands(shown_block("new-plugin.md", "console", "new-plugin acme-coal"))[:1]
    assert session.words == ["criteriakit", "new-plugin", "acme-coal"]
    assert session.shown[-1] == "  python -m pytest"
