"""The commands of the ``criteriakit`` command line (needs the ``cli`` extra: click).

Exit status: 0 on success, 1 when a framework, the data or an evaluation has problems (all of
them printed to standard error), 2 for usage errors. Output goes to standard output or, with
``--output``, to a file written atomically; nothing is written unless every unit evaluated.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

import attrs
import click

from criteriakit import limits
from criteriakit.render.atomic import write_text_atomic
from criteriakit._columnar_command import (
    ENGINE_OPTION,
    Engine,
    evaluate_columnar,
    keeps_scalar,
    wants_columnar,
)
from criteriakit._compare_command import compare_command
from criteriakit._new_plugin_command import new_plugin_command
from criteriakit._test_command import test_command
from criteriakit._version import __version__
from criteriakit.batch import evaluate_streamed
from criteriakit.columns import check_columns
from criteriakit.compare import Outcome
from criteriakit.csvfiles import csv_file_rows
from criteriakit.data import (
    STDIN,
    DataFormat,
    DataSource,
    cell_records,
    first_rows,
    open_source,
    read_level,
    streamed_rows,
)
from criteriakit.diff import diff_definitions
from criteriakit.errors import CriteriaKitError, DataError
from criteriakit.framework import Framework
from criteriakit.hierarchy import LevelResults, evaluate_levels, framework_chain
from criteriakit.inputs import UnknownInputs
from criteriakit.loading import load_framework
from criteriakit.model.period import Period
from criteriakit.periods import read_monthly
from criteriakit.registry import Registry
from criteriakit.render import render_text_table
from criteriakit.render.table import ResultTable, table_columns
from criteriakit.render.writers import (
    STREAMED_FORMATS,
    OutputFormat,
    result_pieces,
    write_documents,
    write_streamed,
    write_tables,
)
from criteriakit.show import describe_framework, describe_registrations

__all__ = ["build_cli"]


def _fail(error: CriteriaKitError) -> NoReturn:
    click.echo(str(error), err=True)
    sys.exit(1)


@attrs.define
class _Session:
    """The plugin options of one command line run, and the registry built from them on demand."""

    plugin_dirs: tuple[str, ...]
    disabled: tuple[str, ...]
    autoload: bool
    _registry: Registry | None = None

    def registry(self) -> Registry:
        """Load the plugins once; report their problems as warnings."""
        if self._registry is None:
            self._registry = Registry.load(
                autoload=self.autoload, disabled=self.disabled, plugin_dirs=self.plugin_dirs
            )
            for problem in self._registry.problems:
                click.echo(f"warning: {problem}", err=True)
        return self._registry

    def framework(self, reference: str, on: dt.date | None = None) -> Framework:
        """Load a framework file (a path ending in .toml or that exists) or a registered id."""
        registry = self.registry()
        try:
            if reference.endswith(".toml") or Path(reference).exists():
                return load_framework(
                    reference, extensions=registry.extensions, resolve=registry.resolve
                )
            return registry.resolve(reference, on)
        except CriteriaKitError as error:
            _fail(error)


def _session() -> _Session:
    session = click.get_current_context().find_object(_Session)
    assert session is not None  # noqa: S101  the group always creates one
    return session


def _sources(
    data: str, children: Sequence[str], data_format: DataFormat | None, monthly: str | None
) -> list[DataSource]:
    """Open every level's data (``-`` is standard input, for one of them at most)."""
    files = (data, *children)
    if [*files, monthly].count(STDIN) > 1:
        raise click.BadParameter("standard input (-) can give one data set only")
    try:
        return [open_source(file, data_format if file == data else None) for file in files]
    except CriteriaKitError as error:
        _fail(error)


def _evaluate(
    framework: str,
    data: str,
    children: tuple[str, ...],
    id_column: str,
    data_format: DataFormat | None,
    ignore_unknown: bool,
    on: dt.date | None,
    period: Period | None,
    monthly: str | None,
    sources: Sequence[DataSource] | None = None,
) -> list[LevelResults]:
    loaded = _session().framework(framework, on or (period.end if period else None))
    opened = sources if sources is not None else _sources(data, children, data_format, monthly)
    try:
        months = read_monthly(monthly, id_column=id_column) if monthly else ()
        levels = [read_level(source, id_column=id_column) for source in opened]
        unknown: UnknownInputs = "ignore" if ignore_unknown else "error"
        return evaluate_levels(
            loaded,
            levels,
            unknown_inputs=unknown,
            period=period,
            monthly=months,
            monthly_source=monthly,
        )
    except CriteriaKitError as error:
        _fail(error)


