"""The ``criteriakit schema framework|cases`` command: the JSON Schema of a kind of file.

It prints what :mod:`criteriakit.schemas` generates from the model, so the files the package
ships can be made again from it. Exit status: 0, or 2 for a kind that is not known.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from criteriakit.cli._options import examples

if TYPE_CHECKING:
    from criteriakit.schemas import Kind

__all__ = ["schema"]


@click.command(
    short_help="Print the JSON Schema of framework or case files.",
    epilog=examples(
        "criteriakit schema framework > framework.schema.json",
        "criteriakit schema cases > cases.schema.json",
    ),
)
@click.argument("kind", type=click.Choice(["framework", "cases"]))
def schema(kind: Kind) -> None:
    """Print the JSON Schema of framework files or of case files, for editors.

    Editors that read JSON Schema (Taplo, VS Code's Even Better TOML) check a file against it
    as it is typed: name the schema in a '#:schema' comment at the top of the file, or in a
    .taplo.toml rule (the format page of the documentation, "Checking files in an editor").
    """
    from criteriakit.schemas import schema_text  # noqa: PLC0415  the model, loaded when used

    click.echo(schema_text(kind), nl=False)
