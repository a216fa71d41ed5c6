"""The ``criteriakit test`` command: run case files without writing any Python.

It runs the same ``test_*.toml`` case files as the pytest plugin, through the same runner, and
prints a summary a rule author can read: each case PASS or FAIL, every failure with its file
and line, a count, and with ``--coverage`` the rules no case exercised. Exit status: 0 when
every case passed, 1 when a case failed or a file could not run, 2 for usage errors.

Each case file's registry holds the plugin directories it names and, if it asks, the installed
plugins; the command line's ``--plugin-dir``, ``--disable-plugin`` and ``--no-autoload`` apply
on top, as do the ``CRITERIAKIT_*`` environment variables.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from criteriakit.cli._session import Session, pass_session
from criteriakit.errors import CaseFileError

if TYPE_CHECKING:
    from criteriakit.registry import Registry
    from criteriakit.testing.runner import FileOutcome, PluginSetup

__all__ = ["test"]

CASE_FILE_PATTERN = "test_*.toml"


def _case_files(paths: Iterable[str]) -> list[Path]:
    """Files as given; directories searched for ``test_*.toml``, hidden directories skipped."""
    found: dict[Path, None] = {}
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for file in sorted(path.rglob(CASE_FILE_PATTERN)):
                hidden = any(part.startswith(".") for part in file.relative_to(path).parts)
                if file.is_file() and not hidden:
                    found[file] = None
        else:
            found[path] = None
    return list(found)


class _Report:
    """Counts and prints outcomes as they come."""

    def __init__(self) -> None:
        self.passed = 0
        self.failed = 0
        self.errors = 0
        self.files = 0

    def error(self, source: str, message: str) -> None:
        self.files += 1
        self.errors += 1
        click.echo(f"{source}: ERROR")
        click.echo(_indent(message, 2))

    def file(self, outcome: FileOutcome) -> None:
        if outcome.error is not None:
            self.error(outcome.case_file.source, outcome.render_error())
            return
        self.files += 1
        assert outcome.framework is not None  # noqa: S101  set whenever there is no error
        click.echo(f"{outcome.case_file.source}: {outcome.framework.ref}")
        for case in outcome.cases:
            if case.passed:
                self.passed += 1
                click.echo(f"  PASS  {case.case.name}")
            else:
                self.failed += 1
                click.echo(f"  FAIL  {case.case.name} ({case.case_file.source}:{case.line})")
                click.echo(_indent(case.details(), 8))

    def summary(self) -> str:
        parts = [f"{self.passed} passed"]
        if self.failed:
            parts.append(f"{self.failed} failed")
        if self.errors:
            parts.append(f"{self.errors} error{'s' if self.errors > 1 else ''}")
        files = f"{self.files} file{'s' if self.files > 1 else ''}"
        return f"{', '.join(parts)} in {files}"


def _indent(text: str, width: int) -> str:
    return "\n".join(" " * width + line for line in text.splitlines())


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--coverage",
    is_flag=True,
    help="Also report the bands, gates, vetoes, caps and quotas that no case exercised.",
)
@pass_session
def test(session: Session, paths: tuple[str, ...], coverage: bool) -> None:
    """Run the case files in PATHS (files, or directories searched for test_*.toml).

    Each case is reported PASS or FAIL, every failure with its file and line.
    """
    from criteriakit.registry import Registry  # noqa: PLC0415  loaded when used
    from criteriakit.testing.cases import load_case_file  # noqa: PLC0415  loaded when used
    from criteriakit.testing.coverage import CoverageRecorder  # noqa: PLC0415  loaded when used
    from criteriakit.testing.runner import FrameworkFinder, run_case_file  # noqa: PLC0415  loaded when used

    files = _case_files(paths)
    if not files:
        raise click.UsageError(f"no case files ({CASE_FILE_PATTERN}) in {', '.join(paths)}")

    def load_registry(setup: PluginSetup) -> Registry:
        return Registry.load(
            autoload=setup.installed and session.autoload,
            disabled=session.disabled,
            plugin_dirs=(*setup.plugin_dirs, *session.plugin_dirs),
        )

    finder = FrameworkFinder(load_registry)
    recorder = CoverageRecorder()
    report = _Report()
    for file in files:
        try:
            case_file = load_case_file(file)
        except CaseFileError as error:
            report.error(str(file), str(error))
            continue
        outcome = run_case_file(case_file, finder)
        report.file(outcome)
        if outcome.framework is not None:
            recorder.add(
                outcome.framework, [result for case in outcome.cases for result in case.results]
            )
    if coverage:
        click.echo()
        click.echo(recorder.render())
    click.echo()
    click.echo(report.summary())
    sys.exit(1 if report.failed or report.errors else 0)