def _emit(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        write_text_atomic(output, text)


_ON_OPTION = click.option(
    "--on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    callback=lambda _context, _parameter, value: value.date() if value else None,
    help="Use the framework version valid on this date (default: today).",
)

_DATA_OPTIONS = (
    click.argument("framework"),
    click.argument("data"),
    click.option(
        "--children",
        multiple=True,
        help="Data of the level below DATA (rated by the framework's [children]); repeat for deeper levels.",
    ),
    click.option(
        "-o",
        "--output",
        type=click.Path(dir_okay=False, writable=True),
        help="Write to this file (atomically) instead of standard output.",
    ),
    click.option(
        "--id-column", default="id", show_default=True, help="Column holding the unit id."
    ),
    click.option(
        "--data-format",
        type=click.Choice(["csv", "json", "jsonl", "parquet", "xlsx"]),
        help="Format of DATA (default: from its suffix, or from its first bytes for -).",
    ),
    click.option(
        "--ignore-unknown-columns",
        "ignore_unknown",
        is_flag=True,
        help="Ignore data columns that are not declared inputs (default: report them as errors).",
    ),
    _ON_OPTION,
    click.option(
        "--period",
        callback=lambda _context, _parameter, value: _period(value),
        help="The period evaluated: 2024, 2024-H1, 2024-Q3 or 2024-06; picks the framework version valid at its end.",
    ),
    click.option(
        "--monthly",
        help="Monthly rows (id, period such as 2024-03, columns) gathered into per_month inputs over --period.",
    ),
)


def _period(label: str | None) -> Period | None:
    if label is None:
        return None
    try:
        return Period.parse(label)
    except DataError as error:
        raise click.BadParameter(error.problems[0].render()) from None


def _data_command(function: Callable[..., None]) -> Callable[..., None]:
    """Add the arguments and options shared by the commands that evaluate a data set."""
    for decorator in reversed(_DATA_OPTIONS):
        function = decorator(function)
    return function


def _limit_settings(
    _context: click.Context, _parameter: click.Parameter, values: tuple[str, ...]
) -> dict[str, int]:
    """Read the ``--limit NAME=VALUE`` options into limit changes, each checked."""
    settings: dict[str, int] = {}
    for text in values:
        try:
            name, value = limits.parse_setting(text)
        except ValueError as error:
            raise click.BadParameter(str(error)) from None
        settings[name] = value
    return settings


def build_cli() -> click.Group:
    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(__version__, prog_name="criteriakit")
    @click.option(
        "--plugin-dir",
        "plugin_dirs",
        multiple=True,
        type=click.Path(file_okay=False),
        help="A local plugin directory: framework TOML files and criteriakit_plugin.py (repeatable; also CRITERIAKIT_PATH).",
    )
    @click.option(
        "--disable-plugin",
        "disabled",
        multiple=True,
        help="Do not load this plugin (repeatable; also CRITERIAKIT_DISABLE_PLUGINS).",
    )
    @click.option(
        "--no-autoload", is_flag=True, help="Do not load installed plugins (entry points)."
    )
    @click.option(
        "--limit",
        "settings",
        multiple=True,
        metavar="NAME=VALUE",
        callback=_limit_settings,
        help="Change a cap on input sizes, e.g. file_bytes=8000000 (repeatable; the limits and "
        "their defaults are in docs/bad-input.md).",
    )
    @click.pass_context
    def cli(
        context: click.Context,
        plugin_dirs: tuple[str, ...],
        disabled: tuple[str, ...],
        no_autoload: bool,
        settings: dict[str, int],
    ) -> None:
        """Lint frameworks, evaluate data sets against them and explain the results."""
        context.with_resource(limits.override(**settings))
        context.obj = _Session(plugin_dirs, disabled, not no_autoload)

    _add_registry_commands(cli)
    _add_data_commands(cli)
    cli.add_command(compare_command(_tier_orders, _reason_kinds))
    cli.add_command(new_plugin_command())
    cli.add_command(test_command(_session))
    return cli


def _reason_kinds(framework: str, version: str) -> dict[str, str] | None:
    """Return a registered framework's reason kinds by code (None if it is not registered)."""
    try:
        compiled = _session().registry().resolve(f"{framework}@{version}").compiled
    except CriteriaKitError:
        return None
    kinds: dict[str, str] = {rule.id: rule.kind for rule in compiled.rules}
    kinds.update((gate.id, "gate") for tier in compiled.tiers for gate in tier.gates)
    kinds.update((quota.id, "quota") for quota in compiled.quotas)
    return kinds


def _tier_orders(results: Sequence[Outcome]) -> dict[str, tuple[str, ...]]:
    """Each registered framework's tier ids, best first; frameworks not registered are left out."""
    registry = _session().registry()
    orders: dict[str, tuple[str, ...]] = {}
    for reference in dict.fromkeys(result.framework_ref for result in results):
        try:
            framework = registry.resolve(reference)
        except CriteriaKitError:
            continue
        orders.setdefault(framework.id, framework.tiers)
    return orders


def _add_registry_commands(cli: click.Group) -> None:
    """Add the commands about registered frameworks and plugins."""

    @cli.command()
    def frameworks() -> None:
        """List the registered frameworks, with their validity and the plugin that registered them."""
        entries = sorted(
            _session().registry().frameworks.values(),
            key=lambda e: (e.framework.id, e.framework.version),
        )
        rows = [
            (
                e.framework.id,
                e.framework.version,
                e.validity,
                e.framework.title(),
                e.plugin.name,
                e.plugin.distribution or "",
            )
            for e in entries
        ]
        click.echo(
            render_text_table(("id", "version", "valid", "title", "plugin", "distribution"), rows),
            nl=False,
        )

    @cli.command()
    def plugins() -> None:
        """List the loaded plugins: distribution, hooks and what each registered."""
        registry = _session().registry()
        rows = [
            (
                info.name,
                info.distribution or "(local)",
                ", ".join(hook.removeprefix("criteriakit_") for hook in info.hooks),
                describe_registrations(registry, info.name),
            )
            for info in registry.plugins.infos
        ]
        click.echo(
            render_text_table(("plugin", "distribution", "hooks", "registered"), rows), nl=False
        )

    @cli.command()
    @click.argument("base")
    @click.argument("derived")
    @_ON_OPTION
    def diff(base: str, derived: str, on: dt.date | None) -> None:
        """Show what DERIVED changes from BASE (ids, id@version or files): + added, - removed, ~ changed."""
        session = _session()
        click.echo(
            diff_definitions(
                session.framework(base, on).definition, session.framework(derived, on).definition
            ).render()
        )

    @cli.command()
    @click.argument("framework")
    @_ON_OPTION
    def show(framework: str, on: dt.date | None) -> None:
        """Show a framework (an id, id@version or file): inputs, criteria, tiers and rules."""
        click.echo(describe_framework(_session().framework(framework, on)))


def _write_evaluation(
    output_format: OutputFormat,
    output: str | None,
    all_levels: bool,
    engine: Engine,
    source: dict[str, Any],
) -> None:
    """Evaluate with the engine ``engine`` picks and write the results (see ``evaluate``)."""
    if all_levels and output_format in {"csv", "parquet"}:
        raise click.BadParameter(
            f"{output_format} holds one framework's table: use --format table, json or jsonl",
            param_hint="--all-levels",
        )
    sources = _sources(source["data"], source["children"], source["data_format"], source["monthly"])
    documents = output_format == "json"
    titles: list[str] | None = None
    if wants_columnar(engine, sources, documents=documents, monthly=source["monthly"]):
        period: Period | None = source["period"]
        framework = _session().framework(
            source["framework"], source["on"] or (period.end if period else None)
        )
        if not keeps_scalar(engine, framework, sources):
            try:
                tables = evaluate_columnar(
                    framework,
                    sources,
                    id_column=source["id_column"],
                    ignore_unknown=source["ignore_unknown"],
                )
                if all_levels:
                    chain = framework_chain(framework, len(sources))
                    titles = [level.ref for level in chain]
                write_tables(
                    tables if all_levels else tables[:1], output_format, output, titles=titles
                )
            except CriteriaKitError as error:
                _fail(error)
            return
    if _streams(sources, output_format, source):
        framework = _session().framework(source["framework"], _version_date(source))
        if not framework.compiled.quotas:
            _stream_evaluation(framework, sources[0], output_format, output, source)
            return
    levels = _evaluate(**source, sources=sources)
    shown = levels if all_levels else levels[:1]
    try:
        if documents:
            write_documents([result for level in shown for result in level.results], output)
            return
        tables = [
            ResultTable.of(
                level.framework,
                level.results,
                id_type=level.data.id_type if level.data else "text",
                parent_type=level.data.parent_type if level.data else "text",
            )
            for level in shown
        ]
        titles = [level.framework.ref for level in shown] if all_levels else None
        write_tables(tables, output_format, output, titles=titles)
    except CriteriaKitError as error:
        _fail(error)


def _version_date(source: dict[str, Any]) -> dt.date | None:
    """Return the date whose framework version evaluates: ``--on``, else the period's end."""
    period: Period | None = source["period"]
    on: dt.date | None = source["on"]
    return on or (period.end if period else None)


def _streams(
    sources: Sequence[DataSource], output_format: OutputFormat, source: dict[str, Any]
) -> bool:
    """Return whether the scalar engine streams this evaluation (see :func:`_stream_evaluation`).

    It does for one CSV file (not standard input, already held) without monthly rows, written
    as CSV, JSON Lines or documents; a framework with quotas is checked by the caller.
    """
    return (
        len(sources) == 1
        and sources[0].format == "csv"
        and sources[0].path is not None
        and source["monthly"] is None
        and output_format in STREAMED_FORMATS
    )


def _stream_evaluation(
    framework: Framework,
    data: DataSource,
    output_format: OutputFormat,
    output: str | None,
    source: dict[str, Any],
) -> None:
    """Evaluate a CSV file a row at a time and write the results as they come.

    Memory stays that of a row, whatever the file's length: the file is read three times
    from disk (its structure, then its rows, then the first rows of ids that may repeat), and
    the output goes through a temporary file, so that nothing is written unless every unit
    evaluated. The errors, and the output, are those of the whole-data path.
    """
    assert data.path is not None  # noqa: S101  _streams takes files only
    path, name, id_column = data.path, data.name, source["id_column"]
    suspects: dict[int, str] = {}

    def first_rows_of(units: Collection[str]) -> Mapping[str, int]:
        with _csv_records(path, name) as (_, again):
            return first_rows(again, id_column, units)

    try:
        with _csv_records(path, name) as (_, rows):
            for _ in rows:  # a malformed row stops the reading, before any other check
                pass
        with _csv_records(path, name) as (header, rows):
            check_columns(
                framework,
                [column for column in header if column not in {id_column, "parent"}],
                source=name,
                id_column=id_column,
                has_ids=id_column in header,
                unknown="ignore" if source["ignore_unknown"] else "error",
            )
            units = streamed_rows(
                rows, source=name, id_column=id_column, parent_column="parent", suspects=suspects
            )
            results = evaluate_streamed(
                framework,
                units,
                source=name,
                id_column=id_column,
                suspects=suspects,
                first_rows=first_rows_of,
                period=source["period"],
            )
            write_streamed(result_pieces(results, output_format, table_columns(framework)), output)
    except CriteriaKitError as error:
        _fail(error)


@contextlib.contextmanager
def _csv_records(
    path: Path, name: str
) -> Iterator[tuple[tuple[str, ...], Iterator[tuple[int, Mapping[str, Any]]]]]:
    """Yield a CSV file's header and records, read lazily from disk (:func:`csv_file_rows`)."""
    with csv_file_rows(path, name, limits.current().data_bytes) as (header, cells):
        yield header, cell_records(header, (row for _, row in cells))


def _add_data_commands(cli: click.Group) -> None:
    """Add the commands that check frameworks and evaluate data."""

    @cli.command()
    @click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
    def lint(files: tuple[str, ...]) -> None:
        """Check framework files and report every problem."""
        failed = False
        for file in files:
            try:
                registry = _session().registry()
                framework = load_framework(
                    file, extensions=registry.extensions, resolve=registry.resolve
                )
            except CriteriaKitError as error:
                click.echo(str(error), err=True)
                failed = True
                continue
            definition = framework.definition
            indicators = sum(len(criterion.indicators) for criterion in definition.criteria)
            click.echo(
                f"{file}: ok: {framework.ref}, {len(definition.criteria)} criteria, {indicators} indicators, "
                f"{len(definition.tiers)} tiers, {len(definition.rules)} rules"
            )
        sys.exit(1 if failed else 0)

    @cli.command()
    @_data_command
    @click.option(
        "--format",
        "output_format",
        type=click.Choice(["table", "csv", "json", "jsonl", "parquet"]),
        default="table",
        show_default=True,
        help="json: result documents (every explanation); the others: the result table.",
    )
    @click.option(
        "--all-levels",
        is_flag=True,
        help="With --children: print the results of every level, top first.",
    )
    @ENGINE_OPTION
    def evaluate(
        output_format: OutputFormat,
        output: str | None,
        all_levels: bool,
        engine: Engine,
        **source: Any,
    ) -> None:
        """Evaluate every unit of DATA against FRAMEWORK; DATA may be - (standard input).

        FRAMEWORK is an id or a file; DATA a CSV, JSON, JSON Lines, Parquet or Excel file. With
        --children, the levels below are evaluated first and rolled up into DATA's units. The
        output is the same whichever engine runs (see --engine and docs/results.md).
        """
        _write_evaluation(output_format, output, all_levels, engine, source)

    @cli.command()
    @_data_command
    @click.option(
        "-u", "--unit", "units", multiple=True, help="Explain only this unit (repeatable)."
    )
    def explain(units: tuple[str, ...], output: str | None, **source: Any) -> None:
        """Explain the results of DATA against FRAMEWORK: points, reasons, what it would take."""
        results = list(_evaluate(**source)[0].results)
        if units:
            known = {result.unit for result in results}
            unknown = [unit for unit in units if unit not in known]
            if unknown:
                message = f"no unit {unknown[0]!r} in {source['data']}"
                raise click.BadParameter(message, param_hint="--unit")
            results = [result for result in results if result.unit in units]
        _emit("\n\n".join(result.explain() for result in results) + "\n", output)
