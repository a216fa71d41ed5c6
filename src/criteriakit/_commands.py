"""The commands of the ``criteriakit`` command line (needs the ``cli`` extra: click and rich).

Exit status: 0 on success, 1 when a framework, the data or an evaluation has problems (all of
them printed to standard error), 2 for usage errors. Output goes to standard output or, with
``--output``, to a file written atomically; nothing is written unless every unit evaluated.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

import click
from rich.console import Console
from rich.table import Table

from criteriakit._atomic import write_text_atomic
from criteriakit._version import __version__
from criteriakit.batch import evaluate_rows
from criteriakit.data import DataFormat, read_units
from criteriakit.errors import CriteriaKitError
from criteriakit.explain import format_number
from criteriakit.framework import Framework
from criteriakit.inputs import UnknownInputs
from criteriakit.loading import load_framework
from criteriakit.model.results import Result
from criteriakit.render import render_csv, render_json

__all__ = ["build_cli"]


def _fail(error: CriteriaKitError) -> NoReturn:
    click.echo(str(error), err=True)
    sys.exit(1)


def _load(path: str) -> Framework:
    try:
        return load_framework(path)
    except CriteriaKitError as error:
        _fail(error)


def _evaluate(
    framework: str,
    data: str,
    id_column: str,
    data_format: DataFormat | None,
    ignore_unknown: bool,
) -> list[Result]:
    loaded = _load(framework)
    try:
        rows = read_units(data, id_column=id_column, data_format=data_format)
        unknown: UnknownInputs = "ignore" if ignore_unknown else "error"
        return evaluate_rows(loaded, rows, unknown_inputs=unknown, source=data)
    except CriteriaKitError as error:
        _fail(error)


def _table(results: Sequence[Result]) -> str:
    table = Table(show_edge=False, pad_edge=False, box=None, header_style="bold")
    for column, justify in (
        ("unit", "left"),
        ("score", "right"),
        ("band tier", "left"),
        ("tier", "left"),
        ("reasons", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for result in results:
        score = (
            "not evaluable"
            if result.score is None
            else f"{format_number(result.score)} / {format_number(result.max_score)}"
        )
        table.add_row(
            result.unit or "",
            score,
            result.band_tier or "",
            result.tier or "",
            ", ".join(result.reason_codes),
        )
    buffer = io.StringIO()
    Console(width=200, file=buffer, color_system=None).print(table)
    return buffer.getvalue()


def _emit(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text, nl=False)
    else:
        write_text_atomic(output, text)


_DATA_OPTIONS = (
    click.argument("framework", type=click.Path(dir_okay=False)),
    click.argument("data", type=click.Path(dir_okay=False)),
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
        type=click.Choice(["csv", "json", "jsonl"]),
        help="Format of DATA (default: from its suffix).",
    ),
    click.option(
        "--ignore-unknown-columns",
        "ignore_unknown",
        is_flag=True,
        help="Ignore data columns that are not declared inputs (default: report them as errors).",
    ),
)


def _data_command(function: Callable[..., None]) -> Callable[..., None]:
    """Add the arguments and options shared by the commands that evaluate a data set."""
    for decorator in reversed(_DATA_OPTIONS):
        function = decorator(function)
    return function


def build_cli() -> click.Group:
    @click.group(context_settings={"help_option_names": ["-h", "--help"]})
    @click.version_option(__version__, prog_name="criteriakit")
    def cli() -> None:
        """Lint frameworks, evaluate data sets against them and explain the results."""

    @cli.command()
    @click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
    def lint(files: tuple[str, ...]) -> None:
        """Check framework files and report every problem."""
        failed = False
        for file in files:
            try:
                framework = load_framework(file)
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
        type=click.Choice(["table", "json", "csv"]),
        default="table",
        show_default=True,
    )
    def evaluate(output_format: str, output: str | None, **source: Any) -> None:
        """Evaluate every unit of DATA (CSV, JSON or JSON Lines) against FRAMEWORK (a TOML file)."""
        results = _evaluate(**source)
        renderers = {"json": render_json, "csv": render_csv, "table": _table}
        _emit(renderers[output_format](results), output)

    @cli.command()
    @_data_command
    @click.option(
        "-u", "--unit", "units", multiple=True, help="Explain only this unit (repeatable)."
    )
    def explain(units: tuple[str, ...], output: str | None, **source: Any) -> None:
        """Explain the results of DATA against FRAMEWORK: points, reasons, what it would take."""
        results = _evaluate(**source)
        if units:
            known = {result.unit for result in results}
            unknown = [unit for unit in units if unit not in known]
            if unknown:
                message = f"no unit {unknown[0]!r} in {source['data']}"
                raise click.BadParameter(message, param_hint="--unit")
            results = [result for result in results if result.unit in units]
        _emit("\n\n".join(result.explain() for result in results) + "\n", output)

    return cli
