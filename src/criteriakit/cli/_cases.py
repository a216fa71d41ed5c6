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

from criteriakit.cli._options import LANGUAGE_OPTION, language_words
from criteriakit.cli._progress import counting
from criteriakit.cli._session import Session, pass_session
from criteriakit.errors import CaseFileError

if TYPE_CHECKING:
    from criteriakit.registry import Registry
    from criteriakit.render.language import Words
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
    """Counts and prints outcomes as they come, in the words of the command's language."""

    def __init__(self, words: Words) -> None:
        self.words = words
        self.passed = 0
        self.failed = 0
        self.errors = 0
        self.files = 0

    def error(self, source: str, message: str) -> None:
        self.files += 1
        self.errors += 1
        click.echo(self.words.gettext("%(file)s: ERROR") % {"file": source})
        click.echo(_indent(message, 2))

    def file(self, outcome: FileOutcome) -> None:
        if outcome.error is not None:
            self.error(outcome.case_file.source, outcome.render_error())
            return
        self.files += 1
        assert outcome.framework is not None  # noqa: S101  set whenever there is no error
        click.echo(f"{outcome.case_file.source}: {outcome.framework.ref}")
        _ = self.words.gettext
        passed, failed = _("PASS"), _("FAIL")
        for case in outcome.cases:
            if case.passed:
                self.passed += 1
                click.echo(f"  {passed}  {case.case.name}")
            else:
                self.failed += 1
                click.echo(f"  {failed}  {case.case.name} ({case.case_file.source}:{case.line})")
                click.echo(_indent(case.details(), 8))

    def summary(self) -> str:
        """``3 passed, 1 failed, 1 error in 2 files``, in the command's language."""
        _, ngettext = self.words.gettext, self.words.ngettext
        parts = [_("%(count)s passed") % {"count": self.passed}]
        if self.failed:
            parts.append(_("%(count)s failed") % {"count": self.failed})
        if self.errors:
            errors = ngettext("%(count)s error", "%(count)s errors", self.errors)
            parts.append(errors % {"count": self.errors})
        files = ngettext("in %(count)s file", "in %(count)s files", self.files)
        return f"{', '.join(parts)} {files % {'count': self.files}}"


def _indent(text: str, width: int) -> str:
    return "\n".join(" " * width + line for line in text.splitlines())


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--coverage",
    is_flag=True,
    help="Also report the bands, gates, vetoes, caps and quotas that no case exercised.",
)
@LANGUAGE_OPTION
@pass_session
def test(session: Session, paths: tuple[str, ...], coverage: bool, language: str | None) -> None:
    """Run the case files in PATHS (files, or directories searched for test_*.toml).

    Each case is reported PASS or FAIL, every failure with its file and line; a progress bar
    counts the cases on a terminal.
    """
    from criteriakit.registry import Registry  # noqa: PLC0415  loaded when used
    from criteriakit.testing.cases import CaseFile, load_case_file  # noqa: PLC0415  loaded when used
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
    words = language_words(language)
    report = _Report(words)
    loaded: list[tuple[Path, CaseFile | CaseFileError]] = []
    for file in files:
        try:
            loaded.append((file, load_case_file(file)))
        except CaseFileError as error:
            loaded.append((file, error))
    cases = sum(len(case_file.cases) for _, case_file in loaded if isinstance(case_file, CaseFile))
    with counting(words.gettext("running cases"), cases) as advance:
        for file, case_file in loaded:
            if isinstance(case_file, CaseFileError):
                report.error(str(file), str(case_file))
                continue
            outcome = run_case_file(case_file, finder)
            advance(len(case_file.cases))
            report.file(outcome)
            if outcome.framework is not None:
                results = [result for case in outcome.cases for result in case.results]
                recorder.add(outcome.framework, results)
    if coverage:
        click.echo()
        click.echo(recorder.render())
    click.echo()
    click.echo(report.summary())
    sys.exit(1 if report.failed or report.errors else 0)
