"""Where the commands write: results to standard output or a file, problems to standard error.

A file named by ``--output`` is written atomically; a problem ends the command with exit status 1.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, NoReturn

import click

if TYPE_CHECKING:
    from criteriakit.errors import CriteriaKitError

__all__ = ["emit", "fail"]


def fail(problem: CriteriaKitError | str) -> NoReturn:
    """Print ``problem`` (an error lists all of its problems) to standard error; exit with 1.

    On a colour terminal (rich decides: not with ``NO_COLOR``, nor when redirected) it is red.
    """
    from rich.console import Console  # noqa: PLC0415 - only when a command fails

    console = Console(stderr=True, highlight=False, soft_wrap=True)
    if console.is_terminal and not console.no_color and not console.is_dumb_terminal:
        console.print(str(problem), style="red", markup=False, emoji=False)
    else:
        click.echo(str(problem), err=True)
    sys.exit(1)


def emit(text: str, output: str | None) -> None:
    """Print ``text``, or write it to the file ``output`` (readers never see half of it)."""
    if output is None:
        click.echo(text, nl=False)
    else:
        from criteriakit.render.atomic import write_text_atomic  # noqa: PLC0415  loaded when used

        write_text_atomic(output, text)
