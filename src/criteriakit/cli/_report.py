"""The ``report`` command: an evaluation as a report people read, in the output file's format."""

from __future__ import annotations

import functools
from typing import Any

import click

from criteriakit.cli._options import LANGUAGE_OPTION, DataOptions, data_command, examples
from criteriakit.cli._session import Session, pass_session

__all__ = ["report"]


@click.command(
    short_help="Write a report people read: HTML, Excel or Markdown.",
    epilog=examples(
        "criteriakit report vn.four-good-cell cells.csv -o report.html",
        "criteriakit report vn.four-good-committee committee.csv --children cells.csv "
        "-o report.html",
        "criteriakit report vn.four-good-cell cells.csv --language vi -o report.xlsx",
    ),
)
@data_command
@click.option(
    "--limit",
    "listed",
    type=click.IntRange(min=2),
    default=200,
    show_default=True,
    help="List at most this many units of a level one by one: the lowest and highest scores.",
)
@LANGUAGE_OPTION
@click.option(
    "--compare",
    "before",
    multiple=True,
    help="Earlier results of DATA (then of each --children level), as evaluate writes them "
    "(.json documents, or a table): the report shows how each unit moved since.",
)
@pass_session
def report(
    session: Session,
    /,
    output: str | None,
    listed: int,
    language: str | None,
    before: tuple[str, ...],
    **source: Any,
) -> None:
    """Evaluate DATA against FRAMEWORK and write a report to -o FILE (.html, .xlsx or .md).

    The report gives each level's overview (tiers, scores against the tier bounds, criteria,
    units by parent, what decided the tiers, quota demotions), then each unit's points,
    reasons and what it would take to reach the next tier.
    """
    if output is None:
        raise click.UsageError("name the report file with -o, e.g. -o report.md")
    from criteriakit.cli._compare import reason_kinds  # noqa: PLC0415  loaded when used
    from criteriakit.cli._evaluation import evaluate_data  # noqa: PLC0415  loaded when used
    from criteriakit.cli._output import fail  # noqa: PLC0415  loaded when used
    from criteriakit.compare import load_outcomes  # noqa: PLC0415  loaded when used
    from criteriakit.errors import CriteriaKitError  # noqa: PLC0415  loaded when used
    from criteriakit.reports import report_format, write_report  # noqa: PLC0415  loaded when used

    options = DataOptions(**source)
    if len(before) > 1 + len(options.children):
        raise click.BadParameter("give at most one file per level", param_hint="--compare")
    try:
        report_format(output, language or "en")
        kinds = functools.partial(reason_kinds, session)
        earlier = [load_outcomes(file, reason_kinds=kinds) for file in before]
        levels = evaluate_data(session, options, language=language)
        write_report(
            levels,
            output,
            period=options.period,
            limit=listed,
            language=language,
            before=earlier,
        )
    except CriteriaKitError as error:
        fail(error)
