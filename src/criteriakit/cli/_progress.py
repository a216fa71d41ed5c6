"""A progress bar on standard error that counts units (or cases), for the long commands.

Drawn by rich, and only on a terminal: logs, pipes and ``TERM=dumb`` get nothing, so the
output of a command is the same with or without it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

__all__ = ["counting"]


@contextlib.contextmanager
def counting(label: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
    """Show a bar counting units while the block runs; yield the function that adds to it.

    ``label`` says what is counted, in the command's language ("evaluating units").
    ``total`` is how many there are, when known before evaluating (else the bar counts
    without an end).
    """
    from rich.console import Console  # noqa: PLC0415 - only for a command that evaluates
    from rich.progress import (  # noqa: PLC0415 - only for a command that evaluates
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    console = Console(stderr=True)
    if not console.is_terminal or console.is_dumb_terminal:
        yield lambda _units: None
        return
    columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()]
    if total is None:
        columns = [TextColumn("{task.description}"), TextColumn("{task.completed:,}")]
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as bar:
        task = bar.add_task(label, total=total)
        yield lambda units: bar.advance(task, units)
