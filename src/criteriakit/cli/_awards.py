"""The ``criteriakit awards`` command: who earns the framework's awards in a stored period.

The period's results and the earlier ones of its type are read from a results store
(``evaluate --store``); each award of the framework's ``[[awards]]`` is decided for every unit
of the period. People get the units that earned each award, each with its explanation (every
unit with ``--all``); programs get the same as JSON, or every unit's decisions as CSV (decided
as columns, for populations).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

import click

from criteriakit.cli._options import (
    AS_OF_OPTION,
    LANGUAGE_OPTION,
    OUTPUT_OPTION,
    examples,
    format_option,
    framework_argument,
    language_words,
    store_option,
)
from criteriakit.cli._output import emit, fail
from criteriakit.cli._session import Session, pass_session
from criteriakit.errors import CriteriaKitError

if TYPE_CHECKING:
    import polars as pl

    from criteriakit.model.awards import AwardResult
    from criteriakit.scalar.framework import Framework

__all__ = ["awards"]


@click.command(
    short_help="List the units that earn awards in a stored period.",
    epilog=examples(
        "criteriakit awards vn.four-good-cell --store results.duckdb --period 2024",
        "criteriakit awards vn.four-good-cell --store results.duckdb --period 2024 -u C03 --all",
        "criteriakit awards vn.four-good-cell --store results.duckdb --period 2024 --format csv",
    ),
)
@framework_argument()
@store_option("The results store to read", required=True)
@click.option("--period", required=True, help="The period to decide, e.g. 2024 or 2024-H1.")
@click.option("-u", "--unit", "units", multiple=True, help="Only this unit (repeatable).")
@click.option("--all", "every", is_flag=True, help="Show the units that did not earn an award too.")
@AS_OF_OPTION
@format_option(
    "table",
    "json",
    "csv",
    described="table: each award's units with their explanations, for people; json: the same "
    "as one document; csv: every unit's decision on every award, a row each.",
)
@LANGUAGE_OPTION
@OUTPUT_OPTION
@pass_session
def awards(
    session: Session,
    /,
    framework: str,
    store_url: str,
    period: str,
    units: tuple[str, ...],
    every: bool,
    as_of: dt.datetime | None,
    output_format: str,
    language: str | None,
    output: str | None,
) -> None:
    """Decide FRAMEWORK's awards for each unit of a period stored with evaluate --store.

    An award's condition reads the unit's result in the period and in the earlier periods of
    its type the store holds (their current runs, or those stored by --as-of).
    """
    import polars as pl  # noqa: PLC0415  the store extra's, loaded when used

    from criteriakit import awards as deciding  # noqa: PLC0415  needs polars, loaded when used
    from criteriakit.store import open as open_store  # noqa: PLC0415  loaded when used

    loaded = session.framework(framework)
    if not loaded.compiled.awards:
        fail(f"{loaded.ref} declares no [[awards]]")
    moment = None if as_of is None else as_of.replace(tzinfo=dt.timezone.utc)
    try:
        results = open_store(store_url, create=False)
        history = deciding.read_history(results, loaded, period, as_of=moment)
        every_unit = deciding.decide(loaded, history)  # as columns
    except CriteriaKitError as error:
        fail(error)
    frame = every_unit
    unknown = sorted(set(units) - set(frame.get_column("unit").cast(pl.String).to_list()))
    if unknown:
        raise click.BadParameter(
            f"no result of unit {unknown[0]!r} in {history.period.label}", param_hint="--unit"
        )
    if units:
        frame = frame.filter(pl.col("unit").cast(pl.String).is_in(list(units)))
    if output_format == "csv":
        emit(frame.write_csv(), output)
        return
    # only the units shown are explained, unit by unit
    shown_units = frame if every else frame.filter(pl.col("earned"))
    explained = set(shown_units.get_column("unit").cast(pl.String).to_list())
    try:
        decided = deciding.results(
            loaded, history, explained, language=language, decided=every_unit
        )
    except CriteriaKitError as error:
        fail(error)
    shown = [result for result in decided if every or result.earned]
    chosen = language_words(language, loaded.definition.language).language
    if output_format == "json":
        emit(_json(shown), output)
        return
    emit(_text(loaded, history.period.label, every_unit, shown, chosen), output)


def _text(
    framework: Framework, period: str, frame: pl.DataFrame, shown: list[AwardResult], language: str
) -> str:
    """Return, award by award, how many units earned it, then each shown unit's explanation."""
    from criteriakit.render.awards import award_heading  # noqa: PLC0415  loaded when used
    from criteriakit.reports.awards import award_summaries  # noqa: PLC0415  loaded when used

    blocks: list[str] = []
    for award in award_summaries(framework, frame, shown, language=language):
        heading = award_heading(
            award.title, award.id, period, award.earned, award.decided, language
        )
        blocks.append(heading)
        blocks += [result.explain(language) for result in award.explained.values()]
    return "\n\n".join(blocks) + "\n"


def _json(shown: list[AwardResult]) -> str:
    """Return the decisions as one JSON document."""
    documents = [result.to_dict() for result in shown]
    return json.dumps({"awards": documents}, ensure_ascii=False, indent=2) + "\n"
