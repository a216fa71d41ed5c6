"""The commands about frameworks and plugins: ``lint``, ``show``, ``diff``, ``frameworks``, ``plugins``.

Each imports what it needs (the loader, the registry, the renderers) when it runs.
"""

from __future__ import annotations

import datetime as dt
import sys

import click

from criteriakit.cli._options import LANGUAGE_OPTION, ON_OPTION, language_words
from criteriakit.cli._session import Session, pass_session
from criteriakit.errors import CriteriaKitError

__all__ = ["diff", "frameworks", "lint", "plugins", "show"]


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@LANGUAGE_OPTION
@pass_session
def lint(session: Session, files: tuple[str, ...], language: str | None) -> None:
    """Check framework files and report every problem."""
    from criteriakit.loading import load_framework  # noqa: PLC0415  loaded when used

    words = language_words(language)
    failed = False
    for file in files:
        try:
            registry = session.registry()
            framework = load_framework(
                file, extensions=registry.extensions, resolve=registry.resolve
            )
        except CriteriaKitError as error:
            click.echo(str(error), err=True)
            failed = True
            continue
        definition = framework.definition
        indicators = sum(len(criterion.indicators) for criterion in definition.criteria)
        ngettext = words.ngettext
        criteria, tiers, rules = (
            len(definition.criteria),
            len(definition.tiers),
            len(definition.rules),
        )
        summary = ", ".join(
            [
                ngettext("%(count)s criterion", "%(count)s criteria", criteria)
                % {"count": criteria},
                ngettext("%(count)s indicator", "%(count)s indicators", indicators)
                % {"count": indicators},
                ngettext("%(count)s tier", "%(count)s tiers", tiers) % {"count": tiers},
                ngettext("%(count)s rule", "%(count)s rules", rules) % {"count": rules},
            ]
        )
        line = words.gettext("%(file)s: ok: %(framework)s, %(summary)s")
        click.echo(line % {"file": file, "framework": framework.ref, "summary": summary})
    sys.exit(1 if failed else 0)


@click.command()
@click.argument("framework")
@ON_OPTION
@pass_session
def show(session: Session, framework: str, on: dt.date | None) -> None:
    """Show a framework (an id, id@version or file): inputs, criteria, tiers and rules."""
    from criteriakit.cli._describe import describe_framework  # noqa: PLC0415  loaded when used

    click.echo(describe_framework(session.framework(framework, on)))


@click.command()
@click.argument("base")
@click.argument("derived")
@ON_OPTION
@pass_session
def diff(session: Session, base: str, derived: str, on: dt.date | None) -> None:
    """Show what DERIVED changes from BASE (ids, id@version or files): + added, - removed, ~ changed."""
    from criteriakit.diff import diff_definitions  # noqa: PLC0415  loaded when used

    click.echo(
        diff_definitions(
            session.framework(base, on).definition, session.framework(derived, on).definition
        ).render()
    )


@click.command()
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


@click.command()
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
