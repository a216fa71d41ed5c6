"""The commands that evaluate a data set: ``evaluate`` (the results) and ``explain`` (why).

What they run is in :mod:`criteriakit.cli._evaluation`, imported when one of them runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from criteriakit.cli._engine import ENGINE_OPTION, Engine
from criteriakit.cli._options import (
    LANGUAGE_OPTION,
    DataOptions,
    data_command,
    examples,
    format_option,
    language_words,
    store_option,
)
from criteriakit.cli._output import emit
from criteriakit.cli._session import Session, pass_session

if TYPE_CHECKING:
    from criteriakit.render.writers import OutputFormat

__all__ = ["evaluate", "explain"]


@click.command(
    short_help="Evaluate every unit of a data set against a framework.",
    epilog=examples(
        "criteriakit evaluate vn.four-good-cell cells.csv",
        "criteriakit evaluate vn.four-good-cell cells.csv --format csv -o results.csv",
        "criteriakit evaluate my-framework.toml - --data-format jsonl < units.jsonl",
        "criteriakit evaluate vn.four-good-cell cells.csv --period 2024 --store results.duckdb",
    ),
)
@data_command
@format_option(
    "table",
    "csv",
    "json",
    "jsonl",
    "parquet",
    described="json: result documents (every explanation); the others: the result table.",
)
@click.option(
    "--all-levels",
    is_flag=True,
    help="With --children: print the results of every level, top first.",
)
@ENGINE_OPTION
@LANGUAGE_OPTION
@store_option("Also keep the results in this results store, each level's as a new run of --period")
@click.option(
    "--label",
    help="With --store: who or what evaluated, kept with the run (default: your user name).",
)
@pass_session
def evaluate(
    session: Session,
    /,
    output_format: OutputFormat,
    output: str | None,
    all_levels: bool,
    engine: Engine,
    language: str | None,
    store_url: str | None,
    label: str | None,
    **source: Any,
) -> None:
    """Evaluate every unit of DATA against FRAMEWORK; DATA may be - (standard input).

    FRAMEWORK is an id or a file; DATA a CSV, JSON, JSON Lines, Parquet or Excel file. With
    --children, the levels below are evaluated first and rolled up into DATA's units. The
    output is the same whichever engine runs (see --engine). With --store, the results of
    every level are also kept in a results store, each as the current run of --period.
    """
    from criteriakit.cli._evaluation import write_evaluation  # noqa: PLC0415  loaded when used
    from criteriakit.cli._storing import StoreOptions  # noqa: PLC0415  loaded when used

    if label is not None and store_url is None:
        raise click.BadParameter(
            "--label names a stored run: give --store too", param_hint="--label"
        )
    write_evaluation(
        session,
        DataOptions(**source),
        output_format,
        output,
        all_levels=all_levels,
        engine=engine,
        language=language,
        store=None if store_url is None else StoreOptions(store_url, label),
    )


@click.command(
    short_help="Explain each unit's points, reasons and next tier.",
    epilog=examples(
        "criteriakit explain vn.four-good-cell cells.csv --unit C03",
        "criteriakit explain vn.four-good-cell cells.csv --language vi -o explained.txt",
    ),
)
@data_command
@click.option("-u", "--unit", "units", multiple=True, help="Explain only this unit (repeatable).")
@LANGUAGE_OPTION
@pass_session
def explain(
    session: Session,
    /,
    units: tuple[str, ...],
    output: str | None,
    language: str | None,
    **source: Any,
) -> None:
    """Explain the results of DATA against FRAMEWORK: points, reasons, what it would take.

    In --language, else the framework's own language, else English.
    """
    from criteriakit.cli._evaluation import evaluate_data  # noqa: PLC0415  loaded when used
    from criteriakit.render.explanation import explain as explained  # noqa: PLC0415  loaded when used
    from criteriakit.render.language import FrameworkTexts  # noqa: PLC0415  loaded when used

    options = DataOptions(**source)
    level = evaluate_data(session, options, language=language)[0]
    words = language_words(language, level.framework.definition.language)
    results = list(level.results)
    if units:
        known = {result.unit for result in results}
        unknown = [unit for unit in units if unit not in known]
        if unknown:
            message = words.gettext("no unit %(unit)s in %(data)s") % {
                "unit": repr(unknown[0]),
                "data": options.data,
            }
            raise click.BadParameter(message, param_hint="--unit")
        results = [result for result in results if result.unit in units]
    framework_texts = FrameworkTexts.of(level.framework.definition, words.language)
    texts = [
        explained(result, language=words.language, texts=framework_texts) for result in results
    ]
    emit("\n\n".join(texts) + "\n", output)
