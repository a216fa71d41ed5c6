"""Input checks and plugins' per-unit hooks in the columnar executor.

A framework's ``[[checks]]`` run as columns in the plan (:data:`CHECK_FAILED` flags a unit that
fails one); the units flagged are checked again here, one by one, to report each finding by row
exactly as the scalar data readers do. ``criteriakit_validate_inputs`` checks one unit's values
with local rules: when a plugin's applies to the framework, every row goes through it, in
Python, on the values as the columns hold them (absent values left out, as the scalar executor
leaves them out). ``criteriakit_adjust_result`` rewrites a unit's full
:class:`~criteriakit.Result` (indicators, reasons, what it would take), which the columnar
executor does not build: a framework one applies to is refused rather than evaluated without it.
Hooks scoped to other frameworks (:func:`criteriakit.applies_to`) cost nothing here.
"""

from __future__ import annotations

from collections.abc import Mapping

import polars as pl

from criteriakit.columnar.plan import CHECK_FAILED
from criteriakit.errors import DataError, PluginError, Problem
from criteriakit.scalar.framework import Framework

__all__ = ["carried_for_checks", "refuse_result_adjusters", "validate_by_rows"]


def refuse_result_adjusters(framework: Framework) -> None:
    """Raise :class:`~criteriakit.PluginError` if a plugin adjusts this framework's results."""
    if framework.extensions is None or not framework.adjusted_by_plugins:
        return
    plugin = framework.extensions.scoped(framework.id).result_adjusters[0][0]
    message = (
        f"it adjusts the full results of {framework.ref}, which the columnar executor does not "
        "build: evaluate with the scalar executor (criteriakit evaluate --engine scalar)"
    )
    raise PluginError(
        message,
        plugin=plugin.name,
        distribution=plugin.distribution,
        hook="criteriakit_adjust_result",
    )


def carried_for_checks(framework: Framework, planned: pl.LazyFrame) -> dict[str, str]:
    """Return the columns of ``planned`` the input checks need, each with the name to keep it as.

    Each input's converted column (``_in:NAME``), to check units again one by one, and, with
    ``[[checks]]``, their :data:`CHECK_FAILED` flag; nothing when no check applies.
    """
    if not framework.checks_inputs:
        return {}
    present = planned.collect_schema()
    carried = {name: f"_in:{name}" for name in framework.compiled.declared if name in present}
    if framework.compiled.checks:
        carried[CHECK_FAILED] = CHECK_FAILED
    return carried


def validate_by_rows(
    framework: Framework,
    rows: pl.DataFrame,
    row_column: str,
    columns: Mapping[str, str],
    source: str | None,
) -> None:
    """Run the input checks on the rows that need them; raise :class:`~criteriakit.DataError`.

    ``rows`` holds each unit's row number in ``row_column`` and the columns
    :func:`carried_for_checks` named, ``columns``. Plugins' checks see every row; the
    ``[[checks]]`` alone only the rows the plan flagged.
    """
    if not framework.checked_by_plugins:
        rows = rows.filter(pl.col(CHECK_FAILED))
    columns = {name: column for name, column in columns.items() if column != CHECK_FAILED}
    names = list(columns)
    problems: list[Problem] = []
    for row, *values in rows.select(row_column, *columns.values()).iter_rows():
        given = {
            name: value for name, value in zip(names, values, strict=True) if value is not None
        }
        problems += framework.input_problems(given, row=row, file=source)
    if problems:
        raise DataError(problems, source=source)
