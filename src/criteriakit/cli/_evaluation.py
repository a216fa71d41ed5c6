"""What ``evaluate`` and ``explain`` run: open each level's data, evaluate, write the results.

Imported by those commands when they run, since it loads the data readers, the evaluation and
the writers. ``evaluate`` writes with the engine :mod:`criteriakit.cli._engine` picks, or
streams one CSV file (:mod:`criteriakit.cli._streaming`); the output is the same whichever
runs. Output goes to standard output or, with ``--output``, to a file written atomically;
nothing is written unless every unit evaluated.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from criteriakit.cli._engine import Engine, evaluate_columnar, keeps_scalar, wants_columnar
from criteriakit.cli._options import DataOptions, language_words
from criteriakit.cli._output import fail
from criteriakit.cli._progress import counting
from criteriakit.cli._session import Session
from criteriakit.cli._storing import StoredLevel, StoreOptions, keep_results
from criteriakit.cli._streaming import stream_evaluation, streams
from criteriakit.compiling.inputs import UnknownInputs
from criteriakit.data import STDIN, DataSource, open_source, read_level
from criteriakit.data.monthly import read_monthly
from criteriakit.errors import CriteriaKitError
from criteriakit.render.table import ResultTable
from criteriakit.render.writers import OutputFormat, table_frame, write_documents, write_tables
from criteriakit.scalar.framework import Framework
from criteriakit.scalar.hierarchy import LevelResults, evaluate_levels, framework_chain

__all__ = ["evaluate_data", "progress_label", "write_evaluation"]


def progress_label(language: str | None, framework: Framework) -> str:
    """Return the progress bar's label in ``language``, else the framework's, else English."""
    return language_words(language, framework.definition.language).gettext("evaluating units")


def _open_sources(options: DataOptions) -> list[DataSource]:
    """Open every level's data (``-`` is standard input, for one of them at most)."""
    files = (options.data, *options.children)
    if [*files, options.monthly].count(STDIN) > 1:
        raise click.BadParameter("standard input (-) can give one data set only")
    try:
        return [
            open_source(file, options.data_format if file == options.data else None)
            for file in files
        ]
    except CriteriaKitError as error:
        fail(error)


def evaluate_data(
    session: Session,
    options: DataOptions,
    sources: Sequence[DataSource] | None = None,
    *,
    language: str | None = None,
) -> list[LevelResults]:
    """Evaluate every level with the scalar engine, top level first (``sources`` if opened).

    The progress bar is in ``language`` (else the framework's).
    """
    loaded = session.framework(options.framework, options.version_date)
    label = progress_label(language, loaded)
    opened = sources if sources is not None else _open_sources(options)
    try:
        months = (
            read_monthly(options.monthly, id_column=options.id_column) if options.monthly else ()
        )
        levels = [read_level(source, id_column=options.id_column) for source in opened]
        unknown: UnknownInputs = "ignore" if options.ignore_unknown else "error"
        with counting(label, sum(len(level.rows) for level in levels)) as advance:
            return evaluate_levels(
                loaded,
                levels,
                unknown_inputs=unknown,
                period=options.period,
                monthly=months,
                monthly_source=options.monthly,
                progress=advance,
            )
    except CriteriaKitError as error:
        fail(error)


def write_evaluation(
    session: Session,
    options: DataOptions,
    output_format: OutputFormat,
    output: str | None,
    *,
    all_levels: bool,
    engine: Engine,
    language: str | None = None,
    store: StoreOptions | None = None,
) -> None:
    """Evaluate with the engine ``engine`` picks and write the results (see ``evaluate``).

    Its progress bar and notes are in ``language``, else the framework's, else English. With
    ``store``, every level's results are stored before they are written; the output is
    unchanged.
    """
    if all_levels and output_format in {"csv", "parquet"}:
        raise click.BadParameter(
            f"{output_format} holds one framework's table: use --format table, json or jsonl",
            param_hint="--all-levels",
        )
    if store is not None:
        store.period_of(options)
    sources = _open_sources(options)
    documents = output_format == "json"
    if wants_columnar(engine, sources, documents=documents, monthly=options.monthly):
        framework = session.framework(options.framework, options.version_date)
        if not keeps_scalar(engine, framework, sources):
            _write_columnar(
                session,
                framework,
                sources,
                options,
                output_format,
                output,
                all_levels=all_levels,
                label=progress_label(language, framework),
                store=store,
            )
            return
    if store is None and streams(sources, output_format, options):
        framework = session.framework(options.framework, options.version_date)
        if framework.compiled.compares_units is None:
            stream_evaluation(framework, sources[0], output_format, output, options)
            return
    levels = evaluate_data(session, options, sources, language=language)
    shown = levels if all_levels else levels[:1]
    try:
        if store is not None:
            stored = [
                StoredLevel(level.framework, table_frame(_level_table(level)), level.results)
                for level in levels
            ]
            keep_results(session, store, options, stored)
        if documents:
            write_documents([result for level in shown for result in level.results], output)
            return
        tables = [_level_table(level) for level in shown]
        titles = [level.framework.ref for level in shown] if all_levels else None
        orders = [level.framework.tiers for level in shown]
        write_tables(tables, output_format, output, titles=titles, tier_orders=orders)
    except CriteriaKitError as error:
        fail(error)


def _level_table(level: LevelResults) -> ResultTable:
    """Return the result table of one level's results, its ids typed as its data's were."""
    return ResultTable.of(
        level.framework,
        level.results,
        id_type=level.data.id_type if level.data else "text",
        parent_type=level.data.parent_type if level.data else "text",
    )


def _write_columnar(
    session: Session,
    framework: Framework,
    sources: Sequence[DataSource],
    options: DataOptions,
    output_format: OutputFormat,
    output: str | None,
    *,
    all_levels: bool,
    label: str,
    store: StoreOptions | None,
) -> None:
    """Evaluate every level as columns and write the top level's table (or every level's).

    ``label`` is the progress bar's; with ``store``, every level's table is stored first.
    """
    try:
        tables = evaluate_columnar(
            framework,
            sources,
            id_column=options.id_column,
            ignore_unknown=options.ignore_unknown,
            label=label,
        )
        levels = framework_chain(framework, len(sources))
        if store is not None:
            stored = [
                StoredLevel(level, table, None) for level, table in zip(levels, tables, strict=True)
            ]
            keep_results(session, store, options, stored)
        chain = levels[: len(sources) if all_levels else 1]
        titles = [level.ref for level in chain] if all_levels else None
        orders = [level.tiers for level in chain]
        write_tables(tables[: len(chain)], output_format, output, titles=titles, tier_orders=orders)
    except CriteriaKitError as error:
        fail(error)
