"""The ``report`` command: an evaluation as a report people read, in the output file's format.

It evaluates FRAMEWORK against DATA (and ``--children``), or with ``--store`` reads a stored
period's levels back (:func:`criteriakit.cli._stored.stored_levels`): the report is the one the
evaluation of that period would have given, with the awards of the levels that declare them,
decided over the periods the store holds (:func:`criteriakit.cli._stored.stored_histories`).
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import click

from criteriakit.cli._options import (
    LANGUAGE_OPTION,
    DataOptions,
    examples,
    store_option,
    stored_data_command,
)
from criteriakit.cli._session import Session, pass_session

if TYPE_CHECKING:
    from criteriakit.awards import History

__all__ = ["report"]


@click.command(
    short_help="Write a report people read: HTML, Excel or Markdown.",
    epilog=examples(
        "criteriakit report vn.four-good-cell cells.csv -o report.html",
        "criteriakit report vn.four-good-committee committee.csv --children cells.csv "
        "-o report.html",
        "criteriakit report vn.four-good-cell cells.csv --language vi -o report.xlsx",
        "criteriakit report --store results.duckdb --period 2024 --framework vn.four-good-cell "
        "-o report.md",
    ),
)
@stored_data_command
@store_option("Report on a period of this results store (--period) instead of evaluating DATA")
@click.option(
    "--framework",
    "framework_id",
    help="With --store: the framework whose period to report on (needed if it holds several).",
)
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
    store_url: str | None,
    framework_id: str | None,
    **source: Any,
) -> None:
    """Evaluate DATA against FRAMEWORK and write a report to -o FILE (.html, .xlsx or .md).

    The report gives each level's overview (tiers, scores against the tier bounds, criteria,
    units by parent, what decided the tiers, quota demotions), then each unit's points,
    reasons and what it would take to reach the next tier. With --store and --period, it is
    the report of a stored period (and of the levels below that its evaluation stored), as
    this command gave it from the data then, and the awards each level's framework declares,
    decided over the periods the store holds.
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
    _check_sources(options, store_url, framework_id)
    depth = 1 + len(options.children)
    if store_url is None and len(before) > depth:
        raise click.BadParameter("give at most one file per level", param_hint="--compare")
    try:
        report_format(output, language or "en")
        kinds = functools.partial(reason_kinds, session)
        earlier = [load_outcomes(file, reason_kinds=kinds) for file in before]
        histories: list[History | None] = []  # awards are decided over a stored history
        if store_url is None:
            levels = evaluate_data(session, options, language=language)
        else:
            from criteriakit.cli._stored import (  # noqa: PLC0415  needs the store extra
                stored_histories,
                stored_levels,
            )

            assert options.period is not None  # noqa: S101  _check_sources asked for it
            levels = stored_levels(session, store_url, options.period, framework_id)
            histories = stored_histories(store_url, levels, options.period)
            if len(before) > len(levels):
                raise click.BadParameter(
                    f"give at most one file per level (the store holds {len(levels)})",
                    param_hint="--compare",
                )
        write_report(
            levels,
            output,
            period=options.period,
            limit=listed,
            language=language,
            before=earlier,
            histories=histories,
        )
    except CriteriaKitError as error:
        fail(error)


def _check_sources(options: DataOptions, store_url: str | None, framework_id: str | None) -> None:
    """Raise a usage error unless the report reads FRAMEWORK and DATA, or a stored --period."""
    if store_url is None:
        if framework_id is not None:
            raise click.BadParameter(
                "--framework picks a framework of a store: give --store too",
                param_hint="--framework",
            )
        if options.framework is None or options.data is None:
            raise click.UsageError(
                "report takes FRAMEWORK and DATA; or, with --store, a stored period: "
                "criteriakit report --store results.duckdb --period 2024 -o report.html"
            )
        return
    given = [
        name
        for name, value in (
            ("FRAMEWORK", options.framework),
            ("DATA", options.data),
            ("--children", options.children),
            ("--monthly", options.monthly),
        )
        if value
    ]
    if given:
        raise click.UsageError(
            f"with --store, report reads a stored period's results: leave out {', '.join(given)} "
            "(--framework picks the store's framework; the levels below are those stored)"
        )
    if options.period is None:
        raise click.BadParameter(
            "give the stored period to report on with --period (2024, 2024-H1…)",
            param_hint="--store",
        )
