"""The ``criteriakit new-plugin NAME`` command: start a plugin distribution from a template.

The names the plugin goes by and the files it gets are described in
:mod:`criteriakit.cli._scaffold`. Exit status: 0 when the folder was created, 1 when it exists
already or cannot be written, 2 for an invalid name.
"""

from __future__ import annotations

import sys

import click

from criteriakit.cli._options import examples

__all__ = ["new_plugin"]


@click.command(
    "new-plugin",
    short_help="Start a plugin distribution, its tests ready to run.",
    epilog=examples("criteriakit new-plugin acme-coal"),
)
@click.argument("name")
def new_plugin(name: str) -> None:
    """Create the folder NAME/ holding a plugin distribution whose tests pass once installed.

    NAME is lower-case words joined by '-', like acme-coal: the distribution is
    criteriakit-NAME, the package criteriakit_NAME and the entry point NAME. The folder
    holds pyproject.toml, the package with an example framework file, pytest tests and a
    case file, and a README.
    """
    from criteriakit.cli._scaffold import (  # noqa: PLC0415  loaded when used
        ScaffoldError,
        create_plugin,
        plugin_names,
    )

    try:
        names = plugin_names(name)
    except ScaffoldError as error:
        raise click.BadParameter(str(error), param_hint="NAME") from None
    try:
        written = create_plugin(name)
    except (ScaffoldError, OSError) as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    click.echo(
        f"created {names.folder}/: the distribution {names.distribution}, "
        f"package {names.package}, entry point {names.entry_point}"
    )
    for path in written:
        click.echo(f"  {path.as_posix()}")
    click.echo("next:")
    click.echo(f"  cd {names.folder}")
    click.echo("  python -m pip install -e '.[test]'")
    click.echo("  python -m pytest")
