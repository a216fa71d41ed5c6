"""The ``criteriakit compare`` command: what changed between two periods' results.

It is built by :func:`compare_command` and added to the command line by ``build_cli``, which
passes a function giving each framework's tier order (best first) so that tier changes read as
``up`` or ``down`` (without one they read ``changed``), and one giving its reasons' kinds, so
that the vetoes of a result table are told apart.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import NoReturn

import click

from criteriakit.render.atomic import write_text_atomic
from criteriakit.compare import (
    Outcome,
    ReasonKinds,
    compare_results,
    load_outcomes,
    period_label,
)
from criteriakit.errors import CriteriaKitError

__all__ = ["TierOrderFor", "compare_command"]

TierOrderFor = Callable[[Sequence[Outcome]], Mapping[str, Sequence[str]]]
"""Given the results of both periods, return tier ids best first by framework id."""


def compare_command(
    tier_order_for: TierOrderFor | None = None, reason_kinds: ReasonKinds | None = None
) -> click.Command:
    """Build ``compare BEFORE AFTER [--format table|json] [--only-changes] [-o FILE]``."""

    @click.command()
    @click.argument("before", type=click.Path(dir_okay=False))
    @click.argument("after", type=click.Path(dir_okay=False))
    @click.option(
        "--format",
        "output_format",
        type=click.Choice(["table", "json"]),
        default="table",
        show_default=True,
    )
    @click.option(
        "--only-changes",
        is_flag=True,
        help="List only the units whose tier, score or reasons changed (the counts cover all).",
    )
    @click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, writable=True),
        help="Write to this file (atomically) instead of standard output.",
    )
    def compare(
        before: str, after: str, output_format: str, only_changes: bool, output: str | None
    ) -> None:
        """Compare two periods' results (any form `evaluate` writes): tiers, scores, vetoes.

        Units are matched by id; the summary counts those that went up, down, stayed, were
        added or removed, and the table lists each one's tier, score and new vetoes.
        """
        old, new = _load_both(before, after, reason_kinds)
        try:
            comparison = compare_results(
                old,
                new,
                tier_order=tier_order_for([*old, *new]) if tier_order_for else None,
                before_label=period_label(old) or Path(before).name,
                after_label=period_label(new) or Path(after).name,
            )
        except CriteriaKitError as error:
            _fail(str(error))
        if output_format == "json":
            document = comparison.to_dict(only_changes=only_changes)
            text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        else:
            text = comparison.render(only_changes=only_changes) + "\n"
        if output is None:
            click.echo(text, nl=False)
        else:
            write_text_atomic(output, text)

    return compare


def _load_both(
    before: str, after: str, reason_kinds: ReasonKinds | None
) -> tuple[list[Outcome], list[Outcome]]:
    """Read both files, reporting the problems of both before giving up."""
    loaded: list[list[Outcome]] = []
    errors: list[str] = []
    for file in (before, after):
        try:
            loaded.append(load_outcomes(file, reason_kinds=reason_kinds))
        except CriteriaKitError as error:
            errors.append(str(error))
    if errors:
        _fail("\n".join(errors))
    return loaded[0], loaded[1]


def _fail(message: str) -> NoReturn:
    click.echo(message, err=True)
    sys.exit(1)
