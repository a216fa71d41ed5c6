"""The ``criteriakit test`` command: run case files without writing any Python.

It runs the same ``test_*.toml`` case files as the pytest plugin, through the same runner, and
prints a summary a rule author can read: each case PASS or FAIL, every failure with its file
and line, a count, and with ``--coverage`` the rules no case exercised. ``--format json`` prints
one document instead and ``--junitxml`` also writes JUnit XML, for CI (both in
:mod:`._case_formats`). Exit status: 0 when every case passed, 1 when a case failed or a file
could not run, 2 for usage errors.

Each case file's registry holds the plugin directories it names and, if it asks, the installed
plugins; the command line's ``--plugin-dir``, ``--disable-plugin`` and ``--no-autoload`` apply
on top, as do the ``CRITERIAKIT_*`` environment variables.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from criteriakit.cli._options import (
    LANGUAGE_OPTION,
    PLUGIN_DIR_OPTION,
    examples,
    format_option,
    language_words,
)
from criteriakit.cli._output import fail
from criteriakit.cli._progress import counting
from criteriakit.cli._session import Session, pass_session
from criteriakit.errors import CaseFileError

if TYPE_CHECKING:
    from criteriakit.cli._case_formats import FileRun
    from criteriakit.registry import Registry
    from criteriakit.render.language import Words
    from criteriakit.testing.coverage import CoverageRecorder
    from criteriakit.testing.runner import PluginSetup

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


def _in_a_writable_folder(
    _context: click.Context, _parameter: click.Parameter, file: str | None
) -> str | None:
    """Refuse, before any case runs, a report file whose folder is missing or read-only."""
    if file is not None:
        folder = Path(file).parent
        if not folder.is_dir():
            raise click.BadParameter(f"the folder {str(folder)!r} does not exist")
        if not os.access(folder, os.W_OK):
            raise click.BadParameter(f"the folder {str(folder)!r} cannot be written to")
    return file


@click.command(
    short_help="Run case files (test_*.toml) without Python.",
    epilog=examples(
        "criteriakit test tests",
        "criteriakit test --coverage tests/test_cell.toml",
        "criteriakit test -q tests --junitxml test-results.xml",
        "criteriakit test --format json --plugin-dir ./plugins tests > results.json",
    ),
)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--coverage",
    is_flag=True,
    help="Also report the bands, gates, vetoes, caps and quotas that no case exercised.",
)
@format_option(
    "text",
    "json",
    described="text: each case PASS or FAIL, then a count; json: one document of every case "
    "(its file, name, outcome and failures), the files that could not run, and the counts.",
)
@click.option(
    "--junitxml",
    metavar="FILE",
    type=click.Path(dir_okay=False, writable=True),
    callback=_in_a_writable_folder,
    help="Also write the outcomes to FILE as JUnit XML, as pytest writes it (atomically).",
)
@click.option(
    "-q", "--quiet", is_flag=True, help="Print only the failures, the errors and the count (text)."
)
@click.option(
    "-v",
    "--verbose",
    is_flag=True,
    help="Also print the results of each case that passed: score, tiers, reasons (text).",
)
@PLUGIN_DIR_OPTION
@LANGUAGE_OPTION
@pass_session
def test(
    session: Session,
    paths: tuple[str, ...],
    coverage: bool,
    output_format: str,
    junitxml: str | None,
    quiet: bool,
    verbose: bool,
    language: str | None,
) -> None:
    """Run the case files in PATHS (files, or directories searched for test_*.toml).

    Each case is reported PASS or FAIL, every failure with its file and line; a progress bar
    counts the cases on a terminal. Exit status: 0 when every case passed, 1 when a case
    failed or a file could not run (in every format), 2 for usage errors.
    """
    from criteriakit.cli._case_formats import Totals, render_run  # noqa: PLC0415  loaded when used
    from criteriakit.testing.coverage import CoverageRecorder  # noqa: PLC0415  loaded when used

    if quiet and verbose:
        raise click.UsageError("--quiet and --verbose cannot be used together")
    files = _case_files(paths)
    if not files:
        raise click.UsageError(f"no case files ({CASE_FILE_PATTERN}) in {', '.join(paths)}")
    words = language_words(language)
    recorder = CoverageRecorder()
    shown: list[str] = []

    def show(run: FileRun) -> None:
        if output_format == "text":
            text = render_run(run, words, quiet=quiet, verbose=verbose)
            if text:
                click.echo(text)
                shown.append(text)

    started, clock = dt.datetime.now(dt.timezone.utc), time.perf_counter()
    runs = _run_files(files, session, recorder, words, show)
    seconds = time.perf_counter() - clock
    totals = Totals.of(runs)
    if output_format == "json":
        _write_json(runs, recorder if coverage else None)
    else:
        blocks = [recorder.render()] if coverage else []
        if shown:
            click.echo()
        click.echo("\n\n".join([*blocks, totals.render(words)]))
    if junitxml is not None:
        _write_junit(junitxml, runs, seconds=seconds, started=started)
    sys.exit(0 if totals.ok else 1)


def _run_files(
    files: Sequence[Path],
    session: Session,
    recorder: CoverageRecorder,
    words: Words,
    show: Callable[[FileRun], None],
) -> list[FileRun]:
    """Run every case file with the session's plugins; show each run as it ends.

    Every file is loaded first, so that the progress bar knows how many cases there are; the
    results of each framework are recorded for ``--coverage``.
    """
    from criteriakit.cli._case_formats import FileRun  # noqa: PLC0415  loaded when used
    from criteriakit.registry import Registry  # noqa: PLC0415  loaded when used
    from criteriakit.testing.cases import CaseFile, load_case_file  # noqa: PLC0415  loaded when used
    from criteriakit.testing.runner import FrameworkFinder, run_case_file  # noqa: PLC0415  loaded when used

    def load_registry(setup: PluginSetup) -> Registry:
        return Registry.load(
            autoload=setup.installed and session.autoload,
            disabled=session.disabled,
            plugin_dirs=(*setup.plugin_dirs, *session.plugin_dirs),
        )

    finder = FrameworkFinder(load_registry)
    loaded: list[tuple[Path, CaseFile | CaseFileError]] = []
    for file in files:
        try:
            loaded.append((file, load_case_file(file)))
        except CaseFileError as error:
            loaded.append((file, error))
    cases = sum(len(case_file.cases) for _, case_file in loaded if isinstance(case_file, CaseFile))
    runs: list[FileRun] = []
    with counting(words.gettext("running cases"), cases) as advance:
        for file, case_file in loaded:
            if isinstance(case_file, CaseFileError):
                run = FileRun(str(file), error=str(case_file))
            else:
                outcome = run_case_file(case_file, finder)
                advance(len(case_file.cases))
                run = FileRun.of(outcome)
                if outcome.framework is not None:
                    results = [result for case in outcome.cases for result in case.results]
                    recorder.add(outcome.framework, results)
            runs.append(run)
            show(run)
    return runs


def _write_json(runs: Sequence[FileRun], recorder: CoverageRecorder | None) -> None:
    """Print the run's JSON document, with each framework's rule coverage if it was asked for."""
    from criteriakit.cli._case_formats import render_cases_json  # noqa: PLC0415  loaded when used

    coverage = recorder.report() if recorder is not None else None
    click.echo(render_cases_json(runs, coverage), nl=False)


def _write_junit(
    file: str, runs: Sequence[FileRun], *, seconds: float, started: dt.datetime
) -> None:
    """Write the JUnit XML report atomically; a file that cannot be written ends with status 1."""
    from criteriakit.cli._case_formats import junit_xml  # noqa: PLC0415  loaded when used
    from criteriakit.render.atomic import write_text_atomic  # noqa: PLC0415  loaded when used

    try:
        write_text_atomic(file, junit_xml(runs, seconds=seconds, started=started))
    except OSError as error:
        fail(f"cannot write the JUnit XML report {file}: {error.strerror or error}")
