"""The commands about frameworks and plugins: ``lint``, ``show``, ``diff``, ``frameworks``, ``plugins``.

Each imports what it needs (the loader, the registry, the renderers) when it runs. ``lint``
writes text for people, or one JSON document or a SARIF log for programs
(:mod:`._lint_formats`).
"""

from __future__ import annotations

import datetime as dt
import sys
from typing import TYPE_CHECKING

import click

from criteriakit.cli._options import (
    LANGUAGE_OPTION,
    ON_OPTION,
    PLUGIN_DIR_OPTION,
    examples,
    format_option,
    framework_argument,
    language_words,
)
from criteriakit.cli._session import Session, pass_session
from criteriakit.errors import CriteriaKitError

if TYPE_CHECKING:
    from criteriakit.cli._lint_formats import Linted
    from criteriakit.render.language import Words

__all__ = ["diff", "frameworks", "lint", "plugins", "show"]


@click.command(
    short_help="Check framework files; report every problem.",
    epilog=examples(
        "criteriakit lint my-framework.toml",
        "criteriakit lint --plugin-dir ./plugins frameworks/*.toml",
        "criteriakit lint --format sarif frameworks/*.toml > lint.sarif",
    ),
)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@format_option(
    "text",
    "json",
    "sarif",
    described="text: a line for each file, problems on standard error; json: one document of "
    "every file's problems and the counts; sarif: a SARIF 2.1.0 log for code-scanning dashboards.",
)
@click.option(
    "-q", "--quiet", is_flag=True, help="Print nothing for the files without problems (text)."
)
@PLUGIN_DIR_OPTION
@LANGUAGE_OPTION
@pass_session
def lint(
    session: Session,
    files: tuple[str, ...],
    output_format: str,
    quiet: bool,
    language: str | None,
) -> None:
    """Check framework files and report every problem of each, with its line and a hint.

    Exit status: 0 when every file is valid, 1 when a file has problems (in every format).
    """
    from criteriakit.cli._lint_formats import render_lint  # noqa: PLC0415  loaded when used

    words = language_words(language)
    linted = []
    for file in files:
        entry = _lint_file(session, file)
        linted.append(entry)
        if output_format == "text":
            _print_linted(entry, words, quiet=quiet)
    if output_format != "text":
        click.echo(render_lint(output_format, linted), nl=False)
    sys.exit(1 if any(entry.error is not None for entry in linted) else 0)


def _lint_file(session: Session, file: str) -> Linted:
    """Load one framework file with the session's plugins: the framework, or why it fails."""
    from criteriakit.cli._lint_formats import Linted  # noqa: PLC0415  loaded when used
    from criteriakit.loading import load_framework  # noqa: PLC0415  loaded when used

    try:
        registry = session.registry()
        framework = load_framework(file, extensions=registry.extensions, resolve=registry.resolve)
    except CriteriaKitError as error:
        return Linted(file, error=error)
    return Linted(file, framework=framework)


def _print_linted(entry: Linted, words: Words, *, quiet: bool) -> None:
    """Print a file's problems to standard error, or its ``ok`` line (unless ``quiet``)."""
    if entry.error is not None:
        click.echo(str(entry.error), err=True)
        return
    if quiet or entry.framework is None:
        return
    definition = entry.framework.definition
    indicators = sum(len(criterion.indicators) for criterion in definition.criteria)
    ngettext = words.ngettext
    criteria, tiers, rules = (
        len(definition.criteria),
        len(definition.tiers),
        len(definition.rules),
    )
    summary = ", ".join(
        [
            ngettext("%(count)s criterion", "%(count)s criteria", criteria) % {"count": criteria},
            ngettext("%(count)s indicator", "%(count)s indicators", indicators)
            % {"count": indicators},
            ngettext("%(count)s tier", "%(count)s tiers", tiers) % {"count": tiers},
            ngettext("%(count)s rule", "%(count)s rules", rules) % {"count": rules},
        ]
    )
    line = words.gettext("%(file)s: ok: %(framework)s, %(summary)s")
    click.echo(line % {"file": entry.file, "framework": entry.framework.ref, "summary": summary})


@click.command(
    short_help="Describe a framework: inputs, criteria, tiers, rules.",
    epilog=examples(
        "criteriakit show vn.four-good-cell",
        "criteriakit show vn.four-good-cell@2024",
        "criteriakit show my-framework.toml",
    ),
)
@framework_argument()
@ON_OPTION
@PLUGIN_DIR_OPTION
@pass_session
def show(session: Session, framework: str, on: dt.date | None) -> None:
    """Show a framework (an id, id@version or file): inputs, criteria, tiers and rules."""
    from criteriakit.cli._describe import describe_framework  # noqa: PLC0415  loaded when used

    click.echo(describe_framework(session.framework(framework, on)))


@click.command(
    short_help="Show what one framework changes from another.",
    epilog=examples(
        "criteriakit diff vn.four-good-cell@2024 my-cell.toml",
        "criteriakit diff vn.four-good-cell vn.four-good-cell.coal-mining",
    ),
)
@framework_argument("base")
@framework_argument("derived")
@ON_OPTION
@PLUGIN_DIR_OPTION
@pass_session
def diff(session: Session, base: str, derived: str, on: dt.date | None) -> None:
    """Show what DERIVED changes from BASE (ids, id@version or files): + added, - removed, ~ changed."""
    from criteriakit.diff import diff_definitions  # noqa: PLC0415  loaded when used

    click.echo(
        diff_definitions(
            session.framework(base, on).definition, session.framework(derived, on).definition
        ).render()
    )


@click.command(
    short_help="List the registered frameworks.",
    epilog=examples(
        "criteriakit frameworks",
        "criteriakit frameworks --plugin-dir examples/local-plugin",
    ),
)
@PLUGIN_DIR_OPTION
@pass_session
def frameworks(session: Session) -> None:
    """List the registered frameworks, with their validity and the plugin that registered them."""
    from criteriakit.render import render_text_table  # noqa: PLC0415  loaded when used

    entries = sorted(
        session.registry().frameworks.values(),
        key=lambda e: (e.framework.id, e.framework.version),
    )
    rows = [
        (
            e.framework.id,
            e.framework.version,
            e.validity,
            e.framework.title(),
            e.plugin.name,
            e.plugin.distribution or "",
        )
        for e in entries
    ]
    click.echo(
        render_text_table(("id", "version", "valid", "title", "plugin", "distribution"), rows),
        nl=False,
    )


@click.command(
    short_help="List the loaded plugins and what they register.",
    epilog=examples(
        "criteriakit plugins", "criteriakit plugins --plugin-dir examples/local-plugin"
    ),
)
@PLUGIN_DIR_OPTION
@pass_session
def plugins(session: Session) -> None:
    """List the loaded plugins: distribution, hooks and what each registered."""
    from criteriakit.cli._describe import describe_registrations  # noqa: PLC0415  loaded when used
    from criteriakit.render import render_text_table  # noqa: PLC0415  loaded when used

    registry = session.registry()
    rows = [
        (
            info.name,
            info.distribution or "(local)",
            ", ".join(hook.removeprefix("criteriakit_") for hook in info.hooks),
            describe_registrations(registry, info.name),
        )
        for info in registry.plugins.infos
    ]
    click.echo(render_text_table(("plugin", "distribution", "hooks", "registered"), rows), nl=False)
