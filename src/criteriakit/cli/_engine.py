"""How ``criteriakit evaluate`` picks its engine, and the columnar engine's part of it.

The engine only changes speed: both write the same result table and documents. ``auto`` uses
the columnar engine for large data sets (:data:`AUTO_ROWS` units or more in all levels) and for
Parquet files; the scalar engine otherwise, and always
for result documents (``--format json``: each unit's full explanation), for ``--monthly`` and
for frameworks whose plugins adjust results (``criteriakit_adjust_result``), which only the
scalar engine applies.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Literal

import click

from criteriakit.cli._progress import counting
from criteriakit.errors import DataError

if TYPE_CHECKING:
    from criteriakit.data import DataSource
    from criteriakit.scalar.framework import Framework

__all__ = [
    "AUTO_ROWS",
    "ENGINE_OPTION",
    "Engine",
    "evaluate_columnar",
    "keeps_scalar",
    "wants_columnar",
]

AUTO_ROWS = 20_000
"""From this many units in all, ``--engine auto`` evaluates as columns (Parquet files always)."""

Engine = Literal["auto", "scalar", "columnar"]

ENGINE_OPTION = click.option(
    "--engine",
    type=click.Choice(["auto", "scalar", "columnar"]),
    default="auto",
    show_default=True,
    help=(
        "Only changes speed, never the output. scalar: one unit at a time; columnar: whole "
        f"columns, for large data sets (needs polars); auto: columnar from {AUTO_ROWS:,} units."
    ),
)


def _rows(sources: Sequence[DataSource]) -> int:
    """Count the data rows of ``sources`` roughly (lines), without reading their values.

    A file that cannot be read (too large, say) counts for none: reading it for the evaluation
    reports why, as an error rather than a traceback.
    """
    total = 0
    for source in sources:
        if source.format in {"csv", "jsonl"}:
            try:
                total += source.read_bytes().count(b"\n")
            except DataError:
                continue
    return total


def _polars_installed() -> bool:
    return importlib.util.find_spec("polars") is not None


def wants_columnar(
    engine: Engine, sources: Sequence[DataSource], *, documents: bool, monthly: str | None
) -> bool:
    """Return whether to evaluate as columns; raise a usage error if the engine cannot."""
    if engine == "scalar" or documents:
        if engine == "columnar" and documents:
            click.echo(
                "note: result documents (--format json) hold each unit's full explanation, "
                "which the scalar engine builds; --engine columnar speeds up the table formats",
                err=True,
            )
        return False
    if engine == "columnar":
        if monthly is not None:
            message = "--monthly is gathered by the scalar engine: use --engine scalar"
            raise click.BadParameter(message, param_hint="--engine")
        if not _polars_installed():
            message = "the columnar engine needs polars: pip install 'criteriakit[polars]'"
            raise click.BadParameter(message, param_hint="--engine")
        return True
    if monthly is not None or not _polars_installed():
        return False
    parquet = any(source.format == "parquet" for source in sources)
    return parquet or _rows(sources) >= AUTO_ROWS


def keeps_scalar(engine: Engine, framework: Framework, sources: Sequence[DataSource]) -> bool:
    """Return whether ``auto`` must keep the scalar engine after all.

    It must when a plugin adjusts the results of a framework of the levels, which the columnar
    engine refuses.
    """
    if engine != "auto":
        return False
    from criteriakit.scalar.hierarchy import framework_chain  # noqa: PLC0415  loaded when used

    return any(level.adjusted_by_plugins for level in framework_chain(framework, len(sources)))


def evaluate_columnar(
    framework: Framework,
    sources: Sequence[DataSource],
    *,
    id_column: str,
    ignore_unknown: bool,
    label: str,
) -> list[Any]:
    """Evaluate ``sources`` (top level first) as columns; return each level's Polars table.

    ``label`` is the progress bar's.
    """
    from criteriakit.columnar import evaluate_levels_frame  # noqa: PLC0415  needs Polars

    with counting(label) as advance:
        return evaluate_levels_frame(
            framework,
            list(sources),
            unit_column=id_column,
            unknown_inputs="ignore" if ignore_unknown else "error",
            progress=advance,
        )
